// StateStore contract, notifications block (migration 0008_notifications):
// settings round trip, the per tenant × kind rate-limit decision (one send
// per window, suppressed events counted into the next send, exactly one
// send among racing threads) and the sent log, with tenant isolation.
// Included by store_contract_test.h only; see there for how to use it.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"

namespace es::store::contract {

TEST_P(StoreContractTest, NotificationSettingsRoundTripPerTenant) {
  auto none = store().GetNotificationSettings("t1");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());

  NotificationSettings s;
  s.tenant_id = "t1";
  s.config = Json{{"webhook", {{"url", "https://hooks.example/x"}}}, {"rateLimitMinutes", 15}};
  s.secrets = R"({"webhook_secret":"s3"})";
  s.updated_at_ms = 42;
  ASSERT_TRUE(store().PutNotificationSettings(s).ok());
  auto got = store().GetNotificationSettings("t1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->config, s.config);
  EXPECT_EQ((*got)->secrets, s.secrets);
  EXPECT_EQ((*got)->updated_at_ms, 42);
  EXPECT_FALSE(store().GetNotificationSettings("t2")->has_value());

  s.config = Json{{"enabled", false}};
  s.secrets = "";
  s.updated_at_ms = 43;
  ASSERT_TRUE(store().PutNotificationSettings(s).ok());
  got = store().GetNotificationSettings("t1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->config, s.config);
  EXPECT_EQ((*got)->secrets, "");

  s.tenant_id = "";
  EXPECT_TRUE(store().PutNotificationSettings(s).IsValidation());
  s.tenant_id = "t1";
  s.config = Json::array();
  EXPECT_TRUE(store().PutNotificationSettings(s).IsValidation());
}

TEST_P(StoreContractTest, NotificationReserveSendsOncePerWindowAndCountsSuppressed) {
  const int64_t window = 15 * 60 * 1000;
  auto first = store().ReserveNotification("t1", "run_failed", 1'000, window);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->send);
  EXPECT_EQ(first->suppressed, 0);
  for (int i = 1; i <= 3; ++i) {
    auto again = store().ReserveNotification("t1", "run_failed", 1'000 + i * 1000, window);
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->send);
    EXPECT_EQ(again->suppressed, i);
    EXPECT_EQ(again->last_sent_at_ms, 1'000);
  }
  // Another kind and another tenant have windows of their own.
  EXPECT_TRUE(store().ReserveNotification("t1", "auth_failed", 2'000, window)->send);
  EXPECT_TRUE(store().ReserveNotification("t2", "run_failed", 2'000, window)->send);
  // After the window: sent, carrying the three suppressed events.
  auto later = store().ReserveNotification("t1", "run_failed", 1'000 + window, window);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->send);
  EXPECT_EQ(later->suppressed, 3);
  EXPECT_EQ(later->last_sent_at_ms, 1'000 + window);
  auto after = store().ReserveNotification("t1", "run_failed", 2'000 + window, window);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->send);
  EXPECT_EQ(after->suppressed, 1);
  // Window 0: every event is sent.
  EXPECT_TRUE(store().ReserveNotification("t3", "test", 5, 0)->send);
  EXPECT_TRUE(store().ReserveNotification("t3", "test", 6, 0)->send);

  EXPECT_TRUE(store().ReserveNotification("", "run_failed", 1, window).status().IsValidation());
  EXPECT_TRUE(store().ReserveNotification("t1", "", 1, window).status().IsValidation());
  EXPECT_TRUE(store().ReserveNotification("t1", "x", 1, -1).status().IsValidation());
}

TEST_P(StoreContractTest, NotificationReserveRacersGetOneSend) {
  // Same event time from every thread: exactly one of them sends.
  constexpr int kThreads = 4;
  constexpr int kEach = 10;
  std::atomic<int> sends{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        auto slot = store().ReserveNotification("t1", "run_failed", 10'000, 60'000);
        if (!slot.ok()) ++errors;
        else if (slot->send) ++sends;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(sends.load(), 1);
  auto next = store().ReserveNotification("t1", "run_failed", 10'000 + 60'000, 60'000);
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(next->send);
  EXPECT_EQ(next->suppressed, kThreads * kEach - 1);
}

TEST_P(StoreContractTest, NotificationLogNewestFirstPerTenant) {
  for (int i = 0; i < 3; ++i) {
    NotificationLogEntry e;
    e.tenant_id = "t1";
    e.kind = i == 2 ? "auth_failed" : "run_failed";
    e.subject = "subject " + std::to_string(i);
    e.suppressed = i;
    e.webhook = "sent";
    e.email = i == 1 ? "failed: connection refused" : "";
    e.sent_at_ms = 100 + i;
    ASSERT_TRUE(store().AddNotificationLog(e).ok());
  }
  NotificationLogEntry other;
  other.tenant_id = "t2";
  other.kind = "test";
  ASSERT_TRUE(store().AddNotificationLog(other).ok());
  auto log = store().ListNotificationLog("t1", 0);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_EQ(log->size(), 3u);
  EXPECT_EQ((*log)[0].subject, "subject 2");
  EXPECT_EQ((*log)[0].kind, "auth_failed");
  EXPECT_EQ((*log)[1].email, "failed: connection refused");
  EXPECT_EQ((*log)[1].suppressed, 1);
  EXPECT_EQ((*log)[2].sent_at_ms, 100);
  EXPECT_GT((*log)[0].seq, (*log)[1].seq);
  EXPECT_EQ(store().ListNotificationLog("t1", 2)->size(), 2u);
  EXPECT_EQ(store().ListNotificationLog("t2", 0)->size(), 1u);
  NotificationLogEntry bad;
  bad.tenant_id = "t1";
  EXPECT_TRUE(store().AddNotificationLog(bad).IsValidation());
}

TEST_P(StoreContractTest, NotificationRowsGoWithTheirTenant) {
  NotificationSettings s;
  s.tenant_id = "gone";
  ASSERT_TRUE(store().PutTenant(Tenant{"gone", "Gone", 1}).ok());
  ASSERT_TRUE(store().PutNotificationSettings(s).ok());
  ASSERT_TRUE(store().ReserveNotification("gone", "run_failed", 1, 1000).ok());
  NotificationLogEntry e;
  e.tenant_id = "gone";
  e.kind = "run_failed";
  ASSERT_TRUE(store().AddNotificationLog(e).ok());
  ASSERT_TRUE(store().DeleteTenant("gone").ok());
  EXPECT_FALSE(store().GetNotificationSettings("gone")->has_value());
  EXPECT_TRUE(store().ListNotificationLog("gone", 0)->empty());
  // The rate-limit state went too: the next event is sent at once.
  EXPECT_TRUE(store().ReserveNotification("gone", "run_failed", 2, 1000)->send);
}

}  // namespace es::store::contract
