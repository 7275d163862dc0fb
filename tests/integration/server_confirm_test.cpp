// Confirmations and sandbox mode through the HTTP API (SPEC F10): a sync of
// more than 10 records answers 409 with its plan and a token; the repeat
// with the token runs it; tokens that are reused, expired, of another user,
// tenant or plan are refused; small syncs need none; a void needs
// "confirmDestructive": true; retry-all asks too, and so do mapping changes
// (PUT and rollback) that rewrite more than 10 synced records. Sandbox mode switches the
// tenant's QBO host and warehouse schema and marks every answer.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "engine/sandbox_mode.h"
#include "integration/server_fixture.h"

namespace es::testing {
namespace {

ServerFixtureOptions Confirming() {
  ServerFixtureOptions o;
  o.confirm_above = 10;  // the product's default
  return o;
}

std::vector<std::string> AuditActions(ServerFixture& fx, const std::string& tenant = "t1") {
  auto r = fx.Call("GET", "/api/v1/audit?limit=200", fx.Admin(tenant));
  std::vector<std::string> out;
  for (const auto& e : r.json["entries"]) out.push_back(e["action"].get<std::string>());
  return out;
}

int Count(const std::vector<std::string>& v, const std::string& s) {
  return static_cast<int>(std::count(v.begin(), v.end(), s));
}

TEST(ServerConfirm, BigSyncAsksThenRunsWithTheToken) {
  ServerFixture fx(Confirming());
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections("t1");
  fx.AddSandboxConnections("t2");
  const std::string bob = fx.User();
  const Json body = {{"mode", "full"}};

  auto first = fx.Call("POST", "/api/v1/sync", bob, body);
  ASSERT_EQ(first.status, 409) << first.body;
  EXPECT_EQ(first.json["error"], "confirmation_required");
  EXPECT_GT(first.json["plan"]["touched"].get<int64_t>(), 10);
  EXPECT_GT(first.json["plan"]["entities"]["order"]["create"].get<int64_t>(), 10) << first.body;
  EXPECT_FALSE(first.json["confirmDestructive"].get<bool>());
  EXPECT_FALSE(first.json["expiresAt"].get<std::string>().empty());
  const std::string token = first.json["confirmationToken"].get<std::string>();
  EXPECT_EQ(fx.qbo().CountEntities("Invoice") + fx.qbo().CountEntities("SalesReceipt"), 0);  // nothing written

  // Another user, another tenant, another plan: refused, and not used up.
  auto alice = fx.Call("POST", "/api/v1/sync", fx.Token("t1", "alice", "admin"), Json{{"mode", "full"}, {"confirmationToken", token}});
  EXPECT_EQ(alice.status, 409);
  EXPECT_EQ(alice.json["reason"], "other_user") << alice.body;
  auto t2 = fx.Call("POST", "/api/v1/sync", fx.Token("t2", "bob", "user"), Json{{"mode", "full"}, {"confirmationToken", token}});
  EXPECT_EQ(t2.json["reason"], "unknown") << t2.body;
  auto other = fx.Call("POST", "/api/v1/sync", bob,
                       Json{{"mode", "full"}, {"entities", {"customers"}}, {"confirmationToken", token}});
  EXPECT_EQ(other.json["reason"], "other_plan") << other.body;

  // The same token twice at once: exactly one request runs. (Once the run
  // has written everything, the plan is small and needs no token at all, so
  // single use is shown while the plan still stands.)
  const Json confirmed = {{"mode", "full"}, {"confirmationToken", token}};
  ApiResponse a, b;
  std::thread other_thread([&] { b = fx.Call("POST", "/api/v1/sync", bob, confirmed); });
  a = fx.Call("POST", "/api/v1/sync", bob, confirmed);
  other_thread.join();
  ASSERT_EQ((a.status == 202) + (b.status == 202), 1) << a.body << "\n" << b.body;
  const ApiResponse& run = a.status == 202 ? a : b;
  const ApiResponse& loser = a.status == 202 ? b : a;
  EXPECT_EQ(loser.status, 409);
  EXPECT_EQ(loser.json["error"], "confirmation_refused") << loser.body;
  // "used", or "other_plan" when its plan was computed after the winner's run had written.
  const std::string reason = GetStringOr(loser.json, "reason");
  EXPECT_TRUE(reason == "used" || reason == "other_plan") << loser.body;
  Json done = fx.WaitForRun(bob, run.json["runId"].get<std::string>());
  EXPECT_EQ(done["status"], "succeeded") << DumpJson(done);
  EXPECT_GT(fx.qbo().CountEntities("Invoice") + fx.qbo().CountEntities("SalesReceipt"), 0);

  auto actions = AuditActions(fx);
  EXPECT_EQ(Count(actions, "confirmation.issue"), 1);
  EXPECT_EQ(Count(actions, "confirmation.use"), 1);
  EXPECT_EQ(Count(actions, "confirmation.refused"), 3);  // other user, other plan, the second of the pair
  EXPECT_EQ(Count(actions, "sync.trigger"), 1);
  EXPECT_EQ(Count(AuditActions(fx, "t2"), "confirmation.refused"), 1);
}

TEST(ServerConfirm, ExpiredTokenAndSmallSyncs) {
  ServerFixture fx(Confirming());
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections("t1");
  const std::string bob = fx.User();
  auto first = fx.Call("POST", "/api/v1/sync", bob, Json{{"mode", "full"}, {"entities", {"orders"}}});
  ASSERT_EQ(first.status, 409) << first.body;
  fx.clock().Advance(5 * 60 * 1000 + 1);
  auto late = fx.Call("POST", "/api/v1/sync", bob,
                      Json{{"mode", "full"}, {"entities", {"orders"}}, {"confirmationToken", first.json["confirmationToken"]}});
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(late.json["reason"], "expired") << late.body;

  // Ten records or fewer: no token.
  auto small = fx.Call("POST", "/api/v1/sync", bob,
                       Json{{"mode", "full"}, {"entities", {"customers"}}, {"ids", {"1", "2", "3"}}});
  ASSERT_EQ(small.status, 202) << small.body;
  EXPECT_EQ(fx.WaitForRun(bob, small.json["runId"].get<std::string>())["status"], "succeeded");
  // Dry runs never ask.
  auto dry = fx.Call("POST", "/api/v1/sync", bob, Json{{"mode", "full"}, {"dryRun", true}});
  EXPECT_EQ(dry.status, 202) << dry.body;
  fx.WaitForRun(bob, dry.json["runId"].get<std::string>());
}

TEST(ServerConfirm, VoidNeedsTheSecondConfirmation) {
  ServerFixture fx(Confirming());
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections("t1");
  const std::string admin = fx.Admin();
  auto first = fx.Call("POST", "/api/v1/sync", admin, Json{{"mode", "full"}});
  ASSERT_EQ(first.status, 409);
  auto run = fx.Call("POST", "/api/v1/sync", admin,
                     Json{{"mode", "full"}, {"confirmationToken", first.json["confirmationToken"]}});
  ASSERT_EQ(run.status, 202) << run.body;
  fx.WaitForRun(admin, run.json["runId"].get<std::string>());

  auto booked = fx.Call("GET", "/api/v1/history?entity=order&status=created&limit=1", admin);
  ASSERT_EQ(booked.json["entries"].size(), 1u) << booked.body;
  const std::string order = booked.json["entries"][0]["sourceId"].get<std::string>();
  ASSERT_TRUE(fx.woo().UpdateOrderStatus(std::stoll(order), "cancelled").ok());

  const Json body = {{"mode", "full"}, {"entities", {"orders"}}, {"ids", {order}}};
  auto ask = fx.Call("POST", "/api/v1/sync", admin, body);
  ASSERT_EQ(ask.status, 409) << ask.body;  // one record, but it voids a document
  EXPECT_TRUE(ask.json["confirmDestructive"].get<bool>());
  EXPECT_EQ(ask.json["plan"]["destructive"], 1);
  EXPECT_EQ(ask.json["plan"]["entities"]["order"]["void"], 1) << ask.body;
  Json with_token = body;
  with_token["confirmationToken"] = ask.json["confirmationToken"];
  auto refused = fx.Call("POST", "/api/v1/sync", admin, with_token);
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.json["reason"], "destructive_not_confirmed") << refused.body;
  with_token["confirmDestructive"] = true;
  auto voided = fx.Call("POST", "/api/v1/sync", admin, with_token);
  ASSERT_EQ(voided.status, 202) << voided.body;
  Json done = fx.WaitForRun(admin, voided.json["runId"].get<std::string>());
  EXPECT_EQ(done["counts"]["order"]["voided"], 1) << DumpJson(done);
}

TEST(ServerConfirm, RetryAllAsksForManyFailedRecords) {
  ServerFixture fx(Confirming());
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections("t1");
  const std::string admin = fx.Admin();
  // Twelve customers in the failed queue (as a failing run leaves them).
  for (int i = 1; i <= 12; ++i) {
    store::FailedRecord f;
    f.tenant_id = "t1";
    f.source_connection = "woo";
    f.target_connection = "qbo";
    f.entity = "customer";
    f.source_id = std::to_string(i + 1);  // the sandbox's customers are 2…16
    f.category = "validation";
    f.message = "test";
    f.first_failed_at_ms = f.last_attempt_at_ms = fx.clock().NowMillis();
    ASSERT_TRUE(fx.store().PutFailed(f).ok());
  }
  auto ask = fx.Call("POST", "/api/v1/failed/retry-all", admin);
  ASSERT_EQ(ask.status, 409) << ask.body;
  EXPECT_EQ(ask.json["plan"]["entities"]["customer"]["create"], 12) << ask.body;
  auto go = fx.Call("POST", "/api/v1/failed/retry-all", admin, Json{{"confirmationToken", ask.json["confirmationToken"]}});
  ASSERT_EQ(go.status, 202) << go.body;
  EXPECT_EQ(go.json["records"], 12);
}

TEST(ServerSandbox, SwitchMarksAnswersAndPointsAtTheSandboxes) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections("t1");
  const std::string admin = fx.Admin();
  auto off = fx.Call("GET", "/api/v1/sandbox-mode", fx.User());
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_FALSE(off.json["enabled"].get<bool>());
  EXPECT_EQ(off.json["qboApiBase"]["qbo"], fx.qbo().base_url());
  EXPECT_EQ(off.Header("X-EasySale-Sandbox"), "");
  EXPECT_FALSE(off.json.contains("sandbox"));

