// Webhooks end to end: the WooCommerce sandbox sends real signed deliveries
// to `serve`'s endpoint and the worker syncs the order to the QBO sandbox
// with no manual trigger; forged, truncated and replayed deliveries are
// refused and counted; QuickBooks deliveries in both formats; the per-tenant
// switch.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/crypto.h"
#include "connectors/qbo/sandbox/webhooks.h"
#include "integration/server_fixture.h"
#include "server/metrics.h"

namespace es::testing {
namespace {

constexpr const char* kWooSecret = "woo-webhook-secret-for-tests";
constexpr const char* kQboVerifier = "qbo-verifier-token-for-tests";

class WebhooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fx_.Start().ok());
    fx_.AddSandboxConnections("t1");
    auto w = fx_.Call("PUT", "/api/v1/connections/woo/credentials", fx_.Admin(),
                      Json{{"webhook_secret", kWooSecret}});
    ASSERT_EQ(w.status, 200) << w.body;
    auto q = fx_.Call("PUT", "/api/v1/connections/qbo/credentials", fx_.Admin(),
                      Json{{"webhook_verifier_token", kQboVerifier}});
    ASSERT_EQ(q.status, 200) << q.body;
  }

  double Count(const std::string& source, const std::string& outcome, const std::string& tenant = "t1") {
    server::Labels l = {{"source", source}, {"outcome", outcome}};
    if (!tenant.empty()) l["tenant"] = tenant;
    return fx_.server().context().metrics->Value("easysale_webhook_deliveries_total", l);
  }

  // A WooCommerce-shaped delivery for order `id`, signed with `secret`.
  ApiResponse PostWoo(const std::string& body, const std::string& delivery_id, const std::string& signature,
                      const std::string& path = "/webhooks/woo/t1/woo") {
    http::Headers h = {{"Content-Type", "application/json"},
                       {"X-WC-Webhook-Topic", "order.updated"},
                       {"X-WC-Webhook-Resource", "order"},
                       {"X-WC-Webhook-Event", "updated"},
                       {"X-WC-Webhook-ID", "7"},
                       {"X-WC-Webhook-Delivery-ID", delivery_id},
                       {"X-WC-Webhook-Source", fx_.woo().base_url() + "/"},
                       {"X-WC-Webhook-Signature", signature}};
    return fx_.Call("POST", path, "", body, h);
  }
  static std::string Sign(const std::string& secret, const std::string& body) {
    return crypto::Base64Encode(crypto::HmacSha256(secret, body));
  }

  std::vector<store::WebhookDelivery> Deliveries(const std::string& tenant = "t1") {
    store::WebhookFilter f;
    f.tenant_id = tenant;
    f.limit = 0;
    auto v = fx_.store().ListWebhooks(f);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : std::vector<store::WebhookDelivery>{};
  }

  int64_t QboDocuments() { return fx_.qbo().CountEntities("Invoice") + fx_.qbo().CountEntities("SalesReceipt"); }

  ServerFixture fx_;
};

