// WarehouseTarget planning: a page of records → one op per warehouse row.
#include <set>

#include "connectors/supabase/sync/warehouse_target.h"

namespace es::supabase {

using engine::OpKind;
using engine::PlanOp;
using engine::SourceRecord;

namespace {

Table RecordTable(const std::string& entity) {
  if (entity == "item") return Table::kProducts;
  if (entity == "order") return Table::kOrders;
  if (entity == "refund") return Table::kRefunds;
  return Table::kCustomers;
}

}  // namespace

class RowPlanner {
 public:
  RowPlanner(WarehouseTarget& t, engine::SyncContext& ctx, const std::string& entity) : t_(t), ctx_(ctx) {
    st_.entity = entity;
    st_.source = SourceLabel(ctx.run().tenant_id, ctx.run().source_connection);
  }

  Result<engine::Plan> Run(const std::vector<SourceRecord>& records) {
    for (const SourceRecord& rec : records) ES_RETURN_IF_ERROR(Record(rec));
    std::set<Table> tables;
    bool orders = false;
    for (size_t i = 0; i < plan_.ops.size(); ++i) {
      if (plan_.ops[i].kind == OpKind::kSkip || plan_.ops[i].kind == OpKind::kFail) continue;
      tables.insert(st_.rows[i].row->table);
      orders = orders || (st_.rows[i].step == Step::kRecord && st_.rows[i].row->table == Table::kOrders);
    }
    // One upsert per table, and the stale-line clean-up of an orders page.
    plan_.estimated_requests = static_cast<int64_t>(tables.size()) + (orders ? 1 : 0);
    plan_.state = std::move(st_);
    return std::move(plan_);
  }

 private:
  Status Record(const SourceRecord& rec) {
    const std::string& entity = st_.entity;
    if (entity == "customer" && rec.customer() != nullptr) return Customer(rec);
    if (entity == "item" && rec.product() != nullptr) return Item(rec);
    if (entity == "order" && rec.order() != nullptr) return Order(rec);
    if (entity == "refund" && rec.refund() != nullptr) return Refund(rec);
    return Fail(rec.source_id, RecordTable(entity),
                Status::Validation("the warehouse cannot store this record as '" + entity + "'", "unsupported"));
  }

  Status Customer(const SourceRecord& rec) {
    auto row = CustomerRow(st_.source, *rec.customer(), rec.RawTree());
    if (!row.ok()) return Fail(rec.source_id, Table::kCustomers, row.status());
    ES_ASSIGN_OR_RETURN(int k, Add("customer", rec.source_id, std::move(*row), Step::kRecord, -1));
    return Mappings("customer", rec.source_id, k, false);
  }

  Status Item(const SourceRecord& rec) {
    model::Product p = *rec.product();
    const Json raw = rec.RawTree();
    // The source names variations after their parent; the warehouse keeps
    // the variation's own name ("Shirt - Red") when it has one.
    if (p.kind == model::ProductKind::kVariation && raw.is_object()) {
      std::string own = GetStringOr(raw, "name");
      if (!own.empty()) p.name = own;
    }
    auto row = ProductRow(st_.source, p, raw);
    if (!row.ok()) return Fail(rec.source_id, Table::kProducts, row.status());
    ES_ASSIGN_OR_RETURN(int k, Add("item", rec.source_id, std::move(*row), Step::kRecord, -1));
    return Mappings("item", rec.source_id, k, false);
  }

  Status Order(const SourceRecord& rec) {
    const model::Order& o = *rec.order();
    Json raw = rec.RawTree();
    if (!raw.is_object()) raw = Json::object();
    // Every row first: an order whose rows cannot be built fails alone.
    auto row = OrderRow(st_.source, o, raw);
    if (!row.ok()) return Fail(rec.source_id, Table::kOrders, row.status());
    auto lines = OrderLineRows(st_.source, o, raw);
    if (!lines.ok()) return Fail(rec.source_id, Table::kOrders, lines.status());
    std::optional<Row> payment;
    if (o.payment.IsPaid()) {
      auto p = PaymentRow(st_.source, o);
      if (!p.ok()) return Fail(rec.source_id, Table::kOrders, p.status().WithContext("payment"));
      payment = std::move(*p);
    }
    std::vector<int> line_ops;
    for (Row& l : *lines) {
      ES_ASSIGN_OR_RETURN(int i, Add("order_line", rec.source_id, std::move(l), Step::kBefore, -1));
      line_ops.push_back(i);
    }
    ES_ASSIGN_OR_RETURN(int k, Add("order", rec.source_id, std::move(*row), Step::kRecord, -1));
    for (int i : line_ops) st_.rows[static_cast<size_t>(i)].owner = k;
    if (payment) ES_RETURN_IF_ERROR(Add("payment", rec.source_id, std::move(*payment), Step::kAfter, k).status());
    return Mappings("order", rec.source_id, k, true);
  }

