// Payments and refund documents (declared in qbo_transform.h).
#include <string>

#include "common/clock.h"
#include "connectors/qbo/codec.h"
#include "mapping/qbo_transform.h"
#include "mapping/tax_codes.h"
#include "mapping/text.h"

namespace es::mapping {
namespace {

constexpr size_t kMaxRef = 21;  // DocNumber and Payment PaymentRefNum

// `head` + `tail` in at most kMaxRef characters: the front of `head` goes
// first, `tail` is kept whole.
std::string Key(const std::string& head, const std::string& tail) {
  if (tail.size() >= kMaxRef) return tail.substr(tail.size() - kMaxRef);
  size_t room = kMaxRef - tail.size();
  return (head.size() > room ? head.substr(head.size() - room) : head) + tail;
}

Decimal Abs(const model::Money& m) { return (m.IsNegative() ? -m : m).ToDecimal(); }

std::string OrderName(const model::Order& order) {
  return "WooCommerce order #" + order.number + " (id " + order.source_id + ")";
}

}  // namespace

std::string PaymentRefFor(const model::Order& order) {
  // The prefix stays, the id's tail is kept.
  std::string id = order.source_id;
  if (id.size() > kMaxRef - 4) id = id.substr(id.size() - (kMaxRef - 4));
  return "woo-" + id;
}

qbo::Payment PaymentForInvoice(const model::Order& order, const std::string& customer_id,
                               const std::string& invoice_id) {
  qbo::Payment p;
  p.customer = {customer_id, ""};
  p.total_amt = order.total.ToDecimal();
  p.txn_date = FormatDateUtc(order.payment.paid_at_ms ? order.payment.paid_at_ms : order.modified_at_ms);
  p.payment_ref_num = PaymentRefFor(order);
  std::string note = OrderName(order) + " paid";
  if (!order.payment.method_title.empty()) note += " by " + order.payment.method_title;
  else if (!order.payment.method.empty()) note += " by " + order.payment.method;
  if (!order.payment.transaction_id.empty()) note += ", transaction " + order.payment.transaction_id;
  p.private_note = note.substr(0, 4000);
  p.lines.push_back({order.total.ToDecimal(), {{invoice_id, "Invoice"}}});
  return p;
}

std::string CreditApplicationRef(const model::Refund& refund) {
  std::string id = refund.source_id;
  if (id.size() > kMaxRef - 5) id = id.substr(id.size() - (kMaxRef - 5));
  return "woo-c" + id;
}

qbo::Payment ApplyCreditToInvoice(const std::string& customer_id, const std::string& invoice_id,
                                  const std::string& credit_memo_id, const Decimal& amount,
                                  const std::string& key) {
  qbo::Payment p;
  p.customer = {customer_id, ""};
  p.total_amt = Decimal();
  p.payment_ref_num = key.size() > kMaxRef ? key.substr(key.size() - kMaxRef) : key;
  p.private_note = "Credit memo " + credit_memo_id + " applied to invoice " + invoice_id;
  p.lines.push_back({amount, {{invoice_id, "Invoice"}}});
  p.lines.push_back({amount, {{credit_memo_id, "CreditMemo"}}});
  return p;
}

std::string RefundDocNumber(const model::Order& order, const model::Refund& refund,
                            const TransformerConfig& config) {
  return Key(DocNumberFor(order, config), "-R" + refund.source_id);
}

Result<qbo::SalesDocument> RefundToDocument(const model::Order& order, const model::Refund& refund,
                                            qbo::SalesDocKind kind, const ResolvedRefs& refs,
                                            const TransformerConfig& config) {
  const std::string what = "refund " + refund.source_id + " of order " + order.source_id;
  ES_RETURN_IF_ERROR(config.Validate());
  if (kind != qbo::SalesDocKind::kCreditMemo && kind != qbo::SalesDocKind::kRefundReceipt)
    return Status::Validation(what + ": a refund is booked as a CreditMemo or RefundReceipt, not " +
                              qbo::SalesDocEntity(kind));
  if (refund.amount.IsZero() || refund.amount.IsNegative())
    return Status::Validation(what + ": amount " + refund.amount.ToString() + " leaves nothing to book",
                              "empty_refund");
  if (refs.customer_id.empty()) return Status::Validation(what + ": customer not resolved");
  if (kind == qbo::SalesDocKind::kRefundReceipt && refs.refund_account_id.empty())
    return Status::Validation(what + ": refund account (RefundReceipt DepositToAccountRef) not resolved");

  qbo::SalesDocument d;
  d.kind = kind;
  d.doc_number = RefundDocNumber(order, refund, config);
  d.txn_date = FormatDateUtc(refund.created_at_ms ? refund.created_at_ms : order.modified_at_ms);
  d.customer = {refs.customer_id, ""};
  d.currency = {order.currency, ""};
  d.private_note = OrderName(order) + " refund " + refund.source_id +
                   (refund.reason.empty() ? "" : ": " + CleanText(refund.reason, 1000));
  if (kind == qbo::SalesDocKind::kRefundReceipt) d.deposit_to_account = {refs.refund_account_id, ""};

  const std::vector<std::string> item_rates = ItemRateIds(order);
  const std::vector<std::string> shipping_rates = ShippingRateIds(order);
  for (const auto& line : refund.lines) {
    if (line.total.IsZero()) continue;  // restock only, or tax only (in TotalTax)
    auto it = refs.item_ids.find(LineItemKey(line));
    if (it == refs.item_ids.end() || it->second.empty())
      return Status::Validation(what + ": item for line '" + line.name + "' not resolved");
    qbo::Line l;
    l.amount = Abs(line.total);
    l.description = CleanText(line.name, 4000);
    l.item = {it->second, ""};
    Decimal qty = line.quantity.IsNegative() ? -line.quantity : line.quantity;
    if (!qty.IsZero()) {
      l.qty = qty;
      l.unit_price = l.amount.Div(qty);
    }
    l.tax_code = LineTaxCode(!line.total_tax.IsZero(), line.taxes, item_rates, line.tax_class, order.tax_lines, config);
    d.lines.push_back(std::move(l));
  }
  for (const auto& s : refund.shipping_lines) {
    if (s.total.IsZero()) continue;
    qbo::Line l;
    l.amount = Abs(s.total);
    l.description = CleanText(s.method_title.empty() ? "Shipping" : s.method_title, 4000);
    l.item = {config.shipping_item_id, ""};
    l.tax_code = LineTaxCode(!s.total_tax.IsZero(), s.taxes, shipping_rates, "", order.tax_lines, config);
    d.lines.push_back(std::move(l));
  }
  for (const auto& f : refund.fees) {
    if (f.total.IsZero()) continue;
    if (refs.fee_item_id.empty()) return Status::Validation(what + ": fee item not resolved");
    qbo::Line l;
    l.amount = Abs(f.total);
    l.description = CleanText(f.name.empty() ? "Fee" : f.name, 4000);
    l.item = {refs.fee_item_id, ""};
    l.qty = Decimal::FromInt(1);
    l.unit_price = l.amount;
    l.tax_code = LineTaxCode(!f.total_tax.IsZero(), f.taxes, item_rates, f.tax_class, order.tax_lines, config);
    d.lines.push_back(std::move(l));
  }
  const model::Money tax = refund.RefundedTax();
  if (d.lines.empty() && tax.IsZero()) {
    // Amount-only refund: nothing itemised, the money goes back as such.
    if (refs.refund_item_id.empty()) return Status::Validation(what + ": refund adjustment item not resolved");
    qbo::Line l;
    l.amount = refund.amount.ToDecimal();
    l.description = refund.reason.empty() ? "Refund" : CleanText(refund.reason, 4000);
    l.item = {refs.refund_item_id, ""};
    l.qty = Decimal::FromInt(1);
    l.unit_price = l.amount;
    l.tax_code = config.non_taxable_code;
    d.lines.push_back(std::move(l));
  }
  d.tax.total_tax = tax.ToDecimal();
  if (std::string code = TxnTaxCode(order, config); !code.empty()) d.tax.txn_tax_code = {code, ""};

  Decimal total = DocumentTotal(d);
  Decimal expected = refund.amount.ToDecimal();
  if (total != expected) {
    return Status::Validation(what + ": QBO " + qbo::SalesDocEntity(kind) + " total " + total.ToFixed(2) +
                                  " differs from the WooCommerce refund amount " + expected.ToFixed(2) + " by " +
                                  (total - expected).ToFixed(2),
                              "total_mismatch");
  }
  ES_RETURN_IF_ERROR(qbo::ValidateSalesDocument(d));
  return d;
}

}  // namespace es::mapping
