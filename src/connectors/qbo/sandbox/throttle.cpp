#include "connectors/qbo/sandbox/throttle.h"

#include <algorithm>

namespace es::qbo::sandbox {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kSecondMs = 1'000;

void Prune(std::deque<int64_t>& q, int64_t now, int64_t span) {
  while (!q.empty() && q.front() <= now - span) q.pop_front();
}

}  // namespace

Throttle::Decision Throttle::Admit(const std::string& realm, bool is_batch) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = clock_->NowMillis();
  Window& w = windows_[realm];
  Prune(w.minute, now, kMinuteMs);
  Prune(w.second, now, kSecondMs);
  Prune(w.batch, now, kMinuteMs);
  Decision d;
  auto refuse = [&](int64_t wait) {
    d.admitted = false;
    d.retry_after_ms = std::max(d.retry_after_ms, std::max<int64_t>(wait, 1));
  };
  if (w.in_flight >= limits_.concurrent) refuse(kSecondMs);
  if (static_cast<int>(w.minute.size()) >= limits_.per_minute) refuse(w.minute.front() + kMinuteMs - now);
  if (static_cast<int>(w.second.size()) >= limits_.per_second) refuse(w.second.front() + kSecondMs - now);
  if (is_batch && static_cast<int>(w.batch.size()) >= limits_.batch_per_minute)
    refuse(w.batch.front() + kMinuteMs - now);
  if (!d.admitted) return d;
  w.minute.push_back(now);
  w.second.push_back(now);
  if (is_batch) w.batch.push_back(now);
  ++w.in_flight;
  return d;
}

void Throttle::Release(const std::string& realm) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = windows_.find(realm);
  if (it != windows_.end() && it->second.in_flight > 0) --it->second.in_flight;
}

void Throttle::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [realm, w] : windows_) {
    w.minute.clear();
    w.second.clear();
    w.batch.clear();
  }
}

}  // namespace es::qbo::sandbox
