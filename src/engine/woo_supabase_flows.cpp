#include "engine/woo_supabase_flows.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "connectors/supabase/rows.h"
#include "connectors/supabase/warehouse.h"
#include "connectors/woo/client.h"
#include "connectors/woo/codec.h"
#include "engine/recorder.h"
#include "engine/retry.h"

namespace es::engine {
namespace {

using supabase::Row;
using supabase::RowOutcome;
using supabase::Table;
using supabase::UpsertResult;

constexpr int64_t kCursorOverlapMs = 60'000;
constexpr size_t kMaxPreviews = 50;

bool Wanted(const FlowContext& ctx, const std::string& id) {
  return ctx.only_ids.empty() || std::find(ctx.only_ids.begin(), ctx.only_ids.end(), id) != ctx.only_ids.end();
}

std::vector<int64_t> OnlyIds(const FlowContext& ctx) {
  std::vector<int64_t> out;
  for (const auto& id : ctx.only_ids)
    if (!id.empty() && id.find_first_not_of("0123456789") == std::string::npos && id.size() < 18)
      out.push_back(std::stoll(id));
  return out;
}

template <typename T>
Result<T> FetchWithRetry(FlowContext& ctx, const std::function<Result<T>()>& fetch) {
  RetryPolicy policy;
  policy.rate_limit_default_ms = 5'000;  // WooCommerce has no documented limiter
  std::mt19937_64 rng(static_cast<uint64_t>(ctx.clock->NowMillis()));
  return WithRetry<T>(policy, *ctx.clock, rng, fetch);
}

void ReportProgress(FlowContext& ctx, const std::string& entity, int64_t done, int64_t total) {
  if (ctx.on_progress) ctx.on_progress({entity, done, total});
}

void RecordDecodeFailures(Recorder& rec, const std::string& entity, const std::vector<woo::DecodeFailure>& failures) {
  for (const auto& f : failures)
    rec.Failed(entity, f.source_id.empty() ? "(unknown)" : f.source_id, Status::Validation(f.reason, "decode"));
}

// Full scans go by id; incremental runs start at the entity's cursor (minus
// an overlap) ordered by modification time.
Result<woo::ListQuery> StartQuery(FlowContext& ctx, const std::string& entity, bool supports_modified) {
  woo::ListQuery q;
  q.orderby = "id";
  q.include = OnlyIds(ctx);
  if (ctx.mode == "incremental" && supports_modified) {
    auto cursor = ctx.store->GetCursor(ctx.tenant_id, ctx.source_connection, ctx.target_connection, entity);
    if (!cursor.ok()) return cursor.status();
    if (cursor->has_value() && !(*cursor)->empty()) {
      int64_t ms = ParseIso8601(**cursor);
      if (ms > 0) {
        q.modified_after = FormatIso8601Utc(ms - kCursorOverlapMs);
        q.modified_after.pop_back();  // no "Z": dates_are_gmt says UTC
        q.orderby = "modified";
      }
    }
  }
  return q;
}

Status AdvanceCursor(FlowContext& ctx, const std::string& entity, int64_t max_modified_ms) {
  if (ctx.dry_run || max_modified_ms <= 0) return Status::Ok();
  auto cur = ctx.store->GetCursor(ctx.tenant_id, ctx.source_connection, ctx.target_connection, entity);
  if (cur.ok() && cur->has_value() && ParseIso8601(**cur) >= max_modified_ms) return Status::Ok();
  return ctx.store->PutCursor(ctx.tenant_id, ctx.source_connection, ctx.target_connection, entity,
                              FormatIso8601Utc(max_modified_ms));
}

Json RowPreview(const Row& row) {
  const auto& spec = supabase::Spec(row.table);
  Json cols = Json::object();
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    if (spec.columns[i].name == "raw") continue;
    cols[spec.columns[i].name] = row.values[i] ? Json(*row.values[i]) : Json(nullptr);
  }
  return {{"target", "supabase"}, {"table", spec.name}, {"source_id", row.source_id()}, {"row", cols}};
}

// Common frame of the four flows: warehouse preparation, writing pages of
// rows with per-record bookkeeping, the id map lookups and the sync log.
class WarehouseFlow : public Flow {
 public:
  explicit WarehouseFlow(std::string entity) : entity_(std::move(entity)) {}

