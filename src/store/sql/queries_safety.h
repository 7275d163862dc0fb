// SQL of the safety nets (migration 0013_safety_nets): the per-status
// counters of the webhook delivery queue and the retention purge. Neutral
// SQL (store/sql/dialect.h).
#pragma once

namespace es::store::sql::q {

// Adds $3 (may be negative) to the counter of (tenant $1, status $2).
inline constexpr char kBumpWebhookCount[] =
    "INSERT INTO webhook_delivery_counts (tenant_id, status, n) VALUES ($1, $2, $3) "
    "ON CONFLICT (tenant_id, status) DO UPDATE SET n = webhook_delivery_counts.n + excluded.n";
inline constexpr char kReadWebhookCounts[] =
    "SELECT status, CAST(SUM(n) AS BIGINT) FROM webhook_delivery_counts WHERE $1 = '' OR tenant_id = $1 GROUP BY status";
// The state of one delivery before it is moved (Finish/Requeue).
inline constexpr char kWebhookState[] = "SELECT tenant_id, status FROM webhook_deliveries WHERE seq = $1";
// Claimable candidates, locked (PostgreSQL) or under the write lock (SQLite).
inline constexpr char kClaimableWebhooks[] =
    "SELECT seq, tenant_id, status FROM webhook_deliveries "
    "WHERE (status = 'queued' AND next_attempt_at_ms <= $1) OR (status = 'processing' AND lease_until_ms <= $1) "
    "ORDER BY seq LIMIT $2 {SKIP_LOCKED}";
// The conditional moves: they change the row only while it still has the
// status read before ($6 / $4), so the counters move with it exactly once.
inline constexpr char kFinishWebhookFrom[] =
    "UPDATE webhook_deliveries SET status = $2, run_id = $3, error = $4, finished_at_ms = $5, lease_until_ms = 0 "
    "WHERE seq = $1 AND status = $6";
inline constexpr char kRequeueWebhookFrom[] =
    "UPDATE webhook_deliveries SET status = 'queued', next_attempt_at_ms = $2, error = $3, lease_until_ms = 0 "
    "WHERE seq = $1 AND status = $4";
// ClaimWebhooks: the locked candidates (seq list built between head and
// tail, integers from the database) become "processing".
inline constexpr char kClaimWebhooksHead[] =
    "UPDATE webhook_deliveries SET status = 'processing', lease_until_ms = $1, attempts = attempts + 1 "
    "WHERE seq IN (";
inline constexpr char kClaimWebhooksTail[] =
    ") RETURNING seq, tenant_id, connection_id, source, delivery_id, topic, entity, record_id, detail, status, "
    "attempts, received_at_ms, next_attempt_at_ms, lease_until_ms, run_id, error, finished_at_ms";
// Finished deliveries older than $1, oldest first, at most $2.
inline constexpr char kPurgeWebhooks[] =
    "DELETE FROM webhook_deliveries WHERE seq IN (SELECT seq FROM webhook_deliveries "
    "WHERE status IN ('done', 'failed', 'ignored') AND finished_at_ms > 0 AND finished_at_ms < $1 "
    "ORDER BY seq LIMIT $2 {SKIP_LOCKED}) RETURNING tenant_id, status";

inline constexpr char kPutDocumentHash[] =
    "INSERT INTO qbo_document_hashes (tenant_id, connection_id, doc_type, doc_id, sync_token, content_hash, "
    "seen_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, connection_id, doc_type, doc_id) "
    "DO UPDATE SET sync_token = excluded.sync_token, content_hash = excluded.content_hash, "
    "seen_at_ms = excluded.seen_at_ms";
inline constexpr char kGetDocumentHash[] =
    "SELECT tenant_id, connection_id, doc_type, doc_id, sync_token, content_hash, seen_at_ms FROM qbo_document_hashes "
    "WHERE tenant_id = $1 AND connection_id = $2 AND doc_type = $3 AND doc_id = $4";

}  // namespace es::store::sql::q
