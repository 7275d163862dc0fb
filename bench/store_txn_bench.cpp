// State-store cost of a full sync: how many store transactions (and reads)
// the engine spends per new order.
//
//   build/bench/store_txn_bench [--orders N] [--store URL]
//
// Runs one full WooCommerce -> QBO sync against the in-process sandboxes
// (QBO throttling off, no added latency) through a decorator that counts
// every StateStore call. Every store write method is one transaction (see
// store/store.h), so write calls = transactions. The store is a fresh SQLite
// file in /tmp unless --store names one (e.g. a postgresql:// URL).
// Prints one JSON line: orders created, write transactions, reads, both per
// new order, the calls per method and the wall time.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <unistd.h>

#include "sandbox_setup.h"
#include "common/clock.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"
#include "engine/orchestrator.h"
#include "platforms/platforms.h"
#include "store/factory/open_store.h"
#include "store/forwarding_store.h"

namespace es {
namespace {

// Counts calls per method name. Writes and reads are told apart by name.
class CountingStore final : public store::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  void Count(const char* name) {
    std::lock_guard lock(mu_);
    ++calls_[name];
  }
  std::map<std::string, int64_t> calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

#define ES_COUNT(ret, name, params, args) \
  ret name params override {              \
    Count(#name);                         \
    return ForwardingStore::name args;    \
  }
  ES_COUNT(Status, PutMapping, (const store::IdMapping& m), (m))
  ES_COUNT(Result<std::optional<store::IdMapping>>, GetMapping,
           (const std::string& t, const std::string& c, const std::string& e, const std::string& s), (t, c, e, s))
  ES_COUNT(Status, PutIntent, (const store::WriteIntent& w), (w))
  ES_COUNT(Status, PutIntents, (const std::vector<store::WriteIntent>& w), (w))
  ES_COUNT(Status, CommitPage, (const store::PageWrites& p), (p))
  ES_COUNT(Result<std::vector<store::IdMapping>>, GetMappings,
           (const std::string& t, const std::string& c, const std::string& e, const std::vector<std::string>& s),
           (t, c, e, s))
  ES_COUNT(Result<std::vector<store::WriteIntent>>, ListIntents, (const std::string& t, const std::string& c), (t, c))
  ES_COUNT(Status, ClearIntent,
           (const std::string& t, const std::string& c, const std::string& e, const std::string& s), (t, c, e, s))
  ES_COUNT(Result<std::optional<store::WriteIntent>>, GetIntent,
           (const std::string& t, const std::string& c, const std::string& e, const std::string& s), (t, c, e, s))
  ES_COUNT(Status, CreateRun, (const store::SyncRun& r), (r))
  ES_COUNT(Status, UpdateRun, (const store::SyncRun& r), (r))
  ES_COUNT(Status, AddRecordResults, (const std::vector<store::RecordResult>& r), (r))
  ES_COUNT(Status, PutFailed, (const store::FailedRecord& f), (f))
  ES_COUNT(Status, ClearFailed,
           (const std::string& t, const std::string& c, const std::string& e, const std::string& s), (t, c, e, s))
  ES_COUNT(Status, PutCursor,
           (const std::string& t, const std::string& s, const std::string& c, const std::string& e,
            const std::string& v),
           (t, s, c, e, v))
  ES_COUNT(Result<std::optional<std::string>>, GetCursor,
           (const std::string& t, const std::string& s, const std::string& c, const std::string& e), (t, s, c, e))
  ES_COUNT(Status, AcquireLock,
           (const std::string& t, const std::string& k, const std::string& o, int64_t n, int64_t l), (t, k, o, n, l))
  ES_COUNT(Status, ReleaseLock, (const std::string& t, const std::string& k, const std::string& o), (t, k, o))
  ES_COUNT(Result<std::optional<store::Connection>>, GetConnection, (const std::string& t, const std::string& i),
           (t, i))
  ES_COUNT(Status, PutConnection, (const store::Connection& c), (c))
  ES_COUNT(Result<std::optional<Json>>, GetTransformerConfig, (const std::string& t, const std::string& c), (t, c))
#undef ES_COUNT

 private:
  std::mutex mu_;
  std::map<std::string, int64_t> calls_;
};

bool IsWrite(const std::string& name) {
  return name.rfind("Put", 0) == 0 || name.rfind("Clear", 0) == 0 || name.rfind("Create", 0) == 0 ||
         name.rfind("Update", 0) == 0 || name.rfind("Add", 0) == 0 || name.rfind("Acquire", 0) == 0 ||
         name.rfind("Release", 0) == 0 || name.rfind("Commit", 0) == 0;
}

int Run(int orders, std::string url) {
  woo::sandbox::Options wo;
  wo.orders = orders;
  wo.customers = orders / 3 + 1;
  woo::sandbox::Server woo(wo);
  qbo::sandbox::Options qo;
  qo.throttle = false;
  qbo::sandbox::Server qbo(qo);
  if (!woo.Start(0).ok() || !qbo.Start(0).ok()) return 1;
  std::string file;
  if (url.empty()) {
    file = "/tmp/store_txn_bench_" + std::to_string(getpid()) + ".db";
    url = file;
  }
  auto base = store::OpenStore(url);
  if (!base.ok()) {
    fprintf(stderr, "open store: %s\n", base.status().ToString().c_str());
    return 1;
  }
  CountingStore counting(**base);
  const std::string tenant = "bench-" + std::to_string(SystemClock::Get().NowMillis());
  (void)bench::AddSandboxTenant(counting, tenant, bench::InProcessEndpoints(woo, wo, qbo, qo));
  const auto set_up = counting.calls();
  auto transport = http::MakeCurlTransport();
  engine::Orchestrator orch(counting, *transport, SystemClock::Get(), platforms::Registry());
  engine::SyncRequest req;
  req.tenant_id = tenant;
  req.source_connection = "woo";
  req.target_connection = "qbo";
  req.triggered_by = "bench";
  auto start = std::chrono::steady_clock::now();
  auto r = orch.Run(req);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!file.empty()) {
    unlink(file.c_str());
    unlink((file + "-wal").c_str());
    unlink((file + "-shm").c_str());
  }
  if (!r.ok()) {
    fprintf(stderr, "sync failed: %s\n", r.status().ToString().c_str());
    return 1;
  }
  int64_t created = 0;
  auto it = r->counts.find("order");
  if (it != r->counts.end()) created = it->second.created;
  int64_t writes = 0, reads = 0;
  std::string per_method;
  for (const auto& [name, n0] : counting.calls()) {
    auto before = set_up.find(name);
    const int64_t n = n0 - (before == set_up.end() ? 0 : before->second);
    if (n == 0) continue;
    (IsWrite(name) ? writes : reads) += n;
    per_method += (per_method.empty() ? "" : ",") + ("\"" + name + "\":" + std::to_string(n));
  }
  const double per = created > 0 ? 1.0 / static_cast<double>(created) : 0.0;
  printf("{\"orders_created\":%lld,\"write_transactions\":%lld,\"reads\":%lld,"
         "\"write_transactions_per_order\":%.2f,\"reads_per_order\":%.2f,\"seconds\":%.2f,\"calls\":{%s}}\n",
         static_cast<long long>(created), static_cast<long long>(writes), static_cast<long long>(reads),
         static_cast<double>(writes) * per, static_cast<double>(reads) * per, secs, per_method.c_str());
  return 0;
}

}  // namespace
}  // namespace es

int main(int argc, char** argv) {
  int orders = 1000;
  std::string url;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--orders")) orders = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--store")) url = argv[i + 1];
  }
  return es::Run(orders, url);
}
