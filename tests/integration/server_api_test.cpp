// The HTTP API against the sandboxes: connections (masking, live status,
// enable only after a passing test), sync runs (202 + id, idempotencyKey,
// dry run writes nothing to QBO, stop while running), history filters and
// CSV export, failed records and retry (one, all), metrics and health, the
// audit log with the token's user id.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "integration/server_fixture.h"
#include "store/encrypted_store.h"
#include "store/postgres/postgres_test_harness.h"

namespace es::testing {
namespace {

int64_t QboObjects(ServerFixture& fx) {
  int64_t n = 0;
  for (const char* e : {"Customer", "Item", "Invoice", "SalesReceipt", "Payment"}) n += fx.qbo().CountEntities(e);
  return n;
}

std::string StartSync(ServerFixture& fx, const std::string& token, const Json& body) {
  auto r = fx.Call("POST", "/api/v1/sync", token, body);
  EXPECT_EQ(r.status, 202) << r.body;
  return GetStringOr(r.json, "runId");
}

TEST(ServerApi, ConnectionsAreMaskedTestedAndEncrypted) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  const std::string admin = fx.Admin();
  fx.AddSandboxConnections();

  auto creds = fx.Call("GET", "/api/v1/connections/woo/credentials", admin);
  ASSERT_EQ(creds.status, 200) << creds.body;
  EXPECT_EQ(creds.json["credentials"]["consumer_key"], "ck_\xE2\x80\xA6_key");
  EXPECT_EQ(creds.json["credentials"]["consumer_secret"], "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2");
  auto q = fx.Call("GET", "/api/v1/connections/qbo", admin);
  ASSERT_EQ(q.status, 200);
  EXPECT_TRUE(q.json["connected"].get<bool>());
  EXPECT_EQ(q.json["credentials"]["refresh_token"], "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2");
  EXPECT_EQ(q.json["config"]["api_base"], fx.qbo().base_url());  // server defaults filled in

  // Users see connections with a live status but no credentials at all.
  auto list = fx.Call("GET", "/api/v1/connections", fx.User());
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json["connections"].size(), 2u);
  for (const auto& c : list.json["connections"]) {
    EXPECT_FALSE(c.contains("credentials"));
    EXPECT_EQ(c["status"]["status"], "ok") << DumpJson(c);
  }
  // The probe result is cached (about 30 s) between listings.
  auto again = fx.Call("GET", "/api/v1/connections/woo", fx.User());
  EXPECT_TRUE(again.json["status"]["cached"].get<bool>());

  // Wrong credentials: the test reports it, enabling is refused.
  auto bad = fx.Call("POST", "/api/v1/connections", admin,
                     Json{{"id", "woo-bad"},
                          {"kind", "woo"},
                          {"config", {{"base_url", fx.woo().base_url()}}},
                          {"credentials", {{"consumer_key", "ck_wrong_key_123"}, {"consumer_secret", "cs_wrong"}}}});
  ASSERT_EQ(bad.status, 201) << bad.body;
  EXPECT_FALSE(bad.json["enabled"].get<bool>());
  auto test = fx.Call("POST", "/api/v1/connections/woo-bad/test", fx.User());
  ASSERT_EQ(test.status, 200);
  EXPECT_EQ(test.json["status"]["status"], "error");
  EXPECT_EQ(test.json["status"]["category"], "authentication") << test.body;
  auto enable = fx.Call("POST", "/api/v1/connections/woo-bad/enable", admin);
  EXPECT_EQ(enable.status, 409) << enable.body;
  // Fix the secret (write-only, merged), then enabling works.
  auto put = fx.Call("PUT", "/api/v1/connections/woo-bad/credentials", admin,
                     Json{{"consumer_key", fx.options().woo.consumer_key},
                          {"consumer_secret", fx.options().woo.consumer_secret}});
  ASSERT_EQ(put.status, 200);
  EXPECT_EQ(put.body.find(fx.options().woo.consumer_secret), std::string::npos);
  EXPECT_EQ(fx.Call("POST", "/api/v1/connections/woo-bad/enable", admin).status, 200);
  EXPECT_EQ(fx.Call("POST", "/api/v1/connections/woo-bad/disable", admin).status, 200);
  EXPECT_EQ(fx.Call("DELETE", "/api/v1/connections/woo-bad", admin).status, 204);
  EXPECT_EQ(fx.Call("GET", "/api/v1/connections/woo-bad", admin).status, 404);

