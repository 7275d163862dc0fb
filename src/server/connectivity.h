// ConnectivityProbe: real health probes of connections, cached (SPEC F1, F12).
//
// A probe is one cheap authenticated call: WooCommerce GET /orders?per_page=1
// (woo::Client::Ping), QBO GET /companyinfo/{realm} (qbo::Client::Ping,
// after a guarded token refresh when the token is about to expire). Each
// request is capped at config.probe_timeout_ms. Results are cached per
// (tenant, connection) for config.probe_ttl_s (30 s by default); Check()
// with force=true ("Test connection") always probes. Disabled connections
// are reported as "disabled" without a call.
//
// Results carry only a status, an error category and a message that names
// no secret. Thread-safe; concurrent probes of one connection may both run.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "common/json.h"
#include "store/store.h"

namespace es::server {

struct ServerContext;

struct ProbeResult {
  std::string status;  // "ok" | "error" | "disabled"
  std::string category;  // error category when status == "error"
  std::string message;
  int64_t checked_at_ms = 0;
  int64_t latency_ms = 0;
  bool cached = false;
  Json ToJson() const;
};

class ConnectivityProbe {
 public:
  explicit ConnectivityProbe(ServerContext& ctx) : ctx_(ctx) {}

  // The connection's status: cached when younger than the TTL unless `force`.
  ProbeResult Check(const store::Connection& c, bool force);
  // Drops the cached result (credentials or config changed, or removed).
  void Forget(const std::string& tenant, const std::string& id);
  // Cached results only, no probes: {"probed", "ok", "error", "disabled"} across all
  // tenants, and per-connection results for `tenant` (when non-empty).
  Json Summary(const std::string& tenant) const;

 private:
  ProbeResult Probe(const store::Connection& c);

  ServerContext& ctx_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, ProbeResult> cache_;  // guarded by mu_
};

}  // namespace es::server
