// SqlStore: the shared budget of target accounts (migration 0007_qbo_budget,
// store/qbo_budget_store.h).
#include <algorithm>
#include <string>

#include "store/sql/queries_budget.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_util.h"

namespace es::store::sql {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kSecondMs = 1'000;

Status CheckAsk(const BudgetAsk& a) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("budget account", a.account));
  if (a.requests < 1) return Status::Validation("budget requests must be at least 1");
  if (a.batches < 0 || a.batches > a.requests)
    return Status::Validation("budget batches must be between 0 and the requests asked for");
  if (a.validity_ms < 1) return Status::Validation("budget validity_ms must be positive");
  if (a.open_timeout_ms < 1) return Status::Validation("budget open_timeout_ms must be positive");
  if (a.start_slack_ms < 0) return Status::Validation("budget start_slack_ms must not be negative");
  return Status::Ok();
}

}  // namespace

Result<BudgetGrant> SqlStore::ReserveBudget(const BudgetAsk& a) {
  ES_RETURN_IF_ERROR(CheckAsk(a));
  const int64_t now = a.now_ms;
  BudgetGrant g;
  ES_RETURN_IF_ERROR(exec().Run(Call::kTransaction, "reserve budget", [&](Session& s) -> Status {
    g = BudgetGrant();
    ES_ASSIGN_OR_RETURN(Rows row, s.Exec(q::kTouchBudget, Params().Text(a.account).Int(now)));
    if (row.size() != 1) return Status::Internal("budget row of '" + a.account + "' not returned");
    g.blocked_until_ms = row.Int(0, 0);
    const int64_t blocks = row.Int(0, 1);
    if (g.blocked_until_ms > now) {
      g.retry_at_ms = g.blocked_until_ms;
      return Status::Ok();
    }
    ES_ASSIGN_OR_RETURN(Rows use, s.Exec(q::kBudgetUse, Params()
                                                          .Text(a.account)
                                                          .Int(now - kMinuteMs - a.start_slack_ms)
                                                          .Int(now - kSecondMs - a.start_slack_ms)
                                                          .Int(now)));
    const int64_t minute = use.Int(0, 0), batch_minute = use.Int(0, 1), second = use.Int(0, 2),
                  open = use.Int(0, 3), oldest_minute = use.Int(0, 4), oldest_second = use.Int(0, 5),
                  oldest_batch = use.Int(0, 6);
    int64_t retry = 0;
    const int64_t slack = a.start_slack_ms;
    if (a.per_minute > 0 && minute + a.requests > a.per_minute)
      retry = std::max(retry, oldest_minute + kMinuteMs + slack);
    if (a.batch_per_minute > 0 && a.batches > 0 && batch_minute + a.batches > a.batch_per_minute)
      retry = std::max(retry, oldest_batch + kMinuteMs + slack);
    if (a.per_second > 0 && second + a.requests > a.per_second)
      retry = std::max(retry, oldest_second + kSecondMs + slack);
    if (a.max_in_flight > 0 && open + a.requests > a.max_in_flight) retry = std::max(retry, now + 20);
    if (retry > 0) {
      g.retry_at_ms = std::max(retry, now + 1);
      return Status::Ok();
    }
    const int64_t id = blocks + 1;
    g.granted = true;
    g.block_id = std::to_string(id);
    g.valid_until_ms = now + a.validity_ms;
    ES_RETURN_IF_ERROR(s.Exec(q::kAddBudgetBlock, Params()
                                                      .Text(a.account)
                                                      .Int(id)
                                                      .Int(now)
                                                      .Int(g.valid_until_ms)
                                                      .Int(a.requests)
                                                      .Int(a.batches)
                                                      .Int(now + a.open_timeout_ms))
                           .status());
    ES_RETURN_IF_ERROR(s.Exec(q::kCountBudgetBlock, Params().Text(a.account).Int(id)).status());
    return s.Exec(q::kPurgeBudgetBlocks, Params().Text(a.account).Int(now - 2 * kMinuteMs).Int(now)).status();
  }));
  return g;
}

Status SqlStore::CloseBudgetBlock(const std::string& account, const std::string& block_id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("budget account", account));
  char* end = nullptr;
  long long id = std::strtoll(block_id.c_str(), &end, 10);
  if (block_id.empty() || end == nullptr || *end != '\0')
    return Status::Validation("budget block id must be a number, not '" + block_id + "'");
  return Write(exec(), Call::kIdempotent, "close budget block", q::kCloseBudgetBlock,
               Params().Text(account).Int(id))
      .status();
}

Status SqlStore::BlockBudget(const std::string& account, int64_t until_ms, int64_t now_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("budget account", account));
  return Write(exec(), Call::kIdempotent, "block budget", q::kBlockBudget,
               Params().Text(account).Int(until_ms).Int(now_ms))
      .status();
}

Result<int64_t> SqlStore::BudgetBlockedUntil(const std::string& account) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("budget account", account));
  int64_t out = 0;
  ES_RETURN_IF_ERROR(exec().Run(Call::kRead, "budget blocked until", [&](Session& s) -> Status {
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(q::kBudgetBlockedUntil, Params().Text(account)));
    out = r.size() > 0 ? r.Int(0, 0) : 0;
    return Status::Ok();
  }));
  return out;
}

}  // namespace es::store::sql
