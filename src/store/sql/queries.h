// The state store's query catalogue: every statement SqlStore runs, written
// once in neutral SQL (store/sql/dialect.h) for SQLite and PostgreSQL.
// Statements are keyed by their address for the per-connection statement
// cache, so each is one named constant. Text ordering is by bytes ({C}).
#pragma once

namespace es::store::sql::q {

// ---- tenants, connections, transformer configs ------------------------------
inline constexpr char kPutTenant[] =
    "INSERT INTO tenants (id, name, created_at_ms) VALUES ($1, $2, $3) "
    "ON CONFLICT (id) DO UPDATE SET name = excluded.name";
inline constexpr char kGetTenant[] = "SELECT id, name, created_at_ms FROM tenants WHERE id = $1";
inline constexpr char kListTenants[] = "SELECT id, name, created_at_ms FROM tenants ORDER BY id {C}";
inline constexpr char kDeleteTenantRow[] = "DELETE FROM tenants WHERE id = $1";
// Followed by a table of kTenantTables.
inline constexpr char kDeleteTenantRowsHead[] = "DELETE FROM ";

#define ES_CONNECTION_COLUMNS "tenant_id, id, kind, name, config, secret, enabled, updated_at_ms"
inline constexpr char kPutConnection[] =
    "INSERT INTO connections (" ES_CONNECTION_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
    "ON CONFLICT (tenant_id, id) DO UPDATE SET kind = excluded.kind, name = excluded.name, "
    "config = excluded.config, secret = excluded.secret, enabled = excluded.enabled, "
    "updated_at_ms = excluded.updated_at_ms";
inline constexpr char kGetConnection[] =
    "SELECT " ES_CONNECTION_COLUMNS " FROM connections WHERE tenant_id = $1 AND id = $2";
inline constexpr char kListConnections[] =
    "SELECT " ES_CONNECTION_COLUMNS " FROM connections WHERE tenant_id = $1 ORDER BY id {C}";
#undef ES_CONNECTION_COLUMNS
inline constexpr char kDeleteConnection[] = "DELETE FROM connections WHERE tenant_id = $1 AND id = $2";

inline constexpr char kPutTransformerConfig[] =
    "INSERT INTO transformer_configs (tenant_id, connection_id, config) VALUES ($1, $2, $3) "
    "ON CONFLICT (tenant_id, connection_id) DO UPDATE SET config = excluded.config";
inline constexpr char kGetTransformerConfig[] =
    "SELECT config FROM transformer_configs WHERE tenant_id = $1 AND connection_id = $2";

// ---- id mappings and write intents -------------------------------------------
#define ES_MAPPING_COLUMNS                                                                               \
  "tenant_id, target_connection, entity, source_id, source_connection, target_id, target_type, sync_token, " \
  "fingerprint, updated_at_ms"
inline constexpr char kPutMapping[] =
    "INSERT INTO id_mappings (" ES_MAPPING_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
    "ON CONFLICT (tenant_id, target_connection, entity, source_id) DO UPDATE SET "
    "source_connection = excluded.source_connection, target_id = excluded.target_id, "
    "target_type = excluded.target_type, sync_token = excluded.sync_token, "
    "fingerprint = excluded.fingerprint, updated_at_ms = excluded.updated_at_ms";
inline constexpr char kGetMapping[] =
    "SELECT " ES_MAPPING_COLUMNS " FROM id_mappings "
    "WHERE tenant_id = $1 AND target_connection = $2 AND entity = $3 AND source_id = $4";
// Followed by "($4, $5, …)" for the source ids of a batch lookup.
inline constexpr char kGetMappingsHead[] =
    "SELECT " ES_MAPPING_COLUMNS " FROM id_mappings "
    "WHERE tenant_id = $1 AND target_connection = $2 AND entity = $3 AND source_id IN ";
inline constexpr char kFindMappingByTarget[] =
    "SELECT " ES_MAPPING_COLUMNS " FROM id_mappings "
    "WHERE tenant_id = $1 AND target_connection = $2 AND entity = $3 AND target_id = $4 "
    "ORDER BY updated_at_ms DESC LIMIT 1";
#undef ES_MAPPING_COLUMNS
inline constexpr char kCountMappings[] =
    "SELECT COUNT(*) FROM id_mappings WHERE tenant_id = $1 AND target_connection = $2 AND entity = $3";

inline constexpr char kPutIntent[] =
    "INSERT INTO write_intents (tenant_id, target_connection, entity, source_id, request_id, lookup_key, "
    "created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) "
    "ON CONFLICT (tenant_id, target_connection, entity, source_id) DO UPDATE SET "
    "request_id = excluded.request_id, lookup_key = excluded.lookup_key, created_at_ms = excluded.created_at_ms";
inline constexpr char kClearIntent[] =
    "DELETE FROM write_intents WHERE tenant_id = $1 AND target_connection = $2 AND entity = $3 AND source_id = $4";
#define ES_INTENT_COLUMNS "tenant_id, target_connection, entity, source_id, request_id, lookup_key, created_at_ms"
inline constexpr char kGetIntent[] =
    "SELECT " ES_INTENT_COLUMNS " FROM write_intents "
    "WHERE tenant_id = $1 AND target_connection = $2 AND entity = $3 AND source_id = $4";
inline constexpr char kListIntents[] =
    "SELECT " ES_INTENT_COLUMNS " FROM write_intents WHERE tenant_id = $1 AND target_connection = $2";
#undef ES_INTENT_COLUMNS

// ---- cursors and run locks -----------------------------------------------------
inline constexpr char kPutCursor[] =
    "INSERT INTO cursors (tenant_id, source_connection, target_connection, entity, value) "
    "VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (tenant_id, source_connection, target_connection, entity) DO UPDATE SET value = excluded.value";
inline constexpr char kGetCursor[] =
    "SELECT value FROM cursors WHERE tenant_id = $1 AND source_connection = $2 AND target_connection = $3 "
    "AND entity = $4";
// One statement decides: insert when free, take over when the lease expired
// or the caller already owns it; otherwise the WHERE skips the update and no
// row comes back. In PostgreSQL ON CONFLICT locks the existing row even when
// the WHERE fails (in SQLite the transaction holds the write lock), so the
// holder read next in the same transaction is the one that made it fail.
inline constexpr char kAcquireLock[] =
    "INSERT INTO locks (tenant_id, lock_key, owner, acquired_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (tenant_id, lock_key) DO UPDATE SET owner = excluded.owner, "
    "acquired_at_ms = CASE WHEN locks.owner = excluded.owner THEN locks.acquired_at_ms "
    "ELSE excluded.acquired_at_ms END, expires_at_ms = excluded.expires_at_ms "
    "WHERE locks.owner = excluded.owner OR locks.expires_at_ms <= $4 "
    "RETURNING owner";
inline constexpr char kLockHolder[] =
    "SELECT owner, expires_at_ms, acquired_at_ms FROM locks WHERE tenant_id = $1 AND lock_key = $2";
inline constexpr char kReleaseLock[] = "DELETE FROM locks WHERE tenant_id = $1 AND lock_key = $2 AND owner = $3";

// ---- runs, record results, the failed queue ------------------------------------
inline constexpr char kCreateRun[] =
    "INSERT INTO sync_runs (tenant_id, id, source_connection, target_connection, entities, mode, dry_run, "
    "status, counts, count_fetched, count_created, count_updated, count_skipped, count_failed, error, "
    "triggered_by, started_at_ms, finished_at_ms) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";
inline constexpr char kUpdateRun[] =
    "UPDATE sync_runs SET source_connection = $3, target_connection = $4, entities = $5, mode = $6, "
    "dry_run = $7, status = $8, counts = $9, count_fetched = $10, count_created = $11, count_updated = $12, "
    "count_skipped = $13, count_failed = $14, error = $15, triggered_by = $16, started_at_ms = $17, "
    "finished_at_ms = $18 WHERE tenant_id = $1 AND id = $2";
#define ES_RUN_COLUMNS                                                                              \
  "tenant_id, id, source_connection, target_connection, entities, mode, dry_run, status, counts, " \
  "count_fetched, count_created, count_updated, count_skipped, count_failed, error, triggered_by, " \
  "started_at_ms, finished_at_ms"
inline constexpr char kGetRun[] = "SELECT " ES_RUN_COLUMNS " FROM sync_runs WHERE tenant_id = $1 AND id = $2";
inline constexpr char kListRuns[] =
    "SELECT " ES_RUN_COLUMNS " FROM sync_runs WHERE tenant_id = $1 AND ($2 = '' OR status = $2) "
    "AND started_at_ms >= $3 AND ($4 = 0 OR started_at_ms < $4) "
    "ORDER BY started_at_ms DESC, id {C} DESC LIMIT $5";
#undef ES_RUN_COLUMNS
inline constexpr char kRunExists[] = "SELECT 1 FROM sync_runs WHERE tenant_id = $1 AND id = $2";

// Followed by "($1, …, $9), ($10, …)" for the rows of one batch.
inline constexpr char kAddResultsHead[] =
    "INSERT INTO record_results (tenant_id, run_id, entity, source_id, action, target_id, message, duration_us, "
    "at_ms) VALUES ";
inline constexpr char kListResults[] =
    "SELECT run_id, tenant_id, entity, source_id, action, target_id, message, duration_us, at_ms "
    "FROM record_results WHERE tenant_id = $1 AND run_id = $2 ORDER BY seq LIMIT $3";

inline constexpr char kPutFailed[] =
    "INSERT INTO failed_records (tenant_id, target_connection, entity, source_id, source_connection, category, "
    "code, message, retry_count, first_failed_at_ms, last_attempt_at_ms, run_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
    "ON CONFLICT (tenant_id, target_connection, entity, source_id) DO UPDATE SET "
    "source_connection = excluded.source_connection, category = excluded.category, code = excluded.code, "
    "message = excluded.message, retry_count = failed_records.retry_count + 1, "
    "last_attempt_at_ms = excluded.last_attempt_at_ms, run_id = excluded.run_id";
inline constexpr char kClearFailed[] =
    "DELETE FROM failed_records WHERE tenant_id = $1 AND target_connection = $2 AND entity = $3 AND source_id = $4";
inline constexpr char kListFailed[] =
    "SELECT tenant_id, target_connection, entity, source_id, source_connection, category, code, message, "
    "retry_count, first_failed_at_ms, last_attempt_at_ms, run_id FROM failed_records WHERE tenant_id = $1 "
    "ORDER BY first_failed_at_ms, target_connection {C}, entity {C}, source_id {C} LIMIT $2";

// ---- HTTP server records (migration 0003) ---------------------------------------
inline constexpr char kAddAudit[] =
    "INSERT INTO audit_log (tenant_id, at_ms, user_id, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6)";
inline constexpr char kListAudit[] =
    "SELECT seq, tenant_id, at_ms, user_id, action, target, detail FROM audit_log WHERE tenant_id = $1 "
    "AND ($2 = '' OR user_id = $2) AND ($3 = '' OR action = $3) AND at_ms >= $4 AND ($5 = 0 OR at_ms < $5) "
    "ORDER BY at_ms DESC, seq DESC LIMIT $6";

#define ES_STATE_COLUMNS \
  "state, tenant_id, user_id, connection_id, redirect_uri, created_at_ms, expires_at_ms, used_at_ms"
inline constexpr char kPutState[] =
    "INSERT INTO oauth_states (" ES_STATE_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, 0)";
