// QuickBooks Online as a platform of the engine (engine/connector.h): the
// target of customers, items and orders (with their payments, refunds and
// voids), plus the connection's settings schema and probe.
//
// Connection settings (docs/formats/connections.md):
//   config {api_base, token_url, realm_id, client_id, insecure_skip_tls_verify}
//   secret {client_secret, access_token, refresh_token, access_expires_at_ms, refresh_expires_at_ms}
// Target settings: the TransformerConfig (mapping/transformer_config.h).
#pragma once

#include <memory>
#include <string>

#include "connectors/qbo/client.h"
#include "connectors/qbo/sync/gateway.h"
#include "engine/connector.h"

namespace es::qbo {

// Client settings from a stored connection; errors name the connection and field.
Result<Config> ConfigOf(const store::Connection& c);

// TokenStore that keeps QBO tokens in the connection's secret, so a rotated
// refresh token is persisted in the state store before it is used.
class ConnectionTokenStore final : public TokenStore {
 public:
  ConnectionTokenStore(store::StateStore& store, std::string tenant, std::string connection_id)
      : store_(store), tenant_(std::move(tenant)), connection_id_(std::move(connection_id)) {}
  Result<OAuthTokens> Load() override;
  Status Save(const OAuthTokens& tokens) override;

 private:
  store::StateStore& store_;
  const std::string tenant_;
  const std::string connection_id_;
};

// The budget of a realm that the connection's runs draw from: shared by
// every run of the process (engine::AccountBudgets), and through the state
// store by every process when the options say so.
std::shared_ptr<engine::AccountBudget> RealmBudget(const engine::ConnectorEnv& env, const Config& cfg);
// A BudgetBackend on the state store's QboBudgetStore (sql_store_budget.cpp).
std::shared_ptr<engine::BudgetBackend> MakeStoreBudgetBackend(store::StateStore& store);

// The connection `c` opened for a run of env.tenant: client settings from
// the connection (TLS override from the options), tokens kept in the
// connection's secret, and a gateway with the retry policy of the options
// on the realm's budget (RealmBudget). The one place a QBO source or target
// gets its gateway.
Result<QboSession> OpenQboSession(const engine::ConnectorEnv& env, const store::Connection& c);

engine::Platform QboPlatform();

}  // namespace es::qbo
