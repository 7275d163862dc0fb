// SafetyNet against the WooCommerce sandbox's /webhooks resource and a real
// SQLite store: the webhook check re-enables what points at us and
// notifies, reports missing topics; a pass queues one poll job per pair.
#include "safety/safety_net.h"

#include <gtest/gtest.h>

#include <mutex>

#include "connectors/woo/sandbox/server.h"
#include "store/factory/open_store.h"

namespace es::safety {
namespace {

struct Recorder final : notify::EventSink {
  void Notify(const notify::NotificationEvent& e) override {
    std::lock_guard lock(mu);
    events.push_back(e);
  }
  std::mutex mu;
  std::vector<notify::NotificationEvent> events;
};

class SafetyNetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    woo::sandbox::Options o;
    o.orders = 5;
    o.customers = 3;
    o.products = 3;
    o.webhooks.max_attempts = 1;
    shop_ = std::make_unique<woo::sandbox::Server>(o);
    ASSERT_TRUE(shop_->Start(0).ok());
    auto s = store::OpenStore("sqlite://:memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->PutTenant({"t1", "Shop", 1}).ok());
    store::Connection w;
    w.tenant_id = "t1";
    w.id = "woo-main";
    w.kind = "woo";
    w.config = {{"base_url", shop_->base_url()}};
    w.secret = DumpJson(Json{{"consumer_key", "ck_sandbox_key"},
                             {"consumer_secret", "cs_sandbox_secret"},
                             {"webhook_secret", "whsec"}});
    ASSERT_TRUE(store_->PutConnection(w).ok());
    store::Connection q;
    q.tenant_id = "t1";
    q.id = "qbo-main";
    q.kind = "qbo";
    ASSERT_TRUE(store_->PutConnection(q).ok());
    transport_ = http::MakeCurlTransport();
  }
  void TearDown() override { shop_->Stop(); }

  int64_t Hook(const std::string& topic, const std::string& path) {
    woo::sandbox::WebhookSubscription sub;
    sub.delivery_url = "http://127.0.0.1:9/" + path;  // nothing listens: deliveries fail
    sub.secret = "whsec";
    sub.topics = {topic};
    auto id = shop_->AddWebhook(sub);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  SafetyNet Net(EnqueueFn enqueue = nullptr, SafetyOptions o = {}) {
    return SafetyNet(*store_, *transport_, SystemClock::Get(), &events_, std::move(enqueue), o);
  }

  std::unique_ptr<woo::sandbox::Server> shop_;
  std::unique_ptr<store::StateStore> store_;
  std::unique_ptr<http::Transport> transport_;
  Recorder events_;
};

TEST(PointsAtReceiverTest, MatchesTheTenantAndConnectionPathOnAnyHost) {
  EXPECT_TRUE(PointsAtReceiver("https://sync.example/webhooks/woo/t1/woo-main", "t1", "woo-main"));
  EXPECT_TRUE(PointsAtReceiver("http://10.0.0.2:8080/base/webhooks/woo/t1/woo-main/", "t1", "woo-main"));
  EXPECT_FALSE(PointsAtReceiver("https://sync.example/webhooks/woo/t2/woo-main", "t1", "woo-main"));
  EXPECT_FALSE(PointsAtReceiver("https://sync.example/webhooks/woo/t1/woo-main-2", "t1", "woo-main"));
  EXPECT_FALSE(PointsAtReceiver("https://sync.example/webhooks/qbo/t1/woo-main", "t1", "woo-main"));
  EXPECT_FALSE(PointsAtReceiver("not a url", "t1", "woo-main"));
}

TEST_F(SafetyNetTest, ReenablesDisabledAndPausedWebhooksOfOursAndNotifies) {
  const int64_t created = Hook("order.created", "webhooks/woo/t1/woo-main");
  const int64_t updated = Hook("order.updated", "webhooks/woo/t1/woo-main");
  const int64_t foreign = Hook("order.updated", "elsewhere/hook");
  ASSERT_TRUE(shop_->SetWebhookStatus(created, "disabled").ok());
  ASSERT_TRUE(shop_->SetWebhookStatus(updated, "paused").ok());
  ASSERT_TRUE(shop_->SetWebhookStatus(foreign, "disabled").ok());

  auto c = store_->GetConnection("t1", "woo-main");
  ASSERT_TRUE(c.ok() && c->has_value());
  WebhookCheckResult r = Net().CheckWebhooks(**c);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.webhooks_seen, 2);
  EXPECT_EQ(r.reenabled, (std::vector<int64_t>{created, updated}));
  EXPECT_TRUE(r.missing_topics.empty());
  for (const auto& w : shop_->ListWebhooks())
    EXPECT_EQ(w.status, w.id == foreign ? "disabled" : "active") << w.id;  // not ours: left alone

