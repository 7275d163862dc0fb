// Orders generated on demand: deterministic, listed like held orders, and
// written orders read back with their writes.
#include "connectors/woo/sandbox/generated.h"

#include <gtest/gtest.h>

#include <set>

#include "connectors/woo/sandbox/api.h"
#include "connectors/woo/sandbox/render.h"

namespace es::woo::sandbox {
namespace {

constexpr const char* kHome = "https://shop.test";
constexpr int64_t kNow = 1'800'000'000;

SeedOptions Small() {
  SeedOptions o;
  o.seed = 7;
  o.customers = 40;
  o.orders = 600;
  return o;
}

class GeneratedTest : public ::testing::Test {
 protected:
  GeneratedTest() : store_(GeneratedOrders::Generate(Small())), api_(store_, ApiConfig{"ck_k", "cs_s", true}) {}

  ApiResponse Get(const std::string& path, http::Params q = {}) {
    q.emplace_back("consumer_key", "ck_k");
    q.emplace_back("consumer_secret", "cs_s");
    return api_.Handle(ApiRequest{"GET", "/wp-json/wc/v3/" + path, q, {}, ""}, kHome, kNow);
  }
  // Ids of every page of `q`, and X-WP-Total of the first.
  std::vector<int64_t> Walk(http::Params q, std::string* total = nullptr) {
    std::vector<int64_t> ids;
    for (int page = 1; page < 100; ++page) {
      http::Params pq = q;
      pq.emplace_back("per_page", "100");
      pq.emplace_back("page", std::to_string(page));
      ApiResponse r = Get("orders", pq);
      EXPECT_EQ(r.status, 200) << r.Serialize();
      if (total && page == 1) *total = std::string(http::FindHeader(r.headers, "X-WP-Total"));
      for (const Json& o : r.body) ids.push_back(o["id"].get<int64_t>());
      if (r.body.size() < 100) break;
    }
    return ids;
  }

