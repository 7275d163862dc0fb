// Reconcile, tenant settings and users through the HTTP API: who may call
// what (user, admin, another tenant's admin), time zones and currencies
// checked and naming the field, reconcile after a sync against the
// sandboxes (totals match; a total changed in the QBO sandbox shows its
// difference), its fix asking for a confirmation beyond 10 repairs and
// repairing them as a job, and the last admin kept.
#include <gtest/gtest.h>

#include "common/decimal.h"
#include "integration/server_fixture.h"

namespace es::testing {
namespace {

ServerFixtureOptions Confirming() {
  ServerFixtureOptions o;
  o.confirm_above = 10;  // the product's default
  return o;
}

// Syncs everything (no confirmation in the default fixture) and waits for it.
void SyncAll(ServerFixture& fx, const std::string& token) {
  auto run = fx.Call("POST", "/api/v1/sync", token, Json{{"mode", "full"}});
  ASSERT_EQ(run.status, 202) << run.body;
  Json done = fx.WaitForRun(token, run.json["runId"].get<std::string>());
  ASSERT_EQ(done["status"], "succeeded") << DumpJson(done);
}

Decimal Dec(const Json& v) { return v.is_string() ? Decimal::Parse(v.get<std::string>()).value() : Decimal(); }

// Raises the first item line of a sales document by one unit, as a user's edit in QuickBooks.
void EditInQbo(ServerFixture& fx, const std::string& type, const std::string& id) {
  Json doc;
  for (const auto& d : fx.qbo().AllEntities(type))
    if (GetStringOr(d, "Id") == id) doc = d;
  ASSERT_TRUE(doc.is_object()) << type << " " << id;
  Json lines = Json::array();
  bool raised = false;
  for (Json line : doc["Line"]) {
    if (GetStringOr(line, "DetailType") != "SalesItemLineDetail") continue;
    if (!raised) {
      Json& d = line["SalesItemLineDetail"];
      const Decimal price = Decimal::Parse(DumpJson(d["UnitPrice"])).value();
      const Decimal qty = Decimal::Parse(DumpJson(d["Qty"])).value() + Decimal::FromInt(1);
      d["Qty"] = ParseJson(qty.ToString()).value();
      line["Amount"] = ParseJson(price.Mul(qty).ToFixed(2)).value();
      raised = true;
    }
    lines.push_back(line);
  }
  ASSERT_TRUE(raised) << DumpJson(doc);
  auto updated = fx.qbo().UpdateEntity(type, id, Json{{"Line", lines}});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
}

TEST(ServerAdmin, RolesAndTenantsAreKeptApart) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections("t1");
  const std::string bob = fx.User(), alice = fx.Admin(), other = fx.Admin("t2");

  EXPECT_EQ(fx.Call("GET", "/api/v1/settings", bob).status, 200);
  EXPECT_EQ(fx.Call("PUT", "/api/v1/settings", bob, Json{{"timezone", "UTC"}}).status, 403);
  EXPECT_EQ(fx.Call("GET", "/api/v1/users", bob).status, 403);
  EXPECT_EQ(fx.Call("POST", "/api/v1/users", bob, Json{{"email", "x@example.com"}, {"password", "longenough1"}, {"role", "admin"}}).status, 403);
  EXPECT_EQ(fx.Call("DELETE", "/api/v1/users/x@example.com", bob).status, 403);
  EXPECT_EQ(fx.Call("POST", "/api/v1/reconcile/fix", bob, Json::object()).status, 403);
  EXPECT_EQ(fx.Call("GET", "/api/v1/reconcile?limit=1", bob).status, 200);

  auto add = fx.Call("POST", "/api/v1/users", alice,
                     Json{{"email", "Carol@Example.com"}, {"password", "correct horse"}, {"role", "user"}});
  ASSERT_EQ(add.status, 201) << add.body;
  EXPECT_EQ(add.json["email"], "carol@example.com");
  ASSERT_EQ(fx.Call("PUT", "/api/v1/settings", alice, Json{{"timezone", "Asia/Tokyo"}}).status, 200);

