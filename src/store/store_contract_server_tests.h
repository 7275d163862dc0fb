// StateStore contract, server block (migration 0003_server): audit log, OAuth
// states, sync-request idempotency keys and the history query, with tenant
// isolation. Included by store_contract_test.h only; see there for how to use it.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/store.h"

namespace es::store::contract {

TEST_P(StoreContractTest, AuditLogAppendsAndFilters) {
  AuditEntry e;
  e.tenant_id = "t1";
  e.user_id = "alice";
  e.action = "connection.create";
  e.target = "connection:woo";
  e.detail = Json{{"kind", "woo"}, {"amount", Json::array({1, 2})}};
  for (int i = 0; i < 3; ++i) {
    e.at_ms = 1000 + i;
    ASSERT_TRUE(store().AddAudit(e).ok());
  }
  e.user_id = "bob";
  e.action = "sync.trigger";
  e.at_ms = 2000;
  ASSERT_TRUE(store().AddAudit(e).ok());
  e.tenant_id = "t2";
  ASSERT_TRUE(store().AddAudit(e).ok());

  auto all = store().ListAudit({"t1", "", "", 0, 0, 0});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].user_id, "bob");  // newest first
  EXPECT_EQ((*all)[0].at_ms, 2000);
  EXPECT_EQ((*all)[3].at_ms, 1000);
  EXPECT_GT((*all)[0].seq, (*all)[1].seq);
  EXPECT_EQ((*all)[1].detail, e.detail);
  EXPECT_EQ((*all)[1].target, "connection:woo");

  auto alice = store().ListAudit({"t1", "alice", "", 0, 0, 100});
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->size(), 3u);
  auto by_action = store().ListAudit({"t1", "", "sync.trigger", 0, 0, 100});
  ASSERT_TRUE(by_action.ok());
  EXPECT_EQ(by_action->size(), 1u);
  auto range = store().ListAudit({"t1", "", "", 1001, 2000, 100});
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->size(), 2u);  // from inclusive, to exclusive
  auto limited = store().ListAudit({"t1", "", "", 0, 0, 2});
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->size(), 2u);
  auto other = store().ListAudit({"t2", "", "", 0, 0, 100});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->size(), 1u);

  AuditEntry anonymous = e;
  anonymous.user_id = "";
  EXPECT_TRUE(store().AddAudit(anonymous).IsValidation());
}

namespace server_contract {
inline OAuthState State(const std::string& state, const std::string& tenant, int64_t expires_ms) {
  OAuthState s;
  s.state = state;
  s.tenant_id = tenant;
  s.user_id = "alice";
  s.connection_id = "qbo";
  s.redirect_uri = "https://app.example/oauth/callback";
  s.created_at_ms = expires_ms - 300'000;
  s.expires_at_ms = expires_ms;
  return s;
}
}  // namespace server_contract

