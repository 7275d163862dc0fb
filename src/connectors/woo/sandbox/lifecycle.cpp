#include "connectors/woo/sandbox/lifecycle.h"

#include <algorithm>
#include <map>

#include "connectors/woo/sandbox/pricing.h"
#include "model/money.h"

namespace es::woo::sandbox {
namespace {

Status Invalid(const std::string& param, const std::string& why) {
  return Status::Validation("Invalid parameter(s): " + param + " (" + why + ")", "rest_invalid_param");
}

Status CannotRefund(const std::string& message) {
  return Status::Validation(message, "woocommerce_rest_cannot_create_order_refund");
}

// An optional money field in minor units (absent/null = nullopt).
Result<std::optional<int64_t>> OptionalMinor(const Json& o, const char* key, const std::string& currency,
                                             const std::string& where) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return std::optional<int64_t>();
  auto d = DecimalFromJson(*it, true);
  if (!d.ok()) return Invalid(where + key, "not a number");
  return std::optional<int64_t>(model::Money::FromDecimal(*d, currency).minor());
}

std::string Money(int64_t minor, const std::string& currency) { return model::Money(minor, currency).ToString(); }

// What earlier refunds took from one order item.
struct Refunded {
  int64_t quantity = 0, total = 0;
  std::map<int64_t, int64_t> tax;  // rate id -> minor units
};

std::map<int64_t, Refunded> RefundedByItem(const Order& o, const StoreData& d) {
  std::map<int64_t, Refunded> out;
  auto add_taxes = [](Refunded& r, const std::vector<ItemTax>& taxes) {
    for (const auto& t : taxes) r.tax[t.rate_id] -= t.total_minor;
  };
  for (int64_t rid : o.refund_ids) {
    auto it = d.refunds.find(rid);
    if (it == d.refunds.end()) continue;
    for (const auto& l : it->second.lines) {
      Refunded& r = out[l.refunded_item_id];
      r.quantity -= l.quantity;
      r.total -= l.total;
      add_taxes(r, l.taxes);
    }
    for (const auto& s : it->second.shipping) {
      Refunded& r = out[s.refunded_item_id];
      r.total -= s.total;
      add_taxes(r, s.taxes);
    }
    for (const auto& f : it->second.fees) {
      Refunded& r = out[f.refunded_item_id];
      r.total -= f.total;
      add_taxes(r, f.taxes);
    }
  }
  return out;
}

// The refund request for one order item.
struct ItemRequest {
  int64_t quantity = 0;
  int64_t total = 0;
  std::vector<std::pair<int64_t, int64_t>> taxes;  // rate id, minor units
};

// Negative per-rate taxes for a refund line, as Woo stores them.
std::vector<ItemTax> RefundTaxes(const ItemRequest& req, const std::string& currency, bool shipping) {
  std::vector<ItemTax> out;
  for (const auto& [rate, minor] : req.taxes) {
    ItemTax t;
    t.rate_id = rate;
    t.total_minor = -minor;
    t.total = model::Money(-minor, currency).ToDecimal();
    if (!shipping) {
      t.subtotal_minor = t.total_minor;
      t.subtotal = t.total;
    }
    out.push_back(t);
  }
  return out;
}

int64_t TaxSum(const std::vector<ItemTax>& taxes) {
  int64_t s = 0;
  for (const auto& t : taxes) s += t.total_minor;
  return s;
}

// Checks one item request against what remains of the item.
Status CheckItem(int64_t item_id, const ItemRequest& req, int64_t quantity, int64_t total,
                 const std::vector<ItemTax>& taxes, const Refunded& done, const std::string& currency) {
  const std::string item = "order item " + std::to_string(item_id);
  if (req.quantity > quantity - done.quantity)
    return CannotRefund("Cannot refund " + std::to_string(req.quantity) + " of " + item + ": only " +
                        std::to_string(quantity - done.quantity) + " remain.");
  if (req.total > total - done.total)
    return CannotRefund("Cannot refund " + Money(req.total, currency) + " of " + item + ": only " +
                        Money(total - done.total, currency) + " remains.");
  for (const auto& [rate, minor] : req.taxes) {
    auto t = std::find_if(taxes.begin(), taxes.end(), [&](const ItemTax& x) { return x.rate_id == rate; });
    if (t == taxes.end())
      return CannotRefund("Tax rate " + std::to_string(rate) + " is not charged on " + item + ".");
    auto already = done.tax.find(rate);
    const int64_t left = t->total_minor - (already == done.tax.end() ? 0 : already->second);
    if (minor > left)
      return CannotRefund("Cannot refund " + Money(minor, currency) + " of tax rate " + std::to_string(rate) + " on " +
                          item + ": only " + Money(left, currency) + " remains.");
  }
  return Status::Ok();
}

Meta RefundedItemMeta(int64_t* next_item_id, int64_t item_id) {
  return {(*next_item_id)++, "_refunded_item_id", std::to_string(item_id), "_refunded_item_id",
          std::to_string(item_id)};
}

// a * n / d rounded half away from zero (d > 0).
int64_t Scale(int64_t a, int64_t n, int64_t d) {
  const int64_t p = a * n;
  int64_t q = p / d, r = p % d;
  if (r < 0) r = -r;
  if (2 * r >= d) q += p < 0 ? -1 : 1;
  return q;
}

}  // namespace

