#include "connectors/woo/sandbox/pricing.h"

#include <algorithm>
#include <map>

#include "model/money.h"

namespace es::woo::sandbox {
namespace {

Decimal ToDec(int64_t minor, const std::string& currency) { return model::Money(minor, currency).ToDecimal(); }
int64_t ToMinor(Decimal d, const std::string& currency) { return model::Money::FromDecimal(d, currency).minor(); }

// a / b rounded half away from zero (b > 0).
int64_t RoundDiv(int64_t a, int64_t b) {
  int64_t q = a / b, r = a % b;
  if (r < 0) r = -r;
  if (2 * r >= b) q += a < 0 ? -1 : 1;
  return q;
}

const Decimal kHundred = Decimal::FromInt(100);

// Tax of an amount that excludes tax.
ItemTax TaxOn(const TaxRate& r, int64_t subtotal, int64_t total, const std::string& currency) {
  ItemTax t;
  t.rate_id = r.id;
  t.subtotal = ToDec(subtotal, currency).Mul(r.percent).Div(kHundred);
  t.total = ToDec(total, currency).Mul(r.percent).Div(kHundred);
  t.subtotal_minor = ToMinor(t.subtotal, currency);
  t.total_minor = ToMinor(t.total, currency);
  return t;
}

// Tax contained in an amount that includes tax at the combined rate `sum`.
ItemTax TaxIn(const TaxRate& r, Decimal sum, int64_t gross_subtotal, int64_t gross_total,
              const std::string& currency) {
  ItemTax t;
  t.rate_id = r.id;
  Decimal div = kHundred + sum;
  t.subtotal = ToDec(gross_subtotal, currency).Mul(r.percent).Div(div);
  t.total = ToDec(gross_total, currency).Mul(r.percent).Div(div);
  t.subtotal_minor = ToMinor(t.subtotal, currency);
  t.total_minor = ToMinor(t.total, currency);
  return t;
}

// Discount per line base amount (minor units).
std::vector<int64_t> Discounts(const std::optional<Coupon>& coupon, const std::vector<int64_t>& bases,
                               const std::string& currency) {
  std::vector<int64_t> d(bases.size(), 0);
  if (!coupon) return d;
  if (coupon->discount_type == "percent") {
    for (size_t i = 0; i < bases.size(); ++i)
      d[i] = ToMinor(ToDec(bases[i], currency).Mul(coupon->amount).Div(kHundred), currency);
    return d;
  }
  int64_t sum = 0;
  for (int64_t b : bases) sum += b;
  if (sum <= 0) return d;
  int64_t amount = std::min(ToMinor(coupon->amount, currency), sum);
  int64_t given = 0;
  for (size_t i = 0; i < bases.size(); ++i) {
    d[i] = amount * bases[i] / sum;  // floor; leftovers below
    given += d[i];
  }
  for (size_t i = 0; given < amount && !bases.empty(); i = (i + 1) % bases.size()) {
    if (d[i] < bases[i]) {
      ++d[i];
      ++given;
    }
  }
  return d;
}

int64_t SumMinor(const std::vector<ItemTax>& taxes, bool subtotal) {
  int64_t s = 0;
  for (const auto& t : taxes) s += subtotal ? t.subtotal_minor : t.total_minor;
  return s;
}

}  // namespace

std::string TaxRate::RateCode() const {
  std::string code = country;
  if (!state.empty()) code += "-" + state;
  std::string upper = name.empty() ? "TAX" : name;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return code + "-" + upper + "-" + std::to_string(priority);
}

std::vector<const TaxRate*> MatchRates(const std::vector<TaxRate>& rates, const std::string& country,
                                       const std::string& state, const std::string& tax_class) {
  std::map<int, const TaxRate*> by_priority;
  for (const auto& r : rates) {
    if (!r.country.empty() && r.country != country) continue;
    if (!r.state.empty() && r.state != state) continue;
    if (r.tax_class != tax_class) continue;
    by_priority.emplace(r.priority, &r);  // first match per priority wins
  }
  std::vector<const TaxRate*> out;
  for (const auto& [p, r] : by_priority) out.push_back(r);
  return out;
}

void PriceOrder(const PricingInput& in, const std::vector<TaxRate>& rates, int64_t* next_item_id, Order* o) {
  const std::string& cur = in.currency;
  o->currency = cur;
  o->prices_include_tax = in.prices_include_tax;
  o->lines.clear();
  o->shipping_lines.clear();
  o->fees.clear();
  o->coupons.clear();
  o->tax_lines.clear();

  std::vector<int64_t> bases;
  for (const auto& l : in.lines) bases.push_back(l.base ? *l.base : l.quantity * l.unit_price);
  std::vector<int64_t> discounts = Discounts(in.coupon, bases, cur);

  std::map<int64_t, std::pair<int64_t, int64_t>> per_rate;  // rate id -> (items tax, shipping tax)
  int64_t lines_total = 0, lines_tax = 0, lines_subtotal = 0, lines_subtotal_tax = 0;
  for (size_t i = 0; i < in.lines.size(); ++i) {
    const LineInput& li = in.lines[i];
    OrderLine l;
    l.id = (*next_item_id)++;
    l.name = li.name;
    l.product_id = li.product_id;
    l.variation_id = li.variation_id;
    l.quantity = li.quantity;
    l.tax_class = li.tax_class;
    l.sku = li.sku;
    l.parent_name = li.parent_name;
    l.meta = li.meta;
    for (auto& m : l.meta) m.id = (*next_item_id)++;
    const int64_t gross_sub = bases[i], gross_tot = bases[i] - discounts[i];
    std::vector<const TaxRate*> matched;
    if (li.taxable) matched = MatchRates(rates, in.country, in.state, li.tax_class);
    if (in.prices_include_tax) {
      Decimal sum;
      for (const auto* r : matched) sum += r->percent;
      for (const auto* r : matched) l.taxes.push_back(TaxIn(*r, sum, gross_sub, gross_tot, cur));
      l.subtotal_tax = SumMinor(l.taxes, true);
      l.total_tax = SumMinor(l.taxes, false);
      l.subtotal = gross_sub - l.subtotal_tax;
      l.total = gross_tot - l.total_tax;
    } else {
      l.subtotal = gross_sub;
      l.total = gross_tot;
      for (const auto* r : matched) l.taxes.push_back(TaxOn(*r, gross_sub, gross_tot, cur));
      l.subtotal_tax = SumMinor(l.taxes, true);
      l.total_tax = SumMinor(l.taxes, false);
    }
    for (const auto& t : l.taxes) per_rate[t.rate_id].first += t.total_minor;
    lines_total += l.total;
    lines_tax += l.total_tax;
    lines_subtotal += l.subtotal;
    lines_subtotal_tax += l.subtotal_tax;
    o->lines.push_back(std::move(l));
  }

  int64_t shipping_total = 0, shipping_tax = 0;
  for (const auto& si : in.shipping) {
    ShippingLine s;
    s.id = (*next_item_id)++;
    s.method_id = si.method_id;
    s.method_title = si.method_title;
    s.instance_id = si.instance_id;
    s.total = si.cost;
    if (si.taxable && si.cost != 0) {
      for (const auto* r : MatchRates(rates, in.country, in.state, "")) {
        if (!r->shipping) continue;
        ItemTax t = TaxOn(*r, si.cost, si.cost, cur);
        t.subtotal = Decimal();
        t.subtotal_minor = 0;
        s.taxes.push_back(t);
      }
    }
    s.total_tax = SumMinor(s.taxes, false);
    for (const auto& t : s.taxes) per_rate[t.rate_id].second += t.total_minor;
    shipping_total += s.total;
    shipping_tax += s.total_tax;
    o->shipping_lines.push_back(std::move(s));
  }

  int64_t fees_total = 0, fees_tax = 0;
  for (const auto& fi : in.fees) {
    FeeLine f;
    f.id = (*next_item_id)++;
    f.name = fi.name;
    f.tax_class = fi.tax_class;
    f.tax_status = fi.tax_status;
    f.total = fi.amount;
    if (fi.tax_status == "taxable")
      for (const auto* r : MatchRates(rates, in.country, in.state, fi.tax_class))
        f.taxes.push_back(TaxOn(*r, fi.amount, fi.amount, cur));
    f.total_tax = SumMinor(f.taxes, false);
    for (const auto& t : f.taxes) per_rate[t.rate_id].first += t.total_minor;
    fees_total += f.total;
    fees_tax += f.total_tax;
    o->fees.push_back(std::move(f));
  }

  if (in.coupon) {
    CouponLine c;
    c.id = (*next_item_id)++;
    c.code = in.coupon->code;
    c.discount_type = in.coupon->discount_type;
    c.nominal_amount = in.coupon->amount;
    c.discount = lines_subtotal - lines_total;
    c.discount_tax = lines_subtotal_tax - lines_tax;
    o->coupons.push_back(c);
  }

  for (const auto& [rate_id, sums] : per_rate) {
    auto it = std::find_if(rates.begin(), rates.end(), [&](const TaxRate& r) { return r.id == rate_id; });
    if (it == rates.end()) continue;
    TaxLine t;
    t.id = (*next_item_id)++;
    t.rate_id = rate_id;
    t.rate_code = it->RateCode();
    t.label = it->name;
    t.rate_percent = it->percent;
    t.tax_total = sums.first;
    t.shipping_tax_total = sums.second;
    o->tax_lines.push_back(std::move(t));
  }

  o->discount_total = lines_subtotal - lines_total;
  o->discount_tax = lines_subtotal_tax - lines_tax;
  o->shipping_total = shipping_total;
  o->shipping_tax = shipping_tax;
  o->cart_tax = lines_tax + fees_tax;
  o->total_tax = o->cart_tax + shipping_tax;
  o->total = lines_total + shipping_total + fees_total + o->total_tax;
}

Refund PartialRefund(const Order& order, size_t line_index, int64_t quantity, int64_t* next_item_id) {
  Refund f;
  f.order_id = order.id;
  const OrderLine& src = order.lines.at(line_index);
  const int64_t qty = std::max<int64_t>(src.quantity, 1);
  quantity = std::clamp<int64_t>(quantity, 1, qty);
  OrderLine l;
  l.id = (*next_item_id)++;
  l.name = src.name;
  l.product_id = src.product_id;
  l.variation_id = src.variation_id;
  l.quantity = -quantity;
  l.tax_class = src.tax_class;
  l.sku = src.sku;
  l.refunded_item_id = src.id;
  l.subtotal = -RoundDiv(src.subtotal * quantity, qty);
  l.total = -RoundDiv(src.total * quantity, qty);
  for (const auto& t : src.taxes) {
    ItemTax rt;
    rt.rate_id = t.rate_id;
    rt.total_minor = -RoundDiv(t.total_minor * quantity, qty);
    rt.subtotal_minor = -RoundDiv(t.subtotal_minor * quantity, qty);
    rt.total = ToDec(rt.total_minor, order.currency);
    rt.subtotal = ToDec(rt.subtotal_minor, order.currency);
    l.taxes.push_back(rt);
  }
  l.total_tax = SumMinor(l.taxes, false);
  l.subtotal_tax = SumMinor(l.taxes, true);
  l.meta.push_back({(*next_item_id)++, "_refunded_item_id", std::to_string(src.id), "_refunded_item_id",
                    std::to_string(src.id)});
  f.amount = -(l.total + l.total_tax);
  f.lines.push_back(std::move(l));
  return f;
}

Refund FullRefund(const Order& order, int64_t* next_item_id) {
  Refund f;
  f.order_id = order.id;
  auto negate = [&](std::vector<ItemTax> taxes) {
    for (auto& t : taxes) {
      t.total_minor = -t.total_minor;
      t.subtotal_minor = -t.subtotal_minor;
      t.total = ToDec(t.total_minor, order.currency);
      t.subtotal = ToDec(t.subtotal_minor, order.currency);
    }
    return taxes;
  };
  for (const auto& src : order.lines) {
    OrderLine l = src;
    l.id = (*next_item_id)++;
    l.quantity = -src.quantity;
    l.subtotal = -src.subtotal;
    l.subtotal_tax = -src.subtotal_tax;
    l.total = -src.total;
    l.total_tax = -src.total_tax;
    l.taxes = negate(src.taxes);
    l.refunded_item_id = src.id;
    l.meta = {{(*next_item_id)++, "_refunded_item_id", std::to_string(src.id), "_refunded_item_id",
               std::to_string(src.id)}};
    f.lines.push_back(std::move(l));
  }
  for (const auto& src : order.shipping_lines) {
    ShippingLine s = src;
    s.id = (*next_item_id)++;
    s.total = -src.total;
    s.total_tax = -src.total_tax;
    s.taxes = negate(src.taxes);
    s.refunded_item_id = src.id;
    f.shipping.push_back(std::move(s));
  }
  for (const auto& src : order.fees) {
    FeeLine fl = src;
    fl.id = (*next_item_id)++;
    fl.total = -src.total;
    fl.total_tax = -src.total_tax;
    fl.taxes = negate(src.taxes);
    fl.refunded_item_id = src.id;
    f.fees.push_back(std::move(fl));
  }
  f.amount = order.total;
  return f;
}

int64_t RefundedAmount(const Order& order, const StoreData& data) {
  int64_t sum = 0;
  for (int64_t id : order.refund_ids) {
    auto it = data.refunds.find(id);
    if (it != data.refunds.end()) sum += it->second.amount;
  }
  return sum;
}

}  // namespace es::woo::sandbox
