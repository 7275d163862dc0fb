// SqlStore: the durable job queue (migration 0005_jobs; contract in
// store/job_store.h).
#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>

#include "store/sql/queries_jobs.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_util.h"

namespace es::store::sql {
namespace {

Result<Job> JobFromRow(const Rows& q, int row) {
  Job j;
  j.seq = q.Int(row, 0);
  j.id = q.Text(row, 1);
  j.tenant_id = q.Text(row, 2);
  j.kind = q.Text(row, 3);
  j.source_connection = q.Text(row, 4);
  j.target_connection = q.Text(row, 5);
  ES_ASSIGN_OR_RETURN(j.request, ParseJsonColumn(q.Text(row, 6), "jobs.request"));
  j.lane = q.Text(row, 7);
  j.dedupe_key = q.Text(row, 8);
  j.status = q.Text(row, 9);
  j.run_id = q.Text(row, 10);
  j.worker = q.Text(row, 11);
  j.attempts = q.Int(row, 12);
  j.max_attempts = q.Int(row, 13);
  j.not_before_ms = q.Int(row, 14);
  j.lease_until_ms = q.Int(row, 15);
  j.created_at_ms = q.Int(row, 16);
  j.updated_at_ms = q.Int(row, 17);
  j.finished_at_ms = q.Int(row, 18);
  j.error = q.Text(row, 19);
  return j;
}

bool OneOf(const std::string& v, const auto& list) {
  return std::any_of(std::begin(list), std::end(list), [&](const char* s) { return v == s; });
}

int64_t SaturatedAdd(int64_t a, int64_t b) {
  if (b > 0 && a > std::numeric_limits<int64_t>::max() - b) return std::numeric_limits<int64_t>::max();
  return a + b;
}

// A write by the lease holder: Conflict when it changed nothing.
Status HolderWrite(Executor& e, std::string_view what, const char* sql, const Params& p, const std::string& id,
                   const std::string& worker) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("job id", id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("job worker", worker));
  ES_ASSIGN_OR_RETURN(int64_t n, Write(e, Call::kIdempotent, what, sql, p));
  if (n == 0) return Status::Conflict("job " + id + " is not held by worker " + worker);
  return Status::Ok();
}

// The request of a queued job that absorbs `incoming` (same dedupe key):
// its "ids" become the union of both lists, or empty (every record) when
// either list is empty; nullopt when nothing changes.
std::optional<Json> WidenedRequest(const Json& queued, const Json& incoming) {
  auto ids = [](const Json& r) -> const Json* {
    return r.is_object() && r.contains("ids") && r["ids"].is_array() ? &r["ids"] : nullptr;
  };
  const Json* have = ids(queued);
  const Json* add = ids(incoming);
  if (have == nullptr || have->empty()) return std::nullopt;  // already every record
  Json out = queued;
  if (add == nullptr || add->empty()) {
    out["ids"] = Json::array();
    return out;
  }
  bool changed = false;
  for (const Json& id : *add) {
    if (std::find(out["ids"].begin(), out["ids"].end(), id) != out["ids"].end()) continue;
    out["ids"].push_back(id);
    changed = true;
  }
  if (!changed) return std::nullopt;
  return out;
}

}  // namespace

Result<EnqueuedJob> SqlStore::EnqueueJob(const Job& job) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("job id", job.id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", job.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("job source_connection", job.source_connection));
  ES_RETURN_IF_ERROR(RequireNonEmpty("job target_connection", job.target_connection));
  ES_RETURN_IF_ERROR(RequireNonEmpty("job run_id", job.run_id));
  if (!OneOf(job.kind, kJobKinds)) return Status::Validation("job kind '" + job.kind + "' is not known");
  if (job.lane != "realtime" && job.lane != "backfill")
    return Status::Validation("job lane '" + job.lane + "' is not realtime or backfill");
  if (job.max_attempts < 1) return Status::Validation("job max_attempts must be at least 1");
  if (!job.request.is_object()) return Status::Validation("job request must be a JSON object");
  Params p;
  p.Text(job.id).Text(job.tenant_id).Text(job.kind).Text(job.source_connection).Text(job.target_connection);
  p.Text(DumpJson(job.request)).Text(job.lane).Text(job.dedupe_key).Text(job.run_id).Int(job.max_attempts);
  p.Int(job.not_before_ms).Int(job.created_at_ms);
  EnqueuedJob out;
  // A transaction: a repeat after a lost COMMIT would see our own insert as
  // the queued twin and report it coalesced (harmless, but wrong).
  ES_RETURN_IF_ERROR(exec().Run(Call::kTransaction, "enqueue job", [&](Session& s) -> Status {
    // A twin claimed between the read and the widening no longer absorbs
    // this job: the insert is tried again (a few times at most).
    for (int round = 0; round < 3; ++round) {
      ES_ASSIGN_OR_RETURN(Rows ins, s.Exec(q::kEnqueueJob, p));
      out.coalesced = ins.affected() == 0;
      const char* sql = out.coalesced ? q::kQueuedJobByKey : q::kGetJob;
      Params key;
      key.Text(job.tenant_id).Text(out.coalesced ? job.dedupe_key : job.id);
      ES_ASSIGN_OR_RETURN(Rows r, s.Exec(sql, key));
      if (r.empty()) {
        if (out.coalesced) continue;  // the twin left the queue meanwhile
        return Status::Internal("enqueued job " + job.id + " cannot be read back");
      }
      ES_ASSIGN_OR_RETURN(out.job, JobFromRow(r, 0));
      if (!out.coalesced) return Status::Ok();
      std::optional<Json> widened = WidenedRequest(out.job.request, job.request);
      if (!widened) return Status::Ok();
      Params w;
      w.Text(DumpJson(*widened)).Int(job.created_at_ms).Int(out.job.seq);
      ES_ASSIGN_OR_RETURN(Rows upd, s.Exec(q::kWidenQueuedJob, w));
      if (upd.affected() == 0) continue;
      out.job.request = std::move(*widened);
      out.job.updated_at_ms = job.created_at_ms;
      return Status::Ok();
    }
    return Status::Conflict("job " + job.id + " could not be queued: its dedupe twin kept leaving the queue");
  }));
  return out;
}

