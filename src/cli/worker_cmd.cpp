// `worker`: runs job-queue workers without the API (docs/jobs.md), and
// `jobs list|show|enqueue|cancel`: the tenant's jobs, queueing a sync for the
// workers of this or any other process sharing the store, and cancelling a
// job still queued (never claimed afterwards; a leased, running or finished
// job is refused with "not cancellable").
#include <csignal>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/notify_cli.h"
#include "cli/safety_cli.h"
#include "cli/signals.h"
#include "cli/text_table.h"
#include "common/clock.h"
#include "jobs/job_request.h"
#include "jobs/worker_pool.h"
#include "safety/safety_net.h"

namespace es::cli {
namespace {

struct WorkerArgs {
  Common common;
  int workers = 2;
  int64_t lease_ms = 30'000;
  int64_t poll_ms = 500;
  int64_t idle_exit_ms = 0;
  SafetyArgs safety;
};

struct JobsListArgs {
  Common common;
  std::string status;
  std::string kind;
  int limit = 20;
};

struct JobsShowArgs {
  Common common;
  std::string id;
};

struct JobsCancelArgs {
  Common common;
  std::string id;
};

struct JobsEnqueueArgs {
  Common common;
  std::string source = "woo";
  std::string target = "qbo";
  std::string entities;
  std::string mode = "incremental";
  std::string ids;
  std::string kind = "sync";
  std::string lane = "realtime";
  std::string dedupe_key;
  int64_t delay_ms = 0;
  bool dry_run = false;
};

Json JobJsonLine(const store::Job& j) {
  return {{"id", j.id},
          {"tenant", j.tenant_id},
          {"kind", j.kind},
          {"lane", j.lane},
          {"status", j.status},
          {"run_id", j.run_id},
          {"source", j.source_connection},
          {"target", j.target_connection},
          {"request", j.request},
          {"attempts", j.attempts},
          {"max_attempts", j.max_attempts},
          {"worker", j.worker},
          {"dedupe_key", j.dedupe_key},
          {"not_before_ms", j.not_before_ms},
          {"lease_until_ms", j.lease_until_ms},
          {"created_at_ms", j.created_at_ms},
          {"finished_at_ms", j.finished_at_ms},
          {"error", j.error}};
}

int RunWorker(const WorkerArgs& a) {
  int rc = 0;
  auto store = Open(a.common, &rc);
  if (!store) return rc;
  std::atomic<bool>& stop = InstallStopSignals();
  std::mutex out_mu;
  auto print = [&](const std::string& event, const Json& detail) {
    Json line = detail;
    line["event"] = event;
    line["at_ms"] = SystemClock::Get().NowMillis();
    std::lock_guard lock(out_mu);
    printf("%s\n", DumpJson(line).c_str());
    fflush(stdout);
  };
  std::atomic<int64_t> last_activity{SystemClock::Get().NowMillis()};
  // Each job runs through the same engine path as `sync`, on its own
  // transport (TLS settings follow the job's connections), resuming its run
  // row when an earlier attempt left one.
  jobs::JobExecutor execute = [&](const store::Job& job,
                                  const engine::SyncRequest& request) -> Result<engine::RunReport> {
    last_activity = SystemClock::Get().NowMillis();
    jobs::JobRunStore runs(*store);
    engine::EngineOptions engine_options = CliEngineOptions();
    engine_options.recheck_window_ms = a.safety.RecheckWindowMs();
    RunEngine run = MakeRunEngine(runs, job.tenant_id, {job.source_connection, job.target_connection},
                                  /*warn_insecure=*/false, engine_options);
    engine::SyncRequest req = request;
    req.on_notice = [&](const std::string& notice) { print("notice", {{"job", job.id}, {"message", notice}}); };
    auto report = run.orchestrator->Run(req);
    last_activity = SystemClock::Get().NowMillis();
    return report;
  };
  jobs::WorkerPoolOptions o;
  o.workers = a.workers;
  o.lease_ms = a.lease_ms;
  o.heartbeat_ms = a.lease_ms / 3;
  o.poll_ms = a.poll_ms;
  o.on_event = print;
  jobs::WorkerPool pool(*store, SystemClock::Get(), execute, o);
  pool.Start();
  // Safety nets (docs/safety-nets.md): the same passes as in `serve`; the
  // poll jobs coalesce with those of any other process on the store.
  CliNotifier notifier(*store);
  auto safety_transport = http::MakeCurlTransport(http::CurlOptions{});
  safety::SafetyNet safety_net(
      *store, *safety_transport, SystemClock::Get(), &notifier.notifier(),
      [&](const engine::SyncRequest& req, const jobs::EnqueueOptions& o) -> Result<bool> {
        ES_ASSIGN_OR_RETURN(store::EnqueuedJob e, jobs::EnqueueSync(*store, SystemClock::Get(), req, o));
        pool.Wake();
        return e.coalesced;
      },
      a.safety.Options());
  safety_net.OnPass([&](const safety::PassReport& r) { print("safety_pass", r.ToJson()); });
  safety_net.Start();
  print("worker_started", {{"workers", pool.options().workers}, {"name", pool.options().name},
                           {"lease_ms", pool.options().lease_ms}});
  while (!stop.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (a.idle_exit_ms > 0 && pool.running() == 0 &&
        SystemClock::Get().NowMillis() - last_activity.load() >= a.idle_exit_ms)
      break;
  }
  // Runs in hand stop after the record in hand; their jobs go back to the queue.
  safety_net.Stop();
  pool.Stop();
  print("worker_stopped", {{"finished", pool.finished()}, {"requeued", pool.requeued()}});
  if (stop.load()) return StopSignal() == SIGTERM ? 0 : StopExitCode();
  return 0;
}

int JobsList(const JobsListArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  auto list = store->ListJobs({a.common.tenant, a.status, a.kind, a.limit, ""});
  if (!list.ok()) return Fail("jobs list", list.status());
  if (a.common.json) {
    Json out = Json::array();
    for (const auto& j : *list) out.push_back(JobJsonLine(j));
    printf("%s\n", DumpJson(Json{{"tenant", a.common.tenant}, {"jobs", out}}).c_str());
    return 0;
  }
  if (list->empty()) {
    printf("no jobs for tenant '%s'\n", a.common.tenant.c_str());
    return 0;
  }
  TextTable t({"JOB", "KIND", "LANE", "STATUS", "ATTEMPTS", "RUN", "CREATED", "ERROR"});
  for (const auto& j : *list) {
    t.AddRow({j.id, j.kind, j.lane, j.status, std::to_string(j.attempts) + "/" + std::to_string(j.max_attempts),
              j.run_id, FormatIso8601Utc(j.created_at_ms), j.error.substr(0, 60)});
  }
  t.Print();
  return 0;
}

int JobsShow(const JobsShowArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  auto j = store->GetJob(a.common.tenant, a.id);
  if (!j.ok()) return Fail("jobs show", j.status());
  if (!j->has_value())
    return Fail("jobs show", Status::NotFound("job '" + a.id + "' not found for tenant '" + a.common.tenant + "'"));
  printf("%s\n", DumpJson(JobJsonLine(**j)).c_str());
  return 0;
}

int JobsEnqueue(const JobsEnqueueArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  if (int bad = RequireConnections(*store, a.common, {a.source, a.target}); bad != 0) return bad;
  if (int bad = CheckSourceIds(*store, a.common, a.source, SplitList(a.ids)); bad != 0) return bad;
  engine::SyncRequest req;
  req.tenant_id = a.common.tenant;
  req.source_connection = a.source;
  req.target_connection = a.target;
  req.entities = SplitList(a.entities);
  req.mode = a.mode;
  req.dry_run = a.dry_run;
  req.ids = SplitList(a.ids);
  req.triggered_by = "cli";
  jobs::EnqueueOptions o;
  o.kind = a.kind;
  o.lane = a.lane;
  o.dedupe_key = a.dedupe_key;
  o.delay_ms = a.delay_ms;
  auto e = jobs::EnqueueSync(*store, SystemClock::Get(), req, o);
  if (!e.ok()) return Fail("jobs enqueue", e.status());
  if (a.common.json) {
    Json j = JobJsonLine(e->job);
    j["coalesced"] = e->coalesced;
    printf("%s\n", DumpJson(j).c_str());
  } else {
    printf("%s job %s (run %s) for tenant '%s'%s\n", e->coalesced ? "already queued:" : "queued", e->job.id.c_str(),
           e->job.run_id.c_str(), a.common.tenant.c_str(),
           e->coalesced ? "" : " — `easysale-sync worker` or `serve` runs it");
  }
  return 0;
}

int JobsCancel(const JobsCancelArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  auto j = store->CancelJob(a.common.tenant, a.id, "cancelled from the command line", SystemClock::Get().NowMillis());
  if (!j.ok()) return Fail("jobs cancel", j.status());
  if (a.common.json) {
    printf("%s\n", DumpJson(JobJsonLine(*j)).c_str());
  } else {
    printf("cancelled job %s (run %s) of tenant '%s'\n", j->id.c_str(), j->run_id.c_str(), a.common.tenant.c_str());
  }
  return 0;
}

}  // namespace

void AddWorkerCommands(CLI::App& app) {
  auto w = std::make_shared<WorkerArgs>();
  auto* worker = app.add_subcommand("worker", "Run job-queue workers without the API (see docs/jobs.md)");
  AddStoreOptions(worker, w->common);
  worker->add_option("--workers", w->workers, "worker threads (default 2)")->check(CLI::Range(1, 64));
  worker->add_option("--lease-ms", w->lease_ms, "job lease; a dead worker's job is resumed after it (default 30000)")
      ->check(CLI::Range(int64_t{1000}, int64_t{3'600'000}));
  worker->add_option("--poll-ms", w->poll_ms, "idle wait between claims (default 500)")
      ->check(CLI::Range(int64_t{10}, int64_t{60'000}));
  worker->add_option("--idle-exit-ms", w->idle_exit_ms, "exit after this long with nothing to do (default: never)")
      ->check(CLI::Range(int64_t{0}, int64_t{86'400'000}));
  AddSafetyOptions(worker, w->safety);
  worker->callback([w] { SetExitCode(RunWorker(*w)); });

  auto* jobs = app.add_subcommand("jobs", "The tenant's queued and finished jobs");
  jobs->require_subcommand(1);
  auto l = std::make_shared<JobsListArgs>();
  auto* list = jobs->add_subcommand("list", "List the tenant's jobs, newest first");
  AddCommon(list, l->common);
  list->add_option("--status", l->status, "queued, leased, running, succeeded, failed, abandoned or cancelled")
      ->check(CLI::IsMember({"queued", "leased", "running", "succeeded", "failed", "abandoned", "cancelled"}));
  list->add_option("--kind", l->kind, "sync, retry, reconcile or webhook-incremental")
      ->check(CLI::IsMember({"sync", "retry", "reconcile", "webhook-incremental"}));
  list->add_option("--limit", l->limit, "at most this many (default 20)")->check(CLI::Range(1, 10000));
  list->callback([l] { SetExitCode(JobsList(*l)); });

  auto s = std::make_shared<JobsShowArgs>();
  auto* show = jobs->add_subcommand("show", "One job as JSON");
  AddCommon(show, s->common);
  show->add_option("id", s->id, "job id")->required();
  show->callback([s] { SetExitCode(JobsShow(*s)); });

  auto x = std::make_shared<JobsCancelArgs>();
  auto* cancel = jobs->add_subcommand("cancel", "Cancel a queued job: no worker runs it");
  AddCommon(cancel, x->common);
  cancel->add_option("id", x->id, "job id")->required();
  cancel->callback([x] { SetExitCode(JobsCancel(*x)); });

  auto e = std::make_shared<JobsEnqueueArgs>();
  auto* enqueue = jobs->add_subcommand("enqueue", "Queue a sync for the workers");
  AddCommon(enqueue, e->common);
  enqueue->add_option("--source", e->source, "source connection id");
  enqueue->add_option("--target", e->target, "target connection id");
  enqueue->add_option("--entities", e->entities, "comma list: customers,products,orders (default: all routes)");
  enqueue->add_option("--mode", e->mode, "full or incremental (default)")->check(CLI::IsMember({"full", "incremental"}));
  enqueue->add_option("--ids", e->ids, "comma list of source ids to sync")->check(IdListValidator());
  enqueue->add_flag("--dry-run", e->dry_run, "plan only, write nothing");
  enqueue->add_option("--kind", e->kind, "sync (default), retry, reconcile or webhook-incremental")
      ->check(CLI::IsMember({"sync", "retry", "reconcile", "webhook-incremental"}));
  enqueue->add_option("--lane", e->lane, "realtime (default) or backfill")
      ->check(CLI::IsMember({"realtime", "backfill"}));
  enqueue->add_option("--dedupe-key", e->dedupe_key, "a queued job with this key absorbs this one");
  enqueue->add_option("--delay-ms", e->delay_ms, "claimable this long from now")
      ->check(CLI::Range(int64_t{0}, int64_t{86'400'000}));
  enqueue->callback([e] { SetExitCode(JobsEnqueue(*e)); });
}

}  // namespace es::cli
