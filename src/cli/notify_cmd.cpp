// `notify set|show|test`: a tenant's notification settings (notify/config.h).
#include <cstdio>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/notify_cli.h"
#include "notify/config.h"

namespace es::cli {

CliNotifier::CliNotifier(store::StateStore& store) : transport_(http::MakeCurlTransport()) {
  notify::NotifierOptions o;
  o.policy.allow_private_targets = true;
  notifier_ = std::make_unique<notify::Notifier>(store, *transport_, SystemClock::Get(), mail_, std::move(o));
}

namespace {

struct NotifyArgs {
  Common common;
  std::string json_text;  // --settings: a whole update as JSON
  std::string webhook_url, webhook_secret;
  bool no_webhook = false;
  std::string smtp_url, smtp_user, smtp_password, from, to;
  std::string starttls;  // "", "true", "false"
  bool no_email = false;
  int rate_limit_minutes = -1;
  int64_t failed_queue_threshold = 0;
  std::string kinds;  // comma list, "all"
  bool enable = false, disable = false;
};

// The update the options describe (on top of --settings when given).
Result<Json> UpdateFromArgs(const NotifyArgs& a) {
  Json u = Json::object();
  if (!a.json_text.empty()) {
    auto j = ParseJson(a.json_text);
    if (!j.ok() || !j->is_object()) return Status::Validation("--settings must be a JSON object");
    u = *j;
  }
  if (a.enable && a.disable) return Status::Validation("--enable and --disable exclude each other");
  if (a.enable) u["enabled"] = true;
  if (a.disable) u["enabled"] = false;
  if (a.rate_limit_minutes >= 0) u["rateLimitMinutes"] = a.rate_limit_minutes;
  if (a.failed_queue_threshold > 0) u["failedQueueThreshold"] = a.failed_queue_threshold;
  if (!a.kinds.empty()) u["kinds"] = a.kinds == "all" ? std::vector<std::string>{} : SplitList(a.kinds);
  if (a.no_webhook) {
    u["webhook"] = nullptr;
  } else if (!a.webhook_url.empty() || !a.webhook_secret.empty()) {
    Json w = u.contains("webhook") && u["webhook"].is_object() ? u["webhook"] : Json::object();
    if (!a.webhook_url.empty()) w["url"] = a.webhook_url;
    if (!a.webhook_secret.empty()) w["secret"] = a.webhook_secret;
    u["webhook"] = w;
  }
  if (a.no_email) {
    u["email"] = nullptr;
  } else if (!a.smtp_url.empty() || !a.smtp_user.empty() || !a.smtp_password.empty() || !a.from.empty() ||
             !a.to.empty() || !a.starttls.empty()) {
    Json e = u.contains("email") && u["email"].is_object() ? u["email"] : Json::object();
    if (!a.smtp_url.empty()) e["smtpUrl"] = a.smtp_url;
    if (!a.smtp_user.empty()) e["username"] = a.smtp_user;
    if (!a.smtp_password.empty()) e["password"] = a.smtp_password;
    if (!a.from.empty()) e["from"] = a.from;
    if (!a.to.empty()) e["to"] = SplitList(a.to);
    if (!a.starttls.empty()) e["starttls"] = a.starttls == "true";
    u["email"] = e;
  }
  return u;
}

Result<std::optional<notify::NotifyConfig>> Load(store::StateStore& store, const std::string& tenant) {
  ES_ASSIGN_OR_RETURN(auto settings, store.GetNotificationSettings(tenant));
  if (!settings.has_value()) return std::optional<notify::NotifyConfig>();
  ES_ASSIGN_OR_RETURN(notify::NotifyConfig c, notify::NotifyConfig::FromSettings(*settings));
  return std::optional<notify::NotifyConfig>(std::move(c));
}

void PrintSettings(const notify::NotifyConfig& c) {
  const Json m = c.Masked();
  printf("Notifications: %s, at most one per kind every %d min, failed queue threshold %lld\n",
         c.enabled ? "enabled" : "disabled", c.rate_limit_minutes, static_cast<long long>(c.failed_queue_threshold));
  printf("  kinds:   %s\n", c.kinds.empty() ? "all" : DumpJson(m["kinds"]).c_str());
  if (c.webhook.has_value()) {
    printf("  webhook: %s (secret %s)\n", c.webhook->url.c_str(), c.webhook->secret.empty() ? "missing" : "set");
  } else {
    printf("  webhook: (none)\n");
  }
  if (c.email.has_value()) {
    std::string to;
    for (const auto& t : c.email->to) to += (to.empty() ? "" : ", ") + t;
    printf("  email:   %s → %s via %s%s%s\n", c.email->from.c_str(), to.c_str(), c.email->smtp_url.c_str(),
           c.email->starttls ? " (STARTTLS)" : "",
           c.email->username.empty() ? "" : (" as " + c.email->username + " (password " +
                                             (c.email->password.empty() ? "none" : "set") + ")").c_str());
  } else {
    printf("  email:   (none)\n");
  }
}

int RunSet(const NotifyArgs& a) {
  auto update = UpdateFromArgs(a);
  if (!update.ok()) return FailLine(update.status());
  const bool writes_secret = !a.webhook_secret.empty() || !a.smtp_password.empty() ||
                             a.json_text.find("secret") != std::string::npos ||
                             a.json_text.find("password") != std::string::npos;
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc, writes_secret ? Credentials::kWrite : Credentials::kRead);
  if (!store) return rc;
  auto current = Load(*store, a.common.tenant);
  if (!current.ok()) return Fail("reading the notification settings", current.status());
  auto next = current->value_or(notify::NotifyConfig{}).Updated(*update);
  if (!next.ok()) return FailLine(next.status());
  Status s = store->PutNotificationSettings(next->ToSettings(a.common.tenant, SystemClock::Get().NowMillis()));
  if (!s.ok()) return Fail("saving the notification settings", s);
  if (a.common.json) {
    printf("%s\n", DumpJson(next->Masked()).c_str());
  } else {
    PrintSettings(*next);
  }
  return 0;
}

int RunShow(const NotifyArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  auto current = Load(*store, a.common.tenant);
  if (!current.ok()) return Fail("reading the notification settings", current.status());
  auto log = store->ListNotificationLog(a.common.tenant, 10);
  if (!log.ok()) return Fail("reading the notification log", log.status());
  if (a.common.json) {
    Json recent = Json::array();
    for (const auto& e : *log) {
      recent.push_back({{"kind", e.kind}, {"subject", e.subject}, {"suppressed", e.suppressed},
                        {"webhook", e.webhook}, {"email", e.email}, {"sent_at", FormatIso8601Utc(e.sent_at_ms)}});
    }
    printf("%s\n", DumpJson(Json{{"configured", current->has_value()},
                                 {"settings", current->has_value() ? (*current)->Masked() : Json(nullptr)},
                                 {"recent", recent}})
                       .c_str());
    return 0;
  }
  if (!current->has_value()) {
    printf("No notifications configured for tenant %s (easysale-sync notify set --help).\n", a.common.tenant.c_str());
  } else {
    PrintSettings(**current);
  }
  for (const auto& e : *log) {
    printf("  %s  %-20s %s%s\n", FormatIso8601Utc(e.sent_at_ms).c_str(), e.kind.c_str(), e.subject.c_str(),
           e.suppressed > 0 ? (" (+" + std::to_string(e.suppressed) + " more)").c_str() : "");
  }
  return 0;
}

int RunTest(const NotifyArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  CliNotifier cli(*store);
  notify::NotificationEvent e;
  e.tenant_id = a.common.tenant;
  e.kind = std::string(notify::kTest);
  e.subject = "Test notification";
  e.message = "This is a test of the notification settings of tenant " + a.common.tenant +
              ", sent with easysale-sync notify test.";
  auto r = cli.notifier().Dispatch(e);
  if (!r.ok()) return Fail("notify test", r.status());
  if (!r->sent) {
    return FailLine(Status::Validation("nothing to send: notifications are " + r->skipped +
                                       " (easysale-sync notify set --webhook-url … or --smtp-url …)"));
  }
  auto outcome = [](bool tried, const Status& s) -> std::string {
    if (!tried) return "not configured";
    return s.ok() ? "sent" : "failed: " + s.message();
  };
  if (a.common.json) {
    printf("%s\n", DumpJson(Json{{"webhook", outcome(r->webhook_tried, r->webhook)},
                                 {"email", outcome(r->email_tried, r->email)}})
                       .c_str());
  } else {
    printf("webhook: %s\nemail:   %s\n", outcome(r->webhook_tried, r->webhook).c_str(),
           outcome(r->email_tried, r->email).c_str());
  }
  const bool failed = (r->webhook_tried && !r->webhook.ok()) || (r->email_tried && !r->email.ok());
  return failed ? 1 : 0;
}

}  // namespace

