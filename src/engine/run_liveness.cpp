#include "engine/run_liveness.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace es::engine {

const std::string& ThisHost() {
  static const std::string host = [] {
    char buf[256] = {};
    if (gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0') return std::string("localhost");
    return std::string(buf);
  }();
  return host;
}

std::string LockOwnerFor(const std::string& run_id) {
  return run_id + "@" + ThisHost() + ":" + std::to_string(static_cast<long long>(getpid()));
}

LockOwner ParseLockOwner(const std::string& owner) {
  LockOwner o;
  o.run_id = owner;
  const size_t at = owner.rfind('@');
  const size_t colon = owner.rfind(':');
  if (at == std::string::npos || colon == std::string::npos || colon < at + 2 || colon + 1 >= owner.size())
    return o;
  const std::string pid = owner.substr(colon + 1);
  if (pid.find_first_not_of("0123456789") != std::string::npos || pid.size() > 10) return o;
  o.run_id = owner.substr(0, at);
  o.host = owner.substr(at + 1, colon - at - 1);
  o.pid = std::atoll(pid.c_str());
  return o;
}

std::string RunLockKey(const std::string& source_connection, const std::string& target_connection) {
  return source_connection + ">" + target_connection;
}

bool OwnerProcessGone(const LockOwner& o) {
  if (o.pid <= 0 || o.host != ThisHost()) return false;
  if (kill(static_cast<pid_t>(o.pid), 0) != 0) return errno == ESRCH;
  // A killed child its parent has not reaped yet still answers kill(); it is
  // gone all the same.
  std::ifstream stat("/proc/" + std::to_string(o.pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const size_t paren = line.rfind(')');
  if (paren == std::string::npos || paren + 2 >= line.size()) return false;
  const char state = line[paren + 2];
  return state == 'Z' || state == 'X';
}

namespace {

std::string Describe(const LockOwner& o) {
  return "process " + std::to_string(static_cast<long long>(o.pid)) + " on " + o.host;
}

}  // namespace

Result<RunLiveness> CheckRunLiveness(store::StateStore& store, const store::SyncRun& run, int64_t now_ms) {
  RunLiveness l;
  if (run.status != store::RunStatus::kRunning && run.status != store::RunStatus::kQueued) {
    l.why = "finished";
    return l;
  }
  auto holder = store.GetLock(run.tenant_id, RunLockKey(run.source_connection, run.target_connection));
  if (!holder.ok()) return holder.status();
  if (!holder->has_value()) {
    l.why = "its process ended without finishing it";
    return l;
  }
  LockOwner o = ParseLockOwner((*holder)->owner);
  if (o.run_id != run.id) {
    l.why = "its process ended without finishing it (run lock now held by " + o.run_id + ")";
    return l;
  }
  l.owner = o;
  l.lock_owner = (*holder)->owner;
  if ((*holder)->expires_at_ms <= now_ms) {
    l.why = "its run lock's lease expired" + (o.pid > 0 ? " (" + Describe(o) + ")" : std::string());
    return l;
  }
  if (OwnerProcessGone(o)) {
    l.why = Describe(o) + " is gone";
    return l;
  }
  l.alive = true;
  return l;
}

Result<bool> AbandonRun(store::StateStore& store, const store::SyncRun& run, const RunLiveness& liveness,
                        int64_t now_ms) {
  auto current = store.GetRun(run.tenant_id, run.id);
  if (!current.ok()) return current.status();
  bool changed = false;
  if (current->has_value() &&
      ((*current)->status == store::RunStatus::kRunning || (*current)->status == store::RunStatus::kQueued)) {
    store::SyncRun r = **current;
    r.status = store::RunStatus::kAbandoned;
    r.error = "abandoned: " + liveness.why;
    r.finished_at_ms = now_ms;
    ES_RETURN_IF_ERROR(store.UpdateRun(r));
    changed = true;
  }
  if (!liveness.lock_owner.empty())
    ES_RETURN_IF_ERROR(store.ReleaseLock(run.tenant_id, RunLockKey(run.source_connection, run.target_connection),
                                         liveness.lock_owner));
  return changed;
}

Result<std::vector<AbandonedRun>> AbandonDeadRuns(store::StateStore& store, const std::string& tenant,
                                                  int64_t now_ms) {
  store::RunFilter f;
  f.tenant_id = tenant;
  f.status = store::RunStatusName(store::RunStatus::kRunning);
  f.limit = 200;
  ES_ASSIGN_OR_RETURN(std::vector<store::SyncRun> runs, store.ListRuns(f));
  std::vector<AbandonedRun> out;
  for (const store::SyncRun& run : runs) {
    ES_ASSIGN_OR_RETURN(RunLiveness live, CheckRunLiveness(store, run, now_ms));
    if (live.alive) continue;
    ES_ASSIGN_OR_RETURN(bool changed, AbandonRun(store, run, live, now_ms));
    if (changed) out.push_back({run.id, live.why});
  }
  return out;
}

}  // namespace es::engine
