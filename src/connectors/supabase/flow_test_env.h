// Test-only: a WooCommerce sandbox, an in-memory state store, a warehouse
// schema on the test PostgreSQL (direct or through the REST sandbox) and an
// orchestrator over a registry of the woo and supabase platforms only (the
// routes of src/platforms), wired for woo → supabase sync tests. The HTTP
// transport can corrupt one order in Woo's list answers to provoke a
// decode failure.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "connectors/supabase/pg_warehouse.h"
#include "connectors/supabase/sandbox/rest_server.h"
#include "connectors/supabase/sync/supabase_platform.h"
#include "connectors/supabase/warehouse_test_support.h"
#include "connectors/woo/sandbox/server.h"
#include "connectors/woo/sync/woo_platform.h"
#include "engine/orchestrator.h"
#include "http/transport.h"
#include "store/factory/open_store.h"

namespace es::supabase::testing {

// Passes requests through; in GET …/orders list answers, replaces the
// "total" of the order whose id is `corrupt_order` by a non-number.
class CorruptingTransport final : public http::Transport {
 public:
  explicit CorruptingTransport(http::Transport& inner) : inner_(inner) {}
  std::atomic<int64_t> corrupt_order{0};

  Result<http::Response> Send(const http::Request& request) override {
    auto res = inner_.Send(request);
    const int64_t id = corrupt_order.load();
    if (!res.ok() || id == 0 || request.url.find("/wc/v3/orders?") == std::string::npos) return res;
    auto body = ParseJson(res->body);
    if (!body.ok() || !body->is_array()) return res;
    for (Json& o : *body)
      if (o.is_object() && GetIntOr(o, "id", 0) == id) o["total"] = "twelve dollars";
    res->body = DumpJson(*body);
    return res;
  }

 private:
  http::Transport& inner_;
};

struct FlowEnvOptions {
  woo::sandbox::Options woo;
  std::string mode = "direct";  // or "rest"
  bool read_only = false;
  bool migrate_first = false;   // create the tables before the first run
  std::string rest_key = kServiceKey;
};

class FlowEnv {
 public:
  static constexpr const char* kTenant = "t1";

  explicit FlowEnv(FlowEnvOptions o) : options_(std::move(o)) {}
  ~FlowEnv() {
    orchestrator_.reset();
    if (woo_) woo_->Stop();
    if (rest_) rest_->Stop();
  }

  Status Start() {
    ES_RETURN_IF_ERROR(registry_.Register(woo::WooPlatform()));
    ES_RETURN_IF_ERROR(registry_.Register(SupabasePlatform()));
    ES_RETURN_IF_ERROR(registry_.AddRoute({"woo", "supabase", "customers"}, 10));
    ES_RETURN_IF_ERROR(registry_.AddRoute({"woo", "supabase", "products"}, 20));
    ES_RETURN_IF_ERROR(registry_.AddRoute({"woo", "supabase", "orders"}, 30));
    ES_RETURN_IF_ERROR(registry_.AddRoute({"woo", "supabase", "refunds"}, 40));
    woo_ = std::make_unique<woo::sandbox::Server>(options_.woo);
    ES_RETURN_IF_ERROR(woo_->Start(0));
    ES_ASSIGN_OR_RETURN(store_, store::OpenStore(":memory:"));
    curl_ = http::MakeCurlTransport();
    transport_ = std::make_unique<CorruptingTransport>(*curl_);
    if (options_.migrate_first || options_.mode == "rest")
      ES_RETURN_IF_ERROR(PgWarehouse(schema_.Direct(), SystemClock::Get()).Prepare());
    if (options_.mode == "rest") {
      sandbox::Options so;
      so.pg_url = schema_.url();
      so.schema = schema_.name();
      so.service_key = kServiceKey;
      rest_ = std::make_unique<sandbox::RestServer>(so);
      ES_RETURN_IF_ERROR(rest_->Start(0));
    }
    const int64_t now = SystemClock::Get().NowMillis();
    ES_RETURN_IF_ERROR(store_->PutTenant({kTenant, "Test tenant", now}));
    store::Connection w;
    w.tenant_id = kTenant;
    w.id = "woo";
    w.kind = "woo";
    w.config = {{"base_url", woo_->base_url()}};
    w.secret = DumpJson({{"consumer_key", options_.woo.consumer_key},
                         {"consumer_secret", options_.woo.consumer_secret}});
    ES_RETURN_IF_ERROR(store_->PutConnection(w));
    store::Connection wh;
    wh.tenant_id = kTenant;
    wh.id = "wh";
    wh.kind = "supabase";
    if (options_.mode == "rest") {
      wh.config = {{"mode", "rest"}, {"rest_url", rest_->base_url()}, {"schema", schema_.name()},
                   {"read_only", options_.read_only}, {"retry_initial_ms", 5}};
      wh.secret = DumpJson({{"service_key", options_.rest_key}});
    } else {
      wh.config = {{"mode", "direct"}, {"url", schema_.url()}, {"schema", schema_.name()},
                   {"read_only", options_.read_only}, {"retry_initial_ms", 5}};
    }
    ES_RETURN_IF_ERROR(store_->PutConnection(wh));
    engine::EngineOptions eo;
    eo.retry.initial_ms = 5;
    eo.retry.max_ms = 50;
    eo.retry.rate_limit_default_ms = 50;
    orchestrator_ = std::make_unique<engine::Orchestrator>(*store_, *transport_, SystemClock::Get(), registry_, eo);
    return Status::Ok();
  }

  Result<engine::RunReport> Sync(engine::SyncRequest r = {}) {
    r.tenant_id = kTenant;
    r.source_connection = "woo";
    r.target_connection = "wh";
    return orchestrator_->Run(r);
  }

  // A connection of another kind for the tenant (e.g. "qbo", whose id map
  // the warehouse copies).
  Status AddConnection(const std::string& id, const std::string& kind) {
    store::Connection c;
    c.tenant_id = kTenant;
    c.id = id;
    c.kind = kind;
    return store_->PutConnection(c);
  }

  // Σ created + updated over every entity of a run (rows the run changed).
  static int64_t Changed(const engine::RunReport& r) {
    int64_t n = 0;
    for (const auto& [e, c] : r.counts) n += c.created + c.updated;
    return n;
  }

  WarehouseSchema& schema() { return schema_; }
  woo::sandbox::Server& woo() { return *woo_; }
  store::StateStore& store() { return *store_; }
  CorruptingTransport& transport() { return *transport_; }
  http::Transport& curl() { return *curl_; }
  std::string source() const { return std::string(kTenant) + "/woo"; }

 private:
  FlowEnvOptions options_;
  engine::Registry registry_;
  WarehouseSchema schema_;
  std::unique_ptr<woo::sandbox::Server> woo_;
  std::unique_ptr<store::StateStore> store_;
  std::unique_ptr<http::Transport> curl_;
  std::unique_ptr<CorruptingTransport> transport_;
  std::unique_ptr<sandbox::RestServer> rest_;
  std::unique_ptr<engine::Orchestrator> orchestrator_;
};

}  // namespace es::supabase::testing
