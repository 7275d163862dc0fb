#include "server/connectivity.h"

#include <cctype>
#include <chrono>

#include "connectors/qbo/sync/qbo_platform.h"
#include "platforms/platforms.h"
#include "server/http_server.h"
#include "server/token_manager.h"

namespace es::server {
namespace {

// Caps every request's timeout (probes must be quick).
class CappedTransport final : public http::Transport {
 public:
  CappedTransport(http::Transport& inner, int64_t timeout_ms) : inner_(inner), timeout_ms_(timeout_ms) {}
  Result<http::Response> Send(const http::Request& request) override {
    http::Request r = request;
    if (r.timeout.count() > timeout_ms_) r.timeout = std::chrono::milliseconds(timeout_ms_);
    return inner_.Send(r);
  }

 private:
  http::Transport& inner_;
  const int64_t timeout_ms_;
};

ProbeResult Failed(const Status& s) {
  ProbeResult r;
  r.status = "error";
  r.category = std::string(CategoryName(s.category()));
  r.message = s.message();
  return r;
}

// The HTTP status a connector put at the front of its message ("… HTTP 401 …"); 0 when none.
int HttpStatusIn(const std::string& message) {
  for (size_t p = message.find("HTTP "); p != std::string::npos; p = message.find("HTTP ", p + 5)) {
    if (p + 8 <= message.size() && std::isdigit(static_cast<unsigned char>(message[p + 5])) &&
        std::isdigit(static_cast<unsigned char>(message[p + 6])) &&
        std::isdigit(static_cast<unsigned char>(message[p + 7])) &&
        (p + 8 == message.size() || !std::isdigit(static_cast<unsigned char>(message[p + 8])))) {
      return std::stoi(message.substr(p + 5, 3));
    }
  }
  return 0;
}

// A failed probe call, told without any text of the answer: whatever answered
// (a tenant may aim a connection anywhere) must not be able to show the
// caller its response body. Local failures (no connection, timeout, refused
// target) keep their own message, which holds no remote text.
ProbeResult FailedCall(const std::string& kind, const Status& s) {
  if (s.code() == "transport" || s.code() == "timeout" || s.code() == "private_target") return Failed(s);
  ProbeResult r;
  r.status = "error";
  r.category = std::string(CategoryName(s.category()));
  const int http = HttpStatusIn(s.message());
  std::string what = kind == "woo" ? "the store" : "QuickBooks";
  r.message = what + (http ? " answered HTTP " + std::to_string(http) : " gave an unusable answer");
  switch (s.category()) {
    case ErrorCategory::kAuthentication: r.message += ": the credentials were refused"; break;
    case ErrorCategory::kNotFound: r.message += ": no API at this address (check the URL)"; break;
    case ErrorCategory::kRateLimit: r.message += ": rate limited, try again later"; break;
    case ErrorCategory::kNetwork: r.message += ": the service is unavailable or not the expected API"; break;
    default: r.message += ": not the expected API answer (check the URL and settings)"; break;
  }
  return r;
}

}  // namespace

Json ProbeResult::ToJson() const {
  Json j = {{"status", status}, {"checkedAt", checked_at_ms ? FormatIso8601Utc(checked_at_ms) : ""},
            {"latencyMs", latency_ms}, {"cached", cached}};
  if (status == "error") {
    j["category"] = category;
    j["message"] = message;
  }
  return j;
}

ProbeResult ConnectivityProbe::Probe(const store::Connection& c) {
  if (!c.enabled) {
    ProbeResult r;
    r.status = "disabled";
    return r;
  }
  CappedTransport transport(*ctx_.transport, ctx_.config->probe_timeout_ms);
  Status s;
  const engine::Platform* platform = platforms::Registry().Find(c.kind);
  if (platform == nullptr || !platform->probe) {
    s = Status::Validation("connector kind '" + c.kind + "' has no health probe");
  } else {
    if (c.kind == "qbo") {
      // Refresh through the server's token manager first, so concurrent
      // probes and runs never spend one refresh token twice.
      auto cfg = qbo::ConfigOf(c);
      if (!cfg.ok()) return Failed(cfg.status());
      Status fresh = ctx_.tokens->EnsureFresh(c.tenant_id, c.id, cfg->refresh_margin_ms);
      if (!fresh.ok()) return FailedCall(c.kind, fresh);
    }
    engine::EngineOptions options;
    options.insecure_skip_tls_verify = ctx_.config->insecure_skip_tls_verify;
    engine::ConnectorEnv env{*ctx_.store, c.tenant_id, transport, *ctx_.clock, options};
    s = platform->probe(env, c);
  }
  if (!s.ok()) return FailedCall(c.kind, s);
  ProbeResult r;
  r.status = "ok";
  return r;
}

ProbeResult ConnectivityProbe::Check(const store::Connection& c, bool force) {
  const auto key = std::make_pair(c.tenant_id, c.id);
  const int64_t now = ctx_.clock->NowMillis();
  if (!force && c.enabled) {
    std::lock_guard lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.status != "disabled" &&
        now - it->second.checked_at_ms < ctx_.config->probe_ttl_s * 1000) {
      ProbeResult r = it->second;
      r.cached = true;
      return r;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  ProbeResult r = Probe(c);
  r.latency_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  r.checked_at_ms = ctx_.clock->NowMillis();
  {
    std::lock_guard lock(mu_);
    cache_[key] = r;
  }
  ctx_.metrics->Set("easysale_connection_up", {{"tenant", c.tenant_id}, {"connection", c.id}, {"kind", c.kind}},
                    r.status == "ok" ? 1 : 0);
  return r;
}

void ConnectivityProbe::Forget(const std::string& tenant, const std::string& id) {
  std::lock_guard lock(mu_);
  cache_.erase(std::make_pair(tenant, id));
}

Json ConnectivityProbe::Summary(const std::string& tenant) const {
  std::lock_guard lock(mu_);
  int64_t ok = 0, error = 0, disabled = 0;
  Json mine = Json::array();
  for (const auto& [key, r] : cache_) {
    if (r.status == "ok") ++ok;
    else if (r.status == "error") ++error;
    else ++disabled;
    if (!tenant.empty() && key.first == tenant) {
      Json j = r.ToJson();
      j["id"] = key.second;
      mine.push_back(j);
    }
  }
  Json out = {{"probed", static_cast<int64_t>(cache_.size())}, {"ok", ok}, {"error", error}, {"disabled", disabled}};
  if (!tenant.empty()) out["connections"] = mine;
  return out;
}

}  // namespace es::server
