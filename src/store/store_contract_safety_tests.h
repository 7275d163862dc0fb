// StateStore contract, safety block (migration 0013_safety_nets): the
// per-status counters of the webhook delivery queue stay equal to the rows
// through enqueue, claim, finish, requeue, lease expiry and purge, on every
// tenant; the purge deletes only finished deliveries older than the cutoff.
// Included by store_contract_test.h only; see there for how to use it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "store/store.h"
#include "store/store_contract_webhook_tests.h"
#include "store/webhook_rules.h"

namespace es::store::contract {

namespace safety_contract {
// Counts per status from the rows themselves (the truth the counters keep).
inline std::map<std::string, int64_t> Truth(StateStore& s, const std::vector<std::string>& tenants) {
  std::map<std::string, int64_t> out;
  for (const char* status : kWebhookStatuses) out[status] = 0;
  for (const std::string& t : tenants) {
    auto rows = s.ListWebhooks({t, "", "", 0});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (!rows.ok()) continue;
    for (const WebhookDelivery& d : *rows) ++out[d.status];
  }
  return out;
}

// CountWebhooks(tenant)[status], -1 when the call fails.
inline int64_t Counted(StateStore& s, const std::string& tenant, const std::string& status) {
  auto c = s.CountWebhooks(tenant);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  if (!c.ok()) return -1;
  auto it = c->find(status);
  return it == c->end() ? 0 : it->second;
}

inline void ExpectCountersRight(StateStore& s, const std::string& when) {
  for (const std::string& t : {std::string("t1"), std::string("t2")}) {
    auto counted = s.CountWebhooks(t);
    ASSERT_TRUE(counted.ok()) << counted.status().ToString();
    EXPECT_EQ(*counted, Truth(s, {t})) << "tenant " << t << " after " << when;
  }
  auto all = s.CountWebhooks("");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(*all, Truth(s, {"t1", "t2"})) << "all tenants after " << when;
}
}  // namespace safety_contract

TEST_P(StoreContractTest, WebhookCountersFollowEveryMove) {
  using safety_contract::ExpectCountersRight;
  using webhook_contract::Delivery;
  for (int i = 0; i < 6; ++i) {
    auto r = store().EnqueueWebhook(Delivery(i % 2 == 0 ? "t1" : "t2", "woo-main", "d" + std::to_string(i), 1'000 + i));
    ASSERT_TRUE(r.ok() && *r) << r.status().ToString();
  }
  ASSERT_TRUE(store().EnqueueWebhook(Delivery("t1", "woo-main", "d0")).ok());  // replay: no count
  ExpectCountersRight(store(), "enqueue");
  EXPECT_EQ(safety_contract::Counted(store(), "", "queued"), 6);

  auto claimed = store().ClaimWebhooks(5'000, 1'000, 4);
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  ASSERT_EQ(claimed->size(), 4u);
  ExpectCountersRight(store(), "claim");
  EXPECT_EQ(safety_contract::Counted(store(), "", "processing"), 4);

  ASSERT_TRUE(store().FinishWebhook((*claimed)[0].seq, "done", "run-1", "", 6'000).ok());
  ASSERT_TRUE(store().FinishWebhook((*claimed)[1].seq, "failed", "", "boom", 6'000).ok());
  ASSERT_TRUE(store().FinishWebhook((*claimed)[2].seq, "ignored", "", "disabled", 6'000).ok());
  ASSERT_TRUE(store().RequeueWebhook((*claimed)[3].seq, 7'000, "busy").ok());
  ExpectCountersRight(store(), "finish and requeue");
  // Finishing twice (a worker retrying its call) moves nothing twice.
  ASSERT_TRUE(store().FinishWebhook((*claimed)[0].seq, "done", "run-1", "", 6'001).ok());
  ASSERT_TRUE(store().FinishWebhook((*claimed)[1].seq, "done", "run-2", "", 6'002).ok());  // failed → done
  ExpectCountersRight(store(), "repeated finish");
  EXPECT_TRUE(store().FinishWebhook(999'999, "done", "", "", 1).IsNotFound());
  EXPECT_TRUE(store().RequeueWebhook(999'999, 1, "").IsNotFound());
  ExpectCountersRight(store(), "unknown seq");

  // A processing row whose lease passed is claimed again: still processing.
  auto again = store().ClaimWebhooks(7'500, 1'000, 10);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ExpectCountersRight(store(), "second claim");
  auto expired = store().ClaimWebhooks(20'000, 1'000, 10);
  ASSERT_TRUE(expired.ok()) << expired.status().ToString();
  EXPECT_EQ(expired->size(), again->size());  // every lease passed: the same rows
  ExpectCountersRight(store(), "lease expiry");

  if (harness().persistent()) ReopenStore();  // the counters are durable
  ExpectCountersRight(store(), "reopen");
}

TEST_P(StoreContractTest, WebhookPurgeDeletesOnlyOldFinishedDeliveries) {
  using safety_contract::ExpectCountersRight;
  using webhook_contract::Delivery;
  for (int i = 0; i < 8; ++i) {
    auto r = store().EnqueueWebhook(Delivery(i < 5 ? "t1" : "t2", "woo-main", "p" + std::to_string(i), 1'000 + i));
    ASSERT_TRUE(r.ok() && *r) << r.status().ToString();
  }
  auto claimed = store().ClaimWebhooks(5'000, 100'000, 6);  // p0..p5
  ASSERT_TRUE(claimed.ok() && claimed->size() == 6u);
  const auto& c = *claimed;
  ASSERT_TRUE(store().FinishWebhook(c[0].seq, "done", "r", "", 10'000).ok());     // old
  ASSERT_TRUE(store().FinishWebhook(c[1].seq, "failed", "", "x", 11'000).ok());   // old
  ASSERT_TRUE(store().FinishWebhook(c[2].seq, "ignored", "", "x", 12'000).ok());  // old
  ASSERT_TRUE(store().FinishWebhook(c[3].seq, "done", "r", "", 50'000).ok());     // recent
  ASSERT_TRUE(store().FinishWebhook(c[5].seq, "done", "r", "", 10'000).ok());     // old, tenant t2
  // c[4] stays processing, p6 and p7 queued: received long ago, never purged.

  EXPECT_TRUE(store().PurgeWebhooks(40'000, 0).status().IsValidation());
  auto first = store().PurgeWebhooks(40'000, 2);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, 2);
  ExpectCountersRight(store(), "purge with a limit");
  auto rest = store().PurgeWebhooks(40'000, 100);
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ(*rest, 2);
  ExpectCountersRight(store(), "purge");
  auto none = store().PurgeWebhooks(40'000, 100);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);

  std::vector<std::string> left;
  for (const char* t : {"t1", "t2"}) {
    auto rows = store().ListWebhooks({t, "", "", 0});
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    for (const WebhookDelivery& d : *rows) left.push_back(d.delivery_id);
  }
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"p3", "p4", "p6", "p7"}));
  EXPECT_EQ(safety_contract::Counted(store(), "", "done"), 1);
  EXPECT_EQ(safety_contract::Counted(store(), "", "failed"), 0);
  EXPECT_EQ(safety_contract::Counted(store(), "", "ignored"), 0);
  EXPECT_EQ(safety_contract::Counted(store(), "", "processing"), 1);
  EXPECT_EQ(safety_contract::Counted(store(), "", "queued"), 2);

  // Far in the future every finished one goes; the pending ones never.
  ASSERT_EQ(*store().PurgeWebhooks(1'000'000'000, 100), 1);
  ExpectCountersRight(store(), "purge of everything finished");
  EXPECT_EQ(safety_contract::Counted(store(), "", "processing") + safety_contract::Counted(store(), "", "queued"), 3);
}

TEST_P(StoreContractTest, WebhookCountersSurviveTenantDeletion) {
  using webhook_contract::Delivery;
  ASSERT_TRUE(store().PutTenant({"t1", "Shop", 1}).ok());
  ASSERT_TRUE(store().EnqueueWebhook(Delivery("t1", "woo-main", "a")).ok());
  ASSERT_TRUE(store().EnqueueWebhook(Delivery("t2", "woo-main", "b")).ok());
  auto del = store().DeleteTenant("t1");
  ASSERT_TRUE(del.ok()) << del.ToString();
  safety_contract::ExpectCountersRight(store(), "tenant deletion");
  EXPECT_EQ(safety_contract::Counted(store(), "", "queued"), 1);
}

TEST_P(StoreContractTest, DocumentHashesUpsertPerDocumentAndTenant) {
  DocumentHash h{"t1", "qbo-main", "Invoice", "48", "2", "hash-a", 1'000};
  ASSERT_TRUE(store().PutDocumentHash(h).ok());
  auto got = store().GetDocumentHash("t1", "qbo-main", "Invoice", "48");
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status().ToString();
  EXPECT_EQ((*got)->sync_token, "2");
  EXPECT_EQ((*got)->content_hash, "hash-a");
  EXPECT_EQ((*got)->seen_at_ms, 1'000);
  h.sync_token = "3";
  h.content_hash = "hash-b";
  h.seen_at_ms = 2'000;
  ASSERT_TRUE(store().PutDocumentHash(h).ok());
  got = store().GetDocumentHash("t1", "qbo-main", "Invoice", "48");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->sync_token, "3");
  EXPECT_EQ((*got)->content_hash, "hash-b");
  EXPECT_FALSE(store().GetDocumentHash("t2", "qbo-main", "Invoice", "48")->has_value());
  EXPECT_FALSE(store().GetDocumentHash("t1", "qbo-main", "SalesReceipt", "48")->has_value());
  h.doc_id = "";
  EXPECT_TRUE(store().PutDocumentHash(h).IsValidation());
}

}  // namespace es::store::contract