  Status Run(FlowContext& ctx) final {
    if (ctx.endpoints.woo == nullptr || ctx.endpoints.warehouse == nullptr)
      return Status::Internal("the woo → supabase flow needs a woo source and a supabase target connection");
    started_ms_ = ctx.clock->NowMillis();
    source_ = supabase::SourceLabel(ctx.tenant_id, ctx.source_connection);
    // Dry runs write nothing, not even migrations.
    if (!ctx.dry_run) ES_RETURN_IF_ERROR(ctx.endpoints.warehouse->Prepare());
    FindQboConnections(ctx);
    LoadQueuedFailures(ctx);
    Status s;
    {
      Recorder rec(ctx);
      s = Body(ctx, rec);
      Status f = rec.Flush();
      if (s.ok()) s = f;
    }
    if (!ctx.dry_run && !ctx.crashed) WriteLog(ctx, s);
    return s;
  }

 protected:
  virtual Status Body(FlowContext& ctx, Recorder& rec) = 0;

  // Upserts rows of records of `entity_` (ids[i] is rows[i]'s record) and
  // records each outcome. `ok`, when given, is set per row to whether it is
  // now in the warehouse. A non-ok Status means the warehouse is unusable.
  Status WriteRecords(FlowContext& ctx, Recorder& rec, Table table, const std::vector<Row>& rows,
                      const std::vector<std::string>& ids, std::vector<bool>* ok = nullptr) {
    if (ok != nullptr) ok->assign(rows.size(), true);
    if (rows.empty()) return Status::Ok();
    if (ctx.dry_run) {
      for (size_t i = 0; i < rows.size(); ++i) {
        if (ctx.dry_run_previews.size() < kMaxPreviews) ctx.dry_run_previews.push_back(RowPreview(rows[i]));
        rec.Skipped(entity_, ids[i], "dry run: would upsert into " + supabase::TableName(table));
      }
      return Status::Ok();
    }
    auto res = ctx.endpoints.warehouse->Upsert(table, rows);
    if (!res.ok()) return res.status();
    const std::string& name = supabase::TableName(table);
    for (size_t i = 0; i < rows.size(); ++i) {
      const RowOutcome& o = res->outcomes[i];
      switch (o.kind) {
        case RowOutcome::Kind::kInserted: rec.Created(entity_, ids[i], name, rows[i].source_id()); break;
        case RowOutcome::Kind::kUpdated: rec.Updated(entity_, ids[i], rows[i].source_id()); break;
        case RowOutcome::Kind::kUnchanged: rec.Skipped(entity_, ids[i], "unchanged"); break;
        case RowOutcome::Kind::kFailed:
          rec.Failed(entity_, ids[i], o.error);
          if (ok != nullptr) (*ok)[i] = false;
          break;
      }
    }
    return Status::Ok();
  }

  // Upserts rows that belong to other records (order lines, payments, …),
  // counted under `count_entity` without per-record results. Failed rows go
  // to the failed queue under `count_entity`.
  Result<UpsertResult> WriteDependent(FlowContext& ctx, Recorder& rec, Table table, const std::vector<Row>& rows,
                                      const std::string& count_entity) {
    UpsertResult empty;
    empty.outcomes.resize(rows.size());
    if (rows.empty()) return empty;
    EntityCounts& c = ctx.counts[count_entity];
    c.fetched += static_cast<int64_t>(rows.size());
    if (ctx.dry_run) {
      for (const Row& r : rows)
        if (ctx.dry_run_previews.size() < kMaxPreviews) ctx.dry_run_previews.push_back(RowPreview(r));
      c.skipped += static_cast<int64_t>(rows.size());
      return empty;
    }
    auto res = ctx.endpoints.warehouse->Upsert(table, rows);
    if (!res.ok()) return res.status();
    c.created += res->inserted;
    c.created_by_type[supabase::TableName(table)] += res->inserted;
    c.updated += res->updated;
    c.skipped += res->unchanged;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (res->outcomes[i].kind == RowOutcome::Kind::kFailed) {
        rec.Failed(count_entity, rows[i].source_id(), res->outcomes[i].error);
      } else if (queued_failures_.count({count_entity, rows[i].source_id()})) {
        rec.ClearFailure(count_entity, rows[i].source_id());
      }
    }
    return res;
  }

