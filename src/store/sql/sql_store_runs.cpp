// SqlStore: sync runs, record results, the failed queue, and the page commit
// that writes a page's mappings, results and cursor in one transaction.
#include <algorithm>
#include <set>
#include <utility>

#include "store/sql/queries.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_util.h"

namespace es::store::sql {
namespace {

constexpr int kResultColumns = 9;

// Every SyncRun column as $1..$18 (the order of kCreateRun).
Params RunParams(const SyncRun& r) {
  Json entities = Json::array();
  for (const std::string& e : r.entities) entities.push_back(e);
  Params p;
  p.Text(r.tenant_id).Text(r.id).Text(r.source_connection).Text(r.target_connection);
  p.Text(DumpJson(entities)).Text(r.mode).Bool(r.dry_run).Text(RunStatusName(r.status));
  p.Text(DumpJson(r.counts)).Int(r.totals.fetched).Int(r.totals.created).Int(r.totals.updated);
  p.Int(r.totals.skipped).Int(r.totals.failed).Text(r.error).Text(r.triggered_by);
  p.Int(r.started_at_ms).Int(r.finished_at_ms);
  return p;
}

Result<SyncRun> RunFromRow(const Rows& q, int row) {
  SyncRun r;
  r.tenant_id = q.Text(row, 0);
  r.id = q.Text(row, 1);
  r.source_connection = q.Text(row, 2);
  r.target_connection = q.Text(row, 3);
  ES_ASSIGN_OR_RETURN(Json entities, ParseJsonColumn(q.Text(row, 4), "sync_runs.entities"));
  if (!entities.is_array()) return Status::Internal("stored sync_runs.entities is not a JSON array");
  for (const Json& e : entities) {
    if (!e.is_string()) return Status::Internal("stored sync_runs.entities holds a non-string");
    r.entities.push_back(e.get<std::string>());
  }
  r.mode = q.Text(row, 5);
  r.dry_run = q.Bool(row, 6);
  r.status = ParseRunStatus(q.Text(row, 7));
  ES_ASSIGN_OR_RETURN(r.counts, ParseJsonColumn(q.Text(row, 8), "sync_runs.counts"));
  r.totals.fetched = q.Int(row, 9);
  r.totals.created = q.Int(row, 10);
  r.totals.updated = q.Int(row, 11);
  r.totals.skipped = q.Int(row, 12);
  r.totals.failed = q.Int(row, 13);
  r.totals.linked = CountsTotal(r.counts, "linked");
  r.error = q.Text(row, 14);
  r.triggered_by = q.Text(row, 15);
  r.started_at_ms = q.Int(row, 16);
  r.finished_at_ms = q.Int(row, 17);
  return r;
}

Result<RecordResult> ResultFromRow(const Rows& q, int row) {
  RecordResult r;
  r.run_id = q.Text(row, 0);
  r.tenant_id = q.Text(row, 1);
  r.entity = q.Text(row, 2);
  r.source_id = q.Text(row, 3);
  r.action = q.Text(row, 4);
  r.target_id = q.Text(row, 5);
  r.message = q.Text(row, 6);
  r.duration_us = q.Int(row, 7);
  r.at_ms = q.Int(row, 8);
  return r;
}

Result<FailedRecord> FailedFromRow(const Rows& q, int row) {
  FailedRecord f;
  f.tenant_id = q.Text(row, 0);
  f.target_connection = q.Text(row, 1);
  f.entity = q.Text(row, 2);
  f.source_id = q.Text(row, 3);
  f.source_connection = q.Text(row, 4);
  f.category = q.Text(row, 5);
  f.code = q.Text(row, 6);
  f.message = q.Text(row, 7);
  f.retry_count = q.Int(row, 8);
  f.first_failed_at_ms = q.Int(row, 9);
  f.last_attempt_at_ms = q.Int(row, 10);
  f.run_id = q.Text(row, 11);
  return f;
}

Params FailedParams(const FailedRecord& f) {
  const int64_t first = f.first_failed_at_ms != 0 ? f.first_failed_at_ms : f.last_attempt_at_ms;
  Params p;
  p.Text(f.tenant_id).Text(f.target_connection).Text(f.entity).Text(f.source_id);
  p.Text(f.source_connection).Text(f.category).Text(f.code).Text(f.message);
  p.Int(f.retry_count).Int(first).Int(f.last_attempt_at_ms).Text(f.run_id);
  return p;
}

Status ValidateRunKey(const SyncRun& run) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", run.tenant_id));
  return RequireNonEmpty("run id", run.id);
}

Status ValidateResults(const std::vector<RecordResult>& results) {
  for (const RecordResult& r : results) {
    ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", r.tenant_id));
    ES_RETURN_IF_ERROR(RequireNonEmpty("run_id", r.run_id));
  }
  return Status::Ok();
}

// Inside a transaction: checks the runs the results name (so a missing run
// is named instead of a bare foreign-key error), then inserts them in
// multi-row statements.
Status InsertResults(Session& s, const std::vector<RecordResult>& results) {
  std::set<std::pair<std::string, std::string>> runs;  // (tenant, run id)
  for (const RecordResult& r : results) runs.emplace(r.tenant_id, r.run_id);
  for (const auto& [tenant, run_id] : runs) {
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(q::kRunExists, Params().Text(tenant).Text(run_id)));
    if (r.empty()) return Status::NotFound("record result refers to unknown run '" + run_id + "'");
  }
  for (size_t begin = 0; begin < results.size(); begin += SqlStore::kBatchRows) {
    const size_t end = std::min(results.size(), begin + SqlStore::kBatchRows);
    Params p;
    for (size_t i = begin; i < end; ++i) {
      const RecordResult& r = results[i];
      p.Text(r.tenant_id).Text(r.run_id).Text(r.entity).Text(r.source_id).Text(r.action);
      p.Text(r.target_id).Text(r.message).Int(r.duration_us).Int(r.at_ms);
    }
    Result<Rows> inserted =
        s.ExecOnce(std::string(q::kAddResultsHead) + PlaceholderRows(end - begin, kResultColumns, 1), p);
    if (inserted.status().IsConflict()) return Status::NotFound("record result refers to an unknown run");
    ES_RETURN_IF_ERROR(inserted.status());
  }
  return Status::Ok();
}

}  // namespace

