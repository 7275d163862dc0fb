// An order's life after creation, through the REST logic without sockets:
// refunds (POST orders/{id}/refunds), trash and permanent deletion,
// line-item edits and date_modified, and the week-of-trading simulator.
#include "connectors/woo/sandbox/lifecycle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

#include "common/crypto.h"

#include "connectors/woo/sandbox/api.h"
#include "connectors/woo/sandbox/render.h"
#include "connectors/woo/sandbox/seed.h"
#include "connectors/woo/sandbox/server.h"
#include "connectors/woo/sandbox/trading.h"
#include "model/money.h"

namespace es::woo::sandbox {
namespace {

using ::testing::HasSubstr;

constexpr const char* kHome = "http://127.0.0.1:8080";
constexpr int64_t kNow = 1'800'000'000;

std::string Cents(int64_t minor) { return model::Money(minor, "USD").ToString(); }

class LifecycleTest : public ::testing::Test {
 protected:
  LifecycleTest() : store_(GenerateStore({})), api_(store_, ApiConfig{"ck_k", "cs_s", true}) {}

  // https + Basic auth keeps the requests short.
  ApiRequest Req(const std::string& method, const std::string& path, const Json& body = nullptr,
                 http::Params query = {}) {
    ApiRequest r{method, "/wp-json/wc/v3/" + path, std::move(query), {}, body.is_null() ? "" : DumpJson(body)};
    r.headers.emplace_back("Authorization", "Basic " + crypto::Base64Encode("ck_k:cs_s"));
    return r;
  }
  ApiResponse Call(const ApiRequest& r) { return api_.Handle(r, kHome, kNow); }
  ApiResponse Get(const std::string& path, http::Params query = {}) { return Call(Req("GET", path, nullptr, query)); }

  // The first order (by id) accepted by `ok`.
  Order Find(const std::function<bool(const Order&)>& ok) {
    return store_.Read([&](const StoreData& d) {
      for (const auto& [id, o] : d.orders)
        if (ok(o)) return o;
      return Order{};
    });
  }
  static bool Synced(const Order& o) {
    return (o.status == "processing" || o.status == "completed") && o.refund_ids.empty() && !o.lines.empty();
  }
  static Json LineRefund(const OrderLine& l, int64_t qty) {
    Json taxes = Json::array();
    for (const auto& t : l.taxes)
      taxes.push_back({{"id", t.rate_id}, {"refund_total", Cents(t.total_minor * qty / l.quantity)}});
    return {{"id", l.id}, {"quantity", qty}, {"refund_total", Cents(l.total * qty / l.quantity)}, {"refund_tax", taxes}};
  }
  int64_t Total(const std::string& path, http::Params query = {}) {
    auto r = Get(path, query);
    return std::stoll(std::string(http::FindHeader(r.headers, "X-WP-Total")));
  }

