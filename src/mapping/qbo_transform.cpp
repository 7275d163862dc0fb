#include "mapping/qbo_transform.h"

#include <algorithm>
#include <cctype>

#include "common/clock.h"
#include "common/crypto.h"
#include "mapping/tax_codes.h"
#include "mapping/text.h"

namespace es::mapping {

std::string CleanText(std::string s, size_t max_len) {
  for (char& c : s) {
    if (c == ':' || c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  // Trim and collapse the ends.
  size_t b = s.find_first_not_of(' ');
  size_t e = s.find_last_not_of(' ');
  s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  if (s.size() > max_len) {
    s.resize(max_len);
    // Do not cut a UTF-8 sequence in half.
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty() && (static_cast<unsigned char>(s.back()) & 0x80)) s.pop_back();
  }
  return s;
}

namespace {

std::string Clean(std::string s, size_t max_len) { return CleanText(std::move(s), max_len); }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

qbo::PhysicalAddress ToQboAddress(const model::Address& a) {
  qbo::PhysicalAddress out;
  out.line1 = Clean(a.line1, 500);
  out.line2 = Clean(a.line2, 500);
  out.city = Clean(a.city, 255);
  out.country_sub_division_code = Clean(a.state, 255);
  out.postal_code = Clean(a.postcode, 30);
  out.country = Clean(a.country, 255);
  return out;
}

std::string CustomFieldValue(const model::Order& o, const std::string& source) {
  if (source == "number") return o.number;
  if (source == "id") return o.source_id;
  if (source == "status") return model::OrderStatusName(o.status);
  if (source == "payment_method") return o.payment.method;
  if (source == "payment_method_title") return o.payment.method_title;
  if (source == "transaction_id") return o.payment.transaction_id;
  if (source == "customer_note") return o.customer_note;
  if (source == "currency") return o.currency;
  if (source == "billing.email") return o.billing.email;
  if (source == "billing.phone") return o.billing.phone;
  return "";
}

}  // namespace

model::Customer OrderCustomer(const model::Order& order, const TransformerConfig& config) {
  model::Customer c;
  c.email = order.billing.email;
  c.first_name = order.billing.first_name;
  c.last_name = order.billing.last_name;
  c.company = order.billing.company;
  c.billing = order.billing;
  c.shipping = order.shipping;
  c.created_at_ms = order.created_at_ms;
  if (!order.customer_id.empty() && order.customer_id != "0") {
    c.source_id = order.customer_id;
    return c;
  }
  c.is_guest = true;
  if (config.guest_policy == GuestPolicy::kSingleCustomer) {
    c.source_id = "guest:*";
    c.first_name.clear();
    c.last_name.clear();
    c.company.clear();
    c.email.clear();
    c.billing = {};
    c.shipping = {};
    return c;
  }
  c.source_id = order.billing.email.empty() ? "guest:order-" + order.source_id : "guest:" + Lower(order.billing.email);
  return c;
}

std::string CustomerDisplayName(const model::Customer& c, const TransformerConfig& config) {
  if (c.source_id == "guest:*") return Clean(config.guest_customer_name, 500);
  std::string name = c.first_name;
  if (!c.last_name.empty()) name += (name.empty() ? "" : " ") + c.last_name;
  if (name.empty()) name = c.company;
  std::string tag;
  if (!c.is_guest) tag = "#" + c.source_id;
  else if (!c.email.empty()) tag = c.email;
  else tag = c.source_id.substr(6);  // "order-123"
  if (name.empty()) return Clean(tag, 500);
  // Keep the tag whole: trim the name first.
  std::string suffix = " (" + tag + ")";
  return Clean(Clean(name, suffix.size() < 480 ? 500 - suffix.size() : 20) + suffix, 500);
}

qbo::Customer CustomerToQbo(const model::Customer& c, const TransformerConfig& config) {
  qbo::Customer q;
  q.display_name = CustomerDisplayName(c, config);
  if (c.source_id != "guest:*") {
    q.given_name = Clean(c.first_name, 100);
    q.family_name = Clean(c.last_name, 100);
    q.company_name = Clean(c.company.empty() ? c.billing.company : c.company, 100);
    q.email = c.email.find('@') != std::string::npos ? c.email : "";
    q.phone = Clean(c.billing.phone, 30);
    q.bill_addr = ToQboAddress(c.billing);
    q.ship_addr = ToQboAddress(c.shipping);
  }
  return q;
}

std::string LineItemKey(const model::LineItem& line) {
  if (!line.variation_id.empty() && line.variation_id != "0") return line.variation_id;
  if (!line.product_id.empty() && line.product_id != "0") return line.product_id;
  if (!line.sku.empty()) return "sku:" + line.sku;
  return "name:" + line.name;
}

std::string ItemName(const model::Product& p) {
  std::string name = p.name;
  if (p.kind == model::ProductKind::kVariation && !p.attributes.empty()) {
    // "Hoodie - Red, L", the way WooCommerce names a variation on an order line.
    std::string options;
    for (const auto& a : p.attributes) options += (options.empty() ? "" : ", ") + a.option;
    if (name.find(" - " + options) == std::string::npos) name += " - " + options;
  }
  if (name.empty()) name = p.sku.empty() ? "Product " + p.source_id : p.sku;
  return Clean(name, 100);
}

qbo::Item ProductToItem(const model::Product& p, const TransformerConfig& config, const ItemAccounts& accounts) {
  qbo::Item i;
  i.name = ItemName(p);
  i.sku = Clean(p.sku, 100);
  i.description = Clean(p.name, 4000);
  if (p.price) i.unit_price = p.price->ToDecimal();
  i.taxable = p.tax_status != "none";
  i.type = config.item_type;
  i.income_account = {accounts.income, ""};
  if (i.type == "Inventory") {
    i.expense_account = {accounts.expense, ""};
    i.asset_account = {accounts.asset, ""};
    i.track_qty_on_hand = true;
    i.qty_on_hand = p.stock_quantity.value_or(Decimal());
    i.inv_start_date = FormatDateUtc(p.created_at_ms > 0 ? p.created_at_ms : 0);
  } else if (!accounts.expense.empty()) {
    i.expense_account = {accounts.expense, ""};
  }
  return i;
}

model::Product ProductFromLine(const model::LineItem& line, const std::string& currency) {
  model::Product p;
  p.source_id = LineItemKey(line);
  p.name = line.name;
  p.sku = line.sku;
  p.kind = model::ProductKind::kSimple;
  if (!line.quantity.IsZero()) p.price = model::Money::FromDecimal(line.UnitPrice(), currency);
  p.tax_status = "taxable";
  return p;
}

qbo::SalesDocKind ChooseDocumentKind(const model::Order& order, const TransformerConfig& config) {
  switch (config.document_policy) {
    case DocumentPolicy::kAlwaysInvoice: return qbo::SalesDocKind::kInvoice;
    case DocumentPolicy::kAlwaysReceipt: return qbo::SalesDocKind::kSalesReceipt;
    case DocumentPolicy::kReceiptWhenPaid: break;
  }
  return OrderIsPaid(order) ? qbo::SalesDocKind::kSalesReceipt : qbo::SalesDocKind::kInvoice;
}

bool OrderIsPaid(const model::Order& order) {
  if (order.status == model::OrderStatus::kOnHold || order.status == model::OrderStatus::kPending) return false;
  return order.payment.IsPaid() || order.status == model::OrderStatus::kCompleted ||
         order.status == model::OrderStatus::kRefunded;
}

std::string DocNumberFor(const model::Order& order, const TransformerConfig& config) {
  const std::string& base =
      config.doc_number_policy == DocNumberPolicy::kOrderId || order.number.empty() ? order.source_id : order.number;
  std::string dn = config.doc_number_prefix + base;
  if (dn.size() > 21) dn = dn.substr(dn.size() - 21);  // keep the distinguishing tail
  return dn;
}

bool ShouldSyncOrder(const model::Order& order, const TransformerConfig& config) {
  std::string s = model::OrderStatusName(order.status);
  return std::find(config.order_statuses.begin(), config.order_statuses.end(), s) != config.order_statuses.end();
}

std::string OrderFilterReason(const model::Order& order, const TransformerConfig& config) {
  if (ShouldSyncOrder(order, config)) return {};
  return std::string("status ") + model::OrderStatusName(order.status);
}

Result<qbo::SalesDocument> OrderToSalesDocument(const model::Order& order, const ResolvedRefs& refs,
                                                const TransformerConfig& config) {
  return OrderToSalesDocumentAs(order, ChooseDocumentKind(order, config), refs, config);
}

Result<qbo::SalesDocument> OrderToSalesDocumentAs(const model::Order& order, qbo::SalesDocKind kind,
                                                  const ResolvedRefs& refs, const TransformerConfig& config) {
  ES_RETURN_IF_ERROR(config.Validate());
  if (kind != qbo::SalesDocKind::kInvoice && kind != qbo::SalesDocKind::kSalesReceipt)
    return Status::Validation("order " + order.source_id + ": an order is booked as an Invoice or SalesReceipt, not " +
                              qbo::SalesDocEntity(kind));
  if (refs.customer_id.empty()) return Status::Validation("order " + order.source_id + ": customer not resolved");
  qbo::SalesDocument d;
  d.kind = kind;
  d.doc_number = DocNumberFor(order, config);
  d.txn_date = FormatDateUtc(order.created_at_ms);
  if (d.kind == qbo::SalesDocKind::kInvoice)
    d.due_date = FormatDateUtc(order.created_at_ms + int64_t{config.payment_terms_days} * 86'400'000);
  d.customer = {refs.customer_id, ""};
  d.currency = {order.currency, ""};
  d.bill_email = order.billing.email.find('@') != std::string::npos ? order.billing.email : "";
  d.bill_addr = ToQboAddress(order.billing);
  d.ship_addr = ToQboAddress(order.shipping);
  d.private_note = "WooCommerce order #" + order.number + " (id " + order.source_id + ")";
  if (!order.customer_note.empty()) d.customer_memo = Clean(order.customer_note, 1000);
  if (d.kind == qbo::SalesDocKind::kSalesReceipt) {
    d.payment_ref_num = order.payment.transaction_id.substr(0, 21);
    if (!config.deposit_account_id.empty()) d.deposit_to_account = {config.deposit_account_id, ""};
  }

  d.lines.reserve(order.lines.size() + order.shipping_lines.size() + order.fees.size() + 1);
  const std::vector<std::string> item_rates = ItemRateIds(order);
  const std::vector<std::string> shipping_rates = ShippingRateIds(order);
  Decimal discount;
  for (const auto& line : order.lines) {
    auto it = refs.item_ids.find(LineItemKey(line));
    if (it == refs.item_ids.end() || it->second.empty())
      return Status::Validation("order " + order.source_id + ": item for line '" + line.name + "' not resolved");
    qbo::Line l;
    l.kind = qbo::LineKind::kSalesItem;
    l.amount = line.subtotal.ToDecimal();
    l.description = Clean(line.name, 4000);
    l.item = {it->second, ""};
    l.qty = line.quantity;
    l.unit_price = line.UnitPrice();
    l.tax_code = LineTaxCode(!line.total_tax.IsZero() || !line.subtotal_tax.IsZero(), line.taxes, item_rates,
                             line.tax_class, order.tax_lines, config);
    d.lines.push_back(std::move(l));
    discount += (line.subtotal - line.total).ToDecimal();
  }
  for (const auto& s : order.shipping_lines) {
    qbo::Line l;
    l.amount = s.total.ToDecimal();
    l.description = Clean(s.method_title.empty() ? "Shipping" : s.method_title, 4000);
    l.item = {config.shipping_item_id, ""};
    l.tax_code = LineTaxCode(!s.total_tax.IsZero(), s.taxes, shipping_rates, "", order.tax_lines, config);
    d.lines.push_back(std::move(l));
  }
  for (const auto& f : order.fees) {
    if (refs.fee_item_id.empty())
      return Status::Validation("order " + order.source_id + ": fee item not resolved");
    qbo::Line l;
    l.amount = f.total.ToDecimal();
    l.description = Clean(f.name.empty() ? "Fee" : f.name, 4000);
    l.item = {refs.fee_item_id, ""};
    l.qty = Decimal::FromInt(1);
    l.unit_price = f.total.ToDecimal();
    l.tax_code = LineTaxCode(!f.total_tax.IsZero(), f.taxes, item_rates, f.tax_class, order.tax_lines, config);
    d.lines.push_back(std::move(l));
  }
  if (!discount.IsZero()) {
    qbo::Line l;
    l.kind = qbo::LineKind::kDiscount;
    l.amount = discount;
    l.percent_based = false;
    std::string codes;
    for (const auto& c : order.coupons) codes += (codes.empty() ? "" : ", ") + c.code;
    l.description = codes.empty() ? "Discount" : "Coupons: " + codes;
    d.lines.push_back(std::move(l));
  }
  d.tax.total_tax = order.total_tax.ToDecimal();
  if (std::string code = TxnTaxCode(order, config); !code.empty()) d.tax.txn_tax_code = {code, ""};
  for (const auto& f : config.custom_fields) {
    std::string v = CustomFieldValue(order, f.source);
    if (v.size() > 31) v.resize(31);
    if (!v.empty()) d.custom_fields.push_back({f.definition_id, f.name, v});
  }
  Decimal total = DocumentTotal(d);
  Decimal expected = order.total.ToDecimal();
  if (total != expected) {
    return Status::Validation("order " + order.source_id + ": QBO document total " + total.ToFixed(2) +
                              " differs from WooCommerce order total " + expected.ToFixed(2) + " by " +
                              (total - expected).ToFixed(2), "total_mismatch");
  }
  return d;
}

Decimal DocumentTotal(const qbo::SalesDocument& doc) {
  Decimal sum;
  for (const auto& l : doc.lines) {
    if (l.kind == qbo::LineKind::kSalesItem) sum += l.amount;
    else if (l.kind == qbo::LineKind::kDiscount) sum -= l.amount;
  }
  if (doc.tax.total_tax) sum += *doc.tax.total_tax;
  return sum;
}

std::string Fingerprint(const Json& raw_source) {
  Json copy = raw_source;
  if (copy.is_object()) copy.erase("_links");
  return crypto::Hex(crypto::Sha256(DumpJson(copy))).substr(0, 32);
}

}  // namespace es::mapping
