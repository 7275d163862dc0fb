// Schedules through the real binary: `schedule next|add|list|remove|run-now`
// (errors naming the field, exit codes), and `serve` syncing a tenant on its
// schedule with nobody watching — a schedule made due with `run-now` is
// fired by the server's scheduler within seconds and the orders appear in
// the QBO sandbox — plus the /api/v1/schedules routes of that server.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"
#include "store/factory/open_store.h"
#include "support/child_process.h"
#include "support/cli_sandbox_test.h"

namespace es::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kJwtSecret = "schedule-test-jwt-secret-0123456789abcdef0123456789";

using Proc = es::test::Child;
using Out = es::test::CliOut;

int AwaitExit(pid_t pid, int timeout_ms) { return es::test::WaitExit(pid, timeout_ms); }

bool Eventually(const std::function<bool()>& cond, int timeout_ms) { return es::test::WaitFor(cond, timeout_ms, 50); }

class CliSchedule : public es::test::CliSandboxTest {
 protected:
  void SetUp() override {
    env_["EASYSALE_JWT_SECRET"] = kJwtSecret;
    es::test::CliSandboxOptions o;
    o.name = "sched";
    o.woo.orders = 12;
    o.woo.seed = 5;
    ASSERT_NO_FATAL_FAILURE(StartSandboxes(ES_BINARY, o));
  }

  // `schedule <args> --store … --tenant shop`.
  Out Schedule(std::vector<std::string> args) {
    args.insert(args.begin(), "schedule");
    for (const char* a : {"--store", "", "--tenant", "shop"}) args.push_back(*a ? a : store_url_);
    return Run(args);
  }
  Json ListJson() {
    Out o = Schedule({"list", "--json"});
    EXPECT_EQ(o.code, 0) << o.err;
    auto j = ParseJson(o.out);
    EXPECT_TRUE(j.ok()) << o.out;
    return j.ok() ? *j : Json::array();
  }
};

TEST_F(CliSchedule, CommandsCheckExpressionsAndKeepSchedulesPerTenant) {
  Out next = Run({"schedule", "next", "30 2 * * *", "--timezone", "America/New_York", "--count", "3"});
  ASSERT_EQ(next.code, 0) << next.err;
  printf("[ schedule next ]\n%s", next.out.c_str());
  EXPECT_NE(next.out.find("next 3 fire times of \"30 2 * * *\" in America/New_York"), std::string::npos) << next.out;
  EXPECT_NE(next.out.find("02:30 E"), std::string::npos) << next.out;  // EST or EDT, by the season
  Out bad = Run({"schedule", "next", "61 * * * *"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("minute: 61 is out of range 0-59"), std::string::npos) << bad.err;

  Out never = Schedule({"add", "--cron", "0 0 30 2 *"});
  EXPECT_EQ(never.code, 2);
  EXPECT_NE(never.err.find("day-of-month"), std::string::npos) << never.err;
  Out zone = Schedule({"add", "--cron", "@daily", "--timezone", "Mars/Olympus"});
  EXPECT_EQ(zone.code, 2);
  EXPECT_NE(zone.err.find("invalid time zone"), std::string::npos) << zone.err;
  Out conn = Schedule({"add", "--cron", "@daily", "--source", "nope"});
  EXPECT_EQ(conn.code, 2) << conn.err;
  EXPECT_TRUE(ListJson().empty());

  Out add = Schedule({"add", "--cron", "0 2 * * mon-fri", "--timezone", "Europe/Berlin", "--id", "nightly",
                      "--entities", "orders"});
  ASSERT_EQ(add.code, 0) << add.err;
  EXPECT_EQ(add.out.rfind("schedule nightly added: 0 2 * * mon-fri (Europe/Berlin), next ", 0), 0u) << add.out;
  EXPECT_NE(add.out.find(" 02:00 CE"), std::string::npos) << add.out;  // CET or CEST
  EXPECT_EQ(Schedule({"add", "--cron", "@hourly", "--id", "nightly"}).code, 1);  // the id is taken
  Json list = ListJson();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], "nightly");
  EXPECT_EQ(list[0]["entities"], Json::array({"orders"}));
  EXPECT_NE(GetStringOr(list[0], "next_due_at"), "");
  Out text = Schedule({"list"});
  EXPECT_NE(text.out.find("nightly"), std::string::npos) << text.out;
  // Other tenants see nothing of it.
  ASSERT_EQ(Run({"tenant", "add", "other", "--store", store_url_}).code, 0);
  Out other = Run({"schedule", "list", "--store", store_url_, "--tenant", "other"});
  EXPECT_NE(other.out.find("no schedules for tenant other"), std::string::npos) << other.out;

  EXPECT_EQ(Schedule({"remove", "nightly"}).code, 0);
  EXPECT_EQ(Schedule({"remove", "nightly"}).code, 2);
  EXPECT_EQ(Schedule({"run-now", "nightly"}).code, 2);
  EXPECT_TRUE(ListJson().empty());
}

