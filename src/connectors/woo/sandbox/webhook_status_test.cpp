// The sandbox's webhook status (reference woocommerce.md §5.1, §5.4): only
// active webhooks deliver, failures are counted and the 7th in a row
// disables, a success resets the count, and the /webhooks REST resource
// lists and updates the status.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/clock.h"
#include "connectors/woo/client.h"
#include "connectors/woo/sandbox/server.h"

namespace es::woo::sandbox {
namespace {

// Answers every POST with `status`; counts them.
class Receiver {
 public:
  Receiver() {
    server_.Post(".*", [this](const httplib::Request&, httplib::Response& res) {
      ++got;
      res.status = status.load();
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/webhooks/woo/t1/woo-main"; }
  std::atomic<int> status{500};
  std::atomic<int> got{0};

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

WebhookInfo Only(const Server& s) {
  auto all = s.ListWebhooks();
  EXPECT_EQ(all.size(), 1u);
  return all.empty() ? WebhookInfo{} : all[0];
}

class WebhookStatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options o;
    o.orders = 3;
    o.customers = 2;
    o.products = 2;
    o.webhooks.max_attempts = 1;  // WooCommerce never retries
    o.webhooks.timeout_ms = 2000;
    shop_ = std::make_unique<Server>(o);
    ASSERT_TRUE(shop_->Start(0).ok());
    WebhookSubscription sub;
    sub.delivery_url = receiver_.Url();
    sub.secret = "whsec";
    sub.topics = {"order.updated"};
    auto id = shop_->AddWebhook(sub);
    ASSERT_TRUE(id.ok());
    id_ = *id;
    ASSERT_TRUE(shop_->FlushWebhooks(5000));  // the ping
  }
  void TearDown() override { shop_->Stop(); }
  // One order edit through the test hook → one delivery.
  void Edit(int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(shop_->ModifyOrder(shop_->OrderIds().front(), Json{{"customer_note", "edit " + std::to_string(i)}}).ok());
      ASSERT_TRUE(shop_->FlushWebhooks(5000));
    }
  }

  Receiver receiver_;
  std::unique_ptr<Server> shop_;
  int64_t id_ = 0;
};

TEST_F(WebhookStatusTest, SeventhFailureInARowDisablesAndSuccessResets) {
  Edit(3);
  EXPECT_EQ(Only(*shop_).failure_count, 3);
  EXPECT_EQ(Only(*shop_).status, "active");
  receiver_.status = 200;
  Edit(1);
  EXPECT_EQ(Only(*shop_).failure_count, 0);  // a success resets the count
  receiver_.status = 500;
  Edit(6);
  EXPECT_EQ(Only(*shop_).failure_count, 6);
  EXPECT_EQ(Only(*shop_).status, "active");
  Edit(1);  // 7th failure in a row
  EXPECT_EQ(Only(*shop_).status, "disabled");
  const int before = receiver_.got.load();
  Edit(2);  // a disabled webhook delivers nothing
  EXPECT_EQ(receiver_.got.load(), before);
}

TEST_F(WebhookStatusTest, RestResourceListsFiltersAndReenables) {
  ASSERT_TRUE(shop_->SetWebhookStatus(id_, "disabled").ok());
  EXPECT_TRUE(shop_->SetWebhookStatus(id_, "sleeping").status().IsValidation());
  auto transport = http::MakeCurlTransport();
  Credentials c;
  c.base_url = shop_->base_url();
  c.consumer_key = "ck_sandbox_key";
  c.consumer_secret = "cs_sandbox_secret";
  Client client(c, *transport, SystemClock::Get());
  auto listed = client.ListWebhooks();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].status, "disabled");
  EXPECT_EQ((*listed)[0].topic, "order.updated");
  EXPECT_EQ((*listed)[0].delivery_url, receiver_.Url());
  auto active_only = client.Get("webhooks", {{"status", "active"}});
  ASSERT_TRUE(active_only.ok());
  EXPECT_EQ(active_only->body, "[]");
  auto bad = client.Send("PUT", "webhooks/" + std::to_string(id_), {}, R"({"status":"sleeping"})");
  EXPECT_FALSE(bad.ok());
  auto fixed = client.SetWebhookStatus(id_, "active");
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_EQ(fixed->status, "active");
  EXPECT_EQ(Only(*shop_).status, "active");
  auto missing = client.SetWebhookStatus(9999, "active");
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
  // Unsigned requests are refused.
  Credentials wrong = c;
  wrong.consumer_secret = "nope";
  Client anonymous(wrong, *transport, SystemClock::Get());
  EXPECT_FALSE(anonymous.ListWebhooks().ok());
}

}  // namespace
}  // namespace es::woo::sandbox
