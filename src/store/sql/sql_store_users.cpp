// SqlStore: the dashboard's users and sessions (migration 0012_users).
#include "store/sql/queries_users.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_util.h"

namespace es::store::sql {
namespace {

Result<User> UserFromRow(const Rows& q, int row) {
  User u;
  u.tenant_id = q.Text(row, 0);
  u.email = q.Text(row, 1);
  u.role = q.Text(row, 2);
  u.password_hash = q.Text(row, 3);
  u.created_at_ms = q.Int(row, 4);
  u.updated_at_ms = q.Int(row, 5);
  return u;
}

Result<UserSession> SessionFromRow(const Rows& q, int row) {
  UserSession s;
  s.id_hash = q.Text(row, 0);
  s.tenant_id = q.Text(row, 1);
  s.user_id = q.Text(row, 2);
  s.role = q.Text(row, 3);
  s.kind = q.Text(row, 4);
  s.csrf_token = q.Text(row, 5);
  s.created_at_ms = q.Int(row, 6);
  s.expires_at_ms = q.Int(row, 7);
  return s;
}

Status CheckRole(const std::string& role) {
  if (role == "admin" || role == "user") return Status::Ok();
  return Status::Validation("role must be \"admin\" or \"user\"");
}

}  // namespace

Status SqlStore::PutUser(const User& u) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", u.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("email", u.email));
  ES_RETURN_IF_ERROR(RequireNonEmpty("password_hash", u.password_hash));
  ES_RETURN_IF_ERROR(CheckRole(u.role));
  Params p;
  p.Text(u.tenant_id).Text(u.email).Text(u.role).Text(u.password_hash).Int(u.created_at_ms).Int(u.updated_at_ms);
  return Write(exec(), Call::kIdempotent, "put user", q::kPutUser, p).status();
}

Result<std::optional<User>> SqlStore::GetUser(const std::string& tenant, const std::string& email) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("email", email));
  return ReadOne<User>(exec(), "get user", q::kGetUser, Params().Text(tenant).Text(email), UserFromRow);
}

Result<std::vector<User>> SqlStore::ListUsers(const std::string& tenant) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  std::vector<User> out;
  ES_RETURN_IF_ERROR(exec().Run(Call::kRead, "list users", [&](Session& s) -> Status {
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(q::kListUsers, Params().Text(tenant)));
    return AllRows(r, UserFromRow, out);
  }));
  return out;
}

Status SqlStore::DeleteUser(const std::string& tenant, const std::string& email) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("email", email));
  int64_t deleted = 0;
  ES_RETURN_IF_ERROR(exec().Run(Call::kTransaction, "delete user", [&](Session& s) -> Status {
    ES_ASSIGN_OR_RETURN(Rows gone, s.Exec(q::kDeleteUserSessions, Params().Text(tenant).Text(email)));
    (void)gone;
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(q::kDeleteUser, Params().Text(tenant).Text(email)));
    deleted = r.affected();
    return Status::Ok();
  }));
  if (deleted == 0) return Status::NotFound("user " + email + " not found");
  return Status::Ok();
}

Status SqlStore::PutSession(const UserSession& u) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("session id_hash", u.id_hash));
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", u.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("user_id", u.user_id));
  ES_RETURN_IF_ERROR(CheckRole(u.role));
  if (u.kind != "session" && u.kind != "link") return Status::Validation("session kind must be \"session\" or \"link\"");
  Params p;
  p.Text(u.id_hash).Text(u.tenant_id).Text(u.user_id).Text(u.role).Text(u.kind).Text(u.csrf_token);
  p.Int(u.created_at_ms).Int(u.expires_at_ms);
  Status r = Write(exec(), Call::kTransaction, "put session", q::kPutSession, p).status();
  if (r.IsConflict()) return Status::Conflict("session already exists", r.code());
  return r;
}

Result<std::optional<UserSession>> SqlStore::GetSession(const std::string& id_hash, int64_t now_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("session id_hash", id_hash));
  return ReadOne<UserSession>(exec(), "get session", q::kGetSession, Params().Text(id_hash).Int(now_ms),
                              SessionFromRow);
}

Result<bool> SqlStore::DeleteSession(const std::string& id_hash) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("session id_hash", id_hash));
  // A transaction: a repeat after a lost COMMIT must not report "not there".
  ES_ASSIGN_OR_RETURN(int64_t n,
                      Write(exec(), Call::kTransaction, "delete session", q::kDeleteSession, Params().Text(id_hash)));
  return n == 1;
}

Result<int64_t> SqlStore::PurgeSessions(int64_t before_ms) {
  return Write(exec(), Call::kIdempotent, "purge sessions", q::kPurgeSessions, Params().Int(before_ms));
}

}  // namespace es::store::sql
