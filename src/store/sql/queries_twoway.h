// Statements of the two-way records (migration 0009_twoway), in neutral SQL
// (store/sql/dialect.h).
#pragma once

namespace es::store::sql::q {

#define ES_TWOWAY_STATE_COLUMNS \
  "tenant_id, entity, record_key, side, record_id, content_hash, version, written, updated_at_ms"
inline constexpr char kPutTwoWayState[] =
    "INSERT INTO twoway_states (" ES_TWOWAY_STATE_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
    "ON CONFLICT (tenant_id, entity, record_key, side) DO UPDATE SET record_id = excluded.record_id, "
    "content_hash = excluded.content_hash, version = excluded.version, written = excluded.written, "
    "updated_at_ms = excluded.updated_at_ms";
inline constexpr char kGetTwoWayStates[] =
    "SELECT " ES_TWOWAY_STATE_COLUMNS " FROM twoway_states "
    "WHERE tenant_id = $1 AND entity = $2 AND record_key = $3 ORDER BY side";

#define ES_POLICY_COLUMNS "tenant_id, entity, direction, source_of_truth, strategy, updated_at_ms"
inline constexpr char kPutSyncPolicy[] =
    "INSERT INTO sync_policies (" ES_POLICY_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6) "
    "ON CONFLICT (tenant_id, entity) DO UPDATE SET direction = excluded.direction, "
    "source_of_truth = excluded.source_of_truth, strategy = excluded.strategy, updated_at_ms = excluded.updated_at_ms";
inline constexpr char kGetSyncPolicy[] =
    "SELECT " ES_POLICY_COLUMNS " FROM sync_policies WHERE tenant_id = $1 AND entity = $2";
inline constexpr char kListSyncPolicies[] =
    "SELECT " ES_POLICY_COLUMNS " FROM sync_policies WHERE tenant_id = $1 ORDER BY entity";

#define ES_CONFLICT_COLUMNS                                                                                      \
  "id, tenant_id, entity, record_key, fingerprint, side_a, kind_a, record_a, value_a, hash_a, modified_a_ms, "   \
  "side_b, kind_b, record_b, value_b, hash_b, modified_b_ms, strategy, status, winner, resolved_by, "            \
  "created_at_ms, resolved_at_ms"
inline constexpr char kAddConflict[] =
    "INSERT INTO conflicts (tenant_id, entity, record_key, fingerprint, side_a, kind_a, record_a, value_a, hash_a, "
    "modified_a_ms, side_b, kind_b, record_b, value_b, hash_b, modified_b_ms, strategy, status, winner, "
    "resolved_by, created_at_ms, resolved_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
    "$14, $15, $16, $17, $18, $19, $20, $21, $22) "
    "ON CONFLICT (tenant_id, entity, record_key, fingerprint) DO NOTHING RETURNING id";
inline constexpr char kFindConflict[] =
    "SELECT id FROM conflicts WHERE tenant_id = $1 AND entity = $2 AND record_key = $3 AND fingerprint = $4";
inline constexpr char kGetConflict[] =
    "SELECT " ES_CONFLICT_COLUMNS " FROM conflicts WHERE tenant_id = $1 AND id = $2";
inline constexpr char kListConflicts[] =
    "SELECT " ES_CONFLICT_COLUMNS " FROM conflicts WHERE tenant_id = $1 AND ($2 = '' OR status = $2) "
    "ORDER BY id DESC LIMIT $3";
inline constexpr char kResolveConflict[] =
    "UPDATE conflicts SET status = 'resolved_manual', winner = $3, resolved_by = $4, resolved_at_ms = $5 "
    "WHERE tenant_id = $1 AND id = $2 AND status = 'open'";

}  // namespace es::store::sql::q
