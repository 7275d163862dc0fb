// QuickBooks Online webhook deliveries (reference quickbooks-online.md §9):
// the intuit-signature check and the parsing of both payload formats into
// one list of EntityChange.
//
// Formats, detected by shape:
//  - CloudEvents: a top-level JSON array whose first element has
//    "specversion" and "type" (a single such object is accepted too);
//    type = "qbo.<lower-case entity>.<action>.v1".
//  - Legacy: an object with "eventNotifications"[].dataChangeEvent.entities[].
// One delivery may mix realms. Payloads carry ids only; fetch the entities
// (or use CDC) for data.
//
// Receivers verify first (SPEC F13), then parse. Intuit holds back later
// events until a delivery is acknowledged, so a receiver should answer 200
// after a valid signature even when some events are unusable: pass
// `rejected` to skip (and report) bad events instead of failing the whole
// delivery. Errors: bad/missing signature → Status::Authentication; malformed
// payload → Status::Validation naming the event and field. Messages never
// contain the verifier token or the signature. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace es::qbo {

struct EntityChange {
  std::string realm_id;      // legacy realmId / CloudEvents intuitaccountid
  std::string entity;        // QBO casing: "Invoice", "SalesReceipt", "Customer"
  std::string id;            // entity id
  std::string operation;     // Create | Update | Delete | Merge | Void | Emailed
  std::string deleted_id;    // Merge only: the record merged away (legacy deletedId, CloudEvents data.deletedId)
  std::string event_id;      // CloudEvents id; legacy: "legacy-" + 32 hex of SHA-256(realm|entity|id|operation|lastUpdated)
  std::string last_updated;  // legacy lastUpdated / CloudEvents time, as sent; may be empty
};

struct WebhookLimits {
  size_t max_body_bytes = 4u << 20;
  size_t max_depth = 32;
};

// Checks `intuit_signature` against base64(HMAC-SHA256(verifier_token,
// raw_body)) in constant time. Surrounding whitespace is ignored.
Status VerifyWebhookSignature(std::string_view raw_body, std::string_view intuit_signature,
                              std::string_view verifier_token);

// Parses a delivery of either format. With `rejected` null, any malformed
// event fails the whole parse; otherwise malformed events are skipped and a
// reason per skipped event ("event 3: unknown action 'archived'") is
// appended to *rejected. Document-level problems (not JSON, unknown shape,
// too large) always fail.
Result<std::vector<EntityChange>> ParseWebhookPayload(std::string_view raw_body,
                                                      std::vector<std::string>* rejected = nullptr,
                                                      const WebhookLimits& limits = {});

// QBO casing of an entity name given in any case ("salesreceipt" →
// "SalesReceipt"); empty when the entity is not known.
std::string_view CanonicalEntityName(std::string_view name);

// CloudEvents action → legacy operation ("created" → "Create", "voided" and
// "void" → "Void"; any case); empty when unknown.
std::string_view OperationForAction(std::string_view action);

}  // namespace es::qbo
