#include "cli/run_summary.h"

namespace es::cli {
namespace {

int64_t Count(const engine::RunReport& r, const char* entity, int64_t engine::EntityCounts::*field) {
  auto it = r.counts.find(entity);
  return it == r.counts.end() ? 0 : it->second.*field;
}

}  // namespace

Json LifecycleJson(const engine::RunReport& r) {
  using C = engine::EntityCounts;
  return {{"updated", Count(r, "order", &C::updated)},
          {"voided", Count(r, "order", &C::voided) + Count(r, "order", &C::deleted)},
          {"refunds", Count(r, "refund", &C::created) + Count(r, "refund", &C::linked)},
          {"payments", Count(r, "payment", &C::created) + Count(r, "payment", &C::linked)},
          {"customers_updated", Count(r, "customer", &C::updated)},
          {"items_updated", Count(r, "item", &C::updated)}};
}

int64_t Writes(const engine::RunReport& r) {
  int64_t n = 0;
  for (const auto& [entity, c] : r.counts) n += c.created + c.linked + c.updated + c.voided + c.deleted;
  return n;
}

}  // namespace es::cli
