// Outbound target guard: keeps requests that tenants can aim (connection
// base URLs, QuickBooks API and token URLs) away from the host's own network
// (SSRF). A tenant admin must not be able to make the server talk to
// loopback, private, link-local or otherwise internal addresses unless the
// operator allowed it.
//
// Two checks, both needed:
//   1. before a request: the URL's host, when it is an IP literal (any form
//      the resolver accepts: "127.1", "0x7f000001", "[::ffff:127.0.0.1]") or
//      a localhost name, is classified at once (CheckTarget);
//   2. at connect time: the transport refuses to open a socket to a
//      non-public address (Request::public_addresses_only, honoured by the
//      curl transport), which covers host names that resolve to internal
//      addresses, DNS rebinding and every redirect hop (redirects are never
//      followed by the transport; each hop is a new, checked request).
//
// Non-public: 0.0.0.0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12,
// 192.0.0/24, 192.168/16, 198.18/15, 224/4 and above; ::, ::1, fc00::/7,
// fe80::/10, fec0::/10, ff00::/8, and the IPv4 ranges above when embedded
// (::ffff:a.b.c.d mapped, ::a.b.c.d compatible, 64:ff9b::/96, 2002::/16).
//
// TargetPolicy: allow_private_targets lets everything through (local
// sandboxes, the demo, tests); `allowed` lists exceptions as "host" or
// "host:port" ("127.0.0.1:8443", "[::1]", "erp.internal:443"), matched
// against the URL's host as written. Errors are Validation with code
// "private_target" and never name the resolved address.
#pragma once

#include <sys/socket.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "http/transport.h"

namespace es::http {

enum class AddressClass { kPublic, kLoopback, kPrivate, kLinkLocal, kUnspecified, kMulticast, kReserved };
const char* AddressClassName(AddressClass c);  // "public", "loopback", "private", "link-local", …

// Classifies a socket address (AF_INET / AF_INET6; anything else is reserved).
AddressClass ClassifyAddress(const sockaddr* sa);
// Classifies a host as written in a URL when it is an IP literal or a
// localhost name; kPublic for any other name (resolved later, at connect).
AddressClass ClassifyHost(std::string_view host);

struct UrlTarget {
  std::string host;  // lower case, IPv6 without brackets
  int port = 0;      // explicit or the scheme's default
  bool has_userinfo = false;
};
// The host and port a URL addresses, the way HTTP clients read it
// (userinfo stripped, [IPv6] literals). Validation for a malformed URL.
Result<UrlTarget> ParseUrlTarget(std::string_view url);

struct TargetPolicy {
  bool allow_private_targets = false;
  std::vector<std::string> allowed;  // "host" or "host:port"
  // True when `target` matches an entry of `allowed`.
  bool Allows(const UrlTarget& target) const;
};

// Refuses (Validation, code "private_target") a URL whose host is a
// non-public IP literal or a localhost name, unless the policy allows it;
// `what` names the URL in the message ("config.base_url").
Status CheckTarget(const TargetPolicy& policy, std::string_view url, const std::string& what = "the URL");

// A Transport that applies the policy to every request: CheckTarget first,
// then public_addresses_only for the connect-time check (not set for
// targets the policy lists). `inner` must outlive it. Thread-safe.
class GuardedTransport final : public Transport {
 public:
  GuardedTransport(Transport& inner, TargetPolicy policy) : inner_(inner), policy_(std::move(policy)) {}
  Result<Response> Send(const Request& request) override;
  const TargetPolicy& policy() const { return policy_; }

 private:
  Transport& inner_;
  const TargetPolicy policy_;
};

}  // namespace es::http
