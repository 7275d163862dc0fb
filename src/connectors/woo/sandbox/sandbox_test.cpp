// The sandbox over real sockets, driven by the project's own Woo client:
// OAuth 1.0a over http, Basic over https, pagination, filters, invariants,
// determinism, auth errors and fault injection.
#include "connectors/woo/sandbox/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "connectors/woo/client.h"
#include "connectors/woo/codec.h"

namespace es::woo::sandbox {
namespace {

using ::testing::HasSubstr;
using model::Money;

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options o;
    o.seed = 7;
    server_ = std::make_unique<Server>(o);
    ASSERT_TRUE(server_->Start(0).ok());
    transport_ = http::MakeCurlTransport();
  }
  Client MakeClient(const std::string& secret = "cs_sandbox_secret", AuthMode mode = AuthMode::kAuto) {
    Credentials c;
    c.base_url = server_->base_url();
    c.consumer_key = "ck_sandbox_key";
    c.consumer_secret = secret;
    c.auth = mode;
    return Client(c, *transport_, SystemClock::Get());
  }
  std::vector<model::Order> FetchAll(Client& client, ListQuery q) {
    std::vector<model::Order> all;
    q.page = 1;
    while (true) {
      auto page = client.ListOrders(q);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      EXPECT_TRUE(page->failures.empty());
      for (auto& o : page->items) all.push_back(std::move(o));
      if (!page->HasMore()) break;
      ++q.page;
    }
    return all;
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<http::Transport> transport_;
};

TEST_F(SandboxTest, PaginatesAllOrdersOverOAuth) {
  EXPECT_THAT(server_->base_url(), HasSubstr("http://127.0.0.1:"));
  Client client = MakeClient();
  ASSERT_TRUE(client.Ping().ok());
  auto first = client.ListOrders({});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->total, static_cast<int64_t>(server_->order_count()));
  EXPECT_EQ(first->total_pages, 3);
  std::vector<model::Order> all = FetchAll(client, {});
  ASSERT_EQ(all.size(), server_->order_count());
  std::set<std::string> ids;
  for (const auto& o : all) EXPECT_TRUE(ids.insert(o.source_id).second);

  // The totals invariant on every seeded order, recomputed from the decoded model.
  for (const auto& o : all) {
    Money sum = o.total_tax, tax = Money::Zero(o.currency), tl = Money::Zero(o.currency);
    for (const auto& l : o.lines) {
      sum += l.total;
      tax += l.total_tax;
    }
    for (const auto& s : o.shipping_lines) {
      sum += s.total;
      tax += s.total_tax;
    }
    for (const auto& f : o.fees) {
      sum += f.total;
      tax += f.total_tax;
    }
    for (const auto& t : o.tax_lines) tl += t.tax_total + t.shipping_tax_total;
    EXPECT_EQ(sum, o.total) << "order " << o.source_id;
    EXPECT_EQ(tax, o.total_tax) << "order " << o.source_id;
    EXPECT_EQ(tl, o.total_tax) << "order " << o.source_id;
  }
}

TEST_F(SandboxTest, StatusAndModifiedAfterFilters) {
  Client client = MakeClient();
  Json everything = server_->AllOrdersJson();
  size_t expected = 0;
  std::string max_modified;
  for (const auto& o : everything) {
    expected += o["status"] == "completed" || o["status"] == "refunded";
    max_modified = std::max(max_modified, o["date_modified_gmt"].get<std::string>());
  }
  ListQuery q;
  q.statuses = {"completed", "refunded"};
  auto filtered = FetchAll(client, q);
  EXPECT_EQ(filtered.size(), expected);
  for (const auto& o : filtered)
    EXPECT_TRUE(o.status == model::OrderStatus::kCompleted || o.status == model::OrderStatus::kRefunded);

  // Incremental: nothing after the newest modification, then exactly the changed orders.
  ListQuery inc;
  inc.modified_after = max_modified;
  auto none = client.ListOrders(inc);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(none->total, 0);
  int64_t added = server_->AddRandomOrder();
  int64_t old_id = server_->OrderIds().front();
  ASSERT_TRUE(server_->UpdateOrderStatus(old_id, "completed").ok());
  auto changed = FetchAll(client, inc);
  ASSERT_EQ(changed.size(), 2u);
  std::set<std::string> got = {changed[0].source_id, changed[1].source_id};
  EXPECT_TRUE(got.count(std::to_string(added)));
  EXPECT_TRUE(got.count(std::to_string(old_id)));
  EXPECT_LE(changed[0].modified_at_ms, changed[1].modified_at_ms);  // orderby=modified asc

  auto order = client.GetOrder(std::to_string(added));
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  EXPECT_EQ(server_->order_count(), 301u);
}

