// ScheduleStore: cron schedules of sync runs (SPEC F8; migration
// 0006_schedules). Part of StateStore.
//
// A schedule is a tenant's cron expression in an IANA time zone with what to
// run (entities, mode, optionally the connection pair). The store keeps two
// times the scheduler (src/schedule/scheduler.h) maintains:
//   next_due_at_ms   when it fires next (0: never, e.g. disabled);
//   last_fired_at_ms when it last fired (0: never).
// The store computes no cron: callers pass next_due_at_ms in.
//
// Firing is claimed with a conditional update: ClaimSchedule moves
// next_due_at_ms from the value the caller read to the next slot only if it
// still holds that value, so when two processes tick at once exactly one of
// them wins each due slot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace es::store {

struct Schedule {
  std::string tenant_id;
  std::string id;                 // unique within the tenant
  std::string name;
  std::string cron;               // 5 fields or a macro (schedule/cron.h)
  std::string timezone;           // IANA name, e.g. "Europe/Berlin"
  std::vector<std::string> entities;  // empty: every entity of the pair
  std::string mode = "incremental";   // "incremental" | "full"
  std::string source_connection;  // empty: the tenant's only enabled source of that kind
  std::string target_connection;  // empty: likewise for the target
  bool enabled = true;
  int64_t next_due_at_ms = 0;     // 0: not due ever (disabled)
  int64_t last_fired_at_ms = 0;   // 0: never fired
  std::string last_run_id;        // what the last firing started ('' if none)
  std::string last_error;         // why the last firing failed ('' if it did not)
  std::string created_by;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

class ScheduleStore {
 public:
  virtual ~ScheduleStore() = default;

  // Inserts a new schedule; Conflict when (tenant_id, id) exists. tenant_id,
  // id, cron and timezone are required (Validation).
  virtual Status CreateSchedule(const Schedule& s) = 0;
  // Replaces the definition and both times of an existing schedule (the
  // firing outcome fields last_run_id / last_error are kept); created_*
  // are kept. NotFound when it does not exist.
  virtual Status UpdateSchedule(const Schedule& s) = 0;
  virtual Result<std::optional<Schedule>> GetSchedule(const std::string& tenant, const std::string& id) = 0;
  // The tenant's schedules by id (bytes order).
  virtual Result<std::vector<Schedule>> ListSchedules(const std::string& tenant) = 0;
  // NotFound when it does not exist.
  virtual Status DeleteSchedule(const std::string& tenant, const std::string& id) = 0;

  // Enabled schedules of every tenant with 0 < next_due_at_ms <= now_ms,
  // earliest due first, at most `limit` (> 0).
  virtual Result<std::vector<Schedule>> ListDueSchedules(int64_t now_ms, int limit) = 0;
  // Claims the slot `due_at_ms` of a schedule: when it is enabled and its
  // next_due_at_ms is still `due_at_ms`, sets next_due_at_ms = next_due_ms
  // and last_fired_at_ms = fired_at_ms in one conditional update and returns
  // the updated schedule; returns nullopt when someone else claimed it (or
  // it changed, was disabled or deleted) meanwhile.
  virtual Result<std::optional<Schedule>> ClaimSchedule(const std::string& tenant, const std::string& id,
                                                        int64_t due_at_ms, int64_t next_due_ms,
                                                        int64_t fired_at_ms) = 0;
  // Records what a claimed firing did (run id or error). When `retry_at_ms`
  // > 0 and next_due_at_ms is still `claimed_next_ms`, also moves
  // next_due_at_ms to retry_at_ms (a transient failure is tried again
  // sooner). NotFound when the schedule is gone.
  virtual Status FinishScheduleFiring(const std::string& tenant, const std::string& id, const std::string& run_id,
                                      const std::string& error, int64_t claimed_next_ms, int64_t retry_at_ms) = 0;
};

}  // namespace es::store
