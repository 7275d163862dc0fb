#include "engine/account_budget.h"

#include <algorithm>
#include <chrono>
#include <limits>

namespace es::engine {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kSecondMs = 1'000;
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
// Longest single sleep of a waiter on a fake clock (which cannot wake it).
constexpr int64_t kMaxSleepMs = 500;
// Longest wait on the system clock: every change that may let a waiter
// start notifies it; this only bounds the cost of a change that does not.
constexpr int64_t kMaxRealWaitMs = 1'000;
// A window is full of requests still waiting for their answers.
constexpr int64_t kUntilAnswer = kNever;
// Requests reserved from a backend at once, at most.
constexpr int kBlockRequests = 4;

void Prune(std::deque<int64_t>& q, int64_t now, int64_t span) {
  while (!q.empty() && q.front() <= now - span) q.pop_front();
}

void EraseOne(std::deque<int64_t>& q, int64_t stamp) {
  for (auto it = q.end(); it != q.begin();) {
    --it;
    if (*it == stamp) {
      q.erase(it);
      return;
    }
  }
}

std::string ServedKey(Lane lane, const std::string& tenant) {
  return std::string(lane == Lane::kRealtime ? "r/" : "b/") + tenant;
}

}  // namespace

const char* LaneName(Lane lane) { return lane == Lane::kRealtime ? "realtime" : "backfill"; }

Result<Lane> ParseLane(std::string_view text) {
  if (text == "realtime") return Lane::kRealtime;
  if (text == "backfill") return Lane::kBackfill;
  return Status::Validation("lane must be 'realtime' or 'backfill', not '" + std::string(text) + "'", "lane");
}

// ---- Permit ----------------------------------------------------------------

AccountBudget::Permit& AccountBudget::Permit::operator=(Permit&& o) noexcept {
  if (this != &o) {
    Reset();
    owner_ = o.owner_;
    batch_ = o.batch_;
    started_ms_ = o.started_ms_;
    block_ = std::move(o.block_);
    o.owner_ = nullptr;
  }
  return *this;
}

void AccountBudget::Permit::Unused() {
  if (!owner_) return;
  owner_->Release(started_ms_, batch_, block_, true);
  owner_ = nullptr;
}

void AccountBudget::Permit::Reset() {
  if (!owner_) return;
  owner_->Release(started_ms_, batch_, block_, false);
  owner_ = nullptr;
}

// ---- AccountBudget ---------------------------------------------------------

AccountBudget::AccountBudget(std::string account, BudgetLimits limits, Clock& clock,
                             std::shared_ptr<BudgetBackend> backend)
    : account_(std::move(account)),
      limits_(limits),
      clock_(clock),
      backend_(std::move(backend)),
      real_clock_(dynamic_cast<SystemClock*>(&clock) != nullptr) {}

AccountBudget::~AccountBudget() {
  if (!backend_) return;
  for (auto& [id, h] : held_) (void)backend_->Close(account_, id);
}

void AccountBudget::Expire(int64_t now) const {
  Prune(minute_, now, kMinuteMs);
  Prune(second_, now, kSecondMs);
  Prune(batch_minute_, now, kMinuteMs);
  while (!answered_.empty() && answered_.front() <= now) answered_.pop_front();
}

int AccountBudget::InFlightLimit(int64_t now, Lane lane) const {
  if (limits_.max_in_flight <= 0) return std::numeric_limits<int>::max();
  if (lane == Lane::kRealtime || !RealtimeActive(now)) return limits_.max_in_flight;
  return std::max(1, limits_.max_in_flight - limits_.realtime_reserve_in_flight);
}

void AccountBudget::Pause(std::unique_lock<std::mutex>& lock, int64_t ms, bool timed) {
  ms = std::max<int64_t>(ms, 1);
  if (real_clock_) {
    cv_.wait_for(lock, std::chrono::milliseconds(std::min(ms, kMaxRealWaitMs)));
  } else if (!timed || ms == kUntilAnswer) {
    cv_.wait_for(lock, std::chrono::milliseconds(50));
  } else {
    lock.unlock();
    clock_.SleepMillis(std::min(ms, kMaxSleepMs));
    lock.lock();
  }
}

