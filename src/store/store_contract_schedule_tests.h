// StateStore contract, schedules block (migration 0006_schedules): CRUD per
// tenant, the due list across tenants, the conditional claim that makes each
// due slot fire once (also when several handles race for it), and the
// outcome of a firing. Included by store_contract_test.h only; see there for
// how to use it.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"

namespace es::store::contract {

namespace schedule_contract {
inline Schedule Sched(const std::string& tenant, const std::string& id, int64_t next_due_ms = 0) {
  Schedule s;
  s.tenant_id = tenant;
  s.id = id;
  s.name = "Nightly " + id;
  s.cron = "30 2 * * *";
  s.timezone = "Europe/Berlin";
  s.entities = {"orders", "customers"};
  s.mode = "incremental";
  s.enabled = true;
  s.next_due_at_ms = next_due_ms;
  s.created_by = "alice";
  s.created_at_ms = 1'000;
  s.updated_at_ms = 1'000;
  return s;
}

inline std::vector<std::string> Ids(const std::vector<Schedule>& v) {
  std::vector<std::string> out;
  for (const Schedule& s : v) out.push_back(s.tenant_id + "/" + s.id);
  return out;
}
}  // namespace schedule_contract

TEST_P(StoreContractTest, ScheduleCrudIsPerTenant) {
  using schedule_contract::Sched;
  Schedule a = Sched("t1", "nightly", 5'000);
  a.source_connection = "woo-main";
  a.target_connection = "qbo-main";
  ASSERT_TRUE(store().CreateSchedule(a).ok());
  EXPECT_TRUE(store().CreateSchedule(a).IsConflict());
  ASSERT_TRUE(store().CreateSchedule(Sched("t1", "hourly")).ok());
  ASSERT_TRUE(store().CreateSchedule(Sched("t2", "nightly")).ok());  // same id, other tenant

  if (harness().persistent()) ReopenStore();
  auto got = store().GetSchedule("t1", "nightly");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  const Schedule& g = **got;
  EXPECT_EQ(g.name, "Nightly nightly");
  EXPECT_EQ(g.cron, "30 2 * * *");
  EXPECT_EQ(g.timezone, "Europe/Berlin");
  EXPECT_EQ(g.entities, (std::vector<std::string>{"orders", "customers"}));
  EXPECT_EQ(g.mode, "incremental");
  EXPECT_EQ(g.source_connection, "woo-main");
  EXPECT_EQ(g.target_connection, "qbo-main");
  EXPECT_TRUE(g.enabled);
  EXPECT_EQ(g.next_due_at_ms, 5'000);
  EXPECT_EQ(g.last_fired_at_ms, 0);
  EXPECT_EQ(g.created_by, "alice");
  EXPECT_EQ(g.created_at_ms, 1'000);

  auto list = store().ListSchedules("t1");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(schedule_contract::Ids(*list), (std::vector<std::string>{"t1/hourly", "t1/nightly"}));
  EXPECT_FALSE(store().GetSchedule("t3", "nightly")->has_value());
  EXPECT_TRUE(store().ListSchedules("t3")->empty());

  Schedule changed = g;
  changed.cron = "@hourly";
  changed.timezone = "UTC";
  changed.entities = {};
  changed.mode = "full";
  changed.enabled = false;
  changed.next_due_at_ms = 0;
  changed.last_fired_at_ms = 4'000;
  changed.created_by = "mallory";  // kept as created
  changed.created_at_ms = 9;
  changed.updated_at_ms = 7'000;
  ASSERT_TRUE(store().UpdateSchedule(changed).ok());
  auto after = store().GetSchedule("t1", "nightly");
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->cron, "@hourly");
  EXPECT_EQ((*after)->timezone, "UTC");
  EXPECT_TRUE((*after)->entities.empty());
  EXPECT_EQ((*after)->mode, "full");
  EXPECT_FALSE((*after)->enabled);
  EXPECT_EQ((*after)->next_due_at_ms, 0);
  EXPECT_EQ((*after)->last_fired_at_ms, 4'000);
  EXPECT_EQ((*after)->created_by, "alice");
  EXPECT_EQ((*after)->created_at_ms, 1'000);
  EXPECT_EQ((*after)->updated_at_ms, 7'000);
  // The other tenant's schedule of the same id is untouched.
  EXPECT_EQ((*store().GetSchedule("t2", "nightly"))->cron, "30 2 * * *");
  EXPECT_TRUE(store().UpdateSchedule(Sched("t3", "nightly")).IsNotFound());

  EXPECT_TRUE(store().DeleteSchedule("t2", "hourly").IsNotFound());
  ASSERT_TRUE(store().DeleteSchedule("t1", "nightly").ok());
  EXPECT_TRUE(store().DeleteSchedule("t1", "nightly").IsNotFound());
  EXPECT_FALSE(store().GetSchedule("t1", "nightly")->has_value());
  EXPECT_TRUE(store().GetSchedule("t2", "nightly")->has_value());

  // Required fields.
  Schedule bad = Sched("t1", "");
  EXPECT_TRUE(store().CreateSchedule(bad).IsValidation());
  bad = Sched("", "x");
  EXPECT_TRUE(store().CreateSchedule(bad).IsValidation());
  bad = Sched("t1", "x");
  bad.cron = "";
  EXPECT_TRUE(store().CreateSchedule(bad).IsValidation());

  // DeleteTenant takes the tenant's schedules along.
  ASSERT_TRUE(store().PutTenant({"t1", "Shop", 1}).ok());
  ASSERT_TRUE(store().DeleteTenant("t1").ok());
  EXPECT_TRUE(store().ListSchedules("t1")->empty());
  EXPECT_EQ(store().ListSchedules("t2")->size(), 1u);
}

TEST_P(StoreContractTest, ScheduleDueListAndClaimFireEachSlotOnce) {
  using schedule_contract::Sched;
  ASSERT_TRUE(store().CreateSchedule(Sched("t1", "a", 3'000)).ok());
  ASSERT_TRUE(store().CreateSchedule(Sched("t2", "b", 1'000)).ok());
  ASSERT_TRUE(store().CreateSchedule(Sched("t1", "later", 9'000)).ok());
  ASSERT_TRUE(store().CreateSchedule(Sched("t1", "never", 0)).ok());
  Schedule off = Sched("t1", "off", 500);
  off.enabled = false;
  ASSERT_TRUE(store().CreateSchedule(off).ok());

  auto due = store().ListDueSchedules(5'000, 10);
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  EXPECT_EQ(schedule_contract::Ids(*due), (std::vector<std::string>{"t2/b", "t1/a"}));  // earliest first
  EXPECT_EQ(store().ListDueSchedules(5'000, 1)->size(), 1u);
  EXPECT_EQ(store().ListDueSchedules(3'000, 10)->size(), 2u);  // due exactly now counts
  EXPECT_TRUE(store().ListDueSchedules(999, 10)->empty());
  EXPECT_TRUE(store().ListDueSchedules(5'000, 0).status().IsValidation());

  auto claimed = store().ClaimSchedule("t1", "a", 3'000, 63'000, 5'000);
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  ASSERT_TRUE(claimed->has_value());
  EXPECT_EQ((*claimed)->next_due_at_ms, 63'000);
  EXPECT_EQ((*claimed)->last_fired_at_ms, 5'000);
  EXPECT_EQ((*claimed)->cron, "30 2 * * *");
  // The same slot again (another process that read the old row): not claimed.
  auto again = store().ClaimSchedule("t1", "a", 3'000, 63'000, 5'001);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  EXPECT_EQ((*store().GetSchedule("t1", "a"))->last_fired_at_ms, 5'000);
  // Disabled, unknown or other tenant's: not claimed.
  EXPECT_FALSE(store().ClaimSchedule("t1", "off", 500, 60'500, 5'000)->has_value());
  EXPECT_FALSE(store().ClaimSchedule("t1", "nope", 500, 60'500, 5'000)->has_value());
  EXPECT_FALSE(store().ClaimSchedule("t1", "b", 1'000, 61'000, 5'000)->has_value());
  EXPECT_TRUE(store().ClaimSchedule("t1", "a", 0, 1, 1).status().IsValidation());
  EXPECT_EQ(schedule_contract::Ids(*store().ListDueSchedules(5'000, 10)), (std::vector<std::string>{"t2/b"}));
}

TEST_P(StoreContractTest, ScheduleFiringOutcomeAndRetry) {
  using schedule_contract::Sched;
  ASSERT_TRUE(store().CreateSchedule(Sched("t1", "a", 3'000)).ok());
  ASSERT_TRUE(store().ClaimSchedule("t1", "a", 3'000, 63'000, 5'000)->has_value());
  ASSERT_TRUE(store().FinishScheduleFiring("t1", "a", "run-1", "", 63'000, 0).ok());
  auto s = store().GetSchedule("t1", "a");
  EXPECT_EQ((*s)->last_run_id, "run-1");
  EXPECT_EQ((*s)->last_error, "");
  EXPECT_EQ((*s)->next_due_at_ms, 63'000);

  // A transient failure: tried again sooner.
  ASSERT_TRUE(store().ClaimSchedule("t1", "a", 63'000, 123'000, 64'000)->has_value());
  ASSERT_TRUE(store().FinishScheduleFiring("t1", "a", "", "conflict: lock held", 123'000, 94'000).ok());
  s = store().GetSchedule("t1", "a");
  EXPECT_EQ((*s)->last_run_id, "");
  EXPECT_EQ((*s)->last_error, "conflict: lock held");
  EXPECT_EQ((*s)->next_due_at_ms, 94'000);
  // ...unless the schedule moved meanwhile (edited): the retry is dropped.
  Schedule edited = **s;
  edited.next_due_at_ms = 200'000;
  ASSERT_TRUE(store().UpdateSchedule(edited).ok());
  ASSERT_TRUE(store().FinishScheduleFiring("t1", "a", "", "again", 94'000, 95'000).ok());
  EXPECT_EQ((*store().GetSchedule("t1", "a"))->next_due_at_ms, 200'000);
  // Updating the definition keeps the outcome fields.
  EXPECT_EQ((*store().GetSchedule("t1", "a"))->last_error, "again");
  EXPECT_TRUE(store().FinishScheduleFiring("t1", "gone", "r", "", 1, 0).IsNotFound());
}

TEST_P(StoreContractTest, ScheduleClaimRaceHasExactlyOneWinnerPerSlot) {
  using schedule_contract::Sched;
  constexpr int kThreads = 6;
  constexpr int kSlots = 10;
  std::vector<std::unique_ptr<StateStore>> handles;
  if (harness().persistent()) {
    for (int t = 0; t < kThreads; ++t) {
      auto h = harness().Open();
      ASSERT_TRUE(h.ok()) << h.status().ToString();
      handles.push_back(std::move(h).value());
    }
  }
  ASSERT_TRUE(store().CreateSchedule(Sched("t1", "race", 60'000)).ok());
  std::atomic<int> wins{0};
  std::atomic<int> errors{0};
  std::atomic<int> go{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      StateStore& s = handles.empty() ? store() : *handles[t];
      while (go.load() == 0) std::this_thread::yield();
      // Each thread ticks through the slots as a scheduler would: read what
      // is due, claim it for the next minute.
      for (int slot = 1; slot <= kSlots; ++slot) {
        const int64_t now = slot * 60'000;
        auto due = s.ListDueSchedules(now, 10);
        if (!due.ok()) {
          ++errors;
          continue;
        }
        for (const Schedule& d : *due) {
          auto c = s.ClaimSchedule(d.tenant_id, d.id, d.next_due_at_ms, now + 60'000, now);
          if (!c.ok()) ++errors;
          else if (c->has_value()) ++wins;
        }
      }
    });
  }
  go = 1;
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  // Every slot from 60 s to 600 s fired at most once, and the last one did.
  EXPECT_LE(wins.load(), kSlots);
  EXPECT_GE(wins.load(), 1);
  auto s = store().GetSchedule("t1", "race");
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((*s)->next_due_at_ms, (kSlots + 1) * 60'000);
  // Strict: when one thread claimed slot k, no other thread claimed it too —
  // checked by counting claims of one fixed slot from every handle at once.
  std::atomic<int> one{0};
  go = 0;
  threads.clear();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      StateStore& s2 = handles.empty() ? store() : *handles[t];
      while (go.load() == 0) std::this_thread::yield();
      auto c = s2.ClaimSchedule("t1", "race", (kSlots + 1) * 60'000, 999'000, 1);
      if (c.ok() && c->has_value()) ++one;
    });
  }
  go = 1;
  for (auto& th : threads) th.join();
  EXPECT_EQ(one.load(), 1);
}

}  // namespace es::store::contract
