// Operations through the HTTP API: cancelling a queued job (POST
// /api/v1/jobs/{id}/cancel: user and admin, other tenant, not cancellable
// once leased or finished, never claimed afterwards), the sync policies
// (GET /api/v1/sync-policies, PUT /api/v1/sync-policies/{entity}: admin
// only, validation naming the field, tenant isolation) and a conflict
// resolved through the API queueing a job whose run writes the value across.
#include <gtest/gtest.h>

#include "integration/server_fixture.h"

namespace es::testing {
namespace {

store::Job QueuedJob(const std::string& tenant, const std::string& id, int64_t due_ms) {
  store::Job j;
  j.id = id;
  j.tenant_id = tenant;
  j.kind = "sync";
  j.source_connection = "woo";
  j.target_connection = "qbo";
  j.request = Json{{"entities", Json::array({"customers"})}, {"mode", "incremental"}};
  j.run_id = "run-" + id;
  j.not_before_ms = due_ms;  // far ahead: the server's workers leave it queued
  j.created_at_ms = due_ms;
  return j;
}

class ServerOps : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fx_ = new ServerFixture();
    ASSERT_TRUE(fx_->Start().ok());
    fx_->AddSandboxConnections("t1");
  }
  static void TearDownTestSuite() {
    delete fx_;
    fx_ = nullptr;
  }
  static int64_t Later() { return fx_->clock().NowMillis() + 3'600'000; }
  static ServerFixture* fx_;
};
ServerFixture* ServerOps::fx_ = nullptr;

