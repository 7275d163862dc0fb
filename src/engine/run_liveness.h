// Run liveness: whether a run the store calls "running" still has a process
// behind it, and marking the ones that do not as abandoned.
//
// The engine takes a run's lock under the owner "<run id>@<host>:<pid>"
// (LockOwnerFor), so anyone reading the lock can tell which process holds
// it. A running run is dead when:
//   - its lock is gone or held by someone else (the process ended, or the
//     lease expired and another run took the lock over),
//   - its lease expired,
//   - or its process is on this host and no longer exists.
// A run held by a live process on another host (or by an owner not in that
// form) is alive until its lease expires. A process id reused by an
// unrelated process makes a dead run look alive until its lease expires.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace es::engine {

struct LockOwner {
  std::string run_id;  // the whole owner string when it is not in the engine's form
  std::string host;    // empty when unknown
  int64_t pid = 0;     // 0 when unknown
};

// The host name of this machine ("localhost" when it cannot be read).
const std::string& ThisHost();
// "<run_id>@<this host>:<this pid>".
std::string LockOwnerFor(const std::string& run_id);
LockOwner ParseLockOwner(const std::string& owner);
// The lock key of a run: "<source connection>><target connection>".
std::string RunLockKey(const std::string& source_connection, const std::string& target_connection);

// True when `o` names a process on this host that no longer exists.
bool OwnerProcessGone(const LockOwner& o);

struct RunLiveness {
  bool alive = false;
  std::string why;               // dead: what shows it ("process 123 on h is gone", …)
  LockOwner owner;               // alive, or dead while still holding its lock: its process
  std::string lock_owner;        // the lock's owner string when this run still holds it
};

// Liveness of a run the store lists as running (or queued). Other runs are
// reported not alive with why = "finished".
Result<RunLiveness> CheckRunLiveness(store::StateStore& store, const store::SyncRun& run, int64_t now_ms);

// Marks a dead run abandoned (error = `why`, finished now) when the store
// still lists it as running or queued, and releases its lock if it still
// holds it. Returns whether this call changed the run.
Result<bool> AbandonRun(store::StateStore& store, const store::SyncRun& run, const RunLiveness& liveness,
                        int64_t now_ms);

// A run AbandonDeadRuns marked abandoned, and what showed it dead.
struct AbandonedRun {
  std::string run_id;
  std::string why;
};

// Checks every run of `tenant` the store lists as running (the newest 200)
// and marks the dead ones abandoned (AbandonRun), so that no reader shows a
// run of a killed process as running. Live runs are left alone.
Result<std::vector<AbandonedRun>> AbandonDeadRuns(store::StateStore& store, const std::string& tenant,
                                                  int64_t now_ms);

}  // namespace es::engine