  Status Refund(const SourceRecord& rec) {
    auto row = RefundRow(st_.source, *rec.refund(), rec.RawTree());
    if (!row.ok()) return Fail(rec.source_id, Table::kRefunds, row.status());
    return Add("refund", rec.source_id, std::move(*row), Step::kRecord, -1).status();
  }

  // Rows for the id mappings of `entity` record `id` toward the tenant's QBO
  // connections (best effort: a lookup error leaves the row out); orders
  // also get an invoices row per mapped document.
  Status Mappings(const std::string& entity, const std::string& id, int owner, bool invoices) {
    for (const std::string& conn : t_.QboConnections()) {
      auto m = t_.store_.GetMapping(t_.tenant_, engine::StateKey(conn, ctx_.run().sandbox), entity, id);
      if (!m.ok() || !m->has_value()) continue;
      const store::IdMapping& im = **m;
      // Another source's record with the same id is not this one.
      if (!im.source_connection.empty() && im.source_connection != ctx_.run().source_connection) continue;
      Json raw = {{"entity", im.entity},           {"source_connection", im.source_connection},
                  {"target_connection", conn},     {"source_id", im.source_id},
                  {"target_type", im.target_type}, {"target_id", im.target_id}};
      if (invoices)
        ES_RETURN_IF_ERROR(Add("invoice", id, InvoiceRow(st_.source, id, conn, im.target_type, im.target_id, raw),
                               Step::kAfter, owner)
                               .status());
      ES_RETURN_IF_ERROR(
          Add("id_mapping", id, IdMappingRow(st_.source, entity, id, conn, im.target_type, im.target_id, raw),
              Step::kAfter, owner)
              .status());
    }
    return Status::Ok();
  }

  // Adds the op writing `row` for record `record_id`; returns its index.
  Result<int> Add(const std::string& entity, const std::string& record_id, Row row, Step step, int owner) {
    PlanOp op;
    op.entity = entity;
    op.source_id = row.source_id();
    op.record_id = record_id;
    op.target_type = TableName(row.table);
    op.fingerprint = ContentHash(row);
    op.payload = WarehouseTarget::RowPayload(row);
    if (ctx_.run().dry_run) {
      // A prediction from what the last runs wrote.
      ES_ASSIGN_OR_RETURN(auto m, ctx_.Mapping(entity, op.source_id));
      if (!m.has_value()) {
        op.kind = OpKind::kCreate;
        op.reason = "new row";
      } else {
        op.target_id = m->target_id;
        op.kind = m->fingerprint == op.fingerprint ? OpKind::kSkip : OpKind::kUpdate;
        op.reason = op.kind == OpKind::kSkip ? "unchanged" : "content changed";
      }
    } else {
      // The warehouse's content hash decides (Apply reports what it did).
      op.kind = OpKind::kUpdate;
      op.reason = "upsert";
    }
    RowOp r;
    r.row = std::move(row);
    r.step = step;
    r.owner = owner;
    plan_.ops.push_back(std::move(op));
    st_.rows.push_back(std::move(r));
    return static_cast<int>(plan_.ops.size() - 1);
  }

  Status Fail(const std::string& id, Table table, const Status& error) {
    PlanOp op;
    op.kind = OpKind::kFail;
    op.entity = st_.entity;
    op.source_id = id;
    op.record_id = id;
    op.target_type = TableName(table);
    op.reason = error.message();
    op.error = error;
    plan_.ops.push_back(std::move(op));
    st_.rows.emplace_back();
    return Status::Ok();
  }

  WarehouseTarget& t_;
  engine::SyncContext& ctx_;
  engine::Plan plan_;
  RowPlan st_;
};

Result<engine::Plan> WarehouseTarget::PlanPage(const std::string& entity,
                                               const std::vector<engine::SourceRecord>& records,
                                               engine::SyncContext& ctx) {
  Touch(entity);
  RowPlanner planner(*this, ctx, entity);
  return planner.Run(records);
}

}  // namespace es::supabase
