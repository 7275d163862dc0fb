#include "notify/config.h"

#include <algorithm>
#include <set>

#include "notify/event.h"

namespace es::notify {
namespace {

bool HasLineBreakOrNul(const std::string& s) { return s.find_first_of(std::string("\r\n\0", 3)) != std::string::npos; }

bool StartsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// A bare address "local@domain": no spaces, angle brackets, line breaks.
Status CheckAddress(const std::string& field, const std::string& a) {
  if (a.empty()) return Status::Validation(field + " is empty");
  if (a.size() > 254 || HasLineBreakOrNul(a) || a.find_first_of(" <>,;\"\t") != std::string::npos) {
    return Status::Validation(field + " is not a plain e-mail address (local@domain)");
  }
  const size_t at = a.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == a.size() || a.find('@', at + 1) != std::string::npos) {
    return Status::Validation(field + " is not a plain e-mail address (local@domain)");
  }
  return Status::Ok();
}

Status CheckUrl(const std::string& field, const std::string& url, std::initializer_list<std::string_view> schemes) {
  if (HasLineBreakOrNul(url) || url.find(' ') != std::string::npos) {
    return Status::Validation(field + " contains spaces or line breaks");
  }
  for (std::string_view s : schemes) {
    if (StartsWith(url, std::string(s) + "://") && url.size() > s.size() + 3) return Status::Ok();
  }
  std::string list;
  for (std::string_view s : schemes) list += (list.empty() ? "" : " or ") + std::string(s) + "://";
  return Status::Validation(field + " must start with " + list);
}

Result<std::string> StringField(const Json& obj, const std::string& key, const std::string& field) {
  const Json& v = obj.at(key);
  if (!v.is_string()) return Status::Validation(field + " must be a string");
  return v.get<std::string>();
}

Status RejectUnknown(const Json& obj, const std::set<std::string>& known, const std::string& where) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!known.count(it.key())) return Status::Validation(where + it.key() + " is not a known field");
  }
  return Status::Ok();
}

Status ApplyWebhook(const Json& u, std::optional<WebhookTarget>& w) {
  if (u.is_null()) {
    w.reset();
    return Status::Ok();
  }
  if (!u.is_object()) return Status::Validation("webhook must be an object or null");
  ES_RETURN_IF_ERROR(RejectUnknown(u, {"url", "secret"}, "webhook."));
  WebhookTarget t = w.value_or(WebhookTarget{});
  if (u.contains("url")) {
    ES_ASSIGN_OR_RETURN(t.url, StringField(u, "url", "webhook.url"));
  }
  if (u.contains("secret")) {
    if (u["secret"].is_null()) {
      t.secret.clear();
    } else {
      ES_ASSIGN_OR_RETURN(t.secret, StringField(u, "secret", "webhook.secret"));
    }
  }
  w = std::move(t);
  return Status::Ok();
}

Status ApplyEmail(const Json& u, std::optional<EmailTarget>& e) {
  if (u.is_null()) {
    e.reset();
    return Status::Ok();
  }
  if (!u.is_object()) return Status::Validation("email must be an object or null");
  ES_RETURN_IF_ERROR(RejectUnknown(u, {"smtpUrl", "from", "to", "username", "password", "starttls"}, "email."));
  EmailTarget t = e.value_or(EmailTarget{});
  if (u.contains("smtpUrl")) {
    ES_ASSIGN_OR_RETURN(t.smtp_url, StringField(u, "smtpUrl", "email.smtpUrl"));
  }
  if (u.contains("from")) {
    ES_ASSIGN_OR_RETURN(t.from, StringField(u, "from", "email.from"));
  }
  if (u.contains("username")) {
    ES_ASSIGN_OR_RETURN(t.username, StringField(u, "username", "email.username"));
  }
  if (u.contains("password")) {
    if (u["password"].is_null()) {
      t.password.clear();
    } else {
      ES_ASSIGN_OR_RETURN(t.password, StringField(u, "password", "email.password"));
    }
  }
  if (u.contains("starttls")) {
    if (!u["starttls"].is_boolean()) return Status::Validation("email.starttls must be true or false");
    t.starttls = u["starttls"].get<bool>();
  }
  if (u.contains("to")) {
    const Json& to = u["to"];
    t.to.clear();
    if (to.is_string()) {
      t.to.push_back(to.get<std::string>());
    } else if (to.is_array()) {
      for (size_t i = 0; i < to.size(); ++i) {
        if (!to[i].is_string()) return Status::Validation("email.to[" + std::to_string(i) + "] must be a string");
        t.to.push_back(to[i].get<std::string>());
      }
    } else {
      return Status::Validation("email.to must be a list of addresses");
    }
  }
  e = std::move(t);
  return Status::Ok();
}

}  // namespace

