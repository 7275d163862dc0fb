// PostgresStore: the webhook receiver's records (migration 0004_webhooks):
// the durable delivery queue and the per-tenant switch. See store.h (webhooks
// block) and postgres_store.h for the contract.
#include <algorithm>
#include <utility>

#include "store/postgres/postgres_store.h"
#include "store/postgres/postgres_store_util.h"
#include "store/webhook_rules.h"

namespace es::store::postgres {
namespace {

#define ES_DELIVERY_COLUMNS                                                                                \
  "seq, tenant_id, connection_id, source, delivery_id, topic, entity, record_id, detail, status, attempts, " \
  "received_at_ms, next_attempt_at_ms, lease_until_ms, run_id, error, finished_at_ms"

// A replay hits UNIQUE (tenant_id, connection_id, delivery_id): no row is
// inserted and the affected count is 0.
constexpr const char kEnqueue[] =
    "INSERT INTO webhook_deliveries (tenant_id, connection_id, source, delivery_id, topic, entity, record_id, "
    "detail, status, attempts, received_at_ms, next_attempt_at_ms, lease_until_ms, run_id, error, finished_at_ms) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $9, $10, 0, '', '', 0) "
    "ON CONFLICT (tenant_id, connection_id, delivery_id) DO NOTHING";
// The candidates are locked by the subquery; rows another claimer holds are
// skipped, and a row claimed and committed meanwhile is re-checked against
// the WHERE (READ COMMITTED) and dropped, so no two claimers share a row.
constexpr const char kClaim[] =
    "UPDATE webhook_deliveries SET status = 'processing', lease_until_ms = $2, attempts = attempts + 1 "
    "WHERE seq IN (SELECT seq FROM webhook_deliveries "
    "WHERE (status = 'queued' AND next_attempt_at_ms <= $1) OR (status = 'processing' AND lease_until_ms <= $1) "
    "ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING " ES_DELIVERY_COLUMNS;
constexpr const char kFinish[] =
    "UPDATE webhook_deliveries SET status = $2, run_id = $3, error = $4, finished_at_ms = $5, lease_until_ms = 0 "
    "WHERE seq = $1";
constexpr const char kRequeue[] =
    "UPDATE webhook_deliveries SET status = 'queued', next_attempt_at_ms = $2, error = $3, lease_until_ms = 0 "
    "WHERE seq = $1";
constexpr const char kList[] =
    "SELECT " ES_DELIVERY_COLUMNS " FROM webhook_deliveries WHERE tenant_id = $1 "
    "AND ($2 = '' OR status = $2) AND ($3 = '' OR connection_id = $3) ORDER BY seq DESC LIMIT $4";
constexpr const char kCount[] =
    "SELECT status, COUNT(*) FROM webhook_deliveries WHERE $1 = '' OR tenant_id = $1 GROUP BY status";
constexpr const char kSetEnabled[] =
    "INSERT INTO webhook_settings (tenant_id, enabled, updated_at_ms) VALUES ($1, $2, $3) "
    "ON CONFLICT (tenant_id) DO UPDATE SET enabled = excluded.enabled, updated_at_ms = excluded.updated_at_ms";
constexpr const char kGetEnabled[] = "SELECT enabled FROM webhook_settings WHERE tenant_id = $1";
#undef ES_DELIVERY_COLUMNS

Result<WebhookDelivery> DeliveryFromRow(const PgResult& q, int row) {
  WebhookDelivery d;
  d.seq = q.Int(row, 0);
  d.tenant_id = q.Text(row, 1);
  d.connection_id = q.Text(row, 2);
  d.source = q.Text(row, 3);
  d.delivery_id = q.Text(row, 4);
  d.topic = q.Text(row, 5);
  d.entity = q.Text(row, 6);
  d.record_id = q.Text(row, 7);
  ES_ASSIGN_OR_RETURN(d.detail, ParseJsonColumn(q.Text(row, 8), "webhook_deliveries.detail"));
  d.status = q.Text(row, 9);
  d.attempts = q.Int(row, 10);
  d.received_at_ms = q.Int(row, 11);
  d.next_attempt_at_ms = q.Int(row, 12);
  d.lease_until_ms = q.Int(row, 13);
  d.run_id = q.Text(row, 14);
  d.error = q.Text(row, 15);
  d.finished_at_ms = q.Int(row, 16);
  return d;
}

Status DeliveriesFromResult(const PgResult& q, std::vector<WebhookDelivery>& out) {
  out.clear();
  out.reserve(q.rows());
  for (int row = 0; row < q.rows(); ++row) {
    ES_ASSIGN_OR_RETURN(WebhookDelivery d, DeliveryFromRow(q, row));
    out.push_back(std::move(d));
  }
  return Status::Ok();
}

}  // namespace

Result<bool> PostgresStore::EnqueueWebhook(const WebhookDelivery& d) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", d.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("webhook connection_id", d.connection_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("webhook delivery_id", d.delivery_id));
  Params p;
  p.Text(d.tenant_id).Text(d.connection_id).Text(d.source).Text(d.delivery_id).Text(d.topic).Text(d.entity);
  p.Text(d.record_id).Text(DumpJson(d.detail.is_null() ? Json::object() : d.detail));
  p.Int(d.received_at_ms).Int(d.next_attempt_at_ms);
  bool inserted = false;
  // A transaction: a repeat after a lost COMMIT would report our own insert
  // as a replay.
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kTransaction, "enqueue webhook", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kEnqueue, p));
    inserted = r.affected() == 1;
    return Status::Ok();
  }));
  return inserted;
}

