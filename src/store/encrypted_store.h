// EncryptedStore: a StateStore decorator that keeps connection credentials
// encrypted at rest (SPEC F1, F13).
//
// PutConnection seals Connection.secret with the SecretBox (AES-256-GCM,
// associated data "<tenant>/<connection id>", so a sealed blob copied to
// another row does not open); GetConnection and ListConnections open it, so
// callers above (engine, server) only ever see plaintext and the database
// only ever holds "esb1:…" values. An empty secret stays empty. A stored
// secret that is not sealed (written by an older binary or by a command
// without a master key) is returned as is and sealed on its next write.
//
// Token guard: PutConnection never replaces stored OAuth tokens with older
// ones. When the incoming secret (JSON) carries a refresh_token that differs
// from the stored one and its access_expires_at_ms is earlier than the
// stored one (both set), the stored token fields are kept (a concurrent refresh wrote
// newer tokens between this writer's read and its write). Writes to one
// connection are serialised in this process for that check.
//
// Notification settings: NotificationSettings::secrets is sealed the same
// way (associated data "<tenant>/notifications") on Put and opened on Get.
//
// Failures: a secret that does not open (wrong master key, tampering) is an
// Internal error naming the connection, never the secret. Thread-safe
// if the inner store is; `inner` and `box` must outlive the decorator.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/secret_box.h"
#include "store/forwarding_store.h"

namespace es::store {

class EncryptedStore final : public ForwardingStore {
 public:
  EncryptedStore(StateStore& inner, const SecretBox& box) : ForwardingStore(inner), box_(box) {}

  Status PutConnection(const Connection& c) override;
  Result<std::optional<Connection>> GetConnection(const std::string& tenant, const std::string& id) override;
  Result<std::vector<Connection>> ListConnections(const std::string& tenant) override;
  Status PutNotificationSettings(const NotificationSettings& settings) override;
  Result<std::optional<NotificationSettings>> GetNotificationSettings(const std::string& tenant) override;

  // Associated data binding a sealed secret to its row.
  static std::string AssociatedData(const std::string& tenant, const std::string& id) { return tenant + "/" + id; }

 private:
  Status Open(Connection& c) const;
  std::mutex& MutexFor(const std::string& tenant, const std::string& id);

  const SecretBox& box_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<std::mutex>> write_mu_;  // guarded by mu_
};

}  // namespace es::store