TEST_F(WebhooksTest, ANewWooOrderBecomesAQboDocumentWithoutAManualTrigger) {
  woo::sandbox::WebhookSubscription sub;
  sub.delivery_url = fx_.server().base_url() + "/webhooks/woo/t1/woo";
  sub.secret = kWooSecret;
  auto hook = fx_.woo().AddWebhook(sub);
  ASSERT_TRUE(hook.ok()) << hook.status().ToString();
  ASSERT_TRUE(fx_.woo().FlushWebhooks(10000));
  EXPECT_EQ(Count("woo", "ping", ""), 1);  // answered before the connection is looked up: no tenant label

  const int64_t before = QboDocuments();
  // A paid order for a product of the seeded store, by a guest.
  const Json seeded = fx_.woo().OrderJson(fx_.woo().OrderIds().front());
  const Json& line = seeded["line_items"][0];
  Json item = {{"product_id", line["product_id"]}, {"quantity", 2}};
  if (line["variation_id"].get<int64_t>() != 0) item["variation_id"] = line["variation_id"];
  auto id = fx_.woo().AddOrder(
      Json{{"status", "processing"},
           {"set_paid", true},
           {"billing", {{"first_name", "Ada"}, {"last_name", "Lovelace"}, {"email", "ada@example.com"},
                        {"country", "US"}, {"state", "CA"}}},
           {"line_items", Json::array({item})}});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_TRUE(fx_.woo().FlushWebhooks(10000));
  ASSERT_TRUE(fx_.webhooks().WaitIdle(60000));

  EXPECT_EQ(Count("woo", "queued"), 1);
  EXPECT_EQ(QboDocuments(), before + 1);
  auto m = fx_.store().GetMapping("t1", "qbo", "order", std::to_string(*id));
  ASSERT_TRUE(m.ok() && m->has_value()) << "the order was not synced";
  auto d = Deliveries();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].status, "done") << d[0].error;
  EXPECT_EQ(d[0].record_id, std::to_string(*id));
  auto run = fx_.store().GetRun("t1", d[0].run_id);
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->triggered_by, "webhook");

  // The same order changes: an update delivery re-syncs it, still one document.
  ASSERT_TRUE(fx_.woo().UpdateOrderStatus(*id, "completed").ok());
  ASSERT_TRUE(fx_.woo().FlushWebhooks(10000));
  ASSERT_TRUE(fx_.webhooks().WaitIdle(60000));
  EXPECT_EQ(QboDocuments(), before + 1);
  EXPECT_EQ(Deliveries().size(), 2u);
}

// WooCommerce gives every delivery of one webhook within the same second the
// same X-WC-Webhook-Delivery-ID; deliveries with different bodies are
// different deliveries, an exact replay is not.
TEST_F(WebhooksTest, WooDeliveriesSharingAnIdAreAllQueuedAndOnlyExactReplaysAreDuplicates) {
  const auto ids = fx_.woo().OrderIds();
  ASSERT_GE(ids.size(), 2u);
  const std::string first = DumpJson(fx_.woo().OrderJson(ids[0]));
  const std::string second = DumpJson(fx_.woo().OrderJson(ids[1]));
  auto a = PostWoo(first, "same-second-id", Sign(kWooSecret, first));
  auto b = PostWoo(second, "same-second-id", Sign(kWooSecret, second));
  EXPECT_EQ(GetStringOr(a.json, "status"), "queued") << a.body;
  EXPECT_EQ(GetStringOr(b.json, "status"), "queued") << b.body;
  EXPECT_EQ(GetStringOr(b.json, "deliveryId"), "same-second-id");
  auto replay = PostWoo(second, "same-second-id", Sign(kWooSecret, second));
  EXPECT_EQ(replay.status, 200);
  EXPECT_EQ(GetStringOr(replay.json, "status"), "duplicate") << replay.body;
  auto d = Deliveries();
  ASSERT_EQ(d.size(), 2u);
  std::set<std::string> records;
  for (const auto& x : d) {
    records.insert(x.record_id);
    EXPECT_EQ(GetStringOr(x.detail, "wooDeliveryId"), "same-second-id");
  }
  EXPECT_EQ(records, (std::set<std::string>{std::to_string(ids[0]), std::to_string(ids[1])}));
  EXPECT_EQ(Count("woo", "queued"), 2);
  EXPECT_EQ(Count("woo", "duplicate"), 1);
}

