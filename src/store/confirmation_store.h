// ConfirmationStore (SPEC F10 safety; migration 0010_confirmations): the
// confirmation tokens that big or destructive operations must present, and
// the per-tenant sandbox-mode switch. Part of StateStore.
//
// Tokens are stored by their hash only (the caller hashes; the plaintext is
// shown to the user once and never stored). A token is bound to its tenant,
// its user (the API token's subject) and the hash of the plan it confirms;
// it is usable once, before expires_at_ms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace es::store {

struct ConfirmationRecord {
  std::string tenant_id;
  std::string token_hash;  // hex SHA-256 of the token
  std::string user_id;
  std::string operation;   // "sync", "failed.retry_all", …
  std::string plan_hash;   // hex SHA-256 of the canonical plan
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
  int64_t used_at_ms = 0;  // 0 while unused
};

class ConfirmationStore {
 public:
  virtual ~ConfirmationStore() = default;

  // Stores a new, unused token (used_at_ms is ignored). tenant, token hash,
  // user and plan hash are required (Validation); Conflict when the hash is
  // already stored for the tenant.
  virtual Status PutConfirmation(const ConfirmationRecord& record) = 0;
  // Uses the token: one statement marks it used only when it belongs to
  // (tenant, user, plan_hash), is unused and expires after now_ms, so two
  // concurrent uses have exactly one winner. On success returns the record
  // as stored (used_at_ms = now_ms). Otherwise, checked in this order:
  // NotFound code "confirmation_unknown" (no such token for the tenant),
  // Conflict "confirmation_used", Validation "confirmation_expired",
  // Validation "confirmation_other_user", Validation "confirmation_other_plan".
  virtual Result<ConfirmationRecord> UseConfirmation(const std::string& tenant, const std::string& token_hash,
                                                     const std::string& user, const std::string& plan_hash,
                                                     int64_t now_ms) = 0;
  // Deletes tokens (of every tenant) that expired before `before_ms`; returns how many.
  virtual Result<int64_t> PurgeConfirmations(int64_t before_ms) = 0;

  // Per-tenant sandbox mode (tenants never set are off).
  virtual Status SetSandboxMode(const std::string& tenant, bool on, int64_t now_ms) = 0;
  virtual Result<bool> SandboxMode(const std::string& tenant) = 0;
};

}  // namespace es::store
