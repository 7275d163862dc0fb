#include "http/target_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cctype>
#include <cstring>

namespace es::http {
namespace {

AddressClass ClassifyV4(uint32_t a) {  // host byte order
  const uint32_t b0 = a >> 24, b1 = (a >> 16) & 0xff, b2 = (a >> 8) & 0xff;
  if (b0 == 0) return AddressClass::kUnspecified;
  if (b0 == 127) return AddressClass::kLoopback;
  if (b0 == 10) return AddressClass::kPrivate;
  if (b0 == 172 && (b1 & 0xf0) == 16) return AddressClass::kPrivate;
  if (b0 == 192 && b1 == 168) return AddressClass::kPrivate;
  if (b0 == 100 && (b1 & 0xc0) == 64) return AddressClass::kPrivate;  // carrier-grade NAT
  if (b0 == 169 && b1 == 254) return AddressClass::kLinkLocal;        // cloud metadata lives here
  if (b0 == 192 && b1 == 0 && b2 == 0) return AddressClass::kReserved;
  if (b0 == 198 && (b1 & 0xfe) == 18) return AddressClass::kReserved;
  if (b0 >= 224 && b0 < 240) return AddressClass::kMulticast;
  if (b0 >= 240) return AddressClass::kReserved;
  return AddressClass::kPublic;
}

uint32_t V4At(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

AddressClass ClassifyV6(const uint8_t* a) {
  static const uint8_t kZero[16] = {0};
  if (std::memcmp(a, kZero, 16) == 0) return AddressClass::kUnspecified;
  if (std::memcmp(a, kZero, 15) == 0 && a[15] == 1) return AddressClass::kLoopback;
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible) carry an IPv4 address.
  if (std::memcmp(a, kZero, 10) == 0 && a[10] == 0xff && a[11] == 0xff) return ClassifyV4(V4At(a + 12));
  if (std::memcmp(a, kZero, 12) == 0) return ClassifyV4(V4At(a + 12));
  // 64:ff9b::/96 (NAT64) and 2002::/16 (6to4) reach IPv4 addresses too.
  static const uint8_t kNat64[12] = {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(a, kNat64, 12) == 0) return ClassifyV4(V4At(a + 12));
  if (a[0] == 0x20 && a[1] == 0x02) return ClassifyV4(V4At(a + 2));
  if ((a[0] & 0xfe) == 0xfc) return AddressClass::kPrivate;                    // fc00::/7 unique local
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return AddressClass::kLinkLocal;  // fe80::/10
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return AddressClass::kPrivate;    // fec0::/10 site local
  if (a[0] == 0xff) return AddressClass::kMulticast;
  return AddressClass::kPublic;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EndsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

}  // namespace

const char* AddressClassName(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic: return "public";
    case AddressClass::kLoopback: return "loopback";
    case AddressClass::kPrivate: return "private";
    case AddressClass::kLinkLocal: return "link-local";
    case AddressClass::kUnspecified: return "unspecified";
    case AddressClass::kMulticast: return "multicast";
    case AddressClass::kReserved: return "reserved";
  }
  return "reserved";
}

AddressClass ClassifyAddress(const sockaddr* sa) {
  if (sa == nullptr) return AddressClass::kReserved;
  if (sa->sa_family == AF_INET) {
    return ClassifyV4(ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr));
  }
  if (sa->sa_family == AF_INET6) {
    return ClassifyV6(reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr.s6_addr);
  }
  return AddressClass::kReserved;
}

AddressClass ClassifyHost(std::string_view host_in) {
  std::string host = Lower(host_in);
  while (!host.empty() && host.back() == '.') host.pop_back();  // "localhost." is localhost
  if (host.empty()) return AddressClass::kUnspecified;
  if (host == "localhost" || EndsWith(host, ".localhost") || host == "localhost.localdomain" ||
      host == "ip6-localhost" || host == "ip6-loopback") {
    return AddressClass::kLoopback;
  }
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const size_t zone = host.find('%');  // fe80::1%eth0
  if (zone != std::string::npos) host.resize(zone);
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return ClassifyV6(v6.s6_addr);
  // inet_aton accepts every legacy form a resolver does: "127.1", "2130706433", "0x7f.0.0.1".
  in_addr v4{};
  if (inet_aton(host.c_str(), &v4) != 0) return ClassifyV4(ntohl(v4.s_addr));
  return AddressClass::kPublic;
}

Result<UrlTarget> ParseUrlTarget(std::string_view url) {
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return Status::Validation("the URL has no scheme (expected http:// or https://)");
  const std::string scheme = Lower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https") {
    return Status::Validation("the URL scheme '" + scheme + "' is not http or https");
  }
  std::string_view authority = url.substr(sep + 3);
  authority = authority.substr(0, authority.find_first_of("/?#\\"));
  UrlTarget t;
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    t.has_userinfo = true;
    authority.remove_prefix(at + 1);
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::Validation("the URL has an unclosed [IPv6] host");
    t.host = Lower(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Status::Validation("the URL has text after its [IPv6] host");
      port = rest.substr(1);
    }
  } else {
    const size_t colon = authority.rfind(':');
    t.host = Lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (t.host.empty()) return Status::Validation("the URL has no host");
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos) {
      return Status::Validation("the URL port is not a number");
    }
    t.port = std::stoi(std::string(port));
    if (t.port <= 0 || t.port > 65535) return Status::Validation("the URL port is out of range");
  } else {
    t.port = scheme == "https" ? 443 : 80;
  }
  return t;
}

bool TargetPolicy::Allows(const UrlTarget& target) const {
  for (const std::string& entry_in : allowed) {
    std::string entry = Lower(entry_in);
    std::string host = entry;
    int port = 0;
    if (!entry.empty() && entry.front() == '[') {
      const size_t close = entry.find(']');
      if (close == std::string::npos) continue;
      host = entry.substr(1, close - 1);
      if (close + 1 < entry.size() && entry[close + 1] == ':') port = std::atoi(entry.c_str() + close + 2);
    } else if (entry.find(':') != std::string::npos && entry.find(':') == entry.rfind(':')) {
      const size_t colon = entry.find(':');
      host = entry.substr(0, colon);
      port = std::atoi(entry.c_str() + colon + 1);
    }
    if (host == target.host && (port == 0 || port == target.port)) return true;
  }
  return false;
}

Status CheckTarget(const TargetPolicy& policy, std::string_view url, const std::string& what) {
  auto target = ParseUrlTarget(url);
  if (!target.ok()) return Status::Validation(what + ": " + target.status().message());
  if (policy.allow_private_targets || policy.Allows(*target)) return Status::Ok();
  const AddressClass c = ClassifyHost(target->host);
  if (c == AddressClass::kPublic) return Status::Ok();
  return Status::Validation(what + " points at a " + std::string(AddressClassName(c)) +
                                " address; the server only connects to public hosts unless its operator "
                                "allows internal ones (network.allow_private_targets or network.allowed_targets)",
                            "private_target");
}

Result<Response> GuardedTransport::Send(const Request& request) {
  auto target = ParseUrlTarget(request.url);
  if (!target.ok()) return Status::Validation("request URL: " + target.status().message());
  if (policy_.allow_private_targets || policy_.Allows(*target)) return inner_.Send(request);
  ES_RETURN_IF_ERROR(CheckTarget(policy_, request.url, "the request URL"));
  Request guarded = request;
  guarded.public_addresses_only = true;
  return inner_.Send(guarded);
}

}  // namespace es::http
