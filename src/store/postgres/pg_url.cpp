#include "store/postgres/pg_url.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace es::store::postgres {
namespace {

constexpr std::string_view kMask = "***";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `s`; nullopt when an escape is malformed.
std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = HexValue(s[i + 1]);
    int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// A [begin, end) range of the URL text that holds a password.
struct Span {
  size_t begin;
  size_t end;
};

// Every place in `url` that holds a password: the userinfo password and any
// `password=` query values.
std::vector<Span> PasswordSpans(std::string_view url) {
  std::vector<Span> spans;
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return spans;
  const size_t start = sep + 3;
  const size_t query = url.find('?', start);
  const size_t auth_end = std::min(url.find('/', start), query);
  const std::string_view authority =
      url.substr(start, auth_end == std::string_view::npos ? std::string_view::npos : auth_end - start);
  // The last '@' ends the userinfo: a raw '@' inside a password (which should
  // have been written %40) stays inside the redacted part.
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const size_t colon = authority.find(':');
    if (colon != std::string_view::npos && colon < at) spans.push_back({start + colon + 1, start + at});
  }
  if (query != std::string_view::npos) {
    size_t pos = query + 1;
    while (pos <= url.size()) {
      size_t amp = url.find('&', pos);
      if (amp == std::string_view::npos) amp = url.size();
      std::string_view pair = url.substr(pos, amp - pos);
      size_t eq = pair.find('=');
      if (eq != std::string_view::npos && Lower(pair.substr(0, eq)) == "password") {
        spans.push_back({pos + eq + 1, amp});
      }
      pos = amp + 1;
    }
  }
  return spans;
}

}  // namespace

bool IsPostgresUrl(std::string_view url) {
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return false;
  const std::string scheme = Lower(url.substr(0, sep));
  return scheme == "postgres" || scheme == "postgresql";
}

std::string RedactUrl(std::string_view url) {
  std::vector<Span> spans = PasswordSpans(url);
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  std::string out;
  size_t pos = 0;
  for (const Span& s : spans) {
    if (s.begin < pos) continue;
    out.append(url.substr(pos, s.begin - pos));
    out.append(kMask);
    pos = s.end;
  }
  out.append(url.substr(pos));
  return out;
}

SecretScrubber::SecretScrubber(std::string_view url) {
  for (const Span& s : PasswordSpans(url)) {
    std::string_view raw = url.substr(s.begin, s.end - s.begin);
    if (raw.empty()) continue;
    secrets_.emplace_back(raw);
    if (std::optional<std::string> decoded = PercentDecode(raw); decoded && !decoded->empty()) {
      secrets_.push_back(std::move(*decoded));
    }
    // A raw '@' in the password: libpq splits at the first one, so the part
    // after it may be echoed as a host name.
    for (size_t at = raw.find('@'); at != std::string_view::npos; at = raw.find('@', at + 1)) {
      if (at + 1 < raw.size()) secrets_.emplace_back(raw.substr(at + 1));
      if (at > 0) secrets_.emplace_back(raw.substr(0, at));
    }
  }
  // Longest first, so a secret that contains another is replaced whole.
  std::sort(secrets_.begin(), secrets_.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  secrets_.erase(std::unique(secrets_.begin(), secrets_.end()), secrets_.end());
}

std::string SecretScrubber::Scrub(std::string text) const {
  for (const std::string& secret : secrets_) {
    for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + kMask.size())) {
      text.replace(pos, secret.size(), kMask);
    }
  }
  return text;
}

}  // namespace es::store::postgres
