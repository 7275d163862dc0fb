// SqlStore: the webhook receiver's records (migration 0004_webhooks): the
// durable delivery queue and the per-tenant switch. Every method that adds,
// moves or deletes a delivery moves the per-status counters of migration
// 0013 in the same transaction (sql_store_safety.cpp).
#include <algorithm>
#include <utility>

#include "store/sql/queries.h"
#include "store/sql/queries_safety.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_util.h"
#include "store/sql/webhook_counts.h"
#include "store/webhook_rules.h"

namespace es::store::sql {
namespace {

Result<WebhookDelivery> DeliveryFromRow(const Rows& q, int row) {
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

}  // namespace

Result<bool> SqlStore::EnqueueWebhook(const WebhookDelivery& d) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", d.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("webhook connection_id", d.connection_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("webhook delivery_id", d.delivery_id));
  Params p;
  p.Text(d.tenant_id).Text(d.connection_id).Text(d.source).Text(d.delivery_id).Text(d.topic).Text(d.entity);
  p.Text(d.record_id).Text(DumpJson(d.detail.is_null() ? Json::object() : d.detail));
  p.Int(d.received_at_ms).Int(d.next_attempt_at_ms);
  // A transaction: a repeat after a lost COMMIT would report our own insert
  // as a replay; the counter moves with the row.
  bool inserted = false;
  ES_RETURN_IF_ERROR(exec().Run(Call::kTransaction, "enqueue webhook", [&](Session& s) -> Status {
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(q::kEnqueueWebhook, p));
    inserted = r.affected() == 1;
    if (!inserted) return Status::Ok();
    return ApplyWebhookCountDeltas(s, {{{d.tenant_id, "queued"}, 1}});
  }));
  return inserted;
}

Result<std::vector<WebhookDelivery>> SqlStore::ClaimWebhooks(int64_t now_ms, int64_t lease_ms, int limit) {
  if (limit <= 0) return Status::Validation("webhook claim limit must be positive");
  if (lease_ms <= 0) return Status::Validation("webhook lease_ms must be positive");
  const int64_t lease_until = WebhookLeaseUntil(now_ms, lease_ms);
  std::vector<WebhookDelivery> out;
  // A transaction: a repeat after a lost COMMIT would claim (and count an
  // attempt on) rows a second time. The candidates are locked first
  // (PostgreSQL; SQLite holds the write lock), so their statuses are known
  // when the counters move.
  ES_RETURN_IF_ERROR(exec().Run(Call::kTransaction, "claim webhooks", [&](Session& s) -> Status {
    out.clear();
    ES_ASSIGN_OR_RETURN(Rows c, s.Exec(q::kClaimableWebhooks, Params().Int(now_ms).Int(limit)));
    if (c.empty()) return Status::Ok();
    WebhookCountDeltas deltas;
    std::string seqs;
    for (int row = 0; row < c.size(); ++row) {
      if (!seqs.empty()) seqs += ", ";
      seqs += std::to_string(c.Int(row, 0));
      if (c.Text(row, 2) != "processing") {
        deltas[{c.Text(row, 1), c.Text(row, 2)}] -= 1;
        deltas[{c.Text(row, 1), "processing"}] += 1;
      }
    }
    ES_ASSIGN_OR_RETURN(Rows r, s.ExecOnce(ClaimWebhooksSql(seqs), Params().Int(lease_until)));
    ES_RETURN_IF_ERROR(AllRows(r, DeliveryFromRow, out));
    if (static_cast<int>(out.size()) != c.size())
      return Status::Internal("claim webhooks: locked candidates changed before they were claimed");
    return ApplyWebhookCountDeltas(s, deltas);
  }));
  // RETURNING yields rows in no particular order.
  std::sort(out.begin(), out.end(), [](const WebhookDelivery& a, const WebhookDelivery& b) { return a.seq < b.seq; });
  return out;
}

Status SqlStore::FinishWebhook(int64_t seq, const std::string& status, const std::string& run_id,
                               const std::string& error, int64_t now_ms) {
  ES_RETURN_IF_ERROR(CheckWebhookFinalStatus(status));
  return MoveWebhook(seq, status, "finish webhook", [&](const std::string& from) {
    return std::make_pair(q::kFinishWebhookFrom, Params().Int(seq).Text(status).Text(run_id).Text(error).Int(now_ms).Text(from));
  });
}

Status SqlStore::RequeueWebhook(int64_t seq, int64_t next_attempt_at_ms, const std::string& error) {
  return MoveWebhook(seq, "queued", "requeue webhook", [&](const std::string& from) {
    return std::make_pair(q::kRequeueWebhookFrom, Params().Int(seq).Int(next_attempt_at_ms).Text(error).Text(from));
  });
}

Result<std::vector<WebhookDelivery>> SqlStore::ListWebhooks(const WebhookFilter& f) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", f.tenant_id));
  Params p;
  p.Text(f.tenant_id).Text(f.status).Text(f.connection_id).Limit(f.limit);
  return ReadAll<WebhookDelivery>(exec(), "list webhooks", q::kListWebhooks, p, DeliveryFromRow);
}

Result<std::map<std::string, int64_t>> SqlStore::CountWebhooks(const std::string& tenant) {
  std::map<std::string, int64_t> out;
  ES_RETURN_IF_ERROR(exec().Run(Call::kRead, "count webhooks", [&](Session& s) -> Status {
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(q::kReadWebhookCounts, Params().Text(tenant)));
    out.clear();
    for (const char* status : kWebhookStatuses) out[status] = 0;
    for (int row = 0; row < r.size(); ++row) out[r.Text(row, 0)] = r.Int(row, 1);
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::SetWebhooksEnabled(const std::string& tenant, bool enabled, int64_t now_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return Write(exec(), Call::kIdempotent, "set webhooks enabled", q::kSetWebhooksEnabled,
               Params().Text(tenant).Bool(enabled).Int(now_ms))
      .status();
}

Result<bool> SqlStore::WebhooksEnabled(const std::string& tenant) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_ASSIGN_OR_RETURN(auto enabled,
                      ReadOne<bool>(exec(), "get webhooks enabled", q::kGetWebhooksEnabled, Params().Text(tenant),
                                    [](const Rows& r, int row) -> Result<bool> { return r.Bool(row, 0); }));
  return enabled.value_or(true);
}

}  // namespace es::store::sql
