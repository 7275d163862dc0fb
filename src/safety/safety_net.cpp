#include "safety/safety_net.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "connectors/woo/client.h"
#include "connectors/woo/sync/woo_platform.h"
#include "http/url.h"

namespace es::safety {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

const std::vector<std::string>& ExpectedWebhookTopics() {
  static const std::vector<std::string> kTopics = {"order.created", "order.updated"};
  return kTopics;
}

bool PointsAtReceiver(const std::string& delivery_url, const std::string& tenant, const std::string& connection) {
  auto url = http::ParseUrl(delivery_url);
  if (!url.ok()) return false;
  std::string path = url->path;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return EndsWith(path, "/webhooks/woo/" + tenant + "/" + connection);
}

Json PassReport::ToJson() const {
  Json hooks = Json::array();
  for (const WebhookCheckResult& w : webhooks) {
    hooks.push_back({{"tenant", w.tenant_id},
                     {"connection", w.connection_id},
                     {"webhooksSeen", w.webhooks_seen},
                     {"reenabled", w.reenabled},
                     {"missingTopics", w.missing_topics},
                     {"error", w.error}});
  }
  Json docs = Json::array();
  for (const CdcCheckResult& d : documents) docs.push_back(d.ToJson());
  return {{"pollsQueued", polls_queued}, {"pollsCoalesced", polls_coalesced}, {"webhooks", hooks},
          {"documents", docs},          {"purged", purged},                   {"errors", errors}};
}

SafetyNet::SafetyNet(store::StateStore& store, http::Transport& transport, Clock& clock, notify::EventSink* events,
                     EnqueueFn enqueue, SafetyOptions options)
    : store_(store),
      transport_(transport),
      clock_(clock),
      events_(events),
      enqueue_(std::move(enqueue)),
      options_(options) {}

SafetyNet::~SafetyNet() { Stop(); }

WebhookCheckResult SafetyNet::CheckWebhooks(const store::Connection& c) {
  WebhookCheckResult out;
  out.tenant_id = c.tenant_id;
  out.connection_id = c.id;
  auto secret = ParseJson(c.secret.empty() ? "{}" : c.secret);
  if (!secret.ok() || !secret->is_object()) {
    out.error = "the connection's credentials are not readable";
    return out;
  }
  auto creds = woo::CredentialsOf(c, *secret);
  if (!creds.ok()) {
    out.error = creds.status().message();
    return out;
  }
  woo::Client client(*creds, transport_, clock_);
  auto hooks = client.ListWebhooks();
  if (!hooks.ok()) {
    out.error = "listing the shop's webhooks: " + hooks.status().message();
    return out;
  }
  std::vector<std::string> covered;
  for (const woo::ShopWebhook& w : *hooks) {
    if (!PointsAtReceiver(w.delivery_url, c.tenant_id, c.id)) continue;
    ++out.webhooks_seen;
    covered.push_back(w.topic);
    if (w.status == "active") continue;
    const std::string was = w.status;
    auto fixed = client.SetWebhookStatus(w.id, "active");
    const bool ok = fixed.ok() && fixed->status == "active";
    if (ok) out.reenabled.push_back(w.id);
    if (events_ != nullptr) {
      notify::NotificationEvent e;
      e.tenant_id = c.tenant_id;
      e.kind = std::string(notify::kWebhookDisabled);
      e.subject = "WooCommerce webhook " + std::to_string(w.id) + " (" + w.topic + ") was " + was +
                  (ok ? "; re-enabled" : "; could not be re-enabled");
      e.message = "The shop of connection '" + c.id + "' had its webhook " + std::to_string(w.id) + " for " +
                  w.topic + " " + was +
                  " (WooCommerce disables a webhook after repeated delivery failures and never re-sends what it "
                  "missed). " +
                  (ok ? "It was set active again; the safety-net poll picks up changes made meanwhile."
                      : "Setting it active failed: " + fixed.status().message() +
                            ". Re-enable it in WooCommerce > Settings > Advanced > Webhooks.");
      e.detail = {{"connection", c.id}, {"webhookId", w.id},   {"topic", w.topic},
                  {"status", was},      {"reenabled", ok}};
      e.at_ms = clock_.NowMillis();
      events_->Notify(e);
    }
    if (!ok && out.error.empty()) out.error = "re-enabling webhook " + std::to_string(w.id) + ": " + fixed.status().message();
  }
  for (const std::string& t : ExpectedWebhookTopics())
    if (std::find(covered.begin(), covered.end(), t) == covered.end()) out.missing_topics.push_back(t);
  if (!out.missing_topics.empty() && events_ != nullptr) {
    notify::NotificationEvent e;
    e.tenant_id = c.tenant_id;
    e.kind = std::string(notify::kWebhookMissing);
    e.subject = "WooCommerce webhooks missing for connection '" + c.id + "': " + Join(out.missing_topics);
    e.message = "No webhook of the shop of connection '" + c.id + "' delivers " + Join(out.missing_topics) +
                " to this service; changes are only found by the safety-net poll until one is added.";
    e.detail = {{"connection", c.id}, {"missingTopics", out.missing_topics}};
    e.at_ms = clock_.NowMillis();
    events_->Notify(e);
  }
  return out;
}

Result<PassReport> SafetyNet::RunPass() {
  std::lock_guard pass(pass_mu_);
  PassReport report;
  const int64_t now = clock_.NowMillis();
  if (options_.retention_ms > 0 && options_.purge_batch > 0) {
    while (true) {
      auto n = store_.PurgeWebhooks(now - options_.retention_ms, options_.purge_batch);
      if (!n.ok()) {
        report.errors.push_back("purging webhook deliveries: " + n.status().message());
        break;
      }
      report.purged += *n;
      if (*n < options_.purge_batch) break;
    }
  }
  if (options_.interval_ms <= 0) return report;
  ES_ASSIGN_OR_RETURN(std::vector<store::Tenant> tenants, store_.ListTenants());
  for (const store::Tenant& t : tenants) {
    auto conns = store_.ListConnections(t.id);
    if (!conns.ok()) {
      report.errors.push_back("tenant '" + t.id + "': listing connections: " + conns.status().message());
      continue;
    }
    std::vector<const store::Connection*> woo, qbo;
    for (const store::Connection& c : *conns) {
      if (!c.enabled) continue;
      if (c.kind == "woo") woo.push_back(&c);
      if (c.kind == "qbo") qbo.push_back(&c);
    }
    for (const store::Connection* s : woo) {
      for (const store::Connection* q : qbo) {
        if (!enqueue_) break;
        engine::SyncRequest req;
        req.tenant_id = t.id;
        req.source_connection = s->id;
        req.target_connection = q->id;
        req.mode = "incremental";
        req.triggered_by = "safety_poll";
        jobs::EnqueueOptions o;
        o.lane = "backfill";
        o.dedupe_key = "safety-poll:" + s->id + ":" + q->id;
        auto queued = enqueue_(req, o);
        if (!queued.ok()) {
          report.errors.push_back("tenant '" + t.id + "': queueing the poll of " + s->id + " → " + q->id + ": " +
                                  queued.status().message());
        } else if (*queued) {
          ++report.polls_coalesced;
        } else {
          ++report.polls_queued;
        }
      }
      if (!options_.check_webhooks) continue;
      auto secret = ParseJson(s->secret.empty() ? "{}" : s->secret);
      if (!secret.ok() || GetStringOr(*secret, "webhook_secret").empty()) continue;  // webhooks not in use
      WebhookCheckResult w = CheckWebhooks(*s);
      if (!w.error.empty()) report.errors.push_back("tenant '" + t.id + "', connection '" + s->id + "': " + w.error);
      report.webhooks.push_back(std::move(w));
    }
    if (!options_.check_qbo_documents) continue;
    for (const store::Connection* q : qbo) {
      auto booked = store_.CountMappings(t.id, q->id, "order");
      if (!booked.ok() || *booked == 0) continue;  // nothing written there yet
      CdcCheckResult d = QboWatch(store_, transport_, clock_, events_, options_.documents, options_.requests).Check(*q);
      if (!d.error.empty()) report.errors.push_back("tenant '" + t.id + "', connection '" + q->id + "': " + d.error);
      report.documents.push_back(std::move(d));
    }
  }
  return report;
}

void SafetyNet::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void SafetyNet::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SafetyNet::Loop() {
  // Without polls the purge still runs, hourly. The first pass comes one
  // interval after the start: a restart does not sync every pair at once.
  const int64_t wait_ms = options_.interval_ms > 0 ? options_.interval_ms : 3'600'000;
  while (true) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return stopping_; })) return;
    }
    auto report = RunPass();
    if (on_pass_) {
      if (report.ok()) {
        on_pass_(*report);
      } else {
        PassReport failed;
        failed.errors.push_back(report.status().message());
        on_pass_(failed);
      }
    }
  }
}

}  // namespace es::safety