  // Rows for the state store's id mappings of `store_entity` records toward
  // the tenant's QBO connections (best effort: lookup errors are ignored).
  // `invoices` also gets one invoices row per mapped order.
  void MappingRows(FlowContext& ctx, const std::string& store_entity, const std::vector<std::string>& ids,
                   std::vector<Row>* mappings, std::vector<Row>* invoices = nullptr) {
    for (const std::string& conn : qbo_connections_) {
      for (const std::string& id : ids) {
        auto m = ctx.store->GetMapping(ctx.tenant_id, conn, store_entity, id);
        if (!m.ok() || !m->has_value()) continue;
        const store::IdMapping& im = **m;
        Json raw = {{"entity", im.entity},           {"source_connection", im.source_connection},
                    {"target_connection", conn},     {"source_id", im.source_id},
                    {"target_type", im.target_type}, {"target_id", im.target_id}};
        mappings->push_back(
            supabase::IdMappingRow(source_, store_entity, id, conn, im.target_type, im.target_id, raw));
        if (invoices != nullptr && store_entity == "order")
          invoices->push_back(supabase::InvoiceRow(source_, id, conn, im.target_type, im.target_id, raw));
      }
    }
  }

  const std::string& source() const { return source_; }
  const std::string& entity() const { return entity_; }

 private:
  void FindQboConnections(FlowContext& ctx) {
    qbo_connections_.clear();
    auto all = ctx.store->ListConnections(ctx.tenant_id);
    if (!all.ok()) return;
    for (const auto& c : *all)
      if (c.kind == "qbo") qbo_connections_.push_back(c.id);
  }

  // Failed dependent rows (lines, payments, …) of earlier runs, so that a
  // row written now leaves the failed queue.
  void LoadQueuedFailures(FlowContext& ctx) {
    queued_failures_.clear();
    auto failed = ctx.store->ListFailed(ctx.tenant_id, 100000);
    if (!failed.ok()) return;
    for (const auto& f : *failed)
      if (f.target_connection == ctx.target_connection) queued_failures_.insert({f.entity, f.source_id});
  }

  void WriteLog(FlowContext& ctx, const Status& outcome) {
    const EntityCounts& c = ctx.counts[entity_];
    supabase::SyncLogEntry e;
    e.run_id = ctx.run_id;
    e.tenant_id = ctx.tenant_id;
    e.entity = entity_;
    e.mode = ctx.mode;
    e.status = !outcome.ok() ? "failed" : c.failed > 0 ? "partial" : "succeeded";
    e.fetched = c.fetched;
    e.created = c.created;
    e.updated = c.updated;
    e.skipped = c.skipped;
    e.failed = c.failed;
    e.started_at_ms = started_ms_;
    e.finished_at_ms = ctx.clock->NowMillis();
    auto res = ctx.endpoints.warehouse->Upsert(Table::kSyncLogs, {supabase::SyncLogRow(source_, e)});
    if (!res.ok())
      fprintf(stderr, "warning: could not write the warehouse sync log: %s\n", res.status().ToString().c_str());
  }

  std::string entity_;
  std::string source_;
  int64_t started_ms_ = 0;
  std::vector<std::string> qbo_connections_;
  std::set<std::pair<std::string, std::string>> queued_failures_;  // (entity, source id)
};

