#include "engine/connections.h"

#include "connectors/supabase/warehouse.h"
#include "engine/orchestrator.h"
#include "engine/qbo_gateway.h"

namespace es::engine {
namespace {
Status Missing(const store::Connection& c, const std::string& field, const char* where) {
  return Status::Validation("connection '" + c.id + "': " + where + " field '" + field + "' is missing");
}
}  // namespace

Result<Json> ParseSecret(const store::Connection& c) {
  if (c.secret.empty()) return Json::object();
  auto j = ParseJson(c.secret);
  if (!j.ok() || !j->is_object())
    return Status::Validation("connection '" + c.id + "': stored credentials are not a JSON object");
  return j;
}

Result<woo::Credentials> WooCredentials(const store::Connection& c) {
  if (c.kind != "woo") return Status::Validation("connection '" + c.id + "' is a '" + c.kind + "' connection, not woo");
  woo::Credentials w;
  w.base_url = GetStringOr(c.config, "base_url");
  if (w.base_url.empty()) return Missing(c, "base_url", "config");
  std::string auth = GetStringOr(c.config, "auth", "auto");
  if (auth == "auto") w.auth = woo::AuthMode::kAuto;
  else if (auth == "basic") w.auth = woo::AuthMode::kBasic;
  else if (auth == "oauth1") w.auth = woo::AuthMode::kOAuth1;
  else if (auth == "query") w.auth = woo::AuthMode::kQueryString;
  else return Status::Validation("connection '" + c.id + "': auth '" + auth + "' is not auto, basic, oauth1 or query");
  w.insecure_skip_tls_verify = GetBoolOr(c.config, "insecure_skip_tls_verify", false);
  ES_ASSIGN_OR_RETURN(Json secret, ParseSecret(c));
  w.consumer_key = GetStringOr(secret, "consumer_key");
  w.consumer_secret = GetStringOr(secret, "consumer_secret");
  if (w.consumer_key.empty()) return Missing(c, "consumer_key", "credentials");
  if (w.consumer_secret.empty()) return Missing(c, "consumer_secret", "credentials");
  return w;
}

Result<qbo::Config> QboConfig(const store::Connection& c) {
  if (c.kind != "qbo") return Status::Validation("connection '" + c.id + "' is a '" + c.kind + "' connection, not qbo");
  qbo::Config q;
  q.api_base = GetStringOr(c.config, "api_base", "https://quickbooks.api.intuit.com");
  q.token_url = GetStringOr(c.config, "token_url", "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer");
  q.realm_id = GetStringOr(c.config, "realm_id");
  q.client_id = GetStringOr(c.config, "client_id");
  q.insecure_skip_tls_verify = GetBoolOr(c.config, "insecure_skip_tls_verify", false);
  if (q.realm_id.empty()) return Missing(c, "realm_id", "config");
  if (q.client_id.empty()) return Missing(c, "client_id", "config");
  ES_ASSIGN_OR_RETURN(Json secret, ParseSecret(c));
  q.client_secret = GetStringOr(secret, "client_secret");
  if (q.client_secret.empty()) return Missing(c, "client_secret", "credentials");
  return q;
}

Result<supabase::WarehouseConfig> WarehouseConfigOf(const store::Connection& c) {
  if (c.kind != "supabase")
    return Status::Validation("connection '" + c.id + "' is a '" + c.kind + "' connection, not supabase");
  ES_ASSIGN_OR_RETURN(Json secret, ParseSecret(c));
  return supabase::WarehouseConfig::FromJson(c.config, secret, c.id);
}

Result<qbo::OAuthTokens> ConnectionTokenStore::Load() {
  auto c = store_.GetConnection(tenant_, connection_id_);
  if (!c.ok()) return c.status();
  if (!c->has_value()) return Status::NotFound("connection '" + connection_id_ + "' does not exist");
  ES_ASSIGN_OR_RETURN(Json secret, ParseSecret(**c));
  qbo::OAuthTokens t;
  t.access_token = GetStringOr(secret, "access_token");
  t.refresh_token = GetStringOr(secret, "refresh_token");
  t.access_expires_at_ms = GetIntOr(secret, "access_expires_at_ms", 0);
  t.refresh_expires_at_ms = GetIntOr(secret, "refresh_expires_at_ms", 0);
  t.realm_id = GetStringOr((*c)->config, "realm_id");
  if (t.refresh_token.empty() && t.access_token.empty())
    return Status::Authentication("connection '" + connection_id_ + "' is not connected to QuickBooks (no tokens)");
  return t;
}

Status ConnectionTokenStore::Save(const qbo::OAuthTokens& tokens) {
  auto c = store_.GetConnection(tenant_, connection_id_);
  if (!c.ok()) return c.status();
  if (!c->has_value()) return Status::NotFound("connection '" + connection_id_ + "' does not exist");
  store::Connection conn = **c;
  ES_ASSIGN_OR_RETURN(Json secret, ParseSecret(conn));
  secret["access_token"] = tokens.access_token;
  secret["refresh_token"] = tokens.refresh_token;
  secret["access_expires_at_ms"] = tokens.access_expires_at_ms;
  secret["refresh_expires_at_ms"] = tokens.refresh_expires_at_ms;
  conn.secret = DumpJson(secret);
  return store_.PutConnection(conn);
}

Connectors::~Connectors() = default;

Result<std::unique_ptr<Connectors>> BuildConnectors(store::StateStore& store, const std::string& tenant,
                                                    const std::vector<const store::Connection*>& connections,
                                                    http::Transport& transport, Clock& clock,
                                                    const EngineOptions& options) {
  auto out = std::make_unique<Connectors>();
  for (const store::Connection* c : connections) {
    if (c->kind == "woo" && !out->woo) {
      ES_ASSIGN_OR_RETURN(auto creds, WooCredentials(*c));
      if (options.insecure_skip_tls_verify) creds.insecure_skip_tls_verify = true;
      out->woo = std::make_unique<woo::Client>(creds, transport, clock);
    } else if (c->kind == "qbo" && !out->qbo) {
      ES_ASSIGN_OR_RETURN(auto cfg, QboConfig(*c));
      out->qbo_tokens = std::make_unique<ConnectionTokenStore>(store, tenant, c->id);
      out->qbo = std::make_unique<qbo::Client>(cfg, transport, clock, *out->qbo_tokens);
      out->gateway = std::make_unique<QboGateway>(*out->qbo, clock, options.retry, options.limits);
    } else if (c->kind == "supabase" && !out->warehouse) {
      ES_ASSIGN_OR_RETURN(auto cfg, WarehouseConfigOf(*c));
      ES_ASSIGN_OR_RETURN(out->warehouse, supabase::OpenWarehouse(cfg, transport, clock));
    } else if (c->kind != "woo" && c->kind != "qbo" && c->kind != "supabase") {
      return Status::Validation("connection '" + c->id + "': unknown connector kind '" + c->kind + "'");
    }
  }
  return out;
}

Result<store::Connection> LoadEnabledConnection(store::StateStore& store, const std::string& tenant,
                                                const std::string& id) {
  auto c = store.GetConnection(tenant, id);
  if (!c.ok()) return c.status();
  if (!c->has_value()) return Status::NotFound("connection '" + id + "' does not exist for tenant '" + tenant + "'");
  if (!(*c)->enabled) return Status::Validation("connection '" + id + "' is disabled");
  return **c;
}

}  // namespace es::engine
