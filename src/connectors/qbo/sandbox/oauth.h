// The sandbox's OAuth 2.0 authority (reference §2): the authorize redirect
// (auto-consent), the token endpoint (authorization_code and refresh_token
// grants with refresh-token rotation), revocation, and bearer validation for
// API calls. Codes are single-use and bound to their redirect_uri; every
// refresh returns a new refresh token and the old one is dead at once.
// Tokens are opaque random strings; nothing here logs or echoes a secret.
// Time comes from the injected Clock. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/clock.h"

namespace es::qbo::sandbox {

struct OAuthConfig {
  std::string realm_id;
  std::string client_id;
  std::string client_secret;
  int64_t access_token_ttl_s = 3600;
  int64_t refresh_token_ttl_s = 8726400;
  int64_t code_ttl_s = 600;
};

struct IssuedTokens {
  std::string access_token, refresh_token;
  int64_t expires_in_s = 0;
  int64_t refresh_expires_in_s = 0;
};

// A complete HTTP answer (status, headers, body).
struct HttpAnswer {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";
};

enum class BearerCheck { kOk, kMissing, kInvalid, kExpired };

class OAuthAuthority {
 public:
  // `clock` must outlive the authority.
  OAuthAuthority(OAuthConfig config, Clock* clock);

  IssuedTokens Issue();  // a fresh grant, as if the user had just connected
  std::string IssueCode(const std::string& redirect_uri);
  // Validates "Bearer <token>"; on kOk sets *realm.
  BearerCheck CheckBearer(std::string_view authorization, std::string* realm) const;

  // GET /connect/oauth2 with its decoded query parameters.
  HttpAnswer Authorize(const std::multimap<std::string, std::string>& params);
  // POST /oauth2/v1/tokens/bearer.
  HttpAnswer Token(std::string_view authorization, std::string_view body, bool want_hard_expiry);
  // POST …/tokens/revoke with {"token": …}.
  HttpAnswer Revoke(std::string_view authorization, std::string_view body);

 private:
  struct Grant {
    int64_t started_ms = 0;
    bool revoked = false;
  };
  struct Access {
    std::string grant;
    int64_t expires_ms = 0;
  };
  struct Refresh {
    std::string grant;
    int64_t expires_ms = 0;
  };
  struct Code {
    std::string redirect_uri;
    int64_t expires_ms = 0;
    bool used = false;
  };

  bool ClientOk(std::string_view authorization, const std::map<std::string, std::string>& form) const;
  IssuedTokens IssueLocked(const std::string& grant);
  HttpAnswer TokenAnswer(const IssuedTokens& t, const std::string& grant, bool want_hard_expiry) const;
  void Sweep();

  const OAuthConfig config_;
  Clock* const clock_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Grant> grants_;     // guarded by mu_
  std::unordered_map<std::string, Access> access_;    // guarded by mu_
  std::unordered_map<std::string, Refresh> refresh_;  // guarded by mu_
  std::unordered_map<std::string, Code> codes_;       // guarded by mu_
  int64_t issued_since_sweep_ = 0;                    // guarded by mu_
};

}  // namespace es::qbo::sandbox
