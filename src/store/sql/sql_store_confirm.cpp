// SqlStore: confirmation tokens and the per-tenant sandbox mode (migration
// 0010_confirmations).
#include "store/sql/queries_confirm.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_util.h"

namespace es::store::sql {
namespace {

Result<ConfirmationRecord> ConfirmationFromRow(const Rows& r, int row) {
  ConfirmationRecord c;
  c.tenant_id = r.Text(row, 0);
  c.token_hash = r.Text(row, 1);
  c.user_id = r.Text(row, 2);
  c.operation = r.Text(row, 3);
  c.plan_hash = r.Text(row, 4);
  c.created_at_ms = r.Int(row, 5);
  c.expires_at_ms = r.Int(row, 6);
  c.used_at_ms = r.Int(row, 7);
  return c;
}

}  // namespace

Status SqlStore::PutConfirmation(const ConfirmationRecord& c) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", c.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("token_hash", c.token_hash));
  ES_RETURN_IF_ERROR(RequireNonEmpty("user_id", c.user_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("plan_hash", c.plan_hash));
  Params p;
  p.Text(c.tenant_id).Text(c.token_hash).Text(c.user_id).Text(c.operation).Text(c.plan_hash);
  p.Int(c.created_at_ms).Int(c.expires_at_ms);
  // A transaction: a repeat after a lost COMMIT would report our own insert
  // as a duplicate.
  ES_ASSIGN_OR_RETURN(int64_t n, Write(exec(), Call::kTransaction, "put confirmation", q::kPutConfirmation, p));
  if (n == 0) return Status::Conflict("confirmation token already stored");
  return Status::Ok();
}

Result<ConfirmationRecord> SqlStore::UseConfirmation(const std::string& tenant, const std::string& token_hash,
                                                     const std::string& user, const std::string& plan_hash,
                                                     int64_t now_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("token_hash", token_hash));
  ES_RETURN_IF_ERROR(RequireNonEmpty("user_id", user));
  ES_RETURN_IF_ERROR(RequireNonEmpty("plan_hash", plan_hash));
  if (now_ms <= 0) return Status::Validation("now_ms must be positive");
  ConfirmationRecord out;
  Status verdict;
  ES_RETURN_IF_ERROR(exec().Run(Call::kTransaction, "use confirmation", [&](Session& s) -> Status {
    verdict = Status::Ok();
    ES_ASSIGN_OR_RETURN(Rows used, s.Exec(q::kUseConfirmation,
                                          Params().Text(tenant).Text(token_hash).Text(user).Text(plan_hash).Int(now_ms)));
    if (used.size() == 1) {
      ES_ASSIGN_OR_RETURN(out, ConfirmationFromRow(used, 0));
      return Status::Ok();
    }
    ES_ASSIGN_OR_RETURN(Rows found, s.Exec(q::kGetConfirmation, Params().Text(tenant).Text(token_hash)));
    if (found.empty()) {
      verdict = Status::NotFound("unknown confirmation token", "confirmation_unknown");
      return Status::Ok();
    }
    ES_ASSIGN_OR_RETURN(ConfirmationRecord c, ConfirmationFromRow(found, 0));
    if (c.used_at_ms != 0) verdict = Status::Conflict("confirmation token was already used", "confirmation_used");
    else if (c.expires_at_ms <= now_ms) verdict = Status::Validation("confirmation token expired", "confirmation_expired");
    else if (c.user_id != user)
      verdict = Status::Validation("confirmation token was issued to another user", "confirmation_other_user");
    else
      verdict = Status::Validation("confirmation token was issued for a different plan", "confirmation_other_plan");
    return Status::Ok();
  }));
  if (!verdict.ok()) return verdict;
  return out;
}

Result<int64_t> SqlStore::PurgeConfirmations(int64_t before_ms) {
  return Write(exec(), Call::kIdempotent, "purge confirmations", q::kPurgeConfirmations, Params().Int(before_ms));
}

Status SqlStore::SetSandboxMode(const std::string& tenant, bool on, int64_t now_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return Write(exec(), Call::kIdempotent, "set sandbox mode", q::kSetSandboxMode,
               Params().Text(tenant).Bool(on).Int(now_ms))
      .status();
}

Result<bool> SqlStore::SandboxMode(const std::string& tenant) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_ASSIGN_OR_RETURN(auto on, ReadOne<bool>(exec(), "get sandbox mode", q::kGetSandboxMode, Params().Text(tenant),
                                             [](const Rows& r, int row) -> Result<bool> { return r.Bool(row, 0); }));
  return on.value_or(false);
}

}  // namespace es::store::sql