// One statement decides: only an unused, unexpired state of this tenant and
// user is marked; concurrent callers get exactly one winner.
inline constexpr char kConsumeState[] =
    "UPDATE oauth_states SET used_at_ms = $4 WHERE state = $1 AND tenant_id = $2 AND user_id = $3 "
    "AND used_at_ms = 0 AND expires_at_ms > $4 RETURNING " ES_STATE_COLUMNS;
inline constexpr char kGetState[] =
    "SELECT " ES_STATE_COLUMNS " FROM oauth_states WHERE state = $1 AND tenant_id = $2 AND user_id = $3";
#undef ES_STATE_COLUMNS
inline constexpr char kPurgeStates[] = "DELETE FROM oauth_states WHERE expires_at_ms < $1";

inline constexpr char kPutRequest[] =
    "INSERT INTO sync_requests (tenant_id, idempotency_key, run_id, request, created_at_ms) "
    "VALUES ($1, $2, $3, $4, $5)";
inline constexpr char kGetRequest[] =
    "SELECT tenant_id, idempotency_key, run_id, request, created_at_ms FROM sync_requests "
    "WHERE tenant_id = $1 AND idempotency_key = $2";
inline constexpr char kSetRequestRun[] =
    "UPDATE sync_requests SET run_id = $3 WHERE tenant_id = $1 AND idempotency_key = $2";
