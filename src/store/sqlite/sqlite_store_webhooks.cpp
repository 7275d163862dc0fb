// SqliteStore: the webhook receiver's records (migration 0004_webhooks): the
// durable delivery queue and the per-tenant switch. See store.h (webhooks
// block) and sqlite_store.h for the contract.
#include <sqlite3.h>

#include <algorithm>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_util.h"
#include "store/webhook_rules.h"

namespace es::store::sqlite {
namespace {

#define ES_DELIVERY_COLUMNS                                                                                \
  "seq, tenant_id, connection_id, source, delivery_id, topic, entity, record_id, detail, status, attempts, " \
  "received_at_ms, next_attempt_at_ms, lease_until_ms, run_id, error, finished_at_ms"

// A replay hits UNIQUE (tenant_id, connection_id, delivery_id) and changes nothing.
constexpr const char kEnqueue[] =
    "INSERT INTO webhook_deliveries (tenant_id, connection_id, source, delivery_id, topic, entity, record_id, "
    "detail, status, attempts, received_at_ms, next_attempt_at_ms, lease_until_ms, run_id, error, finished_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', 0, ?9, ?10, 0, '', '', 0) "
    "ON CONFLICT (tenant_id, connection_id, delivery_id) DO NOTHING";
// Runs inside BEGIN IMMEDIATE: the write lock is held from the SELECT of the
// candidates to the UPDATE, so no other claimer can pick the same rows.
constexpr const char kClaim[] =
    "UPDATE webhook_deliveries SET status = 'processing', lease_until_ms = ?2, attempts = attempts + 1 "
    "WHERE seq IN (SELECT seq FROM webhook_deliveries "
    "WHERE (status = 'queued' AND next_attempt_at_ms <= ?1) OR (status = 'processing' AND lease_until_ms <= ?1) "
    "ORDER BY seq LIMIT ?3) RETURNING " ES_DELIVERY_COLUMNS;
constexpr const char kFinish[] =
    "UPDATE webhook_deliveries SET status = ?2, run_id = ?3, error = ?4, finished_at_ms = ?5, lease_until_ms = 0 "
    "WHERE seq = ?1";
constexpr const char kRequeue[] =
    "UPDATE webhook_deliveries SET status = 'queued', next_attempt_at_ms = ?2, error = ?3, lease_until_ms = 0 "
    "WHERE seq = ?1";
constexpr const char kList[] =
    "SELECT " ES_DELIVERY_COLUMNS " FROM webhook_deliveries WHERE tenant_id = ?1 "
    "AND (?2 = '' OR status = ?2) AND (?3 = '' OR connection_id = ?3) ORDER BY seq DESC LIMIT ?4";
constexpr const char kCount[] =
    "SELECT status, COUNT(*) FROM webhook_deliveries WHERE ?1 = '' OR tenant_id = ?1 GROUP BY status";
constexpr const char kSetEnabled[] =
    "INSERT INTO webhook_settings (tenant_id, enabled, updated_at_ms) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (tenant_id) DO UPDATE SET enabled = excluded.enabled, updated_at_ms = excluded.updated_at_ms";
constexpr const char kGetEnabled[] = "SELECT enabled FROM webhook_settings WHERE tenant_id = ?1";
#undef ES_DELIVERY_COLUMNS

Result<WebhookDelivery> DeliveryFromRow(const Query& q) {
  WebhookDelivery d;
  d.seq = q.ColInt(0);
  d.tenant_id = q.ColText(1);
  d.connection_id = q.ColText(2);
  d.source = q.ColText(3);
  d.delivery_id = q.ColText(4);
  d.topic = q.ColText(5);
  d.entity = q.ColText(6);
  d.record_id = q.ColText(7);
  ES_ASSIGN_OR_RETURN(d.detail, ParseJsonColumn(q.ColText(8), "webhook_deliveries.detail"));
  d.status = q.ColText(9);
  d.attempts = q.ColInt(10);
  d.received_at_ms = q.ColInt(11);
  d.next_attempt_at_ms = q.ColInt(12);
  d.lease_until_ms = q.ColInt(13);
  d.run_id = q.ColText(14);
  d.error = q.ColText(15);
  d.finished_at_ms = q.ColInt(16);
  return d;
}

}  // namespace

Result<bool> SqliteStore::EnqueueWebhook(const WebhookDelivery& d) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", d.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("webhook connection_id", d.connection_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("webhook delivery_id", d.delivery_id));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kEnqueue));
  Query q(st);
  q.Text(1, d.tenant_id).Text(2, d.connection_id).Text(3, d.source).Text(4, d.delivery_id).Text(5, d.topic);
  q.Text(6, d.entity).Text(7, d.record_id).Text(8, DumpJson(d.detail.is_null() ? Json::object() : d.detail));
  q.Int(9, d.received_at_ms).Int(10, d.next_attempt_at_ms);
  ES_RETURN_IF_ERROR(q.Run().WithContext("enqueue webhook"));
  return q.Changes() == 1;
}

