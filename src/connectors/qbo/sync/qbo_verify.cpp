// Reconcile for QBO (Target::Verify): net amounts of orders against their
// documents, reading QBO with `Id IN (…)` queries (100 ids each).
#include <map>

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
        for (auto& row : page->rows) found_[type + "/" + GetStringOr(row, "Id")] = std::move(row);
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
