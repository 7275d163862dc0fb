// Query (§4), change data capture (§6) and batch (§5).
#include <algorithm>

#include "connectors/qbo/sandbox/company.h"
#include "connectors/qbo/sandbox/query.h"

namespace es::qbo::sandbox {
namespace {

constexpr size_t kMaxBatchItems = 30;
constexpr size_t kMaxBatchIdWithRequestId = 10;
constexpr int64_t kCdcWindowMs = 30LL * 24 * 3600 * 1000;
constexpr size_t kCdcMaxObjects = 1000;

std::vector<std::string> SplitCsv(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string part = s.substr(start, comma - start);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) out.push_back(part);
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::optional<std::vector<std::string>> Company::IndexedIds(const Table& t, const std::vector<Condition>& where) {
  for (const Condition& c : where) {
    if (c.op != CompareOp::kEq && c.op != CompareOp::kIn) continue;
    const std::string field = Lower(c.field);
    if (field != "id" && field != "docnumber") continue;
    if (std::any_of(c.values.begin(), c.values.end(),
                    [](const Literal& v) { return v.kind != Literal::Kind::kString; }))
      continue;  // numbers compare by value: leave them to the scan
    std::vector<std::string> ids;
    for (const Literal& v : c.values) {
      if (field == "id") {
        // Ids are digits (or the fixed Ids of seeded rows): the stored spelling.
        auto row = t.rows.find(v.text);
        if (row != t.rows.end()) ids.push_back(row->first);
        else if (v.text.find_first_not_of("0123456789") != std::string::npos)
          for (const auto& [id, r] : t.rows)
            if (Lower(id) == Lower(v.text)) ids.push_back(id);
        continue;
      }
      auto range = t.doc_numbers.equal_range(Lower(v.text));
      for (auto it = range.first; it != range.second; ++it) ids.push_back(it->second);
    }
    // The table's order, each row once: the same rows as the scan, in the same order.
    std::sort(ids.begin(), ids.end(), IdLess());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
  }
  return std::nullopt;
}

Outcome<Json> Company::RunQuery(std::string_view statement) const {
  auto parsed = ParseQuery(statement);
  if (!parsed.ok()) return ErrInvalidQuery(parsed.status().message());
  const Query& q = *parsed;
  const EntityInfo* e = EntityByName(q.entity);
  if (!e) return ErrInvalidQuery("QueryValidationError: Invalid entity name: " + q.entity);
  for (const Condition& c : q.where)
    if (!IsQueryableField(*e, c.field))
      return ErrInvalidQuery("QueryValidationError: property '" + c.field + "' is not queryable for entity " +
                             std::string(e->name));
  for (const OrderKey& k : q.order_by)
    if (!IsQueryableField(*e, k.field))
      return ErrInvalidQuery("QueryValidationError: property '" + k.field + "' is not queryable for entity " +
                             std::string(e->name));
  const bool hide_inactive = (e->kind == EntityKind::kNameList || e->kind == EntityKind::kReadOnlyList) &&
                             !MentionsField(q, "Active");
  std::vector<const Json*> rows;
  const Table* t = find_table(e->name);
  // Fast path: equality on the (unique, active-only) name of a name list.
  const Condition* by_name = nullptr;
  if (t && hide_inactive && !e->name_field.empty())
    for (const Condition& c : q.where)
      if (c.op == CompareOp::kEq && c.values[0].kind == Literal::Kind::kString &&
          Lower(c.field) == Lower(e->name_field) && !Decimal::ParseRounded(c.values[0].text).ok() &&
          ParseIso8601(c.values[0].text) < 0) {
        by_name = &c;
        break;
      }
  if (by_name) {
    auto it = t->names.find(Lower(by_name->values[0].text));
    if (it != t->names.end()) {
      auto row = t->rows.find(it->second);
      if (row != t->rows.end() && !row->second.deleted && MatchesAll(q.where, row->second.obj))
        rows.push_back(&row->second.obj);
    }
  } else if (auto ids = t ? IndexedIds(*t, q.where) : std::nullopt)  {
    for (const std::string& id : *ids) {
      auto row = t->rows.find(id);
      if (row == t->rows.end() || row->second.deleted) continue;
      if (hide_inactive && !row->second.obj.value("Active", true)) continue;
      if (MatchesAll(q.where, row->second.obj)) rows.push_back(&row->second.obj);
    }
  } else if (t) {
    for (const auto& [id, r] : t->rows) {
      if (r.deleted) continue;
      if (hide_inactive && !r.obj.value("Active", true)) continue;
      if (MatchesAll(q.where, r.obj)) rows.push_back(&r.obj);
    }
  }
  if (q.count) return Json{{"totalCount", static_cast<int64_t>(rows.size())}};
  if (!q.order_by.empty())
    std::stable_sort(rows.begin(), rows.end(), [&](const Json* a, const Json* b) {
      return CompareForOrder(q.order_by, *a, *b) < 0;
    });
  const size_t offset = static_cast<size_t>(q.start_position - 1);
  if (offset >= rows.size()) return Json::object();
  const size_t end = std::min(rows.size(), offset + static_cast<size_t>(q.max_results));
  Json list = Json::array();
  for (size_t i = offset; i < end; ++i) list.push_back(*rows[i]);
  return Json{{std::string(e->name), std::move(list)},
              {"startPosition", q.start_position},
              {"maxResults", static_cast<int64_t>(end - offset)}};
}

ApiResult Company::Cdc(const ApiCall& call) const {
  const std::string time = EnvelopeTime();
  auto ent = call.params.find("entities");
  if (ent == call.params.end() || ent->second.empty()) return FaultResult(ErrRequiredParam("entities"), time);
  auto since_it = call.params.find("changedSince");
  if (since_it == call.params.end() || since_it->second.empty())
    return FaultResult(ErrRequiredParam("changedSince"), time);
  const int64_t since = ParseIso8601(since_it->second);
  if (since < 0)
    return FaultResult(ErrUnsupportedProperty("changedSince", "must be an ISO-8601 date-time"), time);
  if (since < now_ms() - kCdcWindowMs)
    return FaultResult(ErrBusiness("changedSince may not be more than 30 days in the past", "changedSince"), time);
  std::vector<const EntityInfo*> entities;
  for (const std::string& name : SplitCsv(ent->second)) {
    const EntityInfo* e = EntityByName(name);
    if (!e || e->kind == EntityKind::kSingleton)
      return FaultResult(ErrUnsupportedProperty("entities", "names an unknown entity '" + name + "'"), time);
    if (std::find(entities.begin(), entities.end(), e) == entities.end()) entities.push_back(e);
  }
  Json responses = Json::array();
  size_t budget = kCdcMaxObjects;
  for (const EntityInfo* e : entities) {
    const Table* t = find_table(e->name);
    if (!t) continue;
    std::vector<std::pair<int64_t, const std::pair<const std::string, Record>*>> changed;
    for (const auto& row : t->rows)
      if (row.second.updated_ms >= since) changed.push_back({row.second.updated_ms, &row});
    std::stable_sort(changed.begin(), changed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    Json list = Json::array();
    for (const auto& [ms, row] : changed) {
      if (budget == 0) break;
      --budget;
      const Record& r = row->second;
      if (r.deleted)
        list.push_back(Json{{"domain", "QBO"}, {"status", "Deleted"}, {"Id", row->first},
                            {"MetaData", {{"LastUpdatedTime", Timestamp(r.updated_ms)}}}});
      else
        list.push_back(r.obj);
    }
    if (list.empty()) continue;
    const int64_t n = static_cast<int64_t>(list.size());
    responses.push_back(Json{{std::string(e->name), std::move(list)}, {"startPosition", 1}, {"maxResults", n}});
  }
  if (responses.empty()) responses.push_back(Json::object());
  return ApiResult{200, Json{{"CDCResponse", Json::array({Json{{"QueryResponse", responses}}})}, {"time", time}},
                   false};
}

ApiResult Company::Batch(const ApiCall& call) {
  const std::string time = EnvelopeTime();
  if (!IsValidUtf8(call.body))
    return FaultResult(ErrUnsupportedProperty("Invalid UTF-8 byte sequence", "specified is unsupported or invalid"), time);
  auto parsed = ParseJson(call.body);
  if (!parsed.ok())
    return FaultResult(ErrUnsupportedProperty("body", "is not valid JSON: " + parsed.status().message()), time);
  if (!parsed->is_object()) return FaultResult(ErrUnsupportedProperty("body", "must be a JSON object"), time);
  auto items_it = parsed->find("BatchItemRequest");
  if (items_it == parsed->end() || !items_it->is_array()) return FaultResult(ErrRequiredParam("BatchItemRequest"), time);
  const Json& items = *items_it;
  if (items.size() > kMaxBatchItems) {
    ApiError err = ErrLength("BatchItemRequest", kMaxBatchItems);
    err.detail = "Batch request has " + std::to_string(items.size()) + " items; the maximum is " +
                 std::to_string(kMaxBatchItems);
    return FaultResult(err, time);
  }
  const bool has_request_id = call.params.count("requestid") && !call.params.at("requestid").empty();
  for (const Json& item : items) {
    if (has_request_id && item.is_object() && item.contains("bId") &&
        ScalarText(item["bId"]).size() > kMaxBatchIdWithRequestId)
      return FaultResult(ErrLength("bId", kMaxBatchIdWithRequestId), time);
  }
  Json responses = Json::array();
  for (const Json& item : items) {
    Json resp = Json::object();
    if (!item.is_object()) {
      resp["Fault"] = FaultObject(ErrUnsupportedProperty("BatchItemRequest", "each item must be an object"));
      responses.push_back(std::move(resp));
      continue;
    }
    if (item.contains("bId")) resp["bId"] = ScalarText(item["bId"]);
    if (item.contains("Query")) {
      Outcome<Json> r = item["Query"].is_string() ? RunQuery(item["Query"].get<std::string>())
                                                  : Outcome<Json>(ErrUnsupportedProperty("Query", "must be a string"));
      if (r.ok()) resp["QueryResponse"] = r.value();
      else resp["Fault"] = FaultObject(r.error());
      responses.push_back(std::move(resp));
      continue;
    }
    const EntityInfo* e = nullptr;
    std::string key;
    std::optional<ApiError> err;
    for (auto it = item.begin(); it != item.end(); ++it) {
      if (it.key() == "bId" || it.key() == "operation" || it.key() == "optionsData") continue;
      const EntityInfo* cand = EntityByName(it.key());
      if (!cand || cand->name != it.key()) {
        err = ErrUnsupportedProperty(it.key());
        break;
      }
      if (e) {
        err = ErrUnsupportedProperty(it.key(), "a batch item carries exactly one entity");
        break;
      }
      e = cand;
      key = it.key();
    }
    if (!err && !e) err = ErrRequiredParam("BatchItemRequest entity");
    if (!err) err = CheckString(item, "operation");
    std::string op = item.contains("operation") && item["operation"].is_string() ? Lower(item["operation"].get<std::string>()) : "";
    std::string options = item.contains("optionsData") ? Lower(ScalarText(item["optionsData"])) : "";
    WriteOp wop = WriteOp::kCreate;
    if (!err) {
      if (op == "create") wop = WriteOp::kCreate;
      else if (op == "update") wop = options.find("void") != std::string::npos ? WriteOp::kVoid : WriteOp::kUpdate;
      else if (op == "delete") wop = WriteOp::kDelete;
      else if (op == "void") wop = WriteOp::kVoid;
      else if (op.empty()) err = ErrRequiredParam("operation");
      else err = ErrUnsupportedOperation("operation=" + op + " is not supported in a batch");
    }
    if (!err) {
      Outcome<Json> r = Write(*e, wop, item[key]);
      if (r.ok()) resp[key] = r.value();
      else err = r.error();
    }
    if (err) resp["Fault"] = FaultObject(*err);
    responses.push_back(std::move(resp));
  }
  return ApiResult{200, Json{{"BatchItemResponse", std::move(responses)}, {"time", time}}, false};
}

}  // namespace es::qbo::sandbox
