// The scheduler with a fake clock on real SQLite stores: missed slots fire
// once, two schedulers on one store fire each slot once, failures are
// recorded and transient ones retried, broken schedules are parked, and the
// background loop fires by itself.
#include "schedule/scheduler.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "store/factory/open_store.h"
#include "store/forwarding_store.h"

namespace es::schedule {
namespace {

int64_t At(const std::string& iso) { return ParseIso8601(iso); }

std::unique_ptr<store::StateStore> OpenOrDie(const std::string& url) {
  auto s = store::OpenStore(url);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

store::Schedule Make(const std::string& tenant, const std::string& id, const std::string& cron, int64_t now,
                     const std::string& tz = "UTC") {
  store::Schedule s;
  s.tenant_id = tenant;
  s.id = id;
  s.name = id;
  s.cron = cron;
  s.timezone = tz;
  s.created_at_ms = now;
  s.updated_at_ms = now;
  Status ok = PrepareSchedule(s, now);
  EXPECT_TRUE(ok.ok()) << ok.ToString();
  return s;
}

// Records every firing.
struct Recorder {
  std::mutex mu;
  std::vector<DueSchedule> fired;
  Status answer;
  FireFn Fn() {
    return [this](const DueSchedule& d) {
      std::lock_guard<std::mutex> lock(mu);
      fired.push_back(d);
      if (answer.ok()) d.started_id = "run-" + std::to_string(fired.size());
      return answer;
    };
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu);
    return fired.size();
  }
};

// A store whose due list waits until every scheduler of the race has read
// it too, so all of them try to claim the same rows.
class RacingStore final : public store::ForwardingStore {
 public:
  RacingStore(store::StateStore& inner, std::barrier<>& all_read) : ForwardingStore(inner), all_read_(all_read) {}
  Result<std::vector<store::Schedule>> ListDueSchedules(int64_t now_ms, int limit) override {
    auto due = ForwardingStore::ListDueSchedules(now_ms, limit);
    all_read_.arrive_and_wait();
    return due;
  }

 private:
  std::barrier<>& all_read_;
};

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie("sqlite://:memory:");
    ASSERT_NE(store_, nullptr);
  }
  store::Schedule Get(const std::string& tenant, const std::string& id) {
    auto s = store_->GetSchedule(tenant, id);
    EXPECT_TRUE(s.ok() && s->has_value());
    return s.ok() && s->has_value() ? **s : store::Schedule{};
  }

  FakeClock clock_{At("2026-01-01T00:00:00Z")};
  std::unique_ptr<store::StateStore> store_;
  Recorder rec_;
};

