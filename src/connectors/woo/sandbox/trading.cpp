#include "connectors/woo/sandbox/trading.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "connectors/woo/sandbox/lifecycle.h"
#include "connectors/woo/sandbox/seed.h"
#include "model/money.h"

namespace es::woo::sandbox {
namespace {

const std::vector<std::string> kReasons = {"Damaged in transit", "Wrong size", "Customer changed mind",
                                           "Arrived late", "Item not as described"};

// a / b rounded half away from zero (b > 0).
int64_t RoundDiv(int64_t a, int64_t b) {
  int64_t q = a / b, r = a % b;
  if (r < 0) r = -r;
  if (2 * r >= b) q += a < 0 ? -1 : 1;
  return q;
}

std::string MoneyText(int64_t minor, const std::string& currency) { return model::Money(minor, currency).ToString(); }

Json TaxesJson(const std::vector<ItemTax>& taxes, const std::string& cur, int64_t num, int64_t den) {
  Json arr = Json::array();
  for (const auto& t : taxes)
    if (t.total_minor != 0) arr.push_back({{"id", t.rate_id}, {"refund_total", MoneyText(RoundDiv(t.total_minor * num, den), cur)}});
  return arr;
}

int64_t TaxesSum(const std::vector<ItemTax>& taxes, int64_t num, int64_t den) {
  int64_t s = 0;
  for (const auto& t : taxes) s += RoundDiv(t.total_minor * num, den);
  return s;
}

bool GatewayRefunds(const Order& o) { return o.payment_method == "stripe" || o.payment_method == "paypal"; }

// A refund body for one unit of lines[li] (and the shipping line when asked); its amount.
std::pair<Json, int64_t> PartialBody(const Order& o, size_t li, bool with_shipping, const std::string& reason) {
  const std::string& cur = o.currency;
  const OrderLine& l = o.lines[li];
  const int64_t q = std::max<int64_t>(l.quantity, 1);
  const int64_t total = RoundDiv(l.total, q);
  int64_t amount = total + TaxesSum(l.taxes, 1, q);
  Json items = Json::array();
  items.push_back({{"id", l.id}, {"quantity", 1}, {"refund_total", MoneyText(total, cur)}, {"refund_tax", TaxesJson(l.taxes, cur, 1, q)}});
  if (with_shipping) {
    const ShippingLine& s = o.shipping_lines[0];
    items.push_back({{"id", s.id}, {"refund_total", MoneyText(s.total, cur)}, {"refund_tax", TaxesJson(s.taxes, cur, 1, 1)}});
    amount += s.total + TaxesSum(s.taxes, 1, 1);
  }
  Json body = {{"amount", MoneyText(amount, cur)}, {"reason", reason}, {"api_refund", GatewayRefunds(o)},
               {"api_restock", true}, {"line_items", items}};
  return {body, amount};
}

Json FullBody(const Order& o) {
  const std::string& cur = o.currency;
  Json items = Json::array();
  for (const auto& l : o.lines)
    items.push_back({{"id", l.id}, {"quantity", l.quantity}, {"refund_total", MoneyText(l.total, cur)},
                     {"refund_tax", TaxesJson(l.taxes, cur, 1, 1)}});
  for (const auto& s : o.shipping_lines)
    if (s.total != 0 || s.total_tax != 0)
      items.push_back({{"id", s.id}, {"refund_total", MoneyText(s.total, cur)}, {"refund_tax", TaxesJson(s.taxes, cur, 1, 1)}});
  for (const auto& f : o.fees)
    items.push_back({{"id", f.id}, {"refund_total", MoneyText(f.total, cur)}, {"refund_tax", TaxesJson(f.taxes, cur, 1, 1)}});
  return {{"amount", MoneyText(o.total, cur)}, {"reason", "Order cancelled by customer"},
          {"api_refund", GatewayRefunds(o)}, {"api_restock", true}, {"line_items", items}};
}

}  // namespace

TradingSummary SimulateTrading(Store& store, Api& api, uint64_t seed, const TradingOptions& opt, int64_t now_s) {
  TradingSummary out;
  Rng rng(seed ^ 0x7EA5E11ull);
  // A snapshot of the orders to choose from (the changes below re-read nothing from it
  // except what they planned).
  const std::map<int64_t, Order> orders = store.Read([](const StoreData& d) { return d.orders; });
  std::set<int64_t> used;
  // The candidates accepted by `ok`, in a seeded order, not yet used by another kind.
  auto shuffled = [&](const std::function<bool(const Order&)>& ok) {
    std::vector<const Order*> c;
    for (const auto& [id, o] : orders)
      if (!used.count(id) && ok(o)) c.push_back(&o);
    for (size_t i = c.size(); i > 1; --i) std::swap(c[i - 1], c[rng.Index(i)]);
    return c;
  };
  auto synced_unrefunded = [](const Order& o) {
    return (o.status == "processing" || o.status == "completed") && o.refund_ids.empty() && !o.lines.empty() &&
           o.total > 0;
  };

  // Line edits.
  {
    auto c = shuffled([&](const Order& o) { return synced_unrefunded(o) && !o.prices_include_tax; });
    for (size_t i = 0; i < c.size() && static_cast<int>(out.line_edits.size()) < opt.line_edits; ++i) {
      const Order& o = *c[i];
      const OrderLine& l = o.lines[rng.Index(o.lines.size())];
      Json item = {{"id", l.id}};
      if (out.line_edits.size() % 2 == 0) item["quantity"] = l.quantity + 1;
      else item["subtotal"] = MoneyText(std::max(RoundDiv(l.subtotal * 110, 100), l.subtotal + 1), o.currency);
      if (!api.UpdateOrder(o.id, Json{{"line_items", Json::array({item})}}, now_s, opt.edits_touch_modified).ok())
        continue;
      used.insert(o.id);
      out.line_edits.push_back(o.id);
    }
  }
  // Billing address changes.
  {
    auto c = shuffled([](const Order& o) { return o.status != "trash"; });
    for (size_t i = 0; i < c.size() && static_cast<int>(out.address_changes.size()) < opt.address_changes; ++i) {
      const Order& o = *c[i];
      Json billing = {{"address_1", std::to_string(rng.Range(10, 999)) + " Market Street"},
                      {"city", "Springfield"},
                      {"postcode", std::to_string(rng.Range(10000, 99999))}};
      if (!api.UpdateOrder(o.id, Json{{"billing", billing}}, now_s).ok()) continue;
      used.insert(o.id);
      out.address_changes.push_back(o.id);
    }
  }
  // Partial refunds; the first one takes the shipping too when an order has some.
  {
    auto c = shuffled(synced_unrefunded);
    auto with_ship = std::find_if(c.begin(), c.end(), [](const Order* o) {
      return !o->shipping_lines.empty() && o->shipping_lines[0].total > 0;
    });
    if (with_ship != c.end()) std::rotate(c.begin(), with_ship, with_ship + 1);
    for (size_t i = 0; i < c.size() && static_cast<int>(out.partial_refunds.size()) < opt.partial_refunds; ++i) {
      const Order& o = *c[i];
      const bool ship = out.partial_refunds.empty() && !o.shipping_lines.empty() && o.shipping_lines[0].total > 0;
      auto [body, amount] = PartialBody(o, rng.Index(o.lines.size()), ship, kReasons[rng.Index(kReasons.size())]);
      if (amount <= 0 || amount >= o.total) continue;  // would not be partial
      auto rid = api.CreateRefund(o.id, body, now_s);
      if (!rid.ok()) continue;
      used.insert(o.id);
      out.partial_refunds.push_back(o.id);
      out.partial_refund_ids.push_back(*rid);
      if (ship) out.shipping_refund_order = o.id;
    }
  }
  // Full refunds.
  {
    auto c = shuffled(synced_unrefunded);
    for (size_t i = 0; i < c.size() && static_cast<int>(out.full_refunds.size()) < opt.full_refunds; ++i) {
      const Order& o = *c[i];
      auto rid = api.CreateRefund(o.id, FullBody(o), now_s);
      if (!rid.ok()) continue;
      used.insert(o.id);
      out.full_refunds.push_back(o.id);
      out.full_refund_ids.push_back(*rid);
    }
  }
  // Cancellations of paid orders.
  {
    auto c = shuffled([](const Order& o) { return o.status == "processing" && o.refund_ids.empty(); });
    for (size_t i = 0; i < c.size() && static_cast<int>(out.cancellations.size()) < opt.cancellations; ++i) {
      if (!api.UpdateOrder(c[i]->id, Json{{"status", "cancelled"}}, now_s).ok()) continue;
      used.insert(c[i]->id);
      out.cancellations.push_back(c[i]->id);
    }
  }
  // Late payments.
  {
    auto c = shuffled([](const Order& o) { return o.status == "pending" || o.status == "on-hold"; });
    for (size_t i = 0; i < c.size() && static_cast<int>(out.late_payments.size()) < opt.late_payments; ++i) {
      const Order& o = *c[i];
      std::string tx = o.payment_method == "stripe" ? "pi_" + rng.Alnum(24) : rng.Alnum(17);
      if (o.payment_method != "stripe")
        for (auto& ch : tx) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (!api.UpdateOrder(o.id, Json{{"set_paid", true}, {"transaction_id", tx}}, now_s).ok()) continue;
      used.insert(o.id);
      out.late_payments.push_back(o.id);
    }
  }
  // Trash.
  {
    auto c = shuffled([](const Order& o) {
      return o.status == "pending" || o.status == "failed" || o.status == "cancelled";
    });
    for (size_t i = 0; i < c.size() && static_cast<int>(out.trashed.size()) < opt.trashed; ++i) {
      if (!api.TrashOrder(c[i]->id, now_s).ok()) continue;
      used.insert(c[i]->id);
      out.trashed.push_back(c[i]->id);
    }
  }
  // New orders.
  for (int i = 0; i < opt.new_orders; ++i) {
    const uint64_t order_seed = rng.Next();
    out.new_orders.push_back(store.Write([&](StoreData& d) {
      const int64_t t = std::max(now_s, d.last_write + 1);
      const int64_t id = AddRandomOrder(d, order_seed, t);
      d.last_write = std::max(d.last_write, d.orders.at(id).modified);
      d.changes.push_back({"order", "created", id});
      return id;
    }));
  }
  return out;
}

}  // namespace es::woo::sandbox
