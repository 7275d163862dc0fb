// The sandbox's webhook sender end to end: a real cpp-httplib receiver on a
// free port records what arrives, and the receiver-side functions of
// connectors/woo/webhooks.h judge it (ping, signature, parsing).
#include "connectors/woo/sandbox/webhooks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "common/clock.h"
#include "common/crypto.h"
#include "connectors/woo/oauth1.h"
#include "connectors/woo/sandbox/server.h"
#include "connectors/woo/webhooks.h"
#include "http/url.h"

namespace es::woo::sandbox {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kSecret[] = "whsec-sandbox-&-test";

struct Received {
  std::string method, path, body;
  httplib::Headers headers;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  WebhookHeaders Woo() const {
    return WebhookHeaders::FromLookup([this](std::string_view n) { return Header(std::string(n)); });
  }
};

// An HTTP receiver that records every request; `status_for(n)` picks the
// answer to the n-th request (0-based), 200 by default.
class Receiver {
 public:
  explicit Receiver(std::function<int(size_t)> status_for = nullptr) : status_for_(std::move(status_for)) {
    server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      size_t n;
      {
        std::lock_guard<std::mutex> lock(mu_);
        n = got_.size();
        got_.push_back(Received{req.method, req.path, req.body, req.headers});
      }
      res.status = status_for_ ? status_for_(n) : 200;
      res.set_content("", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() { Close(); }
  void Close() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string Url(const std::string& path = "/webhooks/woo/t1") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int port() const { return port_; }
  std::vector<Received> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return got_;
  }
  // The signed deliveries (not pings) that arrived at `path`.
  std::vector<Received> Deliveries(const std::string& path = "/webhooks/woo/t1") const {
    std::vector<Received> out;
    for (auto& r : requests())
      if (r.path == path && !r.Header("X-WC-Webhook-Topic").empty()) out.push_back(r);
    return out;
  }

 private:
  std::function<int(size_t)> status_for_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::vector<Received> got_;
};

Options SmallStore() {
  Options o;
  o.seed = 11;
  o.orders = 12;
  o.customers = 6;
  o.products = 6;
  o.webhooks.retry_delay_ms = 40;
  o.webhooks.timeout_ms = 2000;
  return o;
}

WebhookSubscription Sub(const std::string& url, std::vector<std::string> topics = {"order.created", "order.updated"},
                        const std::string& secret = kSecret) {
  WebhookSubscription s;
  s.delivery_url = url;
  s.secret = secret;
  s.topics = std::move(topics);
  s.name = "test hook";
  return s;
}

class WebhooksTest : public ::testing::Test {
 protected:
  void SetUp() override { Boot(SmallStore()); }
  void Boot(const Options& o) {
    server_ = std::make_unique<Server>(o);
    ASSERT_TRUE(server_->Start(0).ok());
  }
  // Subscribes and waits for the ping to be answered.
  int64_t Subscribe(const WebhookSubscription& sub) {
    auto id = server_->AddWebhook(sub);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_TRUE(server_->FlushWebhooks(5000));
    return id.ok() ? *id : -1;
  }
  // A body AddOrder accepts: one line of a product from a seeded order.
  Json OrderBody() {
    Json seeded = server_->OrderJson(server_->OrderIds().front());
    const Json& line = seeded["line_items"][0];
    Json item = {{"product_id", line["product_id"]}, {"quantity", 2}};
    if (line["variation_id"].get<int64_t>() != 0) item["variation_id"] = line["variation_id"];
    return {{"status", "pending"},
            {"billing", {{"first_name", "Ada"}, {"email", "ada@example.com"}, {"country", "US"}, {"state", "CA"}}},
            {"line_items", Json::array({item})}};
  }
  // A REST call signed with OAuth 1.0a, as WooCommerce expects over http.
  http::Response Rest(const std::string& method, const std::string& path, const std::string& body = "",
                      http::Params query = {}) {
    oauth1::SignRequest s;
    s.http_method = method;
    s.url = server_->base_url() + "/wp-json/wc/v3" + path;
    s.params = query;
    s.consumer_key = server_->options().consumer_key;
    s.consumer_secret = server_->options().consumer_secret;
    s.timestamp = SystemClock::Get().NowSeconds();
    s.nonce = crypto::RandomHex(16);
    http::Request req;
    req.method = method;
    for (auto& p : oauth1::Sign(s)) query.push_back(p);
    req.url = s.url + "?" + http::BuildQuery(query);
    req.body = body;
    if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
    auto res = transport_->Send(req);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? *res : http::Response{};
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<http::Transport> transport_ = http::MakeCurlTransport();
};

TEST_F(WebhooksTest, CreationPingIsUnsignedFormAndAccepted) {
  Receiver rx;
  auto id = server_->AddWebhook(Sub(rx.Url()));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, 1);
  ASSERT_TRUE(server_->FlushWebhooks(5000));
  auto got = rx.requests();
  ASSERT_EQ(got.size(), 1u);
  const Received& ping = got[0];
  EXPECT_EQ(ping.method, "POST");
  EXPECT_EQ(ping.path, "/webhooks/woo/t1");
  EXPECT_EQ(ping.body, "webhook_id=1");
  EXPECT_THAT(ping.Header("Content-Type"), StartsWith("application/x-www-form-urlencoded"));
  EXPECT_THAT(ping.Header("User-Agent"), StartsWith("WooCommerce/"));
  EXPECT_THAT(ping.Header("User-Agent"), HasSubstr("Hookshot (WordPress/"));
  EXPECT_FALSE(ping.Woo().AnyPresent());
  EXPECT_TRUE(IsPing(ping.Woo(), ping.body));
  WebhookStats st = server_->webhook_stats();
  EXPECT_EQ(st.delivered, 1u);
  EXPECT_EQ(st.pending, 0u);
  EXPECT_EQ(st.failed_attempts, 0u);

