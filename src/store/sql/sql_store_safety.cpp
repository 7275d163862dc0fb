// SqlStore: the safety nets' records (migration 0013_safety_nets): the
// per-status counters of the webhook delivery queue and its retention purge.
#include <optional>
#include <string>

#include "store/sql/queries_safety.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_util.h"
#include "store/sql/webhook_counts.h"

namespace es::store::sql {

Status ApplyWebhookCountDeltas(Session& s, const WebhookCountDeltas& deltas) {
  for (const auto& [key, n] : deltas) {
    if (n == 0) continue;
    ES_RETURN_IF_ERROR(s.Exec(q::kBumpWebhookCount, Params().Text(key.first).Text(key.second).Int(n)).status());
  }
  return Status::Ok();
}

std::string ClaimWebhooksSql(const std::string& seqs) {
  return std::string(q::kClaimWebhooksHead) + seqs + q::kClaimWebhooksTail;
}

Status SqlStore::MoveWebhook(int64_t seq, const std::string& to, std::string_view what, const MoveStatement& stmt) {
  return exec().Run(Call::kTransaction, what, [&](Session& s) -> Status {
    // PostgreSQL (read committed): when another transaction moved the row
    // between the read and the conditional update, the update changes
    // nothing and the row is read again.
    for (int attempt = 0; attempt < 5; ++attempt) {
      ES_ASSIGN_OR_RETURN(Rows cur, s.Exec(q::kWebhookState, Params().Int(seq)));
      if (cur.empty()) return Status::NotFound("webhook delivery " + std::to_string(seq) + " not found");
      const std::string tenant = cur.Text(0, 0);
      const std::string from = cur.Text(0, 1);
      auto [sql, params] = stmt(from);
      ES_ASSIGN_OR_RETURN(Rows r, s.Exec(sql, params));
      if (r.affected() == 0) continue;
      if (from == to) return Status::Ok();
      return ApplyWebhookCountDeltas(s, {{{tenant, from}, -1}, {{tenant, to}, 1}});
    }
    return Status::Network("webhook delivery " + std::to_string(seq) + " kept changing; try again");
  });
}

Result<int64_t> SqlStore::PurgeWebhooks(int64_t finished_before_ms, int limit) {
  if (limit <= 0) return Status::Validation("webhook purge limit must be positive");
  int64_t deleted = 0;
  ES_RETURN_IF_ERROR(exec().Run(Call::kTransaction, "purge webhooks", [&](Session& s) -> Status {
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(q::kPurgeWebhooks, Params().Int(finished_before_ms).Int(limit)));
    deleted = r.size();
    WebhookCountDeltas deltas;
    for (int row = 0; row < r.size(); ++row) deltas[{r.Text(row, 0), r.Text(row, 1)}] -= 1;
    return ApplyWebhookCountDeltas(s, deltas);
  }));
  return deleted;
}

Status SqlStore::PutDocumentHash(const DocumentHash& h) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", h.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("document connection_id", h.connection_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("document doc_type", h.doc_type));
  ES_RETURN_IF_ERROR(RequireNonEmpty("document doc_id", h.doc_id));
  Params p;
  p.Text(h.tenant_id).Text(h.connection_id).Text(h.doc_type).Text(h.doc_id).Text(h.sync_token).Text(h.content_hash);
  p.Int(h.seen_at_ms);
  return Write(exec(), Call::kIdempotent, "put document hash", q::kPutDocumentHash, p).status();
}

Result<std::optional<DocumentHash>> SqlStore::GetDocumentHash(const std::string& tenant, const std::string& connection,
                                                             const std::string& doc_type, const std::string& doc_id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return ReadOne<DocumentHash>(exec(), "get document hash", q::kGetDocumentHash,
                               Params().Text(tenant).Text(connection).Text(doc_type).Text(doc_id),
                               [](const Rows& r, int row) -> Result<DocumentHash> {
                                 DocumentHash h;
                                 h.tenant_id = r.Text(row, 0);
                                 h.connection_id = r.Text(row, 1);
                                 h.doc_type = r.Text(row, 2);
                                 h.doc_id = r.Text(row, 3);
                                 h.sync_token = r.Text(row, 4);
                                 h.content_hash = r.Text(row, 5);
                                 h.seen_at_ms = r.Int(row, 6);
                                 return h;
                               });
}

}  // namespace es::store::sql
