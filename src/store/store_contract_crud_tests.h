// StateStore contract, part 1: every method's behaviour and tenant isolation.
// Included by store_contract_test.h only; see there for how to use it.
#pragma once

#include <gtest/gtest.h>

#include "store/store.h"

namespace es::store::contract {

TEST_P(StoreContractTest, MigrateIsIdempotent) {
  const int version = store().SchemaVersion();
  EXPECT_GE(version, 1);
  ASSERT_TRUE(store().PutTenant({"t1", "Shop", 1}).ok());
  ASSERT_TRUE(store().Migrate().ok());
  ASSERT_TRUE(store().Migrate().ok());
  EXPECT_EQ(store().SchemaVersion(), version);
  auto t = store().GetTenant("t1");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_TRUE(t->has_value());
  EXPECT_EQ((*t)->name, "Shop");
}

TEST_P(StoreContractTest, TenantRoundTrip) {
  auto missing = store().GetTenant("nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  ASSERT_TRUE(store().PutTenant({"t1", "Shop One", 1000}).ok());
  ASSERT_TRUE(store().PutTenant({"t1", "Shop Renamed", 2000}).ok());  // upsert keeps created_at
  auto t = store().GetTenant("t1");
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->id, "t1");
  EXPECT_EQ((*t)->name, "Shop Renamed");
  EXPECT_EQ((*t)->created_at_ms, 1000);

  EXPECT_TRUE(store().PutTenant({"", "x", 1}).IsValidation());
}

TEST_P(StoreContractTest, ListTenantsInIdOrder) {
  auto none = store().ListTenants();
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
  ASSERT_TRUE(store().PutTenant({"shop-b", "Shop B", 2000}).ok());
  ASSERT_TRUE(store().PutTenant({"shop-a", "Shop A", 1000}).ok());
  auto all = store().ListTenants();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "shop-a");
  EXPECT_EQ((*all)[0].name, "Shop A");
  EXPECT_EQ((*all)[0].created_at_ms, 1000);
  EXPECT_EQ((*all)[1].id, "shop-b");
}

