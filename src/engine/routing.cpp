#include "engine/routing.h"

#include <algorithm>

#include "engine/woo_qbo_flows.h"
#include "engine/woo_supabase_flows.h"

namespace es::engine {

Status RouteTable::Register(RouteKey key, FlowFactory factory, int order) {
  if (routes_.count(key))
    return Status::Conflict("route " + key.source + " -> " + key.target + " '" + key.entity + "' is already registered");
  routes_[key] = {std::move(factory), order};
  return Status::Ok();
}

Result<std::unique_ptr<Flow>> RouteTable::Make(const RouteKey& key) const {
  auto it = routes_.find(key);
  if (it == routes_.end()) {
    std::string known;
    for (const auto& e : Entities(key.source, key.target)) known += (known.empty() ? "" : ", ") + e;
    return Status::Validation("no route from '" + key.source + "' to '" + key.target + "' for entity '" + key.entity +
                              "'" + (known.empty() ? " (this pair has no routes)" : " (supported: " + known + ")"));
  }
  return it->second.factory();
}

std::vector<std::string> RouteTable::Entities(const std::string& source, const std::string& target) const {
  std::vector<std::pair<int, std::string>> found;
  for (const auto& [k, e] : routes_)
    if (k.source == source && k.target == target) found.emplace_back(e.order, k.entity);
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& [o, name] : found) out.push_back(name);
  return out;
}

const RouteTable& RouteTable::Default() {
  static const RouteTable table = [] {
    RouteTable t;
    (void)t.Register({"woo", "qbo", "customers"}, MakeWooQboCustomersFlow, 10);
    (void)t.Register({"woo", "qbo", "products"}, MakeWooQboProductsFlow, 20);
    (void)t.Register({"woo", "qbo", "orders"}, MakeWooQboOrdersFlow, 30);
    (void)t.Register({"woo", "supabase", "customers"}, MakeWooSupabaseCustomersFlow, 10);
    (void)t.Register({"woo", "supabase", "products"}, MakeWooSupabaseProductsFlow, 20);
    (void)t.Register({"woo", "supabase", "orders"}, MakeWooSupabaseOrdersFlow, 30);
    (void)t.Register({"woo", "supabase", "refunds"}, MakeWooSupabaseRefundsFlow, 40);
    return t;
  }();
  return table;
}

std::string StoreEntity(const std::string& route_entity) {
  if (route_entity == "customers") return "customer";
  if (route_entity == "products") return "item";
  if (route_entity == "orders") return "order";
  return route_entity;
}

}  // namespace es::engine
