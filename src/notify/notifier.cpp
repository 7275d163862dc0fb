#include "notify/notifier.h"

#include <cstdio>

#include "common/crypto.h"
#include "notify/config.h"
#include "notify/signature.h"

namespace es::notify {
namespace {

std::string Outcome(bool tried, const Status& s) {
  if (!tried) return "";
  return s.ok() ? "sent" : "failed: " + s.message();
}

// The SMTP relay's host and whether to refuse internal addresses at connect
// time; Validation when the host is an internal literal the policy does not allow.
Result<bool> SmtpPublicOnly(const http::TargetPolicy& policy, const std::string& url) {
  if (policy.allow_private_targets) return false;
  const bool smtps = url.rfind("smtps://", 0) == 0;
  const std::string rest = url.substr(smtps ? 8 : 7);
  auto target = http::ParseUrlTarget((smtps ? "https://" : "http://") + rest);
  if (!target.ok()) return Status::Validation("email.smtpUrl: " + target.status().message());
  const std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  const size_t bracket = authority.rfind(']');
  const bool explicit_port = authority.find(':', bracket == std::string::npos ? 0 : bracket) != std::string::npos;
  if (!explicit_port) target->port = smtps ? 465 : 25;
  if (policy.Allows(*target)) return false;
  if (http::ClassifyHost(target->host) != http::AddressClass::kPublic) {
    return Status::Validation(
        "email.smtpUrl points at an internal address; the operator must allow it (network.allowed_targets)",
        "private_target");
  }
  return true;
}

std::string MailBody(const NotificationEvent& e, int64_t suppressed) {
  std::string body = e.message.empty() ? e.subject : e.message;
  body += "\n\n";
  body += "Tenant: " + e.tenant_id + "\n";
  body += "Event: " + e.kind + "\n";
  body += "When: " + FormatIso8601Utc(e.at_ms) + "\n";
  if (suppressed > 0) {
    body += "Also: " + std::to_string(suppressed) + " more event(s) of this kind since the previous notification\n";
  }
  if (e.detail.is_object() && !e.detail.empty()) {
    body += "\nDetails:\n";
    for (auto it = e.detail.begin(); it != e.detail.end(); ++it) {
      body += "  " + it.key() + ": " + (it->is_string() ? it->get<std::string>() : DumpJson(*it)) + "\n";
    }
  }
  body += "\n-- \nEasySale Sync notifications (rate limited per kind; settings: easysale-sync notify set)\n";
  return body;
}

}  // namespace

Json WebhookPayload(const NotificationEvent& e, const std::string& delivery_id, int64_t suppressed) {
  return Json{{"id", delivery_id},
              {"kind", e.kind},
              {"tenant", e.tenant_id},
              {"subject", e.subject},
              {"message", e.message},
              {"detail", e.detail.is_object() ? e.detail : Json::object()},
              {"occurredAt", FormatIso8601Utc(e.at_ms)},
              {"suppressed", suppressed}};
}

Notifier::Notifier(store::NotificationStore& store, http::Transport& transport, Clock& clock, MailSender& mail,
                   NotifierOptions options)
    : store_(store), transport_(transport), clock_(clock), mail_(mail), options_(std::move(options)) {}

void Notifier::Notify(const NotificationEvent& event) {
  try {
    auto r = Dispatch(event);
    if (!r.ok()) return Report(event, "dispatch", r.status());
    if (r->webhook_tried && !r->webhook.ok()) Report(event, "webhook", r->webhook);
    if (r->email_tried && !r->email.ok()) Report(event, "email", r->email);
  } catch (...) {
    // Never let a notification take down the caller.
  }
}

void Notifier::Report(const NotificationEvent& event, const char* channel, const Status& why) const {
  if (options_.on_failure) return options_.on_failure(event, channel, why);
  fprintf(stderr, "warning: notification %s (tenant %s) %s failed: %s\n", event.kind.c_str(),
          event.tenant_id.c_str(), channel, why.ToString().c_str());
}

Result<DispatchResult> Notifier::Dispatch(const NotificationEvent& in) {
  if (in.tenant_id.empty()) return Status::Validation("notification event has no tenant");
  if (!KnownKind(in.kind)) return Status::Validation("unknown notification kind '" + in.kind + "'");
  NotificationEvent e = in;
  for (char& c : e.subject) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  const int64_t now = clock_.NowMillis();
  if (e.at_ms == 0) e.at_ms = now;
  DispatchResult result;
  ES_ASSIGN_OR_RETURN(auto settings, store_.GetNotificationSettings(e.tenant_id));
  if (!settings.has_value()) {
    result.skipped = "not_configured";
    return result;
  }
  ES_ASSIGN_OR_RETURN(NotifyConfig config, NotifyConfig::FromSettings(*settings));
  if (!config.enabled) {
    result.skipped = "disabled";
    return result;
  }
  if (!config.Wants(e.kind)) {
    result.skipped = config.webhook.has_value() || config.email.has_value() ? "not_selected" : "not_configured";
    return result;
  }
  if (e.kind == kFailedQueueGrowing && GetIntOr(e.detail, "failedQueue", 0) < config.failed_queue_threshold) {
    result.skipped = "below_threshold";
    return result;
  }
  int64_t suppressed = 0;
  if (e.kind != kTest) {
    ES_ASSIGN_OR_RETURN(store::NotificationSlot slot,
                        store_.ReserveNotification(e.tenant_id, e.kind, now, config.window_ms()));
    if (!slot.send) {
      result.skipped = "rate_limited";
      result.suppressed = slot.suppressed;
      return result;
    }
    suppressed = slot.suppressed;
  }
  result.sent = true;
  result.suppressed = suppressed;
  if (config.webhook.has_value()) {
    result.webhook_tried = true;
    const std::string body = DumpJson(WebhookPayload(e, crypto::Uuid4(), suppressed));
    result.webhook = PostWebhook(*config.webhook, e.kind, body);
  }
  if (config.email.has_value()) {
    result.email_tried = true;
    result.email = SendEmail(*config.email, e, suppressed, now);
  }
  store::NotificationLogEntry entry;
  entry.tenant_id = e.tenant_id;
  entry.kind = e.kind;
  entry.subject = e.subject;
  entry.suppressed = suppressed;
  entry.webhook = Outcome(result.webhook_tried, result.webhook);
  entry.email = Outcome(result.email_tried, result.email);
  entry.sent_at_ms = now;
  ES_RETURN_IF_ERROR(store_.AddNotificationLog(entry));
  return result;
}

Status Notifier::PostWebhook(const WebhookTarget& target, const std::string& kind, const std::string& body) {
  http::Request req;
  req.method = "POST";
  req.url = target.url;
  req.body = body;
  req.timeout = options_.timeout;
  req.headers = {{"Content-Type", "application/json"},
                 {"User-Agent", "EasySale-Sync-Notifier/1"},
                 {kEventHeader, kind},
                 {kDeliveryHeader, crypto::Uuid4()},
                 {kSignatureHeader, SignBody(target.secret, body)}};
  auto resp = transport_.Send(req);
  if (!resp.ok()) return resp.status();
  if (resp->status < 200 || resp->status > 299) {
    return Status::Network("notification webhook answered HTTP " + std::to_string(resp->status));
  }
  return Status::Ok();
}

Status Notifier::SendEmail(const EmailTarget& target, const NotificationEvent& e, int64_t suppressed,
                           int64_t now_ms) {
  SmtpRelay relay;
  relay.url = target.smtp_url;
  relay.username = target.username;
  relay.password = target.password;
  relay.starttls = target.starttls;
  relay.insecure_skip_tls_verify = options_.insecure_skip_tls_verify;
  relay.timeout = options_.timeout;
  ES_ASSIGN_OR_RETURN(relay.public_addresses_only, SmtpPublicOnly(options_.policy, target.smtp_url));
  MailMessage m;
  m.from = target.from;
  m.to = target.to;
  m.subject = "[EasySale Sync] " + e.subject;
  if (suppressed > 0) m.subject += " (+" + std::to_string(suppressed) + " more)";
  m.body = MailBody(e, suppressed);
  return mail_.Send(relay, m, now_ms);
}

}  // namespace es::notify