int64_t NextWriteTime(StoreData& d, int64_t now_s) {
  int64_t t = std::max(now_s, d.last_write + 1);
  d.last_write = t;
  return t;
}

int64_t RemainingRefund(const Order& order, const StoreData& d) { return order.total - RefundedAmount(order, d); }

Result<const Product*> ResolveLineProduct(const StoreData& d, const Json& item, const std::string& where) {
  int64_t pid = GetIntOr(item, "product_id", 0), vid = GetIntOr(item, "variation_id", 0);
  std::string sku = GetStringOr(item, "sku");
  const Product* p = nullptr;
  if (vid > 0) {
    auto it = d.products.find(vid);
    if (it == d.products.end() || !it->second.is_variation)
      return Status::Validation(where + ": invalid variation ID.", "woocommerce_rest_invalid_variation_id");
    p = &it->second;
  } else if (pid > 0) {
    auto it = d.products.find(pid);
    if (it == d.products.end()) return Status::Validation(where + ": invalid product ID.", "woocommerce_rest_invalid_product_id");
    p = &it->second;
  } else if (!sku.empty()) {
    for (const auto& [id, x] : d.products)
      if (x.sku == sku) p = &x;
    if (!p) return Status::Validation(where + ": invalid product SKU.", "woocommerce_rest_invalid_product_id");
  } else {
    return Status::Validation("Product ID or SKU is required.", "woocommerce_rest_required_product_reference");
  }
  if (p->type == "variable")
    return Status::Validation(where + ": a variation_id is required for variable products.",
                              "woocommerce_rest_invalid_product_id");
  if (!p->price) return Status::Validation(where + ": the product has no price.", "woocommerce_rest_invalid_product_id");
  return p;
}

