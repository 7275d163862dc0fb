#include "server/auth/session_cookie.h"

#include "common/crypto.h"

namespace es::auth {

std::string CookieValue(std::string_view header, std::string_view name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(pos, end - pos);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    const size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      std::string_view v = part.substr(eq + 1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
    pos = end + 1;
  }
  return "";
}

std::string SessionIdHash(std::string_view id) { return crypto::Hex(crypto::Sha256(id)); }

std::string SetCookie(std::string_view name, std::string_view value, int64_t max_age_s, bool http_only, bool secure) {
  std::string c = std::string(name) + "=" + std::string(value) + "; Path=/; Max-Age=" + std::to_string(max_age_s) +
                  "; SameSite=Strict";
  if (http_only) c += "; HttpOnly";
  if (secure) c += "; Secure";
  return c;
}

}  // namespace es::auth
