// StateStore contract, part 2: hostile input, concurrency and durability.
// Included by store_contract_test.h only; see there for how to use it.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"

namespace es::store::contract {

inline std::vector<std::string> HostileStrings() {
  return {
      "'; DROP TABLE id_mappings; --",
      "Robert'); DROP TABLE tenants;--",
      "\"double\" and 'single' quotes '' \"\"",
      "back\\slash \\' \\\" \\\\",
      "100% _like_ [brackets] *star* ?1 ?2 $1 :name @p",
      "' OR '1'='1",
      "Café ☕ 日本語 🎉 Ωμέγα",
      "line\nbreak\ttab\rreturn",
      "ctl\x01\x02\x1f\x7f",
      "/* comment */ SELECT * FROM locks; -- ",
      std::string(20000, 'x'),
  };
}

TEST_P(StoreContractTest, HostileStringsRoundTrip) {
  const std::vector<std::string> hostile = HostileStrings();
  for (size_t i = 0; i < hostile.size(); ++i) {
    const std::string& s = hostile[i];
    SCOPED_TRACE("hostile string #" + std::to_string(i));
    const std::string tenant = s;  // the hostile text as every key part

    ASSERT_TRUE(store().PutTenant({tenant, s, 1}).ok());
    EXPECT_EQ((*store().GetTenant(tenant))->name, s);

    Connection c;
    c.tenant_id = tenant;
    c.id = s;
    c.kind = "woo";
    c.name = s;
    c.config = Json{{s, s}, {"list", {s}}};
    c.secret = s;
    ASSERT_TRUE(store().PutConnection(c).ok());
    auto gc = store().GetConnection(tenant, s);
    ASSERT_TRUE(gc.ok() && gc->has_value()) << gc.status().ToString();
    EXPECT_EQ((*gc)->name, s);
    EXPECT_EQ((*gc)->config, c.config);
    EXPECT_EQ((*gc)->secret, s);

    IdMapping m = Mapping(tenant, s, s, s);
    m.target_connection = s;
    m.sync_token = s;
    m.fingerprint = s;
    ASSERT_TRUE(store().PutMapping(m).ok());
    auto gm = store().GetMapping(tenant, s, s, s);
    ASSERT_TRUE(gm.ok() && gm->has_value());
    EXPECT_EQ((*gm)->target_id, s);
    EXPECT_EQ((*gm)->fingerprint, s);
    EXPECT_EQ(*store().CountMappings(tenant, s, s), 1);

    ASSERT_TRUE(store().PutIntent({tenant, s, s, s, s, s, 1}).ok());
    EXPECT_EQ((*store().GetIntent(tenant, s, s, s))->lookup_key, s);

    SyncRun r = Run(tenant, s, 1000);
    r.entities = {s};
    r.error = s;
    r.counts = Json{{s, {{"created", 1}}}};
    ASSERT_TRUE(store().CreateRun(r).ok());
    auto gr = store().GetRun(tenant, s);
    ASSERT_TRUE(gr.ok() && gr->has_value()) << gr.status().ToString();
    EXPECT_EQ((*gr)->error, s);
    EXPECT_EQ((*gr)->entities, std::vector<std::string>{s});
    EXPECT_EQ((*gr)->counts, r.counts);

    RecordResult rr = Result1(tenant, s, s);
    rr.message = s;
    ASSERT_TRUE(store().AddRecordResults({rr}).ok());
    EXPECT_EQ((*store().ListRecordResults(tenant, s, 0))[0].message, s);

    FailedRecord f = Failed(tenant, s, 1);
    f.message = s;
    ASSERT_TRUE(store().PutFailed(f).ok());
    EXPECT_EQ((*store().ListFailed(tenant, 0))[0].message, s);

    ASSERT_TRUE(store().PutCursor(tenant, s, s, s, s).ok());
    EXPECT_EQ(**store().GetCursor(tenant, s, s, s), s);

    ASSERT_TRUE(store().AcquireLock(tenant, s, s, 0, 1000).ok());
    Status held = store().AcquireLock(tenant, s, "other", 1, 1000);
    EXPECT_TRUE(held.IsConflict());
  }
  // Nothing was executed as SQL: every table still answers, one row per string.
  for (const std::string& s : hostile) {
    EXPECT_EQ(store().ListConnections(s)->size(), 1u);
    EXPECT_EQ(store().ListFailed(s, 0)->size(), 1u);
  }
}

// Invalid UTF-8 is either stored and returned byte for byte or refused with a
// clear error; it never crashes or corrupts the store.
TEST_P(StoreContractTest, InvalidUtf8IsStoredOrRefused) {
  const std::string bad = "bad\xff\xfe\xc3(utf8";
  Status s = store().PutMapping(Mapping("t1", bad, bad));
  if (s.ok()) {
    auto m = store().GetMapping("t1", "qbo-main", "customer", bad);
    ASSERT_TRUE(m.ok() && m->has_value());
    EXPECT_EQ((*m)->target_id, bad);
  } else {
    EXPECT_TRUE(s.IsValidation()) << s.ToString();
  }
  ASSERT_TRUE(store().PutMapping(Mapping("t1", "fine", "1")).ok());
  EXPECT_TRUE((*store().GetMapping("t1", "qbo-main", "customer", "fine")).has_value());
}

TEST_P(StoreContractTest, ConcurrentWritersShareOneStore) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 150;
  ASSERT_TRUE(store().CreateRun(Run("t1", "run-c", 1000)).ok());
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        if (!store().PutMapping(Mapping("t1", id, "T" + id)).ok()) ++errors;
        if (!store().PutFailed(Failed("t1", "shared", 1000 + i)).ok()) ++errors;
        if (!store().AddRecordResults({Result1("t1", "run-c", id)}).ok()) ++errors;
        if (!store().PutCursor("t1", "woo-main", "qbo-main", "order", id).ok()) ++errors;
        if (!store().GetMapping("t1", "qbo-main", "customer", id).ok()) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(*store().CountMappings("t1", "qbo-main", "customer"), kThreads * kPerThread);
  EXPECT_EQ(store().ListRecordResults("t1", "run-c", 0)->size(), static_cast<size_t>(kThreads * kPerThread));
  auto failed = store().ListFailed("t1", 0);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].retry_count, kThreads * kPerThread - 1);
}

