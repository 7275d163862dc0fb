#include "connectors/qbo/sync/qbo_items.h"

#include <algorithm>

#include "connectors/qbo/sync/qbo_target.h"
#include "engine/two_way.h"

namespace es::qbo {
namespace {

std::optional<Decimal> DecimalField(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  auto d = DecimalFromJson(*it);
  if (!d.ok()) return std::nullopt;
  return *d;
}

// 'a','b' for an IN list; ids are QBO's digit strings (others are refused).
Result<std::string> InList(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return Status::Validation("QBO item id '" + id + "' is not a QuickBooks id (digits only)");
    out += (out.empty() ? "'" : ",'") + id + "'";
  }
  return out;
}

}  // namespace

model::Product ItemProduct(const Json& item) {
  model::Product p;
  p.source_id = GetStringOr(item, "Id");
  p.name = GetStringOr(item, "Name");
  p.sku = GetStringOr(item, "Sku");
  p.description = GetStringOr(item, "Description");
  p.status = GetBoolOr(item, "Active", true) ? "active" : "inactive";
  if (auto price = DecimalField(item, "UnitPrice")) {
    p.price = model::Money::FromDecimal(*price, "");
    p.regular_price = p.price;
  }
  p.manage_stock = GetBoolOr(item, "TrackQtyOnHand", false);
  if (p.manage_stock) p.stock_quantity = DecimalField(item, "QtyOnHand");
  if (const Json* meta = FindPath(item, "MetaData")) {
    p.modified_at_ms = std::max<int64_t>(0, ParseIso8601(GetStringOr(*meta, "LastUpdatedTime")));
    p.created_at_ms = std::max<int64_t>(0, ParseIso8601(GetStringOr(*meta, "CreateTime")));
  }
  return p;
}

QboItemSource::QboItemSource(QboSession session, Clock& clock)
    : session_(std::move(session)), clock_(clock), gateway_(*session_.gateway) {}

engine::SourcePage QboItemSource::FromRows(const std::vector<Json>& rows) const {
  engine::SourcePage page;
  for (const Json& row : rows) {
    if (!row.is_object()) continue;
    if (GetStringOr(row, "status") == "Deleted" || !GetBoolOr(row, "Active", true)) continue;
    engine::SourceRecord r;
    model::Product p = ItemProduct(row);
    if (p.source_id.empty()) {
      page.failures.push_back({"", "QBO item without an Id"});
      continue;
    }
    r.source_id = p.source_id;
    r.modified_at_ms = p.modified_at_ms;
    r.value = std::move(p);
    r.raw = row;
    page.records.push_back(std::move(r));
  }
  return page;
}

Result<engine::SourcePage> QboItemSource::Fetch(const engine::FetchRequest& req) {
  if (req.entity != "item")
    return Status::Validation("QuickBooks Online is a source of items only, not '" + req.entity + "'");
  if (!req.ids.empty()) {
    if (req.page > 1) return engine::SourcePage{};
    ES_ASSIGN_OR_RETURN(std::string in, InList(req.ids));
    ES_ASSIGN_OR_RETURN(QueryPage q, gateway_.Query("SELECT * FROM Item WHERE Id IN (" + in + ")"));
    return FromRows(q.rows);
  }
  const int64_t since = req.modified_after.empty() ? 0 : ParseIso8601(req.modified_after);
  if (since > 0 && clock_.NowMillis() - since < kCdcWindowMs && req.page == 1) {
    auto cdc = gateway_.Cdc({"Item"}, req.modified_after);
    if (!cdc.ok()) return cdc.status();
    auto it = cdc->rows.find("Item");
    if (it == cdc->rows.end()) return engine::SourcePage{};
    // CDC answers at most kCdcMaxObjects; a full answer may be cut short,
    // so the changes are then read by query instead.
    if (it->second.size() < kCdcMaxObjects) return FromRows(it->second);
  }
  std::string stmt = "SELECT * FROM Item";
  if (since > 0) stmt += " WHERE MetaData.LastUpdatedTime >= '" + FormatIso8601Utc(since) + "'";
  stmt += " ORDERBY MetaData.LastUpdatedTime STARTPOSITION " + std::to_string((req.page - 1) * kPageSize + 1) +
          " MAXRESULTS " + std::to_string(kPageSize);
  ES_ASSIGN_OR_RETURN(QueryPage q, gateway_.Query(stmt));
  engine::SourcePage page = FromRows(q.rows);
  page.has_more = static_cast<int>(q.rows.size()) == kPageSize;
  return page;
}

Result<std::map<std::string, engine::TargetCurrent>> CurrentItems(QboGateway& gateway,
                                                                  const std::vector<engine::SourceRecord>& records,
                                                                  engine::SyncContext& ctx) {
  std::map<std::string, engine::TargetCurrent> out;
  std::map<std::string, std::string> source_of;  // QBO Id → source id
  std::vector<std::string> ids;
  for (const auto& r : records) {
    ES_ASSIGN_OR_RETURN(auto m, ctx.Mapping("item", r.source_id));
    if (!m || m->target_id.empty()) continue;
    source_of[m->target_id] = r.source_id;
    ids.push_back(m->target_id);
  }
  if (ids.empty()) return out;
  ES_ASSIGN_OR_RETURN(std::string in, InList(ids));
  ES_ASSIGN_OR_RETURN(QueryPage q, gateway.Query("SELECT * FROM Item WHERE Id IN (" + in + ")"));
  for (const Json& row : q.rows) {
    auto it = source_of.find(GetStringOr(row, "Id"));
    if (it == source_of.end()) continue;
    model::Product p = ItemProduct(row);
    engine::TargetCurrent c;
    c.target_id = p.source_id;
    c.value = engine::TwoWayValue(p);
    c.modified_ms = p.modified_at_ms;
    c.version = GetStringOr(row, "SyncToken");
    out[it->second] = std::move(c);
  }
  return out;
}

Result<std::map<std::string, engine::TargetCurrent>> QboTarget::Current(const std::string& entity,
                                                                        const std::vector<engine::SourceRecord>& records,
                                                                        engine::SyncContext& ctx) {
  if (entity != "item") return std::map<std::string, engine::TargetCurrent>();
  return CurrentItems(gateway_, records, ctx);
}

}  // namespace es::qbo
