#include "engine/woo_qbo_flows.h"

#include <algorithm>
#include <set>

#include "connectors/qbo/codec.h"
#include "connectors/woo/client.h"
#include "engine/qbo_gateway.h"
#include "engine/qbo_writer.h"
#include "engine/recorder.h"
#include "engine/woo_qbo_support.h"
#include "mapping/qbo_transform.h"

namespace es::engine {
namespace {

constexpr int64_t kCursorOverlapMs = 60'000;

bool Wanted(const FlowContext& ctx, const std::string& id) {
  return ctx.only_ids.empty() || std::find(ctx.only_ids.begin(), ctx.only_ids.end(), id) != ctx.only_ids.end();
}

std::vector<int64_t> OnlyIds(const FlowContext& ctx) {
  std::vector<int64_t> out;
  for (const auto& id : ctx.only_ids) {
    if (!id.empty() && id.find_first_not_of("0123456789") == std::string::npos && id.size() < 18)
      out.push_back(std::stoll(id));
  }
  return out;
}

// Builds the list query for a page walk: full scans go by id; incremental
// runs start from the cursor (minus an overlap) ordered by modification time.
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
        q.modified_after.pop_back();  // Woo wants no "Z"; dates_are_gmt says UTC
        q.orderby = "modified";
      }
    }
  }
  return q;
}

template <typename T>
Result<woo::Page<T>> FetchWithRetry(FlowContext& ctx, const std::function<Result<woo::Page<T>>()>& fetch) {
  RetryPolicy policy;
  policy.rate_limit_default_ms = 5'000;  // WooCommerce has no documented limiter
  std::mt19937_64 rng(ctx.clock->NowMillis());
  return WithRetry<woo::Page<T>>(policy, *ctx.clock, rng, fetch);
}

void ReportProgress(FlowContext& ctx, const std::string& entity, int64_t done, int64_t total) {
  if (ctx.on_progress) ctx.on_progress({entity, done, total});
}

Status AdvanceCursor(FlowContext& ctx, const std::string& entity, int64_t max_modified_ms) {
  if (ctx.dry_run || max_modified_ms <= 0) return Status::Ok();
  auto cur = ctx.store->GetCursor(ctx.tenant_id, ctx.source_connection, ctx.target_connection, entity);
  if (cur.ok() && cur->has_value() && ParseIso8601(**cur) >= max_modified_ms) return Status::Ok();
  return ctx.store->PutCursor(ctx.tenant_id, ctx.source_connection, ctx.target_connection, entity,
                              FormatIso8601Utc(max_modified_ms));
}

void RecordDecodeFailures(Recorder& rec, const std::string& entity, const std::vector<woo::DecodeFailure>& failures) {
  for (const auto& f : failures)
    rec.Failed(entity, f.source_id.empty() ? "(unknown)" : f.source_id, Status::Validation(f.reason, "decode"));
}

class CustomersFlow final : public Flow {
 public:
  Status Run(FlowContext& ctx) override {
    Recorder rec(ctx);
    auto q = StartQuery(ctx, "customer", false);
    if (!q.ok()) return q.status();
    int64_t done = 0;
    for (int page = 1;; ++page) {
      if (ctx.Stopping()) return Status::Conflict("stop requested");
      q->page = page;
      auto res = FetchWithRetry<model::Customer>(ctx, [&] { return ctx.endpoints.woo->ListCustomers(*q); });
      if (!res.ok()) return res.status().WithContext("fetching WooCommerce customers page " + std::to_string(page));
      rec.Fetched("customer", static_cast<int64_t>(res->items.size() + res->failures.size()));
      RecordDecodeFailures(rec, "customer", res->failures);
      std::vector<model::Customer> wanted;
      for (auto& c : res->items)
        if (Wanted(ctx, c.source_id)) wanted.push_back(std::move(c));
      EnsureCustomers(ctx, rec, wanted, /*count_skipped=*/true);
      ES_RETURN_IF_ERROR(rec.Flush());
      done += static_cast<int64_t>(res->items.size() + res->failures.size());
      ReportProgress(ctx, "customer", done, res->total);
      if (!res->HasMore() || (res->items.empty() && res->failures.empty())) break;
    }
    return Status::Ok();
  }
};