TEST_F(WebhooksTest, ForgedTruncatedAndReplayedDeliveriesAreRefusedAndCounted) {
  const std::string body = DumpJson(fx_.woo().OrderJson(fx_.woo().OrderIds().front()));
  // Forged: signed with another secret.
  auto forged = PostWoo(body, "d-1", Sign("not-the-secret", body));
  EXPECT_EQ(forged.status, 401) << forged.body;
  // Truncated: the signature of the whole body over a cut body.
  auto truncated = PostWoo(body.substr(0, body.size() / 2), "d-2", Sign(kWooSecret, body));
  EXPECT_EQ(truncated.status, 401) << truncated.body;
  // Missing signature.
  auto unsigned_ = PostWoo(body, "d-3", "");
  EXPECT_EQ(unsigned_.status, 401);
  EXPECT_EQ(Count("woo", "forged"), 3);
  EXPECT_TRUE(Deliveries().empty());

  // Genuine, then replayed with the same delivery id.
  auto ok = PostWoo(body, "d-4", Sign(kWooSecret, body));
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(GetStringOr(ok.json, "status"), "queued");
  auto replay = PostWoo(body, "d-4", Sign(kWooSecret, body));
  EXPECT_EQ(replay.status, 200);
  EXPECT_EQ(GetStringOr(replay.json, "status"), "duplicate");
  EXPECT_EQ(Count("woo", "queued"), 1);
  EXPECT_EQ(Count("woo", "duplicate"), 1);
  EXPECT_EQ(Deliveries().size(), 1u);

  // Signed but not an order document.
  auto malformed = PostWoo("[1,2", "d-5", Sign(kWooSecret, "[1,2"));
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(Count("woo", "malformed"), 1);

  // Unknown endpoints answer like a bad signature and are counted without a tenant label.
  auto unknown = PostWoo(body, "d-6", Sign(kWooSecret, body), "/webhooks/woo/t9/woo");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(Count("woo", "unknown_connection", ""), 1);
  // Nothing secret in what the server said or logged, nor in the database files.
  EXPECT_EQ(fx_.Logs().find(kWooSecret), std::string::npos);
  EXPECT_EQ(fx_.Responses().find(kWooSecret), std::string::npos);
  std::string db;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(fx_.db_path().string() + suffix, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    db += ss.str();
  }
  EXPECT_FALSE(db.empty());
  EXPECT_EQ(db.find(kWooSecret), std::string::npos);
  EXPECT_EQ(db.find(kQboVerifier), std::string::npos);
  ASSERT_TRUE(fx_.webhooks().WaitIdle(60000));
}

