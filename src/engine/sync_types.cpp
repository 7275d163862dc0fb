#include "engine/sync_types.h"

namespace es::engine {

const std::vector<EntityInfo>& Entities() {
  static const std::vector<EntityInfo> table = {
      {"customers", "customer"}, {"products", "item"}, {"orders", "order"}, {"refunds", "refund"}};
  return table;
}

std::string StoreEntity(const std::string& route_entity) {
  for (const auto& e : Entities())
    if (route_entity == e.route) return e.store;
  return route_entity;
}

std::string RouteEntity(const std::string& store_entity) {
  for (const auto& e : Entities())
    if (store_entity == e.store) return e.route;
  return store_entity;
}

const char* OpKindName(OpKind k) {
  switch (k) {
    case OpKind::kCreate: return "create";
    case OpKind::kUpdate: return "update";
    case OpKind::kVoid: return "void";
    case OpKind::kDelete: return "delete";
    case OpKind::kRefund: return "refund";
    case OpKind::kPayment: return "payment";
    case OpKind::kSkip: return "skip";
    case OpKind::kFail: return "fail";
  }
  return "skip";
}

}  // namespace es::engine