TEST_P(StoreContractTest, DeleteTenantRemovesItsRowsEverywhereAndNoOtherTenants) {
  for (const std::string t : {"A", "B"}) {
    ASSERT_TRUE(store().PutTenant({t, "Shop " + t, 1}).ok());
    Connection c;
    c.tenant_id = t;
    c.id = "woo-main";
    c.kind = "woo";
    c.secret = "s";
    ASSERT_TRUE(store().PutConnection(c).ok());
    ASSERT_TRUE(store().PutTransformerConfig(t, "qbo-main", Json{{"x", 1}}).ok());
    ASSERT_TRUE(store().PutMapping(Mapping(t, "1", "58")).ok());
    ASSERT_TRUE(store().PutIntent({t, "qbo-main", "customer", "1", "r", "k", 1}).ok());
    ASSERT_TRUE(store().CreateRun(Run(t, "run-1", 1000)).ok());
    ASSERT_TRUE(store().AddRecordResults({Result1(t, "run-1", "1")}).ok());
    ASSERT_TRUE(store().PutFailed(Failed(t, "1", 1000)).ok());
    ASSERT_TRUE(store().PutCursor(t, "woo-main", "qbo-main", "order", "cur").ok());
    ASSERT_TRUE(store().AcquireLock(t, "woo-main->qbo-main", "w", 1000, 60'000).ok());
  }
  ASSERT_TRUE(store().DeleteTenant("A").ok());

  EXPECT_FALSE(store().GetTenant("A")->has_value());
  EXPECT_TRUE(store().ListConnections("A")->empty());
  EXPECT_FALSE(store().GetTransformerConfig("A", "qbo-main")->has_value());
  EXPECT_FALSE(store().GetMapping("A", "qbo-main", "customer", "1")->has_value());
  EXPECT_FALSE(store().GetIntent("A", "qbo-main", "customer", "1")->has_value());
  EXPECT_FALSE(store().GetRun("A", "run-1")->has_value());
  EXPECT_TRUE(store().ListRecordResults("A", "run-1", 0)->empty());
  EXPECT_TRUE(store().ListFailed("A", 0)->empty());
  EXPECT_FALSE(store().GetCursor("A", "woo-main", "qbo-main", "order")->has_value());
  EXPECT_TRUE(store().AcquireLock("A", "woo-main->qbo-main", "other", 2000, 60'000).ok());  // lock gone

  EXPECT_TRUE(store().GetTenant("B")->has_value());
  EXPECT_EQ(store().ListConnections("B")->size(), 1u);
  EXPECT_TRUE(store().GetMapping("B", "qbo-main", "customer", "1")->has_value());
  EXPECT_TRUE(store().GetRun("B", "run-1")->has_value());
  EXPECT_EQ(store().ListRecordResults("B", "run-1", 0)->size(), 1u);
  EXPECT_EQ(store().ListFailed("B", 0)->size(), 1u);
  EXPECT_TRUE(store().AcquireLock("B", "woo-main->qbo-main", "other", 2000, 60'000).IsConflict());
  ASSERT_EQ(store().ListTenants()->size(), 1u);

  EXPECT_TRUE(store().DeleteTenant("A").IsNotFound());
  EXPECT_TRUE(store().DeleteTenant("").IsValidation());
}

TEST_P(StoreContractTest, ConnectionCrud) {
  Connection c;
  c.tenant_id = "t1";
  c.id = "woo-main";
  c.kind = "woo";
  c.name = "Main store";
  auto cfg = ParseJson(R"({"base_url":"https://shop.example","rate":337.50,"nested":{"a":[1,2]}})");
  ASSERT_TRUE(cfg.ok());
  c.config = *cfg;
  c.secret = std::string("enc\0\x01\xff\xfe-bytes", 13);  // opaque binary blob
  c.enabled = false;
  c.updated_at_ms = 42;
  ASSERT_TRUE(store().PutConnection(c).ok());

  auto got = store().GetConnection("t1", "woo-main");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->kind, "woo");
  EXPECT_EQ((*got)->name, "Main store");
  EXPECT_EQ(DumpJson((*got)->config), R"({"base_url":"https://shop.example","nested":{"a":[1,2]},"rate":337.50})");
  EXPECT_EQ((*got)->secret, c.secret);
  EXPECT_FALSE((*got)->enabled);
  EXPECT_EQ((*got)->updated_at_ms, 42);

  Connection q = c;
  q.id = "qbo-main";
  q.kind = "qbo";
  q.enabled = true;
  ASSERT_TRUE(store().PutConnection(q).ok());
  c.name = "Renamed";
  c.enabled = true;
  ASSERT_TRUE(store().PutConnection(c).ok());

  auto list = store().ListConnections("t1");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "qbo-main");  // ordered by id
  EXPECT_EQ((*list)[1].id, "woo-main");
  EXPECT_EQ((*list)[1].name, "Renamed");
  EXPECT_TRUE((*list)[1].enabled);

  auto other = store().ListConnections("t2");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
  auto cross = store().GetConnection("t2", "woo-main");
  ASSERT_TRUE(cross.ok());
  EXPECT_FALSE(cross->has_value());
  EXPECT_TRUE(store().DeleteConnection("t2", "woo-main").IsNotFound());

  ASSERT_TRUE(store().DeleteConnection("t1", "woo-main").ok());
  EXPECT_TRUE(store().DeleteConnection("t1", "woo-main").IsNotFound());
  auto after = store().GetConnection("t1", "woo-main");
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->has_value());
  EXPECT_EQ(store().ListConnections("t1")->size(), 1u);
}

TEST_P(StoreContractTest, TransformerConfig) {
  auto missing = store().GetTransformerConfig("t1", "qbo-main");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  auto cfg = ParseJson(R"({"shipping_item_id":"42","payment_terms_days":30,"tax":{"standard":"TAX"}})");
  ASSERT_TRUE(cfg.ok());
  ASSERT_TRUE(store().PutTransformerConfig("t1", "qbo-main", *cfg).ok());
  auto got = store().GetTransformerConfig("t1", "qbo-main");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, *cfg);

  ASSERT_TRUE(store().PutTransformerConfig("t1", "qbo-main", Json{{"shipping_item_id", "7"}}).ok());
  got = store().GetTransformerConfig("t1", "qbo-main");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((**got)["shipping_item_id"], "7");

  auto cross = store().GetTransformerConfig("t2", "qbo-main");
  ASSERT_TRUE(cross.ok());
  EXPECT_FALSE(cross->has_value());
}

TEST_P(StoreContractTest, MappingFoundByItsTargetRecord) {
  ASSERT_TRUE(store().PutMapping(Mapping("t1", "1", "58")).ok());
  ASSERT_TRUE(store().PutMapping(Mapping("t1", "2", "59")).ok());
  ASSERT_TRUE(store().PutMapping(Mapping("t1", "1", "58", "item")).ok());  // same target id, other entity
  auto m = store().FindMappingByTarget("t1", "qbo-main", "customer", "59");
  ASSERT_TRUE(m.ok() && m->has_value()) << m.status().ToString();
  EXPECT_EQ((*m)->source_id, "2");
  EXPECT_EQ((*m)->source_connection, "woo-main");
  auto item = store().FindMappingByTarget("t1", "qbo-main", "item", "58");
  ASSERT_TRUE(item.ok() && item->has_value());
  EXPECT_EQ((*item)->entity, "item");
  EXPECT_FALSE(store().FindMappingByTarget("t1", "qbo-main", "customer", "60")->has_value());
  EXPECT_FALSE(store().FindMappingByTarget("t2", "qbo-main", "customer", "59")->has_value());  // other tenant
  EXPECT_FALSE(store().FindMappingByTarget("t1", "qbo-other", "customer", "59")->has_value());
  EXPECT_TRUE(store().FindMappingByTarget("t1", "qbo-main", "customer", "").status().IsValidation());
}

TEST_P(StoreContractTest, MappingUpsertAndCount) {
  auto none = store().GetMapping("t1", "qbo-main", "customer", "1");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  ASSERT_TRUE(store().PutMapping(Mapping("t1", "1", "58")).ok());
  ASSERT_TRUE(store().PutMapping(Mapping("t1", "2", "59")).ok());
  ASSERT_TRUE(store().PutMapping(Mapping("t1", "1", "77", "item")).ok());  // other entity, same source id
  IdMapping updated = Mapping("t1", "1", "58");
  updated.sync_token = "3";
  updated.fingerprint = "fp-new";
  updated.updated_at_ms = 99;
  ASSERT_TRUE(store().PutMapping(updated).ok());

  auto m = store().GetMapping("t1", "qbo-main", "customer", "1");
  ASSERT_TRUE(m.ok() && m->has_value());
  EXPECT_EQ((*m)->tenant_id, "t1");
  EXPECT_EQ((*m)->source_connection, "woo-main");
  EXPECT_EQ((*m)->target_connection, "qbo-main");
  EXPECT_EQ((*m)->entity, "customer");
  EXPECT_EQ((*m)->source_id, "1");
  EXPECT_EQ((*m)->target_id, "58");
  EXPECT_EQ((*m)->target_type, "Customer");
  EXPECT_EQ((*m)->sync_token, "3");
  EXPECT_EQ((*m)->fingerprint, "fp-new");
  EXPECT_EQ((*m)->updated_at_ms, 99);

  auto item = store().GetMapping("t1", "qbo-main", "item", "1");
  ASSERT_TRUE(item.ok() && item->has_value());
  EXPECT_EQ((*item)->target_id, "77");

  EXPECT_EQ(*store().CountMappings("t1", "qbo-main", "customer"), 2);
  EXPECT_EQ(*store().CountMappings("t1", "qbo-main", "item"), 1);
  EXPECT_EQ(*store().CountMappings("t1", "qbo-other", "customer"), 0);

  EXPECT_TRUE(store().PutMapping(Mapping("", "1", "58")).IsValidation());
  EXPECT_TRUE(store().PutMapping(Mapping("t1", "", "58")).IsValidation());
  EXPECT_TRUE(store().PutMapping(Mapping("t1", "1", "")).IsValidation());
  EXPECT_TRUE(store().GetMapping("t1", "qbo-main", "", "1").status().IsValidation());
}

TEST_P(StoreContractTest, WriteIntents) {
  WriteIntent w{"t1", "qbo-main", "order", "1001", "req-1", "1001", 10};
  ASSERT_TRUE(store().PutIntent(w).ok());
  auto got = store().GetIntent("t1", "qbo-main", "order", "1001");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->request_id, "req-1");
  EXPECT_EQ((*got)->lookup_key, "1001");
  EXPECT_EQ((*got)->created_at_ms, 10);

  w.request_id = "req-2";
  ASSERT_TRUE(store().PutIntent(w).ok());
  EXPECT_EQ((*store().GetIntent("t1", "qbo-main", "order", "1001"))->request_id, "req-2");

  auto cross = store().GetIntent("t2", "qbo-main", "order", "1001");
  ASSERT_TRUE(cross.ok());
  EXPECT_FALSE(cross->has_value());
  ASSERT_TRUE(store().ClearIntent("t2", "qbo-main", "order", "1001").ok());  // other tenant: no effect
  EXPECT_TRUE(store().GetIntent("t1", "qbo-main", "order", "1001")->has_value());

  ASSERT_TRUE(store().ClearIntent("t1", "qbo-main", "order", "1001").ok());
  EXPECT_FALSE(store().GetIntent("t1", "qbo-main", "order", "1001")->has_value());
  EXPECT_TRUE(store().ClearIntent("t1", "qbo-main", "order", "1001").ok());  // idempotent
}

TEST_P(StoreContractTest, RunsCreateUpdateGet) {
  SyncRun r = Run("t1", "run-1", 1000, RunStatus::kQueued);
  r.dry_run = true;
  r.mode = "full";
  ASSERT_TRUE(store().CreateRun(r).ok());
  EXPECT_TRUE(store().CreateRun(r).IsConflict());

  r.status = RunStatus::kPartial;
  r.counts = Json{{"order", {{"created", 3}, {"failed", 1}}}};
  r.totals = {10, 3, 2, 4, 1};
  r.error = "1 record failed";
  r.finished_at_ms = 5000;
  ASSERT_TRUE(store().UpdateRun(r).ok());

  auto got = store().GetRun("t1", "run-1");
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status().ToString();
  const SyncRun& g = **got;
  EXPECT_EQ(g.tenant_id, "t1");
  EXPECT_EQ(g.source_connection, "woo-main");
  EXPECT_EQ(g.target_connection, "qbo-main");
  EXPECT_EQ(g.entities, (std::vector<std::string>{"customer", "item", "order"}));
  EXPECT_EQ(g.mode, "full");
  EXPECT_TRUE(g.dry_run);
  EXPECT_EQ(g.status, RunStatus::kPartial);
  EXPECT_EQ(g.counts, r.counts);
  EXPECT_EQ(g.totals.fetched, 10);
  EXPECT_EQ(g.totals.created, 3);
  EXPECT_EQ(g.totals.updated, 2);
  EXPECT_EQ(g.totals.skipped, 4);
  EXPECT_EQ(g.totals.failed, 1);
  EXPECT_EQ(g.error, "1 record failed");
  EXPECT_EQ(g.triggered_by, "cli");
  EXPECT_EQ(g.started_at_ms, 1000);
  EXPECT_EQ(g.finished_at_ms, 5000);

  // A run whose process died is marked abandoned; the status round-trips.
  r.status = RunStatus::kAbandoned;
  ASSERT_TRUE(store().UpdateRun(r).ok());
  EXPECT_EQ((*store().GetRun("t1", "run-1"))->status, RunStatus::kAbandoned);
  EXPECT_STREQ(RunStatusName(RunStatus::kAbandoned), "abandoned");
  r.status = RunStatus::kPartial;
  ASSERT_TRUE(store().UpdateRun(r).ok());

  EXPECT_TRUE(store().UpdateRun(Run("t1", "run-missing", 1)).IsNotFound());
  EXPECT_TRUE(store().UpdateRun(Run("t2", "run-1", 1)).IsNotFound());  // other tenant's run
  auto cross = store().GetRun("t2", "run-1");
  ASSERT_TRUE(cross.ok());
  EXPECT_FALSE(cross->has_value());
  EXPECT_TRUE(store().CreateRun(Run("t1", "", 1)).IsValidation());
}

TEST_P(StoreContractTest, ListRunsFilters) {
  ASSERT_TRUE(store().CreateRun(Run("t1", "a", 1000, RunStatus::kSucceeded)).ok());
  ASSERT_TRUE(store().CreateRun(Run("t1", "b", 2000, RunStatus::kFailed)).ok());
  ASSERT_TRUE(store().CreateRun(Run("t1", "c", 3000, RunStatus::kSucceeded)).ok());
  ASSERT_TRUE(store().CreateRun(Run("t1", "d", 4000, RunStatus::kRunning)).ok());
  ASSERT_TRUE(store().CreateRun(Run("t2", "e", 2500, RunStatus::kSucceeded)).ok());

  auto ids = [](const std::vector<SyncRun>& runs) {
    std::vector<std::string> out;
    for (const auto& r : runs) out.push_back(r.id);
    return out;
  };
  RunFilter f;
  f.tenant_id = "t1";
  auto all = store().ListRuns(f);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(ids(*all), (std::vector<std::string>{"d", "c", "b", "a"}));  // newest first

  f.status = "succeeded";
  EXPECT_EQ(ids(*store().ListRuns(f)), (std::vector<std::string>{"c", "a"}));
  f.status = "";
  f.from_ms = 2000;
  f.to_ms = 4000;  // [from, to)
  EXPECT_EQ(ids(*store().ListRuns(f)), (std::vector<std::string>{"c", "b"}));
  f.from_ms = 0;
  f.to_ms = 0;
  f.limit = 2;
  EXPECT_EQ(ids(*store().ListRuns(f)), (std::vector<std::string>{"d", "c"}));

  RunFilter t2;
  t2.tenant_id = "t2";
  EXPECT_EQ(ids(*store().ListRuns(t2)), (std::vector<std::string>{"e"}));
  RunFilter t3;
  t3.tenant_id = "t3";
  EXPECT_TRUE(store().ListRuns(t3)->empty());

  RunFilter bad;
  bad.tenant_id = "t1";
  bad.status = "exploded";
  EXPECT_TRUE(store().ListRuns(bad).status().IsValidation());
}

TEST_P(StoreContractTest, RecordResults) {
  ASSERT_TRUE(store().CreateRun(Run("t1", "run-1", 1000)).ok());
  ASSERT_TRUE(store().CreateRun(Run("t2", "run-1", 1000)).ok());  // same run id, other tenant
  ASSERT_TRUE(store().AddRecordResults({}).ok());
  ASSERT_TRUE(store()
                  .AddRecordResults({Result1("t1", "run-1", "1"), Result1("t1", "run-1", "2", "skipped"),
                                     Result1("t1", "run-1", "3", "failed")})
                  .ok());
  ASSERT_TRUE(store().AddRecordResults({Result1("t2", "run-1", "9")}).ok());

  auto got = store().ListRecordResults("t1", "run-1", 0);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].source_id, "1");  // insertion order
  EXPECT_EQ((*got)[1].action, "skipped");
  EXPECT_EQ((*got)[2].source_id, "3");
  EXPECT_EQ((*got)[0].run_id, "run-1");
  EXPECT_EQ((*got)[0].tenant_id, "t1");
  EXPECT_EQ((*got)[0].entity, "order");
  EXPECT_EQ((*got)[0].target_id, "T1");
  EXPECT_EQ((*got)[0].message, "ok");
  EXPECT_EQ((*got)[0].duration_us, 1234);
  EXPECT_EQ((*got)[0].at_ms, 1'767'225'600'500);
  EXPECT_EQ(store().ListRecordResults("t1", "run-1", 2)->size(), 2u);
  auto other = store().ListRecordResults("t2", "run-1", 100);
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->size(), 1u);
  EXPECT_EQ((*other)[0].source_id, "9");

  // All or nothing: a batch naming an unknown run adds none of its rows.
  EXPECT_FALSE(store().AddRecordResults({Result1("t1", "run-1", "4"), Result1("t1", "run-nope", "5")}).ok());
  EXPECT_EQ(store().ListRecordResults("t1", "run-1", 0)->size(), 3u);
}

