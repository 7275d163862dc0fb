// StateStore contract, webhooks block (migration 0004_webhooks): the durable
// delivery queue (replays dropped, oldest-first claims with leases, finish
// and requeue, lists and counts) and the per-tenant switch, with tenant
// isolation. Included by store_contract_test.h only; see there for how to use it.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"

namespace es::store::contract {

namespace webhook_contract {
inline WebhookDelivery Delivery(const std::string& tenant, const std::string& connection,
                                const std::string& delivery_id, int64_t received_ms = 1'000) {
  WebhookDelivery d;
  d.tenant_id = tenant;
  d.connection_id = connection;
  d.source = "woo";
  d.delivery_id = delivery_id;
  d.topic = "order.updated";
  d.entity = "order";
  d.record_id = "R-" + delivery_id;
  d.detail = Json{{"webhook_id", 12}, {"amount", "10.50"}};
  d.received_at_ms = received_ms;
  d.next_attempt_at_ms = received_ms;
  return d;
}

// Seqs of `ds`, in the order given.
inline std::vector<int64_t> Seqs(const std::vector<WebhookDelivery>& ds) {
  std::vector<int64_t> out;
  for (const WebhookDelivery& d : ds) out.push_back(d.seq);
  return out;
}

inline std::vector<std::string> DeliveryIds(const std::vector<WebhookDelivery>& ds) {
  std::vector<std::string> out;
  for (const WebhookDelivery& d : ds) out.push_back(d.delivery_id);
  return out;
}
}  // namespace webhook_contract

TEST_P(StoreContractTest, WebhookEnqueueDropsReplays) {
  using webhook_contract::Delivery;
  WebhookDelivery d = Delivery("t1", "woo-main", "dlv-1");
  d.status = "done";  // ignored on write: a new delivery is always queued
  d.attempts = 5;
  d.run_id = "run-x";
  auto first = store().EnqueueWebhook(d);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(*first);

  WebhookDelivery replay = d;
  replay.topic = "order.deleted";
  auto again = store().EnqueueWebhook(replay);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(*again);
  // Same delivery id, other tenant or other connection: different deliveries.
  auto other_tenant = store().EnqueueWebhook(Delivery("t2", "woo-main", "dlv-1"));
  ASSERT_TRUE(other_tenant.ok());
  EXPECT_TRUE(*other_tenant);
  auto other_connection = store().EnqueueWebhook(Delivery("t1", "woo-second", "dlv-1"));
  ASSERT_TRUE(other_connection.ok());
  EXPECT_TRUE(*other_connection);

  if (harness().persistent()) ReopenStore();  // the queue is durable
  auto listed = store().ListWebhooks({"t1", "", "woo-main", 0});
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  const WebhookDelivery& got = (*listed)[0];
  EXPECT_GT(got.seq, 0);
  EXPECT_EQ(got.tenant_id, "t1");
  EXPECT_EQ(got.connection_id, "woo-main");
  EXPECT_EQ(got.source, "woo");
  EXPECT_EQ(got.delivery_id, "dlv-1");
  EXPECT_EQ(got.topic, "order.updated");  // the replay changed nothing
  EXPECT_EQ(got.entity, "order");
  EXPECT_EQ(got.record_id, "R-dlv-1");
  EXPECT_EQ(got.detail, d.detail);
  EXPECT_EQ(got.status, "queued");
  EXPECT_EQ(got.attempts, 0);
  EXPECT_EQ(got.received_at_ms, 1'000);
  EXPECT_EQ(got.next_attempt_at_ms, 1'000);
  EXPECT_EQ(got.lease_until_ms, 0);
  EXPECT_EQ(got.run_id, "");
  EXPECT_EQ(got.error, "");
  EXPECT_EQ(got.finished_at_ms, 0);
  auto all_t1 = store().ListWebhooks({"t1", "", "", 0});
  ASSERT_TRUE(all_t1.ok());
  EXPECT_EQ(all_t1->size(), 2u);

  WebhookDelivery bad = Delivery("t1", "woo-main", "dlv-2");
  bad.tenant_id = "";
  EXPECT_TRUE(store().EnqueueWebhook(bad).status().IsValidation());
  bad = Delivery("t1", "", "dlv-2");
  EXPECT_TRUE(store().EnqueueWebhook(bad).status().IsValidation());
  bad = Delivery("t1", "woo-main", "");
  EXPECT_TRUE(store().EnqueueWebhook(bad).status().IsValidation());
  EXPECT_TRUE(store().ListWebhooks({"", "", "", 0}).status().IsValidation());
}

TEST_P(StoreContractTest, WebhookClaimIsOldestFirstAcrossTenantsWithLimit) {
  using webhook_contract::Delivery;
  using webhook_contract::DeliveryIds;
  for (int i = 0; i < 5; ++i) {
    // Received times run backwards: order is by insertion (seq), not by time.
    auto r = store().EnqueueWebhook(Delivery(i % 2 == 0 ? "t1" : "t2", "woo-main", "d" + std::to_string(i), 900 - i));
    ASSERT_TRUE(r.ok() && *r) << r.status().ToString();
  }
  auto first = store().ClaimWebhooks(1'000, 500, 3);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(DeliveryIds(*first), (std::vector<std::string>{"d0", "d1", "d2"}));
  for (size_t i = 0; i < first->size(); ++i) {
    const WebhookDelivery& d = (*first)[i];
    EXPECT_EQ(d.status, "processing");
    EXPECT_EQ(d.attempts, 1);
    EXPECT_EQ(d.lease_until_ms, 1'500);
    EXPECT_EQ(d.detail, Delivery("t1", "woo-main", "x").detail);
    if (i > 0) {
      EXPECT_GT(d.seq, (*first)[i - 1].seq);
    }
  }
  EXPECT_EQ((*first)[1].tenant_id, "t2");

  auto second = store().ClaimWebhooks(1'000, 500, 3);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(DeliveryIds(*second), (std::vector<std::string>{"d3", "d4"}));
  auto none = store().ClaimWebhooks(1'000, 500, 3);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  // The claimed state is what the lists show.
  auto listed = store().ListWebhooks({"t1", "processing", "", 0});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].attempts, 1);
  EXPECT_EQ((*listed)[0].lease_until_ms, 1'500);

  EXPECT_TRUE(store().ClaimWebhooks(1'000, 500, 0).status().IsValidation());
  EXPECT_TRUE(store().ClaimWebhooks(1'000, 0, 3).status().IsValidation());
}

TEST_P(StoreContractTest, WebhookClaimWaitsForNextAttemptAndLeaseExpiry) {
  using webhook_contract::Delivery;
  WebhookDelivery later = Delivery("t1", "woo-main", "later");
  later.next_attempt_at_ms = 2'000;
  ASSERT_TRUE(store().EnqueueWebhook(later).ok());

  auto early = store().ClaimWebhooks(1'999, 500, 10);
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_TRUE(early->empty());
  auto due = store().ClaimWebhooks(2'000, 500, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  const int64_t seq = (*due)[0].seq;
  EXPECT_EQ((*due)[0].attempts, 1);
  EXPECT_EQ((*due)[0].lease_until_ms, 2'500);

  // Held while the lease runs; claimable again once it passed (the worker died).
  auto held = store().ClaimWebhooks(2'499, 500, 10);
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE(held->empty());
  auto reclaimed = store().ClaimWebhooks(2'500, 1'000, 10);
  ASSERT_TRUE(reclaimed.ok());
  ASSERT_EQ(reclaimed->size(), 1u);
  EXPECT_EQ((*reclaimed)[0].seq, seq);
  EXPECT_EQ((*reclaimed)[0].status, "processing");
  EXPECT_EQ((*reclaimed)[0].attempts, 2);
  EXPECT_EQ((*reclaimed)[0].lease_until_ms, 3'500);
}

TEST_P(StoreContractTest, WebhookFinishAndRequeue) {
  using webhook_contract::Delivery;
  for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(store().EnqueueWebhook(Delivery("t1", "woo-main", id)).ok());
  auto claimed = store().ClaimWebhooks(1'000, 500, 10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 3u);
  const int64_t a = (*claimed)[0].seq;
  const int64_t b = (*claimed)[1].seq;
  const int64_t c = (*claimed)[2].seq;

  ASSERT_TRUE(store().FinishWebhook(a, "done", "run-7", "", 1'200).ok());
  Status failed = store().FinishWebhook(c, "failed", "", "order 42 not found in the source", 1'300);
  ASSERT_TRUE(failed.ok()) << failed.ToString();
  Status requeued = store().RequeueWebhook(b, 5'000, "rate limited");
  ASSERT_TRUE(requeued.ok()) << requeued.ToString();

  auto rows = store().ListWebhooks({"t1", "", "", 0});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  std::map<int64_t, WebhookDelivery> by_seq;
  for (const WebhookDelivery& d : *rows) by_seq[d.seq] = d;
  EXPECT_EQ(by_seq[a].status, "done");
  EXPECT_EQ(by_seq[a].run_id, "run-7");
  EXPECT_EQ(by_seq[a].finished_at_ms, 1'200);
  EXPECT_EQ(by_seq[a].attempts, 1);
  EXPECT_EQ(by_seq[c].status, "failed");
  EXPECT_EQ(by_seq[c].error, "order 42 not found in the source");
  EXPECT_EQ(by_seq[c].finished_at_ms, 1'300);
  EXPECT_EQ(by_seq[b].status, "queued");
  EXPECT_EQ(by_seq[b].next_attempt_at_ms, 5'000);
  EXPECT_EQ(by_seq[b].error, "rate limited");
  EXPECT_EQ(by_seq[b].attempts, 1);

  // Finished rows are never claimed again; the requeued one is, when due.
  auto before = store().ClaimWebhooks(4'999, 500, 10);
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->empty());
  auto after = store().ClaimWebhooks(5'000, 500, 10);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].seq, b);
  EXPECT_EQ((*after)[0].attempts, 2);
  ASSERT_TRUE(store().FinishWebhook(b, "ignored", "", "order is a draft", 5'100).ok());
  auto later = store().ClaimWebhooks(1'000'000, 500, 10);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->empty());

  const int64_t unknown = a + b + c + 1000;
  EXPECT_TRUE(store().FinishWebhook(unknown, "done", "", "", 1).IsNotFound());
  EXPECT_TRUE(store().RequeueWebhook(unknown, 1, "").IsNotFound());
  EXPECT_TRUE(store().FinishWebhook(a, "processing", "", "", 1).IsValidation());
  EXPECT_TRUE(store().FinishWebhook(a, "queued", "", "", 1).IsValidation());
  EXPECT_TRUE(store().FinishWebhook(a, "", "", "", 1).IsValidation());
}

TEST_P(StoreContractTest, WebhookConcurrentClaimersNeverShareARow) {
  constexpr int kRows = 200;
  constexpr int kThreads = 4;
  for (int i = 0; i < kRows; ++i) {
    auto r = store().EnqueueWebhook(
        webhook_contract::Delivery(i % 3 == 0 ? "t2" : "t1", "woo-main", "d" + std::to_string(i)));
    ASSERT_TRUE(r.ok() && *r) << r.status().ToString();
  }
  std::vector<std::unique_ptr<StateStore>> handles;
  if (harness().persistent()) {
    for (int i = 0; i < kThreads; ++i) {
      auto h = harness().Open();
      ASSERT_TRUE(h.ok()) << h.status().ToString();
      handles.push_back(std::move(*h));
    }
  }
  std::mutex mu;
  std::vector<int64_t> claimed;  // guarded by mu
  std::atomic<int> errors{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    StateStore* s = handles.empty() ? &store() : handles[t].get();
    threads.emplace_back([&, s] {
      while (!go.load()) std::this_thread::yield();
      while (true) {
        auto batch = s->ClaimWebhooks(10'000, 60'000, 7);
        if (!batch.ok()) {
          ADD_FAILURE() << batch.status().ToString();
          ++errors;
          return;
        }
        if (batch->empty()) return;
        EXPECT_LE(batch->size(), 7u);
        std::lock_guard lock(mu);
        for (const WebhookDelivery& d : *batch) claimed.push_back(d.seq);
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  ASSERT_EQ(errors.load(), 0);
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kRows));
  EXPECT_EQ(std::set<int64_t>(claimed.begin(), claimed.end()).size(), static_cast<size_t>(kRows));

  auto rest = store().ClaimWebhooks(10'000, 60'000, 7);
  ASSERT_TRUE(rest.ok());
  EXPECT_TRUE(rest->empty());
  auto counts = store().CountWebhooks("");
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)["processing"], kRows);
  EXPECT_EQ((*counts)["queued"], 0);
  for (const char* tenant : {"t1", "t2"}) {
    auto rows = store().ListWebhooks({tenant, "", "", 0});
    ASSERT_TRUE(rows.ok());
    for (const WebhookDelivery& d : *rows) EXPECT_EQ(d.attempts, 1) << d.delivery_id;  // claimed exactly once
  }
}

TEST_P(StoreContractTest, WebhookListFiltersNewestFirst) {
  using webhook_contract::Delivery;
  using webhook_contract::DeliveryIds;
  using webhook_contract::Seqs;
  for (int i = 0; i < 4; ++i) {
    const std::string connection = i % 2 == 0 ? "woo-main" : "qbo-main";
    ASSERT_TRUE(store().EnqueueWebhook(Delivery("t1", connection, "d" + std::to_string(i))).ok());
  }
  ASSERT_TRUE(store().EnqueueWebhook(Delivery("t2", "woo-main", "other")).ok());
  auto claimed = store().ClaimWebhooks(1'000, 500, 1);  // d0
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  ASSERT_TRUE(store().FinishWebhook((*claimed)[0].seq, "done", "run-1", "", 1'100).ok());

  auto all = store().ListWebhooks({"t1", "", "", 100});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(DeliveryIds(*all), (std::vector<std::string>{"d3", "d2", "d1", "d0"}));
  std::vector<int64_t> seqs = Seqs(*all);
  for (size_t i = 1; i < seqs.size(); ++i) EXPECT_GT(seqs[i - 1], seqs[i]);

  auto limited = store().ListWebhooks({"t1", "", "", 2});
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(DeliveryIds(*limited), (std::vector<std::string>{"d3", "d2"}));
  auto woo = store().ListWebhooks({"t1", "", "woo-main", 0});
  ASSERT_TRUE(woo.ok());
  EXPECT_EQ(DeliveryIds(*woo), (std::vector<std::string>{"d2", "d0"}));
  auto queued = store().ListWebhooks({"t1", "queued", "", 0});
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(DeliveryIds(*queued), (std::vector<std::string>{"d3", "d2", "d1"}));
  auto done_woo = store().ListWebhooks({"t1", "done", "woo-main", 0});
  ASSERT_TRUE(done_woo.ok());
  EXPECT_EQ(DeliveryIds(*done_woo), (std::vector<std::string>{"d0"}));
  auto done_qbo = store().ListWebhooks({"t1", "done", "qbo-main", 0});
  ASSERT_TRUE(done_qbo.ok());
  EXPECT_TRUE(done_qbo->empty());

  auto other = store().ListWebhooks({"t2", "", "", 0});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(DeliveryIds(*other), (std::vector<std::string>{"other"}));
  auto nobody = store().ListWebhooks({"t3", "", "", 0});
  ASSERT_TRUE(nobody.ok());
  EXPECT_TRUE(nobody->empty());
}

TEST_P(StoreContractTest, WebhookCountsPerStatusAndTenant) {
  using webhook_contract::Delivery;
  auto empty = store().CountWebhooks("t1");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  const std::map<std::string, int64_t> zeros = {
      {"queued", 0}, {"processing", 0}, {"done", 0}, {"failed", 0}, {"ignored", 0}};
  EXPECT_EQ(*empty, zeros);

  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(store().EnqueueWebhook(Delivery("t1", "woo-main", "d" + std::to_string(i))).ok());
  }
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(store().EnqueueWebhook(Delivery("t2", "woo-main", "d" + std::to_string(i))).ok());
  }
  // Claims t1's d0..d3 (the oldest rows), then settles three of them.
  auto claimed = store().ClaimWebhooks(1'000, 500, 4);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 4u);
  ASSERT_TRUE(store().FinishWebhook((*claimed)[0].seq, "done", "run-1", "", 1'100).ok());
  ASSERT_TRUE(store().FinishWebhook((*claimed)[1].seq, "failed", "", "boom", 1'100).ok());
  ASSERT_TRUE(store().FinishWebhook((*claimed)[2].seq, "ignored", "", "draft", 1'100).ok());

  auto t1 = store().CountWebhooks("t1");
  ASSERT_TRUE(t1.ok());
  EXPECT_EQ(*t1, (std::map<std::string, int64_t>{
                     {"queued", 2}, {"processing", 1}, {"done", 1}, {"failed", 1}, {"ignored", 1}}));
  auto t2 = store().CountWebhooks("t2");
  ASSERT_TRUE(t2.ok());
  EXPECT_EQ(*t2, (std::map<std::string, int64_t>{
                     {"queued", 2}, {"processing", 0}, {"done", 0}, {"failed", 0}, {"ignored", 0}}));
  auto every = store().CountWebhooks("");
  ASSERT_TRUE(every.ok());
  EXPECT_EQ(*every, (std::map<std::string, int64_t>{
                        {"queued", 4}, {"processing", 1}, {"done", 1}, {"failed", 1}, {"ignored", 1}}));
}

TEST_P(StoreContractTest, WebhooksEnabledPerTenantDefaultsOn) {
  auto fresh = store().WebhooksEnabled("t1");
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_TRUE(*fresh);

  ASSERT_TRUE(store().SetWebhooksEnabled("t1", false, 1'000).ok());
  EXPECT_FALSE(*store().WebhooksEnabled("t1"));
  EXPECT_TRUE(*store().WebhooksEnabled("t2"));  // other tenants unaffected
  if (harness().persistent()) ReopenStore();
  EXPECT_FALSE(*store().WebhooksEnabled("t1"));

  ASSERT_TRUE(store().SetWebhooksEnabled("t1", false, 1'500).ok());  // repeat is fine
  ASSERT_TRUE(store().SetWebhooksEnabled("t1", true, 2'000).ok());
  EXPECT_TRUE(*store().WebhooksEnabled("t1"));
  ASSERT_TRUE(store().SetWebhooksEnabled("t2", false, 2'000).ok());
  EXPECT_FALSE(*store().WebhooksEnabled("t2"));
  EXPECT_TRUE(*store().WebhooksEnabled("t1"));

  EXPECT_TRUE(store().SetWebhooksEnabled("", true, 1).IsValidation());
  EXPECT_TRUE(store().WebhooksEnabled("").status().IsValidation());
}

TEST_P(StoreContractTest, WebhookHostileStringsRoundTrip) {
  const std::vector<std::string> hostile = HostileStrings();
  for (size_t i = 0; i < hostile.size(); ++i) {
    const std::string& s = hostile[i];
    SCOPED_TRACE("hostile string #" + std::to_string(i));
    WebhookDelivery d = webhook_contract::Delivery(s, s, s);
    d.source = s;
    d.topic = s;
    d.entity = s;
    d.record_id = s;
    d.detail = Json{{s, s}};
    auto r = store().EnqueueWebhook(d);
    ASSERT_TRUE(r.ok() && *r) << r.status().ToString();
    auto again = store().EnqueueWebhook(d);
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(*again);
    auto listed = store().ListWebhooks({s, "", s, 0});
    ASSERT_TRUE(listed.ok()) << listed.status().ToString();
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ((*listed)[0].delivery_id, s);
    EXPECT_EQ((*listed)[0].record_id, s);
    EXPECT_EQ((*listed)[0].detail, d.detail);
    ASSERT_TRUE(store().FinishWebhook((*listed)[0].seq, "failed", s, s, 2).ok());
    auto counts = store().CountWebhooks(s);
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(counts->at("failed"), 1);
    ASSERT_TRUE(store().SetWebhooksEnabled(s, false, 1).ok());
    EXPECT_FALSE(*store().WebhooksEnabled(s));
  }
}

}  // namespace es::store::contract