TEST_P(StoreContractTest, OAuthStateIsSingleUseAndExpires) {
  using server_contract::State;
  ASSERT_TRUE(store().PutOAuthState(State("s-ok", "t1", 10'000)).ok());
  ASSERT_TRUE(store().PutOAuthState(State("s-old", "t1", 5'000)).ok());
  EXPECT_TRUE(store().PutOAuthState(State("s-ok", "t2", 10'000)).IsConflict());

  // Another tenant or user cannot see (or burn) it.
  EXPECT_TRUE(store().ConsumeOAuthState("t2", "alice", "s-ok", 6'000).status().IsNotFound());
  EXPECT_TRUE(store().ConsumeOAuthState("t1", "mallory", "s-ok", 6'000).status().IsNotFound());
  EXPECT_TRUE(store().ConsumeOAuthState("t1", "alice", "nope", 6'000).status().IsNotFound());
  EXPECT_TRUE(store().ConsumeOAuthState("t1", "alice", "s-old", 6'000).status().IsValidation());
  EXPECT_TRUE(store().ConsumeOAuthState("t1", "alice", "s-old", 5'000).status().IsValidation());  // at expiry

  auto got = store().ConsumeOAuthState("t1", "alice", "s-ok", 6'000);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->connection_id, "qbo");
  EXPECT_EQ(got->redirect_uri, "https://app.example/oauth/callback");
  EXPECT_EQ(got->user_id, "alice");
  EXPECT_EQ(got->expires_at_ms, 10'000);
  EXPECT_EQ(got->used_at_ms, 6'000);
  EXPECT_TRUE(store().ConsumeOAuthState("t1", "alice", "s-ok", 6'001).status().IsConflict());

  auto purged = store().PurgeOAuthStates(9'000);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1);  // s-old
  EXPECT_TRUE(store().ConsumeOAuthState("t1", "alice", "s-old", 6'000).status().IsNotFound());
}

TEST_P(StoreContractTest, OAuthStateConcurrentConsumersGetOneWinner) {
  ASSERT_TRUE(store().PutOAuthState(server_contract::State("race", "t1", 10'000)).ok());
  constexpr int kThreads = 6;
  std::vector<std::unique_ptr<StateStore>> handles;
  for (int i = 0; i < kThreads; ++i) {
    if (harness().persistent()) {
      auto h = harness().Open();
      ASSERT_TRUE(h.ok()) << h.status().ToString();
      handles.push_back(std::move(*h));
    }
  }
  std::atomic<int> winners{0};
  std::atomic<int> conflicts{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    StateStore* s = handles.empty() ? &store() : handles[i].get();
    threads.emplace_back([&, s] {
      while (!go.load()) std::this_thread::yield();
      auto r = s->ConsumeOAuthState("t1", "alice", "race", 6'000);
      if (r.ok()) ++winners;
      else if (r.status().IsConflict()) ++conflicts;
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(conflicts.load(), kThreads - 1);
}

TEST_P(StoreContractTest, SyncRequestKeysAreUniquePerTenant) {
  SyncRequestRecord r;
  r.tenant_id = "t1";
  r.idempotency_key = "key-1";
  r.request = Json{{"mode", "full"}, {"entities", Json::array({"orders"})}};
  r.created_at_ms = 77;
  auto none = store().GetSyncRequest("t1", "key-1");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store().PutSyncRequest(r).ok());
  EXPECT_TRUE(store().PutSyncRequest(r).IsConflict());
  SyncRequestRecord other = r;
  other.tenant_id = "t2";
  ASSERT_TRUE(store().PutSyncRequest(other).ok());  // same key, other tenant

  auto pending = store().GetSyncRequest("t1", "key-1");
  ASSERT_TRUE(pending.ok() && pending->has_value());
  EXPECT_EQ((*pending)->run_id, "");
  EXPECT_EQ((*pending)->request, r.request);
  EXPECT_EQ((*pending)->created_at_ms, 77);

  ASSERT_TRUE(store().SetSyncRequestRun("t1", "key-1", "run-9").ok());
  EXPECT_TRUE(store().SetSyncRequestRun("t1", "missing", "run-9").IsNotFound());
  auto done = store().GetSyncRequest("t1", "key-1");
  ASSERT_TRUE(done.ok() && done->has_value());
  EXPECT_EQ((*done)->run_id, "run-9");
  auto t2 = store().GetSyncRequest("t2", "key-1");
  ASSERT_TRUE(t2.ok() && t2->has_value());
  EXPECT_EQ((*t2)->run_id, "");

  ASSERT_TRUE(store().DeleteSyncRequest("t1", "key-1").ok());
  ASSERT_TRUE(store().DeleteSyncRequest("t1", "key-1").ok());  // absent: ok
  auto gone = store().GetSyncRequest("t1", "key-1");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  ASSERT_TRUE(store().PutSyncRequest(r).ok());  // reusable after release
  EXPECT_TRUE(store().GetSyncRequest("", "key-1").status().IsValidation());
}

TEST_P(StoreContractTest, HistoryJoinsRunsAndFilters) {
  SyncRun a = Run("t1", "run-a", 1000);
  a.source_connection = "woo";
  a.target_connection = "qbo";
  SyncRun b = Run("t1", "run-b", 2000);
  b.source_connection = "woo2";
  b.target_connection = "qbo";
  b.dry_run = true;
  SyncRun c = Run("t2", "run-c", 3000);
  ASSERT_TRUE(store().CreateRun(a).ok());
  ASSERT_TRUE(store().CreateRun(b).ok());
  ASSERT_TRUE(store().CreateRun(c).ok());
  auto rr = [](const std::string& tenant, const std::string& run, const std::string& entity, const std::string& id,
               const std::string& action, int64_t at) {
    RecordResult r = Result1(tenant, run, id, action);
    r.entity = entity;
    r.at_ms = at;
    return r;
  };
  ASSERT_TRUE(store()
                  .AddRecordResults({rr("t1", "run-a", "customer", "1", "created", 1100),
                                     rr("t1", "run-a", "order", "10", "created", 1200),
                                     rr("t1", "run-a", "order", "11", "failed", 1300),
                                     rr("t1", "run-b", "order", "12", "would_create", 2100)})
                  .ok());
  ASSERT_TRUE(store().AddRecordResults({rr("t2", "run-c", "order", "99", "created", 3100)}).ok());

  HistoryFilter f;
  f.tenant_id = "t1";
  auto all = store().ListHistory(f);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].source_id, "12");  // newest first
  EXPECT_EQ((*all)[0].source_connection, "woo2");
  EXPECT_TRUE((*all)[0].dry_run);
  EXPECT_EQ((*all)[3].source_id, "1");
  EXPECT_EQ((*all)[3].target_connection, "qbo");
  EXPECT_EQ((*all)[3].mode, "incremental");
  EXPECT_EQ((*all)[3].triggered_by, "cli");
  EXPECT_EQ((*all)[3].duration_us, 1234);

  auto count = [&](HistoryFilter g) {
    g.tenant_id = g.tenant_id.empty() ? "t1" : g.tenant_id;
    auto r = store().ListHistory(g);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->size() : size_t{999};
  };
  HistoryFilter g;
  g.connection = "woo2";
  EXPECT_EQ(count(g), 1u);
  g = {};
  g.connection = "qbo";
  EXPECT_EQ(count(g), 4u);
  g = {};
  g.entity = "order";
  EXPECT_EQ(count(g), 3u);
  g = {};
  g.status = "failed";
  EXPECT_EQ(count(g), 1u);
  g = {};
  g.run_id = "run-a";
  EXPECT_EQ(count(g), 3u);
  g = {};
  g.from_ms = 1200;
  g.to_ms = 2100;
  EXPECT_EQ(count(g), 2u);
  g = {};
  g.limit = 2;
  g.offset = 3;
  EXPECT_EQ(count(g), 1u);
  g = {};
  g.tenant_id = "t2";
  EXPECT_EQ(count(g), 1u);
  g = {};
  g.tenant_id = "t3";
  EXPECT_EQ(count(g), 0u);
  HistoryFilter bad;
  bad.tenant_id = "t1";
  bad.offset = -1;
  EXPECT_TRUE(store().ListHistory(bad).status().IsValidation());
}

}  // namespace es::store::contract