  // A second webhook gets the next id and its own ping.
  auto second = server_->AddWebhook(Sub(rx.Url("/other")));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, 2);
  ASSERT_TRUE(server_->FlushWebhooks(5000));
  ASSERT_EQ(rx.requests().size(), 2u);
  EXPECT_EQ(rx.requests()[1].body, "webhook_id=2");
}

TEST_F(WebhooksTest, OrderCreatedIsSignedAndParses) {
  Receiver rx;
  const int64_t hook = Subscribe(Sub(rx.Url()));
  auto id = server_->AddOrder(OrderBody());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_TRUE(server_->FlushWebhooks(5000));

  auto got = rx.Deliveries();
  ASSERT_EQ(got.size(), 1u);
  const Received& d = got[0];
  EXPECT_EQ(d.method, "POST");
  EXPECT_THAT(d.Header("Content-Type"), StartsWith("application/json"));
  EXPECT_THAT(d.Header("User-Agent"), StartsWith("WooCommerce/"));
  EXPECT_EQ(d.Header("X-WC-Webhook-Source"), server_->base_url() + "/");
  EXPECT_EQ(d.Header("X-WC-Webhook-Topic"), "order.created");
  EXPECT_EQ(d.Header("X-WC-Webhook-Resource"), "order");
  EXPECT_EQ(d.Header("X-WC-Webhook-Event"), "created");
  EXPECT_EQ(d.Header("X-WC-Webhook-ID"), std::to_string(hook));
  EXPECT_EQ(d.Header("X-WC-Webhook-Delivery-ID").size(), 32u);
  EXPECT_FALSE(IsPing(d.Woo(), d.body));

  // Verifies with the secret, not with another one or a changed body.
  EXPECT_TRUE(VerifyWebhookSignature(d.body, d.Header("X-WC-Webhook-Signature"), kSecret).ok());
  Status wrong = VerifyWebhookSignature(d.body, d.Header("X-WC-Webhook-Signature"), "not-the-secret");
  EXPECT_TRUE(wrong.IsAuthentication());
  EXPECT_THAT(wrong.message(), Not(HasSubstr(kSecret)));
  EXPECT_FALSE(VerifyWebhookSignature(d.body + " ", d.Header("X-WC-Webhook-Signature"), kSecret).ok());

  auto ev = VerifyAndParseWebhook(d.Woo(), d.body, kSecret);
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(ev->topic, "order.created");
  EXPECT_EQ(ev->resource, "order");
  EXPECT_EQ(ev->event, "created");
  EXPECT_EQ(ev->resource_id, std::to_string(*id));
  EXPECT_EQ(ev->webhook_id, std::to_string(hook));
  EXPECT_EQ(ev->delivery_id, d.Header("X-WC-Webhook-Delivery-ID"));
  EXPECT_EQ(ev->source, server_->base_url() + "/");
  EXPECT_EQ(ev->payload["status"], "pending");
  EXPECT_EQ(ev->payload["billing"]["email"], "ada@example.com");
  // Exactly what GET /orders/{id} renders.
  EXPECT_EQ(d.body, DumpJson(server_->OrderJson(*id)));
  EXPECT_EQ(d.body, Rest("GET", "/orders/" + std::to_string(*id)).body);

  WebhookStats st = server_->webhook_stats();
  EXPECT_EQ(st.delivered, 2u);  // ping + order
  EXPECT_EQ(st.gave_up, 0u);
}

TEST_F(WebhooksTest, StatusChangesAndEditsAreOrderUpdated) {
  Receiver rx;
  Subscribe(Sub(rx.Url()));
  const int64_t id = server_->AddRandomOrder();
  ASSERT_TRUE(server_->UpdateOrderStatus(id, "completed").ok());
  ASSERT_TRUE(server_->ModifyOrder(id, {{"customer_note", "leave at the door"}}).ok());
  // A failed write announces nothing.
  EXPECT_FALSE(server_->UpdateOrderStatus(id, "no-such-status").ok());
  EXPECT_FALSE(server_->UpdateOrderStatus(999999, "completed").ok());
  ASSERT_TRUE(server_->FlushWebhooks(5000));

  auto got = rx.Deliveries();
  ASSERT_EQ(got.size(), 3u);
  std::vector<Json> payloads;
  for (const auto& d : got) {
    auto ev = VerifyAndParseWebhook(d.Woo(), d.body, kSecret);
    ASSERT_TRUE(ev.ok()) << ev.status().ToString();
    EXPECT_EQ(ev->resource_id, std::to_string(id));
    payloads.push_back(ev->payload);
  }
  EXPECT_EQ(got[0].Header("X-WC-Webhook-Topic"), "order.created");
  EXPECT_EQ(got[1].Header("X-WC-Webhook-Topic"), "order.updated");
  EXPECT_EQ(got[1].Header("X-WC-Webhook-Event"), "updated");
  EXPECT_EQ(payloads[1]["status"], "completed");
  EXPECT_EQ(got[2].Header("X-WC-Webhook-Topic"), "order.updated");
  EXPECT_EQ(payloads[2]["customer_note"], "leave at the door");
  // Each body is the state right after its write: date_modified moves forward.
  EXPECT_LT(payloads[0]["date_modified_gmt"].get<std::string>(), payloads[1]["date_modified_gmt"].get<std::string>());
  EXPECT_LT(payloads[1]["date_modified_gmt"].get<std::string>(), payloads[2]["date_modified_gmt"].get<std::string>());
}

TEST_F(WebhooksTest, RefundIsOrderUpdatedTrashIsOrderDeletedForceDeleteIsSilent) {
  Receiver rx;
  Subscribe(Sub(rx.Url(), {"order.updated", "order.deleted"}));
  auto id = server_->AddOrder(OrderBody());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  const std::string path = "/orders/" + std::to_string(*id);
  auto refund = Rest("POST", path + "/refunds", R"({"amount":"1.00","reason":"Scratched","api_refund":false})");
  ASSERT_EQ(refund.status, 201) << refund.body;
  EXPECT_EQ(Rest("DELETE", path).status, 200);
  EXPECT_EQ(Rest("DELETE", path, "", {{"force", "true"}}).status, 200);
  ASSERT_TRUE(server_->FlushWebhooks(5000));

  auto got = rx.Deliveries();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].Header("X-WC-Webhook-Topic"), "order.updated");
  auto ev = VerifyAndParseWebhook(got[0].Woo(), got[0].body, kSecret);
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(ev->payload["refunds"][0]["total"], "-1.00");
  EXPECT_EQ(got[1].Header("X-WC-Webhook-Topic"), "order.deleted");
  EXPECT_EQ(got[1].Header("X-WC-Webhook-Event"), "deleted");
  EXPECT_EQ(got[1].body, DumpJson(Json{{"id", *id}}));
  EXPECT_EQ(got[1].Header("X-WC-Webhook-Signature"), WebhookSender::Sign(kSecret, got[1].body));
}

