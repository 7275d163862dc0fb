// Statements of the users and sessions block (migration 0012_users), in the
// neutral SQL of store/sql/dialect.h.
#pragma once

namespace es::store::sql::q {

#define ES_USER_COLUMNS "tenant_id, email, role, password_hash, created_at_ms, updated_at_ms"
inline constexpr char kPutUser[] =
    "INSERT INTO users (" ES_USER_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6) "
    "ON CONFLICT (tenant_id, email) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash, "
    "updated_at_ms = excluded.updated_at_ms";
inline constexpr char kGetUser[] = "SELECT " ES_USER_COLUMNS " FROM users WHERE tenant_id = $1 AND email = $2";
inline constexpr char kListUsers[] = "SELECT " ES_USER_COLUMNS " FROM users WHERE tenant_id = $1 ORDER BY email {C}";
#undef ES_USER_COLUMNS
inline constexpr char kDeleteUser[] = "DELETE FROM users WHERE tenant_id = $1 AND email = $2";
inline constexpr char kDeleteUserSessions[] = "DELETE FROM user_sessions WHERE tenant_id = $1 AND user_id = $2";

#define ES_SESSION_COLUMNS "id_hash, tenant_id, user_id, role, kind, csrf_token, created_at_ms, expires_at_ms"
inline constexpr char kPutSession[] =
    "INSERT INTO user_sessions (" ES_SESSION_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
inline constexpr char kGetSession[] =
    "SELECT " ES_SESSION_COLUMNS " FROM user_sessions WHERE id_hash = $1 AND expires_at_ms > $2";
#undef ES_SESSION_COLUMNS
inline constexpr char kDeleteSession[] = "DELETE FROM user_sessions WHERE id_hash = $1";
inline constexpr char kPurgeSessions[] = "DELETE FROM user_sessions WHERE expires_at_ms <= $1";

}  // namespace es::store::sql::q
