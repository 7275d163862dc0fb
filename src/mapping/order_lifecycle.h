// The per-order decision (SPEC F5): given a Woo order, its refunds and what
// is already booked in QBO for it, what the engine must do now. Pure; the
// engine applies the plan (and records what it did in the id map).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "connectors/qbo/types.h"
#include "mapping/transformer_config.h"
#include "model/order.h"

namespace es::mapping {

// What the id map knows about an order in QBO.
struct BookedOrder {
  std::string doc_type;  // "" (never booked), "Invoice", "SalesReceipt"
  std::string doc_id, sync_token, fingerprint;
  // The engine has dealt with a cancellation already: the document was
  // voided or deleted, or (cancelled_policy "leave") the order was reported.
  bool voided = false;
  bool payment_booked = false;            // a Payment exists for the invoice
  std::set<std::string> refunds_booked;   // Woo refund ids that already have a QBO document
};

enum class DocAction {
  kNone,    // nothing to do to the sale document
  kCreate,  // create it (kind: ChooseDocumentKind)
  kUpdate,  // sparse-update it (SparseUpdateBody) to the current content
  kVoid,    // void it
  kDelete,  // delete it
  kReport,  // leave it; a person must look at the order (reason says why)
};
const char* DocActionName(DocAction a);  // "none", "create", "update", "void", "delete", "report"

struct OrderPlan {
  DocAction doc = DocAction::kNone;
  std::string reason;                  // human readable: "unchanged", "status cancelled: void", …
  bool payment = false;                // book a Payment for the (new or existing) invoice
  std::vector<std::string> refunds;    // Woo refund ids to book, oldest first
  // RefundReceipt when the sale is a SalesReceipt or the invoice is (or is
  // about to be) paid, else CreditMemo (to be applied to the open invoice).
  qbo::SalesDocKind refund_kind = qbo::SalesDocKind::kCreditMemo;
};

// `new_fingerprint` is DocumentFingerprint of the body the order would be
// booked with now, as the kind already booked (OrderToSalesDocumentAs) when
// it is booked. Rules:
// - never booked: a status in config.order_statuses → kCreate, plus every
//   refund; a payment only when the new document is an Invoice of a paid
//   order (document_policy always_invoice). Other statuses (pending,
//   cancelled, failed, trash, …) → kNone, reason naming the status.
// - booked, status cancelled/failed/trash → per config.cancelled_policy:
//   kVoid / kDelete / kReport, no payment or refunds (a voided sale takes
//   its refunds with it; under "leave" refunds are still booked); once
//   `voided` is set → kNone "already voided" (or "already reported").
// - booked and `voided` but the order is live again (restored) → kReport.
// - booked otherwise: fingerprint differs → kUpdate, same → kNone
//   "unchanged"; an Invoice of a paid order without payment_booked →
//   payment; refunds not in refunds_booked are listed (also for orders
//   with status refunded: the sale stays and the refund is booked).
// Refunds with a zero amount (restock only) are never listed. An unknown
// doc_type → kReport.
OrderPlan PlanOrder(const model::Order& order, const std::vector<model::Refund>& refunds, const BookedOrder& booked,
                    const std::string& new_fingerprint, const TransformerConfig& config);

}  // namespace es::mapping
