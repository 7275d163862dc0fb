// Safety nets (docs/safety-nets.md): the QuickBooks document watch against
// the sandboxes in-process (edits and deletions of documents the engine
// wrote are found, once), and `serve` with a one-second safety interval
// through the real binary: an order edited without moving date_modified is
// found and synced by the poll, a disabled shop webhook pointing at the
// server is re-enabled and notified, a document deleted in QuickBooks is
// reported in the failed queue and its mapping marked deleted.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/qbo/sync/gateway.h"
#include "connectors/woo/client.h"
#include "connectors/woo/sandbox/server.h"
#include "engine/account_budget.h"
#include "safety/qbo_watch.h"
#include "store/factory/open_store.h"
#include "support/child_process.h"
#include "support/cli_sandbox_test.h"
#include "support/notify_receiver.h"
#include "support/sync_fixture.h"

namespace es::testing {
namespace {

constexpr const char* kJwtSecret = "safety-test-jwt-secret-0123456789abcdef0123456789ab";
constexpr const char* kHookSecret = "safety-notify-secret-0123456789";
constexpr const char* kWooWebhookSecret = "whsec-safety-test";

struct Recorder final : notify::EventSink {
  void Notify(const notify::NotificationEvent& e) override {
    std::lock_guard lock(mu);
    events.push_back(e);
  }
  std::mutex mu;
  std::vector<notify::NotificationEvent> events;
};

// The mapped QBO documents of orders: (doc type, doc id, order id).
struct Booked {
  std::string type, id, order;
};
std::vector<Booked> BookedOrders(store::StateStore& s, qbo::sandbox::Server& qbo, const std::string& tenant,
                                 const std::string& target) {
  std::vector<Booked> out;
  for (const char* type : {"Invoice", "SalesReceipt"}) {
    for (const Json& doc : qbo.AllEntities(type)) {
      const std::string id = GetStringOr(doc, "Id");
      auto m = s.FindMappingByTarget(tenant, target, "order", id);
      if (m.ok() && m->has_value() && (*m)->target_type == type) out.push_back({type, id, (*m)->source_id});
    }
  }
  return out;
}

TEST(QboWatchIntegration, FindsEditsAndDeletionsOfOurDocumentsOnce) {
  FixtureOptions o;
  o.woo.orders = 12;
  o.woo.seed = 11;
  SyncFixture f(o);
  ASSERT_TRUE(f.Start().ok());
  auto run = f.Sync();
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  Recorder events;
  safety::QboWatchOptions now_opts;
  now_opts.settle_ms = 0;  // judge changes at once (the default waits two minutes)
  safety::QboWatch watch(f.store(), f.transport(), SystemClock::Get(), &events, now_opts);
  const std::string tenant = SyncFixture::kTenant;
  auto qbo_conn = f.store().GetConnection(tenant, "qbo");
  ASSERT_TRUE(qbo_conn.ok() && qbo_conn->has_value());

  // First look: everything is our own writing (payments applied included).
  safety::CdcCheckResult first = watch.Check(**qbo_conn);
  EXPECT_EQ(first.error, "");
  EXPECT_GT(first.ours, 0);
  EXPECT_TRUE(first.findings.empty()) << first.ToJson().dump();

  std::vector<Booked> booked = BookedOrders(f.store(), f.qbo(), tenant, "qbo");
  ASSERT_GE(booked.size(), 2u);
  const Booked edited = booked[0];
  const Booked deleted = booked[1];
  auto upd = f.qbo().UpdateEntity(edited.type, edited.id, Json{{"PrivateNote", "changed by the bookkeeper"}});
  ASSERT_TRUE(upd.ok()) << upd.status().ToString();
  ASSERT_TRUE(f.qbo().DeleteEntity(deleted.type, deleted.id).ok());

  // With the default settle time the fresh changes wait for a later check.
  safety::CdcCheckResult early = safety::QboWatch(f.store(), f.transport(), SystemClock::Get(), &events)
                                     .Check(**qbo_conn);
  EXPECT_EQ(early.error, "");
  EXPECT_GE(early.deferred, 2);
  EXPECT_TRUE(early.findings.empty()) << early.ToJson().dump();

  safety::CdcCheckResult second = watch.Check(**qbo_conn);
  EXPECT_EQ(second.error, "");
  ASSERT_EQ(second.findings.size(), 2u) << second.ToJson().dump();
  std::map<std::string, safety::DocumentFinding> by_kind;
  for (const auto& x : second.findings) by_kind[x.kind] = x;
  EXPECT_EQ(by_kind["changed"].doc_id, edited.id);
  EXPECT_EQ(by_kind["changed"].source_id, edited.order);
  EXPECT_EQ(by_kind["deleted"].doc_id, deleted.id);
  EXPECT_EQ(by_kind["deleted"].source_id, deleted.order);
  // The deleted document's mapping is marked deleted; both are in the failed queue.
  auto gone = f.store().GetMapping(tenant, "qbo", "order", deleted.order);
  ASSERT_TRUE(gone.ok() && gone->has_value());
  EXPECT_EQ((*gone)->fingerprint, "deleted");
  auto failed = f.store().ListFailed(tenant, 100);
  ASSERT_TRUE(failed.ok());
  std::map<std::string, store::FailedRecord> by_order;
  for (const auto& r : *failed) by_order[r.source_id] = r;
  ASSERT_TRUE(by_order.count(deleted.order));
  EXPECT_EQ(by_order[deleted.order].code, "qbo_document_deleted");
  EXPECT_NE(by_order[deleted.order].message.find("was deleted in QuickBooks"), std::string::npos);
  ASSERT_TRUE(by_order.count(edited.order));
  EXPECT_EQ(by_order[edited.order].code, "qbo_document_changed");
  {
    std::lock_guard lock(events.mu);
    ASSERT_EQ(events.events.size(), 2u);
    for (const auto& e : events.events) EXPECT_EQ(e.kind, "qbo_document_changed");
  }

  // Reported once: the next look (overlapping window) finds nothing new.
  safety::CdcCheckResult third = watch.Check(**qbo_conn);
  EXPECT_EQ(third.error, "");
  EXPECT_TRUE(third.findings.empty()) << third.ToJson().dump();
}

// The CDC request draws from the realm's budget, the one the runs share:
// it is counted there, and while the realm is blocked (a run met a 429) it
// waits instead of meeting a 429 of its own.
TEST(QboWatchIntegration, CdcRequestDrawsFromTheRealmBudget) {
  FixtureOptions o;
  o.woo.orders = 2;
  SyncFixture f(o);
  ASSERT_TRUE(f.Start().ok());
  auto qbo_conn = f.store().GetConnection(SyncFixture::kTenant, "qbo");
  ASSERT_TRUE(qbo_conn.ok() && qbo_conn->has_value());
  engine::AccountBudgets budgets(SystemClock::Get());
  engine::EngineOptions requests;
  requests.budgets = &budgets;
  auto budget = budgets.Get(qbo::QboBudgetAccount(o.qbo.realm_id, f.qbo().base_url()), qbo::QboBudgetLimits());
  safety::QboWatch watch(f.store(), f.transport(), SystemClock::Get(), nullptr, {}, requests);

  safety::CdcCheckResult first = watch.Check(**qbo_conn);
  EXPECT_EQ(first.error, "");
  EXPECT_EQ(budget->stats().requests, 1);

  const int64_t refused = f.qbo().stats().throttled;
  EXPECT_EQ(budget->Throttled(1'500), 1'500);
  const int64_t start = SystemClock::Get().NowMillis();
  safety::CdcCheckResult second = watch.Check(**qbo_conn);
  const int64_t took = SystemClock::Get().NowMillis() - start;
  EXPECT_EQ(second.error, "");
  EXPECT_GE(took, 1'400);
  EXPECT_EQ(budget->stats().requests, 2);
  EXPECT_EQ(f.qbo().stats().throttled, refused);
}

TEST(QboWatchContentHash, IgnoresWhatQuickBooksMovesItself) {
  Json doc = {{"Id", "48"}, {"SyncToken", "0"}, {"TotalAmt", 30}, {"Balance", 30}, {"PrivateNote", "x"},
              {"Line", Json::array({{{"Amount", 30}}})}};
  Json paid = doc;
  paid["SyncToken"] = "1";
  paid["Balance"] = 0;
  paid["LinkedTxn"] = Json::array({{{"TxnId", "7"}, {"TxnType", "Payment"}}});
  paid["MetaData"] = {{"LastUpdatedTime", "2026-03-02T19:36:24-08:00"}};
  EXPECT_EQ(safety::WatchedContentHash(doc), safety::WatchedContentHash(paid));
  Json edited = paid;
  edited["PrivateNote"] = "y";
  EXPECT_NE(safety::WatchedContentHash(doc), safety::WatchedContentHash(edited));
  Json relined = doc;
  relined["Line"][0]["Amount"] = 31;
  EXPECT_NE(safety::WatchedContentHash(doc), safety::WatchedContentHash(relined));
}

class CliSafety : public es::test::CliSandboxTest {
 protected:
  using Out = es::test::CliOut;

  void SetUp() override {
    env_["EASYSALE_JWT_SECRET"] = kJwtSecret;
    env_["EASYSALE_NOTIFY_WEBHOOK_SECRET"] = kHookSecret;
    env_["EASYSALE_YES"] = "1";
    es::test::CliSandboxOptions o;
    o.name = "safety";
    o.woo.orders = 6;
    o.woo.customers = 5;
    o.woo.products = 6;
    o.woo.seed = 9;
    o.woo.webhooks.max_attempts = 1;
    o.woo_secret = {{"webhook_secret", kWooWebhookSecret}};
    ASSERT_NO_FATAL_FAILURE(StartSandboxes(ES_BINARY, o));
    Out n = Run({"notify", "set", "--store", store_url_, "--tenant", "shop", "--webhook-url", receiver_.url()});
    ASSERT_EQ(n.code, 0) << n.err;
  }

  std::unique_ptr<store::StateStore> Store() {
    auto s = store::OpenStore(store_url_);
    return s.ok() ? std::move(*s) : nullptr;
  }
  bool Notified(const std::string& kind) {
    for (const auto& h : receiver_.hits())
      if (h.event == kind && h.signature_ok) return true;
    return false;
  }

  es::test::NotifyReceiver receiver_{kHookSecret};
};

TEST_F(CliSafety, ServeCatchesWhatWebhooksMiss) {
  // A fresh order (inside the re-read window), booked by a first sync.
  Json product;
  for (const Json& p : woo_->AllProductsJson())
    if (GetStringOr(p, "type") == "simple" && GetStringOr(p, "status") == "publish") product = p;
  ASSERT_FALSE(product.is_null());
  auto order = woo_->AddOrder(Json{{"status", "processing"},
                                   {"set_paid", true},
                                   {"billing", {{"first_name", "Ada"}, {"last_name", "Lovelace"},
                                                {"email", "ada@example.com"}}},
                                   {"line_items", Json::array({{{"product_id", product["id"]}, {"quantity", 1}}})}});
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  const std::string order_id = std::to_string(*order);
  Out sync = Run({"sync", "--store", store_url_, "--tenant", "shop", "--entities", "orders"});
  ASSERT_EQ(sync.code, 0) << sync.out << sync.err;
  std::string doc_type, doc_id;
  {
    auto s = Store();
    ASSERT_NE(s, nullptr);
    auto m = s->GetMapping("shop", "qbo", "order", order_id);
    ASSERT_TRUE(m.ok() && m->has_value()) << sync.out;
    doc_type = (*m)->target_type;
    doc_id = (*m)->target_id;
  }

  std::string booked_total;
  for (const Json& d : qbo_->AllEntities(doc_type))
    if (GetStringOr(d, "Id") == doc_id) booked_total = d.value("TotalAmt", Json(0)).dump();
  ASSERT_NE(booked_total, "");

  // A line edit through the REST API: WooCommerce leaves date_modified.
  const Json before = woo_->OrderJson(*order);
  auto transport = http::MakeCurlTransport();
  woo::Credentials creds;
  creds.base_url = woo_->base_url();
  creds.consumer_key = woo_->options().consumer_key;
  creds.consumer_secret = woo_->options().consumer_secret;
  woo::Client client(creds, *transport, SystemClock::Get());
  const Json line = before["line_items"][0];
  auto put = client.Send("PUT", "orders/" + order_id, {},
                         DumpJson(Json{{"line_items", Json::array({{{"id", line["id"]}, {"quantity", 3}}})}}));
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  const Json after = woo_->OrderJson(*order);
  ASSERT_EQ(after["date_modified_gmt"], before["date_modified_gmt"]);
  ASSERT_NE(after["total"], before["total"]);

  int port = 0;
  es::test::Child serve = StartServe({"--safety-interval", "1", "--document-settle", "0"}, &port);
  ASSERT_GT(port, 0) << serve.Err();

  // 1. The poll re-reads the order, sees its content changed and updates the document.
  auto doc_total = [&] {
    for (const Json& d : qbo_->AllEntities(doc_type))
      if (GetStringOr(d, "Id") == doc_id) return d.value("TotalAmt", Json(0)).dump();
    return std::string();
  };
  EXPECT_TRUE(es::test::WaitFor([&] { return doc_total() != booked_total; }, 20'000, 100))
      << "QBO " << doc_type << " " << doc_id << " still totals " << booked_total << "\n"
      << serve.Err();

  // 2. A shop webhook to this server, disabled (as after failed deliveries): re-enabled, notified.
  woo::sandbox::WebhookSubscription sub;
  sub.delivery_url = "http://127.0.0.1:" + std::to_string(port) + "/webhooks/woo/shop/woo";
  sub.secret = kWooWebhookSecret;
  sub.topics = {"order.created"};
  auto created = woo_->AddWebhook(sub);
  ASSERT_TRUE(created.ok());
  sub.topics = {"order.updated"};
  auto updated = woo_->AddWebhook(sub);
  ASSERT_TRUE(updated.ok());
  ASSERT_TRUE(woo_->SetWebhookStatus(*updated, "disabled").ok());
  EXPECT_TRUE(es::test::WaitFor(
      [&] {
        for (const auto& w : woo_->ListWebhooks())
          if (w.id == *updated) return w.status == "active";
        return false;
      },
      15'000, 100))
      << serve.Err();
  EXPECT_TRUE(es::test::WaitFor([&] { return Notified("webhook_disabled"); }, 10'000, 50)) << serve.Err();

  // 3. The document deleted in QuickBooks: reported, no longer mapped.
  ASSERT_TRUE(qbo_->DeleteEntity(doc_type, doc_id).ok());
  EXPECT_TRUE(es::test::WaitFor(
      [&] {
        auto s = Store();
        if (s == nullptr) return false;
        auto failed = s->ListFailed("shop", 100);
        if (!failed.ok()) return false;
        for (const auto& r : *failed)
          if (r.source_id == order_id && r.code == "qbo_document_deleted") return true;
        return false;
      },
      15'000, 100))
      << serve.Err();
  {
    auto s = Store();
    ASSERT_NE(s, nullptr);
    auto m = s->GetMapping("shop", "qbo", "order", order_id);
    ASSERT_TRUE(m.ok() && m->has_value());
    EXPECT_EQ((*m)->fingerprint, "deleted");  // later polls skip it, never book it again silently
  }
  EXPECT_TRUE(es::test::WaitFor([&] { return Notified("qbo_document_changed"); }, 10'000, 50)) << serve.Err();

  ASSERT_EQ(kill(serve.pid, SIGTERM), 0);
  EXPECT_EQ(es::test::WaitExit(serve.pid, 30'000), 0) << serve.Err();
}

}  // namespace
}  // namespace es::testing