TEST_F(WebhooksTest, TopicsFilterAndEachWebhookSignsWithItsOwnSecret) {
  Receiver rx;
  const int64_t created_hook = Subscribe(Sub(rx.Url("/created"), {"order.created"}, "secret-created"));
  const int64_t updated_hook = Subscribe(Sub(rx.Url("/updated"), {"order.updated"}, "secret-updated"));
  Subscribe(Sub(rx.Url("/products"), {"product.updated"}, "secret-products"));
  const int64_t a = server_->AddRandomOrder();
  const int64_t b = server_->AddRandomOrder();
  ASSERT_TRUE(server_->UpdateOrderStatus(a, "on-hold").ok());
  ASSERT_TRUE(server_->FlushWebhooks(5000));

  auto created = rx.Deliveries("/created");
  auto updated = rx.Deliveries("/updated");
  ASSERT_EQ(created.size(), 2u);
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_TRUE(rx.Deliveries("/products").empty());
  for (const auto& d : created) {
    EXPECT_EQ(d.Header("X-WC-Webhook-Topic"), "order.created");
    EXPECT_EQ(d.Header("X-WC-Webhook-ID"), std::to_string(created_hook));
    EXPECT_TRUE(VerifyWebhookSignature(d.body, d.Header("X-WC-Webhook-Signature"), "secret-created").ok());
    EXPECT_FALSE(VerifyWebhookSignature(d.body, d.Header("X-WC-Webhook-Signature"), "secret-updated").ok());
  }
  EXPECT_EQ(ParseWebhook(created[0].Woo(), created[0].body)->resource_id, std::to_string(a));
  EXPECT_EQ(ParseWebhook(created[1].Woo(), created[1].body)->resource_id, std::to_string(b));
  EXPECT_EQ(updated[0].Header("X-WC-Webhook-ID"), std::to_string(updated_hook));
  EXPECT_TRUE(VerifyWebhookSignature(updated[0].body, updated[0].Header("X-WC-Webhook-Signature"), "secret-updated").ok());
  EXPECT_EQ(ParseWebhook(updated[0].Woo(), updated[0].body)->resource_id, std::to_string(a));
}