  // Validation errors name the field.
  auto invalid = fx.Call("POST", "/api/v1/connections", admin, Json{{"id", "../x"}, {"kind", "woo"}});
  EXPECT_EQ(invalid.status, 400);
  EXPECT_NE(invalid.json["error"]["message"].get<std::string>().find("'id'"), std::string::npos);
  EXPECT_EQ(fx.Call("POST", "/api/v1/connections", admin, Json{{"id", "woo"}, {"kind", "woo"},
                                                              {"config", {{"base_url", "http://x"}}}}).status,
            409);

  // At rest: sealed with the tenant/connection as associated data.
  auto raw = fx.base_store().GetConnection("t1", "woo");
  ASSERT_TRUE(raw.ok() && raw->has_value());
  EXPECT_TRUE(SecretBox::LooksSealed((*raw)->secret));
  EXPECT_EQ((*raw)->secret.find(fx.options().woo.consumer_secret), std::string::npos);

  // TransformerConfig: defaults, validation, storage.
  auto tc = fx.Call("GET", "/api/v1/connections/qbo/transformer-config", fx.User());
  ASSERT_EQ(tc.status, 200);
  EXPECT_FALSE(tc.json["custom"].get<bool>());
  auto tc_bad = fx.Call("PUT", "/api/v1/connections/qbo/transformer-config", admin, Json{{"no_such_key", 1}});
  EXPECT_EQ(tc_bad.status, 400);
  auto tc_ok = fx.Call("PUT", "/api/v1/connections/qbo/transformer-config", admin, Json{{"payment_terms_days", 14}});
  ASSERT_EQ(tc_ok.status, 200) << tc_ok.body;
  EXPECT_EQ(fx.Call("GET", "/api/v1/connections/qbo/transformer-config", admin).json["config"]["payment_terms_days"],
            14);

  // The audit log has the real user ids from the tokens.
  auto audit = fx.Call("GET", "/api/v1/audit?action=credentials.update", admin);
  ASSERT_EQ(audit.status, 200);
  ASSERT_EQ(audit.json["entries"].size(), 1u);
  EXPECT_EQ(audit.json["entries"][0]["userId"], "alice");
  EXPECT_EQ(audit.json["entries"][0]["target"], "connection:woo-bad");
  auto tests = fx.Call("GET", "/api/v1/audit?user=bob", admin);
  ASSERT_GE(tests.json["entries"].size(), 1u);
  EXPECT_EQ(tests.json["entries"][0]["action"], "connection.test");
}