Result<std::vector<WebhookDelivery>> SqliteStore::ClaimWebhooks(int64_t now_ms, int64_t lease_ms, int limit) {
  if (limit <= 0) return Status::Validation("webhook claim limit must be positive");
  if (lease_ms <= 0) return Status::Validation("webhook lease_ms must be positive");
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kClaim));
  Transaction txn(db_);
  ES_RETURN_IF_ERROR(txn.Begin().WithContext("claim webhooks"));
  std::vector<WebhookDelivery> out;
  {
    Query q(st);
    q.Int(1, now_ms).Int(2, WebhookLeaseUntil(now_ms, lease_ms)).Int(3, limit);
    while (true) {
      Result<bool> row = q.Step();
      if (!row.ok()) return row.status().WithContext("claim webhooks");
      if (!*row) break;
      ES_ASSIGN_OR_RETURN(WebhookDelivery d, DeliveryFromRow(q));
      out.push_back(std::move(d));
    }
  }
  ES_RETURN_IF_ERROR(txn.Commit().WithContext("claim webhooks"));
  // RETURNING yields rows in no particular order.
  std::sort(out.begin(), out.end(), [](const WebhookDelivery& a, const WebhookDelivery& b) { return a.seq < b.seq; });
  return out;
}

Status SqliteStore::FinishWebhook(int64_t seq, const std::string& status, const std::string& run_id,
                                  const std::string& error, int64_t now_ms) {
  ES_RETURN_IF_ERROR(CheckWebhookFinalStatus(status));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kFinish));
  Query q(st);
  q.Int(1, seq).Text(2, status).Text(3, run_id).Text(4, error).Int(5, now_ms);
  ES_RETURN_IF_ERROR(q.Run().WithContext("finish webhook"));
  if (q.Changes() == 0) return Status::NotFound("webhook delivery " + std::to_string(seq) + " not found");
  return Status::Ok();
}

Status SqliteStore::RequeueWebhook(int64_t seq, int64_t next_attempt_at_ms, const std::string& error) {
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kRequeue));
  Query q(st);
  q.Int(1, seq).Int(2, next_attempt_at_ms).Text(3, error);
  ES_RETURN_IF_ERROR(q.Run().WithContext("requeue webhook"));
  if (q.Changes() == 0) return Status::NotFound("webhook delivery " + std::to_string(seq) + " not found");
  return Status::Ok();
}

Result<std::vector<WebhookDelivery>> SqliteStore::ListWebhooks(const WebhookFilter& f) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", f.tenant_id));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kList));
  Query q(st);
  q.Text(1, f.tenant_id).Text(2, f.status).Text(3, f.connection_id).Int(4, SqlLimit(f.limit));
  std::vector<WebhookDelivery> out;
  while (true) {
    ES_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    ES_ASSIGN_OR_RETURN(WebhookDelivery d, DeliveryFromRow(q));
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::map<std::string, int64_t>> SqliteStore::CountWebhooks(const std::string& tenant) {
  std::map<std::string, int64_t> out;
  for (const char* s : kWebhookStatuses) out[s] = 0;
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kCount));
  Query q(st);
  q.Text(1, tenant);
  while (true) {
    ES_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out[q.ColText(0)] = q.ColInt(1);
  }
  return out;
}

Status SqliteStore::SetWebhooksEnabled(const std::string& tenant, bool enabled, int64_t now_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kSetEnabled));
  Query q(st);
  q.Text(1, tenant).Bool(2, enabled).Int(3, now_ms);
  return q.Run().WithContext("set webhooks enabled");
}

Result<bool> SqliteStore::WebhooksEnabled(const std::string& tenant) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kGetEnabled));
  Query q(st);
  q.Text(1, tenant);
  ES_ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? q.ColBool(0) : true;
}

}  // namespace es::store::sqlite