int64_t AccountBudget::WaitLocked(int64_t now, bool batch, Lane lane) const {
  Expire(now);
  int64_t w = 0;
  const int batch_limit = limits_.batch_per_minute;
  const bool reserve = lane == Lane::kBackfill && RealtimeActive(now);
  const int reserve_second = reserve ? limits_.realtime_reserve_per_second : 0;
  if (limits_.per_minute > 0) {
    // A single leaves room in the minute for the batches the window still allows.
    int need = 1 + (reserve ? limits_.realtime_reserve_per_minute : 0);
    if (!batch && batch_limit > 0) need += std::max(0, batch_limit - static_cast<int>(batch_minute_.size()));
    int excess = static_cast<int>(minute_.size()) + need - limits_.per_minute;
    if (excess > static_cast<int>(minute_.size())) return kMinuteMs;  // limits leave no room for singles
    if (excess > 0) w = std::max(w, minute_[static_cast<size_t>(excess - 1)] + kMinuteMs - now);
  }
  if (limits_.min_spacing_ms > 0 && !second_.empty())
    w = std::max(w, second_.back() + limits_.min_spacing_ms - now);
  if (limits_.per_second > 0) {
    const int limit = std::max(1, limits_.per_second - reserve_second);
    if (static_cast<int>(second_.size()) >= limit)
      w = std::max(w, second_[second_.size() - static_cast<size_t>(limit)] + kSecondMs - now);
  }
  if (limits_.per_second_answered > 0) {
    // Unanswered requests count until answered, answered ones for a second after.
    const int limit = std::max(1, limits_.per_second_answered - reserve_second);
    const int count = in_flight_ + static_cast<int>(answered_.size());
    if (count >= limit) {
      const size_t expire = static_cast<size_t>(count - limit + 1);
      if (expire > answered_.size()) return kUntilAnswer;
      w = std::max(w, answered_[expire - 1] - now);
    }
  }
  if (batch && batch_limit > 0 && static_cast<int>(batch_minute_.size()) >= batch_limit)
    w = std::max(w, batch_minute_[batch_minute_.size() - static_cast<size_t>(batch_limit)] + kMinuteMs - now);
  return std::max<int64_t>(w, 0);
}

int64_t AccountBudget::WaitForSingle(Lane lane) const {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t w = WaitLocked(clock_.NowMillis(), false, lane);
  return w == kUntilAnswer ? kSecondMs : w;
}

int64_t AccountBudget::WaitForBatch(Lane lane) const {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t w = WaitLocked(clock_.NowMillis(), true, lane);
  return w == kUntilAnswer ? kSecondMs : w;
}

const AccountBudget::Waiter* AccountBudget::Next() const {
  const Waiter* best = nullptr;
  int64_t best_served = 0;
  for (const auto& [seq, w] : waiters_) {
    auto it = served_.find(ServedKey(w.lane, w.tenant));
    int64_t served = it == served_.end() ? 0 : it->second;
    if (!best || w.lane < best->lane || (w.lane == best->lane && served < best_served)) {
      best = &w;
      best_served = served;
    }
  }
  return best;
}

void AccountBudget::CloseIfDone(std::map<std::string, Held>::iterator it) {
  if (it->second.open > 0) return;
  (void)backend_->Close(account_, it->first);
  held_.erase(it);
}