bool NotifyConfig::Wants(const std::string& kind) const {
  if (!enabled || (!webhook.has_value() && !email.has_value())) return false;
  if (kind == kTest || kinds.empty()) return true;
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

Status NotifyConfig::Validate() const {
  if (rate_limit_minutes < 0 || rate_limit_minutes > kMaxRateLimitMinutes) {
    return Status::Validation("rateLimitMinutes must be between 0 and " + std::to_string(kMaxRateLimitMinutes));
  }
  if (failed_queue_threshold < 1 || failed_queue_threshold > 1000) {
    return Status::Validation("failedQueueThreshold must be between 1 and 1000");
  }
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (!KnownKind(kinds[i]) || kinds[i] == kTest) {
      return Status::Validation("kinds[" + std::to_string(i) + "] '" + kinds[i] +
                                "' is not one of run_failed, auth_failed, webhook_disabled, webhook_missing, "
                                "qbo_document_changed, failed_queue_growing");
    }
  }
  if (webhook.has_value()) {
    ES_RETURN_IF_ERROR(CheckUrl("webhook.url", webhook->url, {"https", "http"}));
    if (webhook->secret.empty()) return Status::Validation("webhook.secret is required (it signs every POST)");
    if (webhook->secret.size() < 16) return Status::Validation("webhook.secret must be at least 16 characters");
  }
  if (email.has_value()) {
    ES_RETURN_IF_ERROR(CheckUrl("email.smtpUrl", email->smtp_url, {"smtp", "smtps"}));
    if (email->starttls && StartsWith(email->smtp_url, "smtps://")) {
      return Status::Validation("email.starttls applies to smtp:// only (smtps:// is TLS from the start)");
    }
    ES_RETURN_IF_ERROR(CheckAddress("email.from", email->from));
    if (email->to.empty()) return Status::Validation("email.to needs at least one address");
    if (email->to.size() > 20) return Status::Validation("email.to has more than 20 addresses");
    for (size_t i = 0; i < email->to.size(); ++i) {
      ES_RETURN_IF_ERROR(CheckAddress("email.to[" + std::to_string(i) + "]", email->to[i]));
    }
    if (HasLineBreakOrNul(email->username) || HasLineBreakOrNul(email->password)) {
      return Status::Validation("email.username and email.password must not contain line breaks");
    }
    if (!email->password.empty() && email->username.empty()) {
      return Status::Validation("email.password is set but email.username is empty");
    }
  }
  return Status::Ok();
}

store::NotificationSettings NotifyConfig::ToSettings(const std::string& tenant, int64_t now_ms) const {
  store::NotificationSettings s;
  s.tenant_id = tenant;
  s.updated_at_ms = now_ms;
  Json c = {{"enabled", enabled},
            {"rateLimitMinutes", rate_limit_minutes},
            {"failedQueueThreshold", failed_queue_threshold},
            {"kinds", kinds}};
  Json secrets = Json::object();
  if (webhook.has_value()) {
    c["webhook"] = {{"url", webhook->url}};
    if (!webhook->secret.empty()) secrets["webhook_secret"] = webhook->secret;
  }
  if (email.has_value()) {
    c["email"] = {{"smtpUrl", email->smtp_url}, {"from", email->from},          {"to", email->to},
                  {"username", email->username}, {"starttls", email->starttls}};
    if (!email->password.empty()) secrets["smtp_password"] = email->password;
  }
  s.config = std::move(c);
  s.secrets = secrets.empty() ? std::string() : DumpJson(secrets);
  return s;
}

