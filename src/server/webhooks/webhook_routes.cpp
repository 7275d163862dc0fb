// The webhook receivers and the webhook admin routes (webhook_service.h).
#include <optional>
#include <string>
#include <vector>

#include "platforms/platforms.h"
#include "server/api_util.h"
#include "server/isolating_store.h"
#include "server/log.h"
#include "server/webhooks/webhook_service.h"

namespace es::server {
namespace {

constexpr const char* kDeliveries = "easysale_webhook_deliveries_total";
// Verified against when a request has no usable secret (see ReceiveWoo).
constexpr const char* kNoSecret = "no-secret-is-configured-for-this-endpoint";

// A string credential of the connection's (plaintext) secret JSON; "" when absent.
std::string Credential(const std::string& secret, const char* name) {
  auto j = ParseJson(secret);
  return j.ok() ? GetStringOr(*j, name) : "";
}

struct Receipt {
  ServerContext& ctx;
  ApiRequest& r;
  const char* source;
  std::string tenant;  // set once the connection is known

  void Count(const std::string& outcome) const {
    Labels l = {{"source", source}, {"outcome", outcome}};
    if (!tenant.empty()) l["tenant"] = tenant;
    ctx.metrics->Add(kDeliveries, l);
  }
  void Answer(const std::string& outcome, Json body) {
    Count(outcome);
    body["status"] = outcome;
    r.Reply(200, body);
  }
  void Refuse(const std::string& outcome, int http_status, const Status& s) {
    Count(outcome);
    Log(LogLevel::kWarn, "webhook_refused",
        {{"source", source},
         {"outcome", outcome},
         {"tenant", tenant.empty() ? Json(nullptr) : Json(tenant)},
         {"category", std::string(CategoryName(s.category()))}});
    r.Fail(http_status, s);
  }

  // The addressed connection when it exists with this kind; nullopt (not
  // answered) when it does not exist, has another kind or cannot be read —
  // the caller then answers exactly as for a bad signature. Answers 503 and
  // sets *answered when the store failed.
  std::optional<store::Connection> Connection(const char* kind, std::string* why, bool* answered) {
    *answered = false;
    auto c = ctx.store->GetConnection(r.Param("tenant"), r.Param("connection"));
    if (!c.ok() && c.status().code() == kCredentialsUnreadable) {
      *why = "credentials_unreadable";
      return std::nullopt;
    }
    if (!c.ok()) {
      Refuse("store_error", 503, Status::Network("the webhook could not be checked; try again"));
      *answered = true;
      return std::nullopt;
    }
    if (!c->has_value() || (*c)->kind != kind) {
      *why = "unknown_connection";
      return std::nullopt;
    }
    tenant = (*c)->tenant_id;
    return std::move(**c);
  }

  // The one answer for every request that is not a verified delivery of an
  // existing connection (unknown tenant or connection, no secret set,
  // credentials unreadable, bad signature): an anonymous caller cannot tell
  // which names exist. The reason goes to the log and the metric only.
  void NotVerified(const std::string& outcome) {
    Refuse(outcome, 401, Status::Authentication("the webhook signature could not be verified"));
  }