TEST(ServerApi, SyncIdempotencyDryRunHistoryExportAndMetrics) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections();
  const std::string user = fx.User();
  const int64_t before = QboObjects(fx);

  // Dry run: everything runs, nothing is written to QBO, previews come back.
  const Json dry = {{"mode", "full"}, {"dryRun", true}, {"idempotencyKey", "dry-1"}};
  const std::string dry_id = StartSync(fx, user, dry);
  ASSERT_FALSE(dry_id.empty());
  // The same key returns the same run; the same key with another body is refused.
  auto replay = fx.Call("POST", "/api/v1/sync", fx.Admin(), dry);
  EXPECT_EQ(replay.status, 202);
  EXPECT_EQ(replay.json["runId"], dry_id);
  EXPECT_TRUE(replay.json["idempotentReplay"].get<bool>());
  EXPECT_EQ(replay.Header("Idempotent-Replayed"), "true");
  auto other = fx.Call("POST", "/api/v1/sync", user, Json{{"mode", "incremental"}, {"idempotencyKey", "dry-1"}});
  EXPECT_EQ(other.status, 409) << other.body;
  Json run = fx.WaitForRun(user, dry_id);
  EXPECT_EQ(run["status"], "succeeded") << DumpJson(run);
  EXPECT_TRUE(run["dryRun"].get<bool>());
  EXPECT_GT(run["totals"]["created"].get<int64_t>(), 0);
  EXPECT_FALSE(run["previews"].empty()) << DumpJson(run);
  EXPECT_EQ(QboObjects(fx), before) << "a dry run wrote to QBO";
  EXPECT_EQ(run["triggeredBy"], "bob");

  // A real run.
  const std::string id = StartSync(fx, user, Json{{"mode", "full"}, {"entities", Json::array({"customers", "products", "orders"})}});
  run = fx.WaitForRun(user, id);
  EXPECT_EQ(run["status"], "succeeded") << DumpJson(run);
  const int64_t created = run["totals"]["created"].get<int64_t>();
  EXPECT_GT(created, 0);
  EXPECT_GT(QboObjects(fx), before);

  // Runs list and filters.
  auto runs = fx.Call("GET", "/api/v1/runs?status=succeeded", user);
  ASSERT_EQ(runs.status, 200);
  EXPECT_EQ(runs.json["runs"].size(), 2u);
  EXPECT_EQ(fx.Call("GET", "/api/v1/runs?status=bogus", user).status, 400);

  // History with filters.
  auto all = fx.Call("GET", "/api/v1/history?runId=" + id + "&limit=1000", user);
  ASSERT_EQ(all.status, 200);
  const auto& entries = all.json["entries"];
  ASSERT_FALSE(entries.empty());
  std::set<std::string> entities;
  int64_t created_rows = 0;
  for (const auto& e : entries) {
    entities.insert(e["entity"].get<std::string>());
    if (e["status"] == "created") ++created_rows;
  }
  // Refunds of the seeded store are booked with their orders.
  EXPECT_EQ(entities, (std::set<std::string>{"customer", "item", "order", "refund"}));
  EXPECT_EQ(created_rows, created);
  auto orders = fx.Call("GET", "/api/v1/history?runId=" + id + "&entity=orders&status=created&limit=1000", user);
  ASSERT_EQ(orders.status, 200);
  ASSERT_FALSE(orders.json["entries"].empty());
  for (const auto& e : orders.json["entries"]) {
    EXPECT_EQ(e["entity"], "order");
    EXPECT_EQ(e["status"], "created");
  }
  auto dry_rows = fx.Call("GET", "/api/v1/history?status=would_create&connection=qbo&limit=1000", user);
  ASSERT_EQ(dry_rows.status, 200);
  for (const auto& e : dry_rows.json["entries"]) EXPECT_EQ(e["runId"], dry_id);
  auto past = fx.Call("GET", "/api/v1/history?to=2001-01-01", user);
  ASSERT_EQ(past.status, 200);
  EXPECT_TRUE(past.json["entries"].empty());
  auto future = fx.Call("GET", "/api/v1/history?from=" + std::to_string(fx.clock().NowMillis() + 3'600'000), user);
  EXPECT_TRUE(future.json["entries"].empty());
  auto none = fx.Call("GET", "/api/v1/history?connector=elsewhere", user);
  EXPECT_TRUE(none.json["entries"].empty());
  EXPECT_EQ(fx.Call("GET", "/api/v1/history?from=yesterday", user).status, 400);
  auto page = fx.Call("GET", "/api/v1/history?runId=" + id + "&limit=2&offset=1", user);
  ASSERT_EQ(page.json["entries"].size(), 2u);
  EXPECT_EQ(page.json["entries"][0]["sourceId"], entries[1]["sourceId"]);

  // CSV export: a header and one line per entry of the same filter.
  auto csv = fx.Call("GET", "/api/v1/history/export?format=csv&runId=" + id, user);
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.Header("Content-Type").find("text/csv"), std::string::npos);
  EXPECT_NE(csv.Header("Content-Disposition").find("attachment"), std::string::npos);
  size_t lines = 0;
  for (char c : csv.body) lines += c == '\n';
  EXPECT_EQ(lines, entries.size() + 1);
  EXPECT_EQ(csv.body.rfind("at,run_id,source,target,", 0), 0u);
  auto json_export = fx.Call("GET", "/api/v1/history/export?format=json&runId=" + id, user);
  ASSERT_EQ(json_export.status, 200);
  EXPECT_EQ(json_export.json["entries"].size(), entries.size());
  EXPECT_EQ(fx.Call("GET", "/api/v1/history/export?format=xml", user).status, 400);

  // Metrics: JSON for the tenant, Prometheus per tenant or for the operator.
  auto m = fx.Call("GET", "/api/v1/metrics", user);
  ASSERT_EQ(m.status, 200);
  EXPECT_GT(m.json["records"]["order"]["created"].get<double>(), 0) << m.body;
  auto prom = fx.Call("GET", "/metrics", fx.Admin());
  ASSERT_EQ(prom.status, 200);
  EXPECT_NE(prom.body.find("easysale_records_created_total{entity=\"order\",tenant=\"t1\"}"), std::string::npos)
      << prom.body;
  EXPECT_NE(prom.body.find("easysale_run_duration_seconds_count{tenant=\"t1\"} 2"), std::string::npos) << prom.body;
  EXPECT_NE(prom.body.find("easysale_api_requests_total{platform=\"qbo\",tenant=\"t1\"}"), std::string::npos);
  EXPECT_EQ(prom.body.find("easysale_http_requests_total{"), std::string::npos);  // not tenant-labelled
  auto foreign = fx.Call("GET", "/metrics", fx.Admin("t2"));
  ASSERT_EQ(foreign.status, 200);
  EXPECT_EQ(foreign.body.find("tenant=\"t1\""), std::string::npos);
  auto op = fx.Call("GET", "/metrics", fx.options().metrics_token);
  ASSERT_EQ(op.status, 200);
  EXPECT_NE(op.body.find("easysale_http_requests_total{"), std::string::npos);
  EXPECT_NE(op.body.find("easysale_queue_depth{queue=\"sync_runs\"} 0"), std::string::npos);

  // Health: aggregate without a token, the tenant's connections with one.
  auto h = fx.Call("GET", "/health");
  ASSERT_EQ(h.status, 200);
  EXPECT_EQ(h.json["status"], "ok");
  EXPECT_FALSE(h.json.contains("connectionStatus"));
  EXPECT_EQ(h.body.find("\"woo\""), std::string::npos);
  auto ht = fx.Call("GET", "/health", user);
  ASSERT_EQ(ht.json["connectionStatus"].size(), 2u) << ht.body;
  EXPECT_EQ(ht.json["connections"]["ok"], 2);
}

