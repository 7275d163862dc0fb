#include "connectors/woo/webhooks.h"

#include <algorithm>
#include <array>

#include "common/crypto.h"

namespace es::woo {
namespace {

constexpr size_t kMaxIdText = 128;
constexpr size_t kMaxHookName = 191;  // WordPress hook names are VARCHAR(191)-sized in practice
constexpr size_t kMaxSource = 2048;

constexpr std::array<std::string_view, 4> kResources = {"order", "product", "customer", "coupon"};
constexpr std::array<std::string_view, 4> kEvents = {"created", "updated", "deleted", "restored"};

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool IsVisibleAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool Contains(const auto& list, std::string_view v) { return std::find(list.begin(), list.end(), v) != list.end(); }

// Quotes untrusted header text for an error message only when it is short and
// plain; otherwise says it is unprintable.
std::string Quoted(std::string_view s) {
  bool plain = s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
                 return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
               });
  return plain ? "'" + std::string(s) + "'" : std::string("(unprintable value)");
}

// ParseJson's message may quote body bytes; keep only the position.
std::string JsonErrorWithoutContent(const Status& s) {
  const std::string& m = s.message();
  if (m.rfind("invalid JSON at byte", 0) == 0) {
    size_t colon = m.find(':');
    return colon == std::string::npos ? m : m.substr(0, colon);
  }
  return m;
}

}  // namespace

WebhookHeaders WebhookHeaders::FromLookup(const std::function<std::string(std::string_view name)>& header) {
  WebhookHeaders h;
  h.topic = header("X-WC-Webhook-Topic");
  h.resource = header("X-WC-Webhook-Resource");
  h.event = header("X-WC-Webhook-Event");
  h.delivery_id = header("X-WC-Webhook-Delivery-ID");
  h.webhook_id = header("X-WC-Webhook-ID");
  h.source = header("X-WC-Webhook-Source");
  h.signature = header("X-WC-Webhook-Signature");
  return h;
}

bool WebhookHeaders::AnyPresent() const {
  return !topic.empty() || !resource.empty() || !event.empty() || !delivery_id.empty() || !webhook_id.empty() ||
         !source.empty() || !signature.empty();
}

Status VerifyWebhookSignature(std::string_view raw_body, std::string_view signature_header, std::string_view secret) {
  if (secret.empty()) return Status::Authentication("webhook secret is not configured");
  std::string_view given = Trim(signature_header);
  if (given.empty()) return Status::Authentication("missing X-WC-Webhook-Signature header");
  const std::string expected = crypto::Base64Encode(crypto::HmacSha256(secret, raw_body));
  if (!crypto::ConstantTimeEquals(given, expected)) {
    return Status::Authentication("webhook signature mismatch");
  }
  return Status::Ok();
}

