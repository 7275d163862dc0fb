// Orders, refunds and the guest-customer rule. Products and customers are in
// codec_catalog.cpp.
#include "connectors/woo/codec.h"

#include <algorithm>
#include <cctype>

#include "common/clock.h"
#include "connectors/woo/codec_fields.h"

namespace es::woo {
namespace {

using detail::FieldReader;

// Ids where 0 means "none" (guest customer, no variation, deleted product).
std::string NonZero(std::string id) { return id == "0" ? std::string() : id; }

template <typename V, typename F>
bool ForEach(FieldReader& r, const V& o, std::string_view key, const std::string& at, F&& fn) {
  const V* arr = r.Array(o, key, at);
  if (!arr) return r.ok();
  detail::EachElement(*arr, [&](const V& item, size_t i) {
    if (!r.ok()) return false;
    std::string p = FieldReader::Index(at, key, i);
    if (!item.is_object()) {
      r.Fail(p, "expected an object, got " + detail::JsonTypeName(item));
      return false;
    }
    fn(item, p);
    return true;
  });
  return r.ok();
}

template <typename V>
std::vector<model::TaxAmount> DecodeTaxes(FieldReader& r, const V& line, const std::string& at,
                                          const std::string& currency) {
  std::vector<model::TaxAmount> out;
  ForEach(r, line, "taxes", at, [&](const V& t, const std::string& p) {
    model::TaxAmount tax;
    tax.rate_id = r.Id(t, "id", p, true);
    tax.total = r.RoundedAmount(t, "total", p, currency);
    out.push_back(std::move(tax));
  });
  return out;
}

template <typename V>
model::LineItem DecodeLine(FieldReader& r, const V& l, const std::string& p, const std::string& currency) {
  model::LineItem line;
  line.source_id = r.Id(l, "id", p, true);
  line.product_id = NonZero(r.Id(l, "product_id", p, false));
  line.variation_id = NonZero(r.Id(l, "variation_id", p, false));
  line.name = r.Text(l, "name", p);
  line.sku = r.Text(l, "sku", p);
  if (auto q = r.OptionalNumber(l, "quantity", p)) line.quantity = *q;
  else if (r.ok()) r.Fail(FieldReader::Path(p, "quantity"), "missing (required)");
  line.subtotal = r.Amount(l, "subtotal", p, currency);
  line.subtotal_tax = r.Amount(l, "subtotal_tax", p, currency);
  line.total = r.Amount(l, "total", p, currency);
  line.total_tax = r.Amount(l, "total_tax", p, currency);
  line.tax_class = r.Text(l, "tax_class", p);
  line.taxes = DecodeTaxes(r, l, p, currency);
  // line_items[].price is a PHP float (total / quantity): never used for money.
  return line;
}

template <typename V>
std::vector<model::LineItem> DecodeLines(FieldReader& r, const V& j, const std::string& currency) {
  std::vector<model::LineItem> lines;
  ForEach(r, j, "line_items", "", [&](const V& l, const std::string& p) {
    lines.push_back(DecodeLine(r, l, p, currency));
  });
  return lines;
}

template <typename V>
std::vector<model::TaxLine> DecodeTaxLines(FieldReader& r, const V& j, const std::string& cur) {
  std::vector<model::TaxLine> out;
  ForEach(r, j, "tax_lines", "", [&](const V& t, const std::string& p) {
    model::TaxLine tl;
    tl.source_id = r.Id(t, "id", p, true);
    tl.rate_id = r.Id(t, "rate_id", p, false);
    tl.rate_code = r.Text(t, "rate_code", p);
    tl.label = r.Text(t, "label", p);
    tl.compound = r.Bool(t, "compound", p, false);
    tl.rate_percent = r.Number(t, "rate_percent", p, Decimal());
    tl.tax_total = r.Amount(t, "tax_total", p, cur);
    tl.shipping_tax_total = r.Amount(t, "shipping_tax_total", p, cur);
    out.push_back(std::move(tl));
  });
  return out;
}

template <typename V>
std::vector<model::ShippingLine> DecodeShippingLines(FieldReader& r, const V& j, const std::string& cur) {
  std::vector<model::ShippingLine> out;
  ForEach(r, j, "shipping_lines", "", [&](const V& s, const std::string& p) {
    model::ShippingLine sl;
    sl.source_id = r.Id(s, "id", p, true);
    sl.method_id = r.Text(s, "method_id", p);
    sl.method_title = r.Text(s, "method_title", p);
    sl.total = r.Amount(s, "total", p, cur);
    sl.total_tax = r.Amount(s, "total_tax", p, cur);
    sl.taxes = DecodeTaxes(r, s, p, cur);
    out.push_back(std::move(sl));
  });
  return out;
}

template <typename V>
std::vector<model::FeeLine> DecodeFeeLines(FieldReader& r, const V& j, const std::string& cur) {
  std::vector<model::FeeLine> out;
  ForEach(r, j, "fee_lines", "", [&](const V& f, const std::string& p) {
    model::FeeLine fl;
    fl.source_id = r.Id(f, "id", p, true);
    fl.name = r.Text(f, "name", p);
    fl.tax_class = r.Text(f, "tax_class", p);
    fl.tax_status = r.Text(f, "tax_status", p);
    fl.total = r.Amount(f, "total", p, cur);
    fl.total_tax = r.Amount(f, "total_tax", p, cur);
    fl.taxes = DecodeTaxes(r, f, p, cur);
    out.push_back(std::move(fl));
  });
  return out;
}

// *_gmt when present, else the site-local field (read as UTC).
template <typename V>
int64_t GmtDate(FieldReader& r, const V& j, const std::string& field) {
  int64_t ms = r.Date(j, field + "_gmt", "");
  if (ms == 0) ms = r.Date(j, field, "");
  return ms;
}

template <typename V>
std::string Currency(FieldReader& r, const V& j) {
  std::string c = r.Text(j, "currency", "");
  if (!r.ok()) return c;
  bool valid = c.size() == 3 && std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
  if (!valid) r.Fail("currency", c.empty() ? "missing (required)" : "expected a 3-letter ISO 4217 code, got '" + c.substr(0, 20) + "'");
  return c;
}

template <typename V>
Result<model::Order> DecodeOrderT(const V& j) {
  FieldReader r("order");
  if (!j.is_object()) return Status::Validation("order: expected a JSON object, got " + detail::JsonTypeName(j));
  model::Order o;
  o.source_id = r.Id(j, "id", "", true);
  if (!r.ok()) return r.error();
  r.set_id(o.source_id);
  o.currency = Currency(r, j);
  if (!r.ok()) return r.error();
  const std::string& cur = o.currency;

  o.number = r.Text(j, "number", "");
  if (o.number.empty()) o.number = o.source_id;
  o.status = model::ParseOrderStatus(r.Text(j, "status", ""));
  o.prices_include_tax = r.Bool(j, "prices_include_tax", "", false);
  o.created_at_ms = GmtDate(r, j, "date_created");
  o.modified_at_ms = GmtDate(r, j, "date_modified");
  if (o.modified_at_ms == 0) o.modified_at_ms = o.created_at_ms;
  o.customer_id = NonZero(r.Id(j, "customer_id", "", false));
  o.billing = r.Address(j, "billing", "");
  o.shipping = r.Address(j, "shipping", "");
  o.customer_note = r.Text(j, "customer_note", "");

  o.lines = DecodeLines(r, j, cur);
  o.tax_lines = DecodeTaxLines(r, j, cur);
  o.shipping_lines = DecodeShippingLines(r, j, cur);
  o.fees = DecodeFeeLines(r, j, cur);
  ForEach(r, j, "coupon_lines", "", [&](const V& c, const std::string& p) {
    model::CouponLine cl;
    cl.source_id = r.Id(c, "id", p, true);
    cl.code = r.Text(c, "code", p);
    cl.discount = r.Amount(c, "discount", p, cur);
    cl.discount_tax = r.Amount(c, "discount_tax", p, cur);
    o.coupons.push_back(std::move(cl));
  });
  ForEach(r, j, "refunds", "", [&](const V& f, const std::string& p) {
    model::RefundSummary rs;
    rs.source_id = r.Id(f, "id", p, true);
    rs.reason = r.Text(f, "reason", p);
    model::Money total = r.Amount(f, "total", p, cur);
    rs.amount = total.IsNegative() ? -total : total;  // Woo reports refunds as negative totals
    o.refunds.push_back(std::move(rs));
  });

  o.discount_total = r.Amount(j, "discount_total", "", cur);
  o.discount_tax = r.Amount(j, "discount_tax", "", cur);
  o.shipping_total = r.Amount(j, "shipping_total", "", cur);
  o.shipping_tax = r.Amount(j, "shipping_tax", "", cur);
  o.cart_tax = r.Amount(j, "cart_tax", "", cur);
  o.total_tax = r.Amount(j, "total_tax", "", cur);
  o.total = r.Amount(j, "total", "", cur);

  o.payment.method = r.Text(j, "payment_method", "");
  o.payment.method_title = r.Text(j, "payment_method_title", "");
  o.payment.transaction_id = r.Text(j, "transaction_id", "");
  o.payment.paid_at_ms = GmtDate(r, j, "date_paid");
  if (!r.ok()) return r.error();
  return o;
}

template <typename V>
Result<model::Refund> DecodeRefundT(const V& j, const std::string& order_id, const std::string& currency) {
  FieldReader r("refund");
  if (!j.is_object()) return Status::Validation("refund: expected a JSON object, got " + detail::JsonTypeName(j));
  model::Refund f;
  f.source_id = r.Id(j, "id", "", true);
  if (!r.ok()) return r.error();
  r.set_id(f.source_id);
  f.order_source_id = order_id;
  f.created_at_ms = GmtDate(r, j, "date_created");
  model::Money amount = r.Amount(j, "amount", "", currency);
  f.amount = amount.IsNegative() ? -amount : amount;
  f.reason = r.Text(j, "reason", "");
  f.lines = DecodeLines(r, j, currency);
  f.shipping_lines = DecodeShippingLines(r, j, currency);
  f.fees = DecodeFeeLines(r, j, currency);
  f.tax_lines = DecodeTaxLines(r, j, currency);
  if (!r.ok()) return r.error();
  return f;
}

}  // namespace

int64_t ParseWooDate(const std::string& text) { return ParseIso8601(text); }

Result<model::Order> DecodeOrder(const Json& j) { return DecodeOrderT(j); }
Result<model::Order> DecodeOrder(const detail::TapeNode& j) { return DecodeOrderT(j); }

Result<model::Refund> DecodeRefund(const Json& j, const std::string& order_id, const std::string& currency) {
  return DecodeRefundT(j, order_id, currency);
}
Result<model::Refund> DecodeRefund(const detail::TapeNode& j, const std::string& order_id,
                                   const std::string& currency) {
  return DecodeRefundT(j, order_id, currency);
}

model::Customer CustomerFromOrder(const model::Order& order) {
  model::Customer c;
  c.email = order.billing.email;
  while (!c.email.empty() && std::isspace(static_cast<unsigned char>(c.email.back()))) c.email.pop_back();
  while (!c.email.empty() && std::isspace(static_cast<unsigned char>(c.email.front()))) c.email.erase(0, 1);
  for (auto& ch : c.email) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (!order.customer_id.empty()) {
    c.source_id = order.customer_id;
  } else {
    c.is_guest = true;
    c.source_id = c.email.empty() ? "guest:order-" + order.source_id : "guest:" + c.email;
  }
  c.first_name = order.billing.first_name;
  c.last_name = order.billing.last_name;
  c.company = order.billing.company;
  c.billing = order.billing;
  c.shipping = order.shipping;
  c.created_at_ms = order.created_at_ms;
  c.modified_at_ms = order.modified_at_ms;
  return c;
}

}  // namespace es::woo