int64_t AccountBudget::TakeBackendSlot(int64_t now, bool batch, std::string* block) {
  if (!backend_) return 0;
  for (auto it = held_.begin(); it != held_.end();) {
    auto next = std::next(it);
    Held& h = it->second;
    if (h.requests > 0 && h.valid_until_ms <= now) {  // unused slots of a block are lost
      h.open -= h.requests;
      h.requests = h.batches = 0;
      CloseIfDone(it);
    }
    it = next;
  }
  auto take = [&]() -> bool {
    for (auto& [id, h] : held_) {
      if (batch ? h.batches > 0 : h.requests > h.batches) {
        --h.requests;
        if (batch) --h.batches;
        *block = id;
        return true;
      }
    }
    return false;
  };
  if (take()) return 0;
  const int wanting = static_cast<int>(waiters_.size());
  int requests = std::clamp(wanting, 1, kBlockRequests);
  auto r = backend_->Reserve(account_, limits_, requests, batch ? 1 : 0, now);
  if (!r.ok()) return 250;  // the store is unavailable: try again shortly
  if (!r->granted) {
    if (r->blocked_until_ms > blocked_until_) blocked_until_ = r->blocked_until_ms;
    return std::max<int64_t>(1, r->retry_at_ms - now);
  }
  Held h;
  h.id = r->id;
  h.requests = h.open = r->requests;
  h.batches = r->batches;
  h.valid_until_ms = r->valid_until_ms;
  held_[r->id] = h;
  ++stats_.blocks;
  return take() ? 0 : 1;
}

AccountBudget::Permit AccountBudget::Acquire(const Ask& ask) {
  std::unique_lock<std::mutex> lock(mu_);
  const int64_t me = ++seq_;
  const std::string key = ServedKey(ask.lane, ask.tenant);
  // A tenant that starts asking begins level with the least served tenant waiting in its lane.
  int64_t floor = kNever;
  for (const auto& [seq, w] : waiters_) {
    if (w.lane != ask.lane || w.tenant == ask.tenant) continue;
    auto it = served_.find(ServedKey(w.lane, w.tenant));
    floor = std::min(floor, it == served_.end() ? 0 : it->second);
  }
  if (floor != kNever && served_[key] < floor) served_[key] = floor;
  waiters_.emplace(me, Waiter{me, ask.tenant, ask.lane, ask.single || !ask.batch, ask.batch});
  const Waiter& mine = waiters_.at(me);
  const int64_t asked_at = clock_.NowMillis();
  if (ask.lane == Lane::kRealtime) {
    realtime_seen_ = asked_at;
    cv_.notify_all();  // the first in line may have changed; backfill now keeps the reserve
  }
  // Waits, at most until the ask's deadline (a wait that ends there is timed).
  auto pause = [&](int64_t wait, int64_t now, bool timed) {
    if (ask.deadline_ms > 0 && ask.deadline_ms - now <= wait) {
      wait = std::max<int64_t>(1, ask.deadline_ms - now);
      timed = true;
    }
    Pause(lock, wait, timed);
  };

  for (;;) {
    const int64_t now = clock_.NowMillis();
    if (ask.deadline_ms > 0 && now >= ask.deadline_ms) {
      Leave(me);
      lock.unlock();
      cv_.notify_all();
      return Permit();
    }
    if (ask.lane == Lane::kRealtime) realtime_seen_ = now;
    const Waiter* head = Next();
    bool single_only = false;
    if (head->seq != me) {
      // Only a head that waits for the batch window alone lets singles past:
      // singles never take the room that batches need.
      bool head_waits_for_batch_only = !head->single && in_flight_ < InFlightLimit(now, head->lane) &&
                                       now >= blocked_until_ && WaitLocked(now, false, head->lane) == 0;
      if (!(head_waits_for_batch_only && mine.single && head->lane <= mine.lane)) {
        // Woken when the line or the windows change; a single may be let past
        // once the windows allow one.
        int64_t wait = kUntilAnswer;
        if (mine.single) {
          wait = std::max(blocked_until_ - now, WaitLocked(now, false, mine.lane));
          if (wait <= 0) wait = kUntilAnswer;
        }
        pause(wait, now, false);
        continue;
      }
      single_only = true;
    }
    if (in_flight_ >= InFlightLimit(now, mine.lane)) {
      pause(kUntilAnswer, now, false);
      continue;
    }
    int64_t wait = 0;
    bool batch = false;
    if (now < blocked_until_) {
      wait = blocked_until_ - now;
    } else {
      int64_t wb = mine.batch && !single_only ? WaitLocked(now, true, mine.lane) : kNever;
      int64_t ws = mine.single ? WaitLocked(now, false, mine.lane) : kNever;
      if (wb == 0) batch = true;
      else if (ws == 0) batch = false;
      else wait = std::min(wb, ws);
    }
    std::string block;
    if (wait == 0) {
      wait = TakeBackendSlot(now, batch, &block);
      // The shared store has no batch to spare: a single, if the ask takes one.
      if (wait > 0 && batch && mine.single && WaitLocked(now, false, mine.lane) == 0) {
        int64_t single_wait = TakeBackendSlot(now, false, &block);
        if (single_wait == 0) batch = false;
        wait = std::min(wait, single_wait);
        if (!block.empty()) wait = 0;
      }
    }
    if (wait > 0) {
      pause(wait, now, !single_only);
      continue;
    }
    minute_.push_back(now);
    second_.push_back(now);
    if (batch) batch_minute_.push_back(now);
    ++in_flight_;
    ++served_[key];
    ++stats_.requests;
    if (batch) ++stats_.batches;
    stats_.waited_ms += now - asked_at;
    Leave(me);
    lock.unlock();
    cv_.notify_all();
    Permit p;
    p.owner_ = this;
    p.batch_ = batch;
    p.started_ms_ = now;
    p.block_ = std::move(block);
    return p;
  }
}

