// Webhook deliveries of the WooCommerce sandbox (reference woocommerce.md
// §5): subscriptions, the creation ping and signed deliveries, sent the way
// WooCommerce's Hookshot sends them, so that a receiver's whole path
// (es::woo::IsPing / VerifyWebhookSignature / ParseWebhook) can be tested
// end to end.
//
// WebhookSender owns the subscriptions, a FIFO queue of deliveries and one
// background sender thread. Add() queues the ping (form body
// "webhook_id=<id>", no X-WC-Webhook-* header); Publish() queues one
// delivery per webhook subscribed to the topic: POST application/json, the
// body as given, X-WC-Webhook-{Source,Topic,Resource,Event,ID,Delivery-ID}
// and X-WC-Webhook-Signature = base64(HMAC-SHA256(secret, body)); each
// delivery has a fresh random Delivery-ID that its retries repeat. The
// thread sends them one at a time in queue order; an answer outside 2xx or a
// transport failure is retried (WebhookDeliveryOptions) and after the last
// attempt the delivery is given up. Unlike WooCommerce (which never
// retries) the retries make a flaky receiver testable.
//
// Lifecycle: deliveries may be queued at any time; they are sent between
// Start() and Stop(). Stop() wakes the thread, waits at most for the one
// request in flight (bounded by timeout_ms; a refused connection returns at
// once), joins, and gives up every delivery still queued. Start() after
// Stop() resumes with new deliveries.
//
// Status (reference woocommerce.md §5.1, §5.4): a webhook is "active",
// "paused" or "disabled"; only active ones get deliveries (a delivery queued
// before a webhook stopped being active is given up when its turn comes).
// Every failed attempt of a delivery (not of the ping) counts as a delivery
// failure: a success resets failure_count to 0, a failure while the count
// is already above kMaxDeliveryFailures disables the webhook (the 7th
// failure in a row), else the count grows. SetStatus() is the REST
// resource's PUT; it leaves failure_count as it is.
//
// Accounting: every queued delivery (pings included) ends either delivered
// or gave_up; `pending` is queued + in flight. Secrets never appear in a
// Status. All methods are thread-safe; Publish() and Add() never block on
// the network.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "http/transport.h"

namespace es::woo::sandbox {

struct WebhookSubscription {
  std::string delivery_url;  // http:// or https://
  std::string secret;        // required; signs every delivery
  // Any of order.created, order.updated, order.deleted, product.created,
  // product.updated, customer.created, customer.updated (the sandbox emits
  // order.* and product.updated; it has no product creation or customer
  // writes). order.deleted is sent on trash with the body {"id": …}.
  std::vector<std::string> topics = {"order.created", "order.updated"};
  std::string name;  // informational
};

// WooCommerce's default of woocommerce_max_webhook_delivery_failures.
inline constexpr int kMaxDeliveryFailures = 5;

// What GET /webhooks shows of a subscription.
struct WebhookInfo {
  int64_t id = 0;
  std::string name;
  std::string status;  // active | paused | disabled
  std::vector<std::string> topics;
  std::string delivery_url;
  int failure_count = 0;
  int64_t created_s = 0;   // Unix seconds
  int64_t modified_s = 0;
};

struct WebhookStats {
  uint64_t delivered = 0;        // answered 2xx (pings included)
  uint64_t failed_attempts = 0;  // attempts answered outside 2xx or failed in transport
  uint64_t pending = 0;          // queued or in flight
  uint64_t gave_up = 0;          // attempts exhausted, webhook removed, or dropped by Stop()
};

struct WebhookDeliveryOptions {
  int max_attempts = 3;     // per delivery, >= 1
  int retry_delay_ms = 200;  // before the 2nd attempt; doubled before each later one
  int timeout_ms = 3000;     // per attempt (connect included)
  std::string user_agent = "WooCommerce/9.8.0 Hookshot (WordPress/6.8.1)";
};

// The topics a subscription may name.
bool IsSupportedWebhookTopic(std::string_view topic);

class WebhookSender {
 public:
  // `transport` is used by the sender thread only; null = libcurl.
  explicit WebhookSender(WebhookDeliveryOptions options = {}, std::unique_ptr<http::Transport> transport = nullptr);
  ~WebhookSender();  // Stop()
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Validates (Validation naming the field: delivery_url, secret, topics)
  // and registers the subscription; queues its ping. Returns the webhook id
  // (1, 2, … per sender).
  Result<int64_t> Add(const WebhookSubscription& sub);
  // Unsubscribes; queued deliveries to it are given up. NotFound if unknown.
  Status Remove(int64_t id);
  // The webhooks, by id; NotFound for an unknown id.
  std::vector<WebhookInfo> List() const;
  Result<WebhookInfo> Get(int64_t id) const;
  // "active" | "paused" | "disabled" (Validation naming the status
  // otherwise; code woocommerce_rest_webhook_invalid_status); NotFound for
  // an unknown id. Renaming is allowed alongside (`name` non-empty).
  Result<WebhookInfo> SetStatus(int64_t id, const std::string& status, const std::string& name = "");
  // True when some active webhook is subscribed to `topic` ("order.created").
  bool Subscribed(std::string_view topic) const;
  // Queues a delivery of `render()` to every webhook subscribed to `topic`;
  // `render` runs (once, in the caller's thread) only if there is one.
  // Returns the number of deliveries queued.
  size_t Publish(std::string_view topic, const std::function<std::string()>& render);

  // `source` is the X-WC-Webhook-Source value ("http://127.0.0.1:8080/").
  void Start(std::string source);
  void Stop();
  // Waits until nothing is pending or `timeout_ms` passed; false on timeout.
  bool Flush(int timeout_ms);
  WebhookStats stats() const;

  static std::string Sign(std::string_view secret, std::string_view body);

 private:
  struct Subscription {
    std::string url, secret, name;
    std::vector<std::string> topics;
    std::string status = "active";
    int failure_count = 0;
    int64_t created_s = 0, modified_s = 0;
  };
  static WebhookInfo Info(int64_t id, const Subscription& s);
  // Counts one delivery attempt's outcome on its webhook (requires mu_).
  void CountOutcome(int64_t webhook_id, bool delivered);
  struct Delivery {
    int64_t webhook_id = 0;
    std::string url, secret;
    std::string topic;  // empty = the creation ping
    std::string body;
    std::string delivery_id;  // 32 random hex digits, kept across retries
  };

  void Run();
  bool Attempt(const Delivery& d, const std::string& source);
  bool WaitUnlessStopping(int64_t ms);  // false when stopping
  void Finish(bool delivered);          // requires mu_

  const WebhookDeliveryOptions options_;
  std::unique_ptr<http::Transport> transport_;  // sender thread only (or while it is not running)

  mutable std::mutex mu_;
  std::condition_variable work_cv_;   // queue changed or stopping
  std::condition_variable idle_cv_;   // a delivery finished
  std::map<int64_t, Subscription> subs_;  // guarded by mu_
  int64_t next_id_ = 1;                   // guarded by mu_
  std::deque<Delivery> queue_;            // guarded by mu_
  bool in_flight_ = false;                // guarded by mu_
  bool stopping_ = false;                 // guarded by mu_
  bool running_ = false;                  // guarded by mu_
  std::string source_;                    // guarded by mu_
  WebhookStats stats_;                    // guarded by mu_ (pending derived)

  std::mutex lifecycle_mu_;  // Start/Stop
  std::thread thread_;       // guarded by lifecycle_mu_
};

}  // namespace es::woo::sandbox
