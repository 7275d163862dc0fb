// Planning a page for QBO: see qbo_target.h. Reads the id map only.
#include <algorithm>

#include "connectors/qbo/codec.h"
#include "connectors/qbo/sync/qbo_target.h"
#include "mapping/document_update.h"
#include "mapping/field_map_qbo.h"
#include "mapping/order_lifecycle.h"

namespace es::qbo {

using engine::OpKind;
using engine::PlanOp;

namespace {

// Item fields an update leaves alone: its type and accounts are fixed at
// creation (changing them needs reads, or is refused by QBO), and stock is
// QuickBooks' to keep.
Json ItemContent(Json body) {
  for (const char* k : {"IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef", "Type", "TrackQtyOnHand",
                        "QtyOnHand", "InvStartDate"})
    body.erase(k);
  return body;
}

int64_t Batches(int64_t n) { return (n + 29) / 30; }

bool HasPlaceholder(const Json& j) {
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    return s.rfind("@ref:", 0) == 0 || s.rfind("@account:", 0) == 0;
  }
  if (j.is_object() || j.is_array())
    for (const auto& v : j) if (HasPlaceholder(v)) return true;
  return false;
}

}  // namespace

// One page's planning: the ops, their QBO halves and the placeholders of
// dependencies planned so far.
class Planner {
 public:
  Planner(QboTarget& t, engine::SyncContext& ctx) : t_(t), ctx_(ctx) {}

  Result<engine::Plan> Run(const std::string& entity, const std::vector<engine::SourceRecord>& records) {
    if (entity == "order") ES_RETURN_IF_ERROR(PrefetchOrderRefs(records));
    for (const auto& rec : records) {
      Status s;
      if (const model::Customer* c = rec.customer(); c && entity == "customer") s = PlanCustomer(*c, rec.source_id);
      else if (const model::Product* p = rec.product(); p && entity == "item") s = PlanItem(*p, rec.source_id, true);
      else if (const model::Order* o = rec.order(); o && entity == "order") s = PlanOrder(*o, rec.refunds, rec);
      else s = Status::Validation("QuickBooks cannot take '" + entity + "' records");
      if (!s.ok()) return s;
    }
    return Finish();
  }