TEST_P(StoreContractTest, FailedQueueUpsertIncrementsRetryCount) {
  ASSERT_TRUE(store().PutFailed(Failed("t1", "1001", 1000)).ok());
  ASSERT_TRUE(store().PutFailed(Failed("t1", "1002", 1500)).ok());
  FailedRecord again = Failed("t1", "1001", 3000);
  again.first_failed_at_ms = 3000;
  again.message = "still failing";
  again.code = "6240";
  again.run_id = "run-2";
  ASSERT_TRUE(store().PutFailed(again).ok());
  ASSERT_TRUE(store().PutFailed(again).ok());

  auto list = store().ListFailed("t1", 0);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  const FailedRecord& f = (*list)[0];  // oldest first
  EXPECT_EQ(f.source_id, "1001");
  EXPECT_EQ(f.retry_count, 2);
  EXPECT_EQ(f.first_failed_at_ms, 1000);
  EXPECT_EQ(f.last_attempt_at_ms, 3000);
  EXPECT_EQ(f.message, "still failing");
  EXPECT_EQ(f.code, "6240");
  EXPECT_EQ(f.run_id, "run-2");
  EXPECT_EQ(f.category, "validation");
  EXPECT_EQ(f.source_connection, "woo-main");
  EXPECT_EQ(f.target_connection, "qbo-main");
  EXPECT_EQ(f.entity, "order");
  EXPECT_EQ((*list)[1].source_id, "1002");
  EXPECT_EQ((*list)[1].retry_count, 0);
  EXPECT_EQ(store().ListFailed("t1", 1)->size(), 1u);
  EXPECT_TRUE(store().ListFailed("t2", 0)->empty());

  ASSERT_TRUE(store().ClearFailed("t2", "qbo-main", "order", "1001").ok());  // other tenant: no effect
  EXPECT_EQ(store().ListFailed("t1", 0)->size(), 2u);
  ASSERT_TRUE(store().ClearFailed("t1", "qbo-main", "order", "1001").ok());
  ASSERT_TRUE(store().ClearFailed("t1", "qbo-main", "order", "1001").ok());
  list = store().ListFailed("t1", 0);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].source_id, "1002");

  // A record that fails again after being cleared starts over.
  ASSERT_TRUE(store().PutFailed(Failed("t1", "1001", 9000)).ok());
  list = store().ListFailed("t1", 0);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].retry_count, 0);
  EXPECT_EQ((*list)[1].first_failed_at_ms, 9000);
}