void AccountBudget::Leave(int64_t seq) { waiters_.erase(seq); }

void AccountBudget::Release(int64_t started_ms, bool batch, const std::string& block, bool unused) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_;
    if (!unused && limits_.per_second_answered > 0) {
      const int64_t until = clock_.NowMillis() + kSecondMs;
      answered_.insert(std::upper_bound(answered_.begin(), answered_.end(), until), until);
    }
    if (unused) {
      EraseOne(minute_, started_ms);
      EraseOne(second_, started_ms);
      if (batch) EraseOne(batch_minute_, started_ms);
      --stats_.requests;
      if (batch) --stats_.batches;
    }
    if (!block.empty()) {
      auto it = held_.find(block);
      if (it != held_.end()) {
        --it->second.open;
        CloseIfDone(it);
      }
    }
  }
  cv_.notify_all();
}

int64_t AccountBudget::Throttled(int64_t retry_after_ms) {
  int64_t until, wait;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t now = clock_.NowMillis();
    wait = retry_after_ms;
    if (wait <= 0) {
      bool first = last_throttled_ < 0 || now - last_throttled_ >= limits_.throttle_backoff_ms;
      wait = first && limits_.first_throttle_backoff_ms > 0 ? limits_.first_throttle_backoff_ms
                                                             : limits_.throttle_backoff_ms;
    }
    last_throttled_ = now;
    until = now + wait;
    blocked_until_ = std::max(blocked_until_, until);
    wait = blocked_until_ - now;
    ++stats_.throttled;
  }
  cv_.notify_all();
  if (backend_) (void)backend_->Block(account_, until, clock_.NowMillis());
  return wait;
}

int AccountBudget::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(waiters_.size());
}

AccountBudget::Stats AccountBudget::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

// ---- AccountBudgets --------------------------------------------------------

std::shared_ptr<AccountBudget> AccountBudgets::Get(const std::string& account, const BudgetLimits& limits,
                                                   std::shared_ptr<BudgetBackend> backend) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = budgets_[account];
  if (!slot) slot = std::make_shared<AccountBudget>(account, limits, clock_, std::move(backend));
  return slot;
}

AccountBudgets& AccountBudgets::Process() {
  static AccountBudgets* budgets = new AccountBudgets(SystemClock::Get());
  return *budgets;
}

}  // namespace es::engine