class CustomersFlow final : public WarehouseFlow {
 public:
  CustomersFlow() : WarehouseFlow("customer") {}

 private:
  Status Body(FlowContext& ctx, Recorder& rec) override {
    ES_ASSIGN_OR_RETURN(woo::ListQuery q, StartQuery(ctx, "customer", false));
    int64_t done = 0;
    for (int page = 1;; ++page) {
      if (ctx.Stopping()) return Status::Conflict("stop requested");
      q.page = page;
      auto res = FetchWithRetry<woo::Page<model::Customer>>(ctx, [&] { return ctx.endpoints.woo->ListCustomers(q); });
      if (!res.ok()) return res.status().WithContext("fetching WooCommerce customers page " + std::to_string(page));
      rec.Fetched("customer", static_cast<int64_t>(res->items.size() + res->failures.size()));
      RecordDecodeFailures(rec, "customer", res->failures);
      std::vector<Row> rows;
      std::vector<std::string> ids;
      for (size_t i = 0; i < res->items.size(); ++i) {
        const model::Customer& c = res->items[i];
        if (!Wanted(ctx, c.source_id)) continue;
        auto row = supabase::CustomerRow(source(), c, i < res->raw.size() ? res->raw[i] : Json());
        if (!row.ok()) {
          rec.Failed("customer", c.source_id, row.status());
          continue;
        }
        rows.push_back(std::move(*row));
        ids.push_back(c.source_id);
      }
      ES_RETURN_IF_ERROR(WriteRecords(ctx, rec, Table::kCustomers, rows, ids));
      std::vector<Row> mappings;
      MappingRows(ctx, "customer", ids, &mappings);
      ES_RETURN_IF_ERROR(WriteDependent(ctx, rec, Table::kIdMappings, mappings, "id_mapping").status());
      ES_RETURN_IF_ERROR(rec.Flush());
      done += static_cast<int64_t>(res->items.size() + res->failures.size());
      ReportProgress(ctx, "customer", done, res->total);
      if (!res->HasMore() || (res->items.empty() && res->failures.empty())) break;
    }
    return Status::Ok();
  }
};

class ProductsFlow final : public WarehouseFlow {
 public:
  ProductsFlow() : WarehouseFlow("product") {}

 private:
  Status Body(FlowContext& ctx, Recorder& rec) override {
    ES_ASSIGN_OR_RETURN(woo::ListQuery q, StartQuery(ctx, "product", true));
    int64_t done = 0;
    for (int page = 1;; ++page) {
      if (ctx.Stopping()) return Status::Conflict("stop requested");
      q.page = page;
      auto res = FetchWithRetry<woo::Page<model::Product>>(ctx, [&] { return ctx.endpoints.woo->ListProducts(q); });
      if (!res.ok()) return res.status().WithContext("fetching WooCommerce products page " + std::to_string(page));
      RecordDecodeFailures(rec, "product", res->failures);
      std::vector<Row> rows;
      std::vector<std::string> ids;
      int64_t max_modified = 0, fetched = static_cast<int64_t>(res->failures.size());
      for (size_t i = 0; i < res->items.size(); ++i) {
        const model::Product& p = res->items[i];
        max_modified = std::max(max_modified, p.modified_at_ms);
        const bool wanted = Wanted(ctx, p.source_id);
        if (wanted) {
          ++fetched;
          AddRow(rec, supabase::ProductRow(source(), p, i < res->raw.size() ? res->raw[i] : Json()), p.source_id,
                 &rows, &ids);
        }
        if (p.kind == model::ProductKind::kVariable)
          ES_RETURN_IF_ERROR(Variations(ctx, rec, p, wanted, &rows, &ids, &fetched));
      }
      rec.Fetched("product", fetched);
      ES_RETURN_IF_ERROR(WriteRecords(ctx, rec, Table::kProducts, rows, ids));
      std::vector<Row> mappings;
      MappingRows(ctx, "item", ids, &mappings);
      ES_RETURN_IF_ERROR(WriteDependent(ctx, rec, Table::kIdMappings, mappings, "id_mapping").status());
      ES_RETURN_IF_ERROR(rec.Flush());
      ES_RETURN_IF_ERROR(AdvanceCursor(ctx, "product", max_modified));
      done += static_cast<int64_t>(res->items.size() + res->failures.size());
      ReportProgress(ctx, "product", done, res->total);
      if (!res->HasMore() || (res->items.empty() && res->failures.empty())) break;
    }
    return Status::Ok();
  }

