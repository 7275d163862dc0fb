// WooCommerce REST v3 client (/wp-json/wc/v3).
//
// Authentication follows what real stores require: over https, HTTP Basic
// with the consumer key and secret; over plain http, OAuth 1.0a one-legged
// signatures (HMAC-SHA256) in the query string. Lists are fetched one page at
// a time (per_page ≤ 100) and report X-WP-Total / X-WP-TotalPages; callers
// build the next page from the page number, never from the Link header (it
// echoes signed parameters). A record that fails to decode does not fail the
// page: it is returned in Page::failures with the reason.
//
// Thread-safe if the transport is. Never puts the secret into a Status.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "http/transport.h"
#include "http/url.h"
#include "model/customer.h"
#include "model/order.h"
#include "model/product.h"

namespace es::woo {

enum class AuthMode {
  kAuto,         // Basic over https, OAuth 1.0a over http
  kBasic,        // Authorization: Basic (https only on real stores)
  kQueryString,  // consumer_key / consumer_secret query params (https only)
  kOAuth1,       // one-legged OAuth 1.0a, HMAC-SHA256, params in the query
};

struct Credentials {
  std::string base_url;  // store home, e.g. "https://shop.example" (no /wp-json)
  std::string consumer_key;
  std::string consumer_secret;
  AuthMode auth = AuthMode::kAuto;
  bool insecure_skip_tls_verify = false;  // local sandbox certificates only
  // Store currency, used for product prices and refunds (their JSON has none;
  // orders carry their own currency).
  std::string currency = "USD";
};

struct ListQuery {
  int page = 1;
  int per_page = 100;
  std::string modified_after;   // ISO-8601 GMT, sent with dates_are_gmt=true
  std::string after;            // created after (GMT)
  std::string before;           // created before (GMT)
  std::vector<std::string> statuses;  // orders: empty = any
  std::vector<int64_t> include;       // only these ids
  std::string orderby;          // default: "id" for stable full scans, "modified" with modified_after
  std::string order = "asc";
};
// Notes: page ≥ 1 and per_page 1..100 are checked before any request
// (Validation). Dates are sent with dates_are_gmt=true. Woo has no date
// filters for customers: modified_after/after/before are ignored there, as
// are statuses (orders and products only).

struct DecodeFailure {
  std::string source_id;  // "" when even the id was unreadable
  std::string reason;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::vector<std::string> raw;  // exact JSON text of each item, same order as items
  std::vector<DecodeFailure> failures;
  int page = 1;
  int64_t total = 0;       // X-WP-Total
  int total_pages = 0;     // X-WP-TotalPages
  bool HasMore() const { return page < total_pages; }
};

// A webhook of the shop (reference woocommerce.md §5.1).
struct ShopWebhook {
  int64_t id = 0;
  std::string name;
  std::string status;  // active | paused | disabled
  std::string topic;
  std::string delivery_url;
};

// One authorised request to {base_url}/wp-json/wc/v3/{path} — the one place
// that signs WooCommerce requests and maps their errors, used by Client and
// BatchWriter. Authorisation per credentials.auth (kAuto: Basic over https,
// OAuth 1.0a over http; a JSON body is not part of an OAuth signature).
// A transport failure is Network (see Unreachable); a non-2xx answer maps to
// Authentication (401/403, with what to check: the keys, or the key's
// permissions), NotFound (404 and Woo's invalid order/refund ids), RateLimit
// (429, or 5xx with Retry-After), Network (5xx) or Validation (other 3xx/4xx),
// with Woo's code and message. The secret never appears in a Status.
// A transport failure ("GET request failed: <curl's words>", code transport
// or timeout) as one line for the user: "WooCommerce unreachable at
// <base_url> (connection refused | host name not found | timed out | TLS
// failure: … | connection dropped) — <what to check>". Network, code kept.
Status Unreachable(const Status& transport, const std::string& base_url);

struct SignedRequest {
  std::string method = "GET";
  std::string path;       // relative to /wp-json/wc/v3/, leading '/' ignored
  http::Params params;    // query parameters (signed with OAuth 1.0a)
  std::string json_body;  // sent with Content-Type: application/json when not empty
};
Result<http::Response> SendSigned(const Credentials& credentials, http::Transport& transport, Clock& clock,
                                  const SignedRequest& request);

class Client {
 public:
  Client(Credentials credentials, http::Transport& transport, Clock& clock);

  Result<Page<model::Order>> ListOrders(const ListQuery& query);
  Result<Page<model::Customer>> ListCustomers(const ListQuery& query);
  Result<Page<model::Product>> ListProducts(const ListQuery& query);
  Result<Page<model::Product>> ListVariations(const std::string& product_id, const ListQuery& query);
  Result<std::vector<model::Refund>> ListRefunds(const std::string& order_id);

  Result<model::Order> GetOrder(const std::string& id);
  Result<model::Customer> GetCustomer(const std::string& id);
  Result<model::Product> GetProduct(const std::string& id);

  // Cheap authenticated call (one order, per_page=1) for connection tests.
  Status Ping();

  // Low-level: GET {base}/wp-json/wc/v3/{path} with `params`, signed.
  Result<http::Response> Get(const std::string& path, const http::Params& params);
  // The same for any method, with an optional JSON body (PUT, POST).
  Result<http::Response> Send(const std::string& method, const std::string& path, const http::Params& params,
                              const std::string& json_body);

  // The shop's webhooks (GET /webhooks, every page; client_webhooks.cpp).
  Result<std::vector<ShopWebhook>> ListWebhooks();
  // PUT /webhooks/{id} {"status": status}; the webhook as the shop answers.
  Result<ShopWebhook> SetWebhookStatus(int64_t id, const std::string& status);

  // Count of HTTP requests sent (for metrics and benchmarks).
  int64_t requests_sent() const { return requests_sent_; }

 private:
  Credentials credentials_;
  http::Transport& transport_;
  Clock& clock_;
  std::atomic<int64_t> requests_sent_{0};
};

}  // namespace es::woo
