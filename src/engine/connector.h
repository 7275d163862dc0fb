// The engine's side of the connector boundary.
//
// A platform (src/connectors/<kind>/sync) registers a Platform in a Registry:
// its kind, which entities it reads as a source and writes as a target,
// factories for both roles, a connectivity probe and a schema check of its
// connection settings. The engine sees only these interfaces and never a
// platform's own headers; it owns the pipeline around them:
//
//   fetch (Source) → plan (Target::PlanPage) → apply (Target::Apply) → record → cursor
//
// The exactly-once contract between the two sides, enforced by the engine's
// SyncContext: a target calls Intend() before an external create, Done()
// once the record exists (which stores the id mapping and clears the intent)
// and only then does the engine move the source cursor past the record. A
// leftover intent (HadIntent) tells the target to look the record up before
// creating it again.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "engine/account_budget.h"
#include "engine/retry.h"
#include "engine/sync_types.h"
#include "http/transport.h"
#include "store/store.h"

namespace es::engine {

struct EngineOptions {
  RetryPolicy retry;
  // Where targets find the shared budget of the account they write to
  // (engine/account_budget.h). Null: the process-wide registry when the
  // clock is the system clock, else a budget of the run's own.
  AccountBudgets* budgets = nullptr;
  // Targets also reserve their budget from the state store, so that every
  // process on the store shares one budget per account. Only for a store
  // that outlives every run of the process (the CLI and the service).
  bool share_budgets_through_store = false;
  // The run lock's lease; a live run renews it every third of the lease (on
  // a thread of its own, whatever it waits for) and after every page, so a
  // run whose process died frees its connection pair after at most this long.
  int64_t lock_lease_ms = 5 * 60 * 1000;
  bool insecure_skip_tls_verify = false;
  // Incremental runs also re-read every record modified (or created) in this
  // window and compare it by content: sources that do not move their
  // modification time for some edits (WooCommerce line edits through its
  // REST API) are still caught. 0 turns the re-read off.
  int64_t recheck_window_ms = 3 * 24 * 3600 * 1000LL;
};

// Sandbox mode keeps its own sync state (engine/sandbox_mode.h): the key a
// connection's id map, write intents, cursors and two-way state are kept
// under — the connection id, or "<id>@sandbox" while the tenant is in
// sandbox mode. Connection ids cannot hold '@', so no real id is ever a
// sandbox key.
inline constexpr char kSandboxStateSuffix[] = "@sandbox";
inline std::string StateKey(const std::string& connection_id, bool sandbox) {
  return sandbox ? connection_id + kSandboxStateSuffix : connection_id;
}
// The connection id of a state key (the sandbox suffix removed).
inline std::string ConnectionOfStateKey(const std::string& key) {
  const std::string_view suffix = kSandboxStateSuffix;
  if (key.size() > suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0)
    return key.substr(0, key.size() - suffix.size());
  return key;
}

// Where a run is and what it may do. Filled by the engine.
struct RunInfo {
  std::string tenant_id;
  std::string source_connection;
  std::string target_connection;
  std::string source_kind;
  std::string target_kind;
  std::string run_id;
  bool dry_run = false;
  // Which lane of the target account's budget the run's requests use.
  Lane lane = Lane::kBackfill;
  // The tenant was in sandbox mode when the run opened its connections: its
  // state is kept apart from real mode's (StateKey).
  bool sandbox = false;
  // The keys of the run's id map, intents, cursors and two-way state.
  std::string SourceState() const { return StateKey(source_connection, sandbox); }
  std::string TargetState() const { return StateKey(target_connection, sandbox); }
};

// The engine's services to a target during one run. Not thread-safe: a run
// plans and applies on one thread.
class SyncContext {
 public:
  virtual ~SyncContext() = default;
  virtual const RunInfo& run() const = 0;
  virtual Clock& clock() = 0;

  // The id map of this (tenant, target connection).
  virtual Result<std::optional<store::IdMapping>> Mapping(const std::string& entity, const std::string& source_id) = 0;
  // Loads the mappings of several records of `entity` in one store query,
  // so that the Mapping() calls of a page that follow are answered from
  // memory. Optional: Mapping() works without it. Default: nothing.
  virtual Status PrefetchMappings(const std::string& entity, const std::vector<std::string>& source_ids) {
    (void)entity;
    (void)source_ids;
    return Status::Ok();
  }
  // Every mapping of `entity` whose target record is `target_id`'s owner; nullopt when none.
  virtual Result<std::optional<store::IdMapping>> MappingByTarget(const std::string& entity,
                                                                  const std::string& target_id) = 0;

