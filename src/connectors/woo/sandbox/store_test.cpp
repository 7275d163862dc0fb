// Seeded data and order arithmetic: invariants on every order, coverage of
// the cases the sync must handle, determinism.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "connectors/woo/codec.h"
#include "connectors/woo/sandbox/pricing.h"
#include "connectors/woo/sandbox/render.h"
#include "connectors/woo/sandbox/seed.h"
#include "model/money.h"

namespace es::woo::sandbox {
namespace {

using model::Money;

// Checks the totals identities on a decoded order; returns "" when they hold.
std::string CheckTotals(const model::Order& o) {
  const std::string& c = o.currency;
  Money lines = Money::Zero(c), line_tax = Money::Zero(c), ship = Money::Zero(c), ship_tax = Money::Zero(c),
        fees = Money::Zero(c), fee_tax = Money::Zero(c), tl = Money::Zero(c), discount = Money::Zero(c);
  for (const auto& l : o.lines) {
    lines += l.total;
    line_tax += l.total_tax;
    discount += l.subtotal - l.total;
    Money taxes = Money::Zero(c);
    for (const auto& t : l.taxes) taxes += t.total;
    if (taxes != l.total_tax) return "line " + l.source_id + " taxes[] != total_tax";
  }
  for (const auto& s : o.shipping_lines) {
    ship += s.total;
    ship_tax += s.total_tax;
  }
  for (const auto& f : o.fees) {
    fees += f.total;
    fee_tax += f.total_tax;
  }
  for (const auto& t : o.tax_lines) tl += t.tax_total + t.shipping_tax_total;
  if (lines + ship + fees + o.total_tax != o.total) return "total identity";
  if (line_tax + ship_tax + fee_tax != o.total_tax) return "total_tax identity";
  if (tl != o.total_tax) return "tax_lines sum";
  if (o.cart_tax != line_tax + fee_tax) return "cart_tax";
  if (o.shipping_tax != ship_tax || o.shipping_total != ship) return "shipping totals";
  if (o.discount_total != discount) return "discount_total";
  if (o.RefundedTotal() > o.total) return "refunds exceed total";
  if (o.status == model::OrderStatus::kRefunded && o.RefundedTotal() != o.total) return "refunded but not fully";
  return "";
}

std::vector<model::Order> DecodeAll(const StoreData& d) {
  std::vector<model::Order> out;
  RenderContext ctx{"http://shop.test", model::CurrencyExponent(d.currency)};
  for (const auto& [id, o] : d.orders) {
    Json j = RenderOrder(o, d, ctx);
    auto parsed = ParseJson(DumpJson(j));  // through text, as a client sees it
    EXPECT_TRUE(parsed.ok());
    auto decoded = DecodeOrder(*parsed);
    EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
    if (decoded.ok()) out.push_back(std::move(decoded).value());
  }
  return out;
}

TEST(SandboxStore, EveryOrderSatisfiesTheTotalsInvariant) {
  for (uint64_t seed : {42ull, 7ull, 1234ull}) {
    for (const char* currency : {"USD", "JPY"}) {
      SeedOptions opts;
      opts.seed = seed;
      opts.currency = currency;
      StoreData d = GenerateStore(opts);
      ASSERT_EQ(d.orders.size(), 300u);
      auto orders = DecodeAll(d);
      ASSERT_EQ(orders.size(), 300u);
      for (const auto& o : orders) EXPECT_EQ(CheckTotals(o), "") << "seed " << seed << " " << currency << " order " << o.source_id;
      // Raw store: refund amounts match their lines.
      for (const auto& [id, f] : d.refunds) {
        if (f.lines.empty()) continue;
        int64_t sum = 0;
        for (const auto& l : f.lines) sum += l.total + l.total_tax;
        for (const auto& s : f.shipping) sum += s.total + s.total_tax;
        for (const auto& fe : f.fees) sum += fe.total + fe.total_tax;
        EXPECT_EQ(-sum, f.amount) << "refund " << id;
      }
    }
  }
}

TEST(SandboxStore, CoversTheCasesTheSyncMustHandle) {
  SeedOptions opts;
  opts.orders = 600;
  StoreData d = GenerateStore(opts);
  std::set<std::string> statuses;
  std::map<std::string, int> guest_emails;
  int guests = 0, inclusive = 0, coupons = 0, fees = 0, partial = 0, full = 0, variations = 0, two_rates = 0,
      zero_rate = 0, null_email = 0, fixed_cart = 0;
  for (const auto& [id, o] : d.orders) {
    statuses.insert(o.status);
    if (o.customer_id == 0) {
      ++guests;
      if (o.billing_email_null) ++null_email;
      else ++guest_emails[o.billing.email];
    }
    inclusive += o.prices_include_tax;
    coupons += !o.coupons.empty();
    fixed_cart += !o.coupons.empty() && o.coupons[0].discount_type == "fixed_cart";
    fees += !o.fees.empty();
    for (const auto& l : o.lines) {
      variations += l.variation_id != 0;
      two_rates += l.taxes.size() >= 2;
      for (const auto& t : l.taxes) zero_rate += t.rate_id == 8 || t.rate_id == 11;
    }
    for (int64_t rid : o.refund_ids) (d.refunds.at(rid).amount == o.total ? full : partial)++;
  }
  EXPECT_EQ(statuses.size(), 7u);
  EXPECT_GT(guests, 100);
  int repeated = 0;
  for (const auto& [email, n] : guest_emails) repeated += n > 1;
  EXPECT_GT(repeated, 5);
  EXPECT_GT(null_email, 0);
  EXPECT_GT(inclusive, 20);
  EXPECT_GT(coupons, 50);
  EXPECT_GT(fixed_cart, 10);
  EXPECT_GT(fees, 30);
  EXPECT_GT(partial, 10);
  EXPECT_GT(full, 10);
  EXPECT_GT(variations, 50);
  EXPECT_GT(two_rates, 10);
  EXPECT_GT(zero_rate, 10);

  std::set<std::string> skus;
  int without_sku = 0, variables = 0;
  for (const auto& [id, p] : d.products) {
    if (p.sku.empty()) {
      ++without_sku;
      continue;
    }
    EXPECT_TRUE(skus.insert(p.sku).second) << "duplicate SKU " << p.sku;
    variables += p.type == "variable";
  }
  EXPECT_GT(without_sku, 0);
  EXPECT_EQ(variables, 10);
  EXPECT_EQ(d.customers.size(), 80u);
  // Dates: within the 90 days before the epoch, modified ≥ created.
  for (const auto& [id, o] : d.orders) {
    EXPECT_LE(o.created, d.epoch);
    EXPECT_GE(o.created, d.epoch - 90 * 86400);
    EXPECT_GE(o.modified, o.created);
    EXPECT_LE(o.modified, d.epoch);
  }
}

TEST(SandboxStore, SameSeedSameJson) {
  auto render_all = [](const StoreData& d) {
    Json all = Json::array();
    for (const auto& [id, o] : d.orders) all.push_back(RenderOrder(o, d, {"http://x", 2}));
    for (const auto& [id, p] : d.products) all.push_back(RenderProduct(p, d, {"http://x", 2}));
    for (const auto& [id, c] : d.customers) all.push_back(RenderCustomer(c, d, {"http://x", 2}));
    return DumpJson(all);
  };
  SeedOptions a;
  a.seed = 99;
  EXPECT_EQ(render_all(GenerateStore(a)), render_all(GenerateStore(a)));
  SeedOptions b = a;
  b.seed = 100;
  EXPECT_NE(render_all(GenerateStore(a)), render_all(GenerateStore(b)));
  EXPECT_EQ(SeedEpoch(42), 1'767'225'600 - 42 * 86400);
}

TEST(SandboxPricing, RoundsPerLineHalfUp) {
  std::vector<TaxRate> rates = {{5, "US", "WA", "", "WA Tax", 1, Decimal::FromInt(7), true},
                                {9, "GB", "", "", "VAT", 1, Decimal::FromInt(20), true}};
  PricingInput in;
  in.country = "US";
  in.state = "WA";
  LineInput mug;
  mug.quantity = 3;
  mug.unit_price = 333;  // 3 × 3.33
  in.lines = {mug};
  in.shipping = {{"flat_rate", "Flat rate", "1", 500, true}};
  int64_t next = 1;
  Order o;
  PriceOrder(in, rates, &next, &o);
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(o.lines[0].subtotal, 999);
  EXPECT_EQ(o.lines[0].taxes[0].total.ToString(), "0.6993");
  EXPECT_EQ(o.lines[0].total_tax, 70);
  EXPECT_EQ(o.shipping_lines[0].total_tax, 35);  // 0.35
  EXPECT_EQ(o.total_tax, 105);
  EXPECT_EQ(o.total, 999 + 500 + 105);
  ASSERT_EQ(o.tax_lines.size(), 1u);
  EXPECT_EQ(o.tax_lines[0].tax_total, 70);
  EXPECT_EQ(o.tax_lines[0].shipping_tax_total, 35);
  EXPECT_EQ(o.tax_lines[0].rate_code, "US-WA-WA TAX-1");

  // Prices including 20 % VAT: 19.99 gross holds 3.331666… → 3.33 tax.
  PricingInput gb;
  gb.country = "GB";
  gb.prices_include_tax = true;
  LineInput tee;
  tee.quantity = 1;
  tee.unit_price = 1999;
  gb.lines = {tee};
  gb.coupon = Coupon{"save10", "percent", Decimal::FromInt(10)};
  Order g;
  PriceOrder(gb, rates, &next, &g);
  // 10 % off the gross: 17.99 (1.999 → 2.00 discount); tax 17.99/6 = 2.998333 → 3.00.
  EXPECT_EQ(g.lines[0].subtotal_tax, 333);
  EXPECT_EQ(g.lines[0].subtotal, 1666);
  EXPECT_EQ(g.lines[0].total_tax, 300);
  EXPECT_EQ(g.lines[0].total, 1499);
  EXPECT_EQ(g.total, 1799);
  EXPECT_EQ(g.coupons[0].discount, 167);
  EXPECT_EQ(g.coupons[0].discount_tax, 33);

  // Fixed-cart coupon spread over lines, remainder cents distributed.
  PricingInput f;
  f.country = "US";
  f.state = "OR";
  LineInput a, b, c;
  a.unit_price = b.unit_price = c.unit_price = 100;
  f.lines = {a, b, c};
  f.coupon = Coupon{"fiver", "fixed_cart", Decimal::FromInt(1)};
  Order fo;
  PriceOrder(f, rates, &next, &fo);
  EXPECT_EQ(fo.lines[0].total + fo.lines[1].total + fo.lines[2].total, 200);
  EXPECT_EQ(fo.discount_total, 100);
  EXPECT_TRUE(fo.tax_lines.empty());
}

TEST(SandboxPricing, Refunds) {
  std::vector<TaxRate> rates = {{2, "US", "TX", "", "State Tax", 1, *Decimal::Parse("6.25"), true}};
  PricingInput in;
  in.country = "US";
  in.state = "TX";
  LineInput w;
  w.quantity = 3;
  w.unit_price = 1000;
  in.lines = {w};
  int64_t next = 1;
  Order o;
  o.id = 500;
  PriceOrder(in, rates, &next, &o);
  EXPECT_EQ(o.lines[0].total_tax, 188);  // 1.875 → 1.88
  Refund p = PartialRefund(o, 0, 1, &next);
  EXPECT_EQ(p.lines[0].quantity, -1);
  EXPECT_EQ(p.lines[0].total, -1000);
  EXPECT_EQ(p.lines[0].total_tax, -63);  // 1.88 / 3 = 0.6266 → 0.63
  EXPECT_EQ(p.amount, 1063);
  Refund full = FullRefund(o, &next);
  EXPECT_EQ(full.amount, o.total);
  EXPECT_EQ(full.lines[0].refunded_item_id, o.lines[0].id);
}

TEST(SandboxStore, AddRandomOrderIsDatedNowAndConsistent) {
  StoreData d = GenerateStore({});
  const size_t before = d.orders.size();
  int64_t id = AddRandomOrder(d, 42, d.epoch + 5000);
  EXPECT_EQ(d.orders.size(), before + 1);
  EXPECT_EQ(d.orders.at(id).created, d.epoch + 5000);
  EXPECT_EQ(d.orders.at(id).modified, d.epoch + 5000);
  auto decoded = DecodeOrder(RenderOrder(d.orders.at(id), d, {"http://x", 2}));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(CheckTotals(*decoded), "");
}

}  // namespace
}  // namespace es::woo::sandbox