  static void AddRow(Recorder& rec, Result<Row> row, const std::string& id, std::vector<Row>* rows,
                     std::vector<std::string>* ids) {
    if (!row.ok()) {
      rec.Failed("product", id, row.status());
      return;
    }
    rows->push_back(std::move(*row));
    ids->push_back(id);
  }

  Status Variations(FlowContext& ctx, Recorder& rec, const model::Product& parent, bool parent_wanted,
                    std::vector<Row>* rows, std::vector<std::string>* ids, int64_t* fetched) {
    woo::ListQuery vq;
    vq.orderby = "id";
    for (int page = 1;; ++page) {
      vq.page = page;
      auto res = FetchWithRetry<woo::Page<model::Product>>(
          ctx, [&] { return ctx.endpoints.woo->ListVariations(parent.source_id, vq); });
      if (!res.ok()) return res.status().WithContext("fetching variations of product " + parent.source_id);
      RecordDecodeFailures(rec, "product", res->failures);
      *fetched += static_cast<int64_t>(res->failures.size());
      for (size_t i = 0; i < res->items.size(); ++i) {
        model::Product v = res->items[i];
        if (!parent_wanted && !Wanted(ctx, v.source_id)) continue;
        if (v.name.empty()) v.name = parent.name;
        if (v.parent_source_id.empty()) v.parent_source_id = parent.source_id;
        ++*fetched;
        AddRow(rec, supabase::ProductRow(source(), v, i < res->raw.size() ? res->raw[i] : Json()), v.source_id, rows,
               ids);
      }
      if (!res->HasMore() || res->items.empty()) break;
    }
    return Status::Ok();
  }
};

class OrdersFlow final : public WarehouseFlow {
 public:
  OrdersFlow() : WarehouseFlow("order") {}

 private:
  Status Body(FlowContext& ctx, Recorder& rec) override {
    ES_ASSIGN_OR_RETURN(woo::ListQuery q, StartQuery(ctx, "order", true));
    int64_t done = 0;
    for (int page = 1;; ++page) {
      if (ctx.Stopping()) return Status::Conflict("stop requested");
      q.page = page;
      auto res = FetchWithRetry<woo::Page<model::Order>>(ctx, [&] { return ctx.endpoints.woo->ListOrders(q); });
      if (!res.ok()) return res.status().WithContext("fetching WooCommerce orders page " + std::to_string(page));
      rec.Fetched("order", static_cast<int64_t>(res->items.size() + res->failures.size()));
      RecordDecodeFailures(rec, "order", res->failures);
      int64_t max_modified = 0;
      for (const auto& o : res->items) max_modified = std::max(max_modified, o.modified_at_ms);
      ES_RETURN_IF_ERROR(WritePage(ctx, rec, res->items, res->raw));
      ES_RETURN_IF_ERROR(rec.Flush());
      // The cursor moves only after the page is in the warehouse.
      ES_RETURN_IF_ERROR(AdvanceCursor(ctx, "order", max_modified));
      done += static_cast<int64_t>(res->items.size() + res->failures.size());
      ReportProgress(ctx, "order", done, res->total);
      if (!res->HasMore() || (res->items.empty() && res->failures.empty())) break;
    }
    return Status::Ok();
  }

