// StateStore contract, part 5: the batch calls a run uses per page —
// GetMappings, PutIntents and CommitPage. Included by store_contract_test.h
// only; see there for how to use it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "store/store.h"

namespace es::store::contract {

TEST_P(StoreContractTest, GetMappingsReturnsTheMappedIdsOfABatch) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(store().PutMapping(Mapping("t1", "c" + std::to_string(i), "Q" + std::to_string(i))).ok());
  ASSERT_TRUE(store().PutMapping(Mapping("t2", "c1", "other-tenant")).ok());
  ASSERT_TRUE(store().PutMapping(Mapping("t1", "c1", "an-item", "item")).ok());

  auto got = store().GetMappings("t1", "qbo-main", "customer", {"c1", "c3", "missing", "c4"});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  std::map<std::string, std::string> by_id;
  for (const IdMapping& m : *got) by_id[m.source_id] = m.target_id;
  EXPECT_EQ(by_id, (std::map<std::string, std::string>{{"c1", "Q1"}, {"c3", "Q3"}, {"c4", "Q4"}}));
  EXPECT_EQ((*got)[0].fingerprint.substr(0, 3), "fp-");
  EXPECT_EQ((*got)[0].source_connection, "woo-main");

  auto none = store().GetMappings("t1", "qbo-main", "customer", {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(store().GetMappings("", "qbo-main", "customer", {"c1"}).status().IsValidation());
  EXPECT_TRUE(store().GetMappings("t1", "qbo-main", "customer", {"c1", ""}).status().IsValidation());
}

TEST_P(StoreContractTest, GetMappingsSpansSeveralStatements) {
  std::vector<std::string> ids;
  for (int i = 0; i < 1100; ++i) {
    ids.push_back("o" + std::to_string(i));
    if (i % 2 == 0) {
      ASSERT_TRUE(store().PutMapping(Mapping("t1", ids.back(), "T" + std::to_string(i), "order")).ok());
    }
  }
  auto got = store().GetMappings("t1", "qbo-main", "order", ids);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->size(), 550u);
}

TEST_P(StoreContractTest, PutIntentsIsAllOrNothing) {
  WriteIntent a{"t1", "qbo-main", "order", "1", "req-1", "DOC-1", 10};
  WriteIntent b{"t1", "qbo-main", "order", "2", "req-2", "DOC-2", 11};
  ASSERT_TRUE(store().PutIntents({a, b}).ok());
  auto got = store().GetIntent("t1", "qbo-main", "order", "2");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->lookup_key, "DOC-2");

  WriteIntent c{"t1", "qbo-main", "order", "3", "req-3", "DOC-3", 12};
  WriteIntent bad{"t1", "qbo-main", "", "4", "req-4", "DOC-4", 12};
  EXPECT_TRUE(store().PutIntents({c, bad}).IsValidation());
  auto absent = store().GetIntent("t1", "qbo-main", "order", "3");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  EXPECT_TRUE(store().PutIntents({}).ok());

  ASSERT_TRUE(store().PutIntent({"t1", "qbo-other", "order", "9", "req-9", "DOC-9", 13}).ok());
  ASSERT_TRUE(store().PutIntent({"t2", "qbo-main", "order", "1", "req-x", "DOC-X", 13}).ok());
  auto listed = store().ListIntents("t1", "qbo-main");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::set<std::string> ids;
  for (const WriteIntent& w : *listed) ids.insert(w.entity + "/" + w.source_id + "/" + w.lookup_key);
  EXPECT_EQ(ids, (std::set<std::string>{"order/1/DOC-1", "order/2/DOC-2"}));
  EXPECT_TRUE(store().ListIntents("t1", "").status().IsValidation());
}

TEST_P(StoreContractTest, CommitPageWritesEverythingInOrder) {
  ASSERT_TRUE(store().CreateRun(Run("t1", "run-1", 1000)).ok());
  ASSERT_TRUE(store().PutIntent({"t1", "qbo-main", "order", "7", "req", "DOC-7", 5}).ok());
  ASSERT_TRUE(store().PutFailed(Failed("t1", "7", 100)).ok());

  PageWrites page;
  page.mappings.push_back(Mapping("t1", "7", "INV-7", "order"));
  page.cleared_intents.push_back({"t1", "qbo-main", "order", "7"});
  FailedRecord seven = Failed("t1", "7", 0);
  page.failed.push_back({true, seven});                  // cleared …
  page.failed.push_back({false, Failed("t1", "8", 200)});  // … and another queued
  page.results.push_back({"run-1", "t1", "order", "7", "created", "INV-7", "", 12, 300});
  page.cursor = PageWrites::Cursor{"t1", "woo-main", "qbo-main", "order", "2026-01-01T00:00:00Z"};
  ASSERT_TRUE(store().CommitPage(page).ok());

  auto m = store().GetMapping("t1", "qbo-main", "order", "7");
  ASSERT_TRUE(m.ok() && m->has_value());
  EXPECT_EQ((*m)->target_id, "INV-7");
  auto intent = store().GetIntent("t1", "qbo-main", "order", "7");
  ASSERT_TRUE(intent.ok());
  EXPECT_FALSE(intent->has_value());
  auto failed = store().ListFailed("t1", 0);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].source_id, "8");
  auto results = store().ListRecordResults("t1", "run-1", 0);
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 1u);
  EXPECT_EQ((*results)[0].target_id, "INV-7");
  auto cursor = store().GetCursor("t1", "woo-main", "qbo-main", "order");
  ASSERT_TRUE(cursor.ok() && cursor->has_value());
  EXPECT_EQ(**cursor, "2026-01-01T00:00:00Z");
  EXPECT_TRUE(store().CommitPage(PageWrites{}).ok());
}

TEST_P(StoreContractTest, CommitPageIsAllOrNothing) {
  PageWrites page;
  page.mappings.push_back(Mapping("t1", "9", "INV-9", "order"));
  page.results.push_back({"no-such-run", "t1", "order", "9", "created", "INV-9", "", 1, 1});
  page.cursor = PageWrites::Cursor{"t1", "woo-main", "qbo-main", "order", "2026-01-02T00:00:00Z"};
  Status s = store().CommitPage(page);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  auto m = store().GetMapping("t1", "qbo-main", "order", "9");
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->has_value());  // rolled back with the rest
  auto cursor = store().GetCursor("t1", "woo-main", "qbo-main", "order");
  ASSERT_TRUE(cursor.ok());
  EXPECT_FALSE(cursor->has_value());

  PageWrites bad;
  bad.mappings.push_back(Mapping("t1", "10", "", "order"));  // no target id
  EXPECT_TRUE(store().CommitPage(bad).IsValidation());
}

}  // namespace es::store::contract
