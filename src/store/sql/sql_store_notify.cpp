// SqlStore: notification settings, rate-limit state and the sent log
// (migration 0008_notifications).
#include <utility>

#include "store/sql/queries_notify.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_util.h"

namespace es::store::sql {
namespace {

Result<NotificationSettings> SettingsFromRow(const Rows& q, int row) {
  NotificationSettings s;
  s.tenant_id = q.Text(row, 0);
  ES_ASSIGN_OR_RETURN(s.config, ParseJsonColumn(q.Text(row, 1), "notification_settings.config"));
  s.secrets = q.Text(row, 2);
  s.updated_at_ms = q.Int(row, 3);
  return s;
}

Result<NotificationLogEntry> LogFromRow(const Rows& q, int row) {
  NotificationLogEntry e;
  e.seq = q.Int(row, 0);
  e.tenant_id = q.Text(row, 1);
  e.kind = q.Text(row, 2);
  e.subject = q.Text(row, 3);
  e.suppressed = q.Int(row, 4);
  e.webhook = q.Text(row, 5);
  e.email = q.Text(row, 6);
  e.sent_at_ms = q.Int(row, 7);
  return e;
}

}  // namespace

Status SqlStore::PutNotificationSettings(const NotificationSettings& s) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", s.tenant_id));
  if (!s.config.is_object()) return Status::Validation("notification settings config must be a JSON object");
  Params p;
  p.Text(s.tenant_id).Text(DumpJson(s.config)).Text(s.secrets).Int(s.updated_at_ms);
  return Write(exec(), Call::kIdempotent, "put notification settings", q::kPutNotificationSettings, p).status();
}

Result<std::optional<NotificationSettings>> SqlStore::GetNotificationSettings(const std::string& tenant) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return ReadOne<NotificationSettings>(exec(), "get notification settings", q::kGetNotificationSettings,
                                       Params().Text(tenant), SettingsFromRow);
}

Result<NotificationSlot> SqlStore::ReserveNotification(const std::string& tenant, const std::string& kind,
                                                       int64_t now_ms, int64_t window_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("notification kind", kind));
  if (window_ms < 0) return Status::Validation("notification window_ms must not be negative");
  NotificationSlot slot;
  // A transaction: repeating the upsert after a lost COMMIT would count the
  // event twice (or turn its send into a suppression).
  ES_RETURN_IF_ERROR(exec().Run(Call::kTransaction, "reserve notification", [&](Session& s) -> Status {
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(q::kReserveNotification,
                                       Params().Text(tenant).Text(kind).Int(now_ms).Int(window_ms)));
    if (r.empty()) return Status::Internal("reserve notification returned no row");
    slot.last_sent_at_ms = r.Int(0, 0);
    const int64_t suppressed = r.Int(0, 1);
    slot.send = slot.last_sent_at_ms == now_ms && suppressed == 0;
    slot.suppressed = slot.send ? r.Int(0, 2) : suppressed;
    return Status::Ok();
  }));
  return slot;
}

Status SqlStore::AddNotificationLog(const NotificationLogEntry& e) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", e.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("notification kind", e.kind));
  Params p;
  p.Text(e.tenant_id).Text(e.kind).Text(e.subject).Int(e.suppressed).Text(e.webhook).Text(e.email).Int(e.sent_at_ms);
  return Write(exec(), Call::kTransaction, "add notification log", q::kAddNotificationLog, p).status();
}

Result<std::vector<NotificationLogEntry>> SqlStore::ListNotificationLog(const std::string& tenant, int limit) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return ReadAll<NotificationLogEntry>(exec(), "list notification log", q::kListNotificationLog,
                                       Params().Text(tenant).Limit(limit), LogFromRow);
}

}  // namespace es::store::sql