inline constexpr char kDeleteRequest[] = "DELETE FROM sync_requests WHERE tenant_id = $1 AND idempotency_key = $2";

inline constexpr char kHistory[] =
    "SELECT r.seq, r.tenant_id, r.run_id, s.source_connection, s.target_connection, s.mode, s.dry_run, "
    "s.triggered_by, r.entity, r.source_id, r.action, r.target_id, r.message, r.duration_us, r.at_ms "
    "FROM record_results r JOIN sync_runs s ON s.tenant_id = r.tenant_id AND s.id = r.run_id "
    "WHERE r.tenant_id = $1 AND ($2 = '' OR s.source_connection = $2 OR s.target_connection = $2) "
    "AND ($3 = '' OR r.entity = $3) AND ($4 = '' OR r.action = $4) AND ($5 = '' OR r.run_id = $5) "
    "AND r.at_ms >= $6 AND ($7 = 0 OR r.at_ms < $7) ORDER BY r.at_ms DESC, r.seq DESC LIMIT $8 OFFSET $9";

// ---- webhook queue (migration 0004) ----------------------------------------------
#define ES_DELIVERY_COLUMNS                                                                                \
  "seq, tenant_id, connection_id, source, delivery_id, topic, entity, record_id, detail, status, attempts, " \
  "received_at_ms, next_attempt_at_ms, lease_until_ms, run_id, error, finished_at_ms"
