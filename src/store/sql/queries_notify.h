// The state store's notification statements (migration 0008_notifications),
// in neutral SQL (store/sql/dialect.h); see queries.h for the conventions.
#pragma once

namespace es::store::sql::q {

inline constexpr char kPutNotificationSettings[] =
    "INSERT INTO notification_settings (tenant_id, config, secrets, updated_at_ms) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (tenant_id) DO UPDATE SET config = excluded.config, secrets = excluded.secrets, "
    "updated_at_ms = excluded.updated_at_ms";
inline constexpr char kGetNotificationSettings[] =
    "SELECT tenant_id, config, secrets, updated_at_ms FROM notification_settings WHERE tenant_id = $1";

// $1 tenant, $2 kind, $3 now, $4 window. SET expressions read the row as it
// was before the statement (both dialects), so one upsert decides: a send
// leaves last_sent_at_ms = $3 and suppressed = 0; a suppressed event leaves
// suppressed >= 1. The statement is atomic, so racers get one send.
inline constexpr char kReserveNotification[] =
    "INSERT INTO notification_state (tenant_id, kind, last_sent_at_ms, suppressed, sent_suppressed) "
    "VALUES ($1, $2, $3, 0, 0) ON CONFLICT (tenant_id, kind) DO UPDATE SET "
    "sent_suppressed = CASE WHEN notification_state.last_sent_at_ms <= $3 - $4 "
    "THEN notification_state.suppressed ELSE notification_state.sent_suppressed END, "
    "suppressed = CASE WHEN notification_state.last_sent_at_ms <= $3 - $4 "
    "THEN 0 ELSE notification_state.suppressed + 1 END, "
    "last_sent_at_ms = CASE WHEN notification_state.last_sent_at_ms <= $3 - $4 "
    "THEN $3 ELSE notification_state.last_sent_at_ms END "
    "RETURNING last_sent_at_ms, suppressed, sent_suppressed";

#define ES_NOTIFICATION_LOG_COLUMNS "seq, tenant_id, kind, subject, suppressed, webhook, email, sent_at_ms"
inline constexpr char kAddNotificationLog[] =
    "INSERT INTO notification_log (tenant_id, kind, subject, suppressed, webhook, email, sent_at_ms) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";
inline constexpr char kListNotificationLog[] =
    "SELECT " ES_NOTIFICATION_LOG_COLUMNS " FROM notification_log WHERE tenant_id = $1 ORDER BY seq DESC LIMIT $2";
#undef ES_NOTIFICATION_LOG_COLUMNS

}  // namespace es::store::sql::q