  EXPECT_EQ(fx.Call("PUT", "/api/v1/sandbox-mode", fx.User(), Json{{"enabled", true}}).status, 403);
  EXPECT_EQ(fx.Call("PUT", "/api/v1/sandbox-mode", admin, Json{{"enabled", "yes"}}).status, 400);
  auto on = fx.Call("PUT", "/api/v1/sandbox-mode", admin, Json{{"enabled", true}});
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_TRUE(on.json["enabled"].get<bool>());
  EXPECT_EQ(on.json["qboApiBase"]["qbo"], engine::kQboSandboxApiBase);
  EXPECT_EQ(on.Header("X-EasySale-Sandbox"), "on");

  // Every answer of the tenant says so, errors included; other tenants' do not.
  auto runs = fx.Call("GET", "/api/v1/runs", fx.User());
  EXPECT_EQ(runs.Header("X-EasySale-Sandbox"), "on");
  EXPECT_TRUE(runs.json["sandbox"].get<bool>());
  EXPECT_EQ(fx.Call("GET", "/api/v1/runs/nope", fx.User()).Header("X-EasySale-Sandbox"), "on");
  EXPECT_EQ(fx.Call("GET", "/api/v1/runs", fx.User("t2")).Header("X-EasySale-Sandbox"), "");

