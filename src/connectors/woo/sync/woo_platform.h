// WooCommerce as a platform of the engine (engine/connector.h): the source of
// customers, products (variations as their own records), orders (with their
// full refunds) and refunds, plus the connection's settings schema and probe.
//
// Connection settings (docs/formats/connections.md):
//   config {base_url, auth: auto|basic|oauth1|query, insecure_skip_tls_verify}
//   secret {consumer_key, consumer_secret}
#pragma once

#include <memory>

#include "connectors/woo/client.h"
#include "engine/connector.h"

namespace es::woo {

// Credentials from a stored connection; errors name the connection and field.
Result<Credentials> CredentialsOf(const store::Connection& c, const Json& secret);

// The engine's Source over a WooCommerce client it owns.
class WooSource final : public engine::Source {
 public:
  explicit WooSource(std::unique_ptr<Client> client);
  Result<engine::SourcePage> Fetch(const engine::FetchRequest& request) override;
  bool SupportsModifiedAfter(const std::string& entity) const override;
  int64_t requests() const override { return client_->requests_sent(); }

 private:
  Result<engine::SourcePage> Customers(const engine::FetchRequest& r, ListQuery q);
  Result<engine::SourcePage> Products(const engine::FetchRequest& r, const ListQuery& q);
  Result<engine::SourcePage> Orders(const engine::FetchRequest& r, ListQuery q, bool refunds_as_records);
  // Every refund of an order, decoded, with its raw JSON.
  Status OrderRefunds(const model::Order& order, std::vector<engine::SourceRecord>* out,
                      std::vector<engine::SourceFailure>* failures);

  std::unique_ptr<Client> client_;
};

engine::Platform WooPlatform();

}  // namespace es::woo
