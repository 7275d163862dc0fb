// SPEC §4 invariants over an order's whole life, with the real binary killed
// at random moments. Each case seeds a small store, then repeats: a random
// slice of trading (line edits, address changes, partial and full refunds,
// cancellations, late payments, trash, new orders) and an `easysale-sync
// sync` that is SIGKILLed after a random delay half of the time. A last,
// uninterrupted sync must succeed, and one more must write nothing. Then,
// for every order: exactly one primary QBO document when its status is
// synced (a cancelled one's is voided), one QBO document per refund, and
// net amounts (total − refunds against document − credits) equal to the cent.
// Each case has a directory of its own (store, the child's stdout and
// stderr); a failing case keeps it, and its log ends with how the run ended
// (exit code, signal or why it could not start) and the tail of its stderr.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "support/sync_fixture.h"

extern char** environ;

namespace es::testing {
namespace {

struct Child {
  int exit_code = -1;  // -1 when it did not exit normally
  int signal = 0;      // the signal that ended it, if one did
  int spawn_error = 0;  // errno when it could not be started at all
  bool killed = false;  // by this test
};

// Runs the binary with stdout to out_file and stderr to err_file; with
// kill_after_ms >= 0 sends SIGKILL after that long.
Child RunBinary(const std::vector<std::string>& args, int kill_after_ms, const std::string& out_file,
                const std::string& err_file, const std::string& program = ES_BINARY) {
  std::vector<std::string> all = {program};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = {"EASYSALE_LOCK_LEASE_MS=1"};
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  Child c;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    c.spawn_error = rc;
    return c;
  }
  if (kill_after_ms >= 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms));
    c.killed = kill(pid, SIGKILL) == 0;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) {
    c.exit_code = WEXITSTATUS(status);
    c.killed = false;
  } else if (WIFSIGNALED(status)) {
    c.signal = WTERMSIG(status);
  }
  return c;
}

std::string ReadFile(const std::string& path) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return "";
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  fclose(f);
  return s;
}

// The last `max` characters of a file: the end of a child's stderr.
std::string Tail(const std::string& path, size_t max = 2000) {
  std::string s = ReadFile(path);
  return s.size() > max ? "..." + s.substr(s.size() - max) : s;
}