Result<NotifyConfig> NotifyConfig::FromSettings(const store::NotificationSettings& s) {
  Json secrets = Json::object();
  if (!s.secrets.empty()) {
    auto parsed = ParseJson(s.secrets);
    if (!parsed.ok() || !parsed->is_object()) {
      return Status::Internal("stored notification secrets of tenant '" + s.tenant_id + "' are not a JSON object");
    }
    secrets = std::move(*parsed);
  }
  Json update = s.config;
  if (update.contains("webhook") && update["webhook"].is_object()) {
    update["webhook"]["secret"] = GetStringOr(secrets, "webhook_secret");
  }
  if (update.contains("email") && update["email"].is_object()) {
    update["email"]["password"] = GetStringOr(secrets, "smtp_password");
  }
  auto c = NotifyConfig{}.Updated(update);
  if (!c.ok()) {
    return Status::Internal("stored notification settings of tenant '" + s.tenant_id +
                            "' no longer validate: " + c.status().message());
  }
  return c;
}

Result<NotifyConfig> NotifyConfig::Updated(const Json& u) const {
  if (!u.is_object()) return Status::Validation("notification settings must be a JSON object");
  ES_RETURN_IF_ERROR(
      RejectUnknown(u, {"enabled", "rateLimitMinutes", "failedQueueThreshold", "kinds", "webhook", "email"}, ""));
  NotifyConfig c = *this;
  if (u.contains("enabled")) {
    if (!u["enabled"].is_boolean()) return Status::Validation("enabled must be true or false");
    c.enabled = u["enabled"].get<bool>();
  }
  if (u.contains("rateLimitMinutes")) {
    if (!u["rateLimitMinutes"].is_number_integer()) return Status::Validation("rateLimitMinutes must be an integer");
    const int64_t m = u["rateLimitMinutes"].get<int64_t>();
    if (m < 0 || m > kMaxRateLimitMinutes) {
      return Status::Validation("rateLimitMinutes must be between 0 and " + std::to_string(kMaxRateLimitMinutes));
    }
    c.rate_limit_minutes = static_cast<int>(m);
  }
  if (u.contains("failedQueueThreshold")) {
    if (!u["failedQueueThreshold"].is_number_integer()) {
      return Status::Validation("failedQueueThreshold must be an integer");
    }
    c.failed_queue_threshold = u["failedQueueThreshold"].get<int64_t>();
  }
  if (u.contains("kinds")) {
    const Json& k = u["kinds"];
    if (!k.is_array()) return Status::Validation("kinds must be a list");
    c.kinds.clear();
    for (size_t i = 0; i < k.size(); ++i) {
      if (!k[i].is_string()) return Status::Validation("kinds[" + std::to_string(i) + "] must be a string");
      c.kinds.push_back(k[i].get<std::string>());
    }
  }
  if (u.contains("webhook")) ES_RETURN_IF_ERROR(ApplyWebhook(u["webhook"], c.webhook));
  if (u.contains("email")) ES_RETURN_IF_ERROR(ApplyEmail(u["email"], c.email));
  ES_RETURN_IF_ERROR(c.Validate());
  return c;
}

Json NotifyConfig::Masked() const {
  Json j = {{"enabled", enabled},
            {"rateLimitMinutes", rate_limit_minutes},
            {"failedQueueThreshold", failed_queue_threshold},
            {"kinds", kinds},
            {"webhook", nullptr},
            {"email", nullptr}};
  if (webhook.has_value()) j["webhook"] = {{"url", webhook->url}, {"secretSet", !webhook->secret.empty()}};
  if (email.has_value()) {
    j["email"] = {{"smtpUrl", email->smtp_url}, {"from", email->from},
                  {"to", email->to},             {"username", email->username},
                  {"starttls", email->starttls}, {"passwordSet", !email->password.empty()}};
  }
  return j;
}

}  // namespace es::notify