  // The other tenant's admin sees none of it and cannot remove t1's users.
  auto theirs = fx.Call("GET", "/api/v1/users", other);
  ASSERT_EQ(theirs.status, 200);
  EXPECT_TRUE(theirs.json["users"].empty()) << theirs.body;
  EXPECT_EQ(fx.Call("DELETE", "/api/v1/users/carol@example.com", other).status, 404);
  EXPECT_TRUE(fx.Call("GET", "/api/v1/settings", other).json["timezone"].is_null());
  EXPECT_EQ(fx.Call("GET", "/api/v1/reconcile", other).status, 400);  // t2 has no connections
  EXPECT_EQ(fx.Call("GET", "/api/v1/settings", bob).json["timezone"], "Asia/Tokyo");
  auto ours = fx.Call("GET", "/api/v1/users", alice);
  ASSERT_EQ(ours.json["users"].size(), 1u);
  EXPECT_EQ(ours.json["users"][0]["role"], "user");
  EXPECT_EQ(ours.body.find("argon2"), std::string::npos) << "no password hash in answers";
}

TEST(ServerAdmin, SettingsAreValidatedAndNameTheField) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections("t1");
  const std::string alice = fx.Admin();

  auto none = fx.Call("GET", "/api/v1/settings", alice);
  ASSERT_EQ(none.status, 200);
  EXPECT_TRUE(none.json["timezone"].is_null());
  EXPECT_EQ(none.json["currencySource"], "none");

