// Routing table (SPEC §2, F7): flows are chosen by (source connector,
// target connector, entity). Adding a platform means registering routes,
// not editing the orchestrator. Registering a route twice is refused.
// Immutable after start-up; safe to read from many threads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "engine/flow.h"

namespace es::engine {

struct RouteKey {
  std::string source;  // connector kind: "woo"
  std::string target;  // "qbo"
  std::string entity;  // "customers", "products", "orders"
  auto operator<=>(const RouteKey&) const = default;
};

using FlowFactory = std::function<std::unique_ptr<Flow>()>;

class RouteTable {
 public:
  Status Register(RouteKey key, FlowFactory factory, int order);
  // Fails with a Validation error naming the route when none is registered.
  Result<std::unique_ptr<Flow>> Make(const RouteKey& key) const;
  // Entities of a (source, target) pair in dependency order.
  std::vector<std::string> Entities(const std::string& source, const std::string& target) const;
  // The routes every deployment has (woo → qbo customers, products, orders).
  static const RouteTable& Default();

 private:
  struct Entry {
    FlowFactory factory;
    int order;
  };
  std::map<RouteKey, Entry> routes_;
};

// The store entity a route entity maps to ("orders" → "order").
std::string StoreEntity(const std::string& route_entity);

}  // namespace es::engine
