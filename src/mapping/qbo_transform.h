// Canonical → QuickBooks Online transformers (SPEC F5).
//
// Pure functions: given a canonical record, the TransformerConfig and the
// QBO ids already resolved for its dependencies, build the QBO object. The
// document transform checks that the QBO total it will produce equals the
// Woo order total to the cent and fails with the difference otherwise —
// never a silent drift.
#pragma once

#include <map>
#include <string>

#include "common/status.h"
#include "connectors/qbo/types.h"
#include "mapping/transformer_config.h"
#include "model/customer.h"
#include "model/order.h"
#include "model/product.h"

namespace es::mapping {

// Accounts used for new items, resolved from config or looked up in QBO.
struct ItemAccounts {
  std::string income;
  std::string expense;
  std::string asset;
};

// The canonical customer an order is billed to, following the guest policy.
// Registered customers keep their id; guests get "guest:<email>" (per_email)
// or "guest:*" (single_customer).
model::Customer OrderCustomer(const model::Order& order, const TransformerConfig& config);

// DisplayName: "Ann Lee (#25)" for registered customers, "Ann Lee
// (ann@example.com)" for guests, the configured name for the shared guest.
// Characters QBO refuses (':' tab newline) are replaced; ≤ 500 chars.
std::string CustomerDisplayName(const model::Customer& c, const TransformerConfig& config);
qbo::Customer CustomerToQbo(const model::Customer& c, const TransformerConfig& config);

// Id-map key of the item a line sells: the variation id when set, else the
// product id, else "sku:<sku>", else "name:<name>".
std::string LineItemKey(const model::LineItem& line);
// Item name ≤ 100 chars: the product name; variations "Parent - Red, L".
std::string ItemName(const model::Product& p);
qbo::Item ProductToItem(const model::Product& p, const TransformerConfig& config, const ItemAccounts& accounts);
// An item for a line whose product is unknown (deleted in the shop, or
// never synced): named after the line.
model::Product ProductFromLine(const model::LineItem& line, const std::string& currency);

qbo::SalesDocKind ChooseDocumentKind(const model::Order& order, const TransformerConfig& config);
// Paid for bookkeeping: date_paid set, or completed/refunded; never while
// on-hold or pending. SalesReceipt vs Invoice (receipt_when_paid) and
// whether an invoice needs a Payment follow this.
bool OrderIsPaid(const model::Order& order);
std::string DocNumberFor(const model::Order& order, const TransformerConfig& config);
// Returns whether an order's status is one the config syncs.
bool ShouldSyncOrder(const model::Order& order, const TransformerConfig& config);
// Why the config's filter leaves an order out ("status pending"), or empty
// when the order is synced: the reason runs count not-synced orders under.
std::string OrderFilterReason(const model::Order& order, const TransformerConfig& config);

struct ResolvedRefs {
  std::string customer_id;
  std::map<std::string, std::string> item_ids;  // LineItemKey → QBO Item Id
  std::string fee_item_id;
  std::string refund_item_id;     // item named config.refund_item_name (amount-only refunds)
  std::string refund_account_id;  // RefundReceipt DepositToAccountRef
};

// Builds the Invoice or SalesReceipt (kind from ChooseDocumentKind). Fails
// (validation) when a dependency is missing, when more than 3 custom fields
// would be sent, or when the document total would differ from order.total
// (code "total_mismatch", the message names both totals and the difference).
// Line tax codes follow tax_codes.h.
Result<qbo::SalesDocument> OrderToSalesDocument(const model::Order& order, const ResolvedRefs& refs,
                                                const TransformerConfig& config);
// The same document as a given kind (Invoice or SalesReceipt; other kinds
// fail): for re-encoding an order already booked as `kind` when its payment
// state would choose the other kind today.
Result<qbo::SalesDocument> OrderToSalesDocumentAs(const model::Order& order, qbo::SalesDocKind kind,
                                                  const ResolvedRefs& refs, const TransformerConfig& config);

// Σ sales and discount lines + TxnTaxDetail.TotalTax: what QBO will report as TotalAmt.
Decimal DocumentTotal(const qbo::SalesDocument& doc);

// ---- Payments and refunds (refund_transform.cpp) ----------------------------

// Lookup key of the Payment booked for an order's invoice: "woo-<order id>"
// (≤ 21 characters; the tail of a longer id is kept). Deterministic, so the
// engine can find the Payment again (PaymentRefNum) after a crash.
std::string PaymentRefFor(const model::Order& order);

// A Payment of order.total applied to the order's invoice (an order paid
// after it was invoiced): PaymentRefNum = PaymentRefFor(order), TxnDate = the
// Woo paid date (else the modified date), PrivateNote names the Woo order,
// payment method and transaction id.
qbo::Payment PaymentForInvoice(const model::Order& order, const std::string& customer_id,
                               const std::string& invoice_id);

// Lookup key of the Payment that applies a refund's credit memo to the
// order's invoice: "woo-c<refund id>" (≤ 21 characters).
std::string CreditApplicationRef(const model::Refund& refund);

// A zero-total Payment that applies `amount` of credit memo `credit_memo_id`
// to invoice `invoice_id`: two lines of `amount`, one linked to the Invoice,
// one to the CreditMemo. PaymentRefNum = `key` (cut to 21 characters).
qbo::Payment ApplyCreditToInvoice(const std::string& customer_id, const std::string& invoice_id,
                                  const std::string& credit_memo_id, const Decimal& amount,
                                  const std::string& key);

// DocNumber of a refund's CreditMemo/RefundReceipt: doc_number_prefix +
// order number + "-R" + refund id, ≤ 21 characters (when longer, the front
// of prefix + order number is cut; "-R<refund id>" is always kept whole).
// Woo refund ids are unique in a store, so the number is unique and differs
// from every order DocNumber (DocNumberFor) whose order number has no "-R".
std::string RefundDocNumber(const model::Order& order, const model::Refund& refund,
                            const TransformerConfig& config);

// The CreditMemo or RefundReceipt (`kind`) for a Woo refund of `order`:
// - one SalesItem line per refunded order line with a non-zero amount: the
//   sale's Item (refs.item_ids by LineItemKey), positive Qty and Amount =
//   |line total|, UnitPrice = Amount / Qty;
// - one line per refunded shipping line (config.shipping_item_id) and fee
//   (refs.fee_item_id), positive amounts;
// - TxnTaxDetail.TotalTax = refund.RefundedTax(); tax codes as for the sale;
// - a refund with no monetary parts (amount-only, e.g. goodwill 5.00) gets
//   one line of refund.amount on refs.refund_item_id, non-taxable.
// DocNumber = RefundDocNumber, TxnDate = refund date, CustomerRef =
// refs.customer_id, PrivateNote names the Woo order, refund id and reason.
// A RefundReceipt gets DepositToAccountRef = refs.refund_account_id.
// Validation errors: kind not CreditMemo/RefundReceipt, zero refund amount,
// unresolved customer/item/fee item/refund item/refund account, any rule of
// qbo::ValidateSalesDocument, and (code "total_mismatch") a document total
// that differs from refund.amount (message names both and the difference).
Result<qbo::SalesDocument> RefundToDocument(const model::Order& order, const model::Refund& refund,
                                            qbo::SalesDocKind kind, const ResolvedRefs& refs,
                                            const TransformerConfig& config);

// Content fingerprint used to detect changes since the last write.
std::string Fingerprint(const Json& raw_source);

}  // namespace es::mapping
