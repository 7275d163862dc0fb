// WarehouseTarget: the Supabase / PostgreSQL warehouse as the engine's target
// (engine/connector.h, SPEC F4). Every record goes into its warehouse table
// with its raw source JSON (supabase/warehouse.h, docs/formats/warehouse.md).
//
// Planning (warehouse_plan.cpp) turns a page into rows, one op per row:
//   customer  a customers row, plus an id_mappings row per QBO connection of
//             the tenant whose id map holds the customer;
//   item      a products row (products and variations), plus id_mappings rows;
//   order     its order_lines rows, the orders row, a payments row when paid
//             and, per QBO connection mapping the order, an invoices and an
//             id_mappings row;
//   refund    a refunds row.
// A record whose rows cannot be built (a decode gap, 3-decimal money) is a
// kFail op of its own; nothing of it is written. Dependent rows (lines,
// payments, invoices, id mappings) are ops of their own entity ("order_line",
// "payment", "invoice", "id_mapping") whose record_id is their record, so a
// failure queues the record and its retry rewrites them. The QBO id maps
// are read from the state store given at construction (the tenant's other
// connections), only for mappings made from the run's source connection.
// Dry runs predict each op from this connection's id map: no mapping →
// create, another content hash → update, the same → skip ("unchanged").
// Real runs plan every row as an upsert and let the warehouse's content hash
// decide, so a warehouse that lost rows is filled again by the next run.
//
// Applying (warehouse_apply.cpp) upserts a page table by table: order lines
// first (an order whose line is refused fails as a whole, so a stored order
// always has all its lines), then the page's records, then the lines that
// disappeared from stored orders are deleted, then payments, invoices and
// id mappings of stored records (those of records not stored are skipped).
// Each row's outcome is reported: inserted → Done as created, updated →
// Done as updated, unchanged → Skipped, refused → Failed with the
// database's reason. Done stores (entity, source id) → (table, row key,
// content hash) in this connection's id map. Upserts are idempotent, so no
// write intent is needed. A non-ok Status (authentication, a missing table,
// the server unreachable after retries) stops the run.
//
// Prepare() applies migrations (or, read_only, checks the schema); Finish()
// writes one sync_logs row per entity the run reached, with the counts the
// engine recorded for it in the run (read back from the state store, so
// source decode failures are in them too).
//
// Not thread-safe: one run at a time.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "connectors/supabase/rows.h"
#include "connectors/supabase/warehouse.h"
#include "engine/connector.h"

namespace es::supabase {

// Where a row goes in the order of a page's writes.
enum class Step { kBefore = 0, kRecord, kAfter };

// The warehouse half of a PlanOp (same index in Plan::ops).
struct RowOp {
  std::optional<Row> row;  // nullopt for kSkip / kFail ops
  Step step = Step::kRecord;
  int owner = -1;          // dependent rows: the index of their record's op
};

struct RowPlan {
  std::string entity;  // the page's entity
  std::string source;  // the warehouse's source label of the run
  std::vector<RowOp> rows;
};

class WarehouseTarget final : public engine::Target {
 public:
  // `store` and `tenant`: where the tenant's QBO id maps are read.
  WarehouseTarget(std::unique_ptr<WarehouseWriter> writer, store::StateStore& store, std::string tenant, Clock& clock);
  ~WarehouseTarget() override;

  Status Prepare(engine::SyncContext& ctx) override;
  Result<engine::Plan> PlanPage(const std::string& entity, const std::vector<engine::SourceRecord>& records,
                                engine::SyncContext& ctx) override;
  Status Apply(engine::Plan& plan, engine::SyncContext& ctx) override;
  void Finish(engine::SyncContext& ctx, const Status& outcome) override;
  int64_t requests() const override { return calls_; }

  // Column values of a row without its raw JSON, for previews and payloads.
  static Json RowPayload(const Row& row);

 private:
  friend class RowPlanner;
  friend class RowApplier;

  // The tenant's QBO connections (read once per run; best effort).
  const std::vector<std::string>& QboConnections();
  // Notes that `entity` was worked on now (the sync_logs times).
  void Touch(const std::string& entity);

  std::unique_ptr<WarehouseWriter> writer_;
  store::StateStore& store_;
  const std::string tenant_;
  Clock& clock_;
  int64_t calls_ = 0;
  std::optional<std::vector<std::string>> qbo_connections_;
  std::map<std::string, std::pair<int64_t, int64_t>> worked_;  // entity → (first, last) time worked on
};

}  // namespace es::supabase
