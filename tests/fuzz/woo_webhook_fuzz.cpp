// Fuzzes WooCommerce webhook handling (connectors/woo/webhooks.h). Input
// layout: up to seven '\n'-terminated header values (topic, resource, event,
// delivery id, webhook id, source, signature), then the raw body.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "connectors/woo/webhooks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  es::woo::WebhookHeaders h;
  std::string* fields[] = {&h.topic, &h.resource, &h.event, &h.delivery_id, &h.webhook_id, &h.source, &h.signature};
  for (std::string* f : fields) {
    size_t nl = in.find('\n');
    if (nl == std::string_view::npos) break;
    *f = std::string(in.substr(0, nl));
    in.remove_prefix(nl + 1);
  }
  const std::string_view body = in;

  const bool ping = es::woo::IsPing(h, body);
  if (ping && h.AnyPresent()) std::abort();
  es::Status sig = es::woo::VerifyWebhookSignature(body, h.signature, "fuzz-secret");
  if (!sig.ok() && !sig.IsAuthentication()) std::abort();

  es::woo::WebhookLimits limits;
  limits.max_body_bytes = 1 << 16;
  limits.max_depth = 32;
  auto ev = es::woo::ParseWebhook(h, body, limits);
  if (!ev.ok()) {
    if (!ev.status().IsValidation() || ev.status().message().empty()) std::abort();
    return 0;
  }
  if (ev->resource.empty() || ev->event.empty() || ev->delivery_id.empty() || !ev->payload.is_object()) {
    std::abort();
  }
  if (ev->resource != "action") {
    if (ev->resource_id.empty()) std::abort();
    for (char c : ev->resource_id) {
      if (c < '0' || c > '9') std::abort();
    }
  }
  return 0;
}
