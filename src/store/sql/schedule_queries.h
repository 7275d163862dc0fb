// The schedule statements of the state store (migration 0006_schedules), in
// neutral SQL (store/sql/dialect.h). Same conventions as queries.h.
#pragma once

namespace es::store::sql::q {

#define ES_SCHEDULE_COLUMNS                                                                                   \
  "tenant_id, id, name, cron, timezone, entities, mode, source_connection, target_connection, enabled, "      \
  "next_due_at_ms, last_fired_at_ms, last_run_id, last_error, created_by, created_at_ms, updated_at_ms"
// A duplicate (tenant_id, id) is a unique violation (Conflict).
inline constexpr char kCreateSchedule[] =
    "INSERT INTO schedules (" ES_SCHEDULE_COLUMNS ") "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', '', $13, $14, $15)";
inline constexpr char kUpdateSchedule[] =
    "UPDATE schedules SET name = $3, cron = $4, timezone = $5, entities = $6, mode = $7, source_connection = $8, "
    "target_connection = $9, enabled = $10, next_due_at_ms = $11, last_fired_at_ms = $12, updated_at_ms = $13 "
    "WHERE tenant_id = $1 AND id = $2";
inline constexpr char kGetSchedule[] =
    "SELECT " ES_SCHEDULE_COLUMNS " FROM schedules WHERE tenant_id = $1 AND id = $2";
inline constexpr char kListSchedules[] =
    "SELECT " ES_SCHEDULE_COLUMNS " FROM schedules WHERE tenant_id = $1 ORDER BY id {C}";
inline constexpr char kDeleteSchedule[] = "DELETE FROM schedules WHERE tenant_id = $1 AND id = $2";
inline constexpr char kListDueSchedules[] =
    "SELECT " ES_SCHEDULE_COLUMNS " FROM schedules WHERE enabled = $1 AND next_due_at_ms > 0 "
    "AND next_due_at_ms <= $2 ORDER BY next_due_at_ms, tenant_id {C}, id {C} LIMIT $3";
// The conditional update that makes a due slot fire once: only the caller
// that still sees next_due_at_ms = $3 moves it (PostgreSQL re-checks the
// WHERE on the row a concurrent claimer committed; SQLite serialises writers).
inline constexpr char kClaimSchedule[] =
    "UPDATE schedules SET next_due_at_ms = $4, last_fired_at_ms = $5 "
    "WHERE tenant_id = $1 AND id = $2 AND next_due_at_ms = $3 AND enabled = $6 RETURNING " ES_SCHEDULE_COLUMNS;
#undef ES_SCHEDULE_COLUMNS
inline constexpr char kFinishScheduleFiring[] =
    "UPDATE schedules SET last_run_id = $3, last_error = $4 WHERE tenant_id = $1 AND id = $2";
inline constexpr char kRetryScheduleFiring[] =
    "UPDATE schedules SET next_due_at_ms = $4 WHERE tenant_id = $1 AND id = $2 AND next_due_at_ms = $3";

}  // namespace es::store::sql::q
