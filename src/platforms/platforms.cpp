#include "platforms/platforms.h"

#include <cstdio>
#include <cstdlib>

#include "connectors/qbo/sync/qbo_platform.h"
#include "connectors/supabase/sync/supabase_platform.h"
#include "connectors/woo/sync/woo_platform.h"

namespace es::platforms {
namespace {

void Must(const Status& s) {
  if (s.ok()) return;
  fprintf(stderr, "platform registry: %s\n", s.ToString().c_str());
  abort();  // a programming error in the table below, caught by every test
}

engine::Registry Build() {
  engine::Registry r;
  Must(r.Register(woo::WooPlatform()));
  Must(r.Register(qbo::QboPlatform()));
  Must(r.Register(supabase::SupabasePlatform()));

  // Routes: (source, target, entity) with their rank (dependencies first).
  Must(r.AddRoute({"woo", "qbo", "customers"}, 10));
  Must(r.AddRoute({"woo", "qbo", "products"}, 20));
  Must(r.AddRoute({"woo", "qbo", "orders"}, 30));
  Must(r.AddRoute({"woo", "supabase", "customers"}, 10));
  Must(r.AddRoute({"woo", "supabase", "products"}, 20));
  Must(r.AddRoute({"woo", "supabase", "orders"}, 30));
  Must(r.AddRoute({"woo", "supabase", "refunds"}, 40));
  // The way back of products: QuickBooks stock and prices to the shop. It
  // runs only where a tenant's sync policy allows it (engine/two_way.h).
  Must(r.AddRoute({"qbo", "woo", "products"}, 20));
  return r;
}

}  // namespace

const engine::Registry& Registry() {
  static const engine::Registry registry = Build();
  return registry;
}

}  // namespace es::platforms
