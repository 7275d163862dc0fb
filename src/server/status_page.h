// A minimal read-only status page for one tenant: recent runs with their
// counts per entity, what the target's filters left out, and the
// failed-record queue grouped by cause. Served by `demo` on loopback; the
// `status` command prints the same data as text.
// Thread-safe: each request reads the store.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "store/store.h"

namespace es::server {

// JSON: {"tenant", "sandbox" (the tenant's sandbox mode), "runs":[…], "failed":[… the first 100],
// "failed_total", "failed_groups":[…]}. Each run: id, status, mode, dry_run,
// source, target, started_at / finished_at (ISO-8601 UTC) and their
// *_ms, duration_ms (0 while running), fetched, created, updated, skipped,
// failed, writes (created + linked + updated + voided + deleted: in a dry run
// what would be written), not_synced (records a filter left out, a part of
// skipped), not_synced_notes (one sentence per entity), counts (per entity,
// as the run recorded them) and error.
Json StatusJson(store::StateStore& store, const std::string& tenant);
// The same as an HTML page (all text escaped). `extra`: a summary shown
// first, key → value; a value that is an object (or a string holding a JSON
// object) is shown as a table of its own.
std::string StatusHtml(store::StateStore& store, const std::string& tenant, const Json& extra = Json::object());
// The page of a StatusJson object.
std::string RenderStatusHtml(const Json& status, const Json& extra = Json::object());

// ---- helpers on a run's per-entity counts (SyncRun::counts) -------------

// Writes the counts hold: created + linked + updated + voided + deleted.
int64_t CountedWrites(const Json& counts);
// Records left out by a filter, over all entities.
int64_t NotSynced(const Json& counts);
// One sentence per entity a filter left records of out, e.g. "82 orders not
// synced: status pending 40, cancelled 30, failed 12".
std::vector<std::string> NotSyncedNotes(const Json& counts);
// "customer" → "customers".
std::string PluralOf(const std::string& entity);
// Entities in the order a run syncs them: customer, item, order, refund,
// payment, then the rest alphabetically.
std::vector<std::string> EntityOrder(const Json& counts);

// Failed records grouped by identical cause (entity, category, code and
// message with the record's own id masked), largest group first:
// [{"count", "entity", "category", "code", "message", "examples":[ids…]}].
Json GroupFailures(const std::vector<store::FailedRecord>& failed, size_t max_examples = 5);

class StatusServer {
 public:
  StatusServer(store::StateStore& store, std::string tenant, Json extra = Json::object());
  ~StatusServer();
  // Binds host:port (0 = any free port) and serves in the background.
  Status Start(int port, const std::string& host = "127.0.0.1");
  void Stop();
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string HtmlEscape(const std::string& s);

}  // namespace es::server
