// StateStore contract, two-way block (migration 0009_twoway): per-side
// synced content, sync policies, the conflict log (deduplicated) and the
// review queue, with tenant isolation. Included by store_contract_test.h
// only; see there for how to use it.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "store/store.h"

namespace es::store::contract {

namespace twoway_contract {
inline ConflictRecord Conflict(const std::string& tenant, const std::string& key, const std::string& fp,
                               const std::string& status = "open") {
  ConflictRecord c;
  c.tenant_id = tenant;
  c.entity = "item";
  c.record_key = key;
  c.fingerprint = fp;
  c.side_a = "woo";
  c.kind_a = "woo";
  c.record_a = "12";
  c.value_a = Json{{"price", "10.50"}, {"stock", "3"}};
  c.hash_a = "ha";
  c.modified_a_ms = 1000;
  c.side_b = "qbo";
  c.kind_b = "qbo";
  c.record_b = "7";
  c.value_b = Json{{"price", "11"}, {"stock", nullptr}};
  c.hash_b = "hb";
  c.modified_b_ms = 2000;
  c.strategy = status == "open" ? "manual" : "newest_wins";
  c.status = status;
  c.winner = status == "open" ? "" : "qbo";
  c.created_at_ms = 3000;
  return c;
}
}  // namespace twoway_contract

TEST_P(StoreContractTest, TwoWayStatesUpsertPerSideAndStayInTheirTenant) {
  TwoWayState s;
  s.tenant_id = "A";
  s.entity = "item";
  s.record_key = "sku:TEE";
  s.side = "woo";
  s.record_id = "31";
  s.content_hash = "h1";
  s.version = "2026-01-01T00:00:00";
  s.written = true;
  s.updated_at_ms = 5;
  ASSERT_TRUE(store().PutTwoWayState(s).ok());
  TwoWayState q = s;
  q.side = "qbo";
  q.record_id = "9";
  q.content_hash = "h2";
  q.version = "3";
  q.written = false;
  ASSERT_TRUE(store().PutTwoWayState(q).ok());
  s.content_hash = "h3";
  s.written = false;
  ASSERT_TRUE(store().PutTwoWayState(s).ok());

  auto got = store().GetTwoWayStates("A", "item", "sku:TEE");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].side, "qbo");
  EXPECT_EQ((*got)[0].content_hash, "h2");
  EXPECT_EQ((*got)[0].version, "3");
  EXPECT_FALSE((*got)[0].written);
  EXPECT_EQ((*got)[1].side, "woo");
  EXPECT_EQ((*got)[1].content_hash, "h3");
  EXPECT_EQ((*got)[1].record_id, "31");
  EXPECT_FALSE((*got)[1].written);
  EXPECT_TRUE(store().GetTwoWayStates("B", "item", "sku:TEE")->empty());
  TwoWayState bad = s;
  bad.record_key = "";
  EXPECT_EQ(store().PutTwoWayState(bad).category(), ErrorCategory::kValidation);
}

TEST_P(StoreContractTest, SyncPoliciesUpsertAndList) {
  SyncPolicyRecord p{"A", "item", "both", "qbo", "newest_wins", 1};
  ASSERT_TRUE(store().PutSyncPolicy(p).ok());
  p.strategy = "manual";
  p.updated_at_ms = 2;
  ASSERT_TRUE(store().PutSyncPolicy(p).ok());
  ASSERT_TRUE(store().PutSyncPolicy({"A", "customer", "woo->qbo", "woo", "source_wins", 3}).ok());
  auto got = store().GetSyncPolicy("A", "item");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->strategy, "manual");
  EXPECT_EQ((*got)->direction, "both");
  EXPECT_EQ((*got)->source_of_truth, "qbo");
  EXPECT_EQ((*got)->updated_at_ms, 2);
  auto all = store().ListSyncPolicies("A");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].entity, "customer");
  EXPECT_FALSE(store().GetSyncPolicy("B", "item")->has_value());
}

TEST_P(StoreContractTest, ConflictsAreLoggedOnceListedAndResolvedOnce) {
  using twoway_contract::Conflict;
  auto id1 = store().AddConflict(Conflict("A", "sku:TEE", "fp1"));
  ASSERT_TRUE(id1.ok()) << id1.status().ToString();
  auto again = store().AddConflict(Conflict("A", "sku:TEE", "fp1"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *id1);
  auto id2 = store().AddConflict(Conflict("A", "sku:TEE", "fp2", "resolved"));
  ASSERT_TRUE(id2.ok());
  EXPECT_NE(*id2, *id1);
  ASSERT_TRUE(store().AddConflict(Conflict("B", "sku:TEE", "fp1")).ok());

  auto open = store().ListConflicts({"A", "open", 10});
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].id, *id1);
  EXPECT_EQ((*open)[0].value_a, (Json{{"price", "10.50"}, {"stock", "3"}}));
  EXPECT_EQ((*open)[0].value_b["price"], "11");
  EXPECT_EQ((*open)[0].modified_b_ms, 2000);
  auto all = store().ListConflicts({"A", "", 10});
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, *id2);  // newest first

  EXPECT_TRUE(store().ResolveConflict("B", *id1, "woo", "u", 9).IsNotFound());  // another tenant's id
  ASSERT_TRUE(store().ResolveConflict("A", *id1, "woo", "alice", 9).ok());
  auto got = store().GetConflict("A", *id1);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->status, "resolved_manual");
  EXPECT_EQ((*got)->winner, "woo");
  EXPECT_EQ((*got)->resolved_by, "alice");
  EXPECT_EQ((*got)->resolved_at_ms, 9);
  EXPECT_TRUE(store().ResolveConflict("A", *id1, "qbo", "bob", 10).IsConflict());
  EXPECT_TRUE(store().ResolveConflict("A", 987654, "qbo", "bob", 10).IsNotFound());
  EXPECT_TRUE(store().ListConflicts({"A", "open", 10})->empty());
}

}  // namespace es::store::contract
