// QuickBooks Online OAuth 2.0 connect flow (SPEC F3, F14).
//
//   POST /api/v1/oauth/qbo/start     admin  {"connection":"qbo"} → {"authorizeUrl","state","expiresAt"}
//   GET  /api/v1/oauth/qbo/callback  admin  ?code&state&realmId → tokens stored (encrypted)
//
// The state is 32 random bytes (hex), bound to the caller's tenant and user
// and to the connection, stored with a short expiry (5 minutes by default)
// and consumed atomically, so it is usable once. The callback is called by
// the app the browser returns to (redirect URI = configuration), with the
// same user's bearer token: a missing, unknown (or another tenant's or
// user's), expired or reused state is refused with 400 before the code is
// exchanged. The authorization code and the tokens never appear in logs,
// errors or responses.
#include "common/crypto.h"
#include "connectors/qbo/client.h"
#include "http/url.h"
#include "server/api_util.h"
#include "server/connectivity.h"
#include "server/http_server.h"

namespace es::server {
namespace {

Status RequireOAuthConfig(const ServerConfig& cfg) {
  std::string missing;
  if (cfg.qbo_client_id.empty()) missing += " EASYSALE_QBO_CLIENT_ID";
  if (cfg.qbo_client_secret.empty()) missing += " EASYSALE_QBO_CLIENT_SECRET";
  if (cfg.oauth_redirect_uri.empty()) missing += " EASYSALE_OAUTH_REDIRECT_URI";
  if (missing.empty()) return Status::Ok();
  return Status::Internal("QuickBooks OAuth is not configured on this server (missing:" + missing + ")");
}

void Start(ServerContext& ctx, ApiRequest& r) {
  const ServerConfig& cfg = *ctx.config;
  Status configured = RequireOAuthConfig(cfg);
  if (!configured.ok()) return r.Fail(503, configured);
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  const std::string id = GetStringOr(*body, "connection", "qbo");
  if (!ValidId(id)) return r.Fail(Status::Validation("'connection' is not a valid connection id"));

  auto existing = ctx.store->GetConnection(r.caller.tenant_id, id);
  if (!existing.ok()) return r.Fail(existing.status());
  if (existing->has_value() && (*existing)->kind != "qbo") {
    return r.Fail(Status::Validation("connection '" + id + "' is not a QuickBooks connection"));
  }
  const int64_t now = ctx.clock->NowMillis();
  store::OAuthState st;
  st.state = crypto::RandomHex(32);
  st.tenant_id = r.caller.tenant_id;
  st.user_id = r.caller.user_id;
  st.connection_id = id;
  st.redirect_uri = cfg.oauth_redirect_uri;
  st.created_at_ms = now;
  st.expires_at_ms = now + cfg.oauth_state_ttl_s * 1000;
  Status s = ctx.store->PutOAuthState(st);
  if (!s.ok()) return r.Fail(s);
  (void)ctx.store->PurgeOAuthStates(now - 24 * 3600 * 1000);

  const std::string sep = cfg.qbo_authorize_url.find('?') == std::string::npos ? "?" : "&";
  const std::string url = cfg.qbo_authorize_url + sep +
                          http::BuildQuery({{"client_id", cfg.qbo_client_id},
                                            {"response_type", "code"},
                                            {"scope", cfg.qbo_scope},
                                            {"redirect_uri", cfg.oauth_redirect_uri},
                                            {"state", st.state}});
  ctx.Audit(r.caller, "oauth.start", "connection:" + id);
  r.Reply(200, {{"authorizeUrl", url},
                {"state", st.state},
                {"connection", id},
                {"expiresAt", FormatIso8601Utc(st.expires_at_ms)}});
}

void Callback(ServerContext& ctx, ApiRequest& r) {
  const ServerConfig& cfg = *ctx.config;
  const std::string state = r.Query("state");
  if (state.empty()) return r.Fail(400, Status::Validation("OAuth callback without 'state'"));
  auto consumed = ctx.store->ConsumeOAuthState(r.caller.tenant_id, r.caller.user_id, state, ctx.clock->NowMillis());
  if (!consumed.ok()) {
    const Status& s = consumed.status();
    std::string why = s.IsNotFound()   ? "unknown OAuth state"
                      : s.IsConflict() ? "OAuth state was already used"
                      : s.IsValidation() ? "OAuth state expired"
                                         : "";
    if (why.empty()) return r.Fail(s);
    ctx.Audit(r.caller, "oauth.callback_rejected", "oauth", {{"reason", why}});
    return r.Fail(400, Status::Validation(why));
  }
  const std::string error = r.Query("error");
  if (!error.empty()) {
    ctx.Audit(r.caller, "oauth.callback_rejected", "connection:" + consumed->connection_id, {{"reason", "denied"}});
    return r.Fail(400, Status::Validation("QuickBooks did not authorize the connection (" + error + ")"));
  }
  const std::string code = r.Query("code");
  const std::string realm = r.Query("realmId");
  if (code.empty() || realm.empty()) {
    return r.Fail(400, Status::Validation("OAuth callback without 'code' or 'realmId'"));
  }
  Status configured = RequireOAuthConfig(cfg);
  if (!configured.ok()) return r.Fail(503, configured);

  qbo::Config qc;
  qc.token_url = cfg.qbo_token_url;
  qc.client_id = cfg.qbo_client_id;
  qc.client_secret = cfg.qbo_client_secret;
  qc.realm_id = realm;
  qc.insecure_skip_tls_verify = cfg.insecure_skip_tls_verify;
  qbo::OAuthTokens tokens;
  auto exchanged =
      qbo::ExchangeAuthorizationCode(qc, *ctx.transport, *ctx.clock, code, consumed->redirect_uri, &tokens);
  if (!exchanged.ok()) {
    ctx.Audit(r.caller, "oauth.callback_rejected", "connection:" + consumed->connection_id,
              {{"reason", "code exchange failed"}});
    return r.Fail(502, Status::Authentication("QuickBooks refused the authorization code: " +
                                              exchanged.status().message()));
  }

  const std::string id = consumed->connection_id;
  auto existing = ctx.store->GetConnection(r.caller.tenant_id, id);
  if (!existing.ok()) return r.Fail(existing.status());
  store::Connection c;
  Json secret = Json::object();
  if (existing->has_value()) {
    c = **existing;
    if (!c.secret.empty()) {
      auto parsed = ParseJson(c.secret);
      if (parsed.ok() && parsed->is_object()) secret = *parsed;
    }
  } else {
    c.tenant_id = r.caller.tenant_id;
    c.id = id;
    c.kind = "qbo";
    c.name = "QuickBooks Online";
    auto tenant = ctx.store->GetTenant(c.tenant_id);
    if (tenant.ok() && !tenant->has_value()) {
      (void)ctx.store->PutTenant({c.tenant_id, c.tenant_id, ctx.clock->NowMillis()});
    }
  }
  if (!c.config.is_object()) c.config = Json::object();
  c.config["realm_id"] = realm;
  c.config["client_id"] = cfg.qbo_client_id;
  c.config["token_url"] = cfg.qbo_token_url;
  if (!c.config.contains("api_base")) c.config["api_base"] = cfg.qbo_api_base;
  secret["client_secret"] = cfg.qbo_client_secret;
  secret["access_token"] = tokens.access_token;
  secret["refresh_token"] = tokens.refresh_token;
  secret["access_expires_at_ms"] = tokens.access_expires_at_ms;
  secret["refresh_expires_at_ms"] = tokens.refresh_expires_at_ms;
  c.secret = DumpJson(secret);
  c.enabled = true;
  c.updated_at_ms = ctx.clock->NowMillis();
  Status s = ctx.store->PutConnection(c);
  if (!s.ok()) return r.Fail(s);
  ctx.probes->Forget(c.tenant_id, c.id);
  ctx.Audit(r.caller, "oauth.connect", "connection:" + id, {{"realmId", realm}});
  ProbeResult p = ctx.probes->Check(c, true);
  r.Reply(200, {{"connection", ConnectionJson(c, &p)}, {"realmId", realm}});
}

}  // namespace

void RegisterOAuthRoutes(ServerContext& ctx, Router& router) {
  ServerContext* c = &ctx;
  router.Add("POST", "/api/v1/oauth/qbo/start", Access::kAdmin, [c](ApiRequest& r) { Start(*c, r); });
  router.Add("GET", "/api/v1/oauth/qbo/callback", Access::kAdmin, [c](ApiRequest& r) { Callback(*c, r); });
}

}  // namespace es::server