TEST_F(ServerOps, AUserCancelsAQueuedJobOnceAndNoWorkerRunsIt) {
  ASSERT_TRUE(fx_->store().EnqueueJob(QueuedJob("t1", "job-cancel-1", Later())).ok());
  // Another tenant's admin does not see it, and cannot cancel it.
  auto r = fx_->Call("POST", "/api/v1/jobs/job-cancel-1/cancel", fx_->Admin("t2"));
  EXPECT_EQ(r.status, 404) << r.body;
  r = fx_->Call("POST", "/api/v1/jobs/job-cancel-1/cancel", fx_->User("t1"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["status"], "cancelled");
  EXPECT_EQ(r.json["id"], "job-cancel-1");
  EXPECT_EQ(r.json["attempts"], 0);
  EXPECT_EQ(r.json["error"], "cancelled by bob");
  EXPECT_FALSE(r.json["finishedAt"].is_null());

  r = fx_->Call("POST", "/api/v1/jobs/job-cancel-1/cancel", fx_->Admin("t1"));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json["error"], "job_not_cancellable");
  EXPECT_NE(GetStringOr(r.json, "message").find("cancelled"), std::string::npos) << r.body;

  // Listed under its status; its run answers "cancelled" (it never started).
  r = fx_->Call("GET", "/api/v1/jobs?status=cancelled", fx_->User("t1"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["jobs"].size(), 1u) << r.body;
  r = fx_->Call("GET", "/api/v1/runs/run-job-cancel-1", fx_->User("t1"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["status"], "cancelled");
  EXPECT_EQ(r.json["jobStatus"], "cancelled");

  // Due or not, no worker claims it.
  auto claimed = fx_->store().ClaimJob("probe", Later() + 3'600'000, 1000);
  ASSERT_TRUE(claimed.ok());
  EXPECT_FALSE(claimed->has_value()) << (*claimed)->id;
  auto audit = fx_->Call("GET", "/api/v1/audit?action=job.cancel", fx_->Admin("t1"));
  ASSERT_EQ(audit.status, 200) << audit.body;
  ASSERT_EQ(audit.json["entries"].size(), 1u) << audit.body;
  EXPECT_EQ(audit.json["entries"][0]["userId"], "bob");
  EXPECT_EQ(audit.json["entries"][0]["target"], "job:job-cancel-1");
}

TEST_F(ServerOps, LeasedAndFinishedJobsAreNotCancellable) {
  // Claimed by a worker of another process (its clock ahead of the server's workers).
  const int64_t due = Later();
  ASSERT_TRUE(fx_->store().EnqueueJob(QueuedJob("t3", "job-leased", due)).ok());
  auto claimed = fx_->store().ClaimJob("other-worker", due + 1, 3'600'000'000);
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  ASSERT_EQ((*claimed)->id, "job-leased");
  auto r = fx_->Call("POST", "/api/v1/jobs/job-leased/cancel", fx_->Admin("t3"));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json["error"], "job_not_cancellable");
  ASSERT_TRUE(fx_->store().MarkJobRunning("job-leased", "other-worker", due + 2).ok());
  r = fx_->Call("POST", "/api/v1/jobs/job-leased/cancel", fx_->Admin("t3"));
  EXPECT_EQ(r.status, 409) << r.body;
  ASSERT_TRUE(fx_->store().CompleteJob("job-leased", "other-worker", "succeeded", "", "", due + 3).ok());
  r = fx_->Call("POST", "/api/v1/jobs/job-leased/cancel", fx_->Admin("t3"));
  EXPECT_EQ(r.status, 409) << r.body;
  auto job = fx_->store().GetJob("t3", "job-leased");
  ASSERT_TRUE(job.ok() && job->has_value());
  EXPECT_EQ((*job)->status, "succeeded");
  r = fx_->Call("POST", "/api/v1/jobs/no-such-job/cancel", fx_->Admin("t3"));
  EXPECT_EQ(r.status, 404) << r.body;
}

TEST_F(ServerOps, SyncPoliciesAreSetByAdminsValidatedByFieldAndPerTenant) {
  auto r = fx_->Call("GET", "/api/v1/sync-policies", fx_->User("t4"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json["policies"].empty());
  const Json manual = {{"direction", "both"}, {"sourceOfTruth", "qbo"}, {"strategy", "manual"}};
  r = fx_->Call("PUT", "/api/v1/sync-policies/products", fx_->User("t4"), manual);
  EXPECT_EQ(r.status, 403) << r.body;
  r = fx_->Call("PUT", "/api/v1/sync-policies/products", fx_->Admin("t4"), manual);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["entity"], "products");
  EXPECT_EQ(r.json["strategy"], "manual");
  // Stored as the engine reads it.
  auto stored = fx_->store().GetSyncPolicy("t4", "item");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->direction, "both");
  EXPECT_EQ((*stored)->source_of_truth, "qbo");

  r = fx_->Call("GET", "/api/v1/sync-policies", fx_->User("t4"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["policies"].size(), 1u);
  EXPECT_EQ(r.json["policies"][0]["entity"], "products");
  EXPECT_EQ(r.json["policies"][0]["sourceOfTruth"], "qbo");
  r = fx_->Call("GET", "/api/v1/sync-policies", fx_->Admin("t5"));  // another tenant
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.json["policies"].empty()) << r.body;

  struct Bad {
    std::string entity;
    Json body;
    std::string field;
  };
  const Bad bad[] = {
      {"widgets", manual, "entity"},
      {"products", {{"direction", "sideways"}, {"sourceOfTruth", "qbo"}, {"strategy", "manual"}}, "direction"},
      {"products", {{"direction", "woo->woo"}, {"sourceOfTruth", "woo"}, {"strategy", "manual"}}, "direction"},
      {"products", {{"sourceOfTruth", "qbo"}, {"strategy", "manual"}}, "direction"},
      {"products", {{"direction", "both"}, {"sourceOfTruth", "shopify"}, {"strategy", "manual"}}, "sourceOfTruth"},
      {"products", {{"direction", "woo->qbo"}, {"sourceOfTruth", "supabase"}, {"strategy", "manual"}}, "sourceOfTruth"},
      {"products", {{"direction", "both"}, {"sourceOfTruth", "qbo"}, {"strategy", "loudest_wins"}}, "strategy"},
      {"products", {{"direction", "both"}, {"sourceOfTruth", "qbo"}}, "strategy"},
      {"products", {{"direction", "both"}, {"sourceOfTruth", "qbo"}, {"strategy", "manual"}, {"colour", "red"}}, "colour"},
      {"products", {{"entity", "orders"}, {"direction", "both"}, {"sourceOfTruth", "qbo"}, {"strategy", "manual"}}, "entity"},
      {"products", {{"direction", true}, {"sourceOfTruth", "qbo"}, {"strategy", "manual"}}, "direction"},
  };
  for (const Bad& b : bad) {
    r = fx_->Call("PUT", "/api/v1/sync-policies/" + b.entity, fx_->Admin("t4"), b.body);
    EXPECT_EQ(r.status, 400) << DumpJson(b.body) << " → " << r.body;
    EXPECT_EQ(r.json["error"], "invalid_policy") << r.body;
    EXPECT_EQ(r.json["field"], b.field) << DumpJson(b.body) << " → " << r.body;
  }
  // The refused ones changed nothing.
  stored = fx_->store().GetSyncPolicy("t4", "item");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->strategy, "manual");
  // One-way, with the source of truth on its side; an "entity" that agrees with the path.
  r = fx_->Call("PUT", "/api/v1/sync-policies/products", fx_->Admin("t4"),
                Json{{"entity", "products"}, {"direction", "qbo->woo"}, {"sourceOfTruth", "qbo"}, {"strategy", "newest_wins"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto audit = fx_->Call("GET", "/api/v1/audit?action=sync_policy.set", fx_->Admin("t4"));
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(audit.json["entries"].size(), 2u) << audit.body;
}

TEST_F(ServerOps, ResolvingAConflictQueuesAJobWhoseRunWritesTheValueAcross) {
  // A product of the shop, logged as an open conflict against QuickBooks.
  Json product;
  for (const Json& p : fx_->woo().AllProductsJson()) {
    if (GetStringOr(p, "type") == "simple" && !GetStringOr(p, "sku").empty()) {
      product = p;
      break;
    }
  }
  ASSERT_FALSE(product.is_null());
  const std::string woo_id = std::to_string(GetIntOr(product, "id", 0));
  store::ConflictRecord c;
  c.tenant_id = "t1";
  c.entity = "item";
  c.record_key = GetStringOr(product, "sku");
  c.fingerprint = "fp-" + woo_id;
  c.side_a = "woo";
  c.kind_a = "woo";
  c.record_a = woo_id;
  c.hash_a = "hash-of-the-shop-value";
  c.value_a = Json{{"price", GetStringOr(product, "regular_price")}, {"stock", nullptr}};
  c.side_b = "qbo";
  c.kind_b = "qbo";
  c.record_b = "1";
  c.hash_b = "hash-of-the-quickbooks-value";
  c.value_b = Json{{"price", "47.25"}, {"stock", nullptr}};
  c.strategy = "manual";
  c.status = "open";
  c.created_at_ms = fx_->clock().NowMillis();
  auto id = fx_->store().AddConflict(c);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  const std::string path = "/api/v1/conflicts/" + std::to_string(*id) + "/resolve";

  auto r = fx_->Call("POST", path, fx_->Admin("t2"), Json{{"take", "woo"}});
  EXPECT_EQ(r.status, 404) << r.body;  // another tenant's
  r = fx_->Call("POST", path, fx_->User("t1"), Json{{"take", "woo"}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json["conflict"]["status"], "resolved_manual");
  const std::string job_id = GetStringOr(r.json, "jobId");
  const std::string run_id = GetStringOr(r.json, "runId");
  ASSERT_FALSE(job_id.empty()) << r.body;
  auto job = fx_->Call("GET", "/api/v1/jobs/" + job_id, fx_->User("t1"));
  ASSERT_EQ(job.status, 200) << job.body;
  EXPECT_EQ(job.json["runId"], run_id);
  EXPECT_EQ(job.json["source"], "woo");
  EXPECT_EQ(job.json["target"], "qbo");
  EXPECT_EQ(job.json["request"]["ids"], Json::array({woo_id})) << job.body;
  // A worker runs it: the product reaches QuickBooks.
  Json run = fx_->WaitForRun(fx_->User("t1"), run_id);
  EXPECT_EQ(run["status"], "succeeded") << DumpJson(run);
  bool found = false;
  for (const Json& i : fx_->qbo().AllEntities("Item")) found = found || GetStringOr(i, "Sku") == c.record_key;
  EXPECT_TRUE(found) << "no QuickBooks item with SKU " << c.record_key;
  r = fx_->Call("POST", path, fx_->User("t1"), Json{{"take", "qbo"}});
  EXPECT_EQ(r.status, 409) << r.body;
}

}  // namespace
}  // namespace es::testing
