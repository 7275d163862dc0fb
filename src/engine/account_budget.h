// AccountBudget: the request budget of one target account (a QuickBooks
// realm, say), shared by every run and thread of the process that talks to
// it, so that together they stay inside the account's limits (SPEC F3).
// The engine knows no platform: a connector names the account ("qbo:<realm>")
// and registers its limits; AccountBudgets hands out one budget per name.
//
// Limits (sliding windows over request start times, as the platform counts
// them): requests per minute (batches included), requests per second,
// batch requests per minute, requests in flight; and a per-second window in
// which a request counts from its start until one second after its answer
// (the platform counts a request when it arrives, which is somewhere between
// the two: however late it arrives, the platform's window holds no more). A refusal by the platform
// (HTTP 429) is reported through Throttled(): nobody starts a request on the
// account before its Retry-After (or the limits' default back-off) has passed.
//
// Order of service: an ask in the real-time lane (webhook or single-record
// work) is always served before one in the backfill lane; within a lane the
// tenant that has been served least goes first (a newcomer starts level with
// the least served tenant, so a long backfill does not bank credit), then
// first come first served. Singles never take the per-minute room that the
// batches still left in the window may need (the batch budget stays usable).
// While the real-time lane has asked within the last minute, backfill leaves
// a small reserve of each window (and of the in-flight slots) free for it.
//
// Waiting: a waiter sleeps until the moment its request can be due by the
// windows (or until its deadline) and is woken early by every answer, grant,
// refusal and newcomer; it never polls.
//
// Across processes: an optional BudgetBackend (the state store) hands out
// small blocks of capacity; a request starts only with a local slot and a
// slot of a live block. A Throttled() call is also passed to the backend so
// every process on the account backs off. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace es::engine {

enum class Lane { kRealtime = 0, kBackfill = 1 };
const char* LaneName(Lane lane);
// "realtime" | "backfill"; Validation naming the value otherwise.
Result<Lane> ParseLane(std::string_view text);

// An account's limits as the client keeps them (already below the
// platform's, by the connector's safety margin). 0 = no such limit.
struct BudgetLimits {
  int per_minute = 0;
  int per_second = 0;
  int batch_per_minute = 0;
  int max_in_flight = 0;
  // Back-off after a refusal that said nothing about when to come back.
  int64_t throttle_backoff_ms = 60'000;
  // Least time between two starts (0 = none): starts spread out, so that
  // requests that reach the platform late or early do not bunch up in its
  // per-second window.
  int64_t min_spacing_ms = 0;
  // Back-off after the first such refusal in throttle_backoff_ms (when the
  // per-second limit was the likely cause); a second one within that time
  // backs off throttle_backoff_ms. 0 = always throttle_backoff_ms.
  int64_t first_throttle_backoff_ms = 0;
  // Requests in any second counted from start until one second after the
  // answer (a request not yet answered counts). 0 = no such limit.
  int per_second_answered = 0;
  // Left free by the backfill lane while the real-time lane is active: starts
  // of the per-second windows, of the per-minute window, in-flight slots.
  int realtime_reserve_per_second = 0;
  int realtime_reserve_per_minute = 0;
  int realtime_reserve_in_flight = 0;
};

// Capacity reserved from a store shared by several processes.
struct BudgetBlock {
  bool granted = false;
  std::string id;               // for Close()
  int requests = 0;             // requests that may start...
  int batches = 0;              // ...of which this many batch requests
  int64_t valid_until_ms = 0;   // ...before this time (unused ones are lost)
  int64_t retry_at_ms = 0;      // not granted: when to ask again
  int64_t blocked_until_ms = 0; // the account is blocked (after a 429) until then
};

class BudgetBackend {
 public:
  virtual ~BudgetBackend() = default;
  // Reserves `requests` starts (of which `batches` batch requests) from now.
  virtual Result<BudgetBlock> Reserve(const std::string& account, const BudgetLimits& limits, int requests,
                                      int batches, int64_t now_ms) = 0;
  // Every request of the block has finished (or will never start).
  virtual Status Close(const std::string& account, const std::string& block_id) = 0;
  // The platform refused a request: nobody on the account starts one before `until_ms`.
  virtual Status Block(const std::string& account, int64_t until_ms, int64_t now_ms) = 0;
};

class AccountBudget {
 public:
  struct Ask {
    std::string tenant;
    Lane lane = Lane::kBackfill;
    bool single = true;  // a single request would do
    bool batch = false;  // a batch request would do (preferred when both may start)
    // Give up at this time (clock ms): Acquire returns a Permit that is not
    // valid(). 0 = wait as long as it takes.
    int64_t deadline_ms = 0;
  };

  struct Stats {
    int64_t requests = 0;
    int64_t batches = 0;
    int64_t waited_ms = 0;
    int64_t throttled = 0;
    int64_t blocks = 0;  // blocks reserved from the backend
  };

