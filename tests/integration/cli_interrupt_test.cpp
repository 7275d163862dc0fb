// Interrupting the real easysale-sync binary and carrying on: Ctrl-C (and a
// second one) in the middle of a sync, kill -9 and an immediate re-run with
// the default lease, `runs list` / `runs stop`, and the demo interrupted with
// its stdout on a pipe nobody reads.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"
#include "store/factory/open_store.h"
#include "support/child_process.h"

namespace es::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

using es::test::Child;
using es::test::ReadFile;
using es::test::WaitExit;
using es::test::WaitFor;

std::vector<std::string> Split(const std::string& args) { return es::test::SplitArgs(args); }

Child Spawn(const std::vector<std::string>& args, const fs::path& dir, const std::string& name, int stdout_fd = -1,
            const std::map<std::string, std::string>& env = {}) {
  return es::test::Spawn(ES_BINARY, args, dir, name, stdout_fd, env);
}

struct Ran {
  int code = -1;
  std::string out, err;
};

// Runs the binary to completion (at most 120 s).
Ran RunCli(const std::string& args, const fs::path& dir, const std::string& name) {
  Child c = Spawn(Split(args), dir, name);
  Ran r;
  r.code = WaitExit(c.pid, 120'000);
  r.out = c.Out();
  r.err = c.Err();
  return r;
}

// Sandboxes, a SQLite store and the two connections, set up with the CLI.
class CliInterrupt : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("es-int-" + std::to_string(getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    woo::sandbox::Options wo;
    wo.orders = 150;
    wo.seed = 11;
    woo_ = std::make_unique<woo::sandbox::Server>(wo);
    qbo::sandbox::Options qo;
    qo.throttle = false;
    qbo_ = std::make_unique<qbo::sandbox::Server>(qo);
    ASSERT_TRUE(woo_->Start(0).ok());
    ASSERT_TRUE(qbo_->Start(0).ok());
    store_url_ = "sqlite://" + (dir_ / "state.db").string();
    store_ = "--store " + store_url_ + " --tenant shop";
    auto tokens = qbo_->IssueTokens();
    // Credentials are sealed with the master key; tenants are explicit.
    setenv("EASYSALE_MASTER_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 1);
    ASSERT_EQ(RunArgs({"tenant", "add", "shop", "--store", store_url_}), 0);
    Json woo_config = {{"base_url", woo_->base_url()}};
    Json woo_secret = {{"consumer_key", wo.consumer_key}, {"consumer_secret", wo.consumer_secret}};
    ASSERT_EQ(RunArgs({"connection", "add", "--store", store_url_, "--tenant", "shop", "--id", "woo", "--kind", "woo",
                       "--config", DumpJson(woo_config), "--secret", DumpJson(woo_secret)}),
              0);
    Json qbo_config = {{"api_base", qbo_->base_url()}, {"token_url", qbo_->token_url()}, {"realm_id", qo.realm_id},
                       {"client_id", qo.client_id}};
    Json qbo_secret = {{"client_secret", qo.client_secret}, {"access_token", tokens.access_token},
                       {"refresh_token", tokens.refresh_token}, {"access_expires_at_ms", 0}};
    ASSERT_EQ(RunArgs({"connection", "add", "--store", store_url_, "--tenant", "shop", "--id", "qbo", "--kind", "qbo",
                       "--config", DumpJson(qbo_config), "--secret", DumpJson(qbo_secret)}),
              0);
  }
  void TearDown() override {
    qbo_.reset();
    woo_.reset();
    fs::remove_all(dir_);
  }

  int RunArgs(const std::vector<std::string>& args) {
    Child c = Spawn(args, dir_, "setup");
    int code = WaitExit(c.pid, 60'000);
    if (code != 0) ADD_FAILURE() << c.Err();
    return code;
  }

  int64_t Docs() const { return qbo_->CountEntities("Invoice") + qbo_->CountEntities("SalesReceipt"); }
  // Every document an order's life writes (sales documents, refunds, payments).
  int64_t Books() const {
    return Docs() + qbo_->CountEntities("RefundReceipt") + qbo_->CountEntities("CreditMemo") +
           qbo_->CountEntities("Payment");
  }

  std::map<std::string, int> DocNumberCounts() const {
    std::map<std::string, int> seen;
    for (const char* type : {"Invoice", "SalesReceipt"})
      for (const auto& doc : qbo_->AllEntities(type)) ++seen[GetStringOr(doc, "DocNumber")];
    return seen;
  }

  // Starts a slow sync (every QBO request delayed) and waits until it has
  // written some documents.
  Child StartSlowSync(const std::string& name) {
    qbo_->SetLatencyMs(250);
    Child c = Spawn(Split("sync " + store_), dir_, name);
    EXPECT_TRUE(WaitFor([&] { return Docs() > 0; }, 90'000)) << c.Err();
    return c;
  }

  // Starts a slow sync and waits only until its run is recorded.
  Child StartRecordedSync(const std::string& name, int stdout_fd = -1) {
    qbo_->SetLatencyMs(250);
    Child c = Spawn(Split("sync " + store_), dir_, name, stdout_fd);
    EXPECT_TRUE(WaitFor([&] { return !NewestRunId().empty(); }, 60'000)) << c.Err();
    return c;
  }

  // The re-run at full speed, then reconcile: every order matched, one document each.
  void ExpectCarriesOnCleanly(const Ran& rerun) {
    EXPECT_EQ(rerun.code, 0) << rerun.out << rerun.err;
    EXPECT_EQ(rerun.err.find("is held by"), std::string::npos) << rerun.err;
    for (const auto& [dn, n] : DocNumberCounts()) EXPECT_EQ(n, 1) << "DocNumber " << dn << " written " << n << " times";
    Ran rec = RunCli("reconcile " + store_ + " --json", dir_, "reconcile");
    ASSERT_EQ(rec.code, 0) << rec.out << rec.err;
    auto j = ParseJson(rec.out);
    ASSERT_TRUE(j.ok()) << rec.out;
    EXPECT_EQ((*j)["mismatches"].get<int64_t>(), 0) << rec.out;
    EXPECT_EQ((*j)["matched"].get<int64_t>(), Docs()) << rec.out;
  }

  Json RunsList() {
    Ran r = RunCli("runs list " + store_ + " --json", dir_, "runs-list");
    EXPECT_EQ(r.code, 0) << r.err;
    auto j = ParseJson(r.out);
    return j.ok() ? (*j)["runs"] : Json::array();
  }

  std::string StatusOf(const std::string& run_id) {
    for (const Json& r : RunsList())
      if (r["id"] == run_id) return r["status"].get<std::string>();
    return "(not listed)";
  }

  // The id of the newest run, read from the store directly (no liveness check).
  std::string NewestRunId() {
    auto store = store::OpenStore(store_url_);
    if (!store.ok()) return "";
    store::RunFilter f;
    f.tenant_id = "shop";
    f.limit = 1;
    auto runs = (*store)->ListRuns(f);
    return runs.ok() && !runs->empty() ? (*runs)[0].id : "";
  }

  fs::path dir_;
  std::string store_url_, store_;
  std::unique_ptr<woo::sandbox::Server> woo_;
  std::unique_ptr<qbo::sandbox::Server> qbo_;
};

TEST_F(CliInterrupt, CtrlCMidSyncStopsGracefullyAndTheRerunCarriesOn) {
  Child c = StartSlowSync("sync1");
  const int64_t before = Docs();
  ASSERT_EQ(kill(c.pid, SIGINT), 0);
  const auto t0 = Clock::now();
  EXPECT_EQ(WaitExit(c.pid, 30'000), 130) << c.Out() << c.Err();
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(30));
  const std::string out = c.Out();
  // One line saying so.
  ASSERT_EQ(out.rfind("stopped: run ", 0), 0u) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_NE(out.find("again to carry on"), std::string::npos) << out;
  // Counted as `status` counts: orders the status filter leaves out are not "unchanged".
  EXPECT_NE(out.find(" not synced, "), std::string::npos) << out;
  EXPECT_NE(out.find(" 0 unchanged, "), std::string::npos) << out;
  const std::string run_id = out.substr(13, 36);
  EXPECT_EQ(StatusOf(run_id), "stopped");
  EXPECT_GE(Docs(), before);
  // Orders are written in windows of several pages, so the stop may come
  // after the sales documents, before the refunds and payments.
  const int64_t at_stop = Books();
  printf("[ before ] %s[ documents at stop ] %lld\n", out.c_str(), static_cast<long long>(at_stop));

  qbo_->SetLatencyMs(0);
  Ran rerun = RunCli("sync " + store_, dir_, "sync2");
  printf("[ re-run ] %s", rerun.out.c_str());
  EXPECT_GT(Books(), at_stop) << "the first run was stopped mid-way";
  ExpectCarriesOnCleanly(rerun);
}

TEST_F(CliInterrupt, SecondCtrlCQuitsAtOnceAndTheRerunCarriesOn) {
  Child c = StartSlowSync("sync1");
  ASSERT_EQ(kill(c.pid, SIGINT), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(kill(c.pid, SIGINT), 0);
  const auto t0 = Clock::now();
  EXPECT_EQ(WaitExit(c.pid, 10'000), 130) << c.Err();
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(10));
  qbo_->SetLatencyMs(0);
  Ran rerun = RunCli("sync " + store_, dir_, "sync2");
  printf("[ re-run after a second Ctrl-C ] %s%s", rerun.err.c_str(), rerun.out.c_str());
  ExpectCarriesOnCleanly(rerun);
}

TEST_F(CliInterrupt, KillNineThenImmediateRerunFindsTheDeadRun) {
  Child c = StartSlowSync("sync1");
  const std::string killed = NewestRunId();
  ASSERT_FALSE(killed.empty());
  ASSERT_EQ(kill(c.pid, SIGKILL), 0);
  EXPECT_EQ(WaitExit(c.pid, 10'000), 128 + SIGKILL);
  qbo_->SetLatencyMs(0);
  // Default lease (several minutes): the dead process is found, not waited for.
  Ran rerun = RunCli("sync " + store_, dir_, "sync2");
  printf("[ re-run after kill -9 ] %s%s", rerun.err.c_str(), rerun.out.c_str());
  EXPECT_NE(rerun.err.find("notice: run " + killed + " was left unfinished (process " + std::to_string(c.pid)),
            std::string::npos)
      << rerun.err;
  EXPECT_NE(rerun.err.find("marked abandoned; carrying on"), std::string::npos) << rerun.err;
  ExpectCarriesOnCleanly(rerun);
  EXPECT_EQ(StatusOf(killed), "abandoned");

  Ran text = RunCli("runs list " + store_, dir_, "runs-text");
  EXPECT_EQ(text.code, 0);
  const size_t row = text.out.find(killed);
  ASSERT_NE(row, std::string::npos) << text.out;
  EXPECT_NE(text.out.substr(row, text.out.find('\n', row) - row).find("  abandoned  "), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("succeeded"), std::string::npos) << text.out;
  printf("[ runs list ]\n%s", text.out.c_str());
}

// `status` right after a kill -9: the dead run shows as abandoned (it stayed
// "running … so far" until the next sync or `runs list`).
TEST_F(CliInterrupt, StatusAfterKillNineShowsTheDeadRunAbandoned) {
  Child c = StartRecordedSync("sync1");
  const std::string killed = NewestRunId();
  ASSERT_EQ(kill(c.pid, SIGKILL), 0);
  WaitExit(c.pid, 10'000);
  Ran st = RunCli("status " + store_, dir_, "status");
  printf("[ status after kill -9 ] %s%s", st.err.c_str(), st.out.c_str());
  EXPECT_EQ(st.code, 0) << st.err;
  EXPECT_NE(st.err.find("notice: run " + killed + " was left unfinished"), std::string::npos) << st.err;
  const size_t row = st.out.find(killed);
  ASSERT_NE(row, std::string::npos) << st.out;
  const std::string line = st.out.substr(row, st.out.find('\n', row) - row);
  EXPECT_NE(line.find("abandoned"), std::string::npos) << line;
  EXPECT_EQ(line.find("running"), std::string::npos) << line;
  EXPECT_EQ(StatusOf(killed), "abandoned");
}

TEST_F(CliInterrupt, RunsListAndRunsStopMarkADeadRunAbandoned) {
  Child c = StartSlowSync("sync1");
  const std::string killed = NewestRunId();
  ASSERT_EQ(kill(c.pid, SIGKILL), 0);
  WaitExit(c.pid, 10'000);
  // While the lock is still held by the dead process, a sync would refuse
  // without the liveness check; `runs stop` marks it abandoned and frees it.
  Ran stop = RunCli("runs stop " + killed + " " + store_, dir_, "stop");
  printf("[ runs stop, dead run ] %s%s", stop.out.c_str(), stop.err.c_str());
  EXPECT_EQ(stop.code, 0) << stop.err;
  EXPECT_EQ(stop.out.rfind("abandoned: run " + killed, 0), 0u) << stop.out;
  EXPECT_NE(stop.out.find("is gone"), std::string::npos) << stop.out;
  {
    auto store = store::OpenStore(store_url_);
    ASSERT_TRUE(store.ok());
    auto lock = (*store)->GetLock("shop", "woo>qbo");
    ASSERT_TRUE(lock.ok());
    EXPECT_FALSE(lock->has_value()) << "the lock is released";
  }
  EXPECT_EQ(StatusOf(killed), "abandoned");
  // A finished run: rc 2 with a clear message; an unknown one: rc 2.
  Ran again = RunCli("runs stop " + killed + " " + store_, dir_, "stop2");
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.err.find("is not running: it finished as abandoned"), std::string::npos) << again.err;
  EXPECT_EQ(RunCli("runs stop nosuch " + store_, dir_, "stop3").code, 2);
}

TEST_F(CliInterrupt, RunsStopStopsALiveSyncOfThisHost) {
  Child c = StartSlowSync("sync1");
  const std::string run_id = NewestRunId();
  Ran stop = RunCli("runs stop " + run_id + " " + store_, dir_, "stop");
  printf("[ runs stop, live run ] %s%s", stop.out.c_str(), stop.err.c_str());
  EXPECT_EQ(stop.code, 0) << stop.err;
  EXPECT_EQ(stop.out.rfind("stopped: run " + run_id, 0), 0u) << stop.out;
  EXPECT_EQ(WaitExit(c.pid, 20'000), 128 + SIGTERM) << c.Err();
  EXPECT_EQ(c.Out().rfind("stopped: run " + run_id, 0), 0u) << c.Out();
  EXPECT_EQ(StatusOf(run_id), "stopped");
}

// `sync | tee` where Ctrl-C ends tee too: the stop line cannot go to stdout
// any more, so it goes to stderr instead of being lost.
TEST_F(CliInterrupt, CtrlCWithTheReaderOfStdoutGoneSaysSoOnStderr) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  Child c = StartRecordedSync("sync1", fds[1]);
  close(fds[1]);
  close(fds[0]);
  ASSERT_EQ(kill(c.pid, SIGINT), 0);
  EXPECT_EQ(WaitExit(c.pid, 30'000), 130) << c.Err();
  const std::string err = c.Err();
  EXPECT_NE(err.find("stopped: run "), std::string::npos) << err;
  EXPECT_NE(err.find("again to carry on"), std::string::npos) << err;
}

TEST_F(CliInterrupt, ServeMarksADeadRunAbandonedAndStopsOnSigterm) {
  Child c = StartSlowSync("sync1");
  const std::string killed = NewestRunId();
  ASSERT_EQ(kill(c.pid, SIGKILL), 0);
  WaitExit(c.pid, 10'000);
  const std::map<std::string, std::string> env = {
      {"EASYSALE_MASTER_KEY", std::string(64, 'a')}, {"EASYSALE_JWT_SECRET", std::string(64, 'b')}};
  Child token = Spawn(Split("token --tenant shop --user u1 --role user"), dir_, "token", -1, env);
  ASSERT_EQ(WaitExit(token.pid, 30'000), 0) << token.Err();
  std::string jwt = token.Out();
  while (!jwt.empty() && (jwt.back() == '\n' || jwt.back() == '\r')) jwt.pop_back();

  Child serve = Spawn({"serve", "--port", "0", "--store", store_url_}, dir_, "serve", -1, env);
  int port = 0;
  ASSERT_TRUE(WaitFor(
      [&] {
        const std::string out = serve.Out();
        const size_t at = out.find("serving on http://127.0.0.1:");
        if (at == std::string::npos) return false;
        port = std::atoi(out.c_str() + at + 28);
        return port > 0;
      },
      30'000))
      << serve.Err();
  httplib::Client http("127.0.0.1", port);
  httplib::Headers auth = {{"Authorization", "Bearer " + jwt}};
  auto first = http.Post(("/api/v1/runs/" + killed + "/stop").c_str(), auth, "{}", "application/json");
  ASSERT_TRUE(first);
  printf("[ POST stop, dead run ] %d %s\n", first->status, first->body.c_str());
  EXPECT_EQ(first->status, 200) << first->body;
  auto body = ParseJson(first->body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ((*body)["status"], "abandoned");
  EXPECT_NE(GetStringOr(*body, "reason").find("is gone"), std::string::npos) << first->body;
  auto second = http.Post(("/api/v1/runs/" + killed + "/stop").c_str(), auth, "{}", "application/json");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 409) << second->body;

  ASSERT_EQ(kill(serve.pid, SIGTERM), 0);
  EXPECT_EQ(WaitExit(serve.pid, 20'000), 0) << "SIGTERM is a service manager's normal stop" << serve.Err();
  EXPECT_NE(serve.Out().find("stopped: server on http://127.0.0.1:" + std::to_string(port) + " shut down"),
            std::string::npos)
      << serve.Out();
  EXPECT_EQ(StatusOf(killed), "abandoned");
  // The lock was released: a sync goes on without a notice.
  qbo_->SetLatencyMs(0);
  Ran rerun = RunCli("sync " + store_, dir_, "sync2");
  EXPECT_EQ(rerun.err.find("notice:"), std::string::npos) << rerun.err;
  ExpectCarriesOnCleanly(rerun);
}

// The demo with stdout on a pipe: `demo | tee` where Ctrl-C also ends tee.
TEST(CliInterruptDemo, PipedDemoExitsWithinSecondsOnCtrlC) {
  const fs::path dir = fs::temp_directory_path() / ("es-int-demo-" + std::to_string(getpid()));
  fs::create_directories(dir);
  // 1. The reader is gone (tee died with the same Ctrl-C), mid-sync.
  {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    Child c = Spawn(Split("demo --orders 60 --qbo-latency 100 --data " + (dir / "a").string()), dir, "demo-a", fds[1]);
    close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    close(fds[0]);
    ASSERT_EQ(kill(c.pid, SIGINT), 0);
    const auto t0 = Clock::now();
    EXPECT_EQ(WaitExit(c.pid, 15'000), 130) << c.Err();
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(10));
  }
  // 2. At the status page, with a reader that stopped reading: SIGTERM.
  {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    Child c = Spawn(Split("demo --orders 30 --data " + (dir / "b").string()), dir, "demo-b", fds[1]);
    close(fds[1]);
    std::string seen;
    std::array<char, 512> buf;
    while (seen.find("Status page:") == std::string::npos) {
      ssize_t n = read(fds[0], buf.data(), buf.size());
      if (n <= 0) break;
      seen.append(buf.data(), static_cast<size_t>(n));
    }
    ASSERT_NE(seen.find("Status page:"), std::string::npos) << seen << c.Err();
    // The server's JSON log goes to a file in the data directory, not to the terminal.
    const size_t at = seen.find("http://127.0.0.1:", seen.find("Dashboard:"));
    ASSERT_NE(at, std::string::npos) << seen;
    const int dashboard_port = std::stoi(seen.substr(at + 17));
    httplib::Client dashboard("127.0.0.1", dashboard_port);
    auto health = dashboard.Get("/health");
    ASSERT_TRUE(health) << "dashboard at port " << dashboard_port;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(c.Err().find("\"event\""), std::string::npos) << c.Err();
    EXPECT_NE(ReadFile(dir / "b" / "server.log").find("\"event\""), std::string::npos);
    ASSERT_EQ(kill(c.pid, SIGTERM), 0);
    const auto t0 = Clock::now();
    EXPECT_EQ(WaitExit(c.pid, 15'000), 128 + SIGTERM) << c.Err();
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5));
    std::string rest;
    ssize_t n;
    while ((n = read(fds[0], buf.data(), buf.size())) > 0) rest.append(buf.data(), static_cast<size_t>(n));
    close(fds[0]);
    EXPECT_NE(rest.find("stopped: status page closed"), std::string::npos) << rest;
  }
  // 3. Ctrl-C right at the start: the demo stops before the status page
  //    exists (it used to run on and hang in the page's Stop()).
  {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    Child c = Spawn(Split("demo --orders 30 --data " + (dir / "c").string()), dir, "demo-c", fds[1]);
    close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_EQ(kill(c.pid, SIGINT), 0);
    const int code = WaitExit(c.pid, 15'000);
    EXPECT_EQ(code, 130) << c.Err();
    close(fds[0]);
  }
  fs::remove_all(dir);
}

// `demo | tee`: each step's line reaches the pipe as it happens (stdout was
// fully buffered on a pipe, so tee showed nothing until the end), and when
// Ctrl-C ends tee as well the stop line goes to stderr.
TEST(CliInterruptDemo, PipedDemoShowsEachStepAndItsStopLine) {
  const fs::path dir = fs::temp_directory_path() / ("es-int-demo-pipe-" + std::to_string(getpid()));
  fs::create_directories(dir);
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  Child c = Spawn(Split("demo --orders 60 --qbo-latency 100 --data " + (dir / "a").string()), dir, "demo", fds[1]);
  close(fds[1]);
  std::string seen;
  std::vector<char> buf(65536);  // a read takes all that is in the pipe
  while (seen.find("First sync") == std::string::npos) {
    ssize_t n = read(fds[0], buf.data(), buf.size());
    if (n <= 0) break;
    seen.append(buf.data(), static_cast<size_t>(n));
  }
  ASSERT_NE(seen.find("First sync"), std::string::npos) << seen << c.Err();
  EXPECT_NE(seen.find("WooCommerce sandbox: http://127.0.0.1:"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("Reconcile:"), std::string::npos) << "the lines came all at once at the end:\n" << seen;
  EXPECT_EQ(waitpid(c.pid, nullptr, WNOHANG), 0) << "the demo is still running";
  close(fds[0]);
  ASSERT_EQ(kill(c.pid, SIGINT), 0);
  EXPECT_EQ(WaitExit(c.pid, 15'000), 130) << c.Err();
  EXPECT_NE(c.Err().find("stopped: "), std::string::npos) << c.Err();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace es::testing
