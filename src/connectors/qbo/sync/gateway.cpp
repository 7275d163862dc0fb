#include "connectors/qbo/sync/gateway.h"

namespace es::qbo {

QboGateway::QboGateway(Client& client, Clock& clock, engine::RetryPolicy retry, engine::RateLimits limits)
    : client_(client), clock_(clock), retry_(retry), limiter_(limits, clock), rng_(std::random_device{}()) {}

template <typename T>
Result<T> QboGateway::Call(bool is_batch, const std::function<Result<T>()>& fn) {
  std::mt19937_64 rng;
  {
    std::lock_guard<std::mutex> lock(rng_mu_);
    rng.seed(rng_());
  }
  std::function<Result<T>()> limited = [&]() -> Result<T> {
    auto permit = limiter_.Acquire(is_batch);
    ++calls_;
    return fn();
  };
  return engine::WithRetry<T>(retry_, clock_, rng, limited, [&](const Status& s, int64_t) {
    ++retries_;
    if (s.IsRateLimit()) ++rate_limited_;
  });
}

Result<Json> QboGateway::Create(const std::string& entity, const Json& body, const std::string& request_id) {
  return Call<Json>(false, [&] { return client_.Create(entity, body, request_id); });
}

Result<Json> QboGateway::SparseUpdate(const std::string& entity, const Json& body, const std::string& request_id) {
  return Call<Json>(false, [&] { return client_.SparseUpdate(entity, body, request_id); });
}

Result<Json> QboGateway::Void(const std::string& entity, const std::string& id, const std::string& sync_token,
                              const std::string& request_id) {
  return Call<Json>(false, [&] { return client_.Void(entity, id, sync_token, request_id); });
}

Result<Json> QboGateway::Delete(const std::string& entity, const std::string& id, const std::string& sync_token,
                                const std::string& request_id) {
  return Call<Json>(false, [&] { return client_.Delete(entity, id, sync_token, request_id); });
}

Result<Json> QboGateway::Read(const std::string& entity, const std::string& id) {
  return Call<Json>(false, [&] { return client_.Read(entity, id); });
}

Result<QueryPage> QboGateway::Query(const std::string& statement) {
  return Call<QueryPage>(false, [&] { return client_.Query(statement); });
}

Result<CdcResult> QboGateway::Cdc(const std::vector<std::string>& entities, const std::string& changed_since) {
  return Call<CdcResult>(false, [&] { return client_.ChangeDataCapture(entities, changed_since); });
}

Result<std::vector<Json>> QboGateway::QueryAll(const std::string& statement) {
  std::vector<Json> rows;
  constexpr int kPage = 1000;
  for (int64_t start = 1;; start += kPage) {
    auto page = Query(statement + " STARTPOSITION " + std::to_string(start) + " MAXRESULTS " + std::to_string(kPage));
    if (!page.ok()) return page.status();
    for (auto& r : page->rows) rows.push_back(std::move(r));
    if (static_cast<int>(page->rows.size()) < kPage) break;
  }
  return rows;
}

Result<std::vector<BatchResult>> QboGateway::Batch(const std::vector<BatchOp>& ops,
                                                        const std::string& request_id) {
  return Call<std::vector<BatchResult>>(true, [&] { return client_.Batch(ops, request_id); });
}

}  // namespace es::qbo
