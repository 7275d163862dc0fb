#include "connectors/qbo/sync/qbo_platform.h"

#include <set>

#include "connectors/qbo/sync/qbo_items.h"
#include "connectors/qbo/sync/qbo_target.h"
#include "connectors/qbo/webhooks.h"
#include "http/url.h"
#include "mapping/field_map_qbo.h"

namespace es::qbo {
namespace {

Status CheckUrl(const Json& config, const char* key) {
  std::string v = GetStringOr(config, key);
  if (v.empty()) return Status::Ok();
  auto url = http::ParseUrl(v);
  if (!url.ok() || (url->scheme != "http" && url->scheme != "https") || url->host.empty())
    return Status::Validation(std::string("config: '") + key + "' must be an http:// or https:// URL, not '" + v + "'");
  return Status::Ok();
}

// Store entity of a QBO entity the engine writes or reads; "" otherwise.
std::string WebhookEntity(const std::string& entity) {
  if (entity == "Invoice" || entity == "SalesReceipt") return "order";
  if (entity == "Customer") return "customer";
  if (entity == "Item") return "item";
  return "";
}

engine::WebhookHandler Webhooks() {
  engine::WebhookHandler h;
  h.secret_key = "webhook_verifier_token";
  h.is_ping = [](const engine::HeaderLookup&, std::string_view) { return false; };
  h.verify = [](const engine::HeaderLookup& header, std::string_view body, const std::string& token) {
    return VerifyWebhookSignature(body, header("intuit-signature"), token);
  };
  h.parse = [](const engine::HeaderLookup&, std::string_view body,
               const store::Connection& connection) -> Result<engine::WebhookReceipt> {
    engine::WebhookReceipt out;
    ES_ASSIGN_OR_RETURN(auto changes, ParseWebhookPayload(body, &out.rejected));
    const std::string realm = GetStringOr(connection.config, "realm_id");
    for (const auto& ch : changes) {
      engine::WebhookChange c;
      c.dedupe_key = ch.event_id;
      c.topic = ch.entity + "." + ch.operation;
      // Only the connection's own company; other realms start nothing.
      c.entity = !realm.empty() && ch.realm_id != realm ? "" : WebhookEntity(ch.entity);
      c.record_id = ch.id;
      c.detail = {{"qboEntity", ch.entity}, {"operation", ch.operation}, {"realmId", ch.realm_id}};
      out.changes.push_back(std::move(c));
    }
    return out;
  };
  return h;
}

}  // namespace

std::shared_ptr<engine::AccountBudget> RealmBudget(const engine::ConnectorEnv& env, const Config& cfg) {
  const std::string account = QboBudgetAccount(cfg.realm_id, cfg.api_base);
  std::shared_ptr<engine::BudgetBackend> backend;
  if (env.options.share_budgets_through_store) backend = MakeStoreBudgetBackend(env.store);
  engine::AccountBudgets* budgets = env.options.budgets;
  if (budgets == nullptr && &env.clock == &SystemClock::Get()) budgets = &engine::AccountBudgets::Process();
  if (budgets != nullptr) return budgets->Get(account, QboBudgetLimits(), std::move(backend));
  return std::make_shared<engine::AccountBudget>(account, QboBudgetLimits(), env.clock, std::move(backend));
}

Result<Config> ConfigOf(const store::Connection& c) {
  Config q;
  q.api_base = GetStringOr(c.config, "api_base", "https://quickbooks.api.intuit.com");
  q.token_url = GetStringOr(c.config, "token_url", "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer");
  q.realm_id = GetStringOr(c.config, "realm_id");
  q.client_id = GetStringOr(c.config, "client_id");
  q.insecure_skip_tls_verify = GetBoolOr(c.config, "insecure_skip_tls_verify", false);
  if (q.realm_id.empty()) return engine::MissingSetting(c, "realm_id", "config");
  if (q.client_id.empty()) return engine::MissingSetting(c, "client_id", "config");
  ES_ASSIGN_OR_RETURN(Json secret, engine::ConnectionSecret(c));
  q.client_secret = GetStringOr(secret, "client_secret");
  if (q.client_secret.empty()) return engine::MissingSetting(c, "client_secret", "credentials");
  return q;
}

Result<OAuthTokens> ConnectionTokenStore::Load() {
  auto c = store_.GetConnection(tenant_, connection_id_);
  if (!c.ok()) return c.status();
  if (!c->has_value()) return Status::NotFound("connection '" + connection_id_ + "' does not exist");
  ES_ASSIGN_OR_RETURN(Json secret, engine::ConnectionSecret(**c));
  OAuthTokens t;
  t.access_token = GetStringOr(secret, "access_token");
  t.refresh_token = GetStringOr(secret, "refresh_token");
  t.access_expires_at_ms = GetIntOr(secret, "access_expires_at_ms", 0);
  t.refresh_expires_at_ms = GetIntOr(secret, "refresh_expires_at_ms", 0);
  t.realm_id = GetStringOr((*c)->config, "realm_id");
  if (t.refresh_token.empty() && t.access_token.empty())
    return Status::Authentication("connection '" + connection_id_ + "' is not connected to QuickBooks (no tokens)");
  return t;
}

Status ConnectionTokenStore::Save(const OAuthTokens& tokens) {
  auto c = store_.GetConnection(tenant_, connection_id_);
  if (!c.ok()) return c.status();
  if (!c->has_value()) return Status::NotFound("connection '" + connection_id_ + "' does not exist");
  store::Connection conn = **c;
  ES_ASSIGN_OR_RETURN(Json secret, engine::ConnectionSecret(conn));
  secret["access_token"] = tokens.access_token;
  secret["refresh_token"] = tokens.refresh_token;
  secret["access_expires_at_ms"] = tokens.access_expires_at_ms;
  secret["refresh_expires_at_ms"] = tokens.refresh_expires_at_ms;
  conn.secret = DumpJson(secret);
  return store_.PutConnection(conn);
}

Result<QboSession> OpenQboSession(const engine::ConnectorEnv& env, const store::Connection& c) {
  ES_ASSIGN_OR_RETURN(Config cfg, ConfigOf(c));
  if (env.options.insecure_skip_tls_verify) cfg.insecure_skip_tls_verify = true;
  QboSession session;
  session.tokens = std::make_unique<ConnectionTokenStore>(env.store, env.tenant, c.id);
  session.client = std::make_unique<Client>(cfg, env.transport, env.clock, *session.tokens);
  session.gateway = std::make_unique<QboGateway>(*session.client, env.clock, env.options.retry,
                                                 RealmBudget(env, cfg), env.tenant);
  return session;
}

engine::Platform QboPlatform() {
  engine::Platform p;
  p.kind = "qbo";
  p.title = "QuickBooks Online";
  p.writes = {"customer", "item", "order"};
  // As a source: items (stock and prices back to the shop; qbo_items.h).
  p.reads = {"item"};
  p.make_source = [](const engine::ConnectorEnv& env,
                     const store::Connection& c) -> Result<std::unique_ptr<engine::Source>> {
    ES_ASSIGN_OR_RETURN(QboSession session, OpenQboSession(env, c));
    return std::unique_ptr<engine::Source>(std::make_unique<QboItemSource>(std::move(session), env.clock));
  };
  p.make_target = [](const engine::ConnectorEnv& env, const store::Connection& c,
                     const Json& target_config) -> Result<std::unique_ptr<engine::Target>> {
    ES_ASSIGN_OR_RETURN(mapping::TransformerConfig config, mapping::TransformerConfig::FromJson(target_config));
    ES_ASSIGN_OR_RETURN(QboSession session, OpenQboSession(env, c));
    auto target = std::make_unique<QboTarget>(std::move(session), config);
    // The tenant's order field mapping (docs/mappings.md), checked again as it is loaded.
    ES_ASSIGN_OR_RETURN(auto stored, env.store.GetMappingVersion(env.tenant, mapping::kOrderMappingName, 0));
    if (stored) {
      std::vector<mapping::MappingError> errors;
      auto m = mapping::CheckMappingJson(stored->document, "", &errors);
      if (!m) {
        Status bad = mapping::MappingErrorsStatus(stored->name, errors);
        return Status::Validation("stored mapping version " + std::to_string(stored->version) + " is not valid: " +
                                  bad.message(), "invalid_mapping");
      }
      target->SetOrderMapping(std::move(*m));
    }
    return std::unique_ptr<engine::Target>(std::move(target));
  };
  p.probe = [](const engine::ConnectorEnv& env, const store::Connection& c) -> Status {
    ES_ASSIGN_OR_RETURN(Config cfg, ConfigOf(c));
    if (env.options.insecure_skip_tls_verify) cfg.insecure_skip_tls_verify = true;
    ConnectionTokenStore tokens(env.store, env.tenant, c.id);
    Client client(cfg, env.transport, env.clock, tokens);
    Status s = client.Ping();
    if (s.ok() || !s.IsAuthentication()) return s;
    if (s.message().find(" — ") != std::string::npos) return s;  // it says what to do already
    return Status::Authentication("QuickBooks refused the credentials: " + s.message() +
                                      " — check client_id/client_secret, or connect QuickBooks again for new tokens",
                                  s.code());
  };
  p.webhooks = Webhooks();
  p.validate = [](const Json& config, const Json& secret) -> Status {
    ES_RETURN_IF_ERROR(
        engine::CheckSettingsKeys(config, {"api_base", "token_url", "realm_id", "client_id", "insecure_skip_tls_verify"}, "config"));
    ES_RETURN_IF_ERROR(engine::CheckSettingsKeys(secret,
                                 {"client_secret", "access_token", "refresh_token", "access_expires_at_ms",
                                  "refresh_expires_at_ms", "webhook_verifier_token"},
                                 "secret"));
    ES_RETURN_IF_ERROR(CheckUrl(config, "api_base"));
    ES_RETURN_IF_ERROR(CheckUrl(config, "token_url"));
    if (GetStringOr(config, "realm_id").empty()) return Status::Validation("config: 'realm_id' is required");
    if (GetStringOr(config, "client_id").empty()) return Status::Validation("config: 'client_id' is required");
    if (GetStringOr(secret, "client_secret").empty()) return Status::Validation("secret: 'client_secret' is required");
    return Status::Ok();
  };
  return p;
}

}  // namespace es::qbo

namespace es::qbo {

QboTarget::QboTarget(QboSession session, mapping::TransformerConfig config)
    : session_(std::move(session)), gateway_(*session_.gateway), config_(std::move(config)) {}

QboTarget::~QboTarget() = default;

}  // namespace es::qbo