TEST_F(SandboxTest, CatalogueRefundsAndNotFound) {
  Client client = MakeClient();
  auto customers = client.ListCustomers({});
  ASSERT_TRUE(customers.ok()) << customers.status().ToString();
  EXPECT_EQ(customers->total, 80);
  EXPECT_TRUE(customers->failures.empty());
  ASSERT_TRUE(client.GetCustomer(customers->items[0].source_id).ok());

  ListQuery pq;
  auto products = client.ListProducts(pq);
  ASSERT_TRUE(products.ok()) << products.status().ToString();
  EXPECT_EQ(products->total, 30);
  int variations = 0;
  for (const auto& p : products->items) {
    if (p.kind != model::ProductKind::kVariable) continue;
    auto vars = client.ListVariations(p.source_id, {});
    ASSERT_TRUE(vars.ok()) << vars.status().ToString();
    EXPECT_EQ(vars->items.size(), p.variation_ids.size());
    for (const auto& v : vars->items) EXPECT_EQ(v.parent_source_id, p.source_id);
    variations += static_cast<int>(vars->items.size());
  }
  EXPECT_GT(variations, 10);

  // Refunds: the list agrees with the order summary.
  std::vector<model::Order> all = FetchAll(client, {});
  int checked = 0;
  for (const auto& o : all) {
    if (o.refunds.empty() || checked >= 5) continue;
    auto refunds = client.ListRefunds(o.source_id);
    ASSERT_TRUE(refunds.ok()) << refunds.status().ToString();
    Money sum = Money::Zero(o.currency);
    for (const auto& r : *refunds) sum += r.amount;
    EXPECT_EQ(sum, o.RefundedTotal());
    ++checked;
  }
  EXPECT_EQ(checked, 5);

  auto missing = client.GetOrder("99999999");
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_EQ(missing.status().code(), "woocommerce_rest_shop_order_invalid_id");
  EXPECT_TRUE(client.ListRefunds("99999999").status().IsNotFound());
}

TEST_F(SandboxTest, AuthErrorsOverHttp) {
  Client wrong = MakeClient("cs_wrong");
  auto s = wrong.ListOrders({}).status();
  EXPECT_TRUE(s.IsAuthentication());
  EXPECT_EQ(s.code(), "woocommerce_rest_authentication_error");
  EXPECT_THAT(s.message(), HasSubstr("Invalid signature - provided signature does not match."));
  EXPECT_THAT(s.message(), ::testing::Not(HasSubstr("cs_wrong")));

  Client basic = MakeClient("cs_sandbox_secret", AuthMode::kBasic);
  EXPECT_EQ(basic.ListOrders({}).status().code(), "woocommerce_rest_cannot_view");

  Client client = MakeClient();
  auto bad = client.Get("orders", {{"per_page", "0"}});
  EXPECT_TRUE(bad.status().IsValidation());
  EXPECT_EQ(bad.status().code(), "rest_invalid_param");
  EXPECT_TRUE(client.Get("nothing-here", {}).status().IsNotFound());

  // A timestamp an hour off is refused.
  FakeClock old(SystemClock::Get().NowMillis() - 3'600'000);
  Credentials c;
  c.base_url = server_->base_url();
  c.consumer_key = "ck_sandbox_key";
  c.consumer_secret = "cs_sandbox_secret";
  Client stale(c, *transport_, old);
  EXPECT_THAT(stale.Ping().message(), HasSubstr("Invalid timestamp."));
}

