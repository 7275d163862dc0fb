// QboTokenManager: refreshes a QBO connection's OAuth tokens so that two
// workers refreshing at once never lose the newest refresh token (SPEC F3).
//
// QBO rotates refresh tokens: spending one returns a new one and the old one
// dies. qbo::Client serialises refreshes only within one client; separate
// clients (two runs, two processes) sharing a connection need a guard at the
// store: a refresh here holds an in-process mutex for the connection AND the
// store's leased lock "qbo-token:<connection>" (which other processes
// honour), re-loads the tokens inside it, and only then decides whether a
// refresh is still needed — so the second worker finds the tokens the first
// one saved instead of spending a dead refresh token. Tokens are loaded and
// saved through the given (encrypting) store.
//
// Thread-safe. Failures: NotFound (no such connection), Validation (not a
// QBO connection / incomplete config), Authentication (no tokens, refresh
// token expired or rejected), Conflict (the lock stayed held by another
// worker for longer than the wait), Network.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "http/transport.h"
#include "store/store.h"

namespace es::server {

class QboTokenManager {
 public:
  QboTokenManager(store::StateStore& store, http::Transport& transport, Clock& clock, bool insecure_skip_tls_verify,
                  int64_t lock_lease_ms = 60'000, int64_t lock_wait_ms = 15'000);

  // Refreshes when the access token expires within `margin_ms` (or is absent).
  Status EnsureFresh(const std::string& tenant, const std::string& connection, int64_t margin_ms);
  // Refreshes unless the stored access token already differs from
  // `seen_access_token` (someone else refreshed since it was read); an empty
  // `seen_access_token` always refreshes.
  Status Refresh(const std::string& tenant, const std::string& connection, const std::string& seen_access_token);

  int64_t refreshes() const;  // refresh calls this manager made to the token endpoint

 private:
  Status Guarded(const std::string& tenant, const std::string& connection, int64_t margin_ms,
                 const std::string* seen_access_token);
  std::mutex& MutexFor(const std::string& key);

  store::StateStore& store_;
  http::Transport& transport_;
  Clock& clock_;
  const bool insecure_;
  const int64_t lease_ms_;
  const int64_t wait_ms_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<std::mutex>> locks_;  // guarded by mu_
  int64_t refreshes_ = 0;                                     // guarded by mu_
};

}  // namespace es::server