class ProductsFlow final : public Flow {
 public:
  Status Run(FlowContext& ctx) override {
    Recorder rec(ctx);
    mapping::ItemAccounts accounts;  // resolved on the first item to create
    auto q = StartQuery(ctx, "item", true);
    if (!q.ok()) return q.status();
    int64_t done = 0, max_modified = 0;
    for (int page = 1;; ++page) {
      if (ctx.Stopping()) return Status::Conflict("stop requested");
      q->page = page;
      auto res = FetchWithRetry<model::Product>(ctx, [&] { return ctx.endpoints.woo->ListProducts(*q); });
      if (!res.ok()) return res.status().WithContext("fetching WooCommerce products page " + std::to_string(page));
      RecordDecodeFailures(rec, "item", res->failures);
      std::vector<model::Product> sellable;
      for (auto& p : res->items) {
        max_modified = std::max(max_modified, p.modified_at_ms);
        if (p.kind == model::ProductKind::kVariable) {
          ES_RETURN_IF_ERROR(CollectVariations(ctx, rec, p, &sellable));
        } else if (p.kind != model::ProductKind::kGrouped && Wanted(ctx, p.source_id)) {
          sellable.push_back(std::move(p));
        }
      }
      rec.Fetched("item", static_cast<int64_t>(sellable.size() + res->failures.size()));
      EnsureItems(ctx, rec, sellable, accounts, /*count_skipped=*/true);
      ES_RETURN_IF_ERROR(rec.Flush());
      ES_RETURN_IF_ERROR(AdvanceCursor(ctx, "item", max_modified));
      done += static_cast<int64_t>(res->items.size() + res->failures.size());
      ReportProgress(ctx, "item", done, res->total);
      if (!res->HasMore() || (res->items.empty() && res->failures.empty())) break;
    }
    return Status::Ok();
  }

 private:
  static Status CollectVariations(FlowContext& ctx, Recorder& rec, const model::Product& parent,
                                  std::vector<model::Product>* out) {
    woo::ListQuery vq;
    vq.orderby = "id";
    for (int page = 1;; ++page) {
      vq.page = page;
      auto res = FetchWithRetry<model::Product>(
          ctx, [&] { return ctx.endpoints.woo->ListVariations(parent.source_id, vq); });
      if (!res.ok()) return res.status().WithContext("fetching variations of product " + parent.source_id);
      RecordDecodeFailures(rec, "item", res->failures);
      for (auto& v : res->items) {
        v.name = parent.name;  // ItemName appends the options
        if (Wanted(ctx, v.source_id) || Wanted(ctx, parent.source_id)) out->push_back(std::move(v));
      }
      if (!res->HasMore() || res->items.empty()) break;
    }
    return Status::Ok();
  }
};

class OrdersFlow final : public Flow {
 public:
  Status Run(FlowContext& ctx) override {
    Recorder rec(ctx);
    auto q = StartQuery(ctx, "order", true);
    if (!q.ok()) return q.status();
    q->statuses = ctx.config.order_statuses;
    int64_t done = 0;
    for (int page = 1;; ++page) {
      if (ctx.Stopping()) return Status::Conflict("stop requested");
      q->page = page;
      auto res = FetchWithRetry<model::Order>(ctx, [&] { return ctx.endpoints.woo->ListOrders(*q); });
      if (!res.ok()) return res.status().WithContext("fetching WooCommerce orders page " + std::to_string(page));
      rec.Fetched("order", static_cast<int64_t>(res->items.size() + res->failures.size()));
      RecordDecodeFailures(rec, "order", res->failures);
      int64_t max_modified = 0;
      ES_RETURN_IF_ERROR(ProcessPage(ctx, rec, res->items, res->raw, &max_modified));
      if (ctx.Stopping()) return Status::Conflict("stop requested");
      ES_RETURN_IF_ERROR(rec.Flush());
      // The cursor moves only after every record of the page is durable.
      ES_RETURN_IF_ERROR(AdvanceCursor(ctx, "order", max_modified));
      done += static_cast<int64_t>(res->items.size() + res->failures.size());
      ReportProgress(ctx, "order", done, res->total);
      if (!res->HasMore() || (res->items.empty() && res->failures.empty())) break;
    }
    return Status::Ok();
  }

