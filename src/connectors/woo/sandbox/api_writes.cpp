// Writes: order create/update (totals recomputed with PriceOrder) and
// product/variation price and stock updates (single and batch). Each
// successful write appends a ChangeRecord to StoreData::changes, which the
// Server turns into webhook deliveries.
#include <algorithm>
#include <cctype>

#include "connectors/woo/sandbox/api.h"
#include "connectors/woo/sandbox/lifecycle.h"
#include "connectors/woo/sandbox/pricing.h"
#include "connectors/woo/sandbox/render.h"
#include "connectors/woo/sandbox/generated.h"
#include "connectors/woo/sandbox/seed.h"
#include "model/money.h"

namespace es::woo::sandbox {
namespace {

const std::vector<std::string> kOrderStatuses = {"pending", "processing", "on-hold", "completed",
                                                 "cancelled", "refunded", "failed"};

int64_t WriteTime(StoreData& d, int64_t now_s) { return NextWriteTime(d, now_s); }

Status Invalid(const std::string& param, const std::string& why) {
  return Status::Validation("Invalid parameter(s): " + param + " (" + why + ")", "rest_invalid_param");
}

std::string Str(const Json& o, const char* key, const std::string& def = {}) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return def;
  return ScalarText(*it);
}

void MergeAddress(const Json& o, model::Address* a) {
  if (!o.is_object()) return;
  auto set = [&](const char* key, std::string* field) {
    if (o.contains(key)) *field = Str(o, key);
  };
  set("first_name", &a->first_name);
  set("last_name", &a->last_name);
  set("company", &a->company);
  set("address_1", &a->line1);
  set("address_2", &a->line2);
  set("city", &a->city);
  set("state", &a->state);
  set("postcode", &a->postcode);
  set("country", &a->country);
  set("email", &a->email);
  set("phone", &a->phone);
}

Result<int64_t> MinorAmount(const Json& o, const char* key, const std::string& currency, const std::string& where) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return int64_t{0};
  auto d = DecimalFromJson(*it, true);
  if (!d.ok()) return Invalid(where + "." + key, d.status().message());
  return model::Money::FromDecimal(*d, currency).minor();
}

void ApplyStatus(StoreData& d, Order& o, const std::string& status, int64_t t) {
  if (status == o.status) return;
  o.status = status;
  if ((status == "processing" || status == "completed") && o.paid == 0) o.paid = t;
  if (status == "completed") o.completed = t;
  if (status == "refunded") {
    int64_t remaining = o.total - RefundedAmount(o, d);
    if (remaining > 0) {
      Refund f;
      f.id = d.next_post_id++;
      f.order_id = o.id;
      f.created = t;
      f.amount = remaining;
      f.reason = "Order fully refunded.";
      o.refund_ids.push_back(f.id);
      d.refunds[f.id] = std::move(f);
    }
  }
}

}  // namespace