void AddNotifyCommands(CLI::App& app) {
  auto* notify = app.add_subcommand("notify", "Notifications of failed runs, refused credentials, disabled webhooks");
  notify->require_subcommand(1);

  auto set = std::make_shared<NotifyArgs>();
  auto* s = notify->add_subcommand("set", "Change the tenant's notification settings (merged with the stored ones)");
  AddCommon(s, set->common);
  s->add_option("--settings", set->json_text, "a whole update as JSON (docs/notifications.md)");
  s->add_option("--webhook-url", set->webhook_url, "URL receiving a signed POST per notification");
  s->add_option("--webhook-secret", set->webhook_secret, "HMAC-SHA256 key of the signature (16+ characters)")
      ->envname("EASYSALE_NOTIFY_WEBHOOK_SECRET");
  s->add_flag("--no-webhook", set->no_webhook, "remove the webhook target");
  s->add_option("--smtp-url", set->smtp_url, "smtp://host[:port] or smtps://host[:port]");
  s->add_option("--smtp-user", set->smtp_user, "SMTP AUTH user (optional)");
  s->add_option("--smtp-password", set->smtp_password, "SMTP AUTH password")->envname("EASYSALE_SMTP_PASSWORD");
  s->add_option("--starttls", set->starttls, "smtp:// only: require STARTTLS (true|false)")
      ->check(CLI::IsMember({"true", "false"}));
  s->add_option("--from", set->from, "sender address");
  s->add_option("--to", set->to, "comma list of recipient addresses");
  s->add_flag("--no-email", set->no_email, "remove the e-mail target");
  s->add_option("--rate-limit-minutes", set->rate_limit_minutes, "one notification per kind per window (0-1440)");
  s->add_option("--failed-queue-threshold", set->failed_queue_threshold, "failed queue size that counts as growing");
  s->add_option("--kinds", set->kinds,
                "comma list of run_failed,auth_failed,webhook_disabled,webhook_missing,qbo_document_changed,failed_queue_growing, or all");
  s->add_flag("--enable", set->enable, "turn notifications on");
  s->add_flag("--disable", set->disable, "turn notifications off (settings kept)");
  s->callback([set] { SetExitCode(RunSet(*set)); });

  auto show = std::make_shared<NotifyArgs>();
  auto* sh = notify->add_subcommand("show", "Print the settings (secrets hidden) and the latest notifications sent");
  AddCommon(sh, show->common);
  sh->callback([show] { SetExitCode(RunShow(*show)); });

  auto test = std::make_shared<NotifyArgs>();
  auto* t = notify->add_subcommand("test", "Send a test notification now through every configured target");
  AddCommon(t, test->common);
  t->callback([test] { SetExitCode(RunTest(*test)); });
}

}  // namespace es::cli