TEST(ServerApi, FailedRecordsRetryOneAndAll) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections();
  const std::string admin = fx.Admin();
  const std::string user = fx.User();
  // A shipping item that does not exist in QBO: orders with shipping fail.
  ASSERT_EQ(fx.Call("PUT", "/api/v1/connections/qbo/transformer-config", admin, Json{{"shipping_item_id", "999999"}})
                .status,
            200);
  std::string id = StartSync(fx, user, Json{{"mode", "full"}});
  Json run = fx.WaitForRun(user, id);
  EXPECT_EQ(run["status"], "partial") << DumpJson(run);
  auto failed = fx.Call("GET", "/api/v1/failed", user);
  ASSERT_EQ(failed.status, 200);
  const size_t n_failed = failed.json["failed"].size();
  ASSERT_GE(n_failed, 2u) << failed.body;
  const Json first = failed.json["failed"][0];
  EXPECT_EQ(first["entity"], "order");
  EXPECT_EQ(first["category"], "validation") << DumpJson(first);

  // Fix the config, retry one record.
  ASSERT_EQ(fx.Call("PUT", "/api/v1/connections/qbo/transformer-config", admin, Json::object()).status, 200);
  auto one = fx.Call("POST", "/api/v1/failed/retry", user,
                     Json{{"target", "qbo"}, {"entity", "order"}, {"sourceId", first["sourceId"]}});
  ASSERT_EQ(one.status, 202) << one.body;
  run = fx.WaitForRun(user, one.json["runId"].get<std::string>());
  EXPECT_EQ(run["status"], "succeeded") << DumpJson(run);
  auto after_one = fx.Call("GET", "/api/v1/failed", user);
  EXPECT_EQ(after_one.json["failed"].size(), n_failed - 1);
  for (const auto& f : after_one.json["failed"]) EXPECT_NE(f["sourceId"], first["sourceId"]);
  EXPECT_EQ(fx.Call("POST", "/api/v1/failed/retry", user, Json{{"entity", "order"}, {"sourceId", "nope"}}).status, 404);

  // Retry all is admin-only.
  EXPECT_EQ(fx.Call("POST", "/api/v1/failed/retry-all", user).status, 403);
  auto all = fx.Call("POST", "/api/v1/failed/retry-all", admin);
  ASSERT_EQ(all.status, 202) << all.body;
  ASSERT_EQ(all.json["runs"].size(), 1u);
  EXPECT_EQ(all.json["records"], n_failed - 1);
  run = fx.WaitForRun(user, all.json["runs"][0]["runId"].get<std::string>());
  EXPECT_EQ(run["status"], "succeeded") << DumpJson(run);
  EXPECT_TRUE(fx.Call("GET", "/api/v1/failed", user).json["failed"].empty());
  auto audit = fx.Call("GET", "/api/v1/audit?action=failed.retry_all", admin);
  ASSERT_EQ(audit.json["entries"].size(), 1u);
  EXPECT_EQ(audit.json["entries"][0]["userId"], "alice");
}

