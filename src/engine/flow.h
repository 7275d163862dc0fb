// Flow: the work of one route (source, target, entity) within a sync run.
//
// A flow fetches pages from the source, transforms, resolves dependencies
// (customer and items before the document), writes, records the id mapping
// and only then advances the cursor. Its state lives in FlowContext and in
// the store, never in hidden members, so a run interrupted anywhere can be
// re-run. Flows report per-record outcomes through the context; a record
// that fails goes to the failed queue and never stops the run. A flow
// returns a non-ok Status only when the run itself cannot go on (source
// unreachable after retries, stop requested, store failure).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "mapping/transformer_config.h"
#include "store/store.h"

namespace es::woo {
class Client;
}
namespace es::supabase {
class WarehouseWriter;
}

namespace es::engine {

class QboGateway;

// The concrete connectors a run talks to; a flow uses the ones its route names.
struct Endpoints {
  woo::Client* woo = nullptr;
  QboGateway* qbo = nullptr;
  supabase::WarehouseWriter* warehouse = nullptr;  // supabase connections
};

struct EntityCounts {
  int64_t fetched = 0;
  int64_t created = 0;
  int64_t updated = 0;
  int64_t skipped = 0;
  int64_t failed = 0;
  // Created counts per target type ("Customer", "Item", "Invoice", …).
  std::map<std::string, int64_t> created_by_type;
};

struct Progress {
  std::string entity;
  int64_t done = 0;
  int64_t total = 0;  // 0 when unknown
};

// Test hook: asked at named points ("after_intent", "after_write",
// "after_mapping"); returning true makes the flow stop as if the process had
// been killed there (nothing after that point is recorded).
using CrashHook = std::function<bool(const std::string& point)>;

struct FlowContext {
  std::string tenant_id;
  std::string source_connection;
  std::string target_connection;
  std::string run_id;
  std::string mode = "full";  // "full" | "incremental"
  bool dry_run = false;
  std::vector<std::string> only_ids;  // sync only these source ids (empty = all)
  mapping::TransformerConfig config;
  store::StateStore* store = nullptr;
  Endpoints endpoints;
  Clock* clock = nullptr;
  const std::atomic<bool>* stop_requested = nullptr;
  std::function<void(const Progress&)> on_progress;
  CrashHook crash_hook;

  std::map<std::string, EntityCounts> counts;  // by entity
  std::vector<Json> dry_run_previews;          // would-be writes (dry run)

  bool crashed = false;  // set once the crash hook fired

  bool Stopping() const { return crashed || (stop_requested && stop_requested->load()); }
  bool Crash(const std::string& point) {
    if (!crashed && crash_hook && crash_hook(point)) crashed = true;
    return crashed;
  }
};

class Flow {
 public:
  virtual ~Flow() = default;
  virtual Status Run(FlowContext& ctx) = 0;
};

}  // namespace es::engine