 private:
  Status ProcessPage(FlowContext& ctx, Recorder& rec, const std::vector<model::Order>& orders,
                     const std::vector<Json>& raws, int64_t* max_modified) {
    std::vector<size_t> todo;
    std::vector<std::pair<size_t, store::IdMapping>> payments;
    for (size_t i = 0; i < orders.size(); ++i) {
      const model::Order& o = orders[i];
      *max_modified = std::max(*max_modified, o.modified_at_ms);
      if (!Wanted(ctx, o.source_id)) continue;
      if (!mapping::ShouldSyncOrder(o, ctx.config)) {
        rec.Skipped("order", o.source_id, std::string("status ") + model::OrderStatusName(o.status) + " is not synced");
        continue;
      }
      auto m = ctx.store->GetMapping(ctx.tenant_id, ctx.target_connection, "order", o.source_id);
      if (!m.ok()) return m.status();
      if (!m->has_value()) {
        todo.push_back(i);
        continue;
      }
      if ((*m)->target_type == "Invoice" && o.payment.IsPaid()) {
        auto pm = ctx.store->GetMapping(ctx.tenant_id, ctx.target_connection, "payment", o.source_id);
        if (pm.ok() && !pm->has_value()) {
          payments.emplace_back(i, **m);
          continue;
        }
      }
      rec.Skipped("order", o.source_id, "already synced as " + (*m)->target_type + " " + (*m)->target_id);
    }
    if (todo.empty() && payments.empty()) return Status::Ok();

    // Dependencies first: customers, then items, then the documents.
    std::vector<model::Customer> customers;
    for (size_t i : todo) customers.push_back(mapping::OrderCustomer(orders[i], ctx.config));
    for (auto& [i, m] : payments) customers.push_back(mapping::OrderCustomer(orders[i], ctx.config));
    auto customer_ids = EnsureCustomers(ctx, rec, customers);
    if (ctx.Stopping()) return Status::Ok();

    mapping::ItemAccounts accounts;
    std::vector<model::Product> products;
    bool needs_fee_item = false;
    for (size_t i : todo) {
      for (const auto& line : orders[i].lines) products.push_back(mapping::ProductFromLine(line, orders[i].currency));
      needs_fee_item = needs_fee_item || !orders[i].fees.empty();
    }
    std::map<std::string, std::string> item_ids;
    std::string fee_item;
    if (!products.empty()) item_ids = EnsureItems(ctx, rec, products, accounts);
    if (needs_fee_item) fee_item = EnsureFeeItem(ctx, rec, accounts);
    if (ctx.Stopping()) return Status::Ok();

    std::vector<WriteRequest> writes;
    std::vector<size_t> write_order;
    for (size_t i : todo) {
      const model::Order& o = orders[i];
      mapping::ResolvedRefs refs;
      auto cust = mapping::OrderCustomer(o, ctx.config);
      auto cit = customer_ids.find(cust.source_id);
      if (cit == customer_ids.end()) {
        rec.Failed("order", o.source_id, Status::Validation("customer " + cust.source_id + " could not be synced"));
        continue;
      }
      refs.customer_id = cit->second;
      refs.item_ids = item_ids;
      refs.fee_item_id = fee_item;
      auto doc = mapping::OrderToSalesDocument(o, refs, ctx.config);
      if (!doc.ok()) {
        rec.Failed("order", o.source_id, doc.status());
        continue;
      }
      WriteRequest w;
      w.entity = "order";
      w.source_id = o.source_id;
      w.qbo_entity = qbo::SalesDocEntity(doc->kind);
      w.body = qbo::EncodeSalesDocument(*doc);
      w.lookup_field = "DocNumber";
      w.lookup_value = doc->doc_number;
      w.lookup_entities = {"SalesReceipt", "Invoice"};
      w.fingerprint = mapping::Fingerprint(raws[i]);
      writes.push_back(std::move(w));
      write_order.push_back(i);
    }
    QboWriter writer(ctx, rec);
    auto outcomes = writer.CreateAll(writes);
    for (size_t k = 0; k < writes.size(); ++k) {
      if (!outcomes[k].status.ok() || ctx.dry_run) continue;
      // The total QBO computed must be the WooCommerce total, to the cent.
      const model::Order& o = orders[write_order[k]];
      auto total = GetDecimal(outcomes[k].entity, "TotalAmt");
      if (total.ok() && *total != o.total.ToDecimal()) {
        rec.Failed("order", o.source_id,
                   Status::Validation("QBO " + outcomes[k].target_type + " " + outcomes[k].target_id + " total " +
                                      total->ToFixed(2) + " differs from WooCommerce total " + o.total.ToString() +
                                      " by " + (*total - o.total.ToDecimal()).ToFixed(2), "total_mismatch"));
      }
    }

    // Invoices whose orders have been paid since: apply a Payment.
    std::vector<WriteRequest> payment_writes;
    for (auto& [i, m] : payments) {
      const model::Order& o = orders[i];
      auto cit = customer_ids.find(mapping::OrderCustomer(o, ctx.config).source_id);
      if (cit == customer_ids.end()) {
        rec.Failed("payment", o.source_id, Status::Validation("customer of order " + o.source_id + " not resolved"));
        continue;
      }
      WriteRequest w;
      w.entity = "payment";
      w.source_id = o.source_id;
      w.qbo_entity = "Payment";
      w.body = qbo::EncodePayment(mapping::PaymentForInvoice(o, cit->second, m.target_id));
      w.fingerprint = o.payment.transaction_id;
      payment_writes.push_back(std::move(w));
    }
    if (!payment_writes.empty()) writer.CreateAll(payment_writes);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Flow> MakeWooQboCustomersFlow() { return std::make_unique<CustomersFlow>(); }
std::unique_ptr<Flow> MakeWooQboProductsFlow() { return std::make_unique<ProductsFlow>(); }
std::unique_ptr<Flow> MakeWooQboOrdersFlow() { return std::make_unique<OrdersFlow>(); }

}  // namespace es::engine