  auto bad = fx.Call("PUT", "/api/v1/settings", alice, Json{{"timezone", "Mars/Olympus_Mons"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json["error"], "invalid_setting");
  EXPECT_EQ(bad.json["field"], "timezone");
  EXPECT_NE(GetStringOr(bad.json, "message").find("Mars/Olympus_Mons"), std::string::npos) << bad.body;
  auto cur = fx.Call("PUT", "/api/v1/settings", alice, Json{{"currency", "EURO"}});
  EXPECT_EQ(cur.status, 400);
  EXPECT_EQ(cur.json["field"], "currency");
  auto unknown = fx.Call("PUT", "/api/v1/settings", alice, Json{{"colour", "blue"}});
  EXPECT_EQ(unknown.json["field"], "colour");

  auto ok = fx.Call("PUT", "/api/v1/settings", alice, Json{{"timezone", "America/New_York"}, {"currency", "cad"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["timezone"], "America/New_York");
  EXPECT_EQ(ok.json["currency"], "CAD");
  EXPECT_EQ(ok.json["currencySource"], "setting");
  EXPECT_EQ(ok.json["updatedBy"], "alice");

  // Clearing the currency falls back to the one seen on the shop's orders (read by reconcile).
  ASSERT_EQ(fx.Call("GET", "/api/v1/reconcile?limit=1", alice).status, 200);
  auto cleared = fx.Call("PUT", "/api/v1/settings", alice, Json{{"currency", ""}});
  ASSERT_EQ(cleared.status, 200);
  EXPECT_EQ(cleared.json["currencySource"], "orders") << cleared.body;
  EXPECT_EQ(cleared.json["currency"], cleared.json["seenCurrency"]);
  EXPECT_EQ(GetStringOr(cleared.json, "currency").size(), 3u) << cleared.body;
  EXPECT_EQ(cleared.json["timezone"], "America/New_York");  // untouched
}

TEST(ServerAdmin, ReconcileAfterSyncMatchesThenShowsAQboEdit) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections("t1");
  const std::string bob = fx.User();
  SyncAll(fx, bob);

  auto clean = fx.Call("GET", "/api/v1/reconcile?status=all&limit=10", bob);
  ASSERT_EQ(clean.status, 200) << clean.body;
  const Json& s = clean.json["summary"];
  EXPECT_GT(s["orders"].get<int64_t>(), 10);
  EXPECT_EQ(s["mismatches"], 0) << DumpJson(s);
  EXPECT_EQ(s["wooTotal"], s["qboTotal"]);
  EXPECT_EQ(s["difference"], "0.00");
  EXPECT_EQ(clean.json["orders"].size(), 10u);
  EXPECT_EQ(clean.json["total"], s["orders"]);
  for (const auto& o : clean.json["orders"]) {
    EXPECT_EQ(o["status"], "matched") << DumpJson(o);
    EXPECT_EQ(o["wooTotal"], o["qboTotal"]);
    EXPECT_EQ(o["difference"], "0.00");
    EXPECT_FALSE(GetStringOr(o, "docId").empty());
  }
  // Pages do not overlap.
  auto second = fx.Call("GET", "/api/v1/reconcile?limit=10&offset=10", bob);
  ASSERT_EQ(second.json["orders"].size(), 10u);
  EXPECT_NE(second.json["orders"][0]["orderId"], clean.json["orders"][0]["orderId"]);
  auto mismatches = fx.Call("GET", "/api/v1/reconcile?status=mismatch", bob);
  EXPECT_EQ(mismatches.json["total"], 0);
  // A window without orders.
  auto empty = fx.Call("GET", "/api/v1/reconcile?from=2001-01-01&to=2001-01-31", bob);
  EXPECT_EQ(empty.json["summary"]["orders"], 0) << empty.body;
  EXPECT_EQ(fx.Call("GET", "/api/v1/reconcile?status=odd", bob).status, 400);
  EXPECT_EQ(fx.Call("GET", "/api/v1/reconcile?from=yesterday", bob).status, 400);

  // Someone changes a (live) document in QuickBooks.
  Json first;
  for (const auto& o : clean.json["orders"])
    if (first.is_null() && Dec(o["wooTotal"]) > Decimal()) first = o;
  ASSERT_FALSE(first.is_null()) << clean.body;
  EditInQbo(fx, first["docType"].get<std::string>(), first["docId"].get<std::string>());
  auto after = fx.Call("GET", "/api/v1/reconcile?status=mismatch", bob);
  ASSERT_EQ(after.status, 200);
  ASSERT_EQ(after.json["total"], 1) << after.body;
  const Json row = after.json["orders"][0];
  EXPECT_EQ(row["orderId"], first["orderId"]);
  EXPECT_EQ(row["status"], "differs");
  EXPECT_EQ(row["wooTotal"], first["wooTotal"]);
  EXPECT_NE(row["qboTotal"], first["qboTotal"]);
  EXPECT_EQ(Dec(row["difference"]), Dec(row["qboTotal"]) - Dec(row["wooTotal"]));
  EXPECT_NE(row["difference"], "0.00");
  EXPECT_TRUE(row["repair"].get<bool>());
  EXPECT_EQ(after.json["summary"]["difference"], row["difference"]);
  EXPECT_EQ(after.json["summary"]["repairs"], 1);
}

TEST(ServerAdmin, FixOfMoreThanTenAsksThenRepairsAsAJob) {
  ServerFixture fx(Confirming());
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections("t1");
  const std::string alice = fx.Admin();

  // Nothing synced yet: every live order is missing in QBO.
  auto before = fx.Call("GET", "/api/v1/reconcile?status=missing&limit=1", alice);
  ASSERT_EQ(before.status, 200) << before.body;
  const int64_t missing = before.json["summary"]["missing"].get<int64_t>();
  ASSERT_GT(missing, 10);
  EXPECT_EQ(before.json["total"], missing);

  auto ask = fx.Call("POST", "/api/v1/reconcile/fix", alice, Json::object());
  ASSERT_EQ(ask.status, 409) << ask.body;
  EXPECT_EQ(ask.json["error"], "confirmation_required");
  EXPECT_EQ(ask.json["operation"], "reconcile.fix");
  EXPECT_EQ(ask.json["plan"]["entities"]["order"]["create"], missing) << ask.body;
  EXPECT_EQ(fx.qbo().CountEntities("Invoice") + fx.qbo().CountEntities("SalesReceipt"), 0);

  // One named order needs no confirmation; an id needing no repair is left out.
  const std::string one = before.json["orders"][0]["orderId"].get<std::string>();
  auto small = fx.Call("POST", "/api/v1/reconcile/fix", alice, Json{{"orderIds", {one, "no-such-order"}}});
  ASSERT_EQ(small.status, 202) << small.body;
  EXPECT_EQ(small.json["repairs"], 1);
  EXPECT_FALSE(GetStringOr(small.json, "jobId").empty());
  EXPECT_EQ(fx.WaitForRun(alice, small.json["runId"].get<std::string>())["status"], "succeeded");

  // The plan changed (one order fewer): the old token is refused, a new one works.
  auto stale = fx.Call("POST", "/api/v1/reconcile/fix", alice, Json{{"confirmationToken", ask.json["confirmationToken"]}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.json["reason"], "other_plan") << stale.body;
  auto again = fx.Call("POST", "/api/v1/reconcile/fix", alice, Json::object());
  ASSERT_EQ(again.status, 409);
  auto run = fx.Call("POST", "/api/v1/reconcile/fix", alice, Json{{"confirmationToken", again.json["confirmationToken"]}});
  ASSERT_EQ(run.status, 202) << run.body;
  EXPECT_EQ(run.json["repairs"], missing - 1);
  auto job = fx.Call("GET", "/api/v1/jobs/" + run.json["jobId"].get<std::string>(), alice);
  EXPECT_EQ(job.json["kind"], "reconcile") << job.body;
  EXPECT_EQ(fx.WaitForRun(alice, run.json["runId"].get<std::string>())["status"], "succeeded");

  auto after = fx.Call("GET", "/api/v1/reconcile?status=mismatch", alice);
  EXPECT_EQ(after.json["summary"]["mismatches"], 0) << after.body;
  auto nothing = fx.Call("POST", "/api/v1/reconcile/fix", alice, Json::object());
  EXPECT_EQ(nothing.status, 200);
  EXPECT_EQ(nothing.json["repairs"], 0);
}

TEST(ServerAdmin, UsersAreAddedAndRemovedButTheLastAdminStays) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  const std::string alice = fx.Admin();
  auto add = [&](const std::string& email, const std::string& role) {
    return fx.Call("POST", "/api/v1/users", alice, Json{{"email", email}, {"password", "long enough pw"}, {"role", role}});
  };
  ASSERT_EQ(add("alice@example.com", "admin").status, 201);
  ASSERT_EQ(add("bob@example.com", "user").status, 201);

  auto short_pw = fx.Call("POST", "/api/v1/users", alice,
                          Json{{"email", "dan@example.com"}, {"password", "short"}, {"role", "user"}});
  EXPECT_EQ(short_pw.status, 400);
  EXPECT_EQ(short_pw.json["error"], "invalid_user");
  EXPECT_EQ(short_pw.json["field"], "password");
  EXPECT_EQ(add("not-an-email", "user").json["field"], "email");
  EXPECT_EQ(add("dan@example.com", "owner").json["field"], "role");

  auto last = fx.Call("DELETE", "/api/v1/users/alice@example.com", alice);
  EXPECT_EQ(last.status, 409);
  EXPECT_EQ(last.json["error"], "last_admin");
  EXPECT_NE(GetStringOr(last.json, "message").find("last admin"), std::string::npos) << last.body;
  EXPECT_EQ(add("alice@example.com", "user").status, 409);  // demoting the last admin

  // Signing in works with the password set through the API.
  auto login = fx.Call("POST", "/auth/login", "",
                       Json{{"tenant", "t1"}, {"email", "bob@example.com"}, {"password", "long enough pw"}});
  EXPECT_EQ(login.status, 200) << login.body;

  ASSERT_EQ(add("bob@example.com", "admin").status, 200);  // replaced: now an admin
  EXPECT_EQ(fx.Call("DELETE", "/api/v1/users/alice@example.com", alice).status, 204);
  EXPECT_EQ(fx.Call("DELETE", "/api/v1/users/alice@example.com", alice).status, 404);
  auto users = fx.Call("GET", "/api/v1/users", alice);
  ASSERT_EQ(users.json["users"].size(), 1u);
  EXPECT_EQ(users.json["users"][0]["email"], "bob@example.com");
  EXPECT_EQ(users.json["users"][0]["role"], "admin");
}

}  // namespace
}  // namespace es::testing
