#include "mapping/order_lifecycle.h"

#include <algorithm>

#include "mapping/qbo_transform.h"

namespace es::mapping {
namespace {

bool IsCancelled(model::OrderStatus s) {
  return s == model::OrderStatus::kCancelled || s == model::OrderStatus::kFailed || s == model::OrderStatus::kTrash;
}

// Numeric order of ids ("99" before "100"); ids are digit strings.
bool IdLess(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

std::vector<std::string> RefundsToBook(const std::vector<model::Refund>& refunds, const BookedOrder& booked) {
  std::vector<const model::Refund*> todo;
  for (const auto& r : refunds) {
    if (r.amount.IsZero() || booked.refunds_booked.count(r.source_id)) continue;
    todo.push_back(&r);
  }
  std::sort(todo.begin(), todo.end(), [](const model::Refund* a, const model::Refund* b) {
    if (a->created_at_ms != b->created_at_ms) return a->created_at_ms < b->created_at_ms;
    return IdLess(a->source_id, b->source_id);
  });
  std::vector<std::string> ids;
  for (const auto* r : todo) {
    if (ids.empty() || ids.back() != r->source_id) ids.push_back(r->source_id);
  }
  return ids;
}

std::string StatusText(const model::Order& order) {
  return std::string("status ") + model::OrderStatusName(order.status);
}

}  // namespace

const char* DocActionName(DocAction a) {
  switch (a) {
    case DocAction::kNone: return "none";
    case DocAction::kCreate: return "create";
    case DocAction::kUpdate: return "update";
    case DocAction::kVoid: return "void";
    case DocAction::kDelete: return "delete";
    case DocAction::kReport: return "report";
  }
  return "none";
}

OrderPlan PlanOrder(const model::Order& order, const std::vector<model::Refund>& refunds, const BookedOrder& booked,
                    const std::string& new_fingerprint, const TransformerConfig& config) {
  OrderPlan plan;
  const bool paid = OrderIsPaid(order);

  if (booked.doc_type.empty()) {
    if (!ShouldSyncOrder(order, config)) {
      plan.reason = StatusText(order) + ": not synced, nothing booked";
      return plan;
    }
    plan.doc = DocAction::kCreate;
    qbo::SalesDocKind kind = ChooseDocumentKind(order, config);
    plan.reason = std::string("new order (") + StatusText(order) + "): create " + qbo::SalesDocEntity(kind);
    plan.payment = kind == qbo::SalesDocKind::kInvoice && paid;
    plan.refunds = RefundsToBook(refunds, booked);
    plan.refund_kind = kind == qbo::SalesDocKind::kSalesReceipt || plan.payment ? qbo::SalesDocKind::kRefundReceipt
                                                                                : qbo::SalesDocKind::kCreditMemo;
    return plan;
  }

  const bool is_invoice = booked.doc_type == "Invoice";
  if (!is_invoice && booked.doc_type != "SalesReceipt") {
    plan.doc = DocAction::kReport;
    plan.reason = "booked as unknown document type '" + booked.doc_type + "'";
    return plan;
  }

  if (IsCancelled(order.status)) {
    const std::string status = StatusText(order);
    switch (config.cancelled_policy) {
      case CancelledPolicy::kVoid:
        plan.doc = booked.voided ? DocAction::kNone : DocAction::kVoid;
        plan.reason = status + (booked.voided ? ": already voided" : ": void");
        return plan;
      case CancelledPolicy::kDelete:
        plan.doc = booked.voided ? DocAction::kNone : DocAction::kDelete;
        plan.reason = status + (booked.voided ? ": already voided" : ": delete");
        return plan;
      case CancelledPolicy::kLeave:
        plan.doc = booked.voided ? DocAction::kNone : DocAction::kReport;
        plan.reason = status + (booked.voided ? ": already reported" : ": left in QBO (cancelled_policy leave)");
        break;  // the sale stands: its refunds are still booked below
    }
  } else if (booked.voided) {
    plan.doc = DocAction::kReport;
    plan.reason = StatusText(order) + ": the " + booked.doc_type + " was voided or deleted but the order is live again";
    return plan;
  } else if (booked.fingerprint.empty()) {
    plan.doc = DocAction::kUpdate;
    plan.reason = "no content fingerprint recorded: update to the current content";
  } else if (booked.fingerprint != new_fingerprint) {
    plan.doc = DocAction::kUpdate;
    plan.reason = "content changed since booked (lines, amounts or fields)";
  } else {
    plan.reason = "unchanged";
  }

  if (is_invoice && paid && !booked.payment_booked && !IsCancelled(order.status)) {
    plan.payment = true;
    plan.reason += "; paid: book a Payment";
  }
  plan.refunds = RefundsToBook(refunds, booked);
  if (!plan.refunds.empty()) plan.reason += "; " + std::to_string(plan.refunds.size()) + " refund(s) to book";
  plan.refund_kind = !is_invoice || booked.payment_booked || plan.payment ? qbo::SalesDocKind::kRefundReceipt
                                                                          : qbo::SalesDocKind::kCreditMemo;
  return plan;
}

}  // namespace es::mapping
