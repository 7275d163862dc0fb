#include "connectors/qbo/sync/gateway.h"

namespace es::qbo {

engine::BudgetLimits QboBudgetLimits() {
  engine::BudgetLimits l;
  l.per_minute = 490;
  l.per_second = 9;
  l.batch_per_minute = 39;
  l.max_in_flight = 10;
  l.throttle_backoff_ms = 60'000;
  // 10 per second at most, spread out: a start every 100 ms and 9 in any second.
  l.min_spacing_ms = 100;
  // A first 429 in a minute in which this budget kept under 490 requests
  // and 39 batches was most likely the per-second limit (requests bunched
  // up on the way): a short wait, as Intuit suggests; another one within
  // the minute: the full 60 s.
  l.first_throttle_backoff_ms = 2'000;
  // QBO counts a request when it arrives, somewhere between its start and
  // its answer; counted from start to one second after the answer, 10 in a
  // second can never bunch into more, however late they travel. (The start
  // window above keeps its margin: the state store shares that one.)
  l.per_second_answered = 10;
  // While webhooks and single records are being synced, backfill leaves them
  // a start of each second, ten of the minute and an in-flight slot.
  l.realtime_reserve_per_second = 1;
  l.realtime_reserve_per_minute = 10;
  l.realtime_reserve_in_flight = 1;
  return l;
}

std::string QboBudgetAccount(const std::string& realm_id, const std::string& api_base) {
  if (api_base.empty() || api_base == "https://quickbooks.api.intuit.com") return "qbo:" + realm_id;
  return "qbo:" + realm_id + "@" + api_base;
}

QboGateway::QboGateway(Client& client, Clock& clock, engine::RetryPolicy retry,
                       std::shared_ptr<engine::AccountBudget> budget, std::string tenant)
    : client_(client),
      clock_(clock),
      retry_(retry),
      budget_(std::move(budget)),
      tenant_(std::move(tenant)),
      rng_(std::random_device{}()) {}

QboGateway::Permit QboGateway::AcquireEither(bool batch_ok) {
  return budget_->Acquire({tenant_, lane_.load(), true, batch_ok});
}

template <typename T>
Result<T> QboGateway::Call(bool is_batch, const std::function<Result<T>()>& fn, Permit* first) {
  std::mt19937_64 rng;
  {
    std::lock_guard<std::mutex> lock(rng_mu_);
    rng.seed(rng_());
  }
  std::function<Result<T>()> limited = [&]() -> Result<T> {
    Permit permit = first != nullptr && first->valid() ? std::move(*first)
                                                       : budget_->Acquire({tenant_, lane_.load(), !is_batch, is_batch});
    ++calls_;
    Result<T> r = fn();
    if (!r.ok() && r.status().IsRateLimit()) {
      // Everyone on the realm waits; so does this request's retry.
      int64_t wait = budget_->Throttled(r.status().retry_after_ms().value_or(0));
      return Status::RateLimit(r.status().message(), wait, r.status().code());
    }
    return r;
  };
  return engine::WithRetry<T>(retry_, clock_, rng, limited, [&](const Status& s, int64_t) {
    ++retries_;
    if (s.IsRateLimit()) ++rate_limited_;
  });
}

Result<Json> QboGateway::Create(const std::string& entity, const Json& body, const std::string& request_id) {
  return Call<Json>(false, [&] { return client_.Create(entity, body, request_id); });
}

Result<Json> QboGateway::CreateWith(Permit permit, const std::string& entity, const Json& body,
                                    const std::string& request_id) {
  return Call<Json>(false, [&] { return client_.Create(entity, body, request_id); }, &permit);
}

Result<std::vector<BatchResult>> QboGateway::BatchWith(Permit permit, const std::vector<BatchOp>& ops,
                                                       const std::string& request_id) {
  if (!permit.batch()) return Status::Internal("a batch needs a batch permit");
  return Call<std::vector<BatchResult>>(true, [&] { return client_.Batch(ops, request_id); }, &permit);
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