// ---- runs ------------------------------------------------------------------

Status SqlStore::CreateRun(const SyncRun& run) {
  ES_RETURN_IF_ERROR(ValidateRunKey(run));
  // A transaction: a repeat after a lost COMMIT would turn success into Conflict.
  Status s = Write(exec(), Call::kTransaction, "create run", q::kCreateRun, RunParams(run)).status();
  if (s.IsConflict()) return Status::Conflict("run '" + run.id + "' already exists", s.code());
  return s;
}

Status SqlStore::UpdateRun(const SyncRun& run) {
  ES_RETURN_IF_ERROR(ValidateRunKey(run));
  ES_ASSIGN_OR_RETURN(int64_t n, Write(exec(), Call::kIdempotent, "update run", q::kUpdateRun, RunParams(run)));
  if (n == 0) return Status::NotFound("run '" + run.id + "' not found");
  return Status::Ok();
}

Result<std::optional<SyncRun>> SqlStore::GetRun(const std::string& tenant, const std::string& run_id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("run id", run_id));
  return ReadOne<SyncRun>(exec(), "get run", q::kGetRun, Params().Text(tenant).Text(run_id), RunFromRow);
}

Result<std::vector<SyncRun>> SqlStore::ListRuns(const RunFilter& filter) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", filter.tenant_id));
  if (!filter.status.empty() && RunStatusName(ParseRunStatus(filter.status)) != filter.status) {
    return Status::Validation("unknown run status '" + filter.status +
                              "' (expected queued, running, succeeded, partial, failed or stopped)");
  }
  Params p;
  p.Text(filter.tenant_id).Text(filter.status).Int(filter.from_ms).Int(filter.to_ms).Limit(filter.limit);
  return ReadAll<SyncRun>(exec(), "list runs", q::kListRuns, p, RunFromRow);
}

// ---- record results --------------------------------------------------------

Status SqlStore::AddRecordResults(const std::vector<RecordResult>& results) {
  ES_RETURN_IF_ERROR(ValidateResults(results));
  if (results.empty()) return Status::Ok();
  return exec().Run(Call::kTransaction, "add record results",
                    [&](Session& s) { return InsertResults(s, results); });
}