TEST_F(CliSchedule, ServeSyncsTheTenantOnItsScheduleByItself) {
  // A nightly schedule, made due now: nobody triggers a sync.
  ASSERT_EQ(Schedule({"add", "--cron", "0 3 * * *", "--timezone", "Europe/Berlin", "--id", "nightly"}).code, 0);
  Out due = Schedule({"run-now", "nightly"});
  ASSERT_EQ(due.code, 0) << due.err;
  ASSERT_EQ(QboDocuments(), 0);

  int port = 0;
  Proc serve = StartServe({}, &port);
  ASSERT_GT(port, 0) << serve.Err();
  const auto t0 = SteadyClock::now();
  // The scheduler fires it and the run writes the orders to QuickBooks.
  store::SyncRun run;
  ASSERT_TRUE(Eventually(
      [&] {
        auto store = store::OpenStore(store_url_);
        if (!store.ok()) return false;
        store::RunFilter f;
        f.tenant_id = "shop";
        auto runs = (*store)->ListRuns(f);
        if (!runs.ok()) return false;
        for (const auto& r : *runs) {
          if (r.triggered_by == "schedule:nightly" && r.status == store::RunStatus::kSucceeded) {
            run = r;
            return true;
          }
        }
        return false;
      },
      60'000))
      << serve.Err();
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  printf("[ scheduled run ] %s succeeded %.1f s after serve started: %lld created, %lld QBO documents\n",
         run.id.c_str(), seconds, static_cast<long long>(run.totals.created), static_cast<long long>(QboDocuments()));
  EXPECT_GT(QboDocuments(), 0);
  EXPECT_GT(run.totals.created, 0);
  EXPECT_EQ(run.totals.failed, 0);
  EXPECT_LT(seconds, 30.0);

  Json list = ListJson();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["last_run_id"], run.id);
  EXPECT_EQ(list[0]["last_error"], "");
  EXPECT_NE(GetStringOr(list[0], "last_fired_at"), "");
  // Next due: the next 03:00 in Berlin, in the future.
  EXPECT_GT(ParseIso8601(GetStringOr(list[0], "next_due_at")), ParseIso8601(GetStringOr(list[0], "last_fired_at")));

  // The same server's API.
  Out tok = Run({"token", "--tenant", "shop", "--user", "alice", "--role", "admin"});
  ASSERT_EQ(tok.code, 0) << tok.err;
  std::string jwt = tok.out;
  while (!jwt.empty() && (jwt.back() == '\n' || jwt.back() == '\r')) jwt.pop_back();
  httplib::Client http("127.0.0.1", port);
  httplib::Headers auth = {{"Authorization", "Bearer " + jwt}};
  auto listed = http.Get("/api/v1/schedules", auth);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200) << listed->body;
  auto lj = ParseJson(listed->body);
  ASSERT_TRUE(lj.ok());
  ASSERT_EQ((*lj)["schedules"].size(), 1u);
  EXPECT_EQ((*lj)["schedules"][0]["lastRunId"], run.id);

  auto bad = http.Post("/api/v1/schedules", auth, R"({"name":"x","cron":"0 25 * * *","timezone":"UTC"})",
                       "application/json");
  ASSERT_TRUE(bad);
  printf("[ POST bad cron ] %d %s\n", bad->status, bad->body.c_str());
  EXPECT_EQ(bad->status, 400);
  auto bj = ParseJson(bad->body);
  ASSERT_TRUE(bj.ok());
  EXPECT_EQ((*bj)["error"], "invalid_cron");
  EXPECT_EQ((*bj)["field"], "hour");
  EXPECT_NE(GetStringOr(*bj, "message").find("25"), std::string::npos);
  auto bad_dow = http.Post("/api/v1/schedules", auth, R"({"cron":"0 2 * * funday"})", "application/json");
  ASSERT_TRUE(bad_dow);
  EXPECT_EQ(ParseJson(bad_dow->body)->value("field", ""), "day-of-week") << bad_dow->body;
  auto bad_tz = http.Post("/api/v1/schedules", auth, R"({"cron":"@daily","timezone":"Europe/Gotham"})",
                          "application/json");
  ASSERT_TRUE(bad_tz);
  EXPECT_EQ(bad_tz->status, 400);
  EXPECT_EQ(ParseJson(bad_tz->body)->value("error", ""), "invalid_timezone") << bad_tz->body;
  EXPECT_EQ(ParseJson(bad_tz->body)->value("field", ""), "timezone") << bad_tz->body;
  auto bad_mode = http.Post("/api/v1/schedules", auth, R"({"cron":"@daily","mode":"sometimes"})", "application/json");
  ASSERT_TRUE(bad_mode);
  EXPECT_EQ(bad_mode->status, 400) << bad_mode->body;

  auto created = http.Post(
      "/api/v1/schedules", auth,
      R"({"name":"Weekdays","cron":"*/30 8-18 * * mon-fri","timezone":"America/New_York","entities":["orders"],"mode":"full","enabled":false})",
      "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  auto cj = ParseJson(created->body);
  ASSERT_TRUE(cj.ok());
  const std::string id = GetStringOr(*cj, "id");
  EXPECT_TRUE((*cj)["nextDueAt"].is_null());  // disabled
  EXPECT_EQ((*cj)["mode"], "full");
  auto put = http.Put("/api/v1/schedules/" + id, auth, R"({"name":"Weekdays","cron":"@hourly","enabled":true})",
                      "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  auto pj = ParseJson(put->body);
  EXPECT_EQ((*pj)["timezone"], "UTC");
  EXPECT_TRUE((*pj)["nextDueAt"].is_string());
  auto got = http.Get("/api/v1/schedules/" + id, auth);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  auto del = http.Delete("/api/v1/schedules/" + id, auth);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 204);
  auto gone = http.Get("/api/v1/schedules/" + id, auth);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);
  auto audit = http.Get("/api/v1/audit", auth);
  ASSERT_TRUE(audit);
  for (const char* action : {"schedule.create", "schedule.update", "schedule.delete"})
    EXPECT_NE(audit->body.find(action), std::string::npos) << action << ": " << audit->body;

  ASSERT_EQ(kill(serve.pid, SIGTERM), 0);
  EXPECT_EQ(AwaitExit(serve.pid, 20'000), 0) << serve.Err();
  // Exactly one scheduled run: the due slot fired once.
  auto store = store::OpenStore(store_url_);
  ASSERT_TRUE(store.ok());
  store::RunFilter f;
  f.tenant_id = "shop";
  auto runs = (*store)->ListRuns(f);
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  int scheduled = 0;
  for (const store::SyncRun& r : runs.value()) scheduled += r.triggered_by == "schedule:nightly" ? 1 : 0;
  EXPECT_EQ(scheduled, 1);
}

// `serve` left alone with a schedule whose slot comes a few seconds after it
// started: the scheduler queues a backfill job for it, a worker thread runs
// it, the orders reach QuickBooks — and nothing but the clock triggers it
// (no API call, no run-now).
TEST_F(CliSchedule, AScheduleDueInAFewSecondsBecomesAJobAndARunWithNobodyWatching) {
  ASSERT_EQ(Schedule({"add", "--cron", "0 3 * * *", "--timezone", "Europe/Berlin", "--id", "soon"}).code, 0);
  int port = 0;
  Proc serve = StartServe({}, &port);
  ASSERT_GT(port, 0) << serve.Err();
  // The nightly slot moved to 3 s from now, as if the night had come.
  auto store = store::OpenStore(store_url_);
  ASSERT_TRUE(store.ok());
  auto sched = (*store)->GetSchedule("shop", "soon");
  ASSERT_TRUE(sched.ok() && sched->has_value());
  store::Schedule s = **sched;
  const int64_t due = SystemClock::Get().NowMillis() + 3'000;
  s.next_due_at_ms = due;
  ASSERT_TRUE((*store)->UpdateSchedule(s).ok());
  ASSERT_EQ(QboDocuments(), 0);

  store::Job job;
  ASSERT_TRUE(Eventually(
      [&] {
        auto jobs = (*store)->ListJobs({"shop", "", "", 0, ""});
        if (!jobs.ok() || jobs->empty()) return false;
        job = jobs->front();
        return job.status == "succeeded" || job.status == "failed" || job.status == "abandoned";
      },
      60'000))
      << serve.Err();
  const int64_t finished = SystemClock::Get().NowMillis();
  printf("[ schedule job ] due +3 s, job %s queued %.1f s after the slot, finished %.1f s after it\n",
         job.id.c_str(), (job.created_at_ms - due) / 1000.0, (finished - due) / 1000.0);
  EXPECT_EQ(job.status, "succeeded") << job.error;
  EXPECT_EQ(job.kind, "sync");
  EXPECT_EQ(job.lane, "backfill");
  EXPECT_EQ(job.dedupe_key, "schedule:soon");
  EXPECT_GE(job.created_at_ms, due);
  auto jobs = (*store)->ListJobs({"shop", "", "", 0, ""});
  ASSERT_TRUE(jobs.ok());
  EXPECT_EQ(jobs->size(), 1u);
  auto run = (*store)->GetRun("shop", job.run_id);
  ASSERT_TRUE(run.ok() && run->has_value()) << job.run_id;
  EXPECT_EQ((*run)->triggered_by, "schedule:soon");
  EXPECT_EQ((*run)->status, store::RunStatus::kSucceeded);
  EXPECT_GT((*run)->totals.created, 0);
  EXPECT_GT(QboDocuments(), 0);
  std::map<std::string, int> doc_numbers;
  for (const char* type : {"Invoice", "SalesReceipt"})
    for (const auto& doc : qbo_->AllEntities(type)) ++doc_numbers[GetStringOr(doc, "DocNumber")];
  for (const auto& [dn, n] : doc_numbers) EXPECT_EQ(n, 1) << "DocNumber " << dn;
  auto after = (*store)->GetSchedule("shop", "soon");
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->last_run_id, job.run_id);
  EXPECT_GT((*after)->next_due_at_ms, finished);  // the next night, not again now
  ASSERT_EQ(kill(serve.pid, SIGTERM), 0);
  EXPECT_EQ(AwaitExit(serve.pid, 20'000), 0) << serve.Err();
}

}  // namespace
}  // namespace es::testing