Result<std::vector<WebhookDelivery>> PostgresStore::ClaimWebhooks(int64_t now_ms, int64_t lease_ms, int limit) {
  if (limit <= 0) return Status::Validation("webhook claim limit must be positive");
  if (lease_ms <= 0) return Status::Validation("webhook lease_ms must be positive");
  Params p;
  p.Int(now_ms).Int(WebhookLeaseUntil(now_ms, lease_ms)).Int(limit);
  std::vector<WebhookDelivery> out;
  // A transaction: a repeat after a lost COMMIT would claim (and count an
  // attempt on) rows a second time.
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kTransaction, "claim webhooks", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult q, s.Exec(kClaim, p));
    return DeliveriesFromResult(q, out);
  }));
  // RETURNING yields rows in no particular order.
  std::sort(out.begin(), out.end(), [](const WebhookDelivery& a, const WebhookDelivery& b) { return a.seq < b.seq; });
  return out;
}

Status PostgresStore::FinishWebhook(int64_t seq, const std::string& status, const std::string& run_id,
                                    const std::string& error, int64_t now_ms) {
  ES_RETURN_IF_ERROR(CheckWebhookFinalStatus(status));
  Params p;
  p.Int(seq).Text(status).Text(run_id).Text(error).Int(now_ms);
  return pool_->Run(CallKind::kIdempotent, "finish webhook", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kFinish, p));
    if (r.affected() == 0) return Status::NotFound("webhook delivery " + std::to_string(seq) + " not found");
    return Status::Ok();
  });
}

Status PostgresStore::RequeueWebhook(int64_t seq, int64_t next_attempt_at_ms, const std::string& error) {
  Params p;
  p.Int(seq).Int(next_attempt_at_ms).Text(error);
  return pool_->Run(CallKind::kIdempotent, "requeue webhook", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kRequeue, p));
    if (r.affected() == 0) return Status::NotFound("webhook delivery " + std::to_string(seq) + " not found");
    return Status::Ok();
  });
}

Result<std::vector<WebhookDelivery>> PostgresStore::ListWebhooks(const WebhookFilter& f) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", f.tenant_id));
  Params p;
  p.Text(f.tenant_id).Text(f.status).Text(f.connection_id).Limit(f.limit);
  std::vector<WebhookDelivery> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "list webhooks", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult q, s.Exec(kList, p));
    return DeliveriesFromResult(q, out);
  }));
  return out;
}

Result<std::map<std::string, int64_t>> PostgresStore::CountWebhooks(const std::string& tenant) {
  std::map<std::string, int64_t> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "count webhooks", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult q, s.Exec(kCount, Params().Text(tenant)));
    out.clear();
    for (const char* status : kWebhookStatuses) out[status] = 0;
    for (int row = 0; row < q.rows(); ++row) out[q.Text(row, 0)] = q.Int(row, 1);
    return Status::Ok();
  }));
  return out;
}

Status PostgresStore::SetWebhooksEnabled(const std::string& tenant, bool enabled, int64_t now_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  Params p;
  p.Text(tenant).Bool(enabled).Int(now_ms);
  return pool_->Run(CallKind::kIdempotent, "set webhooks enabled",
                    [&](PgSession& s) { return s.Exec(kSetEnabled, p).status(); });
}

Result<bool> PostgresStore::WebhooksEnabled(const std::string& tenant) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  bool enabled = true;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "get webhooks enabled", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult q, s.Exec(kGetEnabled, Params().Text(tenant)));
    enabled = q.rows() == 0 || q.Bool(0, 0);
    return Status::Ok();
  }));
  return enabled;
}

}  // namespace es::store::postgres