TEST(ServerApi, RunStatusWhileRunningAndStop) {
  ServerFixtureOptions o;
  o.woo.orders = 60;
  ServerFixture fx(o);
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections();
  fx.qbo().SetLatencyMs(150);
  const std::string user = fx.User();
  auto first = fx.Call("POST", "/api/v1/sync", user, Json{{"mode", "full"}});
  ASSERT_EQ(first.status, 202) << first.body;
  // A worker of the pool may claim the job before the answer is written.
  EXPECT_TRUE(first.json["status"] == "queued" || first.json["status"] == "running") << first.body;
  ASSERT_TRUE(first.json.contains("jobId")) << first.body;
  const std::string id = first.json["runId"].get<std::string>();
  // Queued until a worker of the pool picks its job up, then running with progress.
  Json during;
  for (int i = 0; i < 500; ++i) {
    auto d = fx.Call("GET", "/api/v1/runs/" + id, user);
    ASSERT_EQ(d.status, 200) << d.body;
    during = d.json;
    if (during["status"] == "running" && during.contains("progress")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(during["status"], "running") << DumpJson(during);
  EXPECT_TRUE(during.contains("progress"));
  EXPECT_EQ(during["jobId"], first.json["jobId"]);
  // A second run of the same pair is queued behind this one: its job waits
  // for the run lock instead of being refused.
  auto second = fx.Call("POST", "/api/v1/sync", user, Json{{"mode", "full"}});
  ASSERT_EQ(second.status, 202) << second.body;
  EXPECT_EQ(second.json["status"], "queued");
  auto stop = fx.Call("POST", "/api/v1/runs/" + id + "/stop", user);
  EXPECT_EQ(stop.status, 202) << stop.body;
  Json run = fx.WaitForRun(user, id);
  EXPECT_EQ(run["status"], "stopped") << DumpJson(run);
  EXPECT_EQ(fx.Call("POST", "/api/v1/runs/" + id + "/stop", user).status, 409);
  fx.qbo().SetLatencyMs(0);
  Json next = fx.WaitForRun(user, second.json["runId"].get<std::string>(), 60'000);
  EXPECT_EQ(next["status"], "succeeded") << DumpJson(next);
  // The stopped run's job failed with the reason; the waiting one succeeded.
  auto job1 = fx.Call("GET", "/api/v1/jobs/" + first.json["jobId"].get<std::string>(), user);
  ASSERT_EQ(job1.status, 200) << job1.body;
  EXPECT_EQ(job1.json["status"], "failed") << job1.body;
  EXPECT_EQ(job1.json["runId"], id);
  auto job2 = fx.Call("GET", "/api/v1/jobs/" + second.json["jobId"].get<std::string>(), user);
  EXPECT_EQ(job2.json["status"], "succeeded") << job2.body;
  auto listed = fx.Call("GET", "/api/v1/jobs?kind=sync", user);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json["jobs"].size(), 2u) << listed.body;
  EXPECT_EQ(fx.Call("GET", "/api/v1/jobs?status=sleeping", user).status, 400);
  // Another tenant sees none of them.
  EXPECT_EQ(fx.Call("GET", "/api/v1/jobs/" + first.json["jobId"].get<std::string>(), fx.User("t2")).status, 404);
  auto audit = fx.Call("GET", "/api/v1/audit?action=sync.stop", fx.Admin());
  ASSERT_EQ(audit.json["entries"].size(), 1u);
  EXPECT_EQ(audit.json["entries"][0]["userId"], "bob");
}

TEST(ServerApi, AnAbandonedIdempotencyClaimIsTakenOver) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections();
  // A claim left pending (run id empty) by a process that died two minutes ago.
  store::SyncRequestRecord stale;
  stale.tenant_id = "t1";
  stale.idempotency_key = "crashed";
  stale.request = Json{{"x", 1}};
  stale.created_at_ms = fx.clock().NowMillis() - 120'000;
  ASSERT_TRUE(fx.store().PutSyncRequest(stale).ok());
  auto r = fx.Call("POST", "/api/v1/sync", fx.User(),
                   Json{{"entities", Json::array({"customers"})}, {"dryRun", true}, {"idempotencyKey", "crashed"}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_FALSE(r.json["idempotentReplay"].get<bool>());
  auto rec = fx.store().GetSyncRequest("t1", "crashed");
  ASSERT_TRUE(rec.ok() && rec->has_value());
  EXPECT_EQ((*rec)->run_id, r.json["runId"]);
  fx.WaitForRun(fx.User(), r.json["runId"].get<std::string>());
}

TEST(ServerApi, PerTenantRateLimitAnswers429) {
  ServerFixtureOptions o;
  o.api_rate_per_s = 1;
  o.api_burst = 3;
  ServerFixture fx(o);
  ASSERT_TRUE(fx.Start().ok());
  const std::string user = fx.User();
  int limited = 0;
  for (int i = 0; i < 6; ++i) {
    auto r = fx.Call("GET", "/api/v1/runs", user);
    if (r.status == 429) {
      ++limited;
      EXPECT_NE(r.Header("Retry-After"), "");
      EXPECT_EQ(r.json["error"]["category"], "rate_limit");
    }
  }
  EXPECT_GE(limited, 2);
  // Another tenant has its own budget.
  EXPECT_EQ(fx.Call("GET", "/api/v1/runs", fx.User("t2")).status, 200);
}

TEST(EncryptedStore, SealsBindsToTheRowAndKeepsTheNewestTokens) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  store::StateStore& enc = fx.store();
  store::Connection c;
  c.tenant_id = "t1";
  c.id = "qbo";
  c.kind = "qbo";
  c.secret = DumpJson(Json{{"client_secret", "s3cret-value"}, {"refresh_token", "R2"}, {"access_token", "A2"},
                           {"access_expires_at_ms", 2000}});
  ASSERT_TRUE(enc.PutConnection(c).ok());
  auto raw = fx.base_store().GetConnection("t1", "qbo");
  ASSERT_TRUE(raw.ok() && raw->has_value());
  EXPECT_TRUE(SecretBox::LooksSealed((*raw)->secret));
  EXPECT_EQ((*raw)->secret.find("s3cret-value"), std::string::npos);

  // A writer that read the tokens before a refresh cannot put the old ones back.
  store::Connection stale = c;
  stale.secret = DumpJson(Json{{"client_secret", "changed"}, {"refresh_token", "R1"}, {"access_token", "A1"},
                               {"access_expires_at_ms", 1000}});
  ASSERT_TRUE(enc.PutConnection(stale).ok());
  auto got = enc.GetConnection("t1", "qbo");
  ASSERT_TRUE(got.ok() && got->has_value());
  auto secret = ParseJson((*got)->secret);
  EXPECT_EQ((*secret)["refresh_token"], "R2");
  EXPECT_EQ((*secret)["access_token"], "A2");
  EXPECT_EQ((*secret)["client_secret"], "changed");  // other fields are written
  // Tokens entered without an expiry (by hand) always replace.
  stale.secret = DumpJson(Json{{"refresh_token", "R9"}, {"access_token", "A9"}});
  ASSERT_TRUE(enc.PutConnection(stale).ok());
  EXPECT_EQ((*ParseJson((*enc.GetConnection("t1", "qbo"))->secret))["refresh_token"], "R9");

  // A sealed secret copied to another row does not open there.
  store::Connection copy = **raw;
  copy.id = "qbo-copy";
  ASSERT_TRUE(fx.base_store().PutConnection(copy).ok());
  auto moved = enc.GetConnection("t1", "qbo-copy");
  ASSERT_FALSE(moved.ok());
  // The server's store isolates it: a conflict naming the connection, not an internal error.
  EXPECT_EQ(moved.status().category(), ErrorCategory::kConflict);
  EXPECT_EQ(moved.status().code(), "credentials_unreadable");
  EXPECT_NE(moved.status().message().find("qbo-copy"), std::string::npos);
  EXPECT_EQ(moved.status().message().find("s3cret"), std::string::npos);

  // A plaintext secret from an older writer is readable and sealed on its next write.
  store::Connection legacy = c;
  legacy.id = "legacy";
  legacy.secret = R"({"consumer_secret":"plain"})";
  ASSERT_TRUE(fx.base_store().PutConnection(legacy).ok());
  auto read = enc.GetConnection("t1", "legacy");
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->secret, legacy.secret);
  ASSERT_TRUE(enc.PutConnection(**read).ok());
  EXPECT_TRUE(SecretBox::LooksSealed((*fx.base_store().GetConnection("t1", "legacy"))->secret));
}

// The same server on the PostgreSQL store (run under scripts/with-postgres.sh;
// skipped without EASYSALE_TEST_PG_URL).
TEST(ServerOnPostgres, SyncIdempotencyHistoryAndOAuth) {
  ES_REQUIRE_TEST_PG();
  store::postgres::PgSchema schema;
  ServerFixtureOptions o;
  o.store_url = schema.url();
  ServerFixture fx(o);
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections();
  const std::string user = fx.User();
  const Json body = {{"mode", "full"}, {"idempotencyKey", "pg-1"}};
  const std::string id = StartSync(fx, user, body);
  auto again = fx.Call("POST", "/api/v1/sync", user, body);
  EXPECT_EQ(again.json["runId"], id);
  Json run = fx.WaitForRun(user, id);
  EXPECT_EQ(run["status"], "succeeded") << DumpJson(run);
  auto h = fx.Call("GET", "/api/v1/history?entity=order&status=created&limit=1000", user);
  ASSERT_EQ(h.status, 200);
  EXPECT_FALSE(h.json["entries"].empty());
  auto raw = fx.base_store().GetConnection("t1", "woo");
  ASSERT_TRUE(raw.ok() && raw->has_value());
  EXPECT_TRUE(SecretBox::LooksSealed((*raw)->secret));
  auto start = fx.Call("POST", "/api/v1/oauth/qbo/start", fx.Admin(), Json::object());
  ASSERT_EQ(start.status, 200);
  const std::string state = start.json["state"].get<std::string>();
  fx.clock().Advance(6 * 60 * 1000);
  auto expired = fx.Call("GET", "/api/v1/oauth/qbo/callback?code=c&realmId=1&state=" + state, fx.Admin());
  EXPECT_EQ(expired.status, 400);
  EXPECT_EQ(expired.json["error"]["message"], "OAuth state expired");
  auto audit = fx.Call("GET", "/api/v1/audit?action=sync.trigger", fx.Admin());
  ASSERT_EQ(audit.json["entries"].size(), 1u);
  EXPECT_EQ(audit.json["entries"][0]["userId"], "bob");
}

}  // namespace
}  // namespace es::testing
