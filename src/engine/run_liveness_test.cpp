// Run liveness: lock owners naming a process, dead processes of this host,
// expired leases, and marking dead runs abandoned.
#include "engine/run_liveness.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/factory/open_store.h"

namespace es::engine {
namespace {

TEST(RunLiveness, LockOwnerNamesRunHostAndProcess) {
  const std::string owner = LockOwnerFor("run-1");
  EXPECT_EQ(owner, "run-1@" + ThisHost() + ":" + std::to_string(getpid()));
  LockOwner o = ParseLockOwner(owner);
  EXPECT_EQ(o.run_id, "run-1");
  EXPECT_EQ(o.host, ThisHost());
  EXPECT_EQ(o.pid, getpid());
  EXPECT_FALSE(OwnerProcessGone(o));

  // Owners not in that form (other tools, older runs) name no process.
  for (const char* other : {"other-worker", "a@b", "a@b:", "a@:12", "a@b:12x", "@h:1x"}) {
    LockOwner p = ParseLockOwner(other);
    EXPECT_EQ(p.run_id, other);
    EXPECT_EQ(p.pid, 0) << other;
    EXPECT_FALSE(OwnerProcessGone(p)) << other;
  }
  // A run id with '@' or ':' in it still parses from the right.
  LockOwner q = ParseLockOwner("x@y:z@host:42");
  EXPECT_EQ(q.run_id, "x@y:z");
  EXPECT_EQ(q.host, "host");
  EXPECT_EQ(q.pid, 42);
  // Another host: unknown, so not gone.
  EXPECT_FALSE(OwnerProcessGone({"r", "some-other-host", 1}));
}

TEST(RunLiveness, AProcessThatEndedIsGoneReapedOrNot) {
  pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  LockOwner o{"r", ThisHost(), child};
  // Not reaped yet: a zombie, gone all the same.
  for (int i = 0; i < 200 && !OwnerProcessGone(o); ++i) usleep(5000);
  EXPECT_TRUE(OwnerProcessGone(o));
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(OwnerProcessGone(o));
}

class RunLivenessStore : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::OpenStore(":memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    run_.tenant_id = "t1";
    run_.id = "run-1";
    run_.source_connection = "woo";
    run_.target_connection = "qbo";
    run_.mode = "full";
    run_.status = store::RunStatus::kRunning;
    run_.started_at_ms = 1000;
    ASSERT_TRUE(store_->CreateRun(run_).ok());
  }
  std::unique_ptr<store::StateStore> store_;
  store::SyncRun run_;
};

TEST_F(RunLivenessStore, ALiveHolderIsAliveUntilItsLeaseExpires) {
  const std::string owner = LockOwnerFor(run_.id);
  ASSERT_TRUE(store_->AcquireLock("t1", RunLockKey("woo", "qbo"), owner, 1000, 60'000).ok());
  auto l = CheckRunLiveness(*store_, run_, 2000);
  ASSERT_TRUE(l.ok());
  EXPECT_TRUE(l->alive);
  EXPECT_EQ(l->owner.pid, getpid());

  auto expired = CheckRunLiveness(*store_, run_, 61'000);
  ASSERT_TRUE(expired.ok());
  EXPECT_FALSE(expired->alive);
  EXPECT_NE(expired->why.find("lease expired"), std::string::npos) << expired->why;
  EXPECT_EQ(expired->lock_owner, owner);

  // Abandoning marks the run and frees the lock; a second call changes nothing.
  auto changed = AbandonRun(*store_, run_, *expired, 61'000);
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(*changed);
  auto got = store_->GetRun("t1", run_.id);
  EXPECT_EQ((*got)->status, store::RunStatus::kAbandoned);
  EXPECT_EQ((*got)->finished_at_ms, 61'000);
  EXPECT_NE((*got)->error.find("lease expired"), std::string::npos);
  EXPECT_FALSE(store_->GetLock("t1", "woo>qbo")->has_value());
  EXPECT_FALSE(*AbandonRun(*store_, run_, *expired, 62'000));
  auto after = CheckRunLiveness(*store_, **got, 62'000);
  EXPECT_EQ(after->why, "finished");
}

TEST_F(RunLivenessStore, ARunWithoutItsLockOrWithADeadProcessIsDead) {
  // No lock at all.
  auto none = CheckRunLiveness(*store_, run_, 2000);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->alive);
  EXPECT_TRUE(none->lock_owner.empty());

  // The lock held by another run.
  ASSERT_TRUE(store_->AcquireLock("t1", "woo>qbo", LockOwnerFor("run-2"), 1000, 60'000).ok());
  auto other = CheckRunLiveness(*store_, run_, 2000);
  EXPECT_FALSE(other->alive);
  EXPECT_NE(other->why.find("held by run-2"), std::string::npos) << other->why;
  EXPECT_TRUE(other->lock_owner.empty()) << "another run's lock is not ours to release";
  ASSERT_TRUE(store_->ReleaseLock("t1", "woo>qbo", LockOwnerFor("run-2")).ok());

  // Held by a process of this host that is gone.
  pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  const std::string dead_owner = run_.id + "@" + ThisHost() + ":" + std::to_string(child);
  ASSERT_TRUE(store_->AcquireLock("t1", "woo>qbo", dead_owner, 1000, 60'000).ok());
  auto dead = CheckRunLiveness(*store_, run_, 2000);
  EXPECT_FALSE(dead->alive);
  EXPECT_EQ(dead->why, "process " + std::to_string(child) + " on " + ThisHost() + " is gone");
  ASSERT_TRUE(*AbandonRun(*store_, run_, *dead, 2000));
  EXPECT_FALSE(store_->GetLock("t1", "woo>qbo")->has_value());
}

TEST_F(RunLivenessStore, AbandonDeadRunsMarksOnlyTheDeadOnes) {
  // run-1 (woo>qbo): its process is gone. run-2 (woo>wh): alive, held by this process.
  pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(store_->AcquireLock("t1", "woo>qbo", run_.id + "@" + ThisHost() + ":" + std::to_string(child), 1000,
                                  60'000)
                  .ok());
  store::SyncRun live = run_;
  live.id = "run-2";
  live.target_connection = "wh";
  ASSERT_TRUE(store_->CreateRun(live).ok());
  ASSERT_TRUE(store_->AcquireLock("t1", "woo>wh", LockOwnerFor("run-2"), 1000, 60'000).ok());

  auto changed = AbandonDeadRuns(*store_, "t1", 2000);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  ASSERT_EQ(changed->size(), 1u);
  EXPECT_EQ((*changed)[0].run_id, "run-1");
  EXPECT_EQ((*changed)[0].why, "process " + std::to_string(child) + " on " + ThisHost() + " is gone");
  EXPECT_EQ((*store_->GetRun("t1", "run-1"))->status, store::RunStatus::kAbandoned);
  EXPECT_EQ((*store_->GetRun("t1", "run-2"))->status, store::RunStatus::kRunning);
  EXPECT_FALSE(store_->GetLock("t1", "woo>qbo")->has_value());
  EXPECT_TRUE(store_->GetLock("t1", "woo>wh")->has_value());
  // Nothing left to mark.
  EXPECT_TRUE(AbandonDeadRuns(*store_, "t1", 3000)->empty());
}

}  // namespace
}  // namespace es::engine
