#include "schedule/scheduler.h"

#include <chrono>
#include <exception>
#include <optional>
#include <utility>

#include "schedule/cron.h"

namespace es::schedule {

Status PrepareSchedule(store::Schedule& s, int64_t now_ms) {
  ES_ASSIGN_OR_RETURN(CronSpec spec, ParseCron(s.cron));
  ES_RETURN_IF_ERROR(CheckTimeZone(s.timezone));
  s.next_due_at_ms = 0;
  if (!s.enabled) return Status::Ok();
  ES_ASSIGN_OR_RETURN(s.next_due_at_ms, NextFire(spec, s.timezone, now_ms));
  return Status::Ok();
}

Scheduler::Scheduler(store::ScheduleStore& store, Clock& clock, FireFn fire, Options options)
    : store_(store), clock_(clock), fire_(std::move(fire)), options_(options) {}

Scheduler::~Scheduler() { Stop(); }

Result<int> Scheduler::Tick() {
  std::lock_guard<std::mutex> tick(tick_mu_);
  const int64_t now = clock_.NowMillis();
  ES_ASSIGN_OR_RETURN(std::vector<store::Schedule> due, store_.ListDueSchedules(now, options_.batch));
  int fired = 0;
  for (const store::Schedule& d : due) {
    // The slot after now: missed slots collapse into this one firing.
    std::string parked;
    int64_t next = 0;
    auto spec = ParseCron(d.cron);
    if (!spec.ok()) {
      parked = "invalid cron: " + spec.status().message();
    } else {
      auto n = NextFire(*spec, d.timezone, now);
      if (n.ok()) next = *n;
      else parked = n.status().message();
    }
    ES_ASSIGN_OR_RETURN(std::optional<store::Schedule> claimed,
                        store_.ClaimSchedule(d.tenant_id, d.id, d.next_due_at_ms, next, now));
    if (!claimed.has_value()) continue;  // another scheduler fired it, or it changed
    if (!parked.empty()) {
      ES_RETURN_IF_ERROR(store_.FinishScheduleFiring(d.tenant_id, d.id, "", parked, next, 0));
      continue;
    }
    DueSchedule ds;
    ds.schedule = std::move(*claimed);
    ds.slot_ms = d.next_due_at_ms;
    ds.fired_at_ms = now;
    Status outcome;
    try {
      outcome = fire_ ? fire_(ds) : Status::Internal("no schedule callback");
    } catch (const std::exception& e) {
      outcome = Status::Internal(std::string("schedule callback failed: ") + e.what());
    } catch (...) {
      outcome = Status::Internal("schedule callback failed");
    }
    ++fired;
    int64_t retry_at = 0;
    if (!outcome.ok() && (outcome.retryable() || outcome.IsConflict())) {
      const int64_t at = now + options_.retry_ms;
      if (at < next) retry_at = at;
    }
    ES_RETURN_IF_ERROR(store_.FinishScheduleFiring(d.tenant_id, d.id, outcome.ok() ? ds.started_id : "",
                                                   outcome.ok() ? "" : outcome.ToString(), next, retry_at));
  }
  return fired;
}

void Scheduler::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::Loop() {
  while (true) {
    (void)Tick();  // a failed pass (store unreachable) is simply tried again next tick
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, std::chrono::milliseconds(options_.tick_ms), [this] { return stop_; })) return;
  }
}

}  // namespace es::schedule