TEST_F(WebhooksTest, DeliveryIdsAreUnique) {
  Receiver rx;
  Subscribe(Sub(rx.Url()));
  Subscribe(Sub(rx.Url("/second")));
  for (int i = 0; i < 6; ++i) server_->AddRandomOrder();
  ASSERT_TRUE(server_->FlushWebhooks(5000));
  std::set<std::string> ids;
  size_t n = 0;
  for (const auto& r : rx.requests()) {
    if (r.Header("X-WC-Webhook-Topic").empty()) continue;
    ++n;
    EXPECT_TRUE(ids.insert(r.Header("X-WC-Webhook-Delivery-ID")).second) << r.Header("X-WC-Webhook-Delivery-ID");
  }
  EXPECT_EQ(n, 12u);
  EXPECT_EQ(ids.size(), 12u);
}

TEST_F(WebhooksTest, RestWritesAreAnnounced) {
  Receiver rx;
  Subscribe(Sub(rx.Url(), {"order.created", "order.updated", "product.updated"}));
  http::Response created = Rest("POST", "/orders", DumpJson(OrderBody()));
  ASSERT_EQ(created.status, 201) << created.body;
  auto created_json = ParseJson(created.body);
  ASSERT_TRUE(created_json.ok());
  const std::string id = std::to_string((*created_json)["id"].get<int64_t>());
  http::Response updated = Rest("PUT", "/orders/" + id, R"({"status":"processing"})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  // Reads and rejected writes announce nothing.
  EXPECT_EQ(Rest("GET", "/orders").status, 200);
  EXPECT_EQ(Rest("PUT", "/orders/" + id, R"({"status":"bogus"})").status, 400);

  // A product price change through the REST API is product.updated.
  Json product = server_->OrderJson(std::stoll(id))["line_items"][0];
  const int64_t variation = product["variation_id"].get<int64_t>();
  const int64_t parent = product["product_id"].get<int64_t>();
  const std::string product_path = variation ? "/products/" + std::to_string(parent) + "/variations/" +
                                                   std::to_string(variation)
                                             : "/products/" + std::to_string(parent);
  http::Response priced = Rest("PUT", product_path, R"({"regular_price":"12.34"})");
  ASSERT_EQ(priced.status, 200) << priced.body;
  ASSERT_TRUE(server_->FlushWebhooks(5000));

  auto got = rx.Deliveries();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].Header("X-WC-Webhook-Topic"), "order.created");
  EXPECT_EQ(got[1].Header("X-WC-Webhook-Topic"), "order.updated");
  EXPECT_EQ(got[2].Header("X-WC-Webhook-Topic"), "product.updated");
  auto ev_created = VerifyAndParseWebhook(got[0].Woo(), got[0].body, kSecret);
  auto ev_updated = VerifyAndParseWebhook(got[1].Woo(), got[1].body, kSecret);
  auto ev_product = VerifyAndParseWebhook(got[2].Woo(), got[2].body, kSecret);
  ASSERT_TRUE(ev_created.ok() && ev_updated.ok() && ev_product.ok());
  EXPECT_EQ(ev_created->resource_id, id);
  EXPECT_EQ(ev_updated->resource_id, id);
  EXPECT_EQ(ev_updated->payload["status"], "processing");
  EXPECT_EQ(ev_product->resource_id, std::to_string(variation ? variation : parent));
  EXPECT_EQ(ev_product->payload["regular_price"], "12.34");
  // The update's body is byte for byte the REST answer and a later GET.
  EXPECT_EQ(got[1].body, updated.body);
  EXPECT_EQ(got[1].body, Rest("GET", "/orders/" + id).body);
}