  // An earlier run recorded an intent for this record and did not finish it.
  virtual bool HadIntent(const std::string& entity, const std::string& source_id) = 0;
  // Records the intent to create `op` (lookup_key: how to find it again).
  // A non-ok Status means the intent is not durable: do NOT write.
  virtual Status Intend(const PlanOp& op, const std::string& lookup_key) = 0;
  // Intend for several ops (op, lookup_key) at once, in one store
  // transaction: all durable, or a non-ok Status and none may be written.
  virtual Status IntendAll(const std::vector<std::pair<const PlanOp*, std::string>>& ops) {
    for (const auto& [op, key] : ops) ES_RETURN_IF_ERROR(Intend(*op, key));
    return Status::Ok();
  }
  // The op's record now exists in the target (created, updated, voided or
  // found): records the mapping (op.entity, op.source_id) → written, the
  // cleared intent and the result. The engine may keep them until the end
  // of the page and write them then in one transaction (before the cursor
  // moves); until then the intent stands, so a crash in between is
  // recovered by looking the record up. Non-ok when the mapping could not
  // be recorded (the op is then recorded as failed).
  virtual Status Done(const PlanOp& op, const Written& written) = 0;
  // The op failed; the record goes to the failed queue with the reason.
  virtual void Failed(const PlanOp& op, const Status& status) = 0;
  // The op turned out to need no write when applied (the target already
  // held exactly this content, or the record it belonged to was not
  // written): counted and recorded as skipped with op.reason.
  virtual void Skipped(const PlanOp& op) = 0;

