#include "connectors/woo/codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>

namespace es::woo {
namespace {

using ::testing::HasSubstr;
using model::Money;

std::string ReadFile(const std::string& name) {
  std::ifstream in(std::string(ES_TESTDATA_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Json Load(const std::string& name) {
  auto j = ParseJson(ReadFile(name));
  EXPECT_TRUE(j.ok()) << name << ": " << j.status().ToString();
  return j.ok() ? *j : Json();
}

Money Usd(int64_t cents) { return Money(cents, "USD"); }

TEST(WooCodec, DecodesFullOrder) {
  auto r = DecodeOrder(Load("order_full.json"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const model::Order& o = *r;
  EXPECT_EQ(o.source_id, "727");
  EXPECT_EQ(o.number, "727");
  EXPECT_EQ(o.status, model::OrderStatus::kCompleted);
  EXPECT_EQ(o.currency, "USD");
  EXPECT_FALSE(o.prices_include_tax);
  EXPECT_EQ(o.created_at_ms, ParseWooDate("2024-03-22T19:28:02"));
  EXPECT_EQ(o.created_at_ms, 1711135682000);
  EXPECT_EQ(o.modified_at_ms, ParseWooDate("2024-03-25T12:00:41"));
  EXPECT_EQ(o.customer_id, "25");
  EXPECT_EQ(o.billing.email, "Ann.Lee@Example.com");
  EXPECT_EQ(o.billing.company, "Lee & Sons");
  EXPECT_EQ(o.billing.line2, "Apt 4");
  EXPECT_EQ(o.shipping.city, "Austin");
  EXPECT_EQ(o.customer_note, "Leave at the \"back\" door");

  ASSERT_EQ(o.lines.size(), 2u);
  const auto& a = o.lines[0];
  EXPECT_EQ(a.source_id, "315");
  EXPECT_EQ(a.product_id, "93");
  EXPECT_EQ(a.variation_id, "");
  EXPECT_EQ(a.sku, "W-1");
  EXPECT_EQ(a.quantity, Decimal::FromInt(2));
  EXPECT_EQ(a.subtotal, Usd(2000));
  EXPECT_EQ(a.subtotal_tax, Usd(125));
  EXPECT_EQ(a.total, Usd(1800));
  EXPECT_EQ(a.total_tax, Usd(113));
  ASSERT_EQ(a.taxes.size(), 1u);
  EXPECT_EQ(a.taxes[0].rate_id, "75");
  EXPECT_EQ(a.taxes[0].total, Usd(113));  // "1.125" rounded half away from zero
  const auto& b = o.lines[1];
  EXPECT_EQ(b.variation_id, "732");
  EXPECT_EQ(b.tax_class, "reduced-rate");
  EXPECT_EQ(b.taxes[0].total, Usd(56));  // "0.561875"
  // Unit price comes from subtotal / quantity, never from the float `price`.
  EXPECT_EQ(b.UnitPrice().ToString(), "3.33");

  ASSERT_EQ(o.tax_lines.size(), 1u);
  EXPECT_EQ(o.tax_lines[0].rate_id, "75");
  EXPECT_EQ(o.tax_lines[0].rate_code, "US-TX-STATE TAX-1");
  EXPECT_EQ(o.tax_lines[0].rate_percent.ToString(), "6.25");
  EXPECT_EQ(o.tax_lines[0].tax_total, Usd(169));
  EXPECT_EQ(o.tax_lines[0].shipping_tax_total, Usd(63));
  ASSERT_EQ(o.shipping_lines.size(), 1u);
  EXPECT_EQ(o.shipping_lines[0].method_id, "flat_rate");
  EXPECT_EQ(o.shipping_lines[0].total, Usd(1000));
  EXPECT_EQ(o.shipping_lines[0].total_tax, Usd(63));
  ASSERT_EQ(o.fees.size(), 1u);
  EXPECT_EQ(o.fees[0].name, "Handling");
  EXPECT_EQ(o.fees[0].tax_status, "none");
  EXPECT_EQ(o.fees[0].total, Usd(200));
  ASSERT_EQ(o.coupons.size(), 1u);
  EXPECT_EQ(o.coupons[0].code, "save10");
  EXPECT_EQ(o.coupons[0].discount, Usd(300));
  EXPECT_EQ(o.coupons[0].discount_tax, Usd(18));
  ASSERT_EQ(o.refunds.size(), 1u);
  EXPECT_EQ(o.refunds[0].source_id, "801");
  EXPECT_EQ(o.refunds[0].amount, Usd(956));  // "-9.56" in Woo
  EXPECT_EQ(o.RefundedTotal(), Usd(956));

  EXPECT_EQ(o.discount_total, Usd(300));
  EXPECT_EQ(o.discount_tax, Usd(18));
  EXPECT_EQ(o.shipping_total, Usd(1000));
  EXPECT_EQ(o.shipping_tax, Usd(63));
  EXPECT_EQ(o.cart_tax, Usd(169));
  EXPECT_EQ(o.total_tax, Usd(232));
  EXPECT_EQ(o.total, Usd(4131));
  EXPECT_EQ(o.payment.method, "stripe");
  EXPECT_EQ(o.payment.transaction_id, "pi_3Nx4Yz2eZvKYlo2C0kQ");
  EXPECT_EQ(o.payment.paid_at_ms, ParseWooDate("2024-03-22T19:28:08"));
  EXPECT_TRUE(o.payment.IsPaid());

  // The totals identity holds for this fixture.
  Money sum = Money::Zero("USD");
  for (const auto& l : o.lines) sum += l.total;
  for (const auto& s : o.shipping_lines) sum += s.total;
  for (const auto& f : o.fees) sum += f.total;
  EXPECT_EQ(sum + o.total_tax, o.total);

  model::Customer c = CustomerFromOrder(o);
  EXPECT_EQ(c.source_id, "25");
  EXPECT_FALSE(c.is_guest);
  EXPECT_EQ(c.email, "ann.lee@example.com");
}

TEST(WooCodec, DecodesGuestOrder) {
  Json j = Load("order_guest.json");
  auto r = DecodeOrder(j);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->customer_id, "");
  EXPECT_TRUE(r->prices_include_tax);
  EXPECT_FALSE(r->payment.IsPaid());
  EXPECT_EQ(r->lines[0].sku, "");
  EXPECT_EQ(r->lines[0].UnitPrice().ToString(), "3.33");
  EXPECT_TRUE(r->tax_lines.empty());
  EXPECT_EQ(r->total, Usd(999));
  model::Customer c = CustomerFromOrder(*r);
  EXPECT_TRUE(c.is_guest);
  EXPECT_EQ(c.source_id, "guest:guest.buyer@example.org");
  EXPECT_EQ(c.last_name, "O'Neil");

  j["billing"]["email"] = nullptr;  // Woo may send null
  auto n = DecodeOrder(j);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->billing.email, "");
  EXPECT_EQ(CustomerFromOrder(*n).source_id, "guest:order-1042");
}

TEST(WooCodec, OrderInJpyUsesZeroDecimals) {
  Json j = Load("order_guest.json");
  j["currency"] = "JPY";
  j["total"] = "1200";
  j["line_items"][0]["subtotal"] = "1200";
  j["line_items"][0]["total"] = "1200";
  auto r = DecodeOrder(j);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->total, Money(1200, "JPY"));
  j["total"] = "1200.50";
  EXPECT_THAT(DecodeOrder(j).status().message(), HasSubstr("total: amount '1200.50' has more than 0 decimals for JPY"));
}

TEST(WooCodec, DecodesCustomer) {
  auto r = DecodeCustomer(Load("customer.json"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->source_id, "25");
  EXPECT_FALSE(r->is_guest);
  EXPECT_EQ(r->email, "ann.lee@example.com");
  EXPECT_EQ(r->username, "ann");
  EXPECT_EQ(r->company, "Lee & Sons");
  EXPECT_EQ(r->billing.phone, "555-0100");
  EXPECT_EQ(r->created_at_ms, ParseWooDate("2024-03-21T19:09:28"));
  EXPECT_EQ(r->modified_at_ms, ParseWooDate("2024-03-21T19:09:30"));
}

TEST(WooCodec, DecodesProducts) {
  auto v = DecodeProduct(Load("product_variable.json"));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->kind, model::ProductKind::kVariable);
  EXPECT_EQ(v->name, "Premium Tee");
  EXPECT_EQ(v->sku, "TEE");
  EXPECT_EQ(v->price, Usd(333));
  EXPECT_FALSE(v->regular_price.has_value());  // "" in Woo
  EXPECT_FALSE(v->stock_quantity.has_value());
  EXPECT_EQ(v->variation_ids, (std::vector<std::string>{"732", "733"}));
  ASSERT_EQ(v->attributes.size(), 2u);
  EXPECT_EQ(v->attributes[0].name, "Color");
  EXPECT_EQ(v->attributes[0].option, "Black, Green");

  auto s = DecodeProduct(Load("product_simple.json"), "USD");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->kind, model::ProductKind::kSimple);
  EXPECT_EQ(s->name, "Widget \"Pro\"");
  EXPECT_EQ(s->price, Usd(1000));  // "9.995" rounds half away from zero
  EXPECT_EQ(s->regular_price, Usd(1000));
  EXPECT_TRUE(s->manage_stock);
  EXPECT_EQ(s->stock_quantity, Decimal::FromInt(12));
  EXPECT_TRUE(s->is_virtual);
  EXPECT_EQ(s->modified_at_ms, s->created_at_ms);  // date_modified null
}

TEST(WooCodec, DecodesVariation) {
  Json j = Load("variation.json");
  auto r = DecodeVariation(j, "794");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->kind, model::ProductKind::kVariation);
  EXPECT_EQ(r->source_id, "732");
  EXPECT_EQ(r->parent_source_id, "794");
  EXPECT_EQ(r->sku, "TEE-BLK");
  EXPECT_EQ(r->name, "Black, M");  // no `name` in older versions
  EXPECT_EQ(r->price, Usd(333));
  EXPECT_EQ(r->stock_quantity, Decimal::FromInt(12));
  ASSERT_EQ(r->attributes.size(), 2u);
  EXPECT_EQ(r->attributes[1].option, "M");

  // /products?sku= returns variations in product shape.
  j["type"] = "variation";
  j["parent_id"] = 794;
  j["name"] = "Premium Tee - Black, M";
  auto p = DecodeProduct(j);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->kind, model::ProductKind::kVariation);
  EXPECT_EQ(p->parent_source_id, "794");
  EXPECT_EQ(p->name, "Premium Tee - Black, M");
}

TEST(WooCodec, DecodesRefund) {
  auto r = DecodeRefund(Load("refund.json"), "727", "USD");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->source_id, "801");
  EXPECT_EQ(r->order_source_id, "727");
  EXPECT_EQ(r->amount, Usd(956));
  EXPECT_EQ(r->reason, "Damaged");
  EXPECT_EQ(r->created_at_ms, ParseWooDate("2024-03-23T13:07:11"));
  ASSERT_EQ(r->lines.size(), 1u);
  EXPECT_EQ(r->lines[0].quantity, Decimal::FromInt(-1));
  EXPECT_EQ(r->lines[0].total, Usd(-900));
  EXPECT_EQ(r->lines[0].taxes[0].total, Usd(-56));
}

