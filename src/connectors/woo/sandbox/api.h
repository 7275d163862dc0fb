// The sandbox's REST v3 logic, independent of the HTTP server: request in,
// response out. Authentication follows WC_REST_Authentication (reference
// §1.2–1.3): over https Basic or consumer_key/consumer_secret query params;
// over http those are ignored and only OAuth 1.0a is accepted. Routes:
//   GET  orders, orders/{id}, orders/{id}/refunds[/{rid}]
//   POST orders (create), PUT|POST|PATCH orders/{id} (update, line_items
//        included), DELETE orders/{id}[?force=true] (trash / delete)
//   POST orders/{id}/refunds (create a refund, see lifecycle.h)
//   GET  customers, customers/{id}
//   GET  products, products/{id}, products/{id}/variations[/{vid}]
//   PUT|POST|PATCH products/{id}, products/batch, products/{id}/variations/batch
//        (price and stock fields only)
// Errors use WooCommerce's codes, messages and statuses.
// Thread-safe (the Store locks; the nonce cache locks).
#pragma once

#include <cstdint>
#include <string>

#include "common/json.h"
#include "common/status.h"
#include "connectors/woo/oauth1.h"
#include "connectors/woo/sandbox/store.h"
#include "connectors/woo/sandbox/webhooks.h"
#include "http/transport.h"
#include "http/url.h"

namespace es::woo::sandbox {

struct ApiRequest {
  std::string method;   // the real HTTP method
  std::string path;     // "/wp-json/wc/v3/orders"
  http::Params query;   // decoded, in order
  http::Headers headers;
  std::string body;
};

struct ApiResponse {
  int status = 200;
  http::Headers headers;
  Json body;
  std::string raw_body;  // sent instead of `body` when not empty
  std::string content_type = "application/json; charset=UTF-8";
  std::string Serialize() const;
};

struct ApiConfig {
  std::string consumer_key;
  std::string consumer_secret;
  bool https = false;
};

// {"code":…, "message":…, "data":{"status":…}}.
ApiResponse ErrorResponse(int status, const std::string& code, const std::string& message);

class Api {
 public:
  Api(Store& store, ApiConfig config) : store_(store), config_(std::move(config)) {}

  // `home_url` is the store's own URL ("http://127.0.0.1:8080"); OAuth
  // signatures are checked against home_url + path. `now_s` is the server time.
  ApiResponse Handle(const ApiRequest& request, const std::string& home_url, int64_t now_s);

  // Shared with the Server's test hooks. Times are clamped so that every
  // write gets a date_modified later than all earlier ones.
  Result<int64_t> CreateOrder(const Json& body, int64_t now_s);
  // PUT orders/{id}. date_modified moves unless the body's only field is
  // line_items (as on the real store) and `always_touch` is false.
  Status UpdateOrder(int64_t id, const Json& body, int64_t now_s, bool always_touch = false);
  // POST orders/{id}/refunds; TrashOrder / DeleteOrder (lifecycle.h).
  Result<int64_t> CreateRefund(int64_t order_id, const Json& body, int64_t now_s);
  Status TrashOrder(int64_t id, int64_t now_s);
  Status DeleteOrder(int64_t id);
  // Serves /webhooks over `webhooks` (the Server's sender); without one the
  // resource answers 404.
  void SetWebhooks(WebhookSender* webhooks) { webhooks_ = webhooks; }

 private:
  ApiResponse Dispatch(const ApiRequest& r, const std::string& method, const std::string& home_url,
                       bool authed, int64_t now_s);
  ApiResponse DeleteOrderRoute(const ApiRequest& r, int64_t id, const std::string& home_url, int64_t now_s);

  Store& store_;
  const ApiConfig config_;
  WebhookSender* webhooks_ = nullptr;
  oauth1::NonceCache nonces_;
};

// Internal helpers shared by the api_*.cpp files.
namespace api {

// Integer path segment, or -1.
int64_t ParseId(const std::string& s);
// Collections (api_lists.cpp). `path` is the route path for Link headers.
ApiResponse ListOrders(const StoreData& d, const ApiRequest& r, const std::string& home_url);
ApiResponse ListRefunds(const StoreData& d, const ApiRequest& r, const std::string& home_url, int64_t order_id);
ApiResponse ListCustomers(const StoreData& d, const ApiRequest& r, const std::string& home_url);
ApiResponse ListProducts(const StoreData& d, const ApiRequest& r, const std::string& home_url);
ApiResponse ListVariations(const StoreData& d, const ApiRequest& r, const std::string& home_url, int64_t parent);
// The `dp` query parameter (default: the currency's decimals), or an error.
Result<int> ParseDp(const ApiRequest& r, const std::string& currency);
// The /webhooks resource (api_webhooks.cpp); `seg` starts with "webhooks".
ApiResponse WebhooksRoute(WebhookSender* webhooks, const ApiRequest& r, const std::string& method,
                          const std::vector<std::string>& seg, const std::string& home_url, bool authed);
// Writes (api_writes.cpp).
ApiResponse UpdateProducts(Store& store, const Json& body, const std::string& home_url, int64_t parent,
                           int64_t now_s);
ApiResponse UpdateProduct(Store& store, int64_t id, int64_t parent, const Json& body, const std::string& home_url,
                          int64_t now_s);

}  // namespace api

}  // namespace es::woo::sandbox
