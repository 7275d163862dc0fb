// IsolatingStore: keeps one connection whose stored credentials cannot be
// decrypted (master key changed, row corrupted or copied from another
// install) from failing every connection of its tenant.
//
// It sits above the EncryptedStore. ListConnections returns the connections
// whose secret opens and leaves the unreadable ones out (so listing, the
// webhook worker, health and sync routing keep working for the rest);
// GetConnection of an unreadable connection fails with Conflict, code
// "credentials_unreadable", naming the connection and what to do, never the
// secret. ListUnreadable / GetUnreadable give those rows with the secret
// emptied, for the API to show them with that status and to let an admin
// enter the credentials again (PutConnection seals a new secret over them).
//
// Ownership: borrows `decrypting` (the EncryptedStore), `base` (the store
// under it) and `box`; all must outlive it. Thread-safe as the inner stores.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/secret_box.h"
#include "store/forwarding_store.h"

namespace es::server {

inline constexpr const char* kCredentialsUnreadable = "credentials_unreadable";

class IsolatingStore final : public store::ForwardingStore {
 public:
  IsolatingStore(store::StateStore& decrypting, store::StateStore& base, const SecretBox& box)
      : ForwardingStore(decrypting), base_(base), box_(box) {}

  Result<std::vector<store::Connection>> ListConnections(const std::string& tenant) override;
  Result<std::optional<store::Connection>> GetConnection(const std::string& tenant, const std::string& id) override;

  // The tenant's connections whose secret does not open (secret emptied).
  Result<std::vector<store::Connection>> ListUnreadable(const std::string& tenant);
  // The connection when its secret does not open (secret emptied); nullopt
  // when it is readable or absent.
  Result<std::optional<store::Connection>> GetUnreadable(const std::string& tenant, const std::string& id);

  // The status GetConnection returns for an unreadable connection.
  static Status UnreadableStatus(const std::string& id);

 private:
  // Opens a base row's secret in place; false when it is sealed and does not open.
  bool Open(store::Connection& c) const;

  store::StateStore& base_;
  const SecretBox& box_;
};

}  // namespace es::server
