// An order's whole life through the engine against both sandboxes: edits,
// cancellations, refunds and late payments after the first sync reach the
// same QBO documents, exactly once, and a further run costs nothing.
#include <gtest/gtest.h>

#include "store/forwarding_store.h"
#include "support/sync_fixture.h"

namespace es::testing {
namespace {

FixtureOptions Small() {
  FixtureOptions o;
  o.woo.seed = 7;
  o.woo.orders = 40;
  o.woo.customers = 8;
  o.woo.products = 6;
  o.qbo.throttle = false;
  o.transformer_config = {{"doc_number_prefix", "WC-"}};
  return o;
}

woo::sandbox::TradingOptions Only(int woo::sandbox::TradingOptions::*kind, int n) {
  woo::sandbox::TradingOptions t;
  t.line_edits = t.address_changes = t.partial_refunds = t.full_refunds = 0;
  t.cancellations = t.late_payments = t.trashed = t.new_orders = 0;
  t.*kind = n;
  return t;
}

int64_t Count(const engine::RunReport& r, const char* entity, int64_t engine::EntityCounts::*field) {
  auto it = r.counts.find(entity);
  return it == r.counts.end() ? 0 : it->second.*field;
}

int64_t Writes(const engine::RunReport& r) {
  int64_t n = 0;
  for (const auto& [e, c] : r.counts) n += c.created + c.linked + c.updated + c.voided + c.deleted;
  return n;
}

// The QBO document booked for a Woo order (null when none).
Json DocumentOf(SyncFixture& f, int64_t order_id) {
  Json order = f.woo().OrderJson(order_id);
  std::string number = "WC-" + GetStringOr(order, "number");
  for (const char* type : {"Invoice", "SalesReceipt"})
    for (const Json& e : f.qbo().AllEntities(type))
      if (GetStringOr(e, "DocNumber") == number) return e;
  return nullptr;
}

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(f_.Start().ok());
    auto first = f_.Sync();
    ASSERT_TRUE(first.ok());
    ASSERT_EQ(first->run.totals.failed, 0);
  }
  // Syncs and checks that one more run writes nothing and sends nothing to QBO.
  engine::RunReport SyncThenQuiet() {
    auto r = f_.Sync();
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r->run.totals.failed, 0);
    auto again = f_.Sync();
    EXPECT_TRUE(again.ok());
    EXPECT_EQ(Writes(*again), 0);
    EXPECT_EQ(again->target_requests, 0);
    auto rec = f_.Reconcile();
    EXPECT_TRUE(rec.ok());
    EXPECT_EQ(rec->mismatches, 0);
    for (const auto& d : rec->details) ADD_FAILURE() << DumpJson(d);
    return *r;
  }
  SyncFixture f_{Small()};
};

TEST_F(LifecycleTest, LineEditUpdatesTheSameDocumentToTheNewTotal) {
  auto week = f_.woo().SimulateTrading(1, Only(&woo::sandbox::TradingOptions::line_edits, 2));
  ASSERT_FALSE(week.line_edits.empty());
  const int64_t docs = f_.QboDocumentCount();
  Json before = DocumentOf(f_, week.line_edits[0]);
  auto r = SyncThenQuiet();
  EXPECT_EQ(Count(r, "order", &engine::EntityCounts::updated), static_cast<int64_t>(week.line_edits.size()));
  EXPECT_EQ(f_.QboDocumentCount(), docs);
  Json after = DocumentOf(f_, week.line_edits[0]);
  EXPECT_EQ(GetStringOr(after, "Id"), GetStringOr(before, "Id"));
  EXPECT_NE(GetStringOr(after, "SyncToken"), GetStringOr(before, "SyncToken"));
  Json order = f_.woo().OrderJson(week.line_edits[0]);
  EXPECT_EQ(GetDecimal(after, "TotalAmt")->ToFixed(2), GetDecimal(order, "total")->ToFixed(2));
}

TEST_F(LifecycleTest, CancelledAfterBookingIsVoided) {
  auto week = f_.woo().SimulateTrading(2, Only(&woo::sandbox::TradingOptions::cancellations, 2));
  ASSERT_FALSE(week.cancellations.empty());
  auto r = SyncThenQuiet();
  EXPECT_EQ(Count(r, "order", &engine::EntityCounts::voided), static_cast<int64_t>(week.cancellations.size()));
  Json doc = DocumentOf(f_, week.cancellations[0]);
  ASSERT_FALSE(doc.is_null());
  EXPECT_TRUE(GetDecimal(doc, "TotalAmt")->IsZero());
}