  // Ops in apply order (stage by stage; each stage in planning order).
  engine::Plan Finish() {
    engine::Plan plan;
    PlanState state;
    std::vector<size_t> order(ops_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return qops_[a].stage < qops_[b].stage; });
    int64_t per_stage[kStages][3] = {};
    for (size_t i : order) {
      const PlanOp& op = ops_[i];
      if (op.kind == OpKind::kCreate || op.kind == OpKind::kRefund || op.kind == OpKind::kPayment)
        ++per_stage[static_cast<int>(qops_[i].stage)][0];
      else if (op.kind == OpKind::kUpdate)
        ++per_stage[static_cast<int>(qops_[i].stage)][1];
      else if (op.kind == OpKind::kVoid || op.kind == OpKind::kDelete)
        ++per_stage[static_cast<int>(qops_[i].stage)][2];
      plan.ops.push_back(std::move(ops_[i]));
      state.qops.push_back(std::move(qops_[i]));
    }
    for (auto& s : per_stage) plan.estimated_requests += Batches(s[0]) + Batches(s[1]) + s[2];
    plan.estimated_requests += accounts_needed_;
    plan.state = std::move(state);
    return plan;
  }

 private:
  void Add(PlanOp op, QboOp q) {
    ops_.push_back(std::move(op));
    qops_.push_back(std::move(q));
  }

  void Skip(const std::string& entity, const std::string& id, const std::string& record_id, std::string why,
            const std::string& target_id = {}) {
    PlanOp op;
    op.kind = OpKind::kSkip;
    op.entity = entity;
    op.source_id = id;
    op.record_id = record_id;
    op.target_id = target_id;
    op.reason = std::move(why);
    Add(std::move(op), {});
  }

  void Fail(const std::string& entity, const std::string& id, const std::string& record_id, Status error) {
    PlanOp op;
    op.kind = OpKind::kFail;
    op.entity = entity;
    op.source_id = id;
    op.record_id = record_id;
    op.error = std::move(error);
    Add(std::move(op), {});
  }

  // A sparse update of the mapped record `m` to `content` (fingerprint `fp`);
  // returns its QBO half for extras.
  QboOp& AddUpdate(Stage stage, const std::string& entity, const std::string& record_id, const store::IdMapping& m,
                   const std::string& qbo_entity, std::string reason, const Json& content, const std::string& fp) {
    PlanOp op;
    op.kind = OpKind::kUpdate;
    op.entity = entity;
    op.source_id = m.source_id;
    op.record_id = record_id;
    op.target_type = qbo_entity;
    op.target_id = m.target_id;
    op.reason = std::move(reason);
    op.payload = mapping::SparseUpdateBody(content, m.target_id, m.sync_token);
    op.fingerprint = fp;
    QboOp qo;
    qo.stage = stage;
    qo.qbo_entity = qbo_entity;
    qo.sync_token = m.sync_token;
    Add(std::move(op), std::move(qo));
    return qops_.back();
  }

  // The mappings an order page looks up (payments, refunds, customers,
  // items), each entity in one store query.
  Status PrefetchOrderRefs(const std::vector<engine::SourceRecord>& records) {
    std::vector<std::string> orders, refunds, customers, items;
    for (const auto& rec : records) {
      const model::Order* o = rec.order();
      if (o == nullptr) continue;
      orders.push_back(o->source_id);
      for (const auto& r : rec.refunds) refunds.push_back(r.source_id);
      customers.push_back(mapping::OrderCustomer(*o, t_.config_).source_id);
      for (const auto& line : o->lines) items.push_back(mapping::LineItemKey(line));
    }
    ES_RETURN_IF_ERROR(ctx_.PrefetchMappings("payment", orders));
    ES_RETURN_IF_ERROR(ctx_.PrefetchMappings("refund", refunds));
    ES_RETURN_IF_ERROR(ctx_.PrefetchMappings("customer", customers));
    return ctx_.PrefetchMappings("item", items);
  }

  Result<std::optional<store::IdMapping>> Mapped(const std::string& entity, const std::string& id) {
    return ctx_.Mapping(entity, id);
  }

  // A reference to an account; resolved by Apply when it is a placeholder.
  std::string Account(const std::string& which, const std::string& configured) {
    if (!configured.empty()) return configured;
    auto it = t_.accounts_.find(which);
    if (it != t_.accounts_.end()) return it->second;
    if (!counted_accounts_.count(which)) {
      counted_accounts_.insert(which);
      ++accounts_needed_;
    }
    return "@account:" + which;
  }

  // Records a planned dependency; true when it is already planned (this page or, in dry runs, an earlier one).
  bool AlreadyPlanned(const std::string& key) {
    if (planned_.count(key)) return true;
    planned_.insert(key);
    if (ctx_.run().dry_run) return !t_.dry_planned_.insert(key).second;
    return false;
  }

  Status PlanCustomer(const model::Customer& c, const std::string& record_id) {
    Customer q = mapping::CustomerToQbo(c, t_.config_);
    Json body = EncodeCustomer(q);
    std::string fp = mapping::DocumentFingerprint(body);
    ES_ASSIGN_OR_RETURN(auto m, Mapped("customer", c.source_id));
    if (m.has_value()) {
      if (!record_id.empty() && m->fingerprint != fp) {
        AddUpdate(Stage::kCustomers, "customer", record_id, *m, "Customer",
                  m->fingerprint.empty() ? "customer details recorded" : "customer details changed", body, fp);
      } else if (!record_id.empty()) {
        Skip("customer", c.source_id, record_id, "unchanged", m->target_id);
      }
      customer_ids_[c.source_id] = m->target_id;
      return Status::Ok();
    }
    const std::string key = "customer:" + c.source_id;
    customer_ids_[c.source_id] = QboTarget::Placeholder(key);
    if (AlreadyPlanned(key)) {
      if (!record_id.empty()) Skip("customer", c.source_id, record_id, "planned earlier in this run");
      return Status::Ok();
    }
    PlanOp op;
    op.kind = OpKind::kCreate;
    op.entity = "customer";
    op.source_id = c.source_id;
    op.record_id = record_id;
    op.target_type = "Customer";
    op.reason = "new customer";
    op.payload = body;
    op.fingerprint = fp;
    QboOp qo;
    qo.stage = Stage::kCustomers;
    qo.qbo_entity = "Customer";
    qo.lookup_field = "DisplayName";
    qo.lookup_value = q.display_name;
    qo.ref_key = key;
    Add(std::move(op), std::move(qo));
    return Status::Ok();
  }

  // `as_record`: the product is the page's record (products route): changes
  // are updated. Items an order needs are only created when missing.
  Status PlanItem(const model::Product& p, const std::string& record_id, bool as_record,
                  const std::string& item_type = {}) {
    mapping::TransformerConfig cfg = t_.config_;
    if (!item_type.empty()) cfg.item_type = item_type;
    ES_ASSIGN_OR_RETURN(auto m, Mapped("item", p.source_id));
    if (m.has_value()) {
      item_ids_[p.source_id] = m->target_id;
      if (!as_record) return Status::Ok();
      mapping::ItemAccounts none;
      Item item = mapping::ProductToItem(p, cfg, none);
      Json content = ItemContent(EncodeItem(item));
      std::string fp = mapping::DocumentFingerprint(content);
      if (m->fingerprint == fp) {
        Skip("item", p.source_id, record_id, "unchanged", m->target_id);
        return Status::Ok();
      }
      AddUpdate(Stage::kItems, "item", record_id, *m, "Item",
                m->fingerprint.empty() ? "item details recorded" : "name, price or description changed", content, fp);
      return Status::Ok();
    }
    const std::string key = "item:" + p.source_id;
    item_ids_[p.source_id] = QboTarget::Placeholder(key);
    if (AlreadyPlanned(key)) {
      if (as_record) Skip("item", p.source_id, record_id, "planned earlier in this run");
      return Status::Ok();
    }
    mapping::ItemAccounts accounts;
    accounts.income = Account("income", t_.config_.income_account_id);
    if (cfg.item_type == "Inventory") {
      accounts.expense = Account("expense", t_.config_.expense_account_id);
      accounts.asset = Account("asset", t_.config_.asset_account_id);
    }
    Item item = mapping::ProductToItem(p, cfg, accounts);
    Json body = EncodeItem(item);
    PlanOp op;
    op.kind = OpKind::kCreate;
    op.entity = "item";
    op.source_id = p.source_id;
    op.record_id = as_record ? record_id : "";
    op.target_type = "Item";
    op.reason = as_record ? "new item" : "new item for an order line";
    op.fingerprint = mapping::DocumentFingerprint(ItemContent(body));
    op.payload = std::move(body);
    QboOp qo;
    qo.content = HasPlaceholder(op.payload) ? ItemContent(op.payload) : Json();
    qo.stage = Stage::kItems;
    qo.qbo_entity = "Item";
    qo.ref_key = key;
    if (!item.sku.empty()) {
      qo.lookup_field = "Sku";
      qo.lookup_value = item.sku;
    } else {
      qo.lookup_field = "Name";
      qo.lookup_value = item.name;
    }
    std::string tag = item.sku.empty() ? "#" + p.source_id : item.sku;
    std::string base = item.name.size() + tag.size() + 3 > 100 ? item.name.substr(0, 97 - tag.size()) : item.name;
    qo.fallback_name = base + " (" + tag + ")";
    Add(std::move(op), std::move(qo));
    return Status::Ok();
  }

  // A Service item by name (fees, refund adjustments).
  Result<std::string> NamedServiceItem(const std::string& name) {
    model::Product p;
    p.source_id = "fee:" + name;
    p.name = name;
    p.tax_status = "taxable";
    ES_RETURN_IF_ERROR(PlanItem(p, "", false, "Service"));
    return item_ids_[p.source_id];
  }

  Result<mapping::ResolvedRefs> OrderRefs(const model::Order& o, const std::vector<model::Refund>& refunds) {
    mapping::ResolvedRefs refs;
    model::Customer cust = mapping::OrderCustomer(o, t_.config_);
    if (!customer_ids_.count(cust.source_id)) ES_RETURN_IF_ERROR(PlanCustomer(cust, ""));
    refs.customer_id = customer_ids_[cust.source_id];
    for (const auto& line : o.lines) {
      std::string key = mapping::LineItemKey(line);
      if (!item_ids_.count(key)) ES_RETURN_IF_ERROR(PlanItem(mapping::ProductFromLine(line, o.currency), "", false));
      refs.item_ids[key] = item_ids_[key];
    }
    if (!o.fees.empty()) {
      ES_ASSIGN_OR_RETURN(refs.fee_item_id, NamedServiceItem(t_.config_.fee_item_name));
    }
    bool amount_only = false;
    for (const auto& r : refunds) amount_only = amount_only || r.lines.empty();
    if (amount_only) {
      ES_ASSIGN_OR_RETURN(refs.refund_item_id, NamedServiceItem(t_.config_.refund_item_name));
    }
    if (!refunds.empty()) refs.refund_account_id = Account("refund", t_.config_.refund_account_id);
    return refs;
  }

  Status PlanOrder(const model::Order& o, const std::vector<model::Refund>& refunds,
                   const engine::SourceRecord& rec) {
    const std::string& id = o.source_id;
    ES_ASSIGN_OR_RETURN(auto m, Mapped("order", id));
    mapping::BookedOrder booked;
    if (m.has_value()) {
      booked.doc_type = m->target_type;
      booked.doc_id = m->target_id;
      booked.sync_token = m->sync_token;
      booked.fingerprint = m->fingerprint;
      booked.voided = m->fingerprint == "voided" || m->fingerprint == "deleted";
      ES_ASSIGN_OR_RETURN(auto pm, Mapped("payment", id));
      booked.payment_booked = pm.has_value();
      for (const auto& r : refunds) {
        ES_ASSIGN_OR_RETURN(auto rm, Mapped("refund", r.source_id));
        if (rm.has_value()) booked.refunds_booked.insert(r.source_id);
      }
    }
    const bool live = mapping::ShouldSyncOrder(o, t_.config_);
    if (!m.has_value() && !live) {
      Skip("order", id, id, std::string("status ") + model::OrderStatusName(o.status) + " is not synced");
      ops_.back().filter = mapping::OrderFilterReason(o, t_.config_);
      return Status::Ok();
    }
    if (booked.voided) {
      Skip("order", id, id, "document " + booked.doc_id + " was " + booked.fingerprint, booked.doc_id);
      return Status::Ok();
    }

    // The document as it would be written now (and its fingerprint).
    std::vector<model::Refund> pending_refunds;
    for (const auto& r : refunds)
      if (!booked.refunds_booked.count(r.source_id)) pending_refunds.push_back(r);
    std::string fp;
    std::optional<SalesDocument> doc;
    Json body;
    auto refs = OrderRefs(o, pending_refunds);
    if (!refs.ok()) return refs.status();
    if (live) {
      auto built = m.has_value() ? mapping::OrderToSalesDocumentAs(o,
                                                                   m->target_type == "Invoice"
                                                                       ? SalesDocKind::kInvoice
                                                                       : SalesDocKind::kSalesReceipt,
                                                                   *refs, t_.config_)
                                 : mapping::OrderToSalesDocument(o, *refs, t_.config_);
      if (!built.ok()) {
        Fail("order", id, id, built.status());
        return Status::Ok();
      }
      doc = std::move(*built);
      body = EncodeSalesDocument(*doc);
      if (t_.order_map_) {
        // The tenant's field mapping, on top of the transformer's document.
        auto lookup = [this](const std::string& entity,
                             const std::string& source_id) -> Result<std::optional<std::string>> {
          ES_ASSIGN_OR_RETURN(auto found, ctx_.Mapping(entity, source_id));
          if (!found) return std::optional<std::string>();
          return std::optional<std::string>(found->target_id);
        };
        Status mapped = mapping::MappingErrorsStatus(
            t_.order_map_->name, mapping::ApplyOrderMapping(*t_.order_map_, rec.RawTree(), lookup, body));
        if (!mapped.ok()) {
          Fail("order", id, id, mapped);
          return Status::Ok();
        }
      }
      fp = mapping::DocumentFingerprint(body);
    }
    mapping::OrderPlan plan = mapping::PlanOrder(o, refunds, booked, fp, t_.config_);

    const std::string doc_ref = m.has_value() ? m->target_id : QboTarget::Placeholder("order:" + id);
    const std::string doc_entity = doc ? SalesDocEntity(doc->kind) : booked.doc_type;
    bool any = false;
    switch (plan.doc) {
      case mapping::DocAction::kNone:
      case mapping::DocAction::kReport:
        break;
      case mapping::DocAction::kUpdate: {
        any = true;
        QboOp& qo = AddUpdate(Stage::kDocuments, "order", id, *m, doc_entity, plan.reason, body, fp);
        qo.expected_total = o.total.ToDecimal();
        if (HasPlaceholder(body)) qo.content = body;
        break;
      }
      case mapping::DocAction::kCreate: {
        any = true;
        PlanOp op;
        op.kind = OpKind::kCreate;
        op.entity = "order";
        op.source_id = id;
        op.record_id = id;
        op.target_type = doc_entity;
        op.reason = plan.reason;
        op.fingerprint = fp;
        op.payload = body;
        QboOp qo;
        qo.stage = Stage::kDocuments;
        qo.qbo_entity = doc_entity;
        qo.expected_total = o.total.ToDecimal();
        if (HasPlaceholder(body)) qo.content = body;
        qo.lookup_field = "DocNumber";
        qo.lookup_value = doc->doc_number;
        qo.lookup_entities = {"SalesReceipt", "Invoice"};
        qo.ref_key = "order:" + id;
        Add(std::move(op), std::move(qo));
        break;
      }
      case mapping::DocAction::kVoid:
      case mapping::DocAction::kDelete: {
        any = true;
        PlanOp op;
        op.kind = plan.doc == mapping::DocAction::kVoid ? OpKind::kVoid : OpKind::kDelete;
        op.entity = "order";
        op.source_id = id;
        op.record_id = id;
        op.target_type = booked.doc_type;
        op.target_id = booked.doc_id;
        op.reason = plan.reason;
        op.fingerprint = plan.doc == mapping::DocAction::kVoid ? "voided" : "deleted";
        op.payload = {{"Id", booked.doc_id}, {"SyncToken", booked.sync_token}};
        QboOp qo;
        qo.stage = Stage::kDocuments;
        qo.qbo_entity = booked.doc_type;
        qo.sync_token = booked.sync_token;
        Add(std::move(op), std::move(qo));
        break;
      }
    }

    if (plan.payment && doc_entity == "Invoice") {
      any = true;
      PlanOp op;
      op.kind = OpKind::kPayment;
      op.entity = "payment";
      op.source_id = id;
      op.record_id = id;
      op.target_type = "Payment";
      op.reason = "invoice paid " + FormatIso8601Utc(o.payment.paid_at_ms).substr(0, 10);
      op.payload = EncodePayment(mapping::PaymentForInvoice(o, refs->customer_id, doc_ref));
      op.fingerprint = o.payment.transaction_id;
      QboOp qo;
      qo.stage = Stage::kPayments;
      qo.qbo_entity = "Payment";
      qo.lookup_field = "LinkedTxn";
      qo.linked_entity = "Invoice";
      qo.linked_id = doc_ref;
      Add(std::move(op), std::move(qo));
    }

    for (const std::string& rid : plan.refunds) {
      auto it = std::find_if(refunds.begin(), refunds.end(), [&](const model::Refund& r) { return r.source_id == rid; });
      if (it == refunds.end()) continue;
      any = true;
      const SalesDocKind kind = plan.refund_kind;
      const std::string entity = SalesDocEntity(kind);
      auto rdoc = mapping::RefundToDocument(o, *it, kind, *refs, t_.config_);
      if (!rdoc.ok()) {
        Fail("refund", rid, id, rdoc.status());
        continue;
      }
      PlanOp op;
      op.kind = OpKind::kRefund;
      op.entity = "refund";
      op.source_id = rid;
      op.record_id = id;
      op.target_type = entity;
      op.reason = "refund of " + it->amount.ToString() + (it->reason.empty() ? "" : " (" + it->reason + ")");
      op.payload = EncodeSalesDocument(*rdoc);
      op.fingerprint = mapping::DocumentFingerprint(op.payload);
      QboOp qo;
      qo.stage = Stage::kRefunds;
      if (HasPlaceholder(op.payload)) qo.content = op.payload;
      qo.qbo_entity = entity;
      qo.lookup_field = "DocNumber";
      qo.lookup_value = rdoc->doc_number;
      qo.lookup_entities = {"CreditMemo", "RefundReceipt"};  // the kind follows the payment state at the time
      qo.ref_key = "refund:" + rid;
      qo.expected_total = it->amount.ToDecimal();
      Add(std::move(op), std::move(qo));
      if (kind == SalesDocKind::kCreditMemo && doc_entity == "Invoice") {
        PlanOp ap;
        ap.kind = OpKind::kPayment;
        ap.entity = "credit";
        ap.source_id = rid;
        ap.record_id = id;
        ap.target_type = "Payment";
        ap.reason = "credit memo applied to invoice";
        ap.payload = EncodePayment(mapping::ApplyCreditToInvoice(refs->customer_id, doc_ref,
                                                                 QboTarget::Placeholder("refund:" + rid),
                                                                 it->amount.ToDecimal(), mapping::CreditApplicationRef(*it)));
        ap.counted = false;
        QboOp aq;
        aq.stage = Stage::kCredits;
        aq.qbo_entity = "Payment";
        aq.lookup_field = "LinkedTxn";
        aq.linked_entity = "CreditMemo";
        aq.linked_id = QboTarget::Placeholder("refund:" + rid);
        Add(std::move(ap), std::move(aq));
      }
    }
    if (!any) Skip("order", id, id, plan.reason.empty() ? "unchanged" : plan.reason, booked.doc_id);
    return Status::Ok();
  }

  QboTarget& t_;
  engine::SyncContext& ctx_;
  std::vector<PlanOp> ops_;
  std::vector<QboOp> qops_;
  std::map<std::string, std::string> customer_ids_;  // source id → QBO id or placeholder
  std::map<std::string, std::string> item_ids_;      // item key → QBO id or placeholder
  std::set<std::string> planned_;
  std::set<std::string> counted_accounts_;
  int64_t accounts_needed_ = 0;
};

Result<engine::Plan> QboTarget::PlanPage(const std::string& entity, const std::vector<engine::SourceRecord>& records,
                                         engine::SyncContext& ctx) {
  Planner planner(*this, ctx);
  return planner.Run(entity, records);
}

}  // namespace es::qbo
