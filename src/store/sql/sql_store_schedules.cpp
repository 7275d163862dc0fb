// SqlStore: cron schedules (migration 0006_schedules; store/schedule_store.h).
#include <utility>

#include "common/json.h"
#include "store/sql/schedule_queries.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_util.h"

namespace es::store::sql {
namespace {

Result<Schedule> ScheduleFromRow(const Rows& q, int row) {
  Schedule s;
  s.tenant_id = q.Text(row, 0);
  s.id = q.Text(row, 1);
  s.name = q.Text(row, 2);
  s.cron = q.Text(row, 3);
  s.timezone = q.Text(row, 4);
  ES_ASSIGN_OR_RETURN(Json entities, ParseJsonColumn(q.Text(row, 5), "schedules.entities"));
  if (!entities.is_array()) return Status::Internal("stored schedules.entities is not a JSON array");
  for (const Json& e : entities) {
    if (!e.is_string()) return Status::Internal("stored schedules.entities holds a non-string");
    s.entities.push_back(e.get<std::string>());
  }
  s.mode = q.Text(row, 6);
  s.source_connection = q.Text(row, 7);
  s.target_connection = q.Text(row, 8);
  s.enabled = q.Bool(row, 9);
  s.next_due_at_ms = q.Int(row, 10);
  s.last_fired_at_ms = q.Int(row, 11);
  s.last_run_id = q.Text(row, 12);
  s.last_error = q.Text(row, 13);
  s.created_by = q.Text(row, 14);
  s.created_at_ms = q.Int(row, 15);
  s.updated_at_ms = q.Int(row, 16);
  return s;
}

Status RequireSchedule(const Schedule& s) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", s.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("schedule id", s.id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("schedule cron", s.cron));
  return RequireNonEmpty("schedule timezone", s.timezone);
}

std::string EntitiesText(const std::vector<std::string>& entities) {
  Json a = Json::array();
  for (const std::string& e : entities) a.push_back(e);
  return DumpJson(a);
}

}  // namespace

Status SqlStore::CreateSchedule(const Schedule& s) {
  ES_RETURN_IF_ERROR(RequireSchedule(s));
  Params p;
  p.Text(s.tenant_id).Text(s.id).Text(s.name).Text(s.cron).Text(s.timezone).Text(EntitiesText(s.entities));
  p.Text(s.mode).Text(s.source_connection).Text(s.target_connection).Bool(s.enabled).Int(s.next_due_at_ms);
  p.Int(s.last_fired_at_ms).Text(s.created_by).Int(s.created_at_ms).Int(s.updated_at_ms);
  Result<int64_t> n = Write(exec(), Call::kTransaction, "create schedule", q::kCreateSchedule, p);
  if (!n.ok() && n.status().IsConflict()) {
    return Status::Conflict("schedule '" + s.id + "' already exists");
  }
  return n.status();
}

Status SqlStore::UpdateSchedule(const Schedule& s) {
  ES_RETURN_IF_ERROR(RequireSchedule(s));
  Params p;
  p.Text(s.tenant_id).Text(s.id).Text(s.name).Text(s.cron).Text(s.timezone).Text(EntitiesText(s.entities));
  p.Text(s.mode).Text(s.source_connection).Text(s.target_connection).Bool(s.enabled).Int(s.next_due_at_ms);
  p.Int(s.last_fired_at_ms).Int(s.updated_at_ms);
  ES_ASSIGN_OR_RETURN(int64_t n, Write(exec(), Call::kIdempotent, "update schedule", q::kUpdateSchedule, p));
  if (n == 0) return Status::NotFound("schedule '" + s.id + "' not found");
  return Status::Ok();
}

Result<std::optional<Schedule>> SqlStore::GetSchedule(const std::string& tenant, const std::string& id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("schedule id", id));
  return ReadOne<Schedule>(exec(), "get schedule", q::kGetSchedule, Params().Text(tenant).Text(id), ScheduleFromRow);
}

Result<std::vector<Schedule>> SqlStore::ListSchedules(const std::string& tenant) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return ReadAll<Schedule>(exec(), "list schedules", q::kListSchedules, Params().Text(tenant), ScheduleFromRow);
}

Status SqlStore::DeleteSchedule(const std::string& tenant, const std::string& id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("schedule id", id));
  ES_ASSIGN_OR_RETURN(int64_t n, Write(exec(), Call::kIdempotent, "delete schedule", q::kDeleteSchedule,
                                       Params().Text(tenant).Text(id)));
  if (n == 0) return Status::NotFound("schedule '" + id + "' not found");
  return Status::Ok();
}

Result<std::vector<Schedule>> SqlStore::ListDueSchedules(int64_t now_ms, int limit) {
  if (limit <= 0) return Status::Validation("due schedule limit must be positive");
  return ReadAll<Schedule>(exec(), "list due schedules", q::kListDueSchedules,
                           Params().Bool(true).Int(now_ms).Limit(limit), ScheduleFromRow);
}

Result<std::optional<Schedule>> SqlStore::ClaimSchedule(const std::string& tenant, const std::string& id,
                                                        int64_t due_at_ms, int64_t next_due_ms,
                                                        int64_t fired_at_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("schedule id", id));
  if (due_at_ms <= 0) return Status::Validation("claimed due time must be positive");
  Params p;
  p.Text(tenant).Text(id).Int(due_at_ms).Int(next_due_ms).Int(fired_at_ms).Bool(true);
  std::optional<Schedule> out;
  // A transaction: a repeat after a lost COMMIT must not report our own
  // claim as someone else's.
  ES_RETURN_IF_ERROR(exec().Run(Call::kTransaction, "claim schedule", [&](Session& s) -> Status {
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(q::kClaimSchedule, p));
    out.reset();
    if (r.empty()) return Status::Ok();
    ES_ASSIGN_OR_RETURN(Schedule claimed, ScheduleFromRow(r, 0));
    out = std::move(claimed);
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::FinishScheduleFiring(const std::string& tenant, const std::string& id, const std::string& run_id,
                                      const std::string& error, int64_t claimed_next_ms, int64_t retry_at_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("schedule id", id));
  int64_t found = 0;
  ES_RETURN_IF_ERROR(exec().Run(Call::kTransaction, "finish schedule firing", [&](Session& s) -> Status {
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(q::kFinishScheduleFiring, Params().Text(tenant).Text(id).Text(run_id).Text(error)));
    found = r.affected();
    if (found == 0 || retry_at_ms <= 0) return Status::Ok();
    return s.Exec(q::kRetryScheduleFiring, Params().Text(tenant).Text(id).Int(claimed_next_ms).Int(retry_at_ms))
        .status();
  }));
  if (found == 0) return Status::NotFound("schedule '" + id + "' not found");
  return Status::Ok();
}

}  // namespace es::store::sql