Result<int64_t> CreateRefund(StoreData& d, int64_t order_id, const Json& body, int64_t now_s) {
  auto oit = d.orders.find(order_id);
  if (oit == d.orders.end()) return Status::NotFound("Invalid order ID.", "woocommerce_rest_invalid_order_id");
  Order& o = oit->second;
  const std::string& cur = o.currency;

  // Line items: keyed by order item id (a repeated id: the last one wins, as in PHP).
  std::map<int64_t, ItemRequest> requests;
  bool all_have_totals = true;
  const Json* items = FindPath(body, "line_items");
  if (items && !items->is_null() && !items->is_array()) return Invalid("line_items", "line_items is not of type array.");
  if (items && items->is_array()) {
    for (size_t i = 0; i < items->size(); ++i) {
      const Json& item = (*items)[i];
      const std::string where = "line_items[" + std::to_string(i) + "].";
      if (!item.is_object()) return Invalid("line_items[" + std::to_string(i) + "]", "expected an object");
      auto id = GetInt(item, "id");
      if (!id.ok() || *id <= 0) return Invalid(where + "id", "the order item id is required");
      ItemRequest req;
      if (item.contains("quantity") && !item["quantity"].is_null()) {
        auto q = GetInt(item, "quantity");
        if (!q.ok() || *q < 0) return Invalid(where + "quantity", "must be a non-negative integer");
        req.quantity = *q;
      }
      ES_ASSIGN_OR_RETURN(std::optional<int64_t> total, OptionalMinor(item, "refund_total", cur, where));
      if (!total) all_have_totals = false;
      req.total = total.value_or(0);
      if (req.total < 0) return Invalid(where + "refund_total", "must not be negative");
      if (const Json* taxes = FindPath(item, "refund_tax"); taxes && taxes->is_array()) {
        for (size_t k = 0; k < taxes->size(); ++k) {
          const Json& t = (*taxes)[k];
          const std::string tw = where + "refund_tax[" + std::to_string(k) + "].";
          if (!t.is_object()) return Invalid(tw.substr(0, tw.size() - 1), "expected an object");
          auto rate = GetInt(t, "id");
          if (!rate.ok()) return Invalid(tw + "id", "the tax rate id is required");
          ES_ASSIGN_OR_RETURN(std::optional<int64_t> amount, OptionalMinor(t, "refund_total", cur, tw));
          if (!amount) return Invalid(tw + "refund_total", "required");
          if (*amount < 0) return Invalid(tw + "refund_total", "must not be negative");
          if (*amount > 0) req.taxes.emplace_back(*rate, *amount);
        }
      }
      requests[*id] = std::move(req);
    }
  }

  // Amount: given, or the sum of the lines when every line names its amount.
  int64_t amount = 0;
  if (body.contains("amount") && !body["amount"].is_null()) {
    auto dec = DecimalFromJson(body["amount"], true);
    if (!dec.ok()) return Invalid("amount", "amount is not a number");
    amount = model::Money::FromDecimal(*dec, cur).minor();
  } else if (!requests.empty() && all_have_totals) {
    for (const auto& [id, req] : requests) {
      amount += req.total;
      for (const auto& [rate, minor] : req.taxes) amount += minor;
    }
  }
  if (amount <= 0)
    return Status::Validation("Refund amount must be greater than zero.", "woocommerce_rest_invalid_order_refund");
  const int64_t remaining = RemainingRefund(o, d);
  if (amount > remaining) return CannotRefund("Invalid refund amount.");

  // Per-item checks against what earlier refunds left.
  const std::map<int64_t, Refunded> done = RefundedByItem(o, d);
  const Refunded none;
  auto done_for = [&](int64_t id) -> const Refunded& {
    auto it = done.find(id);
    return it == done.end() ? none : it->second;
  };
  for (auto it = requests.begin(); it != requests.end();) {
    const ItemRequest& req = it->second;
    if (req.quantity == 0 && req.total == 0 && req.taxes.empty()) {  // nothing asked: skipped, as Woo does
      it = requests.erase(it);
      continue;
    }
    const int64_t id = it->first;
    auto line = std::find_if(o.lines.begin(), o.lines.end(), [&](const OrderLine& l) { return l.id == id; });
    auto ship = std::find_if(o.shipping_lines.begin(), o.shipping_lines.end(),
                             [&](const ShippingLine& s) { return s.id == id; });
    auto fee = std::find_if(o.fees.begin(), o.fees.end(), [&](const FeeLine& f) { return f.id == id; });
    Status s;
    if (line != o.lines.end()) {
      s = CheckItem(id, req, line->quantity, line->total, line->taxes, done_for(id), cur);
    } else if (ship != o.shipping_lines.end() || fee != o.fees.end()) {
      ItemRequest no_qty = req;
      no_qty.quantity = 0;  // shipping and fee items have no quantity to refund
      s = ship != o.shipping_lines.end() ? CheckItem(id, no_qty, 0, ship->total, ship->taxes, done_for(id), cur)
                                         : CheckItem(id, no_qty, 0, fee->total, fee->taxes, done_for(id), cur);
    } else {
      s = CannotRefund("Invalid line item ID: " + std::to_string(id) + " is not an item of order " +
                       std::to_string(order_id) + ".");
    }
    if (!s.ok()) return s;
    ++it;
  }

  // The payment gateway (api_refund).
  const bool api_refund = GetBoolOr(body, "api_refund", true);
  if (api_refund) {
    if (o.payment_method.empty()) return CannotRefund("The payment gateway for this order does not exist.");
    if (o.payment_method != "stripe" && o.payment_method != "paypal")
      return CannotRefund("The payment gateway for this order does not support automatic refunds.");
  }

  const int64_t t = NextWriteTime(d, now_s);
  Refund f;
  f.id = d.next_post_id++;
  f.order_id = order_id;
  f.created = t;
  f.amount = amount;
  f.reason = GetStringOr(body, "reason");
  f.refunded_by = 1;
  f.refunded_payment = api_refund;
  if (const Json* meta = FindPath(body, "meta_data"); meta && meta->is_array()) {
    for (const Json& m : *meta) {
      if (!m.is_object() || !m.contains("key")) continue;
      const Json& v = m.contains("value") ? m["value"] : Json(nullptr);
      f.meta.push_back({d.next_item_id++, GetStringOr(m, "key"), v.is_structured() ? DumpJson(v) : ScalarText(v), "", ""});
    }
  }
  for (const auto& [id, req] : requests) {
    if (auto line = std::find_if(o.lines.begin(), o.lines.end(), [&](const OrderLine& l) { return l.id == id; });
        line != o.lines.end()) {
      OrderLine l = *line;  // Woo copies the item (its meta included) and negates the amounts
      l.id = d.next_item_id++;
      for (auto& m : l.meta) m.id = d.next_item_id++;
      l.meta.push_back(RefundedItemMeta(&d.next_item_id, id));
      l.refunded_item_id = id;
      l.quantity = -req.quantity;
      l.subtotal = l.total = -req.total;
      l.taxes = RefundTaxes(req, cur, false);
      l.subtotal_tax = l.total_tax = TaxSum(l.taxes);
      f.lines.push_back(std::move(l));
    } else if (auto ship = std::find_if(o.shipping_lines.begin(), o.shipping_lines.end(),
                                        [&](const ShippingLine& s) { return s.id == id; });
               ship != o.shipping_lines.end()) {
      ShippingLine s = *ship;
      s.id = d.next_item_id++;
      s.meta = {RefundedItemMeta(&d.next_item_id, id)};
      s.refunded_item_id = id;
      s.total = -req.total;
      s.taxes = RefundTaxes(req, cur, true);
      s.total_tax = TaxSum(s.taxes);
      f.shipping.push_back(std::move(s));
    } else {
      auto fee = std::find_if(o.fees.begin(), o.fees.end(), [&](const FeeLine& x) { return x.id == id; });
      FeeLine fl = *fee;
      fl.id = d.next_item_id++;
      fl.meta = {RefundedItemMeta(&d.next_item_id, id)};
      fl.refunded_item_id = id;
      fl.total = -req.total;
      fl.taxes = RefundTaxes(req, cur, false);
      fl.total_tax = TaxSum(fl.taxes);
      f.fees.push_back(std::move(fl));
    }
  }

  // Restock (api_restock): only where the order had reduced stock.
  const bool stock_reduced = o.paid != 0 || o.status == "processing" || o.status == "completed" || o.status == "on-hold";
  if (GetBoolOr(body, "api_restock", true) && stock_reduced) {
    for (const auto& l : f.lines) {
      auto p = d.products.find(l.variation_id ? l.variation_id : l.product_id);
      if (p == d.products.end() || !p->second.manage_stock || l.quantity == 0) continue;
      p->second.stock_quantity = p->second.stock_quantity.value_or(0) - l.quantity;
    }
  }

  if (remaining - amount == 0) o.status = "refunded";
  o.refund_ids.push_back(f.id);
  o.modified = t;
  const int64_t rid = f.id;
  d.refunds[rid] = std::move(f);
  d.changes.push_back({"order", "updated", order_id});
  return rid;
}

