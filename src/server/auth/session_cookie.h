// The dashboard's session and CSRF cookies (SPEC F15), pure helpers.
//
//   es_session  random 32 bytes (hex), HttpOnly, SameSite=Strict, Path=/,
//               Secure when the server is reached over TLS. The store keeps
//               only SessionIdHash(value).
//   es_csrf     the session's CSRF token, readable by the page's script
//               (not HttpOnly), SameSite=Strict; the script sends it back in
//               the X-CSRF-Token header of every state-changing request,
//               which the router compares (constant time) with the token
//               stored with the session.
//   es_login    a token the sign-in page gets with GET /; a form POST to
//               /auth/login must carry the same value in its "csrf" field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace es::auth {

inline constexpr const char* kSessionCookie = "es_session";
inline constexpr const char* kCsrfCookie = "es_csrf";
inline constexpr const char* kLoginCookie = "es_login";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

// The value of cookie `name` in a Cookie header ("a=1; b=2"); "" when absent.
std::string CookieValue(std::string_view cookie_header, std::string_view name);
// Hex SHA-256 of a session id or sign-in link token.
std::string SessionIdHash(std::string_view id);
// A Set-Cookie value. max_age_s 0 deletes the cookie.
std::string SetCookie(std::string_view name, std::string_view value, int64_t max_age_s, bool http_only, bool secure);

}  // namespace es::auth