  Store store_;
  Api api_;
};

TEST_F(LifecycleTest, PartialRefundWithLinesAndShipping) {
  Order o = Find([](const Order& x) {
    return Synced(x) && x.payment_method == "bacs" && !x.shipping_lines.empty() && x.shipping_lines[0].total > 0 &&
           x.lines[0].quantity >= 2;
  });
  ASSERT_GT(o.id, 0);
  const Json before = Get("orders/" + std::to_string(o.id)).body;
  const OrderLine& line = o.lines[0];
  const ShippingLine& ship = o.shipping_lines[0];
  Json ship_taxes = Json::array();
  int64_t ship_tax = 0;
  for (const auto& t : ship.taxes) {
    ship_taxes.push_back({{"id", t.rate_id}, {"refund_total", Cents(t.total_minor)}});
    ship_tax += t.total_minor;
  }
  Json body = {{"reason", "Damaged"}, {"api_refund", false},
               {"line_items", Json::array({LineRefund(line, 1),
                                           {{"id", ship.id}, {"refund_total", Cents(ship.total)}, {"refund_tax", ship_taxes}}})}};
  // No amount: WooCommerce sums refund_total and refund_tax of the lines.
  int64_t line_tax = 0;
  for (const auto& t : line.taxes) line_tax += t.total_minor / line.quantity;
  const int64_t expected = line.total / line.quantity + line_tax + ship.total + ship_tax;

  auto r = Call(Req("POST", "orders/" + std::to_string(o.id) + "/refunds", body));
  ASSERT_EQ(r.status, 201) << DumpJson(r.body);
  const int64_t rid = r.body["id"].get<int64_t>();
  EXPECT_THAT(std::string(http::FindHeader(r.headers, "Location")),
              HasSubstr("/orders/" + std::to_string(o.id) + "/refunds/" + std::to_string(rid)));
  EXPECT_EQ(r.body["amount"], Cents(expected));
  EXPECT_EQ(r.body["reason"], "Damaged");
  EXPECT_EQ(r.body["refunded_payment"], false);
  ASSERT_EQ(r.body["line_items"].size(), 1u);
  EXPECT_EQ(r.body["line_items"][0]["quantity"], -1);
  EXPECT_EQ(r.body["line_items"][0]["total"], Cents(-(line.total / line.quantity)));
  const Json& meta = r.body["line_items"][0]["meta_data"];
  EXPECT_EQ(meta.back()["key"], "_refunded_item_id");
  EXPECT_EQ(meta.back()["value"], std::to_string(line.id));
  ASSERT_EQ(r.body["shipping_lines"].size(), 1u);
  EXPECT_EQ(r.body["shipping_lines"][0]["total"], Cents(-ship.total));
  EXPECT_EQ(r.body["shipping_lines"][0]["meta_data"][0]["value"], std::to_string(ship.id));

  // The refund reads back; the order keeps its status and total, lists the
  // refund (negative) and its date_modified moved.
  EXPECT_EQ(Get("orders/" + std::to_string(o.id) + "/refunds/" + std::to_string(rid)).body, r.body);
  auto list = Get("orders/" + std::to_string(o.id) + "/refunds");
  ASSERT_EQ(list.body.size(), 1u);
  EXPECT_EQ(list.body[0]["id"], rid);
  const Json after = Get("orders/" + std::to_string(o.id)).body;
  EXPECT_EQ(after["status"], o.status);
  EXPECT_EQ(after["total"], before["total"]);
  ASSERT_EQ(after["refunds"].size(), 1u);
  EXPECT_EQ(after["refunds"][0]["id"], rid);
  EXPECT_EQ(after["refunds"][0]["total"], Cents(-expected));
  EXPECT_GT(after["date_modified_gmt"].get<std::string>(), before["date_modified_gmt"].get<std::string>());

  // What remains of the line is what can still be refunded.
  Json too_many = {{"amount", "0.01"}, {"api_refund", false}, {"line_items", Json::array({LineRefund(line, line.quantity)})}};
  auto e = Call(Req("POST", "orders/" + std::to_string(o.id) + "/refunds", too_many));
  EXPECT_EQ(e.status, 500);
  EXPECT_EQ(e.body["code"], "woocommerce_rest_cannot_create_order_refund");
  EXPECT_THAT(e.body["message"].get<std::string>(), HasSubstr("only " + std::to_string(line.quantity - 1) + " remain"));
}

TEST_F(LifecycleTest, FullRefundMarksRefundedAndRestocks) {
  const std::map<int64_t, Product> products = store_.Read([](const StoreData& d) { return d.products; });
  Order o = Find([&](const Order& x) {
    if (!Synced(x) || x.payment_method != "stripe" || !x.fees.empty()) return false;
    auto p = products.find(x.lines[0].variation_id ? x.lines[0].variation_id : x.lines[0].product_id);
    return p != products.end() && p->second.manage_stock;
  });
  ASSERT_GT(o.id, 0);
  const int64_t pid = o.lines[0].variation_id ? o.lines[0].variation_id : o.lines[0].product_id;
  auto stock = [&] { return store_.Read([&](const StoreData& d) { return *d.products.at(pid).stock_quantity; }); };
  const int64_t stock_before = stock();
  Json items = Json::array();
  for (const auto& l : o.lines) items.push_back(LineRefund(l, l.quantity));
  for (const auto& s : o.shipping_lines) {
    Json taxes = Json::array();
    for (const auto& t : s.taxes) taxes.push_back({{"id", t.rate_id}, {"refund_total", Cents(t.total_minor)}});
    items.push_back({{"id", s.id}, {"refund_total", Cents(s.total)}, {"refund_tax", taxes}});
  }
  // api_refund defaults to true: Stripe refunds through its gateway.
  auto r = Call(Req("POST", "orders/" + std::to_string(o.id) + "/refunds",
                    {{"amount", Cents(o.total)}, {"line_items", items}}));
  ASSERT_EQ(r.status, 201) << DumpJson(r.body);
  EXPECT_EQ(r.body["refunded_payment"], true);
  const Json after = Get("orders/" + std::to_string(o.id)).body;
  EXPECT_EQ(after["status"], "refunded");
  EXPECT_EQ(after["refunds"][0]["total"], Cents(-o.total));
  EXPECT_EQ(stock(), stock_before + o.lines[0].quantity);

  // Nothing remains: any further refund is "Invalid refund amount." (HTTP 500, data 500).
  auto e = Call(Req("POST", "orders/" + std::to_string(o.id) + "/refunds", {{"amount", "0.01"}, {"api_refund", false}}));
  EXPECT_EQ(e.status, 500);
  EXPECT_EQ(e.body["code"], "woocommerce_rest_cannot_create_order_refund");
  EXPECT_EQ(e.body["message"], "Invalid refund amount.");
  EXPECT_EQ(e.body["data"], 500);
}

TEST_F(LifecycleTest, RefundErrorsAsWooCommerceAnswersThem) {
  Order o = Find([](const Order& x) { return Synced(x) && x.payment_method == "bacs"; });
  ASSERT_GT(o.id, 0);
  const std::string path = "orders/" + std::to_string(o.id) + "/refunds";
  auto post = [&](const Json& body) { return Call(Req("POST", path, body)); };

  auto over = post({{"amount", Cents(o.total + 1)}, {"api_refund", false}});
  EXPECT_EQ(over.status, 500);
  EXPECT_EQ(over.body["code"], "woocommerce_rest_cannot_create_order_refund");
  EXPECT_EQ(over.body["message"], "Invalid refund amount.");

  auto negative = post({{"amount", "-5.00"}, {"api_refund", false}});
  EXPECT_EQ(negative.status, 500);
  EXPECT_EQ(negative.body["code"], "woocommerce_rest_invalid_order_refund");
  EXPECT_EQ(negative.body["data"], 400);
  EXPECT_EQ(post({{"api_refund", false}}).body["code"], "woocommerce_rest_invalid_order_refund");  // amount 0

  auto unknown_line = post({{"amount", "1.00"}, {"api_refund", false},
                            {"line_items", Json::array({{{"id", 987654321}, {"quantity", 1}, {"refund_total", "1.00"}}})}});
  EXPECT_EQ(unknown_line.status, 500);
  EXPECT_EQ(unknown_line.body["code"], "woocommerce_rest_cannot_create_order_refund");
  EXPECT_THAT(unknown_line.body["message"].get<std::string>(), HasSubstr("987654321"));

  auto gateway = post({{"amount", "1.00"}});  // bacs cannot refund automatically
  EXPECT_EQ(gateway.status, 500);
  EXPECT_THAT(gateway.body["message"].get<std::string>(), HasSubstr("does not support automatic refunds"));

  auto no_order = Call(Req("POST", "orders/99999999/refunds", {{"amount", "1.00"}}));
  EXPECT_EQ(no_order.status, 500);
  EXPECT_EQ(no_order.body["code"], "woocommerce_rest_invalid_order_id");
  EXPECT_EQ(no_order.body["data"], 404);

  ApiRequest anonymous{"POST", "/wp-json/wc/v3/" + path, {}, {}, "{}"};
  EXPECT_EQ(Call(anonymous).body["code"], "woocommerce_rest_cannot_create");
  // Nothing was stored by the refused requests.
  EXPECT_TRUE(Get(path).body.empty());
  EXPECT_EQ(Get("orders/" + std::to_string(o.id)).body["status"], o.status);
}

TEST_F(LifecycleTest, TrashThenForceDelete) {
  Order o = Find([](const Order& x) { return x.status == "completed" && !x.refund_ids.empty(); });
  ASSERT_GT(o.id, 0);
  const std::string path = "orders/" + std::to_string(o.id);
  const int64_t listed = Total("orders");

  auto trashed = Call(Req("DELETE", path));
  ASSERT_EQ(trashed.status, 200) << DumpJson(trashed.body);
  EXPECT_EQ(trashed.body["status"], "trash");
  EXPECT_EQ(Get(path).body["status"], "trash");  // still readable
  EXPECT_EQ(Total("orders"), listed - 1);         // status=any skips the trash
  EXPECT_EQ(Total("orders", {{"status", "any"}}), listed - 1);
  auto only_trash = Get("orders", {{"status", "trash"}});
  ASSERT_EQ(only_trash.body.size(), 1u);
  EXPECT_EQ(only_trash.body[0]["id"], o.id);
  EXPECT_EQ(Total("orders", {{"status", "completed,trash"}}), Total("orders", {{"status", "completed"}}) + 1);

  auto again = Call(Req("DELETE", path));
  EXPECT_EQ(again.status, 410);
  EXPECT_EQ(again.body["code"], "woocommerce_rest_already_trashed");
  EXPECT_EQ(Call(Req("DELETE", path, nullptr, {{"force", "maybe"}})).status, 400);
  ApiRequest anonymous{"DELETE", "/wp-json/wc/v3/" + path, {}, {}, ""};
  EXPECT_EQ(Call(anonymous).body["code"], "woocommerce_rest_cannot_delete");

  auto gone = Call(Req("DELETE", path, nullptr, {{"force", "true"}}));
  ASSERT_EQ(gone.status, 200);
  EXPECT_EQ(gone.body["id"], o.id);  // the order as it was
  auto get = Get(path);
  EXPECT_EQ(get.status, 404);
  EXPECT_EQ(get.body["code"], "woocommerce_rest_shop_order_invalid_id");
  EXPECT_EQ(Get(path + "/refunds").body["code"], "woocommerce_rest_invalid_order_id");
  EXPECT_EQ(Total("orders", {{"status", "trash"}}), 0);
  EXPECT_EQ(store_.Read([&](const StoreData& d) { return d.refunds.count(o.refund_ids[0]); }), 0u);
  EXPECT_EQ(Call(Req("DELETE", path, nullptr, {{"force", "true"}})).status, 404);
}

TEST_F(LifecycleTest, LineEditsKeepDateModifiedStatusChangesMoveIt) {
  Order o = Find([](const Order& x) { return Synced(x) && !x.prices_include_tax && x.lines.size() >= 2; });
  ASSERT_GT(o.id, 0);
  const std::string path = "orders/" + std::to_string(o.id);
  const Json before = Get(path).body;
  const OrderLine& first = o.lines[0];
  Json edit = {{"line_items", Json::array({{{"id", first.id}, {"quantity", first.quantity + 1}},
                                           {{"id", o.lines[1].id}, {"quantity", 0}},
                                           {{"product_id", first.product_id}, {"variation_id", first.variation_id}}})}};
  auto r = Call(Req("PUT", path, edit));
  ASSERT_EQ(r.status, 200) << DumpJson(r.body);
  EXPECT_EQ(r.body["date_modified_gmt"], before["date_modified_gmt"]);
  EXPECT_NE(r.body["total"], before["total"]);
  ASSERT_EQ(r.body["line_items"].size(), o.lines.size());  // one removed, one added
  EXPECT_EQ(r.body["line_items"][0]["id"], first.id);      // kept items keep their ids
  EXPECT_EQ(r.body["line_items"][0]["quantity"], first.quantity + 1);
  EXPECT_EQ(r.body["line_items"][0]["subtotal"], Cents(first.subtotal / first.quantity * (first.quantity + 1)));
  Order now = Find([&](const Order& x) { return x.id == o.id; });
  int64_t sum = now.total_tax;
  for (const auto& l : now.lines) sum += l.total;
  for (const auto& s : now.shipping_lines) sum += s.total;
  for (const auto& f : now.fees) sum += f.total;
  EXPECT_EQ(sum, now.total);

  auto price = Call(Req("PUT", path, {{"line_items", Json::array({{{"id", first.id}, {"subtotal", "123.45"}}})}}));
  ASSERT_EQ(price.status, 200);
  EXPECT_EQ(price.body["line_items"][0]["subtotal"], "123.45");
  EXPECT_EQ(price.body["date_modified_gmt"], before["date_modified_gmt"]);

  auto bad = Call(Req("PUT", path, {{"line_items", Json::array({{{"id", 987654321}, {"quantity", 2}}})}}));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["code"], "woocommerce_rest_invalid_item_id");