Status EditLineItems(StoreData& d, Order& o, const Json& items) {
  if (!items.is_array()) return Invalid("line_items", "line_items is not of type array.");
  struct Slot {
    int64_t keep_id = 0;  // 0 = new item
    std::vector<Meta> meta;
    LineInput in;
    bool removed = false;
  };
  std::vector<Slot> slots;
  const std::string& cur = o.currency;
  for (const auto& l : o.lines) {
    Slot s;
    s.keep_id = l.id;
    s.meta = l.meta;
    s.in.product_id = l.product_id;
    s.in.variation_id = l.variation_id;
    s.in.name = l.name;
    s.in.sku = l.sku;
    s.in.tax_class = l.tax_class;
    s.in.parent_name = l.parent_name;
    s.in.meta = l.meta;
    auto p = d.products.find(l.variation_id ? l.variation_id : l.product_id);
    s.in.taxable = p != d.products.end() ? p->second.tax_status == "taxable" : !l.taxes.empty();
    s.in.quantity = l.quantity;
    s.in.base = o.prices_include_tax ? l.subtotal + l.subtotal_tax : l.subtotal;  // amount before discounts
    slots.push_back(std::move(s));
  }
  for (size_t i = 0; i < items.size(); ++i) {
    const Json& item = items[i];
    const std::string where = "line_items[" + std::to_string(i) + "]";
    if (!item.is_object()) return Invalid(where, "expected an object");
    const int64_t id = GetIntOr(item, "id", 0);
    if (id == 0) {
      ES_ASSIGN_OR_RETURN(const Product* p, ResolveLineProduct(d, item, where));
      int64_t qty = GetIntOr(item, "quantity", 1);
      if (qty < 1) return Invalid(where + ".quantity", "must be at least 1");
      const Product* parent = p->is_variation ? &d.products.at(p->parent_id) : nullptr;
      Slot s;
      s.in.product_id = parent ? parent->id : p->id;
      s.in.variation_id = parent ? p->id : 0;
      s.in.name = p->name;
      s.in.parent_name = parent ? parent->name : "";
      s.in.sku = p->sku;
      s.in.tax_class = p->tax_class;
      s.in.taxable = p->tax_status == "taxable";
      s.in.quantity = qty;
      s.in.unit_price = *p->price;
      slots.push_back(std::move(s));
      continue;
    }
    auto slot = std::find_if(slots.begin(), slots.end(), [&](const Slot& s) { return s.keep_id == id; });
    if (slot == slots.end())
      return Status::Validation("Order item ID provided is not associated with order.", "woocommerce_rest_invalid_item_id");
    const bool product_null = item.contains("product_id") && item["product_id"].is_null();
    if (product_null || (item.contains("quantity") && GetIntOr(item, "quantity", -1) == 0)) {
      slot->removed = true;
      continue;
    }
    const int64_t old_qty = std::max<int64_t>(slot->in.quantity, 1);
    if (item.contains("quantity")) {
      auto q = GetInt(item, "quantity");
      if (!q.ok() || *q < 0) return Invalid(where + ".quantity", "must be a non-negative integer");
      slot->in.quantity = *q;
    }
    ES_ASSIGN_OR_RETURN(std::optional<int64_t> subtotal, OptionalMinor(item, "subtotal", cur, where + "."));
    ES_ASSIGN_OR_RETURN(std::optional<int64_t> total, OptionalMinor(item, "total", cur, where + "."));
    if (subtotal || total) {
      if (o.prices_include_tax)
        return Invalid(where + ".total", "the sandbox edits line amounts only on orders with prices excluding tax");
      const int64_t amount = subtotal ? *subtotal : *total;
      if (amount < 0) return Invalid(where + ".total", "must not be negative");
      slot->in.base = amount;
    } else if (slot->in.quantity != old_qty) {
      slot->in.base = Scale(*slot->in.base, slot->in.quantity, old_qty);  // same unit price
    }
  }

  PricingInput in;
  in.currency = cur;
  const model::Address& loc = o.shipping.country.empty() ? o.billing : o.shipping;
  in.country = loc.country;
  in.state = loc.state;
  in.prices_include_tax = o.prices_include_tax;
  std::vector<const Slot*> kept;
  for (const auto& s : slots) {
    if (s.removed) continue;
    in.lines.push_back(s.in);
    kept.push_back(&s);
  }
  for (const auto& s : o.shipping_lines)
    in.shipping.push_back({s.method_id, s.method_title, s.instance_id, s.total, s.method_id != "local_pickup"});
  for (const auto& f : o.fees) in.fees.push_back({f.name, f.total, f.tax_status, f.tax_class});
  if (!o.coupons.empty()) in.coupon = Coupon{o.coupons[0].code, o.coupons[0].discount_type, o.coupons[0].nominal_amount};

  Order priced = o;
  int64_t scratch = 0;  // PriceOrder numbers items afresh; the kept ones get their ids back below
  PriceOrder(in, d.tax_rates, &scratch, &priced);
  for (size_t i = 0; i < priced.lines.size(); ++i) {
    OrderLine& l = priced.lines[i];
    if (kept[i]->keep_id) {
      l.id = kept[i]->keep_id;
      l.meta = kept[i]->meta;
    } else {
      l.id = d.next_item_id++;
      for (auto& m : l.meta) m.id = d.next_item_id++;
    }
  }
  for (size_t i = 0; i < priced.shipping_lines.size(); ++i) priced.shipping_lines[i].id = o.shipping_lines[i].id;
  for (size_t i = 0; i < priced.fees.size(); ++i) priced.fees[i].id = o.fees[i].id;
  for (size_t i = 0; i < priced.coupons.size(); ++i) priced.coupons[i].id = o.coupons[i].id;
  for (auto& t : priced.tax_lines) {
    auto old = std::find_if(o.tax_lines.begin(), o.tax_lines.end(), [&](const TaxLine& x) { return x.rate_id == t.rate_id; });
    t.id = old != o.tax_lines.end() ? old->id : d.next_item_id++;
  }
  o = std::move(priced);
  return Status::Ok();
}

Status TrashOrder(StoreData& d, int64_t id, int64_t now_s) {
  auto it = d.orders.find(id);
  if (it == d.orders.end()) return Status::NotFound("Invalid ID.", "woocommerce_rest_shop_order_invalid_id");
  Order& o = it->second;
  if (o.status == "trash")
    return Status::Conflict("The shop_order has already been deleted.", "woocommerce_rest_already_trashed");
  o.trashed_from = o.status;
  o.status = "trash";
  o.modified = NextWriteTime(d, now_s);
  d.changes.push_back({"order", "deleted", id});
  return Status::Ok();
}

Status DeleteOrder(StoreData& d, int64_t id) {
  auto it = d.orders.find(id);
  if (it == d.orders.end()) return Status::NotFound("Invalid ID.", "woocommerce_rest_shop_order_invalid_id");
  for (int64_t rid : it->second.refund_ids) d.refunds.erase(rid);
  d.orders.erase(it);
  return Status::Ok();
}

}  // namespace es::woo::sandbox