  // Holds an in-flight slot until destroyed. Move-only.
  class Permit {
   public:
    Permit() = default;
    Permit(Permit&& o) noexcept { *this = std::move(o); }
    Permit& operator=(Permit&& o) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() { Reset(); }
    bool batch() const { return batch_; }
    bool valid() const { return owner_ != nullptr; }
    // The request was not sent after all: its window slots are given back.
    void Unused();

   private:
    friend class AccountBudget;
    void Reset();
    AccountBudget* owner_ = nullptr;
    bool batch_ = false;
    int64_t started_ms_ = 0;
    std::string block_;
  };

  AccountBudget(std::string account, BudgetLimits limits, Clock& clock, std::shared_ptr<BudgetBackend> backend = {});
  ~AccountBudget();

  // Blocks (through the Clock) until the ask is first in line and a request
  // may start, or until its deadline. `ask` must allow a single or a batch
  // request (neither: a single).
  Permit Acquire(const Ask& ask);
  // The platform answered "too many requests"; retry_after_ms <= 0 when it
  // did not say how long to wait. Returns how long nobody on the account
  // starts a request (retry_after_ms, else the limits' back-off).
  int64_t Throttled(int64_t retry_after_ms);

  const std::string& account() const { return account_; }
  const BudgetLimits& limits() const { return limits_; }
  Stats stats() const;
  // Asks waiting in line now.
  int waiting() const;
  // Milliseconds until a single / batch request of the lane could start
  // (windows only; a window full of unanswered requests: one second).
  int64_t WaitForSingle(Lane lane = Lane::kBackfill) const;
  int64_t WaitForBatch(Lane lane = Lane::kBackfill) const;

 private:
  struct Waiter {
    int64_t seq;
    std::string tenant;
    Lane lane;
    bool single, batch;
  };
  struct Held {  // a backend block's slots still to hand out
    std::string id;
    int requests = 0, batches = 0, open = 0;
    int64_t valid_until_ms = 0;
  };

  void Release(int64_t started_ms, bool batch, const std::string& block, bool unused);
  // Requires mu_: the waiter to serve next.
  const Waiter* Next() const;
  // Requires mu_: ms until a request of that kind and lane may start by the
  // local windows; kUntilAnswer when only an answer can make room.
  int64_t WaitLocked(int64_t now, bool batch, Lane lane) const;
  // Requires mu_: in-flight slots the lane may fill.
  int InFlightLimit(int64_t now, Lane lane) const;
  bool RealtimeActive(int64_t now) const { return realtime_seen_ >= 0 && now - realtime_seen_ < 60'000; }
  // Requires mu_ (held through `lock`): waits up to `ms` (woken early by
  // Notify). `timed`: the wait is for time to pass (a fake clock is advanced).
  void Pause(std::unique_lock<std::mutex>& lock, int64_t ms, bool timed);
  void Expire(int64_t now) const;
  // Requires mu_: a backend slot for the kind; 0 when taken (id in *block),
  // else ms to wait. May call the backend.
  int64_t TakeBackendSlot(int64_t now, bool batch, std::string* block);
  void CloseIfDone(std::map<std::string, Held>::iterator it);

  const std::string account_;
  const BudgetLimits limits_;
  Clock& clock_;
  const std::shared_ptr<BudgetBackend> backend_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  mutable std::deque<int64_t> minute_, second_, batch_minute_;  // start times, guarded by mu_
  mutable std::deque<int64_t> answered_;  // answer + 1 s of answered requests, sorted, guarded by mu_
  int64_t realtime_seen_ = -1;            // last real-time ask, guarded by mu_
  const bool real_clock_;                 // the system clock: waits on cv_
  int in_flight_ = 0;                                           // guarded by mu_
  int64_t blocked_until_ = 0;                                   // guarded by mu_
  int64_t last_throttled_ = -1;                                 // guarded by mu_
  int64_t seq_ = 0;                                             // guarded by mu_
  // Requires mu_: leaves the line without a permit.
  void Leave(int64_t seq);
  std::map<int64_t, Waiter> waiters_;                           // by seq, guarded by mu_
  std::map<std::string, int64_t> served_;                       // per lane-tenant, guarded by mu_
  std::map<std::string, Held> held_;                            // guarded by mu_
  Stats stats_;                                                 // guarded by mu_
};

// One AccountBudget per account name, shared by everything that asks for it
// through the same registry. A budget lives as long as the registry.
class AccountBudgets {
 public:
  explicit AccountBudgets(Clock& clock) : clock_(clock) {}
  // The budget of `account`; the limits (and backend) of the first caller
  // win, later callers share that budget.
  std::shared_ptr<AccountBudget> Get(const std::string& account, const BudgetLimits& limits,
                                     std::shared_ptr<BudgetBackend> backend = {});
  Clock& clock() const { return clock_; }
  // The process-wide registry on the system clock.
  static AccountBudgets& Process();

 private:
  Clock& clock_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<AccountBudget>> budgets_;  // guarded by mu_
};

}  // namespace es::engine
