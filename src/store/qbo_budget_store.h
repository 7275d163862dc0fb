// QboBudgetStore: the request budget of a target account (a QuickBooks
// realm: account "qbo:<realm id>") shared by every process on one state
// store (migration 0007_qbo_budget). Processes reserve capacity in small
// blocks; engine/account_budget.h spends them. Part of StateStore.
//
// A block lets its holder start up to `requests` requests (`batches` of
// them batch requests) between its grant and valid_until_ms. For the
// windows a block counts as started at valid_until_ms - no earlier than its
// grant, no later than its last possible start (plus start_slack_ms) - so
// it occupies the per-minute window while valid_until_ms + slack > now - 60 s
// and the per-second window while valid_until_ms + slack > now - 1 s:
// whatever its holder does with it,
// the sliding windows at the platform hold no more than the limits. Its
// requests count as in flight until it is closed, or until open_until_ms
// (a process that died).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace es::store {

struct BudgetAsk {
  std::string account;
  int requests = 1;
  int batches = 0;
  // The account's limits (0 = none).
  int per_minute = 0;
  int per_second = 0;
  int batch_per_minute = 0;
  int max_in_flight = 0;
  int64_t now_ms = 0;
  int64_t validity_ms = 200;           // the block's requests start before now + this
  // A request may reach the platform this much after it started (scheduling,
  // network): a block stays in the windows this much longer.
  int64_t start_slack_ms = 0;
  int64_t open_timeout_ms = 120'000;   // an unclosed block stops counting as in flight after this
};

struct BudgetGrant {
  bool granted = false;
  std::string block_id;      // granted: for CloseBudgetBlock
  int64_t valid_until_ms = 0;
  int64_t retry_at_ms = 0;   // refused: when a block of that size may fit
  int64_t blocked_until_ms = 0;
};

class QboBudgetStore {
 public:
  virtual ~QboBudgetStore() = default;
  // One transaction, serialised per account: grants the block if the account
  // is not blocked and the limits hold with it; otherwise refuses with a
  // retry time. requests >= 1 and 0 <= batches <= requests (Validation).
  virtual Result<BudgetGrant> ReserveBudget(const BudgetAsk& ask) = 0;
  // The block's requests have all finished (or will never start): it no
  // longer counts as in flight. Unknown blocks are ignored.
  virtual Status CloseBudgetBlock(const std::string& account, const std::string& block_id) = 0;
  // The platform refused a request: no block of the account is granted
  // before until_ms (a later time already set stays).
  virtual Status BlockBudget(const std::string& account, int64_t until_ms, int64_t now_ms) = 0;
  // The account's block time (0 when never blocked).
  virtual Result<int64_t> BudgetBlockedUntil(const std::string& account) = 0;
};

}  // namespace es::store
