#include "connectors/woo/sandbox/render.h"

#include <charconv>
#include <cmath>

#include "common/clock.h"
#include "model/money.h"

namespace es::woo::sandbox {
namespace {

const char* kApi = "/wp-json/wc/v3/";

Json Link(const std::string& href) { return Json::array({Json::object({{"href", href}})}); }

// PHP's json_encode of a float: shortest round-trip text, "9.0" for integers.
Json PhpFloat(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  std::string text(buf, res.ptr);
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  auto j = ParseJson(text);
  return j.ok() ? *j : Json(0);
}

Json Money(int64_t minor, const std::string& currency, int dp) { return FormatMoney(minor, currency, dp); }

Json Taxes(const std::vector<ItemTax>& taxes, bool shipping) {
  Json arr = Json::array();
  for (const auto& t : taxes) {
    arr.push_back({{"id", t.rate_id},
                   {"total", t.total.ToString()},
                   {"subtotal", shipping ? std::string() : t.subtotal.ToString()}});
  }
  return arr;
}

Json MetaArray(const std::vector<Meta>& meta) {
  Json arr = Json::array();
  for (const auto& m : meta)
    arr.push_back({{"id", m.id}, {"key", m.key}, {"value", m.value}, {"display_key", m.display_key},
                   {"display_value", m.display_value}});
  return arr;
}

Json Billing(const model::Address& a, bool email_null) {
  return {{"first_name", a.first_name}, {"last_name", a.last_name}, {"company", a.company},
          {"address_1", a.line1},       {"address_2", a.line2},     {"city", a.city},
          {"state", a.state},           {"postcode", a.postcode},   {"country", a.country},
          {"email", email_null ? Json(nullptr) : Json(a.email)},    {"phone", a.phone}};
}

Json Shipping(const model::Address& a) {
  return {{"first_name", a.first_name}, {"last_name", a.last_name}, {"company", a.company},
          {"address_1", a.line1},       {"address_2", a.line2},     {"city", a.city},
          {"state", a.state},           {"postcode", a.postcode},   {"country", a.country},
          {"phone", a.phone}};
}

Json Line(const OrderLine& l, const std::string& cur, int dp) {
  double price = 0;
  if (l.quantity != 0)
    price = static_cast<double>(l.total) / std::pow(10.0, model::CurrencyExponent(cur)) /
            static_cast<double>(l.quantity);
  return {{"id", l.id},
          {"name", l.name},
          {"product_id", l.product_id},
          {"variation_id", l.variation_id},
          {"quantity", l.quantity},
          {"tax_class", l.tax_class},
          {"subtotal", Money(l.subtotal, cur, dp)},
          {"subtotal_tax", Money(l.subtotal_tax, cur, dp)},
          {"total", Money(l.total, cur, dp)},
          {"total_tax", Money(l.total_tax, cur, dp)},
          {"taxes", Taxes(l.taxes, false)},
          {"meta_data", MetaArray(l.meta)},
          {"sku", l.sku},
          {"price", PhpFloat(price)},
          {"image", {{"id", ""}, {"src", ""}}},
          {"parent_name", l.parent_name.empty() ? Json(nullptr) : Json(l.parent_name)}};
}

Json ShippingLines(const std::vector<ShippingLine>& lines, const std::string& cur, int dp) {
  Json arr = Json::array();
  for (const auto& s : lines)
    arr.push_back({{"id", s.id},
                   {"method_title", s.method_title},
                   {"method_id", s.method_id},
                   {"instance_id", s.instance_id},
                   {"total", Money(s.total, cur, dp)},
                   {"total_tax", Money(s.total_tax, cur, dp)},
                   {"taxes", Taxes(s.taxes, true)},
                   {"meta_data", MetaArray(s.meta)}});
  return arr;
}

Json FeeLines(const std::vector<FeeLine>& fees, const std::string& cur, int dp) {
  Json arr = Json::array();
  for (const auto& f : fees)
    arr.push_back({{"id", f.id},
                   {"name", f.name},
                   {"tax_class", f.tax_class},
                   {"tax_status", f.tax_status},
                   {"amount", Money(f.total, cur, dp)},
                   {"total", Money(f.total, cur, dp)},
                   {"total_tax", Money(f.total_tax, cur, dp)},
                   {"taxes", Taxes(f.taxes, false)},
                   {"meta_data", MetaArray(f.meta)}});
  return arr;
}

Json LineItems(const std::vector<OrderLine>& lines, const std::string& cur, int dp) {
  Json arr = Json::array();
  for (const auto& l : lines) arr.push_back(Line(l, cur, dp));
  return arr;
}

Json PriceText(const std::optional<int64_t>& minor, const std::string& cur) {
  if (!minor) return "";
  // Product prices are stored as entered: "19.99", "3", not padded.
  return model::Money(*minor, cur).ToDecimal().ToString();
}

Json Dimensions() { return {{"length", ""}, {"width", ""}, {"height", ""}}; }

}  // namespace

std::string FormatWooDate(int64_t unix_s) {
  std::string s = FormatIso8601Utc(unix_s * 1000);
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  return s;
}

Json WooDate(int64_t unix_s) { return unix_s == 0 ? Json(nullptr) : Json(FormatWooDate(unix_s)); }

std::string FormatMoney(int64_t minor, const std::string& currency, int dp) {
  return model::Money(minor, currency).ToDecimal().ToFixed(dp);
}

Json RenderOrder(const Order& o, const StoreData& d, const RenderContext& ctx) {
  const std::string& cur = o.currency;
  const int dp = ctx.dp;
  const int64_t off = d.utc_offset_s;
  auto local = [&](int64_t t) { return t == 0 ? Json(nullptr) : WooDate(t + off); };
  Json tax_lines = Json::array();
  for (const auto& t : o.tax_lines)
    tax_lines.push_back({{"id", t.id},
                         {"rate_code", t.rate_code},
                         {"rate_id", t.rate_id},
                         {"label", t.label},
                         {"compound", t.compound},
                         {"tax_total", Money(t.tax_total, cur, dp)},
                         {"shipping_tax_total", Money(t.shipping_tax_total, cur, dp)},
                         {"rate_percent", JsonNumber(t.rate_percent)},
                         {"meta_data", Json::array()}});
  Json coupons = Json::array();
  for (const auto& c : o.coupons)
    coupons.push_back({{"id", c.id},
                       {"code", c.code},
                       {"discount", Money(c.discount, cur, dp)},
                       {"discount_tax", Money(c.discount_tax, cur, dp)},
                       {"meta_data", Json::array()},
                       {"discount_type", c.discount_type},
                       {"nominal_amount", JsonNumber(c.nominal_amount)},
                       {"free_shipping", false}});
  Json refunds = Json::array();
  for (auto it = o.refund_ids.rbegin(); it != o.refund_ids.rend(); ++it) {  // newest first
    auto r = d.refunds.find(*it);
    if (r == d.refunds.end()) continue;
    refunds.push_back({{"id", r->second.id},
                       {"reason", r->second.reason},
                       {"total", Money(-r->second.amount, cur, dp)}});
  }
  const std::string self = ctx.home_url + kApi + "orders/" + std::to_string(o.id);
  Json links = {{"self", Link(self)}, {"collection", Link(ctx.home_url + kApi + "orders")}};
  if (o.customer_id) links["customer"] = Link(ctx.home_url + kApi + "customers/" + std::to_string(o.customer_id));
  const bool needs_payment = o.status == "pending" || o.status == "failed";
  return {{"id", o.id},
          {"parent_id", 0},
          {"number", std::to_string(o.id)},
          {"order_key", o.order_key},
          {"created_via", o.created_via},
          {"version", "9.8.0"},
          {"status", o.status},
          {"currency", cur},
          {"date_created", local(o.created)},
          {"date_created_gmt", WooDate(o.created)},
          {"date_modified", local(o.modified)},
          {"date_modified_gmt", WooDate(o.modified)},
          {"discount_total", Money(o.discount_total, cur, dp)},
          {"discount_tax", Money(o.discount_tax, cur, dp)},
          {"shipping_total", Money(o.shipping_total, cur, dp)},
          {"shipping_tax", Money(o.shipping_tax, cur, dp)},
          {"cart_tax", Money(o.cart_tax, cur, dp)},
          {"total", Money(o.total, cur, dp)},
          {"total_tax", Money(o.total_tax, cur, dp)},
          {"prices_include_tax", o.prices_include_tax},
          {"customer_id", o.customer_id},
          {"customer_ip_address", o.customer_ip},
          {"customer_user_agent", o.customer_user_agent},
          {"customer_note", o.customer_note},
          {"billing", Billing(o.billing, o.billing_email_null)},
          {"shipping", Shipping(o.shipping)},
          {"payment_method", o.payment_method},
          {"payment_method_title", o.payment_method_title},
          {"transaction_id", o.transaction_id},
          {"date_paid", local(o.paid)},
          {"date_paid_gmt", WooDate(o.paid)},
          {"date_completed", local(o.completed)},
          {"date_completed_gmt", WooDate(o.completed)},
          {"cart_hash", o.cart_hash},
          {"meta_data", Json::array()},
          {"line_items", LineItems(o.lines, cur, dp)},
          {"tax_lines", tax_lines},
          {"shipping_lines", ShippingLines(o.shipping_lines, cur, dp)},
          {"fee_lines", FeeLines(o.fees, cur, dp)},
          {"coupon_lines", coupons},
          {"refunds", refunds},
          {"payment_url", ctx.home_url + "/checkout/order-pay/" + std::to_string(o.id) +
                              "/?pay_for_order=true&key=" + o.order_key},
          {"is_editable", o.status == "pending" || o.status == "on-hold" || o.status == "failed"},
          {"needs_payment", needs_payment},
          {"needs_processing", !o.lines.empty()},
          {"currency_symbol", cur == "USD" ? "$" : cur == "GBP" ? "£" : cur == "EUR" ? "€" : cur},
          {"_links", links}};
}

Json RenderRefund(const Refund& f, const StoreData& d, const RenderContext& ctx) {
  const auto order = d.orders.find(f.order_id);
  const std::string cur = order != d.orders.end() ? order->second.currency : d.currency;
  const std::string base = ctx.home_url + kApi + "orders/" + std::to_string(f.order_id);
  Json refund_meta = Json::array();
  for (const auto& m : f.meta) refund_meta.push_back({{"id", m.id}, {"key", m.key}, {"value", m.value}});
  return {{"id", f.id},
          {"date_created", WooDate(f.created + d.utc_offset_s)},
          {"date_created_gmt", WooDate(f.created)},
          {"amount", Money(f.amount, cur, ctx.dp)},
          {"reason", f.reason},
          {"refunded_by", f.refunded_by},
          {"refunded_payment", f.refunded_payment},
          {"meta_data", refund_meta},
          {"line_items", LineItems(f.lines, cur, ctx.dp)},
          {"shipping_lines", ShippingLines(f.shipping, cur, ctx.dp)},
          {"tax_lines", Json::array()},
          {"fee_lines", FeeLines(f.fees, cur, ctx.dp)},
          {"_links",
           {{"self", Link(base + "/refunds/" + std::to_string(f.id))},
            {"collection", Link(base + "/refunds")},
            {"up", Link(base)}}}};
}

Json RenderCustomer(const Customer& c, const StoreData& d, const RenderContext& ctx) {
  return {{"id", c.id},
          {"date_created", WooDate(c.created + d.utc_offset_s)},
          {"date_created_gmt", WooDate(c.created)},
          {"date_modified", WooDate(c.modified + d.utc_offset_s)},
          {"date_modified_gmt", WooDate(c.modified)},
          {"email", c.email},
          {"first_name", c.first_name},
          {"last_name", c.last_name},
          {"role", c.role},
          {"username", c.username},
          {"billing", Billing(c.billing, false)},
          {"shipping", Shipping(c.shipping)},
          {"is_paying_customer", c.is_paying},
          {"avatar_url", "https://secure.gravatar.com/avatar/?s=96&d=mm&r=g"},
          {"meta_data", Json::array()},
          {"_links",
           {{"self", Link(ctx.home_url + kApi + "customers/" + std::to_string(c.id))},
            {"collection", Link(ctx.home_url + kApi + "customers")}}}};
}

Json RenderVariation(const Product& v, const StoreData& d, const RenderContext& ctx) {
  const std::string parent = ctx.home_url + kApi + "products/" + std::to_string(v.parent_id);
  Json attrs = Json::array();
  for (const auto& a : v.attributes)
    attrs.push_back({{"id", a.id}, {"name", a.name}, {"option", a.options.empty() ? "" : a.options[0]}});
  std::string slug;
  auto p = d.products.find(v.parent_id);
  if (p != d.products.end()) slug = p->second.slug;
  const bool on_sale = v.sale_price.has_value();
  return {{"id", v.id},
          {"date_created", WooDate(v.created + d.utc_offset_s)},
          {"date_created_gmt", WooDate(v.created)},
          {"date_modified", WooDate(v.modified + d.utc_offset_s)},
          {"date_modified_gmt", WooDate(v.modified)},
          {"description", v.description},
          {"permalink", ctx.home_url + "/product/" + slug + "/?variation_id=" + std::to_string(v.id)},
          {"sku", v.sku},
          {"price", PriceText(v.price, d.currency)},
          {"regular_price", PriceText(v.regular_price, d.currency)},
          {"sale_price", PriceText(v.sale_price, d.currency)},
          {"date_on_sale_from", nullptr},
          {"date_on_sale_from_gmt", nullptr},
          {"date_on_sale_to", nullptr},
          {"date_on_sale_to_gmt", nullptr},
          {"on_sale", on_sale},
          {"status", v.status},
          {"purchasable", v.price.has_value()},
          {"virtual", v.is_virtual},
          {"downloadable", false},
          {"downloads", Json::array()},
          {"download_limit", -1},
          {"download_expiry", -1},
          {"tax_status", v.tax_status},
          {"tax_class", v.tax_class},
          {"manage_stock", v.manage_stock},
          {"stock_quantity", v.stock_quantity ? Json(*v.stock_quantity) : Json(nullptr)},
          {"stock_status", v.stock_quantity && *v.stock_quantity <= 0 ? "outofstock" : "instock"},
          {"backorders", "no"},
          {"backorders_allowed", false},
          {"backordered", false},
          {"low_stock_amount", nullptr},
          {"weight", v.weight},
          {"dimensions", Dimensions()},
          {"shipping_class", ""},
          {"shipping_class_id", 0},
          {"image", nullptr},
          {"attributes", attrs},
          {"menu_order", v.menu_order},
          {"meta_data", Json::array()},
          {"_links",
           {{"self", Link(parent + "/variations/" + std::to_string(v.id))},
            {"collection", Link(parent + "/variations")},
            {"up", Link(parent)}}}};
}

Json RenderProduct(const Product& p, const StoreData& d, const RenderContext& ctx) {
  if (p.is_variation) {
    Json j = RenderVariation(p, d, ctx);
    j["type"] = "variation";
    j["name"] = p.name;
    j["parent_id"] = p.parent_id;
    return j;
  }
  Json cats = Json::array();
  for (const auto& [id, name] : p.categories) {
    std::string slug;
    for (unsigned char c : name) slug.push_back(static_cast<char>(std::tolower(c)));
    cats.push_back({{"id", id}, {"name", name}, {"slug", slug}});
  }
  Json attrs = Json::array();
  for (size_t i = 0; i < p.attributes.size(); ++i) {
    const auto& a = p.attributes[i];
    attrs.push_back({{"id", a.id}, {"name", a.name}, {"position", i}, {"visible", true},
                     {"variation", a.variation}, {"options", a.options}});
  }
  const bool on_sale = p.sale_price.has_value();
  std::string price_html;
  if (p.price) price_html = "<span class=\"woocommerce-Price-amount amount\">" + PriceText(p.price, d.currency).get<std::string>() + "</span>";
  return {{"id", p.id},
          {"name", p.name},
          {"slug", p.slug},
          {"permalink", ctx.home_url + "/product/" + p.slug + "/"},
          {"date_created", WooDate(p.created + d.utc_offset_s)},
          {"date_created_gmt", WooDate(p.created)},
          {"date_modified", WooDate(p.modified + d.utc_offset_s)},
          {"date_modified_gmt", WooDate(p.modified)},
          {"type", p.type},
          {"status", p.status},
          {"featured", false},
          {"catalog_visibility", "visible"},
          {"description", p.description},
          {"short_description", p.short_description},
          {"sku", p.sku},
          {"global_unique_id", ""},
          {"price", PriceText(p.price, d.currency)},
          {"regular_price", PriceText(p.regular_price, d.currency)},
          {"sale_price", PriceText(p.sale_price, d.currency)},
          {"date_on_sale_from", nullptr},
          {"date_on_sale_from_gmt", nullptr},
          {"date_on_sale_to", nullptr},
          {"date_on_sale_to_gmt", nullptr},
          {"price_html", price_html},
          {"on_sale", on_sale},
          {"purchasable", p.price.has_value()},
          {"total_sales", p.total_sales},
          {"virtual", p.is_virtual},
          {"downloadable", false},
          {"downloads", Json::array()},
          {"download_limit", -1},
          {"download_expiry", -1},
          {"external_url", ""},
          {"button_text", ""},
          {"tax_status", p.tax_status},
          {"tax_class", p.tax_class},
          {"manage_stock", p.manage_stock},
          {"stock_quantity", p.stock_quantity ? Json(*p.stock_quantity) : Json(nullptr)},
          {"stock_status", p.stock_quantity && *p.stock_quantity <= 0 ? "outofstock" : "instock"},
          {"backorders", "no"},
          {"backorders_allowed", false},
          {"backordered", false},
          {"low_stock_amount", nullptr},
          {"sold_individually", false},
          {"weight", p.weight},
          {"dimensions", Dimensions()},
          {"shipping_required", !p.is_virtual},
          {"shipping_taxable", !p.is_virtual},
          {"shipping_class", ""},
          {"shipping_class_id", 0},
          {"reviews_allowed", true},
          {"average_rating", "0.00"},
          {"rating_count", 0},
          {"related_ids", Json::array()},
          {"upsell_ids", Json::array()},
          {"cross_sell_ids", Json::array()},
          {"parent_id", 0},
          {"purchase_note", ""},
          {"categories", cats},
          {"tags", Json::array()},
          {"images", Json::array()},
          {"attributes", attrs},
          {"default_attributes", Json::array()},
          {"variations", p.variation_ids},
          {"grouped_products", Json::array()},
          {"menu_order", p.menu_order},
          {"meta_data", Json::array()},
          {"_links",
           {{"self", Link(ctx.home_url + kApi + "products/" + std::to_string(p.id))},
            {"collection", Link(ctx.home_url + kApi + "products")}}}};
}

}  // namespace es::woo::sandbox
