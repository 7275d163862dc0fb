// The confirmation gate (confirmations.h) over a real SQLite store: tokens
// refused when expired, reused, of another user, tenant or plan; small plans
// pass without one; destructive plans need "confirmDestructive": true; the
// audit log records issue, use and refusal, never the token.
#include "server/confirmations.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include "common/clock.h"
#include "store/factory/open_store.h"

namespace es::server {
namespace {

class ConfirmationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::OpenStore(":memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ctx_.config = &config_;
    ctx_.store = store_.get();
    ctx_.clock = &clock_;
  }

  struct Answer {
    bool proceed = false;
    int status = 0;
    Json body;
  };

  // One gate call as `user` of `tenant` with `body`.
  Answer Gate(const Json& body, const engine::PlanSummary& plan, const std::string& tenant = "t1",
              const std::string& user = "alice", const Json& request = Json{{"mode", "full"}}) {
    httplib::Request http;
    httplib::Response res;
    ApiRequest r(http, res, {});
    r.caller.tenant_id = tenant;
    r.caller.user_id = user;
    Answer a;
    a.proceed = ConfirmOperation(ctx_, r, body, "sync", request, plan);
    a.status = res.status;
    if (!res.body.empty()) a.body = ParseJson(res.body).value();
    return a;
  }

  static engine::PlanSummary Plan(int64_t creates, int64_t voids = 0) {
    engine::PlanSummary p;
    p.Add("order", "create", creates);
    p.Add("order", "void", voids);
    p.Add("order", "skip", 40);  // unchanged records never count
    return p;
  }

  // A token for `plan` (asserting the 409 that carries it).
  std::string Issue(const engine::PlanSummary& plan, const std::string& tenant = "t1",
                    const std::string& user = "alice") {
    Answer a = Gate(Json::object(), plan, tenant, user);
    EXPECT_FALSE(a.proceed);
    EXPECT_EQ(a.status, 409);
    EXPECT_EQ(a.body["error"], "confirmation_required") << DumpJson(a.body);
    return GetStringOr(a.body, "confirmationToken");
  }

  std::vector<store::AuditEntry> Audit(const std::string& tenant = "t1") {
    store::AuditFilter f;
    f.tenant_id = tenant;
    f.limit = 100;
    return store_->ListAudit(f).value();
  }

  ServerConfig config_;
  FakeClock clock_;
  std::unique_ptr<store::StateStore> store_;
  ServerContext ctx_;
};

TEST_F(ConfirmationsTest, SmallPlansNeedNoToken) {
  Answer a = Gate(Json::object(), Plan(10));
  EXPECT_TRUE(a.proceed);
  EXPECT_EQ(a.body, Json());  // nothing answered
  EXPECT_TRUE(Audit().empty());
}

TEST_F(ConfirmationsTest, BigPlanGetsPlanAndTokenThenRunsOnce) {
  Answer first = Gate(Json::object(), Plan(500));
  ASSERT_FALSE(first.proceed);
  ASSERT_EQ(first.status, 409);
  EXPECT_EQ(first.body["error"], "confirmation_required");
  EXPECT_EQ(first.body["plan"]["touched"], 500);
  EXPECT_EQ(first.body["plan"]["entities"]["order"]["create"], 500);
  EXPECT_EQ(first.body["plan"]["entities"]["order"]["skip"], 40);
  EXPECT_FALSE(first.body["confirmDestructive"].get<bool>());
  EXPECT_EQ(first.body["expiresAt"], FormatIso8601Utc(clock_.NowMillis() + kTokenTtlMs));
  const std::string token = GetStringOr(first.body, "confirmationToken");
  ASSERT_EQ(token.rfind("ct_", 0), 0u);

  Answer ok = Gate({{"confirmationToken", token}}, Plan(500));
  EXPECT_TRUE(ok.proceed);
  Answer again = Gate({{"confirmationToken", token}}, Plan(500));
  EXPECT_FALSE(again.proceed);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body["error"], "confirmation_refused");
  EXPECT_EQ(again.body["reason"], "used");

