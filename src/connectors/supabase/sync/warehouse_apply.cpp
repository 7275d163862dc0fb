// WarehouseTarget applying: a page's rows upserted table by table, each
// row's outcome reported to the engine.
#include <algorithm>
#include <map>

#include "connectors/supabase/sync/warehouse_target.h"

namespace es::supabase {

using engine::OpKind;
using engine::PlanOp;

class RowApplier {
 public:
  RowApplier(WarehouseTarget& t, engine::Plan& plan, RowPlan& st, engine::SyncContext& ctx)
      : t_(t), plan_(plan), st_(st), ctx_(ctx), stored_(plan.ops.size(), false), blocked_(plan.ops.size()) {}

  Status Run() {
    // Lines before their orders, so that a stored order has all its lines.
    ES_RETURN_IF_ERROR(WriteStep(Step::kBefore));
    if (crashed_) return Status::Ok();
    ES_RETURN_IF_ERROR(WriteStep(Step::kRecord));
    if (crashed_) return Status::Ok();
    if (st_.entity == "order") ES_RETURN_IF_ERROR(DeleteStaleLines());
    return WriteStep(Step::kAfter);
  }

 private:
  bool Writable(size_t i) const {
    const OpKind k = plan_.ops[i].kind;
    return st_.rows[i].row.has_value() && k != OpKind::kSkip && k != OpKind::kFail;
  }

  // Upserts the rows of `step`, one batch per table (in the order the
  // tables first appear), and reports every row.
  Status WriteStep(Step step) {
    std::vector<Table> tables;
    std::map<Table, std::vector<size_t>> by_table;
    for (size_t i = 0; i < plan_.ops.size(); ++i) {
      if (st_.rows[i].step != step || !Writable(i)) continue;
      if (!blocked_[i].ok()) {
        ctx_.Failed(plan_.ops[i], blocked_[i]);
        continue;
      }
      const int owner = st_.rows[i].owner;
      if (step == Step::kAfter && owner >= 0 && !stored_[static_cast<size_t>(owner)]) {
        PlanOp op = plan_.ops[i];
        op.kind = OpKind::kSkip;
        op.reason = st_.entity + " " + op.record_id + " was not written";
        ctx_.Skipped(op);
        continue;
      }
      const Table table = st_.rows[i].row->table;
      if (!by_table.count(table)) tables.push_back(table);
      by_table[table].push_back(i);
    }
    for (Table table : tables) {
      const std::vector<size_t>& idx = by_table[table];
      std::vector<Row> rows;
      rows.reserve(idx.size());
      for (size_t i : idx) rows.push_back(*st_.rows[i].row);
      ++t_.calls_;
      auto res = t_.writer_->Upsert(table, rows);
      if (!res.ok()) return res.status().WithContext("writing " + TableName(table));
      if (ctx_.Crash("after_write")) {
        crashed_ = true;
        return Status::Ok();
      }
      for (size_t k = 0; k < idx.size(); ++k) Report(idx[k], rows[k], res->outcomes[k]);
    }
    return Status::Ok();
  }

  void Report(size_t i, const Row& row, const RowOutcome& outcome) {
    PlanOp op = plan_.ops[i];
    const int owner = st_.rows[i].owner;
    if (outcome.kind == RowOutcome::Kind::kFailed) {
      ctx_.Failed(op, outcome.error);
      // The record this row belongs to fails with it (an order with a refused line).
      if (owner >= 0 && blocked_[static_cast<size_t>(owner)].ok())
        blocked_[static_cast<size_t>(owner)] = outcome.error.WithContext(op.entity + " " + op.source_id);
      return;
    }
    stored_[i] = true;
    op.target_id = row.source_id();
    if (outcome.kind == RowOutcome::Kind::kUnchanged) {
      op.kind = OpKind::kSkip;
      op.reason = "unchanged";
      ctx_.Skipped(op);
      return;
    }
    const bool inserted = outcome.kind == RowOutcome::Kind::kInserted;
    op.kind = inserted ? OpKind::kCreate : OpKind::kUpdate;
    op.reason = inserted ? "new row" : "content changed";
    engine::Written w;
    w.target_id = row.source_id();
    w.target_type = TableName(row.table);
    w.fingerprint = op.fingerprint;
    (void)ctx_.Done(op, w);  // a mapping that cannot be stored is recorded as failed by the engine
  }

  // Deletes the lines that disappeared from the orders of this page now stored.
  Status DeleteStaleLines() {
    std::vector<std::string> orders, keep;
    for (size_t i = 0; i < plan_.ops.size(); ++i) {
      if (!stored_[i] || st_.rows[i].step != Step::kRecord) continue;
      orders.push_back(plan_.ops[i].record_id);
    }
    if (orders.empty()) return Status::Ok();
    for (size_t i = 0; i < plan_.ops.size(); ++i) {
      const RowOp& r = st_.rows[i];
      if (r.step == Step::kBefore && r.row && r.row->table == Table::kOrderLines && r.owner >= 0 &&
          stored_[static_cast<size_t>(r.owner)])
        keep.push_back(r.row->source_id());
    }
    ++t_.calls_;
    auto gone = t_.writer_->DeleteStale(Table::kOrderLines, st_.source, "order_id", orders, keep);
    if (!gone.ok()) return gone.status().WithContext("deleting stale order lines");
    return Status::Ok();
  }

  WarehouseTarget& t_;
  engine::Plan& plan_;
  RowPlan& st_;
  engine::SyncContext& ctx_;
  bool crashed_ = false;         // the crash hook fired after a write
  std::vector<bool> stored_;     // the op's row is in the warehouse now
  std::vector<Status> blocked_;  // a record op whose dependent row was refused
};

Status WarehouseTarget::Apply(engine::Plan& plan, engine::SyncContext& ctx) {
  RowPlan* st = std::any_cast<RowPlan>(&plan.state);
  if (st == nullptr || st->rows.size() != plan.ops.size())
    return Status::Internal("the warehouse was given a plan it did not make");
  RowApplier applier(*this, plan, *st, ctx);
  Status s = applier.Run();
  Touch(st->entity);
  return s;
}

}  // namespace es::supabase