TEST(WooCodec, DecodesRefundOfShippingAndFees) {
  auto r = DecodeRefund(Load("refund_shipping.json"), "727", "USD");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->amount, Usd(1263));
  EXPECT_TRUE(r->lines.empty());
  ASSERT_EQ(r->shipping_lines.size(), 1u);
  EXPECT_EQ(r->shipping_lines[0].source_id, "340");
  EXPECT_EQ(r->shipping_lines[0].total, Usd(-1000));
  EXPECT_EQ(r->shipping_lines[0].total_tax, Usd(-63));
  ASSERT_EQ(r->shipping_lines[0].taxes.size(), 1u);
  EXPECT_EQ(r->shipping_lines[0].taxes[0].rate_id, "75");
  EXPECT_EQ(r->shipping_lines[0].taxes[0].total, Usd(-63));
  ASSERT_EQ(r->fees.size(), 1u);
  EXPECT_EQ(r->fees[0].name, "Handling");
  EXPECT_EQ(r->fees[0].total, Usd(-200));
  ASSERT_EQ(r->tax_lines.size(), 1u);
  EXPECT_EQ(r->tax_lines[0].rate_id, "75");
  EXPECT_EQ(r->tax_lines[0].shipping_tax_total, Usd(-63));
  EXPECT_EQ(r->RefundedTax(), Usd(63));

  // An amount-only refund (no parts) decodes with empty lists.
  Json goodwill = Json::object({{"id", 805}, {"amount", "5.00"}, {"reason", "Goodwill"}, {"line_items", Json::array()}});
  auto g = DecodeRefund(goodwill, "727", "USD");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->amount, Usd(500));
  EXPECT_TRUE(g->lines.empty() && g->shipping_lines.empty() && g->fees.empty());
  EXPECT_TRUE(g->RefundedTax().IsZero());

  Json bad = Load("refund_shipping.json");
  bad["fee_lines"][0]["total"] = "two";
  EXPECT_THAT(DecodeRefund(bad, "727", "USD").status().message(), HasSubstr("refund 803: fee_lines[0].total"));
}