  // Audited: issue, use, refusal — never the token itself.
  std::vector<std::string> actions;
  for (const auto& e : Audit()) {
    actions.push_back(e.action);
    EXPECT_EQ(DumpJson(e.detail).find(token), std::string::npos);
    EXPECT_EQ(e.user_id, "alice");
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"confirmation.refused", "confirmation.use", "confirmation.issue"}));
}

TEST_F(ConfirmationsTest, ExpiredTokenIsRefused) {
  const std::string token = Issue(Plan(50));
  clock_.Advance(kTokenTtlMs);
  Answer a = Gate({{"confirmationToken", token}}, Plan(50));
  EXPECT_FALSE(a.proceed);
  EXPECT_EQ(a.body["reason"], "expired");
}

TEST_F(ConfirmationsTest, TokenOfAnotherUserTenantOrPlanIsRefused) {
  const std::string token = Issue(Plan(50));
  EXPECT_EQ(Gate({{"confirmationToken", token}}, Plan(50), "t1", "bob").body["reason"], "other_user");
  EXPECT_EQ(Gate({{"confirmationToken", token}}, Plan(50), "t2", "alice").body["reason"], "unknown");
  EXPECT_EQ(Gate({{"confirmationToken", token}}, Plan(51)).body["reason"], "other_plan");
  // Another request with the same counts is another plan too.
  EXPECT_EQ(Gate({{"confirmationToken", token}}, Plan(50), "t1", "alice", Json{{"mode", "incremental"}})
                .body["reason"],
            "other_plan");
  EXPECT_EQ(Gate({{"confirmationToken", "ct_made_up"}}, Plan(50)).body["reason"], "unknown");
  // None of that used it up.
  EXPECT_TRUE(Gate({{"confirmationToken", token}}, Plan(50)).proceed);
}

TEST_F(ConfirmationsTest, DestructivePlanNeedsTheSecondConfirmation) {
  // Even a small plan that voids something asks.
  Answer first = Gate(Json::object(), Plan(2, 1));
  ASSERT_EQ(first.status, 409);
  EXPECT_TRUE(first.body["confirmDestructive"].get<bool>());
  EXPECT_EQ(first.body["plan"]["destructive"], 1);
  const std::string token = GetStringOr(first.body, "confirmationToken");

  Answer without = Gate({{"confirmationToken", token}}, Plan(2, 1));
  EXPECT_FALSE(without.proceed);
  EXPECT_EQ(without.body["reason"], "destructive_not_confirmed");
  Answer declined = Gate({{"confirmationToken", token}, {"confirmDestructive", false}}, Plan(2, 1));
  EXPECT_EQ(declined.body["reason"], "destructive_not_confirmed");
  // The refusals did not use the token up.
  EXPECT_TRUE(Gate({{"confirmationToken", token}, {"confirmDestructive", true}}, Plan(2, 1)).proceed);
}

TEST_F(ConfirmationsTest, MalformedFieldsAreValidationErrors) {
  EXPECT_EQ(Gate({{"confirmationToken", 5}}, Plan(50)).status, 400);
  EXPECT_EQ(Gate({{"confirmationToken", ""}}, Plan(50)).status, 400);
  EXPECT_EQ(Gate({{"confirmDestructive", "yes"}}, Plan(50)).status, 400);
}

TEST_F(ConfirmationsTest, ThresholdComesFromTheConfig) {
  config_.confirm_above = 100;
  EXPECT_TRUE(Gate(Json::object(), Plan(100)).proceed);
  EXPECT_FALSE(Gate(Json::object(), Plan(101)).proceed);
  config_.confirm_above = -1;  // off
  EXPECT_TRUE(Gate(Json::object(), Plan(1000, 5)).proceed);
}

}  // namespace
}  // namespace es::server
