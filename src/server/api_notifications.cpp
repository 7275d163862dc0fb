// Notification settings of the caller's tenant (SPEC F12; notify/config.h).
//
//   GET  /api/v1/notifications        user   {"configured","settings"(secrets masked),"updatedAt","recent":[…]}
//   PUT  /api/v1/notifications        admin  body: a NotifyConfig update; answers like GET
//   POST /api/v1/notifications/test   admin  sends a "test" notification now (never rate limited):
//                                            {"sent","webhook","email"} with "sent"/"failed: …"/null
//
// Secrets (webhook.secret, email.password) are write-only like connection
// credentials: answers carry "secretSet"/"passwordSet", URLs lose any
// userinfo, and the audit log records only which fields changed.
#include "common/clock.h"
#include "notify/config.h"
#include "notify/notifier.h"
#include "server/api_util.h"
#include "server/http_server.h"

namespace es::server {
namespace {

constexpr int kRecent = 20;

Result<notify::NotifyConfig> LoadConfig(ServerContext& ctx, const std::string& tenant, int64_t* updated_at,
                                        bool* configured) {
  ES_ASSIGN_OR_RETURN(auto settings, ctx.store->GetNotificationSettings(tenant));
  *configured = settings.has_value();
  if (!settings.has_value()) return notify::NotifyConfig{};
  *updated_at = settings->updated_at_ms;
  return notify::NotifyConfig::FromSettings(*settings);
}

Json LogJson(const store::NotificationLogEntry& e) {
  auto outcome = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  return Json{{"kind", e.kind},          {"subject", e.subject},         {"suppressed", e.suppressed},
              {"webhook", outcome(e.webhook)}, {"email", outcome(e.email)}, {"sentAt", FormatIso8601Utc(e.sent_at_ms)}};
}

void Reply(ServerContext& ctx, ApiRequest& r, int status) {
  int64_t updated_at = 0;
  bool configured = false;
  auto config = LoadConfig(ctx, r.caller.tenant_id, &updated_at, &configured);
  if (!config.ok()) return r.Fail(config.status());
  Json settings = config->Masked();
  if (settings["webhook"].is_object()) {
    settings["webhook"]["url"] = MaskUrlUserinfo(settings["webhook"]["url"].get<std::string>());
  }
  if (settings["email"].is_object()) {
    settings["email"]["smtpUrl"] = MaskUrlUserinfo(settings["email"]["smtpUrl"].get<std::string>());
  }
  Json recent = Json::array();
  auto log = ctx.store->ListNotificationLog(r.caller.tenant_id, kRecent);
  if (!log.ok()) return r.Fail(log.status());
  for (const auto& e : *log) recent.push_back(LogJson(e));
  r.Reply(status, {{"configured", configured},
                   {"settings", settings},
                   {"updatedAt", configured ? Json(FormatIso8601Utc(updated_at)) : Json(nullptr)},
                   {"recent", recent}});
}

void Put(ServerContext& ctx, ApiRequest& r) {
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  int64_t updated_at = 0;
  bool configured = false;
  auto current = LoadConfig(ctx, r.caller.tenant_id, &updated_at, &configured);
  if (!current.ok()) return r.Fail(current.status());
  auto next = current->Updated(*body);
  if (!next.ok()) return r.Fail(next.status());
  Status s = ctx.store->PutNotificationSettings(next->ToSettings(r.caller.tenant_id, ctx.clock->NowMillis()));
  if (!s.ok()) return r.Fail(s);
  Json fields = Json::array();  // names only, never values
  for (auto it = body->begin(); it != body->end(); ++it) {
    if (it->is_object()) {
      for (auto sub = it->begin(); sub != it->end(); ++sub) fields.push_back(it.key() + "." + sub.key());
    } else {
      fields.push_back(it.key());
    }
  }
  ctx.Audit(r.caller, "notifications.update", "notifications", {{"fields", fields}});
  Reply(ctx, r, 200);
}

void Test(ServerContext& ctx, ApiRequest& r) {
  notify::NotificationEvent e;
  e.tenant_id = r.caller.tenant_id;
  e.kind = std::string(notify::kTest);
  e.subject = "Test notification";
  e.message = "This is a test of the notification settings of tenant " + r.caller.tenant_id +
              ", sent on request of user " + r.caller.user_id + ".";
  e.detail = Json{{"user", r.caller.user_id}};
  auto result = ctx.notifier->Dispatch(e);
  if (!result.ok()) return r.Fail(result.status());
  if (!result->sent) {
    return r.Fail(Status::Validation("nothing to send: notifications are " + result->skipped +
                                     " (configure a webhook or an e-mail relay first)"));
  }
  auto outcome = [](bool tried, const Status& s) {
    if (!tried) return Json(nullptr);
    return s.ok() ? Json("sent") : Json("failed: " + s.message());
  };
  ctx.Audit(r.caller, "notifications.test", "notifications");
  r.Reply(200, {{"sent", result->sent},
                {"webhook", outcome(result->webhook_tried, result->webhook)},
                {"email", outcome(result->email_tried, result->email)}});
}

}  // namespace

void RegisterNotificationRoutes(ServerContext& ctx, Router& router) {
  ServerContext* c = &ctx;
  const std::string base = "/api/v1/notifications";
  router.Add("GET", base, Access::kUser, [c](ApiRequest& r) { Reply(*c, r, 200); });
  router.Add("PUT", base, Access::kAdmin, [c](ApiRequest& r) { Put(*c, r); });
  router.Add("POST", base + "/test", Access::kAdmin, [c](ApiRequest& r) { Test(*c, r); });
}

}  // namespace es::server
