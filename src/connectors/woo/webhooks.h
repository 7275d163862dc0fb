// WooCommerce webhook deliveries (reference woocommerce.md §5): signature
// check, the creation ping, and parsing a delivery into a WebhookEvent.
//
// Order of use in a receiver (SPEC F13: verify before parsing):
//   1. IsPing(headers, body)            → answer 200, nothing else.
//   2. VerifyWebhookSignature(body, headers.signature, secret)
//   3. ParseWebhook(headers, body)      → enqueue, dedupe by delivery_id.
// VerifyAndParseWebhook does 2 and 3.
//
// The secret is the webhook's secret as WooCommerce uses it (WooCommerce
// HTML-entity-decodes the stored secret before signing; store the decoded
// form). Errors: a bad or missing signature is Status::Authentication; a
// malformed delivery is Status::Validation naming the header or field. No
// message contains the secret, the signature or the body. Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/json.h"
#include "common/status.h"

namespace es::woo {

// The X-WC-Webhook-* request headers; empty string = header absent.
struct WebhookHeaders {
  std::string topic;        // X-WC-Webhook-Topic        "order.updated"
  std::string resource;     // X-WC-Webhook-Resource     "order"
  std::string event;        // X-WC-Webhook-Event        "updated"
  std::string delivery_id;  // X-WC-Webhook-Delivery-ID
  std::string webhook_id;   // X-WC-Webhook-ID           "142"
  std::string source;       // X-WC-Webhook-Source       "https://shop.test/"
  std::string signature;    // X-WC-Webhook-Signature    base64 HMAC-SHA256

  // Fills the fields from a header lookup (the lookup should be
  // case-insensitive and return "" for an absent header).
  static WebhookHeaders FromLookup(const std::function<std::string(std::string_view name)>& header);
  // True when any X-WC-Webhook-* header is present.
  bool AnyPresent() const;
};

struct WebhookLimits {
  size_t max_body_bytes = 8u << 20;  // a large order with many lines and meta
  size_t max_depth = 64;
};

struct WebhookEvent {
  std::string topic;        // "order.updated", "action.woocommerce_foo"
  std::string resource;     // "order" | "product" | "customer" | "coupon" | "action"
  std::string event;        // "created" … or, for action.*, the hook name
  std::string delivery_id;
  std::string webhook_id;
  std::string source;
  std::string resource_id;  // the payload "id" (decimal), or the action's scalar "arg"; may be empty for actions
  Json payload;             // the parsed body (exact numbers, see common/json.h)
};

// Checks X-WC-Webhook-Signature against base64(HMAC-SHA256(secret, raw_body))
// in constant time. Surrounding whitespace in the header is ignored.
Status VerifyWebhookSignature(std::string_view raw_body, std::string_view signature_header, std::string_view secret);

// The ping WooCommerce sends when a webhook is created: no X-WC-Webhook-*
// header at all and a form body "webhook_id=<digits>". (The HTTP method,
// POST, is the caller's to check.)
bool IsPing(const WebhookHeaders& headers, std::string_view body);

// Validates the headers (topic "<order|product|customer|coupon>.<created|
// updated|deleted|restored>", "product.published", or "action.<hook>";
// resource/event headers, when present, must agree with the topic; a
// delivery id is required) and parses the JSON body: an object whose "id" is
// a positive integer for resource topics. Does not check the signature.
Result<WebhookEvent> ParseWebhook(const WebhookHeaders& headers, std::string_view raw_body,
                                  const WebhookLimits& limits = {});

// VerifyWebhookSignature, then ParseWebhook.
Result<WebhookEvent> VerifyAndParseWebhook(const WebhookHeaders& headers, std::string_view raw_body,
                                           std::string_view secret, const WebhookLimits& limits = {});

}  // namespace es::woo