Result<std::vector<RecordResult>> SqlStore::ListRecordResults(const std::string& tenant, const std::string& run_id,
                                                              int limit) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("run_id", run_id));
  return ReadAll<RecordResult>(exec(), "list record results", q::kListResults,
                               Params().Text(tenant).Text(run_id).Limit(limit), ResultFromRow);
}

// ---- failed queue ----------------------------------------------------------

Status SqlStore::PutFailed(const FailedRecord& f) {
  ES_RETURN_IF_ERROR(RequireRecordKey(f.tenant_id, f.target_connection, f.entity, f.source_id));
  // A transaction: a repeat after a lost COMMIT would count the retry twice.
  return Write(exec(), Call::kTransaction, "put failed record", q::kPutFailed, FailedParams(f)).status();
}

Status SqlStore::ClearFailed(const std::string& tenant, const std::string& target_connection,
                             const std::string& entity, const std::string& source_id) {
  ES_RETURN_IF_ERROR(RequireRecordKey(tenant, target_connection, entity, source_id));
  return Write(exec(), Call::kIdempotent, "clear failed record", q::kClearFailed,
               RecordKeyParams(tenant, target_connection, entity, source_id))
      .status();
}

Result<std::vector<FailedRecord>> SqlStore::ListFailed(const std::string& tenant, int limit) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return ReadAll<FailedRecord>(exec(), "list failed records", q::kListFailed, Params().Text(tenant).Limit(limit),
                               FailedFromRow);
}

// ---- page commit -------------------------------------------------------------

Status SqlStore::CommitPage(const PageWrites& page) {
  for (const IdMapping& m : page.mappings) {
    ES_RETURN_IF_ERROR(RequireRecordKey(m.tenant_id, m.target_connection, m.entity, m.source_id));
    ES_RETURN_IF_ERROR(RequireNonEmpty("target_id", m.target_id));
  }
  for (const RecordKey& k : page.cleared_intents)
    ES_RETURN_IF_ERROR(RequireRecordKey(k.tenant_id, k.target_connection, k.entity, k.source_id));
  for (const PageWrites::FailedChange& c : page.failed) {
    const FailedRecord& f = c.record;
    ES_RETURN_IF_ERROR(RequireRecordKey(f.tenant_id, f.target_connection, f.entity, f.source_id));
  }
  ES_RETURN_IF_ERROR(ValidateResults(page.results));
  if (page.cursor.has_value()) {
    ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", page.cursor->tenant_id));
    ES_RETURN_IF_ERROR(RequireNonEmpty("entity", page.cursor->entity));
  }
  if (page.empty()) return Status::Ok();
  // A transaction: retried only when nothing was committed (a failed entry's
  // retry count must not move twice).
  return exec().Run(Call::kTransaction, "commit page", [&](Session& s) -> Status {
    for (const IdMapping& m : page.mappings) ES_RETURN_IF_ERROR(s.Exec(q::kPutMapping, MappingParams(m)).status());
    for (const RecordKey& k : page.cleared_intents)
      ES_RETURN_IF_ERROR(
          s.Exec(q::kClearIntent, RecordKeyParams(k.tenant_id, k.target_connection, k.entity, k.source_id)).status());
    for (const PageWrites::FailedChange& c : page.failed) {
      const FailedRecord& f = c.record;
      if (c.clear) {
        ES_RETURN_IF_ERROR(
            s.Exec(q::kClearFailed, RecordKeyParams(f.tenant_id, f.target_connection, f.entity, f.source_id))
                .status());
      } else {
        ES_RETURN_IF_ERROR(s.Exec(q::kPutFailed, FailedParams(f)).status());
      }
    }
    if (!page.results.empty()) ES_RETURN_IF_ERROR(InsertResults(s, page.results));
    if (page.cursor.has_value()) {
      const PageWrites::Cursor& c = *page.cursor;
      Params p;
      p.Text(c.tenant_id).Text(c.source_connection).Text(c.target_connection).Text(c.entity).Text(c.value);
      ES_RETURN_IF_ERROR(s.Exec(q::kPutCursor, p).status());
    }
    return Status::Ok();
  });
}

}  // namespace es::store::sql