Result<std::optional<Job>> SqlStore::ClaimJob(const std::string& worker, int64_t now_ms, int64_t lease_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("job worker", worker));
  if (lease_ms <= 0) return Status::Validation("job lease_ms must be positive");
  std::optional<Job> out;
  // A transaction: a repeat after a lost COMMIT would claim a second job.
  ES_RETURN_IF_ERROR(exec().Run(Call::kTransaction, "claim job", [&](Session& s) -> Status {
    out.reset();
    ES_RETURN_IF_ERROR(s.Exec(q::kAbandonExpiredJobs, Params().Int(now_ms)).status());
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(q::kClaimJob, Params().Int(now_ms).Text(worker).Int(SaturatedAdd(now_ms, lease_ms))));
    if (r.empty()) return Status::Ok();
    ES_ASSIGN_OR_RETURN(Job j, JobFromRow(r, 0));
    ES_RETURN_IF_ERROR(s.Exec(q::kServeJobTenant, Params().Text(j.tenant_id).Int(now_ms)).status());
    out = std::move(j);
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::MarkJobRunning(const std::string& id, const std::string& worker, int64_t now_ms) {
  return HolderWrite(exec(), "mark job running", q::kMarkJobRunning, Params().Text(id).Text(worker).Int(now_ms), id,
                     worker);
}

Status SqlStore::HeartbeatJob(const std::string& id, const std::string& worker, int64_t lease_until_ms,
                              int64_t now_ms) {
  return HolderWrite(exec(), "heartbeat job", q::kHeartbeatJob,
                     Params().Text(id).Text(worker).Int(lease_until_ms).Int(now_ms), id, worker);
}

Status SqlStore::CompleteJob(const std::string& id, const std::string& worker, const std::string& status,
                             const std::string& run_id, const std::string& error, int64_t now_ms) {
  if (status != "succeeded" && status != "failed")
    return Status::Validation("a job completes as succeeded or failed, not '" + status + "'");
  return HolderWrite(exec(), "complete job", q::kCompleteJob,
                     Params().Text(id).Text(worker).Text(status).Text(run_id).Text(error).Int(now_ms), id, worker);
}

Status SqlStore::RequeueJob(const std::string& id, const std::string& worker, int64_t not_before_ms,
                            const std::string& error, bool count_attempt, int64_t now_ms) {
  return HolderWrite(exec(), "requeue job", q::kRequeueJob,
                     Params().Text(id).Text(worker).Int(not_before_ms).Text(error).Bool(count_attempt).Int(now_ms),
                     id, worker);
}

Result<Job> SqlStore::CancelJob(const std::string& tenant, const std::string& id, const std::string& reason,
                                int64_t now_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("job id", id));
  std::optional<Job> out;
  ES_RETURN_IF_ERROR(exec().Run(Call::kTransaction, "cancel job", [&](Session& s) -> Status {
    out.reset();
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(q::kCancelJob, Params().Text(tenant).Text(id).Int(now_ms).Text(reason)));
    if (r.empty()) return Status::Ok();
    ES_ASSIGN_OR_RETURN(Job j, JobFromRow(r, 0));
    out = std::move(j);
    return Status::Ok();
  }));
  if (out.has_value()) return std::move(*out);
  ES_ASSIGN_OR_RETURN(auto current, GetJob(tenant, id));
  if (!current.has_value()) return Status::NotFound("job '" + id + "' not found");
  // A repeat after a lost COMMIT finds its own cancellation.
  if (current->status == "cancelled" && current->finished_at_ms == now_ms && current->error == reason)
    return std::move(*current);
  return Status::Conflict("job '" + id + "' is " + current->status + ", only a queued job can be cancelled",
                          "job_not_cancellable");
}

Result<std::optional<Job>> SqlStore::GetJob(const std::string& tenant, const std::string& id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("job id", id));
  return ReadOne<Job>(exec(), "get job", q::kGetJob, Params().Text(tenant).Text(id), JobFromRow);
}

Result<std::vector<Job>> SqlStore::ListJobs(const JobFilter& f) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", f.tenant_id));
  Params p;
  p.Text(f.tenant_id).Text(f.status).Text(f.kind).Limit(f.limit).Text(f.run_id);
  return ReadAll<Job>(exec(), "list jobs", q::kListJobs, p, JobFromRow);
}

}  // namespace es::store::sql