  Status WritePage(FlowContext& ctx, Recorder& rec, const std::vector<model::Order>& orders,
                   const std::vector<Json>& raws) {
    // Rows first; an order whose rows cannot be built fails alone.
    std::vector<size_t> todo;
    std::vector<Row> order_rows, line_rows;
    std::vector<std::string> line_owner;  // order id of each line row
    for (size_t i = 0; i < orders.size(); ++i) {
      const model::Order& o = orders[i];
      if (!Wanted(ctx, o.source_id)) continue;
      const Json& raw = i < raws.size() ? raws[i] : Json::object();
      auto row = supabase::OrderRow(source(), o, raw);
      if (!row.ok()) {
        rec.Failed("order", o.source_id, row.status());
        continue;
      }
      auto lines = supabase::OrderLineRows(source(), o, raw);
      if (!lines.ok()) {
        rec.Failed("order", o.source_id, lines.status());
        continue;
      }
      todo.push_back(i);
      order_rows.push_back(std::move(*row));
      for (auto& l : *lines) {
        line_owner.push_back(o.source_id);
        line_rows.push_back(std::move(l));
      }
    }
    if (todo.empty()) return Status::Ok();

    // Lines before their orders: an order whose line is refused fails, so
    // that a stored order always has all its lines.
    ES_ASSIGN_OR_RETURN(UpsertResult lines, WriteDependent(ctx, rec, Table::kOrderLines, line_rows, "order_line"));
    std::map<std::string, Status> bad_lines;
    for (size_t k = 0; k < line_rows.size(); ++k)
      if (lines.outcomes[k].kind == RowOutcome::Kind::kFailed && !bad_lines.count(line_owner[k]))
        bad_lines[line_owner[k]] = lines.outcomes[k].error;
    std::vector<Row> to_write;
    std::vector<std::string> ids;
    std::vector<size_t> written;  // index into orders
    for (size_t k = 0; k < todo.size(); ++k) {
      const std::string& id = orders[todo[k]].source_id;
      auto bad = bad_lines.find(id);
      if (bad != bad_lines.end()) {
        rec.Failed("order", id, bad->second);
        continue;
      }
      to_write.push_back(std::move(order_rows[k]));
      ids.push_back(id);
      written.push_back(todo[k]);
    }
    std::vector<bool> ok;
    ES_RETURN_IF_ERROR(WriteRecords(ctx, rec, Table::kOrders, to_write, ids, &ok));

    // Lines that disappeared from stored orders, payments, QBO documents.
    std::vector<std::string> stored_ids, keep;
    std::vector<Row> payments;
    for (size_t k = 0; k < written.size(); ++k) {
      if (!ok[k]) continue;
      const model::Order& o = orders[written[k]];
      stored_ids.push_back(o.source_id);
      if (o.payment.IsPaid()) {
        auto p = supabase::PaymentRow(source(), o);
        if (p.ok()) payments.push_back(std::move(*p));
      }
    }
    for (size_t k = 0; k < line_rows.size(); ++k)
      if (std::find(stored_ids.begin(), stored_ids.end(), line_owner[k]) != stored_ids.end())
        keep.push_back(line_rows[k].source_id());
    if (!ctx.dry_run && !stored_ids.empty()) {
      auto gone = ctx.endpoints.warehouse->DeleteStale(Table::kOrderLines, source(), "order_id", stored_ids, keep);
      if (!gone.ok()) return gone.status();
    }
    ES_RETURN_IF_ERROR(WriteDependent(ctx, rec, Table::kPayments, payments, "payment").status());
    std::vector<Row> mappings, invoices;
    MappingRows(ctx, "order", stored_ids, &mappings, &invoices);
    ES_RETURN_IF_ERROR(WriteDependent(ctx, rec, Table::kInvoices, invoices, "invoice").status());
    ES_RETURN_IF_ERROR(WriteDependent(ctx, rec, Table::kIdMappings, mappings, "id_mapping").status());
    return Status::Ok();
  }
};