  // Test hook: true when the run must stop here as if killed.
  virtual bool Crash(const char* point) = 0;
  // A stop was requested (or the crash hook fired): finish the op in hand, then return.
  virtual bool Stopping() const = 0;
};

// A platform as a source of records.
class Source {
 public:
  virtual ~Source() = default;
  // One page of `request.entity`. Decode failures are returned per record;
  // a non-ok Status means the source cannot be read (after retries).
  virtual Result<SourcePage> Fetch(const FetchRequest& request) = 0;
  // Whether Fetch honours modified_after for `entity`.
  virtual bool SupportsModifiedAfter(const std::string& entity) const = 0;
  virtual int64_t requests() const = 0;
};

// Result of comparing one source record with what the target holds.
struct Check {
  std::string source_id;
  std::string state;     // "matched", "missing", "extra", "voided", "stale", "differs", "unreadable"
  std::string expected;  // source amount (net of refunds), decimal text
  std::string actual;    // target amount (net of credits), decimal text
  std::string target_id;
  std::string detail;
};

// What a target holds now for a record, for two-way sync (engine/two_way.h).
struct TargetCurrent {
  std::string target_id;
  Json value;               // TwoWayValue of what the target holds (null = unknown)
  int64_t modified_ms = 0;  // the target's modification time of it
  std::string version;      // its version token (QBO SyncToken, Woo date_modified)
};

// A platform as a target of records.
class Target {
 public:
  virtual ~Target() = default;
  // Called once per run before the first page (not in dry runs): schema
  // migrations, lookups every page needs. Non-ok stops the run as a failure
  // of the target's connection ("connection 'wh': …", category kept).
  virtual Status Prepare(SyncContext& ctx) { (void)ctx; return Status::Ok(); }
  // Plans a page of `entity` records: every record gets at least one op
  // (kSkip with its reason when nothing is to be done), in apply order.
  // Reads the id map through ctx; writes nothing anywhere.
  virtual Result<Plan> PlanPage(const std::string& entity, const std::vector<SourceRecord>& records,
                                SyncContext& ctx) = 0;
  // Applies a plan from PlanPage (never in dry runs), reporting every
  // non-skip op through ctx.Done / ctx.Failed (or ctx.Skipped when it
  // needed no write after all). Non-ok only when the target itself cannot
  // be used any more (the run stops).
  virtual Status Apply(Plan& plan, SyncContext& ctx) = 0;
  // Compares records with what the target holds (reconcile). Read-only.
  virtual Result<std::vector<Check>> Verify(const std::string& entity, const std::vector<SourceRecord>& records,
                                            SyncContext& ctx) {
    (void)records;
    (void)ctx;
    return Status::Validation("this target cannot reconcile '" + entity + "'");
  }
  // Two-way sync: what the target holds now for each record, by source id
  // (absent: not found, or the target cannot say). Read-only; may read the
  // target. Default: nothing known (only the source side is then checked).
  virtual Result<std::map<std::string, TargetCurrent>> Current(const std::string& entity,
                                                               const std::vector<SourceRecord>& records,
                                                               SyncContext& ctx) {
    (void)entity;
    (void)records;
    (void)ctx;
    return std::map<std::string, TargetCurrent>();
  }
  // Called once at the end of a run that Prepare()d, with how it ended.
  virtual void Finish(SyncContext& ctx, const Status& outcome) {
    (void)ctx;
    (void)outcome;
  }
  virtual int64_t requests() const = 0;
  virtual int64_t rate_limited() const { return 0; }
};

// What a platform's factories get to build a client for one connection.
struct ConnectorEnv {
  store::StateStore& store;
  const std::string& tenant;
  http::Transport& transport;
  Clock& clock;
  const EngineOptions& options;
};

// ---- Webhooks --------------------------------------------------------------

// A request's header by name (case-insensitive; "" when absent).
using HeaderLookup = std::function<std::string(std::string_view name)>;

// One change a verified delivery announces, as the webhook queue keeps it.
struct WebhookChange {
  std::string dedupe_key;  // the same for a replay of this delivery, different for any other
  std::string topic;       // "order.updated", "Invoice.Update"
  std::string entity;      // store entity to re-sync ("order", "item", "customer"); "" = starts no sync
  std::string record_id;   // the platform's id of the changed record
  Json detail;             // platform facts for the delivery log (never secrets or bodies)
};

struct WebhookReceipt {
  std::vector<WebhookChange> changes;
  std::vector<std::string> rejected;  // parts of the delivery that could not be read (with the reason)
  std::string delivery_id;            // the platform's delivery id, echoed in the answer ("" when none)
};

// How a platform's signed webhooks are received. The server looks the
// connection up, then always verifies (against a key nobody has when the
// connection has no secret, so every refusal takes as long), and only then
// parses.
struct WebhookHandler {
  std::string secret_key;  // the credential holding the signing secret ("webhook_secret")
  // Deliveries answered before any lookup, unsigned (WooCommerce's creation ping).
  std::function<bool(const HeaderLookup& header, std::string_view body)> is_ping;
  // Constant-time signature check of the raw body.
  std::function<Status(const HeaderLookup& header, std::string_view body, const std::string& secret)> verify;
  // The changes of a verified delivery for `connection` (changes of other
  // accounts than the connection's are left out).
  std::function<Result<WebhookReceipt>(const HeaderLookup& header, std::string_view body,
                                       const store::Connection& connection)>
      parse;
};

struct Platform {
  std::string kind;   // "woo": the connection kind
  std::string title;  // "WooCommerce"
  std::vector<std::string> reads;   // store entities it can deliver as a source
  std::vector<std::string> writes;  // store entities it can accept as a target
  std::function<Result<std::unique_ptr<Source>>(const ConnectorEnv&, const store::Connection&)> make_source;
  // `target_config`: the stored per-connection target settings (JSON object; {} when none).
  std::function<Result<std::unique_ptr<Target>>(const ConnectorEnv&, const store::Connection&,
                                                const Json& target_config)>
      make_target;
  // A real authenticated call; Ok when the connection works.
  std::function<Status(const ConnectorEnv&, const store::Connection&)> probe;
  // Checks stored settings and credentials (secret: the decrypted JSON
  // object) without a network call; errors name the key.
  std::function<Status(const Json& config, const Json& secret)> validate;
  // Checks record ids given for a run (`sync --ids`) against the ids this
  // platform can have as a source; Validation naming the first bad one.
  // Optional: no check when empty.
  std::function<Status(const std::vector<std::string>& ids)> validate_ids;
  // Signed webhooks (POST /webhooks/<kind>/<tenant>/<connection>); no verify = none.
  WebhookHandler webhooks;
};

// A connection's credentials as a JSON object ({} when none); errors name
// the connection only, never a value.
Result<Json> ConnectionSecret(const store::Connection& c);

// Settings check helper for Platform::validate: Validation naming the first
// key of `obj` that is not in `known` (and listing the known ones), or that
// `obj` is not an object. `what` names the object ("config", "secret").
Status CheckSettingsKeys(const Json& obj, const std::set<std::string>& known, const char* what);
// Validation for a stored connection whose `where` ("config", "credentials")
// lacks `field`.
Status MissingSetting(const store::Connection& c, const std::string& field, const char* where);

// Route (source kind, target kind, entity) → its rank in dependency order.
struct RouteKey {
  std::string source;  // "woo"
  std::string target;  // "qbo"
  std::string entity;  // route name: "customers", "products", "orders", "refunds"
  auto operator<=>(const RouteKey&) const = default;
};

// Platforms and routes. Filled once at start-up (src/platforms), then read-only.
class Registry {
 public:
  Status Register(Platform platform);
  // A route pairs a source and a target platform for one entity; `rank`
  // orders a pair's entities (dependencies first).
  Status AddRoute(RouteKey key, int rank);

  const Platform* Find(const std::string& kind) const;
  std::vector<std::string> Kinds() const;
  // Route names of a (source, target) pair in dependency order.
  std::vector<std::string> Entities(const std::string& source, const std::string& target) const;
  bool HasRoute(const RouteKey& key) const;
  // The route name of a pair's entity given by route or store name
  // ("orders" or "order" → "orders"); "" when the pair has no such route.
  std::string RouteFor(const std::string& source, const std::string& target, const std::string& entity) const;
  // Validation naming the route and what the pair supports when missing.
  Status CheckRoute(const RouteKey& key) const;
  // True when the opposite route (target → source, same entity) was
  // registered before this one: this route is the way back of a flow, which
  // runs only where a tenant's sync policy allows it (engine/two_way.h).
  bool IsReverse(const RouteKey& key) const;
  // True when the opposite route exists at all.
  bool HasReverse(const RouteKey& key) const { return HasRoute({key.target, key.source, key.entity}); }

 private:
  std::vector<Platform> platforms_;
  std::map<RouteKey, int> routes_;
  std::map<RouteKey, int> added_;  // registration order
};

}  // namespace es::engine