// A replay hits UNIQUE (tenant_id, connection_id, delivery_id): nothing is
// inserted and the affected count is 0.
inline constexpr char kEnqueueWebhook[] =
    "INSERT INTO webhook_deliveries (tenant_id, connection_id, source, delivery_id, topic, entity, record_id, "
    "detail, status, attempts, received_at_ms, next_attempt_at_ms, lease_until_ms, run_id, error, finished_at_ms) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $9, $10, 0, '', '', 0) "
    "ON CONFLICT (tenant_id, connection_id, delivery_id) DO NOTHING";
// Runs in a transaction. PostgreSQL: the candidates are locked by the
// subquery and rows another claimer holds are skipped; a row claimed and
// committed meanwhile is re-checked against the WHERE and dropped. SQLite:
// BEGIN IMMEDIATE holds the write lock from the SELECT to the UPDATE. Either
// way no two claimers share a row.
inline constexpr char kClaimWebhooks[] =
    "UPDATE webhook_deliveries SET status = 'processing', lease_until_ms = $2, attempts = attempts + 1 "
    "WHERE seq IN (SELECT seq FROM webhook_deliveries "
    "WHERE (status = 'queued' AND next_attempt_at_ms <= $1) OR (status = 'processing' AND lease_until_ms <= $1) "
    "ORDER BY seq LIMIT $3 {SKIP_LOCKED}) RETURNING " ES_DELIVERY_COLUMNS;
inline constexpr char kFinishWebhook[] =
    "UPDATE webhook_deliveries SET status = $2, run_id = $3, error = $4, finished_at_ms = $5, lease_until_ms = 0 "
    "WHERE seq = $1";
inline constexpr char kRequeueWebhook[] =
    "UPDATE webhook_deliveries SET status = 'queued', next_attempt_at_ms = $2, error = $3, lease_until_ms = 0 "
    "WHERE seq = $1";
inline constexpr char kListWebhooks[] =
    "SELECT " ES_DELIVERY_COLUMNS " FROM webhook_deliveries WHERE tenant_id = $1 "
    "AND ($2 = '' OR status = $2) AND ($3 = '' OR connection_id = $3) ORDER BY seq DESC LIMIT $4";
#undef ES_DELIVERY_COLUMNS
inline constexpr char kSetWebhooksEnabled[] =
    "INSERT INTO webhook_settings (tenant_id, enabled, updated_at_ms) VALUES ($1, $2, $3) "
    "ON CONFLICT (tenant_id) DO UPDATE SET enabled = excluded.enabled, updated_at_ms = excluded.updated_at_ms";
inline constexpr char kGetWebhooksEnabled[] = "SELECT enabled FROM webhook_settings WHERE tenant_id = $1";

}  // namespace es::store::sql::q