TEST_P(StoreContractTest, ConcurrentWritersOnSeparateHandles) {
  if (!harness().persistent()) GTEST_SKIP() << "handles of a non-persistent store do not share data";
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100;
  std::vector<std::unique_ptr<StateStore>> handles;
  for (int t = 0; t < kThreads; ++t) {
    auto h = harness().Open();
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    handles.push_back(std::move(h).value());
  }
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      StateStore& s = *handles[t];
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        if (!s.PutMapping(Mapping("t1", id, "T" + id)).ok()) ++errors;
        if (!s.PutFailed(Failed("t1", "shared", 1000 + i)).ok()) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(*store().CountMappings("t1", "qbo-main", "customer"), kThreads * kPerThread);
  EXPECT_EQ((*store().ListFailed("t1", 0))[0].retry_count, kThreads * kPerThread - 1);
}

TEST_P(StoreContractTest, LockRaceHasExactlyOneWinner) {
  constexpr int kThreads = 8;
  std::vector<std::unique_ptr<StateStore>> handles;
  if (harness().persistent()) {
    for (int t = 0; t < kThreads; ++t) {
      auto h = harness().Open();
      ASSERT_TRUE(h.ok()) << h.status().ToString();
      handles.push_back(std::move(h).value());
    }
  }
  for (int round = 0; round < 5; ++round) {
    const std::string key = "race-" + std::to_string(round);
    std::atomic<int> winners{0};
    std::atomic<int> conflicts{0};
    std::atomic<int> go{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        StateStore& s = handles.empty() ? store() : *handles[t];
        while (go.load() == 0) std::this_thread::yield();
        Status st = s.AcquireLock("t1", key, "worker-" + std::to_string(t), 1000, 60'000);
        if (st.ok()) ++winners;
        if (st.IsConflict()) ++conflicts;
      });
    }
    go = 1;
    for (auto& th : threads) th.join();
    EXPECT_EQ(winners.load(), 1) << key;
    EXPECT_EQ(conflicts.load(), kThreads - 1) << key;
  }
}

TEST_P(StoreContractTest, ReopenFindsData) {
  if (!harness().persistent()) GTEST_SKIP() << "store is not persistent";
  const int version = store().SchemaVersion();
  ASSERT_TRUE(store().PutMapping(Mapping("t1", "1", "58")).ok());
  ASSERT_TRUE(store().PutCursor("t1", "woo-main", "qbo-main", "order", "c-7").ok());
  ASSERT_TRUE(store().CreateRun(Run("t1", "run-1", 1000, RunStatus::kSucceeded)).ok());
  ASSERT_TRUE(store().PutFailed(Failed("t1", "9", 1000)).ok());
  ASSERT_TRUE(store().AcquireLock("t1", "k", "w", 1000, 60'000).ok());

  ReopenStore();
  EXPECT_EQ(store().SchemaVersion(), version);
  EXPECT_EQ((*store().GetMapping("t1", "qbo-main", "customer", "1"))->target_id, "58");
  EXPECT_EQ(**store().GetCursor("t1", "woo-main", "qbo-main", "order"), "c-7");
  EXPECT_EQ((*store().GetRun("t1", "run-1"))->status, RunStatus::kSucceeded);
  EXPECT_EQ(store().ListFailed("t1", 0)->size(), 1u);
  EXPECT_TRUE(store().AcquireLock("t1", "k", "other", 2000, 60'000).IsConflict());
}

// The crash model: a write that returned survives the process being killed.
TEST_P(StoreContractTest, WritesSurviveKill9) {
  if (!harness().persistent()) GTEST_SKIP() << "store is not persistent";
  CloseStore();  // no connection may cross fork()
  pid_t pid = fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    auto s = harness().Open();
    if (!s.ok()) _exit(2);
    StateStore& st = **s;
    for (int i = 0; i < 50; ++i) {
      const std::string id = std::to_string(i);
      if (!st.PutMapping(Mapping("t1", id, "T" + id)).ok()) _exit(3);
      if (!st.PutCursor("t1", "woo-main", "qbo-main", "customer", id).ok()) _exit(4);
    }
    raise(SIGKILL);  // no destructors, no close, no checkpoint
    _exit(5);
  }
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited with " << WEXITSTATUS(wstatus);
  EXPECT_EQ(WTERMSIG(wstatus), SIGKILL);

  ReopenStore();
  EXPECT_EQ(*store().CountMappings("t1", "qbo-main", "customer"), 50);
  EXPECT_EQ((*store().GetMapping("t1", "qbo-main", "customer", "49"))->target_id, "T49");
  EXPECT_EQ(**store().GetCursor("t1", "woo-main", "qbo-main", "customer"), "49");
}

}  // namespace es::store::contract
