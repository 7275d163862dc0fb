// OAuth 2.0 token handling for the QBO client: the token store, access-token
// freshness, serialised refresh with rotation persisted before use, and the
// authorization-code exchange of the connect flow.
#include <string>

#include "common/crypto.h"
#include "connectors/qbo/client.h"
#include "connectors/qbo/codec.h"

namespace es::qbo {
namespace {

constexpr int64_t kDefaultAccessLifetimeS = 3600;

http::Request TokenRequest(const Config& config, const http::Params& form) {
  http::Request req;
  req.method = "POST";
  req.url = config.token_url;
  req.headers = {
      {"Authorization", "Basic " + crypto::Base64Encode(config.client_id + ":" + config.client_secret)},
      {"Content-Type", "application/x-www-form-urlencoded"},
      {"Accept", "application/json"},
  };
  req.body = http::BuildQuery(form);
  return req;
}

// Turns a token endpoint answer into an error (non-200) or nothing.
Status TokenEndpointError(const Result<http::Response>& resp, const Config& config, std::string_view secret,
                          const char* what) {
  if (!resp.ok()) {
    Status failed = WithoutSecrets(resp.status(), {secret, config.client_secret});
    if (http::IsTransportFailure(failed)) return Unreachable(failed, config.token_url, "token_url").WithContext(what);
    return failed.WithContext(what);
  }
  if (resp->status == 200) return Status::Ok();
  Status s = DecodeFault(resp->status, resp->body, resp->Header("Retry-After"));
  std::string tid = resp->Header("intuit_tid");
  if (!tid.empty()) s = s.WithContext("intuit_tid " + tid);
  return WithoutSecrets(s, {secret, config.client_secret}).WithContext(what);
}

}  // namespace

Result<OAuthTokens> MemoryTokenStore::Load() {
  std::lock_guard<std::mutex> lock(mu_);
  return tokens_;
}

Status MemoryTokenStore::Save(const OAuthTokens& tokens) {
  std::lock_guard<std::mutex> lock(mu_);
  tokens_ = tokens;
  return Status::Ok();
}

Status ParseTokenResponse(std::string_view body, int64_t now_ms, OAuthTokens* out) {
  auto parsed = ParseJson(body);
  if (!parsed.ok() || !parsed->is_object()) {
    return Status::Network("token endpoint answered 200 with a body that is not a JSON object");
  }
  const Json& j = *parsed;
  std::string access = GetStringOr(j, "access_token");
  if (access.empty()) return Status::Authentication("token endpoint response has no 'access_token'");
  std::string token_type = GetStringOr(j, "token_type", "bearer");
  if (token_type != "bearer" && token_type != "Bearer") {
    return Status::Authentication("token endpoint returned token_type '" + token_type + "', expected 'bearer'");
  }
  int64_t expires_in = GetIntOr(j, "expires_in", kDefaultAccessLifetimeS);
  out->access_token = std::move(access);
  out->access_expires_at_ms = now_ms + expires_in * 1000;
  std::string refresh = GetStringOr(j, "refresh_token");
  if (!refresh.empty()) out->refresh_token = std::move(refresh);
  if (auto r = GetInt(j, "x_refresh_token_expires_in"); r.ok()) out->refresh_expires_at_ms = now_ms + *r * 1000;
  return Status::Ok();
}

Result<std::string> ExchangeAuthorizationCode(const Config& config, http::Transport& transport, Clock& clock,
                                              const std::string& code, const std::string& redirect_uri,
                                              OAuthTokens* out) {
  if (code.empty()) return Status::Validation("OAuth callback has no 'code'");
  if (redirect_uri.empty()) return Status::Validation("OAuth code exchange needs the redirect_uri used to authorize");
  if (config.client_id.empty() || config.client_secret.empty()) {
    return Status::Validation("QBO client_id and client_secret must be configured");
  }
  int64_t now = clock.NowMillis();
  auto resp = transport.Send(TokenRequest(
      config, {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", redirect_uri}}));
  ES_RETURN_IF_ERROR(TokenEndpointError(resp, config, code, "QBO authorization code exchange"));
  OAuthTokens tokens;
  tokens.realm_id = config.realm_id;
  ES_RETURN_IF_ERROR(ParseTokenResponse(resp->body, now, &tokens).WithContext("QBO authorization code exchange"));
  if (tokens.refresh_token.empty()) {
    return Status::Authentication("QBO authorization code exchange: response has no 'refresh_token'");
  }
  auto parsed = ParseJson(resp->body);
  std::string id_token = parsed.ok() ? GetStringOr(*parsed, "id_token") : std::string();
  *out = std::move(tokens);
  return id_token;
}

// ---- Client token handling ---------------------------------------------------------

bool Client::Fresh(const OAuthTokens& t) const {
  return !t.access_token.empty() && t.access_expires_at_ms - clock_.NowMillis() > config_.refresh_margin_ms;
}

Result<std::string> Client::AccessToken() {
  ES_ASSIGN_OR_RETURN(OAuthTokens t, tokens_.Load());
  if (Fresh(t)) return t.access_token;
  std::lock_guard<std::mutex> lock(refresh_mu_);
  // Another thread may have refreshed while this one waited for the mutex.
  ES_ASSIGN_OR_RETURN(t, tokens_.Load());
  if (Fresh(t)) return t.access_token;
  ES_ASSIGN_OR_RETURN(OAuthTokens next, RefreshLocked(t));
  return next.access_token;
}

Status Client::RefreshTokens() {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  ES_ASSIGN_OR_RETURN(OAuthTokens t, tokens_.Load());
  auto next = RefreshLocked(t);
  return next.ok() ? Status::Ok() : next.status();
}

Status Client::RefreshAfterUnauthorized(const std::string& failed_token) {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  ES_ASSIGN_OR_RETURN(OAuthTokens t, tokens_.Load());
  if (t.access_token != failed_token && Fresh(t)) return Status::Ok();  // already refreshed
  auto next = RefreshLocked(t);
  return next.ok() ? Status::Ok() : next.status();
}

Result<OAuthTokens> Client::RefreshLocked(const OAuthTokens& current) {
  if (current.refresh_token.empty()) {
    return Status::Authentication("QBO realm " + config_.realm_id + " is not connected (no refresh token); reconnect");
  }
  int64_t now = clock_.NowMillis();
  if (current.refresh_expires_at_ms > 0 && current.refresh_expires_at_ms <= now) {
    return Status::Authentication("QBO refresh token for realm " + config_.realm_id +
                                  " expired at " + FormatIso8601Utc(current.refresh_expires_at_ms) + "; reconnect");
  }
  auto resp = SendRaw(TokenRequest(
      config_, {{"grant_type", "refresh_token"}, {"refresh_token", current.refresh_token}}));
  Status refused = TokenEndpointError(resp, config_, current.refresh_token, "QBO token refresh");
  if (refused.IsAuthentication()) return RefreshRefused(refused);
  ES_RETURN_IF_ERROR(refused);
  OAuthTokens next = current;
  ES_RETURN_IF_ERROR(ParseTokenResponse(resp->body, now, &next).WithContext("QBO token refresh"));
  if (next.realm_id.empty()) next.realm_id = config_.realm_id;
  // Persist before anyone uses the new access token: if the refresh token
  // rotated, the old one is dead and only the saved copy can be spent next.
  Status saved = tokens_.Save(next);
  if (!saved.ok()) {
    return WithoutSecrets(saved, {next.refresh_token, next.access_token})
        .WithContext("QBO token refresh: saving the new tokens failed");
  }
  return next;
}

}  // namespace es::qbo
