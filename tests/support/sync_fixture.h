// SyncFixture: a WooCommerce sandbox, a QBO sandbox, a state store and an
// orchestrator wired together in-process, for engine-level integration and
// property tests. Each fixture uses its own ports (0 = any) and store.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "common/clock.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"
#include "engine/orchestrator.h"
#include "engine/reconcile.h"
#include "platforms/platforms.h"
#include "http/transport.h"
#include "store/store.h"

namespace es::testing {

struct FixtureOptions {
  woo::sandbox::Options woo;
  qbo::sandbox::Options qbo;
  std::string store_url = ":memory:";
  Json transformer_config = Json::object();
  bool fast_retries = true;  // millisecond back-off instead of seconds
};

class SyncFixture {
 public:
  explicit SyncFixture(FixtureOptions options = {});
  ~SyncFixture();
  // Starts the sandboxes and prepares tenant "t1" with connections "woo" and "qbo".
  Status Start();

  Result<engine::RunReport> Sync(engine::SyncRequest request = {}, engine::CrashHook crash = {});
  Result<engine::ReconcileReport> Reconcile();

  // QBO documents (Invoice + SalesReceipt) in the sandbox.
  int64_t QboDocumentCount() const;
  // DocNumbers that occur more than once across Invoice and SalesReceipt.
  std::set<std::string> DuplicateDocNumbers() const;
  // Orders of the WooCommerce store in the statuses the config syncs, by id → total text.
  std::map<std::string, std::string> SyncedWooOrders();

  woo::sandbox::Server& woo() { return *woo_; }
  qbo::sandbox::Server& qbo() { return *qbo_; }
  store::StateStore& store() { return *store_; }
  http::Transport& transport() { return *transport_; }
  static constexpr const char* kTenant = "t1";

 private:
  FixtureOptions options_;
  std::unique_ptr<woo::sandbox::Server> woo_;
  std::unique_ptr<qbo::sandbox::Server> qbo_;
  std::unique_ptr<store::StateStore> store_;
  std::unique_ptr<http::Transport> transport_;
  std::unique_ptr<engine::Orchestrator> orchestrator_;
};

}  // namespace es::testing
