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
std::string DocNumberFor(const model::Order& order, const TransformerConfig& config);
// Returns whether an order's status is one the config syncs.
bool ShouldSyncOrder(const model::Order& order, const TransformerConfig& config);

struct ResolvedRefs {
  std::string customer_id;
  std::map<std::string, std::string> item_ids;  // LineItemKey → QBO Item Id
  std::string fee_item_id;
};

// Builds the Invoice or SalesReceipt. Fails (validation) when a dependency
// is missing, when more than 3 custom fields would be sent, or when the
// document total would differ from order.total.
Result<qbo::SalesDocument> OrderToSalesDocument(const model::Order& order, const ResolvedRefs& refs,
                                                const TransformerConfig& config);

// Σ sales and discount lines + TxnTaxDetail.TotalTax: what QBO will report as TotalAmt.
Decimal DocumentTotal(const qbo::SalesDocument& doc);

// A Payment applying `amount` to an existing invoice (an order paid later).
qbo::Payment PaymentForInvoice(const model::Order& order, const std::string& customer_id,
                               const std::string& invoice_id);

// A RefundReceipt (money paid back for a paid order) for a Woo refund, or a
// CreditMemo for an invoiced order, as one line on the refunded items.
qbo::SalesDocument RefundDocument(const model::Order& order, const model::Refund& refund,
                                  qbo::SalesDocKind kind, const ResolvedRefs& refs,
                                  const TransformerConfig& config);

// Content fingerprint used to detect changes since the last write.
std::string Fingerprint(const Json& raw_source);

}  // namespace es::mapping