bool IsPing(const WebhookHeaders& headers, std::string_view body) {
  constexpr std::string_view kPrefix = "webhook_id=";
  if (headers.AnyPresent()) return false;
  if (body.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view id = body.substr(kPrefix.size());
  return id.size() <= 20 && IsDigits(id);
}

Result<WebhookEvent> ParseWebhook(const WebhookHeaders& headers, std::string_view raw_body,
                                  const WebhookLimits& limits) {
  WebhookEvent ev;
  // --- headers -------------------------------------------------------------
  std::string_view topic = Trim(headers.topic);
  if (topic.empty()) return Status::Validation("missing X-WC-Webhook-Topic header");
  size_t dot = topic.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == topic.size()) {
    return Status::Validation("malformed X-WC-Webhook-Topic " + Quoted(topic) + ": expected <resource>.<event>");
  }
  std::string_view resource = topic.substr(0, dot);
  std::string_view event = topic.substr(dot + 1);
  const bool is_action = resource == "action";
  if (is_action) {
    if (event.size() > kMaxHookName || !IsVisibleAscii(event)) {
      return Status::Validation("malformed action hook name in X-WC-Webhook-Topic");
    }
  } else if (!Contains(kResources, resource) ||
             !(Contains(kEvents, event) || (resource == "product" && event == "published"))) {
    return Status::Validation("unsupported webhook topic " + Quoted(topic) +
                              " (expected order|product|customer|coupon.created|updated|deleted|restored, "
                              "or action.<hook>)");
  }
  std::string_view resource_header = Trim(headers.resource);
  if (!resource_header.empty() && resource_header != resource) {
    return Status::Validation("X-WC-Webhook-Resource " + Quoted(resource_header) + " does not match topic " +
                              Quoted(topic));
  }
  std::string_view event_header = Trim(headers.event);
  if (!event_header.empty() && event_header != event) {
    return Status::Validation("X-WC-Webhook-Event " + Quoted(event_header) + " does not match topic " +
                              Quoted(topic));
  }
  std::string_view delivery = Trim(headers.delivery_id);
  if (delivery.empty()) return Status::Validation("missing X-WC-Webhook-Delivery-ID header");
  if (delivery.size() > kMaxIdText || !IsVisibleAscii(delivery)) {
    return Status::Validation("malformed X-WC-Webhook-Delivery-ID header");
  }
  std::string_view webhook_id = Trim(headers.webhook_id);
  if (!webhook_id.empty() && (webhook_id.size() > 20 || !IsDigits(webhook_id))) {
    return Status::Validation("malformed X-WC-Webhook-ID header (expected digits)");
  }
  std::string_view source = Trim(headers.source);
  if (source.size() > kMaxSource || !IsVisibleAscii(source)) {
    return Status::Validation("malformed X-WC-Webhook-Source header");
  }
  ev.topic = std::string(topic);
  ev.resource = std::string(resource);
  ev.event = std::string(event);
  ev.delivery_id = std::string(delivery);
  ev.webhook_id = std::string(webhook_id);
  ev.source = std::string(source);

  // --- body ------------------------------------------------------------------
  if (Trim(raw_body).empty()) return Status::Validation("empty webhook body");
  JsonParseOptions opts;
  opts.max_bytes = limits.max_body_bytes;
  opts.max_depth = limits.max_depth;
  auto parsed = ParseJson(raw_body, opts);
  if (!parsed.ok()) return Status::Validation("webhook body: " + JsonErrorWithoutContent(parsed.status()));
  if (!parsed->is_object()) return Status::Validation("webhook body is not a JSON object");
  ev.payload = std::move(parsed).value();

  if (is_action) {
    if (auto it = ev.payload.find("action"); it != ev.payload.end()) {
      if (!it->is_string() || it->get_ref<const std::string&>() != ev.event) {
        return Status::Validation("webhook body 'action' does not match topic " + Quoted(topic));
      }
    }
    if (auto it = ev.payload.find("arg"); it != ev.payload.end()) {
      std::string arg;
      if (it->is_number_integer() || (it->is_string() && !IsJsonNumber(*it))) arg = ScalarText(*it);
      if (arg.size() <= kMaxIdText && IsVisibleAscii(arg)) ev.resource_id = arg;
    }
    return ev;
  }
  const Json* id = FindPath(ev.payload, "id");
  if (id == nullptr || id->is_null()) return Status::Validation("webhook body has no 'id'");
  auto n = GetInt(ev.payload, "id");
  if (!n.ok() || *n <= 0) return Status::Validation("webhook body 'id' must be a positive integer");
  ev.resource_id = std::to_string(*n);
  return ev;
}

Result<WebhookEvent> VerifyAndParseWebhook(const WebhookHeaders& headers, std::string_view raw_body,
                                           std::string_view secret, const WebhookLimits& limits) {
  ES_RETURN_IF_ERROR(VerifyWebhookSignature(raw_body, headers.signature, secret));
  return ParseWebhook(headers, raw_body, limits);
}

}  // namespace es::woo
