// Reconcile for QBO (Target::Verify): net amounts of orders against their
// documents, reading QBO with `Id IN (…)` queries (100 ids each).
#include <algorithm>
#include <map>
#include <set>

#include "connectors/qbo/sync/qbo_target.h"
#include "mapping/order_lifecycle.h"

namespace es::qbo {
namespace {

// QBO objects by type and Id, read in groups of 100.
class DocReader {
 public:
  explicit DocReader(QboGateway& gateway) : gateway_(gateway) {}
  void Want(const std::string& type, const std::string& id) {
    if (!type.empty() && !id.empty()) wanted_[type].insert(id);
  }
  Status Read() {
    for (const auto& [type, ids] : wanted_) {
      std::vector<std::string> list(ids.begin(), ids.end());
      for (size_t start = 0; start < list.size(); start += 100) {
        std::string in;
        for (size_t i = start; i < std::min(list.size(), start + 100); ++i)
          in += (in.empty() ? "" : ", ") + QuoteQueryString(list[i]);
        auto page = gateway_.Query("SELECT * FROM " + type + " WHERE Id IN (" + in + ") MAXRESULTS 1000");
        if (!page.ok()) return page.status().WithContext("reading " + type + " documents");
        for (auto& row : page->rows) {
          std::string key = type + "/" + GetStringOr(row, "Id");
          found_[key] = std::move(row);
        }
      }
    }
    return Status::Ok();
  }
  const Json* Get(const std::string& type, const std::string& id) const {
    auto it = found_.find(type + "/" + id);
    return it == found_.end() ? nullptr : &it->second;
  }

 private:
  QboGateway& gateway_;
  std::map<std::string, std::set<std::string>> wanted_;
  std::map<std::string, Json> found_;
};

bool VoidedInQbo(const Json& doc) {
  auto total = GetDecimal(doc, "TotalAmt");
  return total.ok() && total->IsZero() && GetStringOr(doc, "PrivateNote").find("Voided") != std::string::npos;
}

}  // namespace

Result<std::vector<engine::Check>> QboTarget::Verify(const std::string& entity,
                                                     const std::vector<engine::SourceRecord>& records,
                                                     engine::SyncContext& ctx) {
  if (entity != "order") return Status::Validation("QuickBooks reconcile compares orders only");
  // What a sync would do now: any op left for a record means it is stale.
  ES_ASSIGN_OR_RETURN(engine::Plan plan, PlanPage(entity, records, ctx));
  std::map<std::string, std::string> pending;  // order id → first pending op
  for (const auto& op : plan.ops)
    if (op.kind != engine::OpKind::kSkip && !op.record_id.empty() && !pending.count(op.record_id))
      pending[op.record_id] = std::string(engine::OpKindName(op.kind)) + " " + op.entity + ": " + op.reason;

  // Documents an interrupted run wrote but did not map yet (its intent was
  // recorded, the mapping not): found by DocNumber, linked (the mapping is
  // written) and then compared like any other, instead of being "missing".
  std::map<std::string, std::string> linked;  // order id → what was linked
  const PlanState& st = std::any_cast<const PlanState&>(plan.state);
  std::vector<size_t> unmapped;  // ops creating a document the id map does not know
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    const engine::PlanOp& op = plan.ops[i];
    const QboOp& q = st.qops[i];
    if ((op.kind != engine::OpKind::kCreate && op.kind != engine::OpKind::kRefund) || q.lookup_field != "DocNumber" ||
        q.lookup_value.empty())
      continue;
    ES_ASSIGN_OR_RETURN(auto known, ctx.Mapping(op.entity, op.source_id));
    if (!known) unmapped.push_back(i);
  }
  std::set<size_t> done;
  for (const char* type : {"SalesReceipt", "Invoice", "CreditMemo", "RefundReceipt"}) {
    std::vector<size_t> ask;
    for (size_t i : unmapped) {
      const auto& types = st.qops[i].lookup_entities;
      if (!done.count(i) && std::find(types.begin(), types.end(), type) != types.end()) ask.push_back(i);
    }
    for (size_t start = 0; start < ask.size(); start += 100) {
      std::string in;
      for (size_t k = start; k < std::min(ask.size(), start + 100); ++k)
        in += (in.empty() ? "" : ", ") + QuoteQueryString(st.qops[ask[k]].lookup_value);
      auto page = gateway_.Query(std::string("SELECT * FROM ") + type + " WHERE DocNumber IN (" + in +
                                 ") MAXRESULTS 1000");
      if (!page.ok()) return page.status().WithContext(std::string("looking up unmapped ") + type + " documents");
      std::map<std::string, const Json*> by_number;
      for (const Json& row : page->rows) by_number.emplace(GetStringOr(row, "DocNumber"), &row);
      for (size_t k = start; k < std::min(ask.size(), start + 100); ++k) {
        const size_t i = ask[k];
        auto it = by_number.find(st.qops[i].lookup_value);
        if (it == by_number.end()) continue;
        const engine::PlanOp& op = plan.ops[i];
        engine::Written w;
        w.target_id = GetStringOr(*it->second, "Id");
        w.target_type = type;
        w.version = GetStringOr(*it->second, "SyncToken");
        // Content with placeholders has no final fingerprint yet: left empty,
        // the next sync compares the document and updates it if need be.
        w.fingerprint = st.qops[i].content.is_null() ? op.fingerprint : std::string();
        w.linked = true;
        ES_RETURN_IF_ERROR(ctx.Done(op, w).WithContext(std::string("linking ") + type + " " + w.target_id));
        done.insert(i);
        std::string& note = linked[op.record_id];
        note += (note.empty() ? "" : ", ") + std::string(type) + " " + w.target_id + " (DocNumber " +
                st.qops[i].lookup_value + ")";
      }
    }
  }