TEST(WooCodec, DecodesOrderStatusesIncludingTrash) {
  Json j = Load("order_full.json");
  for (const auto& [text, status] : std::vector<std::pair<std::string, model::OrderStatus>>{
           {"trash", model::OrderStatus::kTrash},
           {"cancelled", model::OrderStatus::kCancelled},
           {"failed", model::OrderStatus::kFailed},
           {"refunded", model::OrderStatus::kRefunded},
           {"pending", model::OrderStatus::kPending},
           {"checkout-draft", model::OrderStatus::kDraft},
           {"wc-custom", model::OrderStatus::kOther}}) {
    j["status"] = text;
    auto o = DecodeOrder(j);
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    EXPECT_EQ(o->status, status) << text;
    if (status != model::OrderStatus::kOther) {
      EXPECT_EQ(model::OrderStatusName(o->status), text);
    }
  }
}

TEST(WooCodec, OrderShippingAndFeeTaxesKeepTheirRates) {
  auto o = DecodeOrder(Load("order_full.json"));
  ASSERT_TRUE(o.ok());
  ASSERT_EQ(o->shipping_lines[0].taxes.size(), 1u);
  EXPECT_EQ(o->shipping_lines[0].taxes[0].rate_id, "75");
  EXPECT_EQ(o->shipping_lines[0].taxes[0].total, Usd(63));  // "0.625" rounded half away from zero
  EXPECT_TRUE(o->fees[0].taxes.empty());
}