TEST_F(LifecycleTest, EachRefundBecomesOneCreditDocument) {
  woo::sandbox::TradingOptions t = Only(&woo::sandbox::TradingOptions::partial_refunds, 2);
  t.full_refunds = 1;
  auto week = f_.woo().SimulateTrading(3, t);
  const int64_t refunds = static_cast<int64_t>(week.partial_refund_ids.size() + week.full_refund_ids.size());
  ASSERT_GT(refunds, 0);
  const int64_t before = f_.qbo().CountEntities("RefundReceipt") + f_.qbo().CountEntities("CreditMemo");
  auto r = SyncThenQuiet();
  EXPECT_EQ(Count(r, "refund", &engine::EntityCounts::created), refunds);
  EXPECT_EQ(f_.qbo().CountEntities("RefundReceipt") + f_.qbo().CountEntities("CreditMemo"), before + refunds);
}

TEST_F(LifecycleTest, AmountOnlyRefundIsBookedOnTheAdjustmentItem) {
  int64_t id = 0;
  for (const Json& o : f_.woo().AllOrdersJson())
    if (GetStringOr(o, "status") == "completed" && o.value("refunds", Json::array()).empty()) {
      id = GetIntOr(o, "id", 0);
      break;
    }
  ASSERT_NE(id, 0);
  auto refund = f_.woo().AddRefund(id, {{"amount", "5.00"}, {"reason", "goodwill"}, {"api_refund", false}});
  ASSERT_TRUE(refund.ok()) << refund.status().ToString();
  auto r = SyncThenQuiet();
  EXPECT_EQ(Count(r, "refund", &engine::EntityCounts::created), 1);
}

TEST_F(LifecycleTest, LatePaymentOfAnInvoiceBooksOnePayment) {
  auto week = f_.woo().SimulateTrading(4, Only(&woo::sandbox::TradingOptions::late_payments, 3));
  ASSERT_FALSE(week.late_payments.empty());
  const int64_t before = f_.qbo().CountEntities("Payment");
  auto r = SyncThenQuiet();
  const int64_t payments = Count(r, "payment", &engine::EntityCounts::created);
  // Orders that were on-hold were invoiced; pending ones are booked now as receipts.
  EXPECT_EQ(f_.qbo().CountEntities("Payment"), before + payments);
  for (int64_t id : week.late_payments) {
    Json doc = DocumentOf(f_, id);
    ASSERT_FALSE(doc.is_null()) << id;
    if (GetStringOr(doc, "Balance") != "") {
      EXPECT_TRUE(GetDecimal(doc, "Balance")->IsZero()) << id;
    }
  }
}

TEST_F(LifecycleTest, DryRunPlansTheChangesOnceAndWritesNothing) {
  f_.woo().SimulateTrading(5);
  const int64_t requests_before = f_.qbo().stats().requests;
  engine::SyncRequest dry;
  dry.dry_run = true;
  auto plan = f_.Sync(dry);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(f_.qbo().stats().requests, requests_before);
  std::set<std::string> seen;
  bool update = false, void_op = false, refund = false;
  for (const Json& p : plan->previews) {
    std::string key = GetStringOr(p, "operation") + "/" + GetStringOr(p, "entity") + "/" + GetStringOr(p, "source_id");
    EXPECT_TRUE(seen.insert(key).second) << "planned twice: " << key;
    update = update || GetStringOr(p, "operation") == "update";
    void_op = void_op || GetStringOr(p, "operation") == "void";
    refund = refund || GetStringOr(p, "operation") == "refund";
  }
  EXPECT_TRUE(update);
  EXPECT_TRUE(void_op);
  EXPECT_TRUE(refund);
  EXPECT_GT(plan->estimated_requests, 0);
}

// A store whose write intents cannot be recorded.
class NoIntents final : public store::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Status PutIntent(const store::WriteIntent&) override { return Status::Internal("disk full"); }
  Status PutIntents(const std::vector<store::WriteIntent>&) override { return Status::Internal("disk full"); }
};

TEST(LifecycleIntents, NoDurableIntentMeansNoWrite) {
  SyncFixture f(Small());
  ASSERT_TRUE(f.Start().ok());
  NoIntents store(f.store());
  engine::EngineOptions eo;
  engine::Orchestrator orchestrator(store, f.transport(), SystemClock::Get(), platforms::Registry(), eo);
  engine::SyncRequest req;
  req.tenant_id = SyncFixture::kTenant;
  req.source_connection = "woo";
  req.target_connection = "qbo";
  auto r = orchestrator.Run(req);
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r->run.totals.failed, 0);
  EXPECT_EQ(f.QboDocumentCount(), 0);
  EXPECT_EQ(f.qbo().stats().writes, 0);
}

}  // namespace
}  // namespace es::testing
