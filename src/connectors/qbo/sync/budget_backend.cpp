// The realm budget's backend on the state store (store/qbo_budget_store.h):
// every process on one store draws its blocks from the same rows.
#include <algorithm>
#include <atomic>
#include <chrono>

#include "connectors/qbo/sync/qbo_platform.h"

namespace es::qbo {
namespace {

// How long a reserved block's requests may start: short, as a block counts
// in the windows as if started at its end, but longer than a reservation
// takes (the block is granted at the caller's time, usable once committed):
// twice the recent reservation time, within these bounds. A slow store
// costs throughput, never the limits.
constexpr int64_t kMinValidityMs = 100;
constexpr int64_t kMaxValidityMs = 1'000;
// How late after its start a request may still reach QBO (a busy host, the network).
constexpr int64_t kStartSlackMs = 100;

class StoreBudgetBackend final : public engine::BudgetBackend {
 public:
  explicit StoreBudgetBackend(store::StateStore& store) : store_(store) {}

  Result<engine::BudgetBlock> Reserve(const std::string& account, const engine::BudgetLimits& limits, int requests,
                                      int batches, int64_t now_ms) override {
    store::BudgetAsk ask;
    ask.account = account;
    ask.requests = requests;
    ask.batches = batches;
    ask.per_minute = limits.per_minute;
    ask.per_second = limits.per_second;
    ask.batch_per_minute = limits.batch_per_minute;
    ask.max_in_flight = limits.max_in_flight;
    ask.now_ms = now_ms;
    ask.validity_ms = std::clamp<int64_t>(2 * reserve_ms_.load() + 20, kMinValidityMs, kMaxValidityMs);
    ask.start_slack_ms = kStartSlackMs;
    auto t0 = std::chrono::steady_clock::now();
    auto granted = store_.ReserveBudget(ask);
    int64_t took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    reserve_ms_.store((reserve_ms_.load() * 3 + took) / 4);  // a moving average
    ES_ASSIGN_OR_RETURN(store::BudgetGrant g, std::move(granted));
    engine::BudgetBlock b;
    b.granted = g.granted;
    b.id = g.block_id;
    b.requests = g.granted ? requests : 0;
    b.batches = g.granted ? batches : 0;
    b.valid_until_ms = g.valid_until_ms;
    b.retry_at_ms = g.retry_at_ms;
    b.blocked_until_ms = g.blocked_until_ms > now_ms ? g.blocked_until_ms : 0;
    return b;
  }

  Status Close(const std::string& account, const std::string& block_id) override {
    return store_.CloseBudgetBlock(account, block_id);
  }

  Status Block(const std::string& account, int64_t until_ms, int64_t now_ms) override {
    return store_.BlockBudget(account, until_ms, now_ms);
  }

 private:
  store::StateStore& store_;
  std::atomic<int64_t> reserve_ms_{0};
};

}  // namespace

std::shared_ptr<engine::BudgetBackend> MakeStoreBudgetBackend(store::StateStore& store) {
  return std::make_shared<StoreBudgetBackend>(store);
}

}  // namespace es::qbo
