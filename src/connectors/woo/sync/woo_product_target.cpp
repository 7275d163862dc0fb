#include "connectors/woo/sync/woo_product_target.h"

#include <set>

#include "engine/two_way.h"

namespace es::woo {
namespace {

constexpr size_t kSkusPerRequest = 50;

std::optional<Decimal> PriceOf(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  auto d = DecimalFromJson(*it);
  if (!d.ok()) {
    if (it->is_string() && it->get<std::string>().empty()) return std::nullopt;
    return std::nullopt;
  }
  return *d;
}

std::string Show(const std::optional<Decimal>& d) { return d ? d->ToString() : "none"; }

}  // namespace

Result<ShopItem> ShopItemFromJson(const Json& j, int64_t parent_hint) {
  if (!j.is_object()) return Status::Validation("WooCommerce product is not an object");
  ShopItem s;
  s.id = GetIntOr(j, "id", 0);
  if (s.id <= 0) return Status::Validation("WooCommerce product without an id");
  s.parent_id = GetIntOr(j, "parent_id", 0);
  if (s.parent_id == 0) s.parent_id = parent_hint;
  s.sku = GetStringOr(j, "sku");
  s.regular_price = PriceOf(j, "regular_price");
  auto ms = j.find("manage_stock");
  s.manage_stock = ms != j.end() && ms->is_boolean() && ms->get<bool>();
  if (s.manage_stock) {
    auto q = j.find("stock_quantity");
    if (q != j.end() && q->is_number_integer()) s.stock_quantity = q->get<int64_t>();
    else if (q != j.end() && !q->is_null()) {
      auto d = DecimalFromJson(*q);
      if (d.ok()) s.stock_quantity = d->units() / Decimal::kOne;
    }
  }
  s.version = GetStringOr(j, "date_modified_gmt");
  s.modified_ms = std::max<int64_t>(0, ParseIso8601(s.version.empty() ? "" : s.version + "Z"));
  return s;
}

Json ShopItemValue(const ShopItem& item) {
  model::Product p;
  if (item.regular_price) p.regular_price = model::Money::FromDecimal(*item.regular_price, "");
  p.manage_stock = item.manage_stock;
  if (item.stock_quantity) p.stock_quantity = Decimal::FromInt(*item.stock_quantity);
  return engine::TwoWayValue(p);
}

WooProductTarget::WooProductTarget(std::unique_ptr<Client> client, std::unique_ptr<BatchWriter> writer,
                                   store::StateStore& store, std::string tenant)
    : client_(std::move(client)), writer_(std::move(writer)), store_(store), tenant_(std::move(tenant)) {}

Result<std::map<std::string, ShopItem>> WooProductTarget::Match(const std::vector<engine::SourceRecord>& records,
                                                                engine::SyncContext& ctx) {
  // The Woo ids the id maps link each record to (this map, else the opposite flow's).
  std::map<std::string, std::string> linked;
  std::vector<std::string> skus;
  std::set<std::string> seen;
  for (const auto& r : records) {
    const model::Product* p = r.product();
    if (p == nullptr || p->sku.empty() || p->sku.find(',') != std::string::npos) continue;
    if (seen.insert(p->sku).second) skus.push_back(p->sku);
    ES_ASSIGN_OR_RETURN(auto m, ctx.Mapping("item", r.source_id));
    if (m && !m->target_id.empty()) {
      linked[r.source_id] = m->target_id;
      continue;
    }
    auto back = store_.FindMappingByTarget(tenant_, ctx.run().SourceState(), "item", r.source_id);
    if (!back.ok()) return back.status();
    if (back->has_value()) linked[r.source_id] = (*back)->source_id;
  }
  std::multimap<std::string, ShopItem> by_sku;
  for (size_t start = 0; start < skus.size(); start += kSkusPerRequest) {
    std::string list;
    for (size_t i = start; i < std::min(skus.size(), start + kSkusPerRequest); ++i)
      list += (list.empty() ? "" : ",") + skus[i];
    for (int page = 1;; ++page) {
      ES_ASSIGN_OR_RETURN(http::Response resp, client_->Get("products", {{"sku", list},
                                                                          {"per_page", "100"},
                                                                          {"page", std::to_string(page)},
                                                                          {"status", "any"}}));
      auto body = ParseJson(resp.body);
      if (!body.ok() || !body->is_array())
        return Status::Network("woo GET products?sku=…: the answer is not a JSON array");
      for (const Json& j : *body) {
        auto item = ShopItemFromJson(j);
        if (item.ok() && !item->sku.empty()) by_sku.emplace(item->sku, *item);
      }
      const int64_t pages = std::max<int64_t>(1, std::atoll(resp.Header("X-WP-TotalPages").c_str()));
      if (page >= pages || body->empty()) break;
    }
  }
  std::map<std::string, ShopItem> out;
  for (const auto& r : records) {
    const model::Product* p = r.product();
    if (p == nullptr || p->sku.empty()) continue;
    auto [lo, hi] = by_sku.equal_range(p->sku);
    if (lo == hi) continue;
    const ShopItem* pick = &lo->second;
    if (auto l = linked.find(r.source_id); l != linked.end())
      for (auto it = lo; it != hi; ++it)
        if (std::to_string(it->second.id) == l->second) pick = &it->second;
    out[r.source_id] = *pick;
  }
  matched_ = out;
  match_ids_.clear();
  for (const auto& r : records) match_ids_.insert(r.source_id);
  return out;
}

Result<std::map<std::string, engine::TargetCurrent>> WooProductTarget::Current(
    const std::string& entity, const std::vector<engine::SourceRecord>& records, engine::SyncContext& ctx) {
  std::map<std::string, engine::TargetCurrent> out;
  if (entity != "item") return out;
  ES_ASSIGN_OR_RETURN(auto matched, Match(records, ctx));
  for (const auto& [source_id, item] : matched) {
    engine::TargetCurrent c;
    c.target_id = std::to_string(item.id);
    c.value = ShopItemValue(item);
    c.modified_ms = item.modified_ms;
    c.version = item.version;
    out[source_id] = std::move(c);
  }
  return out;
}

Result<engine::Plan> WooProductTarget::PlanPage(const std::string& entity,
                                                const std::vector<engine::SourceRecord>& records,
                                                engine::SyncContext& ctx) {
  if (entity != "item") return Status::Validation("WooCommerce is a target of items only, not '" + entity + "'");
  // Current() of the same records just matched them; otherwise match now.
  bool fresh = !match_ids_.empty();
  for (const auto& r : records)
    if (!match_ids_.count(r.source_id)) fresh = false;
  std::map<std::string, ShopItem> matched;
  if (fresh) {
    matched = matched_;
  } else {
    ES_ASSIGN_OR_RETURN(matched, Match(records, ctx));
  }
  matched_.clear();
  match_ids_.clear();

  engine::Plan plan;
  std::map<std::string, int64_t> parents;  // by source id: the product whose variation it updates (0 = a product)
  for (const auto& r : records) {
    engine::PlanOp op;
    op.entity = "item";
    op.source_id = r.source_id;
    op.record_id = r.source_id;
    op.kind = engine::OpKind::kSkip;
    int64_t parent = 0;
    const model::Product* p = r.product();
    if (p == nullptr) {
      op.kind = engine::OpKind::kFail;
      op.error = Status::Validation("record " + r.source_id + " is not a product");
    } else if (p->sku.empty()) {
      op.reason = "no SKU: not matched to a WooCommerce product";
    } else if (auto it = matched.find(r.source_id); it == matched.end()) {
      op.reason = "no WooCommerce product or variation with SKU '" + p->sku + "'";
    } else {
      const ShopItem& shop = it->second;
      op.target_id = std::to_string(shop.id);
      op.target_type = shop.parent_id ? "variation" : "product";
      Json fields = Json::object();
      std::string why;
      const auto& price = p->regular_price ? p->regular_price : p->price;
      if (price) {
        const Decimal want = price->ToDecimal();
        if (!shop.regular_price || *shop.regular_price != want) {
          fields["regular_price"] = want.ToString();
          why += "price " + Show(shop.regular_price) + " → " + want.ToString();
        }
      }
      // Stock goes only to products and variations that manage stock: the
      // shop's choice not to count a product is left alone.
      if (p->manage_stock && p->stock_quantity && shop.manage_stock) {
        const Decimal q = *p->stock_quantity;
        if (q.units() % Decimal::kOne != 0) {
          op.kind = engine::OpKind::kFail;
          op.error = Status::Validation("quantity " + q.ToString() + " of SKU '" + p->sku +
                                        "' is not a whole number; WooCommerce stock is counted in whole units");
        } else {
          const int64_t want = q.units() / Decimal::kOne;
          if (shop.stock_quantity != want) {
            fields["stock_quantity"] = want;
            why += std::string(why.empty() ? "" : ", ") + "stock " +
                   (shop.stock_quantity ? std::to_string(*shop.stock_quantity) : "none") + " → " +
                   std::to_string(want);
          }
        }
      }
      if (op.kind != engine::OpKind::kFail) {
        if (fields.empty()) {
          op.reason = "unchanged";
        } else {
          op.kind = engine::OpKind::kUpdate;
          op.reason = why;
          op.payload = fields;
          op.payload["id"] = shop.id;
          op.fingerprint = engine::TwoWayHash(engine::TwoWayValue(*p));
        }
      }
      parent = shop.parent_id;
    }
    parents[r.source_id] = parent;
    plan.ops.push_back(std::move(op));
  }
  std::map<int64_t, int64_t> per_parent;
  for (size_t i = 0; i < plan.ops.size(); ++i)
    if (plan.ops[i].kind == engine::OpKind::kUpdate) ++per_parent[parents[plan.ops[i].source_id]];
  for (const auto& [parent, n] : per_parent) plan.estimated_requests += (n + 99) / 100;
  plan.state = std::move(parents);
  return plan;
}

Status WooProductTarget::Apply(engine::Plan& plan, engine::SyncContext& ctx) {
  // The plan may carry ops of others (the engine's two-way gate adds skips).
  const auto* parents = std::any_cast<std::map<std::string, int64_t>>(&plan.state);
  if (parents == nullptr) return Status::Internal("WooCommerce plan state does not belong to this plan");
  // Products in one group, each parent's variations in another.
  std::map<int64_t, std::vector<size_t>> by_parent;
  for (size_t i = 0; i < plan.ops.size(); ++i)
    if (plan.ops[i].kind == engine::OpKind::kUpdate) {
      auto it = parents->find(plan.ops[i].source_id);
      by_parent[it == parents->end() ? 0 : it->second].push_back(i);
    }
  for (const auto& [parent, idx] : by_parent) {
    if (ctx.Stopping()) return Status::Ok();
    std::vector<BatchUpdate> batch;
    for (size_t i : idx) {
      Json fields = plan.ops[i].payload;
      fields.erase("id");
      batch.push_back({std::atoll(plan.ops[i].target_id.c_str()), fields});
    }
    auto results = writer_->Update(parent, batch);
    if (!results.ok()) {
      if (engine::ScopeOf(results.status()) == engine::FailureScope::kPlatform) return results.status();
      for (size_t i : idx) ctx.Failed(plan.ops[i], results.status());
      continue;
    }
    for (size_t k = 0; k < idx.size(); ++k) {
      engine::PlanOp& op = plan.ops[idx[k]];
      const BatchItemResult& r = (*results)[k];
      if (!r.status.ok()) {
        ctx.Failed(op, r.status);
        continue;
      }
      engine::Written w;
      w.target_id = op.target_id;
      w.target_type = op.target_type;
      auto item = ShopItemFromJson(r.item, parent);
      w.version = item.ok() ? item->version : "";
      w.fingerprint = op.fingerprint;
      if (item.ok()) w.two_way_value = ShopItemValue(*item);
      (void)ctx.Done(op, w);
    }
  }
  return Status::Ok();
}

}  // namespace es::woo