// Every webhook-driven sync is a job: a burst of deliveries for one tenant's
// connection joins the one queued job of its key instead of starting a run per
// delivery, and every order of the burst is written once. A new job is queued
// only once the queued one has been claimed, so how many jobs a burst makes
// depends on how many jobs are claimed while it goes on (one or two on a
// quick build, three under the sanitizers): far fewer than the deliveries.
TEST_F(WebhooksTest, ABurstOfDeliveriesBecomesAFewJobsAndEachOrderIsWrittenOnce) {
  const auto all = fx_.woo().OrderIds();
  const std::set<std::string> synced_statuses = {"processing", "completed", "on-hold", "refunded"};
  std::vector<int64_t> burst;
  for (int64_t id : all) {
    if (synced_statuses.count(GetStringOr(fx_.woo().OrderJson(id), "status"))) burst.push_back(id);
    if (burst.size() == 20) break;
  }
  ASSERT_GE(burst.size(), 10u);
  const int64_t before = QboDocuments();
  for (size_t i = 0; i < burst.size(); ++i) {
    const std::string body = DumpJson(fx_.woo().OrderJson(burst[i]));
    auto r = PostWoo(body, "burst-" + std::to_string(i), Sign(kWooSecret, body));
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // Each order a second time, as Woo sends order.updated after order.created.
  for (size_t i = 0; i < burst.size(); ++i) {
    Json again = fx_.woo().OrderJson(burst[i]);
    again["customer_note"] = "second delivery";
    const std::string body = DumpJson(again);
    ASSERT_EQ(PostWoo(body, "burst-again-" + std::to_string(i), Sign(kWooSecret, body)).status, 200);
  }
  ASSERT_TRUE(fx_.webhooks().WaitIdle(60000));

  store::JobFilter f;
  f.tenant_id = "t1";
  f.limit = 0;
  auto jobs = fx_.store().ListJobs(f);
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  std::set<std::string> ids_in_jobs;
  for (const auto& j : *jobs) {
    EXPECT_EQ(j.kind, "webhook-incremental");
    EXPECT_EQ(j.lane, "realtime");
    EXPECT_EQ(j.status, "succeeded") << j.error;
    for (const auto& id : j.request["ids"]) ids_in_jobs.insert(id.get<std::string>());
    auto run = fx_.store().GetRun("t1", j.run_id);
    ASSERT_TRUE(run.ok() && run->has_value()) << j.run_id;
    EXPECT_EQ((*run)->triggered_by, "webhook");
  }
  EXPECT_GE(jobs->size(), 1u);
  // At least four deliveries a job on average (that a delivery joins its
  // key's queued job is the store's contract: JobDedupeKeyCoalescesOnlyWhileQueued).
  EXPECT_LE(jobs->size(), burst.size() / 2) << "a burst of " << 2 * burst.size() << " deliveries";
  printf("[ webhook burst ] %zu deliveries -> %zu jobs\n", 2 * burst.size(), jobs->size());
  for (const auto& d : Deliveries()) EXPECT_EQ(d.status, "done") << d.error;
  std::map<std::string, int> doc_numbers;
  for (const char* type : {"Invoice", "SalesReceipt"})
    for (const auto& doc : fx_.qbo().AllEntities(type)) ++doc_numbers[GetStringOr(doc, "DocNumber")];
  for (const auto& [dn, n] : doc_numbers) EXPECT_EQ(n, 1) << "DocNumber " << dn;
  for (int64_t id : burst) {
    EXPECT_TRUE(ids_in_jobs.count(std::to_string(id))) << id;
    auto m = fx_.store().GetMapping("t1", "qbo", "order", std::to_string(id));
    EXPECT_TRUE(m.ok() && m->has_value()) << "order " << id << " was not synced";
  }
  EXPECT_EQ(QboDocuments(), before + static_cast<int64_t>(burst.size()));
}

TEST_F(WebhooksTest, TheCreationPingIsAnswered) {
  auto r = fx_.Call("POST", "/webhooks/woo/t1/woo", "", "webhook_id=12",
                    {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(GetStringOr(r.json, "status"), "ping");
  EXPECT_EQ(Count("woo", "ping", ""), 1);  // answered before the connection is looked up: no tenant label
}

TEST_F(WebhooksTest, ATenantCanSwitchWebhooksOff) {
  auto off = fx_.Call("PUT", "/api/v1/webhooks/settings", fx_.Admin(), Json{{"enabled", false}});
  ASSERT_EQ(off.status, 200) << off.body;
  const std::string body = DumpJson(fx_.woo().OrderJson(fx_.woo().OrderIds().front()));
  auto r = PostWoo(body, "d-off", Sign(kWooSecret, body));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(GetStringOr(r.json, "status"), "disabled");
  EXPECT_TRUE(Deliveries().empty());
  EXPECT_EQ(Count("woo", "disabled"), 1);
  // A forged delivery is still refused while disabled (the signature comes first).
  EXPECT_EQ(PostWoo(body, "d-off-2", Sign("x", body)).status, 401);

  auto view = fx_.Call("GET", "/api/v1/webhooks", fx_.User());
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_EQ(view.json["enabled"], false);
  EXPECT_EQ(view.json["endpoints"]["woo"], "/webhooks/woo/t1/woo");
  auto audit = fx_.Call("GET", "/api/v1/audit?action=webhooks.disable", fx_.Admin());
  ASSERT_EQ(audit.status, 200);
  ASSERT_EQ(audit.json["entries"].size(), 1u);
  EXPECT_EQ(audit.json["entries"][0]["userId"], "alice");

  ASSERT_EQ(fx_.Call("PUT", "/api/v1/webhooks/settings", fx_.Admin(), Json{{"enabled", true}}).status, 200);
  auto again = PostWoo(body, "d-on", Sign(kWooSecret, body));
  EXPECT_EQ(GetStringOr(again.json, "status"), "queued");
  ASSERT_TRUE(fx_.webhooks().WaitIdle(60000));
}

TEST_F(WebhooksTest, QuickBooksDeliveriesInBothFormatsAreVerifiedAndDeduplicated) {
  const std::string realm = fx_.options().qbo.realm_id;
  std::vector<qbo::sandbox::ChangeEvent> events = {{"Invoice", "101", "Update", fx_.clock().NowMillis()},
                                                   {"Customer", "5", "Create", fx_.clock().NowMillis()},
                                                   {"Payment", "9", "Create", fx_.clock().NowMillis()}};
  const std::string cloud = qbo::sandbox::WebhookSender::CloudEventsPayload(realm, events);
  const std::string legacy = qbo::sandbox::WebhookSender::LegacyPayload(realm, {events[0]});
  const std::string path = "/webhooks/qbo/t1/qbo";
  auto post = [&](const std::string& body, const std::string& key) {
    return fx_.Call("POST", path, "", body,
                    {{"Content-Type", "application/json"},
                     {"intuit-signature", qbo::sandbox::WebhookSender::Sign(key, body)}});
  };
  EXPECT_EQ(post(cloud, "wrong-token").status, 401);
  EXPECT_EQ(Count("qbo", "forged"), 1);

  auto r = post(cloud, kQboVerifier);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["queued"], 2);   // Invoice and Customer; Payment is not written by the engine
  EXPECT_EQ(r.json["ignored"], 1);
  auto again = post(cloud, kQboVerifier);  // the same events: replays
  EXPECT_EQ(again.json["queued"], 0);
  EXPECT_EQ(again.json["duplicates"], 2);
  EXPECT_EQ(GetStringOr(again.json, "status"), "duplicate");

  auto l = post(legacy, kQboVerifier);
  ASSERT_EQ(l.status, 200) << l.body;
  EXPECT_EQ(l.json["queued"], 1);
  // Another realm's events are not this connection's.
  auto foreign = post(qbo::sandbox::WebhookSender::CloudEventsPayload("1111", {{"Invoice", "7", "Create", 1}}),
                      kQboVerifier);
  EXPECT_EQ(foreign.json["queued"], 0);
  EXPECT_EQ(foreign.json["ignored"], 1);

  // Invoice 101 and customer 5 were never written by the engine: handled, ignored with the reason.
  ASSERT_TRUE(fx_.webhooks().WaitIdle(60000));
  for (const auto& d : Deliveries()) {
    EXPECT_EQ(d.status, "ignored") << d.topic;
    EXPECT_EQ(d.error, "not a record the engine wrote");
  }
}

TEST_F(WebhooksTest, AQuickBooksChangeToASyncedDocumentResyncsItsOrder) {
  // Sync one order by API, then announce a change of its QBO document.
  int64_t order = 0;
  for (int64_t id : fx_.woo().OrderIds()) {
    const std::string status = GetStringOr(fx_.woo().OrderJson(id), "status");
    if (status == "completed" || status == "processing") {
      order = id;
      break;
    }
  }
  ASSERT_NE(order, 0) << "the seeded store has no paid order";
  auto t = fx_.Call("POST", "/api/v1/sync", fx_.Admin(),
                    Json{{"entities", {"orders"}}, {"ids", {std::to_string(order)}}, {"mode", "incremental"}});
  ASSERT_EQ(t.status, 202) << t.body;
  fx_.WaitForRun(fx_.Admin(), GetStringOr(t.json, "runId"));
  auto m = fx_.store().GetMapping("t1", "qbo", "order", std::to_string(order));
  ASSERT_TRUE(m.ok() && m->has_value());
  const std::string body = qbo::sandbox::WebhookSender::CloudEventsPayload(
      fx_.options().qbo.realm_id, {{(*m)->target_type, (*m)->target_id, "Update", fx_.clock().NowMillis()}});
  auto r = fx_.Call("POST", "/webhooks/qbo/t1/qbo", "", body,
                    {{"Content-Type", "application/json"},
                     {"intuit-signature", qbo::sandbox::WebhookSender::Sign(kQboVerifier, body)}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(fx_.webhooks().WaitIdle(60000));
  auto d = Deliveries();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].status, "done") << d[0].error;
  auto run = fx_.store().GetRun("t1", d[0].run_id);
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->triggered_by, "webhook");
  EXPECT_EQ((*run)->source_connection, "woo");
  EXPECT_EQ((*run)->totals.created, 0);  // nothing written twice
}

}  // namespace
}  // namespace es::testing
