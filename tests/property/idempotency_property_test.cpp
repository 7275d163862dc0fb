// SPEC §4 invariant: every WooCommerce order becomes exactly one QBO
// document. Random stores are synced twice, or interrupted at a random point
// of a random write and resumed; afterwards each synced order has exactly
// one document, no DocNumber repeats, every total reconciles, and a further
// run creates nothing.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>

#include "support/sync_fixture.h"

namespace es::testing {
namespace {

FixtureOptions RandomStore() {
  FixtureOptions o;
  o.woo.seed = *rc::gen::inRange<uint64_t>(1, 1'000'000);
  o.woo.orders = *rc::gen::inRange(1, 60);
  o.woo.customers = *rc::gen::inRange(1, 12);
  o.woo.products = *rc::gen::inRange(1, 10);
  o.qbo.throttle = false;
  o.transformer_config = {{"doc_number_prefix", "WC-"}};
  return o;
}

// Prints the failed-record queue so a falsified case says why.
void DumpFailures(SyncFixture& f) {
  auto failed = f.store().ListFailed(SyncFixture::kTenant, 20);
  if (!failed.ok()) return;
  for (const auto& r : *failed)
    RC_LOG() << r.entity << " " << r.source_id << " [" << r.category << " " << r.code << "] " << r.message << "\n";
}

void CheckExactlyOnce(SyncFixture& f) {
  auto orders = f.SyncedWooOrders();
  RC_ASSERT(f.QboDocumentCount() == static_cast<int64_t>(orders.size()));
  RC_ASSERT(f.DuplicateDocNumbers().empty());
  auto rec = f.Reconcile();
  RC_ASSERT(rec.ok());
  RC_ASSERT(rec->mismatches == 0);
  RC_ASSERT(rec->matched == static_cast<int64_t>(orders.size()));
}

RC_GTEST_PROP(Idempotency, SyncingTwiceCreatesNothingTheSecondTime, ()) {
  SyncFixture f(RandomStore());
  RC_ASSERT(f.Start().ok());
  auto first = f.Sync();
  RC_ASSERT(first.ok());
  if (first->run.totals.failed != 0) DumpFailures(f);
  RC_ASSERT(first->run.totals.failed == 0);
  auto second = f.Sync();
  RC_ASSERT(second.ok());
  RC_ASSERT(second->run.totals.created == 0);
  RC_ASSERT(second->run.totals.failed == 0);
  CheckExactlyOnce(f);
}

RC_GTEST_PROP(Idempotency, InterruptedRunResumesWithoutDuplicates, ()) {
  SyncFixture f(RandomStore());
  RC_ASSERT(f.Start().ok());
  const std::string point =
      *rc::gen::element<std::string>("after_intent", "after_write", "after_record", "after_mapping");
  const int after = *rc::gen::inRange(0, 12);
  std::atomic<int> seen{0};
  auto crashed = f.Sync({}, [&](const std::string& p) { return p == point && seen++ == after; });
  RC_ASSERT(crashed.ok());
  // Resume (possibly crashing once more at another point), then finish.
  const int after2 = *rc::gen::inRange(0, 6);
  std::atomic<int> seen2{0};
  auto again = f.Sync({}, [&](const std::string& p) { return p == "after_write" && seen2++ == after2; });
  RC_ASSERT(again.ok());
  auto finish = f.Sync();
  RC_ASSERT(finish.ok());
  if (finish->run.totals.failed != 0) DumpFailures(f);
  RC_ASSERT(finish->run.totals.failed == 0);
  auto idle = f.Sync();
  RC_ASSERT(idle.ok());
  RC_ASSERT(idle->run.totals.created == 0);
  CheckExactlyOnce(f);
}

}  // namespace
}  // namespace es::testing
