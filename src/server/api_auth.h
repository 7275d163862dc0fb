// Dashboard sign-in (SPEC F15): local users per tenant, sessions in a cookie.
//
//   POST /auth/login     public  JSON {"tenant","email","password"} or a form
//                                (tenant, email, password, csrf = the es_login
//                                cookie) → session + CSRF cookies; JSON answers
//                                200 {"tenant","user","role","csrfToken","expiresAt"},
//                                a form 303 to "/". 401 on a wrong tenant, email or
//                                password (one message for all), 429 + Retry-After
//                                while throttled (auth/login_throttle.h), 403 for a
//                                form without its token.
//   POST /auth/logout    public  ends the cookie's session (needs X-CSRF-Token when
//                                a session is present), clears the cookies; 204.
//   GET  /auth/link      public  ?token=… a one-time sign-in link (IssueSignInLink):
//                                consumed, replaced by a session, 303 to "/".
//   GET  /api/v1/session user    who is calling: {"tenant","user","role","auth"
//                                ("session"|"bearer"),"csrfToken" (session only)}.
//
// Cookies: auth/session_cookie.h. Secure is set when the request says it came
// over TLS (X-Forwarded-Proto: https) or the server's public redirect URI is
// https. Sessions last 8 hours; sign-in links 10 minutes.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "server/auth/password.h"
#include "store/store.h"

namespace es::server {

struct ServerContext;
class Router;

inline constexpr int64_t kSessionTtlMs = 8LL * 3600 * 1000;
inline constexpr int64_t kSignInLinkTtlMs = 10LL * 60 * 1000;

void RegisterAuthRoutes(ServerContext& ctx, Router& router);

// Creates or replaces the user (email lower-cased, role "admin"|"user",
// password hashed with argon2id). Validation names what was wrong.
Status AddUser(store::StateStore& store, const std::string& tenant, const std::string& email,
               const std::string& role, const std::string& password, int64_t now_ms,
               auth::HashCost cost = auth::HashCost::kInteractive);

// A one-time sign-in link token for an existing user (the URL is
// <server>/auth/link?token=<token>); NotFound when the user does not exist.
Result<std::string> IssueSignInLink(store::StateStore& store, const std::string& tenant, const std::string& email,
                                    int64_t now_ms);

}  // namespace es::server
