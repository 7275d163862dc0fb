#include "engine/recorder.h"

#include <cstdio>

namespace es::engine {

void Recorder::Add(const std::string& entity, const std::string& source_id, const std::string& action,
                   const std::string& target_id, const std::string& message) {
  store::RecordResult r;
  r.run_id = ctx_.run_id;
  r.tenant_id = ctx_.tenant_id;
  r.entity = entity;
  r.source_id = source_id;
  r.action = action;
  r.target_id = target_id;
  r.message = message;
  r.at_ms = ctx_.clock->NowMillis();
  pending_.push_back(std::move(r));
  if (pending_.size() >= 200) (void)Flush();
}

void Recorder::Created(const std::string& entity, const std::string& source_id, const std::string& target_type,
                       const std::string& target_id, const std::string& note) {
  auto& c = ctx_.counts[entity];
  ++c.created;
  ++c.created_by_type[target_type];
  Add(entity, source_id, ctx_.dry_run ? "would_create" : "created", target_id, note);
  if (!ctx_.dry_run) ClearFailure(entity, source_id);
}

void Recorder::Updated(const std::string& entity, const std::string& source_id, const std::string& target_id,
                       const std::string& note) {
  ++ctx_.counts[entity].updated;
  Add(entity, source_id, ctx_.dry_run ? "would_update" : "updated", target_id, note);
  if (!ctx_.dry_run) ClearFailure(entity, source_id);
}

void Recorder::Skipped(const std::string& entity, const std::string& source_id, const std::string& why) {
  ++ctx_.counts[entity].skipped;
  Add(entity, source_id, "skipped", "", why);
}

void Recorder::Failed(const std::string& entity, const std::string& source_id, const Status& status) {
  ++ctx_.counts[entity].failed;
  Add(entity, source_id, "failed", "", status.ToString());
  if (ctx_.dry_run) return;
  store::FailedRecord f;
  f.tenant_id = ctx_.tenant_id;
  f.source_connection = ctx_.source_connection;
  f.target_connection = ctx_.target_connection;
  f.entity = entity;
  f.source_id = source_id;
  f.category = std::string(CategoryName(status.category()));
  f.code = status.code();
  f.message = status.message();
  f.first_failed_at_ms = f.last_attempt_at_ms = ctx_.clock->NowMillis();
  f.run_id = ctx_.run_id;
  Status s = ctx_.store->PutFailed(f);
  if (!s.ok()) fprintf(stderr, "warning: could not queue failed %s %s: %s\n", entity.c_str(), source_id.c_str(),
                       s.ToString().c_str());
}

void Recorder::ClearFailure(const std::string& entity, const std::string& source_id) {
  (void)ctx_.store->ClearFailed(ctx_.tenant_id, ctx_.target_connection, entity, source_id);
}

Status Recorder::Flush() {
  if (pending_.empty()) return Status::Ok();
  Status s = ctx_.store->AddRecordResults(pending_);
  pending_.clear();
  return s;
}

}  // namespace es::engine
