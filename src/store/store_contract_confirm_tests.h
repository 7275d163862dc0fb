// StateStore contract, confirmations block (migration 0010_confirmations):
// confirmation tokens (single use, bound to tenant, user and plan, expiry,
// exactly one winner when used concurrently, purge) and the per-tenant
// sandbox-mode switch. Included by store_contract_test.h only; see there for
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

namespace confirm_contract {
inline ConfirmationRecord Token(const std::string& tenant, const std::string& hash, int64_t expires_ms = 10'000) {
  ConfirmationRecord c;
  c.tenant_id = tenant;
  c.token_hash = hash;
  c.user_id = "alice";
  c.operation = "sync";
  c.plan_hash = "plan-1";
  c.created_at_ms = 1'000;
  c.expires_at_ms = expires_ms;
  c.used_at_ms = 77;  // ignored on write
  return c;
}
}  // namespace confirm_contract

TEST_P(StoreContractTest, ConfirmationIsUsedOnceByItsUserForItsPlan) {
  using confirm_contract::Token;
  ASSERT_TRUE(store().PutConfirmation(Token("t1", "h1")).ok());
  EXPECT_TRUE(store().PutConfirmation(Token("t1", "h1")).IsConflict());
  ASSERT_TRUE(store().PutConfirmation(Token("t2", "h1")).ok());  // another tenant's token may share the hash

  auto unknown = store().UseConfirmation("t1", "nope", "alice", "plan-1", 2'000);
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(unknown.status().IsNotFound());
  EXPECT_EQ(unknown.status().code(), "confirmation_unknown");

  auto other_user = store().UseConfirmation("t1", "h1", "bob", "plan-1", 2'000);
  ASSERT_FALSE(other_user.ok());
  EXPECT_EQ(other_user.status().code(), "confirmation_other_user");
  auto other_plan = store().UseConfirmation("t1", "h1", "alice", "plan-2", 2'000);
  ASSERT_FALSE(other_plan.ok());
  EXPECT_EQ(other_plan.status().code(), "confirmation_other_plan");
  auto other_tenant = store().UseConfirmation("t3", "h1", "alice", "plan-1", 2'000);
  ASSERT_FALSE(other_tenant.ok());
  EXPECT_EQ(other_tenant.status().code(), "confirmation_unknown");

  // The refused attempts did not use it up.
  auto used = store().UseConfirmation("t1", "h1", "alice", "plan-1", 2'000);
  ASSERT_TRUE(used.ok()) << used.status().ToString();
  EXPECT_EQ(used->used_at_ms, 2'000);
  EXPECT_EQ(used->operation, "sync");
  EXPECT_EQ(used->expires_at_ms, 10'000);
  EXPECT_EQ(used->created_at_ms, 1'000);
  auto again = store().UseConfirmation("t1", "h1", "alice", "plan-1", 2'001);
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(again.status().IsConflict());
  EXPECT_EQ(again.status().code(), "confirmation_used");

  // The other tenant's token with the same hash is untouched.
  EXPECT_TRUE(store().UseConfirmation("t2", "h1", "alice", "plan-1", 2'000).ok());

  EXPECT_TRUE(store().PutConfirmation(Token("", "h9")).IsValidation());
  EXPECT_TRUE(store().UseConfirmation("t1", "", "alice", "plan-1", 2'000).status().IsValidation());
}

TEST_P(StoreContractTest, ConfirmationExpiresAndIsPurged) {
  using confirm_contract::Token;
  ASSERT_TRUE(store().PutConfirmation(Token("t1", "old", 5'000)).ok());
  ASSERT_TRUE(store().PutConfirmation(Token("t1", "new", 50'000)).ok());
  auto expired = store().UseConfirmation("t1", "old", "alice", "plan-1", 5'000);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().code(), "confirmation_expired");
  auto purged = store().PurgeConfirmations(6'000);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(store().UseConfirmation("t1", "old", "alice", "plan-1", 5'000).status().code(), "confirmation_unknown");
  EXPECT_TRUE(store().UseConfirmation("t1", "new", "alice", "plan-1", 6'000).ok());
}

TEST_P(StoreContractTest, ConfirmationConcurrentUsesHaveOneWinner) {
  using confirm_contract::Token;
  constexpr int kRounds = 5;
  constexpr int kThreads = 4;
  for (int round = 0; round < kRounds; ++round) {
    const std::string hash = "race-" + std::to_string(round);
    ASSERT_TRUE(store().PutConfirmation(Token("t1", hash)).ok());
    // Separate handles where the backend allows it: separate connections race in the database.
    std::vector<std::unique_ptr<StateStore>> handles;
    std::vector<StateStore*> stores;
    for (int i = 0; i < kThreads; ++i) {
      if (harness().persistent()) {
        auto opened = harness().Open();
        ASSERT_TRUE(opened.ok()) << opened.status().ToString();
        handles.push_back(std::move(opened).value());
        stores.push_back(handles.back().get());
      } else {
        stores.push_back(&store());
      }
    }
    std::atomic<int> wins{0}, used{0}, other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        auto r = stores[i]->UseConfirmation("t1", hash, "alice", "plan-1", 2'000 + i);
        if (r.ok()) ++wins;
        else if (r.status().code() == "confirmation_used") ++used;
        else ++other;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(wins.load(), 1) << "round " << round;
    EXPECT_EQ(used.load(), kThreads - 1) << "round " << round;
    EXPECT_EQ(other.load(), 0);
  }
}

TEST_P(StoreContractTest, SandboxModePerTenant) {
  auto initial = store().SandboxMode("t1");
  ASSERT_TRUE(initial.ok());
  EXPECT_FALSE(*initial);
  ASSERT_TRUE(store().SetSandboxMode("t1", true, 1'000).ok());
  EXPECT_TRUE(*store().SandboxMode("t1"));
  EXPECT_FALSE(*store().SandboxMode("t2"));
  ASSERT_TRUE(store().SetSandboxMode("t1", false, 2'000).ok());
  EXPECT_FALSE(*store().SandboxMode("t1"));
  ASSERT_TRUE(store().SetSandboxMode("t1", true, 3'000).ok());
  ASSERT_TRUE(store().PutTenant({"t1", "Shop", 1}).ok());
  ASSERT_TRUE(store().DeleteTenant("t1").ok());  // the switch goes with the tenant
  EXPECT_FALSE(*store().SandboxMode("t1"));
  EXPECT_TRUE(store().SetSandboxMode("", true, 1).IsValidation());
}

}  // namespace es::store::contract
