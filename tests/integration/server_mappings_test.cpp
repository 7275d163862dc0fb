// The mappings API (docs/mappings.md): invalid files answered with every
// error naming the rule, versions and rollback, the audit log, and the
// preview on an order fetched from the WooCommerce sandbox.
#include <gtest/gtest.h>

#include <cctype>

#include "integration/server_fixture.h"

namespace es::testing {
namespace {

Json EmailMapping(const std::string& prefix) {
  return {{"entity", "order"},
          {"target", "qbo"},
          {"rules", Json::array({{{"source", "billing.email"},
                                  {"target", "CustomField.1"},
                                  {"transforms", Json::array({{{"op", "upper"}}})}},
                                 {{"source", "number"},
                                  {"target", "PrivateNote"},
                                  {"transforms", Json::array({{{"op", "concat"}, {"prefix", prefix}}})}}})}};
}

TEST(ServerMappings, SaveVersionsRollbackAndPreview) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections();
  const std::string admin = fx.Admin();
  const std::string user = fx.User();

  // The shipped default is listed and readable before anything is saved.
  auto r = fx.Call("GET", "/api/v1/mappings/order", user);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["version"], 0);
  EXPECT_TRUE(r.json["builtin"].get<bool>());

  // Invalid: 400 with every error and its rule.
  Json bad = {{"entity", "order"},
              {"target", "qbo"},
              {"rules", Json::array({{{"source", "billing.emial"}, {"target", "PrivateNote"}},
                                     {{"source", "id"}, {"target", "Memo"}}})}};
  r = fx.Call("PUT", "/api/v1/mappings/order", admin, bad);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json["error"], "invalid_mapping");
  ASSERT_EQ(r.json["errors"].size(), 2u) << r.body;
  EXPECT_EQ(r.json["errors"][0]["path"], "rules[0].source");
  EXPECT_EQ(r.json["errors"][1]["path"], "rules[1].target");
  // Users read; only admins write.
  EXPECT_EQ(fx.Call("PUT", "/api/v1/mappings/order", user, EmailMapping("A")).status, 403);

  r = fx.Call("PUT", "/api/v1/mappings/order", admin, EmailMapping("Woo #"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["version"], 1);
  EXPECT_EQ(r.json["mapping"]["name"], "order");
  r = fx.Call("PUT", "/api/v1/mappings/order", admin, Json{{"mapping", EmailMapping("Shop #")}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["version"], 2);
  r = fx.Call("POST", "/api/v1/mappings/order/rollback", admin, Json{{"version", 1}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["version"], 3);
  EXPECT_EQ(r.json["note"], "rollback to 1");
  r = fx.Call("GET", "/api/v1/mappings/order", user);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["mapping"]["rules"][1]["transforms"][0]["prefix"], "Woo #");
  r = fx.Call("GET", "/api/v1/mappings/order/versions", user);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.json["versions"].size(), 3u);
  EXPECT_EQ(r.json["versions"][0]["version"], 3);
  EXPECT_EQ(fx.Call("POST", "/api/v1/mappings/order/rollback", admin, Json{{"version", 9}}).status, 404);
  r = fx.Call("GET", "/api/v1/mappings", user);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.json["mappings"].size(), 1u);
  EXPECT_EQ(r.json["mappings"][0]["version"], 3);
  r = fx.Call("GET", "/api/v1/audit?action=mapping.rollback", admin);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["entries"].size(), 1u) << r.body;

  // Preview of the saved mapping on the newest order, then of a draft on one order.
  r = fx.Call("POST", "/api/v1/mappings/order/preview", user, Json::object());
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string email = r.json["sample"]["values"]["billing.email"].get<std::string>();
  std::string upper = email;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_FALSE(r.json["output"]["CustomField"].empty()) << r.body;
  bool found = false;
  for (const Json& f : r.json["output"]["CustomField"])
    if (f["DefinitionId"] == "1") found = f["StringValue"] == upper.substr(0, 31);
  EXPECT_TRUE(found) << r.body;
  EXPECT_EQ(r.json["output"]["PrivateNote"], "Woo #" + r.json["sample"]["values"]["number"].get<std::string>());
  EXPECT_TRUE(r.json["errors"].empty()) << r.body;
  const std::string id = r.json["sample"]["sourceId"].get<std::string>();

  Json draft = EmailMapping("x");
  draft["rules"].push_back({{"source", "billing.company"}, {"target", "TrackingNum"}, {"required", true}});
  r = fx.Call("POST", "/api/v1/mappings/order/preview", user, Json{{"mapping", draft}, {"sourceId", id}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["sample"]["sourceId"], id);
  bool names_rule = false;
  for (const Json& e : r.json["errors"]) names_rule = names_rule || e["path"] == "rules[2]";
  // An order with a company would set it; without one the required rule is reported.
  EXPECT_TRUE(names_rule || r.json["output"].contains("TrackingNum")) << r.body;
  EXPECT_EQ(fx.Call("POST", "/api/v1/mappings/order/preview", user, Json{{"sourceId", "987654"}}).status, 404);
}

}  // namespace
}  // namespace es::testing