TEST_F(WebhooksTest, FailedDeliveryIsRetriedThenDeliveredOnce) {
  // Request 0 is the ping; the order delivery is refused twice, then taken.
  Receiver rx([](size_t n) { return n == 1 || n == 2 ? 500 : 200; });
  Subscribe(Sub(rx.Url()));
  const int64_t id = server_->AddRandomOrder();
  ASSERT_TRUE(server_->FlushWebhooks(5000));
  auto got = rx.Deliveries();
  ASSERT_EQ(got.size(), 3u);
  for (const auto& d : got) {
    EXPECT_EQ(d.body, got[0].body);
    EXPECT_EQ(d.Header("X-WC-Webhook-Delivery-ID"), got[0].Header("X-WC-Webhook-Delivery-ID"));
    EXPECT_EQ(ParseWebhook(d.Woo(), d.body)->resource_id, std::to_string(id));
  }
  WebhookStats st = server_->webhook_stats();
  EXPECT_EQ(st.delivered, 2u);  // ping + the order, once
  EXPECT_EQ(st.failed_attempts, 2u);
  EXPECT_EQ(st.gave_up, 0u);
  EXPECT_EQ(st.pending, 0u);
}

TEST_F(WebhooksTest, PersistentFailureGivesUpAfterTheLastAttempt) {
  Receiver rx([](size_t n) { return n == 0 ? 200 : 503; });
  Subscribe(Sub(rx.Url()));
  server_->AddRandomOrder();
  ASSERT_TRUE(server_->FlushWebhooks(5000));
  EXPECT_EQ(rx.Deliveries().size(), 3u);  // the default 3 attempts
  WebhookStats st = server_->webhook_stats();
  EXPECT_EQ(st.delivered, 1u);
  EXPECT_EQ(st.failed_attempts, 3u);
  EXPECT_EQ(st.gave_up, 1u);
}

TEST_F(WebhooksTest, ReceiverDownIsGivenUpAndStopIsPrompt) {
  int dead_port;
  {
    Receiver gone;
    dead_port = gone.port();
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(dead_port) + "/hook";
  ASSERT_TRUE(server_->AddWebhook(Sub(url)).ok());
  server_->AddRandomOrder();
  ASSERT_TRUE(server_->FlushWebhooks(5000));
  WebhookStats st = server_->webhook_stats();
  EXPECT_EQ(st.delivered, 0u);
  EXPECT_EQ(st.gave_up, 2u);  // ping + order
  EXPECT_EQ(st.failed_attempts, 6u);
  EXPECT_EQ(st.pending, 0u);

  // With work still queued, Stop() abandons it instead of waiting.
  for (int i = 0; i < 5; ++i) server_->AddRandomOrder();
  const auto t0 = std::chrono::steady_clock::now();
  server_->Stop();
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, std::chrono::milliseconds(1500));
  st = server_->webhook_stats();
  EXPECT_EQ(st.pending, 0u);
  EXPECT_EQ(st.gave_up, 7u);
  EXPECT_TRUE(server_->FlushWebhooks(0));
}

TEST_F(WebhooksTest, StopWhileAReceiverStallsIsBoundedByTheTimeout) {
  Options o = SmallStore();
  o.webhooks.timeout_ms = 300;
  Boot(o);
  std::atomic<bool> release{false};
  Receiver rx([&release](size_t n) {
    if (n > 0)
      for (int i = 0; i < 300 && !release; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return 200;
  });
  Subscribe(Sub(rx.Url()));
  server_->AddRandomOrder();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the delivery is in flight
  const auto t0 = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1500));
  release = true;
  EXPECT_EQ(server_->webhook_stats().pending, 0u);
  EXPECT_EQ(server_->webhook_stats().delivered, 1u);  // only the ping
}