  // Runs now open the QBO connection against Intuit's sandbox host.
  auto loaded = engine::LoadEnabledConnection(fx.store(), "t1", "qbo");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->config["api_base"], engine::kQboSandboxApiBase);

  auto back = fx.Call("PUT", "/api/v1/sandbox-mode", admin, Json{{"enabled", false}});
  EXPECT_EQ(back.Header("X-EasySale-Sandbox"), "");
  EXPECT_EQ(fx.Call("GET", "/api/v1/runs", fx.User()).Header("X-EasySale-Sandbox"), "");
  auto audit = AuditActions(fx);
  EXPECT_EQ(Count(audit, "sandbox_mode.set"), 2);
}

Json PrefixMapping(const std::string& prefix) {
  return {{"entity", "order"},
          {"target", "qbo"},
          {"rules", Json::array({{{"source", "number"},
                                  {"target", "PrivateNote"},
                                  {"transforms", Json::array({{{"op", "concat"}, {"prefix", prefix}}})}}})}};
}

// `n` orders of `tenant` as already synced to its connection `target` (the id map).
void MapOrders(ServerFixture& fx, const std::string& tenant, const std::string& target, int n) {
  for (int i = 1; i <= n; ++i) {
    store::IdMapping m;
    m.tenant_id = tenant;
    m.source_connection = "woo";
    m.target_connection = target;
    m.entity = "order";
    m.source_id = std::to_string(1000 + i);
    m.target_id = std::to_string(i);
    m.target_type = "SalesReceipt";
    m.updated_at_ms = 1;
    ASSERT_TRUE(fx.store().PutMapping(m).ok());
  }
}

