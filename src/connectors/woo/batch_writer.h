// BatchWriter: writes to WooCommerce through its batch endpoints (reference
// §4): POST products/batch and products/{id}/variations/batch with
// {"update": [...]}, at most kMaxItems (100) per request — more are split
// over several requests. A 200 answer carries one result per item, in
// order: the updated object, or {"id", "error": {code, message}} for an item
// that failed; those come back as per-item Status values while the others
// count as written. A non-2xx answer fails the whole request (413 when over
// the limit, 401/403 credentials, 429 rate limit, 5xx Network).
//
// Authorisation and the mapping of HTTP errors are the client's (SendSigned
// in client.h: Basic over https, OAuth 1.0a one-legged over http; the JSON
// body is not part of the signature). Never puts the secret into a Status.
// Thread-compatible.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "connectors/woo/client.h"
#include "http/transport.h"

namespace es::woo {

struct BatchUpdate {
  int64_t id = 0;
  Json fields = Json::object();  // the fields to set ("regular_price", "manage_stock", "stock_quantity")
};

struct BatchItemResult {
  int64_t id = 0;
  Status status;  // per-item error from the answer
  Json item;      // the updated object when ok
};

class BatchWriter {
 public:
  static constexpr size_t kMaxItems = 100;

  BatchWriter(Credentials credentials, http::Transport& transport, Clock& clock);

  // Updates products (parent 0) or the variations of product `parent`.
  // Returns one result per update, in order; a non-ok Result when a request
  // as a whole failed (the updates of earlier requests were applied).
  Result<std::vector<BatchItemResult>> Update(int64_t parent, const std::vector<BatchUpdate>& updates);

  int64_t requests_sent() const { return requests_sent_; }

 private:
  Result<Json> Post(const std::string& path, const Json& body);

  Credentials credentials_;
  http::Transport& transport_;
  Clock& clock_;
  std::atomic<int64_t> requests_sent_{0};
};

}  // namespace es::woo
