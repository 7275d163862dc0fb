// Fuzzes QBO webhook parsing (connectors/qbo/webhooks.h): both payload
// formats, strict and lenient (rejected list) modes must agree.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/qbo/webhooks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  es::qbo::WebhookLimits limits;
  limits.max_body_bytes = 1 << 16;

  es::Status sig = es::qbo::VerifyWebhookSignature(body, "JC2GUwciPmRBwEO7WvrRmKqu9tGOKL8FFallocTFi8Q=", "token");
  if (!sig.ok() && !sig.IsAuthentication()) std::abort();

  auto strict = es::qbo::ParseWebhookPayload(body, nullptr, limits);
  std::vector<std::string> rejected;
  auto lenient = es::qbo::ParseWebhookPayload(body, &rejected, limits);
  if (strict.ok()) {
    // A strict success means nothing was rejected and both see the same events.
    if (!lenient.ok() || !rejected.empty() || lenient->size() != strict->size()) std::abort();
  } else if (!strict.status().IsValidation()) {
    std::abort();
  }
  if (!lenient.ok()) return 0;
  for (const es::qbo::EntityChange& c : *lenient) {
    if (c.realm_id.empty() || c.entity.empty() || c.id.empty() || c.operation.empty() || c.event_id.empty()) {
      std::abort();
    }
  }
  return 0;
}