TEST_P(StoreContractTest, Cursors) {
  auto none = store().GetCursor("t1", "woo-main", "qbo-main", "order");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store().PutCursor("t1", "woo-main", "qbo-main", "order", "2026-01-01T00:00:00Z").ok());
  ASSERT_TRUE(store().PutCursor("t1", "woo-main", "qbo-main", "customer", "c-1").ok());
  ASSERT_TRUE(store().PutCursor("t1", "woo-main", "pg-main", "order", "p-1").ok());
  ASSERT_TRUE(store().PutCursor("t1", "woo-main", "qbo-main", "order", "2026-01-02T00:00:00Z").ok());
  EXPECT_EQ(**store().GetCursor("t1", "woo-main", "qbo-main", "order"), "2026-01-02T00:00:00Z");
  EXPECT_EQ(**store().GetCursor("t1", "woo-main", "qbo-main", "customer"), "c-1");
  EXPECT_EQ(**store().GetCursor("t1", "woo-main", "pg-main", "order"), "p-1");
  EXPECT_FALSE(store().GetCursor("t1", "woo-other", "qbo-main", "order")->has_value());
  EXPECT_FALSE(store().GetCursor("t2", "woo-main", "qbo-main", "order")->has_value());
  ASSERT_TRUE(store().PutCursor("t1", "woo-main", "qbo-main", "item", "").ok());  // empty value is a value
  auto empty = store().GetCursor("t1", "woo-main", "qbo-main", "item");
  ASSERT_TRUE(empty.ok() && empty->has_value());
  EXPECT_EQ(**empty, "");
}

