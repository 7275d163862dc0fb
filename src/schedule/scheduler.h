// Scheduler: fires due cron schedules (SPEC F8) by handing them to a callback.
//
// Every tick (Options::tick_ms, a few seconds) it lists the schedules whose
// next_due_at_ms has come (store/schedule_store.h), computes each one's next
// slot strictly after now (schedule/cron.h) and claims the due slot with the
// store's conditional update; only a successful claim calls `fire`. So:
//  - several schedulers on one store (threads, processes, hosts) fire each
//    due slot once;
//  - after downtime a schedule that missed any number of slots fires ONCE
//    (its next slot is computed from now, not from the missed one).
// The callback enqueues the work (a run, a job) and returns quickly. Its
// outcome is recorded on the schedule (last_run_id / last_error). A failure
// that may pass (rate limit, network, conflict such as the pair's run lock
// being held) is tried again after Options::retry_ms when that comes before
// the next slot; any other failure waits for the next slot. A schedule
// whose expression or zone no longer parses (edited in the database) is
// parked: next_due_at_ms 0 and the reason in last_error.
//
// Time comes from the injected Clock (tests drive Tick() with a FakeClock);
// the background loop waits in real time between ticks. Thread-safe; Stop()
// (also the destructor) ends the loop and waits for a tick in progress.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/status.h"
#include "store/schedule_store.h"

namespace es::schedule {

struct DueSchedule {
  store::Schedule schedule;  // as claimed: next_due_at_ms is already the next slot
  int64_t slot_ms = 0;       // the due time that fired (may be long past after downtime)
  int64_t fired_at_ms = 0;   // when this scheduler claimed it
  // The callback may put the id of what it started (run or job) here; it is
  // recorded as the schedule's last_run_id.
  mutable std::string started_id;
};

using FireFn = std::function<Status(const DueSchedule&)>;

// Checks s.cron (Validation, code() = the cron field at fault) and
// s.timezone (code() "timezone"), and sets s.next_due_at_ms: the first slot
// after now_ms when enabled, else 0.
Status PrepareSchedule(store::Schedule& s, int64_t now_ms);

class Scheduler {
 public:
  struct Options {
    int64_t tick_ms = 5'000;    // between passes of the background loop
    int batch = 100;            // due schedules claimed per pass at most
    int64_t retry_ms = 30'000;  // a transient failure is tried again after this
  };

  Scheduler(store::ScheduleStore& store, Clock& clock, FireFn fire, Options options);
  Scheduler(store::ScheduleStore& store, Clock& clock, FireFn fire) : Scheduler(store, clock, std::move(fire), {}) {}
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // One pass at clock.NowMillis(): claims and fires what is due. Returns how
  // many schedules this pass fired (claimed and handed to the callback,
  // whatever it answered); a store error stops the pass.
  Result<int> Tick();

  // Starts the background loop (a first pass at once). No-op when running.
  void Start();
  void Stop();

 private:
  void Loop();

  store::ScheduleStore& store_;
  Clock& clock_;
  const FireFn fire_;
  const Options options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
  std::mutex tick_mu_;  // one pass at a time
};

}  // namespace es::schedule
