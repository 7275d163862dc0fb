// The QBO client's batch requests: results mapped back by bId whatever
// their order, the body as the tree it was built from, a missing answer,
// and the limits checked before anything is sent.
#include "connectors/qbo/client.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "connectors/qbo/client_test_support.h"
#include "connectors/qbo/codec.h"

namespace es::qbo::testing {
namespace {

TEST_F(QboClientTest, BatchMapsOutOfOrderItemsByBid) {
  FakeTransport t([&](const http::Request&) -> Result<http::Response> {
    return JsonResponse(200, ReadFixture("batch_response_mixed.json"));
  });
  MemoryTokenStore store(Tokens(kHourMs));
  Client c(config_, t, clock_, store);
  std::vector<BatchOp> ops = {
      {"b1", "create", "Customer", Json{{"DisplayName", "Grace Hopper (#1043)"}}, "", ""},
      {"b2", "update", "Invoice", Json{{"Id", "266"}, {"SyncToken", "0"}, {"sparse", true}}, "", ""},
      {"b3", "delete", "Payment", Json{{"Id", "301"}, {"SyncToken", "1"}}, "", ""},
      {"b4", "", "", Json(), "SELECT * FROM Item WHERE Sku = 'HD-BL-M'", ""},
  };
  auto r = c.Batch(ops, "batch-rid-1");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 4u);
  const auto& res = *r;
  EXPECT_EQ(res[0].bid, "b1");
  EXPECT_TRUE(res[0].status.ok());
  EXPECT_EQ(res[0].entity["Id"], "71");
  EXPECT_EQ(res[1].bid, "b2");
  EXPECT_TRUE(res[1].status.IsConflict());
  EXPECT_EQ(res[1].status.code(), "5010");
  EXPECT_EQ(res[2].bid, "b3");
  EXPECT_TRUE(res[2].status.IsNotFound());
  EXPECT_EQ(res[2].status.code(), "610");
  EXPECT_EQ(res[3].bid, "b4");
  EXPECT_TRUE(res[3].status.ok());
  ASSERT_EQ(res[3].query.rows.size(), 1u);
  EXPECT_EQ(res[3].query.rows[0]["Sku"], "HD-BL-M");

  auto req = t.requests().at(0);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(Param(req.url, "requestid"), "batch-rid-1");
  auto body = ParseJson(req.body);
  ASSERT_TRUE(body.ok());
  const Json& items = (*body)["BatchItemRequest"];
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0]["bId"], "b1");
  EXPECT_EQ(items[0]["operation"], "create");
  EXPECT_EQ(items[0]["Customer"]["DisplayName"], "Grace Hopper (#1043)");
  EXPECT_EQ(items[2]["Payment"]["Id"], "301");
  EXPECT_EQ(items[3]["Query"], "SELECT * FROM Item WHERE Sku = 'HD-BL-M'");
  EXPECT_FALSE(items[3].contains("operation"));
}

// The body is written as text; it is exactly the tree the client built
// before (members in key order), and a pre-encoded body_text is sent as is.
TEST_F(QboClientTest, BatchBodyTextEqualsTheTreeDump) {
  FakeTransport t([&](const http::Request&) -> Result<http::Response> {
    return JsonResponse(200, ReadFixture("batch_response_mixed.json"));
  });
  MemoryTokenStore store(Tokens(kHourMs));
  Client c(config_, t, clock_, store);
  Json doc = {{"DocNumber", "WC-1 \"é\"\n"}, {"Line", Json::array()}, {"TotalAmt", JsonNumberFixed(*Decimal::Parse("5"), 2)}};
  std::vector<BatchOp> ops = {
      {"b1", "create", "Customer", Json{{"DisplayName", "Grace Hopper (#1043)"}}, "", ""},
      {"b2", "update", "Invoice", Json(), "", DumpJson(doc)},
      {"b3", "delete", "zPayment", Json{{"Id", "301"}, {"SyncToken", "1"}}, "", ""},
      {"b4", "", "", Json(), "SELECT * FROM Item WHERE Sku = 'HD-BL-M'", ""},
  };
  ASSERT_TRUE(c.Batch(ops, "batch-rid-2").ok());
  Json items = Json::array();
  items.push_back({{"bId", "b1"}, {"operation", "create"}, {"Customer", {{"DisplayName", "Grace Hopper (#1043)"}}}});
  items.push_back({{"bId", "b2"}, {"operation", "update"}, {"Invoice", doc}});
  items.push_back({{"bId", "b3"}, {"operation", "delete"}, {"zPayment", {{"Id", "301"}, {"SyncToken", "1"}}}});
  items.push_back({{"bId", "b4"}, {"Query", "SELECT * FROM Item WHERE Sku = 'HD-BL-M'"}});
  EXPECT_EQ(t.requests().at(0).body, DumpJson(Json{{"BatchItemRequest", items}}));
  std::vector<BatchOp> not_object = {{"b1", "create", "Customer", Json(), "", "[1]"}};
  EXPECT_TRUE(c.Batch(not_object, "r").status().IsValidation());
}

TEST_F(QboClientTest, BatchMissingItemIsInternal) {
  FakeTransport t([&](const http::Request&) -> Result<http::Response> {
    return JsonResponse(200, R"({"BatchItemResponse":[{"bId":"b1","Customer":{"Id":"1"}}]})");
  });
  MemoryTokenStore store(Tokens(kHourMs));
  Client c(config_, t, clock_, store);
  auto r = c.Batch({{"b1", "create", "Customer", Json{{"DisplayName", "A"}}, "", ""},
                    {"b2", "create", "Customer", Json{{"DisplayName", "B"}}, "", ""}},
                   "");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].status.ok());
  EXPECT_EQ((*r)[1].status.category(), ErrorCategory::kInternal);
  EXPECT_EQ(Param(t.requests()[0].url, "requestid"), "<absent>");
}

TEST_F(QboClientTest, BatchLimitsCheckedBeforeSending) {
  FakeTransport t([&](const http::Request&) -> Result<http::Response> { return JsonResponse(200, "{}"); });
  MemoryTokenStore store(Tokens(kHourMs));
  Client c(config_, t, clock_, store);
  std::vector<BatchOp> ops;
  for (int i = 0; i < 31; ++i) ops.push_back({"b" + std::to_string(i), "create", "Customer", Json::object(), "", ""});
  EXPECT_TRUE(c.Batch(ops, "r").status().IsValidation());
  ops.resize(30);
  EXPECT_TRUE(c.Batch(ops, std::string(37, 'x')).status().IsValidation());
  std::vector<BatchOp> long_bid = {{"b1234567890", "create", "Customer", Json::object(), "", ""}};
  EXPECT_TRUE(c.Batch(long_bid, "r").status().IsValidation());
  std::vector<BatchOp> dup = {{"b1", "create", "Customer", Json::object(), "", ""},
                              {"b1", "create", "Customer", Json::object(), "", ""}};
  EXPECT_TRUE(c.Batch(dup, "r").status().IsValidation());
  std::vector<BatchOp> bad_op = {{"b1", "merge", "Customer", Json::object(), "", ""}};
  EXPECT_TRUE(c.Batch(bad_op, "r").status().IsValidation());
  EXPECT_TRUE(t.requests().empty());
  EXPECT_EQ(c.requests_sent(), 0);
}

}  // namespace
}  // namespace es::qbo::testing
