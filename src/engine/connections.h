// Builds connector clients from stored connections.
//
// Connection.config holds non-secret settings, Connection.secret a JSON
// object of credentials (see docs/formats/connections.md):
//   woo: config {base_url, auth: auto|basic|oauth1|query, insecure_skip_tls_verify}
//        secret {consumer_key, consumer_secret}
//   qbo: config {api_base, token_url, realm_id, client_id, insecure_skip_tls_verify}
//        secret {client_secret, access_token, refresh_token, access_expires_at_ms, refresh_expires_at_ms}
//   supabase: config {url (postgres://, mode direct) | rest_url (mode rest), mode, read_only, schema}
//        secret {password | service_key}   (docs/formats/warehouse.md)
// Errors name the connection and the missing or malformed field, never a
// secret value.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connectors/qbo/client.h"
#include "connectors/woo/client.h"
#include "store/store.h"

namespace es::supabase {
class WarehouseWriter;
struct WarehouseConfig;
}

namespace es::engine {

Result<woo::Credentials> WooCredentials(const store::Connection& c);
Result<qbo::Config> QboConfig(const store::Connection& c);
Result<supabase::WarehouseConfig> WarehouseConfigOf(const store::Connection& c);

// TokenStore that keeps QBO tokens in the connection's secret, so a rotated
// refresh token is persisted in the state store before it is used.
class ConnectionTokenStore final : public qbo::TokenStore {
 public:
  ConnectionTokenStore(store::StateStore& store, std::string tenant, std::string connection_id)
      : store_(store), tenant_(std::move(tenant)), connection_id_(std::move(connection_id)) {}
  Result<qbo::OAuthTokens> Load() override;
  Status Save(const qbo::OAuthTokens& tokens) override;

 private:
  store::StateStore& store_;
  const std::string tenant_;
  const std::string connection_id_;
};

class QboGateway;
struct EngineOptions;

// The live connector clients of one run (or one reconcile), built from the
// source and target connections. Owns everything it points to.
struct Connectors {
  std::unique_ptr<woo::Client> woo;
  std::unique_ptr<ConnectionTokenStore> qbo_tokens;
  std::unique_ptr<qbo::Client> qbo;
  std::unique_ptr<QboGateway> gateway;
  std::unique_ptr<supabase::WarehouseWriter> warehouse;
  ~Connectors();
};

Result<std::unique_ptr<Connectors>> BuildConnectors(store::StateStore& store, const std::string& tenant,
                                                    const std::vector<const store::Connection*>& connections,
                                                    http::Transport& transport, Clock& clock,
                                                    const EngineOptions& options);

// Loads an enabled connection; NotFound / Validation when missing or disabled.
Result<store::Connection> LoadEnabledConnection(store::StateStore& store, const std::string& tenant,
                                                const std::string& id);

// Parses a connection's secret JSON; errors name the connection only.
Result<Json> ParseSecret(const store::Connection& c);

}  // namespace es::engine