TEST_P(StoreContractTest, Locks) {
  const int64_t t0 = 1'767'225'600'000;
  ASSERT_TRUE(store().AcquireLock("t1", "woo-main->qbo-main", "worker-a", t0, 30'000).ok());
  EXPECT_TRUE(store().AcquireLock("t1", "woo-main->qbo-main", "worker-a", t0 + 10'000, 30'000).ok());  // renew

  Status held = store().AcquireLock("t1", "woo-main->qbo-main", "worker-b", t0 + 35'000, 30'000);
  ASSERT_TRUE(held.IsConflict()) << held.ToString();
  EXPECT_NE(held.message().find("run lock for woo-main->qbo-main is held by worker-a until"), std::string::npos)
      << held.message();
  EXPECT_NE(held.message().find("2026-01-01T00:00:40Z"), std::string::npos) << held.message();  // renewed lease

  // Other tenants and other keys are independent.
  EXPECT_TRUE(store().AcquireLock("t2", "woo-main->qbo-main", "worker-b", t0, 30'000).ok());
  EXPECT_TRUE(store().AcquireLock("t1", "woo-2->qbo-main", "worker-b", t0, 30'000).ok());

  // Release by a non-owner is a no-op.
  ASSERT_TRUE(store().ReleaseLock("t1", "woo-main->qbo-main", "worker-b").ok());
  EXPECT_TRUE(store().AcquireLock("t1", "woo-main->qbo-main", "worker-b", t0 + 39'999, 30'000).IsConflict());

  // Expired lease: taken over; the old owner is now the one refused.
  ASSERT_TRUE(store().AcquireLock("t1", "woo-main->qbo-main", "worker-b", t0 + 40'000, 30'000).ok());
  Status old = store().AcquireLock("t1", "woo-main->qbo-main", "worker-a", t0 + 41'000, 30'000);
  ASSERT_TRUE(old.IsConflict());
  EXPECT_NE(old.message().find("held by worker-b"), std::string::npos) << old.message();

  // Release by the owner frees it at once.
  ASSERT_TRUE(store().ReleaseLock("t1", "woo-main->qbo-main", "worker-b").ok());
  EXPECT_TRUE(store().AcquireLock("t1", "woo-main->qbo-main", "worker-a", t0 + 41'000, 30'000).ok());

  // The holder as stored; free after release, per tenant.
  auto holder = store().GetLock("t1", "woo-main->qbo-main");
  ASSERT_TRUE(holder.ok()) << holder.status().ToString();
  ASSERT_TRUE(holder->has_value());
  EXPECT_EQ((*holder)->owner, "worker-a");
  EXPECT_EQ((*holder)->acquired_at_ms, t0 + 41'000);
  EXPECT_EQ((*holder)->expires_at_ms, t0 + 71'000);
  EXPECT_FALSE(store().GetLock("t2", "woo-2->qbo-main")->has_value());
  ASSERT_TRUE(store().ReleaseLock("t1", "woo-main->qbo-main", "worker-a").ok());
  EXPECT_FALSE(store().GetLock("t1", "woo-main->qbo-main")->has_value());
  EXPECT_TRUE(store().GetLock("", "k").status().IsValidation());

  EXPECT_TRUE(store().AcquireLock("t1", "k", "w", t0, 0).IsValidation());
  EXPECT_TRUE(store().AcquireLock("t1", "", "w", t0, 1000).IsValidation());
  EXPECT_TRUE(store().AcquireLock("t1", "k", "", t0, 1000).IsValidation());
}

TEST_P(StoreContractTest, TenantIsolationEverywhere) {
  // Tenant A writes under every key; tenant B, using the very same keys, sees none of it.
  ASSERT_TRUE(store().PutMapping(Mapping("A", "1", "58")).ok());
  ASSERT_TRUE(store().PutIntent({"A", "qbo-main", "customer", "1", "r", "k", 1}).ok());
  ASSERT_TRUE(store().CreateRun(Run("A", "run-1", 1000)).ok());
  ASSERT_TRUE(store().AddRecordResults({Result1("A", "run-1", "1")}).ok());
  ASSERT_TRUE(store().PutFailed(Failed("A", "1", 1000)).ok());
  ASSERT_TRUE(store().PutCursor("A", "woo-main", "qbo-main", "order", "cur").ok());
  ASSERT_TRUE(store().PutTransformerConfig("A", "qbo-main", Json{{"x", 1}}).ok());

  EXPECT_FALSE(store().GetMapping("B", "qbo-main", "customer", "1")->has_value());
  EXPECT_EQ(*store().CountMappings("B", "qbo-main", "customer"), 0);
  EXPECT_FALSE(store().GetIntent("B", "qbo-main", "customer", "1")->has_value());
  EXPECT_FALSE(store().GetRun("B", "run-1")->has_value());
  RunFilter f;
  f.tenant_id = "B";
  EXPECT_TRUE(store().ListRuns(f)->empty());
  EXPECT_TRUE(store().ListRecordResults("B", "run-1", 0)->empty());
  EXPECT_TRUE(store().ListFailed("B", 0)->empty());
  EXPECT_FALSE(store().GetCursor("B", "woo-main", "qbo-main", "order")->has_value());
  EXPECT_FALSE(store().GetTransformerConfig("B", "qbo-main")->has_value());

  // B writing the same keys does not disturb A.
  ASSERT_TRUE(store().PutMapping(Mapping("B", "1", "99")).ok());
  ASSERT_TRUE(store().PutFailed(Failed("B", "1", 2000)).ok());
  ASSERT_TRUE(store().PutCursor("B", "woo-main", "qbo-main", "order", "b-cur").ok());
  EXPECT_EQ((*store().GetMapping("A", "qbo-main", "customer", "1"))->target_id, "58");
  EXPECT_EQ((*store().ListFailed("A", 0))[0].retry_count, 0);
  EXPECT_EQ(**store().GetCursor("A", "woo-main", "qbo-main", "order"), "cur");
}

}  // namespace es::store::contract