// An empty directory for one case, never one an earlier case used.
std::filesystem::path FreshCaseDir(uint64_t seed) {
  static int case_number = 0;
  const auto dir = std::filesystem::temp_directory_path() / ("es-life-" + std::to_string(getpid()) + "-" +
                                                             std::to_string(++case_number) + "-" + std::to_string(seed));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// A binary that could not be started says nothing about the product: name
// the cause. (ETXTBSY or ENOENT: it was being relinked while this ran.)
void RequireStarted(const Child& c) {
  if (c.spawn_error != 0)
    RC_FAIL(std::string(ES_BINARY) + " could not be started: " + strerror(c.spawn_error) +
            (c.spawn_error == ETXTBSY || c.spawn_error == ENOENT ? " (was it being rebuilt while this test ran?)" : ""));
}

// What a run that had to succeed did instead, for the failure log.
std::string Describe(const char* which, const Child& c, const std::string& out, const std::string& err) {
  std::string d = std::string(which) + ": exit " + std::to_string(c.exit_code);
  if (c.signal != 0) d += ", signal " + std::to_string(c.signal) + " (" + strsignal(c.signal) + ")";
  if (c.spawn_error != 0) d += ", not started: " + std::string(strerror(c.spawn_error));
  d += "\nstdout: " + ReadFile(out).substr(0, 400) + "\nstderr (tail):\n" + Tail(err) + "\n";
  return d;
}

woo::sandbox::TradingOptions RandomWeek() {
  woo::sandbox::TradingOptions t;
  t.line_edits = *rc::gen::inRange(0, 3);
  t.address_changes = *rc::gen::inRange(0, 2);
  t.partial_refunds = *rc::gen::inRange(0, 3);
  t.full_refunds = *rc::gen::inRange(0, 2);
  t.cancellations = *rc::gen::inRange(0, 2);
  t.late_payments = *rc::gen::inRange(0, 3);
  t.trashed = *rc::gen::inRange(0, 2);
  t.new_orders = *rc::gen::inRange(0, 3);
  return t;
}

struct Doc {
  std::string id;
  Decimal total;
  bool voided = false;
};

// QBO documents by DocNumber (every entity of `types`).
std::map<std::string, std::vector<Doc>> DocsByNumber(SyncFixture& f, std::initializer_list<const char*> types) {
  std::map<std::string, std::vector<Doc>> out;
  for (const char* type : types) {
    for (const Json& e : f.qbo().AllEntities(type)) {
      Doc d;
      d.id = GetStringOr(e, "Id");
      auto t = GetDecimal(e, "TotalAmt");
      if (t.ok()) d.total = *t;
      d.voided = GetStringOr(e, "PrivateNote").find("Voided") != std::string::npos;
      out[GetStringOr(e, "DocNumber")].push_back(d);
    }
  }
  return out;
}

// The harness itself: what it reports must say why a run did not succeed.
TEST(LifecycleHarness, CaseDirectoriesAreNeverShared) {
  const auto a = FreshCaseDir(1);
  std::ofstream(a / "state.db") << "left by a failed case";
  const auto b = FreshCaseDir(1);
  EXPECT_NE(a, b);
  EXPECT_TRUE(std::filesystem::is_empty(b));
  std::filesystem::remove_all(a);
  std::filesystem::remove_all(b);
}

TEST(LifecycleHarness, ReportsASignalWithTheChildsStderr) {
  const auto dir = FreshCaseDir(0);
  const std::string out = (dir / "out").string(), err = (dir / "err").string();
  Child c = RunBinary({"-c", "echo 'what went wrong' >&2; kill -ABRT $$"}, -1, out, err, "/bin/sh");
  EXPECT_EQ(c.exit_code, -1);
  EXPECT_EQ(c.signal, SIGABRT);
  EXPECT_FALSE(c.killed);
  const std::string d = Describe("run", c, out, err);
  EXPECT_NE(d.find("signal 6"), std::string::npos) << d;
  EXPECT_NE(d.find("what went wrong"), std::string::npos) << d;
  std::filesystem::remove_all(dir);
}

TEST(LifecycleHarness, ReportsABinaryThatCannotStart) {
  const auto dir = FreshCaseDir(0);
  const std::string out = (dir / "out").string(), err = (dir / "err").string();
  Child c = RunBinary({}, -1, out, err, (dir / "no-such-binary").string());
  EXPECT_EQ(c.exit_code, -1);
  EXPECT_EQ(c.signal, 0);
  EXPECT_EQ(c.spawn_error, ENOENT);
  EXPECT_NE(Describe("run", c, out, err).find("not started"), std::string::npos);
  std::filesystem::remove_all(dir);
}

RC_GTEST_PROP(Lifecycle, BooksFollowEveryOrderThroughKillsAndRestarts, ()) {
  FixtureOptions o;
  o.woo.seed = *rc::gen::inRange<uint64_t>(1, 1'000'000);
  o.woo.orders = *rc::gen::inRange(4, 24);
  o.woo.customers = *rc::gen::inRange(1, 8);
  o.woo.products = *rc::gen::inRange(1, 8);
  o.qbo.throttle = false;
  o.transformer_config = {{"doc_number_prefix", "WC-"}};
  // A directory of its own for every case: shrinking repeats a seed, and a
  // store left by an earlier case would name records this case's fresh QBO
  // company never had. A failed case's directory is kept for inspection.
  const auto dir = FreshCaseDir(o.woo.seed);
  RC_LOG() << "directory " << dir.string() << "\n";
  o.store_url = "sqlite://" + (dir / "state.db").string();
  SyncFixture f(o);
  RC_ASSERT(f.Start().ok());
  const std::vector<std::string> sync = {"sync", "--store", o.store_url, "--tenant", SyncFixture::kTenant, "--json",
                                         "--yes"};
  const std::string out = (dir / "out.json").string();
  const std::string err = (dir / "err.txt").string();

  const int steps = *rc::gen::inRange(2, 6);
  int kills = 0;
  for (int step = 0; step < steps; ++step) {
    if (step > 0) f.woo().SimulateTrading(o.woo.seed + static_cast<uint64_t>(step), RandomWeek());
    const bool kill_it = *rc::gen::arbitrary<bool>();
    Child c = RunBinary(sync, kill_it ? *rc::gen::inRange(0, 400) : -1, out, err);
    RequireStarted(c);
    if (c.killed) ++kills;
  }
  f.woo().SimulateTrading(o.woo.seed + 99, RandomWeek());
  Child last = RunBinary(sync, -1, out, err);
  RC_LOG() << "kills " << kills << ", " << Describe("last sync", last, out, err);
  RequireStarted(last);
  RC_ASSERT(last.exit_code == 0);
  Child quiet = RunBinary(sync, -1, out, err);
  RC_LOG() << Describe("quiet sync", quiet, out, err);
  RequireStarted(quiet);
  RC_ASSERT(quiet.exit_code == 0);
  auto report = ParseJson(ReadFile(out));
  RC_ASSERT(report.ok());
  int64_t writes = 0;
  for (const auto& [entity, c] : (*report)["counts"].items()) {
    (void)entity;
    for (const char* k : {"created", "linked", "updated", "voided", "deleted"}) writes += GetIntOr(c, k, 0);
  }
  RC_ASSERT(writes == 0);

  // Per order: the primary document and one document per refund.
  auto primary = DocsByNumber(f, {"Invoice", "SalesReceipt"});
  auto credits = DocsByNumber(f, {"CreditMemo", "RefundReceipt"});
  const Json orders = f.woo().AllOrdersJson();
  for (const Json& order : orders) {
    const std::string number = "WC-" + GetStringOr(order, "number");
    const std::string status = GetStringOr(order, "status");
    const bool synced = status == "processing" || status == "completed" || status == "on-hold" || status == "refunded";
    const auto& docs = primary[number];
    RC_ASSERT(docs.size() <= 1u);
    if (synced) RC_ASSERT(docs.size() == 1u);
    if (!synced && !docs.empty()) RC_ASSERT(docs[0].voided || docs[0].total.IsZero());
    if (docs.empty() || !synced) continue;
    for (const Json& r : order.value("refunds", Json::array())) {
      const std::string rn = number + "-R" + GetStringOr(r, "id");
      RC_ASSERT(credits[rn].size() == 1u);
    }
  }
  for (const auto& [number, docs] : credits) RC_ASSERT(docs.size() == 1u);
  int64_t voided = 0;
  for (const auto& [number, docs] : primary)
    for (const auto& d : docs) voided += d.voided ? 1 : 0;
  RC_TAG(kills > 0 ? "killed mid-run" : "no kill", credits.empty() ? "no refunds" : "refunds booked",
         voided > 0 ? "voids" : "no voids");

  // Net amounts to the cent (reconcile reads them from QBO).
  auto rec = f.Reconcile();
  RC_ASSERT(rec.ok());
  for (const auto& d : rec->details) RC_LOG() << DumpJson(d) << "\n";
  RC_ASSERT(rec->mismatches == 0);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace es::testing