class RefundsFlow final : public WarehouseFlow {
 public:
  RefundsFlow() : WarehouseFlow("refund") {}

 private:
  Status Body(FlowContext& ctx, Recorder& rec) override {
    ES_ASSIGN_OR_RETURN(woo::ListQuery q, StartQuery(ctx, "refund", true));
    int64_t done = 0;
    for (int page = 1;; ++page) {
      if (ctx.Stopping()) return Status::Conflict("stop requested");
      q.page = page;
      auto res = FetchWithRetry<woo::Page<model::Order>>(ctx, [&] { return ctx.endpoints.woo->ListOrders(q); });
      if (!res.ok()) return res.status().WithContext("fetching WooCommerce orders page " + std::to_string(page));
      int64_t max_modified = 0;
      std::vector<Row> rows;
      std::vector<std::string> ids;
      for (const model::Order& o : res->items) {
        max_modified = std::max(max_modified, o.modified_at_ms);
        if (o.refunds.empty() || !Wanted(ctx, o.source_id)) continue;
        ES_RETURN_IF_ERROR(Refunds(ctx, rec, o, &rows, &ids));
      }
      ES_RETURN_IF_ERROR(WriteRecords(ctx, rec, Table::kRefunds, rows, ids));
      ES_RETURN_IF_ERROR(rec.Flush());
      ES_RETURN_IF_ERROR(AdvanceCursor(ctx, "refund", max_modified));
      done += static_cast<int64_t>(res->items.size() + res->failures.size());
      ReportProgress(ctx, "refund", done, res->total);
      if (!res->HasMore() || (res->items.empty() && res->failures.empty())) break;
    }
    return Status::Ok();
  }

  // The refunds of one order, with their raw JSON.
  Status Refunds(FlowContext& ctx, Recorder& rec, const model::Order& o, std::vector<Row>* rows,
                 std::vector<std::string>* ids) {
    const std::string path = "orders/" + o.source_id + "/refunds";
    for (int page = 1; page <= 100; ++page) {
      auto resp = FetchWithRetry<http::Response>(ctx, [&] {
        return ctx.endpoints.woo->Get(path, {{"per_page", "100"}, {"page", std::to_string(page)}});
      });
      if (!resp.ok()) return resp.status().WithContext("fetching the refunds of order " + o.source_id);
      auto body = ParseJson(resp->body);
      if (!body.ok() || !body->is_array()) {
        rec.Failed("refund", "order:" + o.source_id,
                   Status::Validation("refunds of order " + o.source_id + " are not a JSON array", "decode"));
        return Status::Ok();
      }
      for (const Json& item : *body) {
        rec.Fetched("refund");
        auto r = woo::DecodeRefund(item, o.source_id, o.currency);
        if (!r.ok()) {
          const Json* id = item.is_object() ? FindPath(item, "id") : nullptr;
          rec.Failed("refund", id != nullptr ? ScalarText(*id) : "order:" + o.source_id,
                     Status::Validation(r.status().message(), "decode"));
          continue;
        }
        auto row = supabase::RefundRow(source(), *r, item);
        if (!row.ok()) {
          rec.Failed("refund", r->source_id, row.status());
          continue;
        }
        rows->push_back(std::move(*row));
        ids->push_back(r->source_id);
      }
      if (static_cast<int>(body->size()) < 100 || resp->Header("X-WP-TotalPages") == std::to_string(page)) break;
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Flow> MakeWooSupabaseCustomersFlow() { return std::make_unique<CustomersFlow>(); }
std::unique_ptr<Flow> MakeWooSupabaseProductsFlow() { return std::make_unique<ProductsFlow>(); }
std::unique_ptr<Flow> MakeWooSupabaseOrdersFlow() { return std::make_unique<OrdersFlow>(); }
std::unique_ptr<Flow> MakeWooSupabaseRefundsFlow() { return std::make_unique<RefundsFlow>(); }

}  // namespace es::engine