TEST_F(WebhooksTest, RemovedWebhookReceivesNothingMore) {
  Receiver rx;
  const int64_t hook = Subscribe(Sub(rx.Url()));
  server_->AddRandomOrder();
  ASSERT_TRUE(server_->FlushWebhooks(5000));
  ASSERT_TRUE(server_->RemoveWebhook(hook).ok());
  EXPECT_TRUE(server_->RemoveWebhook(hook).IsNotFound());
  server_->AddRandomOrder();
  ASSERT_TRUE(server_->FlushWebhooks(5000));
  EXPECT_EQ(rx.Deliveries().size(), 1u);
}

TEST_F(WebhooksTest, DeliveriesQueuedBeforeStartAreSentOnceStarted) {
  Receiver rx;
  server_->Stop();
  ASSERT_TRUE(server_->AddWebhook(Sub(rx.Url())).ok());
  server_->AddRandomOrder();
  EXPECT_FALSE(server_->FlushWebhooks(100));
  EXPECT_EQ(server_->webhook_stats().pending, 2u);
  ASSERT_TRUE(server_->Start(0).ok());
  ASSERT_TRUE(server_->FlushWebhooks(5000));
  ASSERT_EQ(rx.requests().size(), 2u);
  EXPECT_TRUE(IsPing(rx.requests()[0].Woo(), rx.requests()[0].body));
  auto d = rx.Deliveries();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].Header("X-WC-Webhook-Source"), server_->base_url() + "/");
  EXPECT_TRUE(VerifyAndParseWebhook(d[0].Woo(), d[0].body, kSecret).ok());
}

TEST_F(WebhooksTest, InvalidSubscriptionsAreRejectedWithoutTheSecret) {
  Receiver rx;
  auto bad_url = server_->AddWebhook(Sub("ftp://example.test/hook"));
  ASSERT_FALSE(bad_url.ok());
  EXPECT_TRUE(bad_url.status().IsValidation());
  EXPECT_THAT(bad_url.status().message(), HasSubstr("delivery_url"));
  EXPECT_THAT(bad_url.status().message(), Not(HasSubstr(kSecret)));

  auto no_secret = server_->AddWebhook(Sub(rx.Url(), {"order.created"}, ""));
  ASSERT_FALSE(no_secret.ok());
  EXPECT_THAT(no_secret.status().message(), HasSubstr("secret"));

  auto bad_topic = server_->AddWebhook(Sub(rx.Url(), {"order.created", "order.exploded"}));
  ASSERT_FALSE(bad_topic.ok());
  EXPECT_THAT(bad_topic.status().message(), HasSubstr("topics[1]"));
  EXPECT_THAT(bad_topic.status().message(), Not(HasSubstr(kSecret)));

  EXPECT_FALSE(server_->AddWebhook(Sub(rx.Url(), {})).ok());
  EXPECT_TRUE(server_->FlushWebhooks(1000));
  EXPECT_TRUE(rx.requests().empty());
  // Nothing was registered, so the first valid webhook is still id 1.
  EXPECT_EQ(server_->AddWebhook(Sub(rx.Url())).value(), 1);
}

TEST(WebhookSender, PublishRendersOnlyWhenSubscribed) {
  WebhookSender sender;
  int renders = 0;
  auto render = [&renders] {
    ++renders;
    return std::string(R"({"id":1})");
  };
  EXPECT_EQ(sender.Publish("order.created", render), 0u);
  EXPECT_EQ(renders, 0);
  ASSERT_TRUE(sender.Add(Sub("http://127.0.0.1:9/a", {"order.created"})).ok());
  ASSERT_TRUE(sender.Add(Sub("http://127.0.0.1:9/b", {"order.created", "order.updated"})).ok());
  EXPECT_TRUE(sender.Subscribed("order.updated"));
  EXPECT_FALSE(sender.Subscribed("product.updated"));
  EXPECT_EQ(sender.Publish("order.created", render), 2u);
  EXPECT_EQ(renders, 1);
  EXPECT_EQ(sender.stats().pending, 4u);  // two pings, two deliveries; never started
  EXPECT_EQ(WebhookSender::Sign("k", "body"), crypto::Base64Encode(crypto::HmacSha256("k", "body")));
}

}  // namespace
}  // namespace es::woo::sandbox