  std::lock_guard lock(events_.mu);
  ASSERT_EQ(events_.events.size(), 2u);
  EXPECT_EQ(events_.events[0].kind, "webhook_disabled");
  EXPECT_EQ(events_.events[0].tenant_id, "t1");
  EXPECT_EQ(events_.events[0].detail["webhookId"], created);
  EXPECT_EQ(events_.events[0].detail["status"], "disabled");
  EXPECT_EQ(events_.events[0].detail["reenabled"], true);
  EXPECT_EQ(events_.events[1].detail["status"], "paused");
}

TEST_F(SafetyNetTest, ReportsMissingTopicsAndHealthyWebhooksCostNothing) {
  Hook("order.created", "webhooks/woo/t1/woo-main");
  auto c = store_->GetConnection("t1", "woo-main");
  ASSERT_TRUE(c.ok() && c->has_value());
  WebhookCheckResult r = Net().CheckWebhooks(**c);
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.reenabled.empty());
  EXPECT_EQ(r.missing_topics, (std::vector<std::string>{"order.updated"}));
  std::lock_guard lock(events_.mu);
  ASSERT_EQ(events_.events.size(), 1u);
  EXPECT_EQ(events_.events[0].kind, "webhook_missing");
}

TEST_F(SafetyNetTest, UnreachableShopIsAnErrorNotACrash) {
  store::Connection w;
  w.tenant_id = "t1";
  w.id = "woo-down";
  w.kind = "woo";
  w.config = {{"base_url", "http://127.0.0.1:9"}};
  w.secret = DumpJson(Json{{"consumer_key", "k"}, {"consumer_secret", "s"}});
  WebhookCheckResult r = Net().CheckWebhooks(w);
  EXPECT_NE(r.error, "");
  EXPECT_EQ(r.error.find("\"s\""), std::string::npos);
}

TEST_F(SafetyNetTest, PassQueuesOnePollPerPairOnTheBackfillLaneAndPurges) {
  Hook("order.created", "webhooks/woo/t1/woo-main");
  Hook("order.updated", "webhooks/woo/t1/woo-main");
  std::vector<std::pair<engine::SyncRequest, jobs::EnqueueOptions>> calls;
  bool coalesce = false;
  auto enqueue = [&](const engine::SyncRequest& r, const jobs::EnqueueOptions& o) -> Result<bool> {
    calls.emplace_back(r, o);
    return coalesce;
  };
  // An old finished delivery goes, a queued one stays.
  store::WebhookDelivery d;
  d.tenant_id = "t1";
  d.connection_id = "woo-main";
  d.source = "woo";
  d.topic = "order.updated";
  d.entity = "order";
  d.delivery_id = "old";
  ASSERT_TRUE(store_->EnqueueWebhook(d).ok());
  d.delivery_id = "pending";
  ASSERT_TRUE(store_->EnqueueWebhook(d).ok());
  auto claimed = store_->ClaimWebhooks(1'000, 1'000, 1);
  ASSERT_TRUE(claimed.ok() && claimed->size() == 1u);
  ASSERT_TRUE(store_->FinishWebhook((*claimed)[0].seq, "done", "", "", 2'000).ok());

  SafetyNet net = Net(enqueue);
  auto first = net.RunPass();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->errors.empty()) << first->ToJson().dump();
  EXPECT_EQ(first->polls_queued, 1);
  EXPECT_EQ(first->purged, 1);
  ASSERT_EQ(first->webhooks.size(), 1u);
  EXPECT_TRUE(first->webhooks[0].missing_topics.empty());
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].first.tenant_id, "t1");
  EXPECT_EQ(calls[0].first.source_connection, "woo-main");
  EXPECT_EQ(calls[0].first.target_connection, "qbo-main");
  EXPECT_EQ(calls[0].first.mode, "incremental");
  EXPECT_EQ(calls[0].first.triggered_by, "safety_poll");
  EXPECT_EQ(calls[0].second.lane, "backfill");
  EXPECT_EQ(calls[0].second.dedupe_key, "safety-poll:woo-main:qbo-main");
  auto counts = store_->CountWebhooks("t1");
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->at("queued"), 1);
  EXPECT_EQ(counts->at("done"), 0);

  coalesce = true;
  auto second = net.RunPass();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->polls_queued, 0);
  EXPECT_EQ(second->polls_coalesced, 1);

  SafetyOptions off;
  off.interval_ms = 0;
  calls.clear();
  auto none = Net(enqueue, off).RunPass();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(calls.empty());
  EXPECT_TRUE(none->webhooks.empty());
}

}  // namespace
}  // namespace es::safety