TEST(ServerConfirm, BulkMappingChangesAskWithTheRecordsTheyRewrite) {
  ServerFixture fx(Confirming());
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections("t1");
  fx.AddSandboxConnections("t2");
  const std::string admin = fx.Admin();
  MapOrders(fx, "t1", "qbo", 25);
    // Other entities and other tenants' orders do not count.
  store::IdMapping customer;
  customer.tenant_id = "t1";
  customer.source_connection = "woo";
  customer.target_connection = "qbo";
  customer.entity = "customer";
  customer.source_id = "7";
  customer.target_id = "70";
  ASSERT_TRUE(fx.store().PutMapping(customer).ok());
  MapOrders(fx, "t2", "qbo", 3);

  // A mapping that rewrites 25 synced orders: the plan names it, nothing saved.
  auto first = fx.Call("PUT", "/api/v1/mappings/order", admin, PrefixMapping("Woo #"));
  ASSERT_EQ(first.status, 409) << first.body;
  EXPECT_EQ(first.json["error"], "confirmation_required");
  EXPECT_EQ(first.json["operation"], "mapping.update");
  EXPECT_EQ(first.json["plan"]["mapping"], "order");
  EXPECT_EQ(first.json["plan"]["entity"], "order");
  EXPECT_EQ(first.json["plan"]["records"], 25);
  EXPECT_EQ(first.json["plan"]["entities"]["order"]["update"], 25);
  EXPECT_FALSE(first.json["confirmDestructive"].get<bool>());
  const std::string token = first.json["confirmationToken"].get<std::string>();
  EXPECT_EQ(fx.Call("GET", "/api/v1/mappings/order", admin).json["version"], 0);

  // Another admin, another mapping document: refused, the token not used up.
  auto carol = fx.Call("PUT", "/api/v1/mappings/order", fx.Token("t1", "carol", "admin"),
                       Json{{"mapping", PrefixMapping("Woo #")}, {"confirmationToken", token}});
  EXPECT_EQ(carol.json["reason"], "other_user") << carol.body;
  auto other = fx.Call("PUT", "/api/v1/mappings/order", admin,
                       Json{{"mapping", PrefixMapping("Shop #")}, {"confirmationToken", token}});
  EXPECT_EQ(other.json["reason"], "other_plan") << other.body;

  // The token beside the mapping's fields (the file itself as the body) works.
  Json confirmed = PrefixMapping("Woo #");
  confirmed["confirmationToken"] = token;
  auto saved = fx.Call("PUT", "/api/v1/mappings/order", admin, confirmed);
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(saved.json["version"], 1);
  EXPECT_FALSE(saved.json["mapping"].contains("confirmationToken"));
  auto reused = fx.Call("PUT", "/api/v1/mappings/order", admin, confirmed);
  EXPECT_EQ(reused.json["reason"], "used") << reused.body;

  // Expired: a token older than 5 minutes is refused.
  auto second = fx.Call("PUT", "/api/v1/mappings/order", admin, PrefixMapping("Shop #"));
  ASSERT_EQ(second.status, 409);
  fx.clock().Advance(5 * 60 * 1000 + 1000);
  auto late = fx.Call("PUT", "/api/v1/mappings/order", admin,
                      Json{{"mapping", PrefixMapping("Shop #")},
                           {"confirmationToken", second.json["confirmationToken"]}});
  EXPECT_EQ(late.json["reason"], "expired") << late.body;

  // Rollback asks as well.
  auto back = fx.Call("POST", "/api/v1/mappings/order/rollback", admin, Json{{"version", 1}});
  ASSERT_EQ(back.status, 409) << back.body;
  EXPECT_EQ(back.json["operation"], "mapping.rollback");
  EXPECT_EQ(back.json["plan"]["records"], 25);
  auto rolled = fx.Call("POST", "/api/v1/mappings/order/rollback", admin,
                        Json{{"version", 1}, {"confirmationToken", back.json["confirmationToken"]}});
  ASSERT_EQ(rolled.status, 200) << rolled.body;
  EXPECT_EQ(rolled.json["version"], 2);

  // An invalid mapping is answered before any plan: 400, no token.
  Json bad = PrefixMapping("x");
  bad["rules"][0]["source"] = "numbr";
  EXPECT_EQ(fx.Call("PUT", "/api/v1/mappings/order", admin, bad).status, 400);

  // Three synced orders (t2): no question.
  auto small = fx.Call("PUT", "/api/v1/mappings/order", fx.Admin("t2"), PrefixMapping("T2 #"));
  EXPECT_EQ(small.status, 200) << small.body;

  // In sandbox mode the change applies to sandbox mode's id map (empty here).
  ASSERT_EQ(fx.Call("PUT", "/api/v1/sandbox-mode", admin, Json{{"enabled", true}}).status, 200);
  auto sandboxed = fx.Call("PUT", "/api/v1/mappings/order", admin, PrefixMapping("Trial #"));
  EXPECT_EQ(sandboxed.status, 200) << sandboxed.body;

  auto audit = fx.Call("GET", "/api/v1/audit?limit=200", admin);
  int updates = 0, confirmed_updates = 0;
  for (const auto& e : audit.json["entries"]) {
    if (e["action"] != "mapping.update") continue;
    ++updates;
    if (e["detail"]["confirmed"] == true) ++confirmed_updates;
  }
  EXPECT_EQ(updates, 2);
  EXPECT_EQ(confirmed_updates, 1);
  auto actions = AuditActions(fx);
  EXPECT_EQ(Count(actions, "confirmation.issue"), 3);
  EXPECT_EQ(Count(actions, "confirmation.use"), 2);
  EXPECT_EQ(Count(actions, "confirmation.refused"), 4);  // other user, other plan, used, expired
  EXPECT_EQ(Count(actions, "mapping.rollback"), 1);
}

}  // namespace
}  // namespace es::testing
