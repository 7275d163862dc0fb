// Statements of the confirmation tokens and the sandbox-mode switch
// (migration 0010_confirmations), in neutral SQL (store/sql/dialect.h).
#pragma once

namespace es::store::sql::q {

#define ES_CONFIRM_COLUMNS \
  "tenant_id, token_hash, user_id, operation, plan_hash, created_at_ms, expires_at_ms, used_at_ms"
inline constexpr char kPutConfirmation[] =
    "INSERT INTO confirmation_tokens (" ES_CONFIRM_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, 0) "
    "ON CONFLICT (tenant_id, token_hash) DO NOTHING";
// One statement decides: only an unused, unexpired token of this tenant,
// user and plan is marked; concurrent callers get exactly one winner.
inline constexpr char kUseConfirmation[] =
    "UPDATE confirmation_tokens SET used_at_ms = $5 WHERE tenant_id = $1 AND token_hash = $2 AND user_id = $3 "
    "AND plan_hash = $4 AND used_at_ms = 0 AND expires_at_ms > $5 RETURNING " ES_CONFIRM_COLUMNS;
inline constexpr char kGetConfirmation[] =
    "SELECT " ES_CONFIRM_COLUMNS " FROM confirmation_tokens WHERE tenant_id = $1 AND token_hash = $2";
#undef ES_CONFIRM_COLUMNS
inline constexpr char kPurgeConfirmations[] = "DELETE FROM confirmation_tokens WHERE expires_at_ms < $1";

inline constexpr char kSetSandboxMode[] =
    "INSERT INTO tenant_sandbox_mode (tenant_id, enabled, updated_at_ms) VALUES ($1, $2, $3) "
    "ON CONFLICT (tenant_id) DO UPDATE SET enabled = excluded.enabled, updated_at_ms = excluded.updated_at_ms";
inline constexpr char kGetSandboxMode[] = "SELECT enabled FROM tenant_sandbox_mode WHERE tenant_id = $1";

}  // namespace es::store::sql::q