TEST(WooCodec, RejectsMalformedOrders) {
  auto bad_money = DecodeOrder(Load("order_bad_money.json"));
  ASSERT_FALSE(bad_money.ok());
  EXPECT_TRUE(bad_money.status().IsValidation());
  EXPECT_THAT(bad_money.status().message(), HasSubstr("order 900: total: invalid number '12.3.4'"));

  auto wrong = DecodeOrder(Load("order_wrong_types.json"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message(), "order 901: line_items[1].quantity: invalid number 'two': no digits");

  auto missing = DecodeOrder(Load("order_missing_id.json"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "order: id: missing (required)");

  EXPECT_FALSE(ParseJson(ReadFile("order_truncated.json")).ok());

  Json j = Load("order_full.json");
  j["total"] = "41.315";
  EXPECT_THAT(DecodeOrder(j).status().message(), HasSubstr("total: amount '41.315' has more than 2 decimals for USD"));
  j = Load("order_full.json");
  j["line_items"] = Json::object();
  EXPECT_EQ(DecodeOrder(j).status().message(), "order 727: line_items: expected an array, got object");
  j = Load("order_full.json");
  j["line_items"][0]["taxes"][0]["total"] = true;
  EXPECT_EQ(DecodeOrder(j).status().message(),
            "order 727: line_items[0].taxes[0].total: expected a money amount, got boolean");
  j = Load("order_full.json");
  j["date_created_gmt"] = "yesterday";
  EXPECT_EQ(DecodeOrder(j).status().message(), "order 727: date_created_gmt: invalid date 'yesterday'");
  j = Load("order_full.json");
  j["currency"] = "dollars";
  EXPECT_THAT(DecodeOrder(j).status().message(), HasSubstr("currency: expected a 3-letter ISO 4217 code"));
  j = Load("order_full.json");
  j["id"] = "abc";
  EXPECT_EQ(DecodeOrder(j).status().message(), "order: id: expected an integer id, got 'abc'");
  j = Load("order_full.json");
  j["billing"] = "nope";
  EXPECT_EQ(DecodeOrder(j).status().message(), "order 727: billing: expected an object, got string");
  j = Load("order_full.json");
  j["refunds"][0].erase("total");
  EXPECT_EQ(DecodeOrder(j).status().message(), "order 727: refunds[0].total: missing (required)");

  EXPECT_EQ(DecodeOrder(Json::array()).status().message(), "order: expected a JSON object, got array");
  EXPECT_EQ(DecodeCustomer(Json("x")).status().message(), "customer: expected a JSON object, got string");
  EXPECT_EQ(DecodeProduct(Json::object({{"id", 5}, {"price", "1,99"}})).status().message(),
            "product 5: price: invalid number '1,99': unexpected character");
  EXPECT_FALSE(DecodeRefund(Json::object({{"id", 1}}), "2", "USD").ok());
}

TEST(WooCodec, ParseWooDate) {
  EXPECT_EQ(ParseWooDate("2024-03-22T19:28:02"), 1711135682000);
  EXPECT_EQ(ParseWooDate("not a date"), -1);
}

}  // namespace
}  // namespace es::woo

