#include "mapping/order_lifecycle.h"

#include <gtest/gtest.h>

namespace es::mapping {
namespace {

using model::OrderStatus;
using qbo::SalesDocKind;

model::Money M(const char* s) { return *model::Money::Parse(s, "USD"); }

model::Order Order(OrderStatus status, bool paid) {
  model::Order o;
  o.source_id = "727";
  o.number = "727";
  o.currency = "USD";
  o.status = status;
  o.total = M("27.94");
  if (paid) o.payment.paid_at_ms = 1711135688000;
  return o;
}

model::Refund Refund(const char* id, int64_t at_ms, const char* amount = "5.00") {
  model::Refund r;
  r.source_id = id;
  r.order_source_id = "727";
  r.created_at_ms = at_ms;
  r.amount = M(amount);
  return r;
}

BookedOrder Booked(const char* type, const char* fingerprint = "fp1") {
  BookedOrder b;
  b.doc_type = type;
  b.doc_id = "266";
  b.sync_token = "0";
  b.fingerprint = fingerprint;
  return b;
}

bool Has(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

TEST(PlanOrder, NewPaidOrderIsCreatedAsAReceiptWithItsRefunds) {
  auto plan = PlanOrder(Order(OrderStatus::kProcessing, true), {Refund("802", 2000), Refund("801", 1000)}, {}, "fp1",
                        TransformerConfig{});
  EXPECT_EQ(plan.doc, DocAction::kCreate);
  EXPECT_TRUE(Has(plan.reason, "SalesReceipt")) << plan.reason;
  EXPECT_FALSE(plan.payment);
  EXPECT_EQ(plan.refunds, (std::vector<std::string>{"801", "802"}));  // oldest first
  EXPECT_EQ(plan.refund_kind, SalesDocKind::kRefundReceipt);
}

TEST(PlanOrder, NewUnpaidOrderIsAnInvoiceAndItsRefundsCreditMemos) {
  auto plan = PlanOrder(Order(OrderStatus::kOnHold, false), {Refund("801", 1000)}, {}, "fp1", TransformerConfig{});
  EXPECT_EQ(plan.doc, DocAction::kCreate);
  EXPECT_TRUE(Has(plan.reason, "Invoice")) << plan.reason;
  EXPECT_FALSE(plan.payment);
  EXPECT_EQ(plan.refund_kind, SalesDocKind::kCreditMemo);
}

TEST(PlanOrder, NewPaidOrderUnderAlwaysInvoiceGetsItsPayment) {
  TransformerConfig config;
  config.document_policy = DocumentPolicy::kAlwaysInvoice;
  auto plan = PlanOrder(Order(OrderStatus::kCompleted, true), {Refund("801", 1000)}, {}, "fp1", config);
  EXPECT_EQ(plan.doc, DocAction::kCreate);
  EXPECT_TRUE(plan.payment);
  EXPECT_EQ(plan.refund_kind, SalesDocKind::kRefundReceipt);
}

TEST(PlanOrder, NewOrdersWithStatusesNotSyncedAreLeftAlone) {
  for (OrderStatus s : {OrderStatus::kPending, OrderStatus::kCancelled, OrderStatus::kFailed, OrderStatus::kTrash,
                        OrderStatus::kDraft}) {
    auto plan = PlanOrder(Order(s, false), {Refund("801", 1000)}, {}, "fp1", TransformerConfig{});
    EXPECT_EQ(plan.doc, DocAction::kNone) << model::OrderStatusName(s);
    EXPECT_TRUE(Has(plan.reason, model::OrderStatusName(s))) << plan.reason;
    EXPECT_TRUE(plan.refunds.empty());
    EXPECT_FALSE(plan.payment);
  }
  // Refunded before it was ever booked: refunded is synced by default, so the
  // sale is booked and so is its refund.
  auto refunded = PlanOrder(Order(OrderStatus::kRefunded, true), {Refund("801", 1000, "27.94")}, {}, "fp1", {});
  EXPECT_EQ(refunded.doc, DocAction::kCreate);
  EXPECT_EQ(refunded.refunds, (std::vector<std::string>{"801"}));
  TransformerConfig only_completed;
  only_completed.order_statuses = {"completed"};
  auto skipped = PlanOrder(Order(OrderStatus::kRefunded, true), {Refund("801", 1000)}, {}, "fp1", only_completed);
  EXPECT_EQ(skipped.doc, DocAction::kNone);
  EXPECT_TRUE(Has(skipped.reason, "refunded")) << skipped.reason;
}

TEST(PlanOrder, CancelledBookedOrderFollowsThePolicyOnce) {
  for (OrderStatus s : {OrderStatus::kCancelled, OrderStatus::kFailed, OrderStatus::kTrash}) {
    TransformerConfig config;
    auto plan = PlanOrder(Order(s, true), {Refund("801", 1000)}, Booked("SalesReceipt"), "fp2", config);
    EXPECT_EQ(plan.doc, DocAction::kVoid) << model::OrderStatusName(s);
    EXPECT_TRUE(Has(plan.reason, model::OrderStatusName(s))) << plan.reason;
    EXPECT_TRUE(Has(plan.reason, "void")) << plan.reason;
    EXPECT_TRUE(plan.refunds.empty());  // the voided sale takes its refunds with it
    EXPECT_FALSE(plan.payment);
    config.cancelled_policy = CancelledPolicy::kDelete;
    EXPECT_EQ(PlanOrder(Order(s, true), {}, Booked("Invoice"), "fp1", config).doc, DocAction::kDelete);
    config.cancelled_policy = CancelledPolicy::kLeave;
    auto leave = PlanOrder(Order(s, true), {Refund("801", 1000)}, Booked("Invoice"), "fp1", config);
    EXPECT_EQ(leave.doc, DocAction::kReport);
    EXPECT_FALSE(leave.payment);
    EXPECT_EQ(leave.refunds, (std::vector<std::string>{"801"}));  // the sale stands
  }
  BookedOrder voided = Booked("Invoice");
  voided.voided = true;
  auto again = PlanOrder(Order(OrderStatus::kCancelled, false), {}, voided, "fp9", TransformerConfig{});
  EXPECT_EQ(again.doc, DocAction::kNone);
  EXPECT_TRUE(Has(again.reason, "already voided")) << again.reason;
  TransformerConfig del;
  del.cancelled_policy = CancelledPolicy::kDelete;
  EXPECT_EQ(PlanOrder(Order(OrderStatus::kTrash, false), {}, voided, "fp9", del).doc, DocAction::kNone);
}

TEST(PlanOrder, VoidedOrderThatComesBackIsReported) {
  BookedOrder voided = Booked("SalesReceipt");
  voided.voided = true;
  auto plan = PlanOrder(Order(OrderStatus::kProcessing, true), {}, voided, "fp1", TransformerConfig{});
  EXPECT_EQ(plan.doc, DocAction::kReport);
  EXPECT_TRUE(Has(plan.reason, "voided")) << plan.reason;
}

TEST(PlanOrder, ChangedContentIsUpdatedAndUnchangedLeftAlone) {
  auto same = PlanOrder(Order(OrderStatus::kCompleted, true), {}, Booked("SalesReceipt"), "fp1", {});
  EXPECT_EQ(same.doc, DocAction::kNone);
  EXPECT_EQ(same.reason, "unchanged");
  EXPECT_FALSE(same.payment);
  EXPECT_TRUE(same.refunds.empty());
  auto changed = PlanOrder(Order(OrderStatus::kCompleted, true), {}, Booked("SalesReceipt"), "fp2", {});
  EXPECT_EQ(changed.doc, DocAction::kUpdate);
  EXPECT_TRUE(Has(changed.reason, "changed")) << changed.reason;
  auto unknown = PlanOrder(Order(OrderStatus::kCompleted, true), {}, Booked("SalesReceipt", ""), "fp2", {});
  EXPECT_EQ(unknown.doc, DocAction::kUpdate);
  auto odd = PlanOrder(Order(OrderStatus::kCompleted, true), {}, Booked("Estimate"), "fp1", {});
  EXPECT_EQ(odd.doc, DocAction::kReport);
}

TEST(PlanOrder, InvoicePaidLaterGetsOnePayment) {
  auto plan = PlanOrder(Order(OrderStatus::kProcessing, true), {}, Booked("Invoice"), "fp1", {});
  EXPECT_EQ(plan.doc, DocAction::kNone);
  EXPECT_TRUE(plan.payment);
  EXPECT_TRUE(Has(plan.reason, "Payment")) << plan.reason;
  BookedOrder paid = Booked("Invoice");
  paid.payment_booked = true;
  EXPECT_FALSE(PlanOrder(Order(OrderStatus::kProcessing, true), {}, paid, "fp1", {}).payment);
  EXPECT_FALSE(PlanOrder(Order(OrderStatus::kOnHold, false), {}, Booked("Invoice"), "fp1", {}).payment);
  EXPECT_FALSE(PlanOrder(Order(OrderStatus::kCompleted, true), {}, Booked("SalesReceipt"), "fp1", {}).payment);
  // Changed and paid: both.
  auto both = PlanOrder(Order(OrderStatus::kCompleted, true), {}, Booked("Invoice"), "fp2", {});
  EXPECT_EQ(both.doc, DocAction::kUpdate);
  EXPECT_TRUE(both.payment);
}

TEST(PlanOrder, OnlyRefundsNotYetBookedAreListedOldestFirst) {
  BookedOrder booked = Booked("SalesReceipt");
  booked.refunds_booked = {"801"};
  std::vector<model::Refund> refunds = {Refund("810", 3000), Refund("801", 1000), Refund("99", 2000),
                                        Refund("100", 2000), Refund("820", 4000, "0.00")};
  auto plan = PlanOrder(Order(OrderStatus::kRefunded, true), refunds, booked, "fp1", {});
  EXPECT_EQ(plan.doc, DocAction::kNone);  // a refunded order keeps its document
  EXPECT_EQ(plan.refunds, (std::vector<std::string>{"99", "100", "810"}));  // zero-amount 820 has nothing to book
  EXPECT_EQ(plan.refund_kind, SalesDocKind::kRefundReceipt);
  EXPECT_TRUE(Has(plan.reason, "3 refund")) << plan.reason;
}

TEST(PlanOrder, RefundKindFollowsTheInvoicePaymentState) {
  auto open = PlanOrder(Order(OrderStatus::kOnHold, false), {Refund("801", 1000)}, Booked("Invoice"), "fp1", {});
  EXPECT_EQ(open.refund_kind, SalesDocKind::kCreditMemo);
  BookedOrder paid = Booked("Invoice");
  paid.payment_booked = true;
  auto after = PlanOrder(Order(OrderStatus::kOnHold, false), {Refund("801", 1000)}, paid, "fp1", {});
  EXPECT_EQ(after.refund_kind, SalesDocKind::kRefundReceipt);
  auto now_paid = PlanOrder(Order(OrderStatus::kCompleted, true), {Refund("801", 1000)}, Booked("Invoice"), "fp1", {});
  EXPECT_TRUE(now_paid.payment);
  EXPECT_EQ(now_paid.refund_kind, SalesDocKind::kRefundReceipt);
}

TEST(PlanOrder, ActionNames) {
  EXPECT_STREQ(DocActionName(DocAction::kVoid), "void");
  EXPECT_STREQ(DocActionName(DocAction::kReport), "report");
}

}  // namespace
}  // namespace es::mapping
