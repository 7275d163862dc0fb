// QboGateway: the QBO target's way to QuickBooks Online. Wraps a Client
// with the realm's shared budget (engine/account_budget.h: every run and
// process on the realm draws from it, so QBO's limits are not hit; a 429
// makes all of them back off) and the retry policy (so 429s, 5xx and
// dropped connections are retried with the same requestid). Counts
// requests for the run summary. Thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "connectors/qbo/client.h"
#include "engine/account_budget.h"
#include "engine/retry.h"

namespace es::qbo {

class QboGateway {
 public:
  using Permit = engine::AccountBudget::Permit;

  // `budget`: the realm's (QboBudget()); `tenant`: whose requests these are.
  QboGateway(Client& client, Clock& clock, engine::RetryPolicy retry, std::shared_ptr<engine::AccountBudget> budget,
             std::string tenant);

  // The lane of the requests that follow (a run sets it once, before it writes).
  void set_lane(engine::Lane lane) { lane_ = lane; }
  engine::Lane lane() const { return lane_; }
  engine::AccountBudget& budget() { return *budget_; }
  // A permit for a single request or a batch, whichever the budget allows
  // first (batch only when `batch_ok`); pass it to CreateWith / BatchWith.
  Permit AcquireEither(bool batch_ok);
  // As Create / Batch, the first attempt under `permit` (retries acquire their own).
  Result<Json> CreateWith(Permit permit, const std::string& entity, const Json& body, const std::string& request_id);
  Result<std::vector<BatchResult>> BatchWith(Permit permit, const std::vector<BatchOp>& ops,
                                             const std::string& request_id);

  Result<Json> Create(const std::string& entity, const Json& body, const std::string& request_id);
  Result<Json> SparseUpdate(const std::string& entity, const Json& body, const std::string& request_id);
  Result<Json> Void(const std::string& entity, const std::string& id, const std::string& sync_token,
                    const std::string& request_id);
  Result<Json> Delete(const std::string& entity, const std::string& id, const std::string& sync_token,
                      const std::string& request_id);
  Result<Json> Read(const std::string& entity, const std::string& id);
  Result<QueryPage> Query(const std::string& statement);
  // All rows of a query, following STARTPOSITION paging (page size 1000).
  Result<std::vector<Json>> QueryAll(const std::string& statement_without_paging);
  // GET /cdc (changed objects of `entities` since `changed_since`).
  Result<CdcResult> Cdc(const std::vector<std::string>& entities, const std::string& changed_since);
  Result<std::vector<BatchResult>> Batch(const std::vector<BatchOp>& ops, const std::string& request_id);

  const std::string& realm_id() const { return client_.config().realm_id; }
  int64_t calls() const { return calls_; }
  int64_t retries() const { return retries_; }
  int64_t rate_limited() const { return rate_limited_; }

 private:
  template <typename T>
  Result<T> Call(bool is_batch, const std::function<Result<T>()>& fn, Permit* first = nullptr);

  Client& client_;
  Clock& clock_;
  engine::RetryPolicy retry_;
  std::shared_ptr<engine::AccountBudget> budget_;
  const std::string tenant_;
  std::atomic<engine::Lane> lane_{engine::Lane::kBackfill};
  std::mutex rng_mu_;
  std::mt19937_64 rng_;  // guarded by rng_mu_
  std::atomic<int64_t> calls_{0};
  std::atomic<int64_t> retries_{0};
  std::atomic<int64_t> rate_limited_{0};
};

// A QBO connection opened for a run: the token store, the client on it and
// the gateway on the client with the realm's budget. Opened by
// OpenQboSession (qbo_platform.h) for both the item source and the target.
struct QboSession {
  std::unique_ptr<TokenStore> tokens;
  std::unique_ptr<Client> client;
  std::unique_ptr<QboGateway> gateway;
};

// QBO's limits per realm (reference §8: 500 requests/min with batches,
// 10/s, 10 in flight, 40 batches/min) less a safety margin, starts spread
// 100 ms apart, and the wait after a 429 without Retry-After: 2 s for the
// first in a minute, else the 60 s Intuit asks for.
engine::BudgetLimits QboBudgetLimits();
// The budget name of a realm: "qbo:<realm>", with "@<api_base>" added when
// the API is not Intuit's production one (each sandbox has its own limits).
std::string QboBudgetAccount(const std::string& realm_id, const std::string& api_base = "");

}  // namespace es::qbo