Result<int64_t> Api::CreateOrder(const Json& body, int64_t now_s) {
  return store_.Write([&](StoreData& d) -> Result<int64_t> {
    if (body.contains("id")) return Status::Validation("Cannot create existing order.", "woocommerce_rest_shop_order_exists");
    std::string status = Str(body, "status", "pending");
    if (std::find(kOrderStatuses.begin(), kOrderStatuses.end(), status) == kOrderStatuses.end())
      return Invalid("status", "status is not one of pending, processing, on-hold, completed, cancelled, refunded, failed.");
    int64_t customer_id = GetIntOr(body, "customer_id", 0);
    if (customer_id != 0 && !d.customers.count(customer_id))
      return Status::Validation("Customer ID is invalid.", "woocommerce_rest_invalid_customer_id");
    Order o;
    if (body.contains("billing")) MergeAddress(body["billing"], &o.billing);
    if (body.contains("shipping")) MergeAddress(body["shipping"], &o.shipping);
    const model::Address& loc = o.shipping.country.empty() ? o.billing : o.shipping;

    PricingInput in;
    in.currency = d.currency;
    in.country = loc.country;
    in.state = loc.state;
    in.prices_include_tax = loc.country == "GB";
    const Json* items = FindPath(body, "line_items");
    if (items && items->is_array()) {
      for (size_t i = 0; i < items->size(); ++i) {
        const Json& item = (*items)[i];
        const std::string where = "line_items[" + std::to_string(i) + "]";
        if (!item.is_object()) return Invalid(where, "expected an object");
        ES_ASSIGN_OR_RETURN(const Product* p, ResolveLineProduct(d, item, where));
        int64_t qty = GetIntOr(item, "quantity", 1);
        if (qty < 1) return Invalid(where + ".quantity", "must be at least 1");
        const Product* parent = p->is_variation ? &d.products.at(p->parent_id) : nullptr;
        LineInput li;
        li.product_id = parent ? parent->id : p->id;
        li.variation_id = parent ? p->id : 0;
        li.name = p->name;
        li.parent_name = parent ? parent->name : "";
        li.sku = p->sku;
        li.tax_class = p->tax_class;
        li.taxable = p->tax_status == "taxable";
        li.quantity = qty;
        li.unit_price = *p->price;
        in.lines.push_back(std::move(li));
      }
    }
    if (const Json* ship = FindPath(body, "shipping_lines"); ship && ship->is_array()) {
      for (size_t i = 0; i < ship->size(); ++i) {
        const Json& s = (*ship)[i];
        ES_ASSIGN_OR_RETURN(int64_t cost, MinorAmount(s, "total", d.currency, "shipping_lines[" + std::to_string(i) + "]"));
        in.shipping.push_back({Str(s, "method_id", "flat_rate"), Str(s, "method_title", "Flat rate"),
                               Str(s, "instance_id", "0"), cost, Str(s, "method_id") != "local_pickup"});
      }
    }
    if (const Json* fees = FindPath(body, "fee_lines"); fees && fees->is_array()) {
      for (size_t i = 0; i < fees->size(); ++i) {
        const Json& f = (*fees)[i];
        ES_ASSIGN_OR_RETURN(int64_t amount, MinorAmount(f, "total", d.currency, "fee_lines[" + std::to_string(i) + "]"));
        in.fees.push_back({Str(f, "name", "Fee"), amount, Str(f, "tax_status", "taxable"), Str(f, "tax_class")});
      }
    }
    if (const Json* coupons = FindPath(body, "coupon_lines"); coupons && coupons->is_array() && !coupons->empty()) {
      std::string code = Str((*coupons)[0], "code");
      for (auto& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto it = d.coupons.find(code);
      if (it == d.coupons.end())
        return Status::Validation("Coupon \"" + code + "\" does not exist!", "woocommerce_rest_invalid_coupon");
      in.coupon = it->second;
    }

    const int64_t t = WriteTime(d, now_s);
    o.id = d.next_post_id++;
    Rng rng(static_cast<uint64_t>(o.id) * 7919u);
    o.order_key = "wc_order_" + rng.Alnum(13);
    o.created_via = "rest-api";
    o.currency = d.currency;
    o.customer_id = customer_id;
    o.billing_email_null = body.contains("billing") && body["billing"].is_object() &&
                           body["billing"].contains("email") && body["billing"]["email"].is_null();
    o.customer_note = Str(body, "customer_note");
    o.payment_method = Str(body, "payment_method");
    o.payment_method_title = Str(body, "payment_method_title");
    o.transaction_id = Str(body, "transaction_id");
    o.created = o.modified = t;
    PriceOrder(in, d.tax_rates, &d.next_item_id, &o);
    o.status = "pending";
    if (GetBoolOr(body, "set_paid", false)) {
      o.paid = t;
      if (status == "pending") status = "processing";
    }
    ApplyStatus(d, o, status, t);
    const int64_t id = o.id;
    d.orders[id] = std::move(o);
    d.changes.push_back({"order", "created", id});
    return id;
  });
}

Status Api::UpdateOrder(int64_t id, const Json& body, int64_t now_s, bool always_touch) {
  return store_.Write([&](StoreData& d) -> Status {
    GeneratedOrders::Materialize(d, id);
    auto it = d.orders.find(id);
    if (it == d.orders.end()) return Status::Validation("Invalid ID.", "woocommerce_rest_shop_order_invalid_id");
    for (const char* key : {"shipping_lines", "fee_lines", "coupon_lines"})
      if (body.contains(key))
        return Invalid(key, "the sandbox changes only line_items of an existing order");
    Order& o = it->second;
    std::string status = Str(body, "status", o.status);
    if (std::find(kOrderStatuses.begin(), kOrderStatuses.end(), status) == kOrderStatuses.end() &&
        !(status == o.status && status == "trash"))
      return Invalid("status", "status is not one of pending, processing, on-hold, completed, cancelled, refunded, failed.");
    if (body.contains("line_items")) ES_RETURN_IF_ERROR(EditLineItems(d, o, body["line_items"]));
    // On posts storage a PUT that only changes line items rewrites totals
    // (post meta) but not the post row: date_modified stays (reference,
    // "second round"). Everything else moves it.
    const bool items_only = body.size() == 1 && body.contains("line_items");
    const int64_t t = items_only && !always_touch ? std::max(now_s, d.last_write) : WriteTime(d, now_s);
    if (body.contains("billing")) MergeAddress(body["billing"], &o.billing);
    if (body.contains("shipping")) MergeAddress(body["shipping"], &o.shipping);
    if (body.contains("customer_note")) o.customer_note = Str(body, "customer_note");
    if (body.contains("payment_method")) o.payment_method = Str(body, "payment_method");
    if (body.contains("payment_method_title")) o.payment_method_title = Str(body, "payment_method_title");
    if (body.contains("transaction_id")) o.transaction_id = Str(body, "transaction_id");
    if (GetBoolOr(body, "set_paid", false)) {
      if (o.paid == 0) o.paid = t;
      if (status == "pending" || status == "on-hold" || status == "failed") status = "processing";
    }
    ApplyStatus(d, o, status, t);
    if (o.status != "trash") o.trashed_from.clear();  // a status set on a trashed order takes it out
    if (!items_only || always_touch) o.modified = t;
    d.changes.push_back({"order", "updated", id});
    return Status::Ok();
  });
}

Result<int64_t> Api::CreateRefund(int64_t order_id, const Json& body, int64_t now_s) {
  return store_.Write([&](StoreData& d) {
    GeneratedOrders::Materialize(d, order_id);
    return sandbox::CreateRefund(d, order_id, body, now_s);
  });
}

Status Api::TrashOrder(int64_t id, int64_t now_s) {
  return store_.Write([&](StoreData& d) {
    GeneratedOrders::Materialize(d, id);
    return sandbox::TrashOrder(d, id, now_s);
  });
}

Status Api::DeleteOrder(int64_t id) {
  return store_.Write([&](StoreData& d) {
    GeneratedOrders::Materialize(d, id);
    return sandbox::DeleteOrder(d, id);
  });
}

namespace api {
namespace {

// Applies price/stock/name fields; returns an error (code, message) on bad input.
Status ApplyProductFields(StoreData& d, Product& p, const Json& u, int64_t t) {
  auto price = [&](const char* key, std::optional<int64_t>* field) -> Status {
    if (!u.contains(key)) return Status::Ok();
    std::string text = Str(u, key);
    if (text.empty()) {
      *field = std::nullopt;
      return Status::Ok();
    }
    auto dec = Decimal::ParseRounded(text);
    if (!dec.ok() || dec->IsNegative()) return Invalid(key, key + std::string(" is not a valid price."));
    *field = model::Money::FromDecimal(*dec, d.currency).minor();
    return Status::Ok();
  };
  ES_RETURN_IF_ERROR(price("regular_price", &p.regular_price));
  ES_RETURN_IF_ERROR(price("sale_price", &p.sale_price));
  if (u.contains("sku")) {
    std::string sku = Str(u, "sku");
    for (const auto& [id, other] : d.products)
      if (id != p.id && !sku.empty() && other.sku == sku)
        return Status::Validation("Invalid or duplicated SKU.", "product_invalid_sku");
    p.sku = sku;
  }
  if (u.contains("manage_stock")) p.manage_stock = GetBoolOr(u, "manage_stock", p.manage_stock);
  if (u.contains("stock_quantity")) {
    if (u["stock_quantity"].is_null()) {
      p.stock_quantity = std::nullopt;
    } else {
      auto q = GetInt(u, "stock_quantity");
      if (!q.ok()) return Invalid("stock_quantity", "stock_quantity is not of type integer,null.");
      if (p.manage_stock) p.stock_quantity = *q;
    }
  }
  if (!p.manage_stock) p.stock_quantity = std::nullopt;
  if (u.contains("name") && !p.is_variation) p.name = Str(u, "name");
  if (u.contains("status")) p.status = Str(u, "status");
  p.price = p.sale_price ? p.sale_price : p.regular_price;
  p.modified = t;
  ++d.product_writes;
  d.changes.push_back({"product", "updated", p.id});
  if (p.is_variation) {
    auto parent = d.products.find(p.parent_id);
    if (parent != d.products.end()) {
      std::optional<int64_t> low;
      for (int64_t vid : parent->second.variation_ids) {
        const Product& v = vid == p.id ? p : d.products.at(vid);
        if (v.price && (!low || *v.price < *low)) low = v.price;
      }
      parent->second.price = low;
      parent->second.modified = t;
    }
  }
  return Status::Ok();
}

Json ItemError(int64_t id, const std::string& code, const std::string& message) {
  return {{"id", id}, {"error", {{"code", code}, {"message", message}, {"data", {{"status", 400}}}}}};
}

}  // namespace

ApiResponse UpdateProducts(Store& store, const Json& body, const std::string& home_url, int64_t parent,
                           int64_t now_s) {
  size_t n = 0;
  for (const char* key : {"create", "update", "delete"})
    if (body.contains(key) && body[key].is_array()) n += body[key].size();
  if (n > 100)
    return ErrorResponse(413, "woocommerce_rest_request_entity_too_large",
                         "Unable to accept more than 100 items for this request.");
  return store.Write([&](StoreData& d) {
    ApiResponse out;
    out.body = Json::object();
    const std::string missing_code =
        parent ? "woocommerce_rest_product_variation_invalid_id" : "woocommerce_rest_product_invalid_id";
    if (body.contains("create") && body["create"].is_array()) {
      out.body["create"] = Json::array();
      for (size_t i = 0; i < body["create"].size(); ++i)
        out.body["create"].push_back(
            ItemError(0, "woocommerce_rest_sandbox_unsupported", "The sandbox does not create products."));
    }
    if (body.contains("update") && body["update"].is_array()) {
      out.body["update"] = Json::array();
      const int64_t t = WriteTime(d, now_s);
      for (const Json& u : body["update"]) {
        int64_t id = u.is_object() ? GetIntOr(u, "id", 0) : 0;
        auto it = d.products.find(id);
        if (it == d.products.end() || (parent && it->second.parent_id != parent) ||
            (!parent && it->second.is_variation)) {
          out.body["update"].push_back(ItemError(id, missing_code, "Invalid ID."));
          continue;
        }
        Status s = ApplyProductFields(d, it->second, u, t);
        if (!s.ok()) {
          out.body["update"].push_back(ItemError(id, s.code(), s.message()));
          continue;
        }
        RenderContext ctx{home_url, 2};
        out.body["update"].push_back(parent ? RenderVariation(it->second, d, ctx) : RenderProduct(it->second, d, ctx));
      }
    }
    if (body.contains("delete") && body["delete"].is_array()) {
      out.body["delete"] = Json::array();
      for (const Json& id : body["delete"])
        out.body["delete"].push_back(ItemError(id.is_number_integer() ? id.get<int64_t>() : 0,
                                               "woocommerce_rest_sandbox_unsupported",
                                               "The sandbox does not delete products."));
    }
    return out;
  });
}

ApiResponse UpdateProduct(Store& store, int64_t id, int64_t parent, const Json& body, const std::string& home_url,
                          int64_t now_s) {
  return store.Write([&](StoreData& d) {
    auto it = d.products.find(id);
    if (it == d.products.end() || (parent && it->second.parent_id != parent) || (!parent && it->second.is_variation))
      return ErrorResponse(400, parent ? "woocommerce_rest_product_variation_invalid_id" : "woocommerce_rest_product_invalid_id",
                           "Invalid ID.");
    Status s = ApplyProductFields(d, it->second, body, WriteTime(d, now_s));
    if (!s.ok()) return ErrorResponse(400, s.code(), s.message());
    ApiResponse out;
    RenderContext ctx{home_url, 2};
    out.body = parent ? RenderVariation(it->second, d, ctx) : RenderProduct(it->second, d, ctx);
    return out;
  });
}

}  // namespace api
}  // namespace es::woo::sandbox