namespace es::woo {
namespace {

// Every field of a real order replaced by every JSON type: the decoder
// returns a value or a clear error, never crashes.
TEST(WooCodec, SurvivesEveryTypeInEveryField) {
  Json base = Load("order_full.json");
  const std::vector<Json> replacements = {nullptr, true, 0, -1, 1.5, "", "abc", "1e400",
                                          Json::array(), Json::object(), Json::array({1, "x"})};
  std::vector<std::vector<std::string>> paths;
  std::function<void(const Json&, std::vector<std::string>)> walk = [&](const Json& j, std::vector<std::string> at) {
    if (!at.empty()) paths.push_back(at);
    if (j.is_object())
      for (const auto& [k, v] : j.items()) {
        auto next = at;
        next.push_back(k);
        walk(v, next);
      }
    if (j.is_array())
      for (size_t i = 0; i < j.size(); ++i) {
        auto next = at;
        next.push_back("#" + std::to_string(i));
        walk(j[i], next);
      }
  };
  walk(base, {});
  ASSERT_GT(paths.size(), 100u);
  size_t errors = 0;
  for (const auto& path : paths) {
    for (const Json& r : replacements) {
      Json j = base;
      Json* cur = &j;
      for (const auto& part : path) cur = part[0] == '#' ? &(*cur)[std::stoul(part.substr(1))] : &(*cur)[part];
      *cur = r;
      auto decoded = DecodeOrder(j);
      if (!decoded.ok()) {
        ++errors;
        EXPECT_TRUE(decoded.status().IsValidation());
        EXPECT_FALSE(decoded.status().message().empty());
      }
    }
  }
  EXPECT_GT(errors, 100u);
}

}  // namespace
}  // namespace es::woo