TEST_F(SandboxTest, FaultInjection) {
  Client client = MakeClient();
  http::FaultOptions f;
  f.error_rate = 1.0;
  server_->SetFaults(f);
  for (int i = 0; i < 2; ++i) {  // 500 JSON, then 503 HTML
    auto s = client.ListOrders({}).status();
    EXPECT_TRUE(s.IsNetwork()) << s.ToString();
    EXPECT_TRUE(s.retryable());
  }
  f = {};
  f.rate_limit_rate = 1.0;
  server_->SetFaults(f);
  auto rl = client.ListOrders({}).status();
  EXPECT_TRUE(rl.IsRateLimit()) << rl.ToString();
  EXPECT_EQ(rl.retry_after_ms(), 1000);
  f = {};
  f.drop_rate = 1.0;
  server_->SetFaults(f);
  auto drop = client.ListOrders({}).status();
  EXPECT_TRUE(drop.IsNetwork()) << drop.ToString();
  f = {};
  f.timeout_rate = 1.0;
  f.timeout_ms = 50;
  server_->SetFaults(f);
  EXPECT_TRUE(client.ListOrders({}).status().IsNetwork());
  server_->SetFaults({});
  EXPECT_TRUE(client.ListOrders({}).ok());
  EXPECT_GE(server_->requests_served(), 6u);
}

TEST(SandboxServer, HttpsWithBasicAuth) {
  Options o;
  o.https = true;
  o.orders = 40;
  Server server(o);
  ASSERT_TRUE(server.Start(0).ok());
  EXPECT_THAT(server.base_url(), HasSubstr("https://127.0.0.1:"));
  http::CurlOptions co;
  co.insecure_skip_tls_verify = true;
  auto transport = http::MakeCurlTransport(co);
  Credentials c;
  c.base_url = server.base_url();
  c.consumer_key = "ck_sandbox_key";
  c.consumer_secret = "cs_sandbox_secret";
  c.insecure_skip_tls_verify = true;
  Client client(c, *transport, SystemClock::Get());
  ListQuery q;
  q.per_page = 15;
  auto page = client.ListOrders(q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->total, 40);
  EXPECT_EQ(page->total_pages, 3);
  c.auth = AuthMode::kQueryString;
  EXPECT_TRUE(Client(c, *transport, SystemClock::Get()).Ping().ok());
  c.auth = AuthMode::kOAuth1;
  EXPECT_TRUE(Client(c, *transport, SystemClock::Get()).Ping().ok());
  c.auth = AuthMode::kAuto;
  c.consumer_secret = "cs_wrong";
  auto s = Client(c, *transport, SystemClock::Get()).Ping();
  EXPECT_TRUE(s.IsAuthentication());
  EXPECT_THAT(s.message(), HasSubstr("Consumer secret is invalid."));
  server.Stop();
  server.Stop();  // idempotent
}

TEST(SandboxServer, DeterministicAndRestartable) {
  Options o;
  o.seed = 11;
  Server a(o), b(o);
  EXPECT_EQ(DumpJson(a.AllOrdersJson()), DumpJson(b.AllOrdersJson()));
  EXPECT_EQ(a.epoch(), b.epoch());
  ASSERT_TRUE(a.Start(0).ok());
  int port = a.port();
  EXPECT_GT(port, 0);
  EXPECT_FALSE(a.Start(0).ok());  // already running
  a.Stop();
  ASSERT_TRUE(a.Start(0).ok());
  a.Stop();
  Options other = o;
  other.seed = 12;
  EXPECT_NE(DumpJson(Server(other).AllOrdersJson()), DumpJson(b.AllOrdersJson()));
}

}  // namespace
}  // namespace es::woo::sandbox