TEST_F(SchedulerTest, FiresWhenDueAndMissedSlotsOnlyOnce) {
  ASSERT_TRUE(store_->CreateSchedule(Make("t1", "five", "*/5 * * * *", clock_.NowMillis())).ok());
  EXPECT_EQ(Get("t1", "five").next_due_at_ms, At("2026-01-01T00:05:00Z"));
  Scheduler s(*store_, clock_, rec_.Fn());
  EXPECT_EQ(*s.Tick(), 0);
  clock_.Advance(4 * 60'000);
  EXPECT_EQ(*s.Tick(), 0);
  clock_.Advance(60'000);  // 00:05
  EXPECT_EQ(*s.Tick(), 1);
  EXPECT_EQ(*s.Tick(), 0);  // the same slot never twice
  ASSERT_EQ(rec_.size(), 1u);
  EXPECT_EQ(rec_.fired[0].slot_ms, At("2026-01-01T00:05:00Z"));
  EXPECT_EQ(rec_.fired[0].schedule.id, "five");
  store::Schedule after = Get("t1", "five");
  EXPECT_EQ(after.next_due_at_ms, At("2026-01-01T00:10:00Z"));
  EXPECT_EQ(after.last_fired_at_ms, At("2026-01-01T00:05:00Z"));
  EXPECT_EQ(after.last_run_id, "run-1");

  // Three hours of downtime (36 missed slots): one firing, then the next future slot.
  clock_.Advance(3 * 3'600'000 + 30'000);  // 03:05:30
  EXPECT_EQ(*s.Tick(), 1);
  EXPECT_EQ(*s.Tick(), 0);
  ASSERT_EQ(rec_.size(), 2u);
  EXPECT_EQ(rec_.fired[1].slot_ms, At("2026-01-01T00:10:00Z"));  // the oldest missed slot, reported
  EXPECT_EQ(rec_.fired[1].fired_at_ms, At("2026-01-01T03:05:30Z"));
  EXPECT_EQ(Get("t1", "five").next_due_at_ms, At("2026-01-01T03:10:00Z"));
}

TEST_F(SchedulerTest, SpringForwardFiresOnceAtTheEndOfTheGap) {
  clock_.Advance(At("2026-03-08T05:00:00Z") - clock_.NowMillis());
  ASSERT_TRUE(store_->CreateSchedule(Make("t1", "ny", "30 2 * * *", clock_.NowMillis(), "America/New_York")).ok());
  EXPECT_EQ(Get("t1", "ny").next_due_at_ms, At("2026-03-08T07:00:00Z"));  // 02:30 does not exist: 03:00 EDT
  Scheduler s(*store_, clock_, rec_.Fn());
  for (int minute = 0; minute < 180; ++minute) {
    clock_.Advance(60'000);
    ASSERT_TRUE(s.Tick().ok());
  }
  EXPECT_EQ(rec_.size(), 1u);
  EXPECT_EQ(Get("t1", "ny").next_due_at_ms, At("2026-03-09T06:30:00Z"));
}

TEST_F(SchedulerTest, TwoSchedulersOnOneStoreFireEachSlotOnce) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / ("es_sched_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string url = "sqlite://" + (dir / "state.db").string();
  auto a = OpenOrDie(url);
  auto b = OpenOrDie(url);
  ASSERT_TRUE(a && b);
  for (const char* id : {"s1", "s2", "s3"})
    ASSERT_TRUE(a->CreateSchedule(Make("t1", id, "* * * * *", clock_.NowMillis())).ok());
  ASSERT_TRUE(a->CreateSchedule(Make("t2", "s1", "*/2 * * * *", clock_.NowMillis())).ok());
  std::barrier<> all_read(2);
  RacingStore race_a(*a, all_read);
  RacingStore race_b(*b, all_read);
  Recorder ra, rb;
  Scheduler sa(race_a, clock_, ra.Fn());
  Scheduler sb(race_b, clock_, rb.Fn());
  constexpr int kMinutes = 30;
  for (int minute = 0; minute < kMinutes; ++minute) {
    clock_.Advance(60'000);
    std::atomic<int> go{0};
    std::atomic<int> errors{0};
    std::thread ta([&] {
      while (go.load() == 0) std::this_thread::yield();
      if (!sa.Tick().ok()) ++errors;
    });
    std::thread tb([&] {
      while (go.load() == 0) std::this_thread::yield();
      if (!sb.Tick().ok()) ++errors;
    });
    go = 1;
    ta.join();
    tb.join();
    ASSERT_EQ(errors.load(), 0);
  }
  std::map<std::string, int> per_slot;
  for (Recorder* r : {&ra, &rb})
    for (const DueSchedule& d : r->fired)
      ++per_slot[d.schedule.tenant_id + "/" + d.schedule.id + "@" + std::to_string(d.slot_ms)];
  for (const auto& [slot, n] : per_slot) EXPECT_EQ(n, 1) << slot << " fired " << n << " times";
  EXPECT_EQ(per_slot.size(), 3u * kMinutes + kMinutes / 2);  // every slot fired, by one of them
  printf("[ two schedulers, both saw every slot due ] A fired %zu, B fired %zu\n", ra.size(), rb.size());
  a.reset();
  b.reset();
  fs::remove_all(dir);
}

TEST_F(SchedulerTest, TransientFailuresAreRetriedOthersWaitForTheNextSlot) {
  ASSERT_TRUE(store_->CreateSchedule(Make("t1", "hourly", "@hourly", clock_.NowMillis())).ok());
  Scheduler::Options o;
  o.retry_ms = 30'000;
  Scheduler s(*store_, clock_, rec_.Fn(), o);
  clock_.Advance(3'600'000);  // 01:00
  rec_.answer = Status::Conflict("run lock of woo -> qbo is held");
  EXPECT_EQ(*s.Tick(), 1);
  store::Schedule st = Get("t1", "hourly");
  EXPECT_NE(st.last_error.find("run lock"), std::string::npos) << st.last_error;
  EXPECT_EQ(st.last_run_id, "");
  EXPECT_EQ(st.next_due_at_ms, At("2026-01-01T01:00:30Z"));
  clock_.Advance(30'000);
  rec_.answer = Status::Ok();
  EXPECT_EQ(*s.Tick(), 1);
  st = Get("t1", "hourly");
  EXPECT_EQ(st.last_error, "");
  EXPECT_EQ(st.last_run_id, "run-2");
  EXPECT_EQ(st.next_due_at_ms, At("2026-01-01T02:00:00Z"));

  clock_.Advance(3'600'000 - 30'000);  // 02:00
  rec_.answer = Status::Validation("connection 'woo' not found");
  EXPECT_EQ(*s.Tick(), 1);
  st = Get("t1", "hourly");
  EXPECT_NE(st.last_error.find("not found"), std::string::npos);
  EXPECT_EQ(st.next_due_at_ms, At("2026-01-01T03:00:00Z"));  // no retry: it would fail the same way
}

TEST_F(SchedulerTest, CallbackExceptionsAndBrokenSchedulesDoNotStopTheLoop) {
  store::Schedule broken = Make("t1", "broken", "* * * * *", clock_.NowMillis());
  broken.cron = "61 * * * *";  // written behind the API's back
  ASSERT_TRUE(store_->CreateSchedule(broken).ok());
  ASSERT_TRUE(store_->CreateSchedule(Make("t1", "fine", "* * * * *", clock_.NowMillis())).ok());
  int calls = 0;
  Scheduler s(*store_, clock_, [&](const DueSchedule&) -> Status {
    ++calls;
    throw std::runtime_error("boom");
  });
  clock_.Advance(60'000);
  EXPECT_EQ(*s.Tick(), 1);
  EXPECT_EQ(calls, 1);
  store::Schedule b = Get("t1", "broken");
  EXPECT_EQ(b.next_due_at_ms, 0);  // parked
  EXPECT_NE(b.last_error.find("minute"), std::string::npos) << b.last_error;
  EXPECT_NE(Get("t1", "fine").last_error.find("boom"), std::string::npos);
  clock_.Advance(60'000);
  EXPECT_EQ(*s.Tick(), 1);  // the parked one stays parked, the other goes on
}

TEST_F(SchedulerTest, DisabledSchedulesNeverFireAndPrepareNamesTheField) {
  store::Schedule off = Make("t1", "off", "* * * * *", clock_.NowMillis());
  off.enabled = false;
  ASSERT_TRUE(PrepareSchedule(off, clock_.NowMillis()).ok());
  EXPECT_EQ(off.next_due_at_ms, 0);
  ASSERT_TRUE(store_->CreateSchedule(off).ok());
  Scheduler s(*store_, clock_, rec_.Fn());
  clock_.Advance(600'000);
  EXPECT_EQ(*s.Tick(), 0);

  store::Schedule bad = off;
  bad.cron = "* * * 13 *";
  EXPECT_EQ(PrepareSchedule(bad, 0).code(), "month");
  bad.cron = "* * * * *";
  bad.timezone = "Europe/Atlantis";
  EXPECT_EQ(PrepareSchedule(bad, 0).code(), "timezone");
}

TEST_F(SchedulerTest, BackgroundLoopFiresByItself) {
  ASSERT_TRUE(store_->CreateSchedule(Make("t1", "soon", "* * * * *", clock_.NowMillis())).ok());
  Scheduler::Options o;
  o.tick_ms = 10;
  Scheduler s(*store_, clock_, rec_.Fn(), o);
  s.Start();
  clock_.Advance(60'000);
  for (int i = 0; i < 500 && rec_.size() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  s.Stop();
  EXPECT_EQ(rec_.size(), 1u);
}

}  // namespace
}  // namespace es::schedule