  Store store_;
  Api api_;
};

TEST_F(GeneratedTest, SameSeedSameOrdersWithDistinctIds) {
  StoreData again = GeneratedOrders::Generate(Small());
  std::set<int64_t> item_ids;
  size_t items = 0, refunds = 0;
  store_.Read([&](const StoreData& d) {
    ASSERT_EQ(d.generated->count(), 600);
    EXPECT_TRUE(d.orders.empty());
    for (int64_t i = 0; i < 600; ++i) {
      BuiltOrder a = d.generated->Build(d, i), b = again.generated->Build(again, i);
      EXPECT_EQ(DumpJson(RenderOrder(a.order, d, {kHome, 2})), DumpJson(RenderOrder(b.order, again, {kHome, 2})));
      EXPECT_EQ(a.order.id, d.generated->IdAt(i));
      EXPECT_EQ(d.generated->IndexOf(a.order.id), i);
      EXPECT_EQ(a.order.created, d.generated->slot(i).created);
      EXPECT_EQ(a.order.modified, d.generated->slot(i).modified);
      if (i > 0) {
        EXPECT_GE(a.order.created, d.generated->slot(i - 1).created);
      }
      for (const Refund& f : a.refunds) {
        EXPECT_EQ(d.generated->IndexOf(f.id), -1);
        EXPECT_GT(f.id, a.order.id);
        EXPECT_LT(f.id, a.order.id + 3);
        ++refunds;
      }
      auto add = [&](int64_t id) {
        ++items;
        item_ids.insert(id);
      };
      for (const auto& l : a.order.lines) add(l.id);
      for (const auto& l : a.order.tax_lines) add(l.id);
      for (const auto& l : a.order.shipping_lines) add(l.id);
      for (const auto& l : a.order.fees) add(l.id);
      for (const auto& l : a.order.coupons) add(l.id);
      for (const Refund& f : a.refunds)
        for (const auto& l : f.lines) add(l.id);
    }
    EXPECT_GE(d.next_post_id, d.generated->IdAt(599) + 3);
  });
  EXPECT_EQ(item_ids.size(), items);  // item ids never collide across orders
  EXPECT_GT(refunds, 10u);
}

TEST_F(GeneratedTest, PagesMatchTheFullListingPath) {
  // The sync's walk (every status, by id) takes the direct path; an exclude
  // of an unknown id forces the path that filters every order.
  const std::string all = "pending,processing,on-hold,completed,cancelled,refunded,failed,trash";
  for (const char* order : {"asc", "desc"}) {
    for (const char* orderby : {"id", "date"}) {
      std::string t1, t2;
      auto direct = Walk({{"status", all}, {"orderby", orderby}, {"order", order}}, &t1);
      auto filtered = Walk({{"status", all}, {"orderby", orderby}, {"order", order}, {"exclude", "1"}}, &t2);
      EXPECT_EQ(direct.size(), 600u);
      EXPECT_EQ(direct, filtered) << orderby << " " << order;
      EXPECT_EQ(t1, "600");
      EXPECT_EQ(t2, "600");
    }
  }
  // A status filter reads the index: each order listed once, with that status.
  std::string total;
  auto completed = Walk({{"status", "completed"}, {"orderby", "id"}, {"order", "asc"}}, &total);
  EXPECT_EQ(std::to_string(completed.size()), total);
  EXPECT_GT(completed.size(), 100u);
  ApiResponse one = Get("orders/" + std::to_string(completed[3]));
  EXPECT_EQ(one.body["status"], "completed");
}

TEST_F(GeneratedTest, WritesAreKeptAndListed) {
  // A refund on a generated order: the order is copied, changed and listed.
  int64_t id = 0;
  store_.Read([&](const StoreData& d) {
    for (int64_t i = 7; i < d.generated->count() && id == 0; ++i)
      if (OrderStatuses()[d.generated->slot(i).status] == "completed") id = d.generated->IdAt(i);
  });
  ASSERT_GT(id, 0);
  ApiResponse before = Get("orders/" + std::to_string(id));
  ASSERT_EQ(before.status, 200);
  const size_t refunds_before = before.body["refunds"].size();
  auto refund = api_.CreateRefund(id, Json{{"amount", "1.00"}, {"api_refund", false}, {"reason", "test"}}, kNow);
  ASSERT_TRUE(refund.ok()) << refund.status().ToString();
  ApiResponse after = Get("orders/" + std::to_string(id));
  EXPECT_EQ(after.body["refunds"].size(), refunds_before + 1);
  EXPECT_EQ(after.body["line_items"], before.body["line_items"]);
  EXPECT_EQ(Get("orders/" + std::to_string(id) + "/refunds").body.size(), refunds_before + 1);
  auto listed = Walk({{"orderby", "modified"}, {"order", "desc"}});
  ASSERT_FALSE(listed.empty());
  EXPECT_EQ(listed.front(), id);  // modified last

  // Trashed: gone from "any" (the default), shown with status=trash.
  int64_t other = id + 3;
  ASSERT_TRUE(api_.TrashOrder(other, kNow + 10).ok());
  std::string total;
  auto any = Walk({{"orderby", "id"}, {"order", "asc"}}, &total);
  EXPECT_EQ(total, "599");
  EXPECT_EQ(std::count(any.begin(), any.end(), other), 0);
  EXPECT_EQ(Walk({{"status", "trash"}}), std::vector<int64_t>{other});

  // Deleted for good: gone from lists and reads.
  int64_t gone = id + 6;
  ASSERT_TRUE(api_.DeleteOrder(gone).ok());
  EXPECT_EQ(Get("orders/" + std::to_string(gone)).status, 404);
  auto after_delete = Walk({{"orderby", "id"}, {"order", "asc"}}, &total);
  EXPECT_EQ(total, "598");
  EXPECT_EQ(std::count(after_delete.begin(), after_delete.end(), gone), 0);

  // New orders come after the generated ones.
  auto created = api_.CreateOrder(Json{{"line_items", Json::array({Json{{"product_id", 100}, {"quantity", 1}}})}}, kNow + 20);
  if (created.ok()) {
    auto asc = Walk({{"orderby", "id"}, {"order", "asc"}});
    EXPECT_EQ(asc.back(), *created);
    EXPECT_EQ(asc.size(), 599u);
  }
}

}  // namespace
}  // namespace es::woo::sandbox