  struct Booked {
    std::optional<store::IdMapping> doc;
    std::vector<store::IdMapping> refunds;
  };
  std::vector<Booked> booked(records.size());
  DocReader reader(gateway_);
  for (size_t i = 0; i < records.size(); ++i) {
    ES_ASSIGN_OR_RETURN(booked[i].doc, ctx.Mapping("order", records[i].source_id));
    if (booked[i].doc) reader.Want(booked[i].doc->target_type, booked[i].doc->target_id);
    for (const auto& r : records[i].refunds) {
      ES_ASSIGN_OR_RETURN(auto rm, ctx.Mapping("refund", r.source_id));
      if (!rm) continue;
      reader.Want(rm->target_type, rm->target_id);
      booked[i].refunds.push_back(*rm);
    }
  }
  ES_RETURN_IF_ERROR(reader.Read());

  std::vector<engine::Check> out;
  for (size_t i = 0; i < records.size(); ++i) {
    const model::Order* o = records[i].order();
    if (o == nullptr) continue;
    engine::Check c;
    c.source_id = o->source_id;
    const bool live = mapping::ShouldSyncOrder(*o, config_);
    const bool gone = o->status == model::OrderStatus::kCancelled || o->status == model::OrderStatus::kFailed ||
                      o->status == model::OrderStatus::kTrash;
    Decimal refunded;
    for (const auto& r : records[i].refunds) refunded = refunded + r.amount.ToDecimal();
    Decimal expected = gone ? Decimal() : o->total.ToDecimal() - refunded;
    c.expected = expected.ToFixed(2);
    if (!booked[i].doc) {
      c.state = live ? "missing" : "ignored";
      c.detail = live ? "no QBO document" : "";
      out.push_back(std::move(c));
      continue;
    }
    const store::IdMapping& m = *booked[i].doc;
    c.target_id = m.target_type + " " + m.target_id;
    const Json* doc = reader.Get(m.target_type, m.target_id);
    if (doc == nullptr) {
      c.state = m.fingerprint == "deleted" ? (gone ? "matched" : "missing") : "missing";
      c.actual = "0.00";
      if (c.state == "missing") c.detail = m.target_type + " " + m.target_id + " is not in QBO (deleted there?)";
      out.push_back(std::move(c));
      continue;
    }
    Decimal actual;
    auto total = GetDecimal(*doc, "TotalAmt");
    if (total.ok()) actual = *total;
    for (const auto& rm : booked[i].refunds) {
      const Json* rd = reader.Get(rm.target_type, rm.target_id);
      if (rd == nullptr) continue;
      auto rt = GetDecimal(*rd, "TotalAmt");
      if (rt.ok()) actual = actual - *rt;
    }
    if (VoidedInQbo(*doc)) actual = Decimal();
    c.actual = actual.ToFixed(2);
    const bool voided = VoidedInQbo(*doc) || m.fingerprint == "voided";
    if (gone && !voided) {
      c.state = "extra";
      c.detail = std::string("order is ") + model::OrderStatusName(o->status) + " but " + c.target_id + " is live";
    } else if (!gone && voided) {
      c.state = "voided";
      c.detail = c.target_id + " is voided in QBO while the order is " + model::OrderStatusName(o->status);
    } else if (actual != expected) {
      c.state = "differs";
      c.detail = "net " + c.actual + " in QBO, " + c.expected + " in the shop (difference " +
                 (actual - expected).ToFixed(2) + ")";
      if (linked.count(o->source_id)) c.detail += "; found in QBO and linked: " + linked[o->source_id];
    } else if (linked.count(o->source_id)) {
      c.state = "linked";  // its plan predates the link: not stale
      c.detail = "found in QBO and linked: " + linked[o->source_id];
    } else if (pending.count(o->source_id)) {
      c.state = "stale";
      c.detail = pending[o->source_id];
    } else {
      c.state = "matched";
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace es::qbo