  auto status = Call(Req("PUT", path, {{"status", "completed"}, {"customer_note", "leave at the door"}}));
  ASSERT_EQ(status.status, 200);
  EXPECT_GT(status.body["date_modified_gmt"].get<std::string>(), before["date_modified_gmt"].get<std::string>());
}

TEST_F(LifecycleTest, TradingWeekIsReflectedInTheOrders) {
  const int64_t max_id = store_.Read([](const StoreData& d) { return d.orders.rbegin()->first; });
  const std::map<int64_t, Order> before = store_.Read([](const StoreData& d) { return d.orders; });
  TradingOptions opt;
  TradingSummary s = SimulateTrading(store_, api_, 11, opt, kNow);
  EXPECT_EQ(s.line_edits.size(), 3u);
  EXPECT_EQ(s.address_changes.size(), 1u);
  EXPECT_EQ(s.partial_refunds.size(), 3u);
  EXPECT_EQ(s.partial_refund_ids.size(), 3u);
  EXPECT_NE(s.shipping_refund_order, 0);
  EXPECT_EQ(s.full_refunds.size(), 2u);
  EXPECT_EQ(s.cancellations.size(), 2u);
  EXPECT_EQ(s.late_payments.size(), 3u);
  EXPECT_EQ(s.trashed.size(), 1u);
  EXPECT_EQ(s.new_orders.size(), 5u);
  auto order = [&](int64_t id) { return Get("orders/" + std::to_string(id)).body; };
  auto old = [&](int64_t id) { return RenderOrder(before.at(id), StoreData{}, {kHome, 2}); };

  for (int64_t id : s.line_edits) {
    Json now = order(id);
    EXPECT_NE(now["total"], old(id)["total"]) << id;
    EXPECT_EQ(now["date_modified_gmt"], old(id)["date_modified_gmt"]) << id;  // as on the real store
  }
  for (int64_t id : s.address_changes) EXPECT_NE(order(id)["billing"]["address_1"], old(id)["billing"]["address_1"]);
  for (size_t i = 0; i < s.partial_refunds.size(); ++i) {
    Json now = order(s.partial_refunds[i]);
    EXPECT_EQ(now["status"], before.at(s.partial_refunds[i]).status);
    ASSERT_EQ(now["refunds"].size(), 1u);
    EXPECT_EQ(now["refunds"][0]["id"], s.partial_refund_ids[i]);
    Json refund = Get("orders/" + std::to_string(s.partial_refunds[i]) + "/refunds/" +
                      std::to_string(s.partial_refund_ids[i])).body;
    EXPECT_EQ(refund["line_items"][0]["quantity"], -1);
    EXPECT_EQ(refund["shipping_lines"].size(), s.partial_refunds[i] == s.shipping_refund_order ? 1u : 0u);
  }
  for (size_t i = 0; i < s.full_refunds.size(); ++i) {
    Json now = order(s.full_refunds[i]);
    EXPECT_EQ(now["status"], "refunded");
    EXPECT_EQ(now["refunds"][0]["id"], s.full_refund_ids[i]);
    EXPECT_EQ(now["refunds"][0]["total"], "-" + now["total"].get<std::string>());
  }
  for (int64_t id : s.cancellations) {
    EXPECT_EQ(before.at(id).status, "processing");
    EXPECT_EQ(order(id)["status"], "cancelled");
  }
  for (int64_t id : s.late_payments) {
    Json now = order(id);
    EXPECT_EQ(now["status"], "processing");
    EXPECT_FALSE(now["date_paid"].is_null());
    EXPECT_FALSE(now["transaction_id"].get<std::string>().empty());
  }
  EXPECT_EQ(order(s.trashed[0])["status"], "trash");
  for (int64_t id : s.new_orders) {
    EXPECT_GT(id, max_id);
    EXPECT_EQ(order(id)["id"], id);
  }
  // Each order changed once.
  std::set<int64_t> all;
  size_t n = 0;
  for (const auto* v : {&s.line_edits, &s.address_changes, &s.partial_refunds, &s.full_refunds, &s.cancellations,
                        &s.late_payments, &s.trashed}) {
    all.insert(v->begin(), v->end());
    n += v->size();
  }
  EXPECT_EQ(all.size(), n);
}

TEST(TradingServer, SameSeedSameWeek) {
  Options o;
  o.seed = 9;
  Server a(o), b(o);
  TradingSummary sa = a.SimulateTrading(5), sb = b.SimulateTrading(5);
  EXPECT_EQ(sa.line_edits, sb.line_edits);
  EXPECT_EQ(sa.partial_refunds, sb.partial_refunds);
  EXPECT_EQ(sa.partial_refund_ids, sb.partial_refund_ids);
  EXPECT_EQ(sa.full_refunds, sb.full_refunds);
  EXPECT_EQ(sa.cancellations, sb.cancellations);
  EXPECT_EQ(sa.late_payments, sb.late_payments);
  EXPECT_EQ(sa.trashed, sb.trashed);
  EXPECT_EQ(sa.new_orders, sb.new_orders);
  for (int64_t id : a.OrderIds()) {
    Json ja = a.OrderJson(id), jb = b.OrderJson(id);
    for (const char* k : {"status", "total", "refunds", "line_items", "billing", "transaction_id"}) EXPECT_EQ(ja[k], jb[k]) << id;
  }
  TradingSummary other = Server(o).SimulateTrading(6);
  EXPECT_NE(other.partial_refunds, sa.partial_refunds);

  // The hooks follow the REST rules.
  const int64_t id = sa.partial_refunds[0];
  auto over = a.AddRefund(id, {{"amount", "999999.00"}, {"api_refund", false}});
  EXPECT_EQ(over.status().code(), "woocommerce_rest_cannot_create_order_refund");
  EXPECT_TRUE(a.TrashOrder(id).ok());
  EXPECT_EQ(a.TrashOrder(id).code(), "woocommerce_rest_already_trashed");
  EXPECT_TRUE(a.DeleteOrder(id).ok());
  EXPECT_TRUE(a.OrderJson(id).is_null());
  EXPECT_FALSE(a.DeleteOrder(id).ok());
}

}  // namespace
}  // namespace es::woo::sandbox
