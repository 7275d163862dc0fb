// A local WooCommerce REST v3 server for tests, the demo and benchmarks
// (SPEC F17). The store is generated deterministically from Options::seed
// (see seed.h) when the Server is constructed; the HTTP side (cpp-httplib
// with a thread pool) serves /wp-json/wc/v3 with WooCommerce's auth rules,
// JSON shapes, pagination headers and errors (see api.h), plus fault
// injection from Options::faults.
//
// Usage: Server s(options); s.Start(0); … s.base_url() … s.Stop();
// Start() returns once the socket accepts connections. Stop() (also run by
// the destructor) interrupts injected delays and joins the worker threads.
// All methods are thread-safe; test hooks work before and after Start().
//
// Webhooks (webhooks.h): AddWebhook() subscribes a receiver. Every order
// created, updated (refunds included) or trashed — by the test hooks or
// through the REST API — and every
// product updated through the REST API is then POSTed, signed, to each
// webhook subscribed to its topic, with the body GET /orders/{id} (or
// /products/{id}) renders right after the write. Deliveries are sent by one
// background thread between Start() and Stop(); the hooks and API requests
// never wait for them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "connectors/woo/sandbox/trading.h"
#include "connectors/woo/sandbox/webhooks.h"
#include "http/faults.h"

namespace es::woo::sandbox {

struct Options {
  uint64_t seed = 42;
  int customers = 80;
  int products = 30;
  int orders = 300;
  std::string consumer_key = "ck_sandbox_key";
  std::string consumer_secret = "cs_sandbox_secret";
  bool https = false;  // serve TLS with a self-signed cert generated at start with OpenSSL
  http::FaultOptions faults;
  std::string currency = "USD";
  // Orders computed from the seed when asked for (generated.h) instead of
  // held: a store of millions of orders in a few bytes per order. Not the
  // same orders as the held store of the same seed.
  bool generate_orders = false;
  WebhookDeliveryOptions webhooks;  // attempts, retry delay, timeout
};

class Server {
 public:
  explicit Server(Options options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds `host`:`port` (0 = pick a free port) and starts serving.
  // Fails (Network) when the port cannot be bound or already started.
  Status Start(int port, const std::string& host = "127.0.0.1");
  void Stop();
  int port() const;
  // "http://127.0.0.1:PORT" ("https://…" when Options::https). Valid after Start().
  std::string base_url() const;
  const Options& options() const;
  size_t order_count() const;
  // Requests received so far under /wp-json/wc/v3/<resource> ("customers",
  // "orders", …); "" counts every request.
  int64_t requests(const std::string& resource = "") const;

  // ---- Test hooks. Every write moves date_modified past all earlier ones
  // (except SimulateTrading's line edits, see trading.h).
  // Creates an order like POST /orders (line_items by product_id /
  // variation_id / sku, shipping_lines, fee_lines, coupon_lines, status,
  // set_paid, billing, shipping, customer_id); returns its id.
  Result<int64_t> AddOrder(const Json& body);
  // Adds a randomly generated order created now; returns its id.
  int64_t AddRandomOrder();
  // Changes the status (to "refunded": creates the remaining refund).
  Status UpdateOrderStatus(int64_t id, const std::string& status);
  // Applies fields like PUT /orders/{id} ({} just bumps date_modified).
  // Unlike the REST route, it always moves date_modified, line_items edits
  // included (the REST route leaves it for a line_items-only body, as the
  // real store does).
  Status ModifyOrder(int64_t id, const Json& fields);
  // Creates a refund exactly as POST /orders/{id}/refunds does (body and
  // rules in lifecycle.h: amount, reason, api_refund, api_restock,
  // line_items [{id, quantity, refund_total, refund_tax [{id,
  // refund_total}]}]); returns the refund id. Status::code() is Woo's error
  // code (woocommerce_rest_invalid_order_id, …_invalid_order_refund,
  // …_cannot_create_order_refund, rest_invalid_param). Raises order.updated.
  Result<int64_t> AddRefund(int64_t order_id, const Json& body);
  // DELETE /orders/{id}: to the trash (status "trash", hidden from lists
  // unless status=trash is asked; raises order.deleted with {"id": …}) /
  // for good with its refunds (GET answers 404; no webhook, as on Woo).
  // NotFound for an unknown id; TrashOrder: Conflict
  // (woocommerce_rest_already_trashed) when already trashed.
  Status TrashOrder(int64_t id);
  Status DeleteOrder(int64_t id);
  // A deterministic "week of trading" (trading.h): line edits, an address
  // change, partial and full refunds, cancellations, late payments, trash
  // and new orders, through the same code as the REST API, webhooks
  // included. Returns what was changed, by kind.
  TradingSummary SimulateTrading(uint64_t seed, const TradingOptions& options = {});
  void SetFaults(const http::FaultOptions& faults);
  // Changes a product or variation like PUT products/{id} (price and stock
  // fields, name, status); raises product.updated. NotFound for an unknown id.
  Status ModifyProduct(int64_t id, const Json& fields);
  // GET /products/{id} as JSON, variations included (null when unknown) /
  // every product and variation by id.
  Json ProductJson(int64_t id) const;
  std::vector<Json> AllProductsJson() const;
  // Products and variations updated so far (REST, batch items, ModifyProduct).
  int64_t product_writes() const;
  // GET /orders/{id} as JSON (null when unknown) / every order by id.
  Json OrderJson(int64_t id) const;
  Json AllOrdersJson() const;
  std::vector<int64_t> OrderIds() const;
  // The fixed "now" the seeded data was generated against (Unix seconds).
  int64_t epoch() const;
  // Requests received (faulted ones included).
  uint64_t requests_served() const;

  // ---- Webhooks.
  // Subscribes (Validation naming the bad field); returns the webhook id and
  // queues the creation ping ("webhook_id=<id>", unsigned).
  Result<int64_t> AddWebhook(const WebhookSubscription& sub);
  // Unsubscribes and gives up its queued deliveries; NotFound if unknown.
  Status RemoveWebhook(int64_t id);
  // Waits until no delivery is pending (each answered 2xx or given up);
  // false after `timeout_ms`. Deliveries are only sent while started.
  bool FlushWebhooks(int timeout_ms);
  WebhookStats webhook_stats() const;
  // The webhooks as GET /wp-json/wc/v3/webhooks lists them, and the status
  // change a PUT makes (test hooks; the REST resource is served as well).
  std::vector<WebhookInfo> ListWebhooks() const;
  Result<WebhookInfo> SetWebhookStatus(int64_t id, const std::string& status);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace es::woo::sandbox
