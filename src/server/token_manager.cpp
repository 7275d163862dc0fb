#include "server/token_manager.h"

#include "common/crypto.h"
#include "connectors/qbo/client.h"
#include "connectors/qbo/sync/qbo_platform.h"
#include "engine/orchestrator.h"

namespace es::server {

QboTokenManager::QboTokenManager(store::StateStore& store, http::Transport& transport, Clock& clock,
                                 bool insecure_skip_tls_verify, int64_t lock_lease_ms, int64_t lock_wait_ms)
    : store_(store),
      transport_(transport),
      clock_(clock),
      insecure_(insecure_skip_tls_verify),
      lease_ms_(lock_lease_ms),
      wait_ms_(lock_wait_ms) {}

std::mutex& QboTokenManager::MutexFor(const std::string& key) {
  std::lock_guard lock(mu_);
  auto& m = locks_[key];
  if (!m) m = std::make_unique<std::mutex>();
  return *m;
}

int64_t QboTokenManager::refreshes() const {
  std::lock_guard lock(mu_);
  return refreshes_;
}

Status QboTokenManager::EnsureFresh(const std::string& tenant, const std::string& connection, int64_t margin_ms) {
  return Guarded(tenant, connection, margin_ms, nullptr);
}

Status QboTokenManager::Refresh(const std::string& tenant, const std::string& connection,
                                const std::string& seen_access_token) {
  return Guarded(tenant, connection, 0, &seen_access_token);
}

Status QboTokenManager::Guarded(const std::string& tenant, const std::string& connection, int64_t margin_ms,
                                const std::string* seen_access_token) {
  std::lock_guard local(MutexFor(tenant + "/" + connection));
  const std::string key = "qbo-token:" + connection;
  const std::string owner = "token-refresh-" + crypto::RandomHex(8);
  const int64_t deadline = clock_.NowMillis() + wait_ms_;
  while (true) {
    Status s = store_.AcquireLock(tenant, key, owner, clock_.NowMillis(), lease_ms_);
    if (s.ok()) break;
    if (!s.IsConflict() || clock_.NowMillis() >= deadline) {
      return s.IsConflict() ? Status::Conflict("QBO token refresh of '" + connection + "' is held by another worker")
                            : s;
    }
    clock_.SleepMillis(50);
  }
  auto release = [&] { (void)store_.ReleaseLock(tenant, key, owner); };

  // Inside the guard: re-read what is stored now.
  auto c = engine::LoadEnabledConnection(store_, tenant, connection);
  if (!c.ok()) {
    // A disabled connection may still be refreshed (e.g. before enabling).
    auto any = store_.GetConnection(tenant, connection);
    if (!any.ok() || !any->has_value()) {
      release();
      return c.status();
    }
    c = **any;
  }
  auto cfg = qbo::ConfigOf(*c);
  if (!cfg.ok()) {
    release();
    return cfg.status();
  }
  if (insecure_) cfg->insecure_skip_tls_verify = true;
  qbo::ConnectionTokenStore tokens(store_, tenant, connection);
  auto current = tokens.Load();
  if (!current.ok()) {
    release();
    return current.status();
  }
  const int64_t now = clock_.NowMillis();
  bool needed;
  if (seen_access_token == nullptr) {
    needed = current->access_token.empty() || current->access_expires_at_ms - now <= margin_ms;
  } else {
    needed = seen_access_token->empty() || current->access_token == *seen_access_token;
  }
  if (!needed) {
    release();
    return Status::Ok();
  }
  qbo::Client client(*cfg, transport_, clock_, tokens);
  Status s = client.RefreshTokens();
  {
    std::lock_guard lock(mu_);
    ++refreshes_;
  }
  release();
  return s;
}

}  // namespace es::server