  // False (and answered) when the tenant switched webhooks off or the store failed.
  bool Enabled() {
    auto on = ctx.store->WebhooksEnabled(tenant);
    if (!on.ok()) {
      Refuse("store_error", 503, Status::Network("the webhook could not be queued; try again"));
      return false;
    }
    if (!*on) {
      Answer("disabled", {{"reason", "webhooks are disabled for this tenant"}});
      return false;
    }
    return true;
  }
};

// One receiver for every platform with signed webhooks (the registry's
// WebhookHandler): look the connection up, verify — always, against a key
// nobody has when there is no secret, so every refusal looks and takes the
// same — then parse, and queue each change under its dedupe key.
void Receive(ServerContext& ctx, WebhookService& service, ApiRequest& r, const std::string& kind,
             const engine::WebhookHandler& handler) {
  Receipt rc{ctx, r, kind.c_str(), ""};
  const engine::HeaderLookup header = [&](std::string_view name) {
    return r.http.get_header_value(std::string(name));
  };
  // An unsigned ping changes nothing: answered alike for every path.
  if (handler.is_ping && handler.is_ping(header, r.http.body)) return rc.Answer("ping", Json::object());
  std::string why;
  bool answered = false;
  auto conn = rc.Connection(kind.c_str(), &why, &answered);
  if (answered) return;
  const std::string secret = conn ? Credential(conn->secret, handler.secret_key.c_str()) : std::string();
  Status sig = handler.verify(header, r.http.body, secret.empty() ? std::string(kNoSecret) : secret);
  if (!conn) return rc.NotVerified(why);
  if (secret.empty()) return rc.NotVerified("no_secret");
  if (!sig.ok()) return rc.NotVerified("forged");
  if (!rc.Enabled()) return;
  auto receipt = handler.parse(header, r.http.body, *conn);
  if (!receipt.ok()) return rc.Refuse("malformed", 400, receipt.status());
  int queued = 0, duplicates = 0, ignored = 0;
  std::string ignored_topic;
  const int64_t now = ctx.clock->NowMillis();
  for (const auto& ch : receipt->changes) {
    if (ch.entity.empty()) {
      ++ignored;
      ignored_topic = ch.topic;
      continue;
    }
    store::WebhookDelivery d;
    d.tenant_id = rc.tenant;
    d.connection_id = conn->id;
    d.source = kind;
    d.delivery_id = ch.dedupe_key;
    d.topic = ch.topic;
    d.entity = ch.entity;
    d.record_id = ch.record_id;
    d.detail = ch.detail;
    d.received_at_ms = now;
    d.next_attempt_at_ms = now;
    auto inserted = ctx.store->EnqueueWebhook(d);
    if (!inserted.ok()) {
      return rc.Refuse("store_error", 503, Status::Network("the webhook could not be queued; try again"));
    }
    ++(*inserted ? queued : duplicates);
  }
  if (queued > 0) service.Notify();
  Json body = {{"queued", queued}, {"duplicates", duplicates}, {"ignored", ignored}, {"rejected", receipt->rejected}};
  if (!receipt->delivery_id.empty()) body["deliveryId"] = receipt->delivery_id;
  if (queued + duplicates == 0 && !ignored_topic.empty())
    body["reason"] = "topic '" + ignored_topic + "' does not start a sync";
  rc.Answer(queued > 0 ? "queued" : duplicates > 0 ? "duplicate" : "ignored", std::move(body));
}

Json DeliveryJson(const store::WebhookDelivery& d) {
  return {{"seq", d.seq},
          {"connection", d.connection_id},
          {"source", d.source},
          {"deliveryId", d.delivery_id},
          {"topic", d.topic},
          {"entity", d.entity},
          {"recordId", d.record_id},
          {"status", d.status},
          {"attempts", d.attempts},
          {"receivedAt", d.received_at_ms},
          {"finishedAt", d.finished_at_ms},
          {"runId", d.run_id},
          {"error", d.error}};
}

void Overview(ServerContext& ctx, ApiRequest& r) {
  const std::string& tenant = r.caller.tenant_id;
  store::WebhookFilter f;
  f.tenant_id = tenant;
  f.status = r.Query("status");
  f.connection_id = r.Query("connection");
  auto limit = ParseCountParam(r.Query("limit"), "limit", 100, 1000);
  if (!limit.ok()) return r.Fail(limit.status());
  if (*limit == 0) return r.Fail(Status::Validation("'limit' must be at least 1"));
  f.limit = static_cast<int>(*limit);
  auto on = ctx.store->WebhooksEnabled(tenant);
  auto counts = ctx.store->CountWebhooks(tenant);
  auto list = ctx.store->ListWebhooks(f);
  auto conns = ctx.store->ListConnections(tenant);
  if (!on.ok()) return r.Fail(on.status());
  if (!counts.ok()) return r.Fail(counts.status());
  if (!list.ok()) return r.Fail(list.status());
  if (!conns.ok()) return r.Fail(conns.status());
  Json endpoints = Json::object();
  for (const auto& c : *conns) {
    const engine::Platform* p = platforms::Registry().Find(c.kind);
    if (p != nullptr && p->webhooks.verify) endpoints[c.id] = "/webhooks/" + c.kind + "/" + tenant + "/" + c.id;
  }
  Json deliveries = Json::array();
  for (const auto& d : *list) deliveries.push_back(DeliveryJson(d));
  r.Reply(200, {{"enabled", *on}, {"counts", *counts}, {"endpoints", endpoints}, {"deliveries", deliveries}});
}

void PutSettings(ServerContext& ctx, ApiRequest& r) {
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  if (!body->contains("enabled") || !(*body)["enabled"].is_boolean()) {
    return r.Fail(Status::Validation("'enabled' must be true or false"));
  }
  const bool enabled = (*body)["enabled"].get<bool>();
  Status s = ctx.store->SetWebhooksEnabled(r.caller.tenant_id, enabled, ctx.clock->NowMillis());
  if (!s.ok()) return r.Fail(s);
  ctx.Audit(r.caller, enabled ? "webhooks.enable" : "webhooks.disable", "tenant:" + r.caller.tenant_id);
  r.Reply(200, {{"enabled", enabled}});
}

}  // namespace

void RegisterWebhookRoutes(ServerContext& ctx, Router& router, WebhookService& service) {
  ServerContext* c = &ctx;
  WebhookService* svc = &service;
  ctx.metrics->Describe(kDeliveries, "counter", "Webhook deliveries received, by source and outcome");
  for (const std::string& kind : platforms::Registry().Kinds()) {
    const engine::Platform* p = platforms::Registry().Find(kind);
    if (!p->webhooks.verify) continue;
    router.Add("POST", "/webhooks/" + kind + "/{tenant}/{connection}", Access::kPublic,
               [c, svc, kind, p](ApiRequest& r) { Receive(*c, *svc, r, kind, p->webhooks); });
  }
  router.Add("GET", "/api/v1/webhooks", Access::kUser, [c](ApiRequest& r) { Overview(*c, r); });
  router.Add("PUT", "/api/v1/webhooks/settings", Access::kAdmin, [c](ApiRequest& r) { PutSettings(*c, r); });
}

}  // namespace es::server
