#include "engine/run_context.h"

#include <cstdio>

namespace es::engine {

RunContext::RunContext(RunInfo info, store::StateStore& store, Clock& clock, const std::atomic<bool>* stop,
                       CrashHook hook)
    : info_(std::move(info)), store_(store), clock_(clock), stop_(stop), hook_(std::move(hook)),
      page_started_(std::chrono::steady_clock::now()) {
  renewed_at_ms_ = clock_.NowMillis();
}

RunContext::~RunContext() { (void)Flush(); }

namespace {

std::string KnownKey(const std::string& entity, const std::string& source_id) {
  std::string k;
  k.reserve(entity.size() + source_id.size() + 1);
  k.append(entity).push_back('\x1f');
  k.append(source_id);
  return k;
}

}  // namespace

Result<std::optional<store::IdMapping>> RunContext::Mapping(const std::string& entity, const std::string& source_id) {
  auto it = known_.find(KnownKey(entity, source_id));
  if (it != known_.end()) return it->second;
  return store_.GetMapping(info_.tenant_id, info_.TargetState(), entity, source_id);
}

Status RunContext::PrefetchMappings(const std::string& entity, const std::vector<std::string>& source_ids) {
  std::vector<std::string> wanted;
  for (const std::string& id : source_ids)
    if (!id.empty() && !known_.count(KnownKey(entity, id))) wanted.push_back(id);
  if (wanted.empty()) return Status::Ok();
  auto found = store_.GetMappings(info_.tenant_id, info_.TargetState(), entity, wanted);
  if (!found.ok()) return found.status();
  for (const std::string& id : wanted) known_.emplace(KnownKey(entity, id), std::nullopt);
  for (store::IdMapping& m : *found) known_[KnownKey(entity, m.source_id)] = std::move(m);
  return Status::Ok();
}

Result<std::optional<store::IdMapping>> RunContext::MappingByTarget(const std::string& entity,
                                                                    const std::string& target_id) {
  return store_.FindMappingByTarget(info_.tenant_id, info_.TargetState(), entity, target_id);
}

bool RunContext::HadIntent(const std::string& entity, const std::string& source_id) {
  if (!intents_.has_value()) {
    auto all = store_.ListIntents(info_.tenant_id, info_.TargetState());
    // When the store cannot say, assume an intent: a lookup costs a read, a
    // wrong "no" could cost a duplicate.
    if (!all.ok()) return true;
    intents_.emplace();
    for (const store::WriteIntent& w : *all) intents_->insert(KnownKey(w.entity, w.source_id));
  }
  return intents_->count(KnownKey(entity, source_id)) > 0;
}

store::WriteIntent RunContext::MakeIntent(const PlanOp& op, const std::string& lookup_key) const {
  store::WriteIntent intent;
  intent.tenant_id = info_.tenant_id;
  intent.target_connection = info_.TargetState();
  intent.entity = op.entity;
  intent.source_id = op.source_id;
  intent.lookup_key = lookup_key;
  intent.created_at_ms = clock_.NowMillis();
  return intent;
}

Status RunContext::Intend(const PlanOp& op, const std::string& lookup_key) {
  Status s = store_.PutIntent(MakeIntent(op, lookup_key));
  if (!s.ok()) return s.WithContext("recording the write intent of " + op.entity + " " + op.source_id);
  if (intents_.has_value()) intents_->insert(KnownKey(op.entity, op.source_id));
  return s;
}

Status RunContext::IntendAll(const std::vector<std::pair<const PlanOp*, std::string>>& ops) {
  std::vector<store::WriteIntent> intents;
  intents.reserve(ops.size());
  for (const auto& [op, key] : ops) intents.push_back(MakeIntent(*op, key));
  Status s = store_.PutIntents(intents);
  if (!s.ok()) return s.WithContext("recording the write intents of " + std::to_string(ops.size()) + " records");
  if (intents_.has_value())
    for (const auto& [op, key] : ops) intents_->insert(KnownKey(op->entity, op->source_id));
  return s;
}

Status RunContext::Done(const PlanOp& op, const Written& written) {
  store::IdMapping m;
  m.tenant_id = info_.tenant_id;
  m.source_connection = info_.source_connection;
  m.target_connection = info_.TargetState();
  m.entity = op.entity;
  m.source_id = op.source_id;
  m.target_id = written.target_id;
  m.target_type = written.target_type;
  m.sync_token = written.version;
  m.fingerprint = written.fingerprint;
  m.updated_at_ms = clock_.NowMillis();
  // The checks the store makes, here, so that one bad op cannot fail the page's commit.
  if (m.target_id.empty() || m.entity.empty() || m.source_id.empty()) {
    Status failed = Status::Validation("recording the mapping of " + op.entity + " " + op.source_id +
                                       ": " + (m.target_id.empty() ? "the target returned no id" : "no record key"));
    Failed(op, failed);
    return failed;
  }
  known_[KnownKey(op.entity, op.source_id)] = m;
  pending_.mappings.push_back(std::move(m));
  if (Crash("after_mapping")) return Status::Internal("simulated crash");
  pending_.cleared_intents.push_back({info_.tenant_id, info_.TargetState(), op.entity, op.source_id});
  if (!op.counted) return Status::Ok();
  EntityCounts& c = counts_[op.entity];
  std::string action;
  switch (op.kind) {
    case OpKind::kUpdate:
      ++c.updated;
      action = "updated";
      break;
    case OpKind::kVoid:
      ++c.voided;
      action = "voided";
      break;
    case OpKind::kDelete:
      ++c.deleted;
      action = "deleted";
      break;
    default:
      if (written.linked) {
        ++c.linked;
        action = "linked";
      } else {
        ++c.created;
        ++c.created_by_type[written.target_type];
        action = "created";
      }
  }
  std::string note = op.reason;
  if (written.linked) note = "found in the target and linked" + (note.empty() ? "" : "; " + note);
  Add(op.entity, op.source_id, action, written.target_id, note);
  if (!op.record_id.empty() && failed_this_run_.count(QueueEntity(op) + "/" + QueueId(op)) == 0) {
    store::FailedRecord cleared;
    cleared.tenant_id = info_.tenant_id;
    cleared.target_connection = info_.target_connection;
    cleared.entity = QueueEntity(op);
    cleared.source_id = QueueId(op);
    pending_.failed.push_back({true, std::move(cleared)});
  }
  return Status::Ok();
}

void RunContext::Failed(const PlanOp& op, const Status& status) {
  if (ScopeOf(status) == FailureScope::kPlatform) {
    PlatformFailed(info_.target_connection, status);
    return;
  }
  ++counts_[op.entity].failed;
  Add(op.entity, op.source_id, "failed", op.target_id, status.ToString());
  if (info_.dry_run || op.record_id.empty()) return;
  failed_this_run_.insert(QueueEntity(op) + "/" + QueueId(op));
  store::FailedRecord f;
  f.tenant_id = info_.tenant_id;
  f.source_connection = info_.source_connection;
  f.target_connection = info_.target_connection;
  f.entity = QueueEntity(op);
  f.source_id = QueueId(op);
  f.category = std::string(CategoryName(status.category()));
  f.code = status.code();
  f.message = op.entity == f.entity ? status.message() : op.entity + " " + op.source_id + ": " + status.message();
  f.first_failed_at_ms = f.last_attempt_at_ms = clock_.NowMillis();
  f.run_id = info_.run_id;
  pending_.failed.push_back({false, std::move(f)});
}

bool RunContext::Crash(const char* point) {
  if (!crashed_ && hook_ && hook_(point)) crashed_ = true;
  return crashed_;
}

void RunContext::PlatformFailed(const std::string& connection, const Status& status) {
  if (!platform_failure_.ok() || status.ok()) return;
  platform_failure_ = status.WithContext("connection '" + connection + "'");
}

bool RunContext::Stopping() const {
  return crashed_ || !platform_failure_.ok() || (stop_ != nullptr && stop_->load());
}

void RunContext::BeginPage(const std::string& entity) {
  known_.clear();
  intents_.reset();
  page_entity_ = entity;
  page_started_ = std::chrono::steady_clock::now();
}

void RunContext::SourceFailed(const SourceFailure& f) {
  PlanOp op;
  op.kind = OpKind::kFail;
  op.entity = page_entity_;
  op.source_id = f.source_id.empty() ? "(unknown)" : f.source_id;
  op.record_id = op.source_id;
  Failed(op, Status::Validation(f.reason, "decode"));
}

void RunContext::Skipped(const PlanOp& op) {
  EntityCounts& c = counts_[op.entity];
  ++c.skipped;
  if (!op.filter.empty()) ++c.filtered[op.filter];
  Add(op.entity, op.source_id, "skipped", op.target_id, op.reason);
}

void RunContext::Planned(const PlanOp& op) {
  EntityCounts& c = counts_[op.entity];
  std::string action;
  switch (op.kind) {
    case OpKind::kUpdate: ++c.updated; action = "would_update"; break;
    case OpKind::kVoid: ++c.voided; action = "would_void"; break;
    case OpKind::kDelete: ++c.deleted; action = "would_delete"; break;
    default:
      ++c.created;
      ++c.created_by_type[op.target_type];
      action = "would_create";
  }
  if (op.counted) Add(op.entity, op.source_id, action, op.target_id, op.reason);
  if (previews_.size() >= kMaxPreviews) {
    ++previews_dropped_;
    return;
  }
  Json p = {{"operation", OpKindName(op.kind)}, {"entity", op.entity},   {"source_id", op.source_id},
            {"target_type", op.target_type},   {"reason", op.reason},   {"payload", op.payload}};
  if (!op.target_id.empty()) p["target_id"] = op.target_id;
  previews_.push_back(std::move(p));
}

void RunContext::Add(const std::string& entity, const std::string& source_id, const std::string& action,
                     const std::string& target_id, const std::string& message) {
  if (!record_results_) return;
  store::RecordResult r;
  r.run_id = info_.run_id;
  r.tenant_id = info_.tenant_id;
  r.entity = entity;
  r.source_id = source_id;
  r.action = action;
  r.target_id = target_id;
  r.message = message;
  r.at_ms = clock_.NowMillis();
  // Time since the page's fetch finished: what this record waited for and cost.
  r.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                        page_started_)
                      .count();
  pending_.results.push_back(std::move(r));
  if (pending_.results.size() >= 200) (void)Flush();
  // A failure here shows again at the page's own renewal, which stops the run.
  if (lease_ms_ > 0 && clock_.NowMillis() - renewed_at_ms_ >= lease_ms_ / 2) (void)RenewLock();
}

Status RunContext::RenewLock() {
  if (!renew_) return Status::Ok();
  renewed_at_ms_ = clock_.NowMillis();
  return renew_();
}

std::string RunContext::QueueEntity(const PlanOp& op) const {
  return page_entity_.empty() ? op.entity : page_entity_;
}

const std::string& RunContext::QueueId(const PlanOp& op) const {
  return op.record_id.empty() ? op.source_id : op.record_id;
}

Status RunContext::Flush() {
  if (pending_.empty()) return Status::Ok();
  Status s = store_.CommitPage(pending_);
  pending_ = store::PageWrites();
  if (!s.ok()) fprintf(stderr, "warning: could not record a page of results: %s\n", s.ToString().c_str());
  return s;
}

}  // namespace es::engine
