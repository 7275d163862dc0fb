// QboGateway: the QBO target's way to QuickBooks Online. Wraps a Client
// with the client-side rate limiter (so QBO's limits are not hit) and the
// retry policy (so 429s, 5xx and dropped connections are retried with the
// same requestid). Counts requests for the run summary. Thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "connectors/qbo/client.h"
#include "engine/rate_limiter.h"
#include "engine/retry.h"

namespace es::qbo {

class QboGateway {
 public:
  QboGateway(Client& client, Clock& clock, engine::RetryPolicy retry = {}, engine::RateLimits limits = {});

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
  int64_t limiter_wait_ms() const { return limiter_.waited_ms(); }

 private:
  template <typename T>
  Result<T> Call(bool is_batch, const std::function<Result<T>()>& fn);

  Client& client_;
  Clock& clock_;
  engine::RetryPolicy retry_;
  engine::RateLimiter limiter_;
  std::mutex rng_mu_;
  std::mt19937_64 rng_;  // guarded by rng_mu_
  std::atomic<int64_t> calls_{0};
  std::atomic<int64_t> retries_{0};
  std::atomic<int64_t> rate_limited_{0};
};

}  // namespace es::qbo
