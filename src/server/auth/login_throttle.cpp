#include "server/auth/login_throttle.h"

#include <algorithm>

namespace es::auth {

int64_t LoginThrottle::LockLeft(Entry& e, int max, int64_t now) {
  if (e.failures > 0 && now - e.last_ms >= options_.window_ms) e = Entry{};
  if (e.failures < max) return 0;
  const int extra = std::min(e.failures - max, 20);
  const int64_t lock = std::min(options_.window_ms, options_.first_lock_ms << extra);
  return std::max<int64_t>(0, e.last_ms + lock - now);
}

int64_t LoginThrottle::RetryAfterMs(const std::string& account, const std::string& address) {
  std::lock_guard lock(mu_);
  const int64_t now = clock_.NowMillis();
  int64_t wait = 0;
  if (auto it = accounts_.find(account); it != accounts_.end()) {
    wait = std::max(wait, LockLeft(it->second, options_.max_failures, now));
  }
  if (auto it = addresses_.find(address); it != addresses_.end()) {
    wait = std::max(wait, LockLeft(it->second, options_.max_address_failures, now));
  }
  return wait;
}

void LoginThrottle::Bump(std::map<std::string, Entry>& m, const std::string& key, int64_t now) {
  Entry& e = m[key];
  if (e.failures > 0 && now - e.last_ms >= options_.window_ms) e = Entry{};
  if (e.failures == 0) e.first_ms = now;
  ++e.failures;
  e.last_ms = now;
  // Bounded memory: forget entries idle for a whole window when the map grows.
  if (m.size() > 100'000) {
    for (auto it = m.begin(); it != m.end();) {
      it = now - it->second.last_ms >= options_.window_ms ? m.erase(it) : std::next(it);
    }
  }
}

void LoginThrottle::RecordFailure(const std::string& account, const std::string& address) {
  std::lock_guard lock(mu_);
  const int64_t now = clock_.NowMillis();
  Bump(accounts_, account, now);
  Bump(addresses_, address, now);
}

void LoginThrottle::RecordSuccess(const std::string& account) {
  std::lock_guard lock(mu_);
  accounts_.erase(account);
}

}  // namespace es::auth
