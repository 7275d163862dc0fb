#include "cli/run_summary.h"

#include <cstdio>

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

// The dry-run plan as a table: one line per would-be write.
void PrintPlan(const engine::RunReport& r) {
  printf("%-8s %-9s %-14s %-13s %s\n", "OP", "ENTITY", "SOURCE ID", "TARGET", "REASON");
  for (const auto& p : r.previews) {
    std::string target = GetStringOr(p, "target_type");
    std::string tid = GetStringOr(p, "target_id");
    if (!tid.empty()) target += " " + tid;
    printf("%-8s %-9s %-14s %-13s %s\n", GetStringOr(p, "operation").c_str(), GetStringOr(p, "entity").c_str(),
           GetStringOr(p, "source_id").c_str(), target.c_str(), GetStringOr(p, "reason").c_str());
  }
  if (r.previews_dropped > 0) printf("… and %lld more (use --json for the payloads)\n",
                                     static_cast<long long>(r.previews_dropped));
  printf("plan: %zu writes, about %lld requests to the target; nothing was written\n",
         r.previews.size() + static_cast<size_t>(r.previews_dropped), static_cast<long long>(r.estimated_requests));
}

// What changed in documents already booked: updates, voids, refunds, payments.
void PrintLifecycle(const engine::RunReport& r) {
  Json l = LifecycleJson(r);
  auto n = [&](const char* key) { return static_cast<long long>(l[key].get<int64_t>()); };
  long long linked = 0;
  for (const auto& [e, c] : r.counts) linked += c.linked;
  if (n("updated") + n("voided") + n("refunds") + n("payments") + linked == 0) return;
  printf("documents: %lld updated, %lld voided, %lld refunds, %lld payments", n("updated"), n("voided"),
         n("refunds"), n("payments"));
  if (linked > 0) printf("; %lld found in the target and linked (not created again)", linked);
  printf("\n");
}

}  // namespace es::cli
