#include "mapping/field_map_qbo.h"

#include <set>

namespace es::mapping {
namespace {

// mappings/order.json (field_map_test checks the two are the same).
constexpr const char* kDefaultOrder = R"json({
  "name": "order",
  "entity": "order",
  "target": "qbo",
  "description": "Order documents (Invoice / SalesReceipt): the internal note names the order and how it was paid, the customer's note is printed on the form, and the shipping method is shown.",
  "rules": [
    {
      "source": ["number", "payment_method_title", "transaction_id"],
      "target": "PrivateNote",
      "transforms": [{"op": "concat", "separator": " | ", "prefix": "WooCommerce order #"}]
    },
    {
      "source": "customer_note",
      "target": "CustomerMemo",
      "transforms": [{"op": "trim"}, {"op": "truncate", "length": 1000}]
    },
    {
      "source": "shipping_lines[0].method_title",
      "target": "ShipMethodRef"
    }
  ]
}
)json";

constexpr size_t kCustomFieldMax = 31;
const char* const kPlainTargets[] = {"PrivateNote", "CustomerMemo", "ShipMethodRef", "TrackingNum", "ShipDate",
                                     "BillEmail"};

// "CustomField.2" → "2"; "" when `target` is not a custom field target.
std::string CustomFieldId(const std::string& target) {
  const std::string prefix = "CustomField.";
  if (target.rfind(prefix, 0) != 0) return "";
  std::string id = target.substr(prefix.size());
  if (id.empty() || id.size() > 9 || id.find_first_not_of("0123456789") != std::string::npos) return "";
  return id;
}

std::string CheckOrderTarget(const std::string& target) {
  for (const char* t : kPlainTargets)
    if (target == t) return "";
  if (!CustomFieldId(target).empty()) return "";
  if (target.rfind("CustomField", 0) == 0)
    return "'" + target + "': a custom field target is CustomField.<DefinitionId>, e.g. CustomField.1";
  std::string known;
  for (const char* t : kPlainTargets) known += std::string(known.empty() ? "" : ", ") + t;
  return "'" + target + "' is not a QuickBooks order document field this mapping can set (" + known +
         ", CustomField.<DefinitionId>)";
}

std::vector<MappingError> CheckOrderMap(const FieldMap& m) {
  std::vector<MappingError> errors;
  std::set<std::string> ids;
  for (size_t i = 0; i < m.rules.size(); ++i) {
    std::string id = CustomFieldId(m.rules[i].target);
    if (id.empty() || ids.count(id)) continue;
    ids.insert(id);
    if (static_cast<int>(ids.size()) > kQboMaxCustomFields)
      errors.push_back({"rules[" + std::to_string(i) + "].target",
                        "more than 3 QBO custom fields: QuickBooks Online takes at most 3 String custom fields per "
                        "document"});
  }
  return errors;
}

std::string Cut(std::string s, size_t max) {
  if (s.size() <= max) return s;
  s.resize(max);
  while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
  if (!s.empty() && (static_cast<unsigned char>(s.back()) & 0x80)) s.pop_back();
  return s;
}

bool IsIsoDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

}  // namespace

const TargetSpec& QboOrderTarget() {
  static const TargetSpec kSpec{"qbo", "order", CheckOrderTarget, CheckOrderMap};
  return kSpec;
}

const TargetSpec* FindTargetSpec(const std::string& target, const std::string& entity) {
  if (target == "qbo" && entity == "order") return &QboOrderTarget();
  return nullptr;
}

std::optional<FieldMap> CheckMappingJson(const Json& doc, const std::string& source_kind,
                                         std::vector<MappingError>* errors) {
  std::string target = doc.is_object() && doc.contains("target") && doc["target"].is_string()
                           ? doc["target"].get<std::string>() : "";
  std::string entity = doc.is_object() && doc.contains("entity") && doc["entity"].is_string()
                           ? doc["entity"].get<std::string>() : "";
  const TargetSpec* spec = FindTargetSpec(target, entity);
  std::vector<MappingError> found;
  if (!target.empty() && !entity.empty() && spec == nullptr)
    found.push_back({"target", "mappings for '" + entity + "' records into '" + target +
                                   "' are not supported (supported: target qbo, entity order)"});
  auto m = FieldMapFromJson(doc, spec, KnownSourceSchema(source_kind, entity), errors);
  if (!found.empty()) {
    if (errors) errors->insert(errors->begin(), found.begin(), found.end());
    return std::nullopt;
  }
  return m;
}

Result<FieldMap> ParseMappingFile(std::string_view text, const std::string& source_kind,
                                  std::vector<MappingError>* errors) {
  std::vector<MappingError> found;
  auto doc = ParseJson(text);
  if (!doc.ok()) {
    found.push_back({"", "not valid JSON: " + doc.status().message()});
  } else if (auto m = CheckMappingJson(*doc, source_kind, &found)) {
    if (errors) errors->clear();
    return std::move(*m);
  }
  std::string msg = "invalid mapping: " + FormatMappingError(found.front());
  if (found.size() > 1) msg += " (and " + std::to_string(found.size() - 1) + " more)";
  if (errors) *errors = std::move(found);
  return Status::Validation(msg, "invalid_mapping");
}

std::vector<MappingError> ApplyToQboDocument(const FieldMap& map, const std::vector<MappedValue>& values, Json& doc) {
  std::vector<MappingError> errors;
  if (!doc.is_object()) {
    errors.push_back({"", "the document is not a JSON object"});
    return errors;
  }
  for (const MappedValue& v : values) {
    const std::string at = "rules[" + std::to_string(v.rule) + "]";
    const MappingRule* rule = v.rule < map.rules.size() ? &map.rules[v.rule] : nullptr;
    if (v.target == "PrivateNote") {
      doc["PrivateNote"] = Cut(v.value, 4000);
    } else if (v.target == "CustomerMemo") {
      doc["CustomerMemo"] = Json{{"value", Cut(v.value, 1000)}};
    } else if (v.target == "ShipMethodRef") {
      doc["ShipMethodRef"] = Json{{"value", v.value}};
    } else if (v.target == "TrackingNum") {
      doc["TrackingNum"] = v.value;
    } else if (v.target == "ShipDate") {
      if (!IsIsoDate(v.value)) {
        errors.push_back({at, "ShipDate '" + Cut(v.value, 40) + "' is not YYYY-MM-DD (add dateFormat \"%Y-%m-%d\")"});
        continue;
      }
      doc["ShipDate"] = v.value;
    } else if (v.target == "BillEmail") {
      if (v.value.find('@') == std::string::npos || v.value.find('.') == std::string::npos) {
        errors.push_back({at, "BillEmail '" + Cut(v.value, 80) + "' is not an email address"});
        continue;
      }
      doc["BillEmail"] = Json{{"Address", v.value}};
    } else if (std::string id = CustomFieldId(v.target); !id.empty()) {
      Json& fields = doc["CustomField"];
      if (!fields.is_array()) fields = Json::array();
      Json* slot = nullptr;
      for (Json& f : fields)
        if (f.is_object() && f.value("DefinitionId", std::string()) == id) slot = &f;
      if (slot == nullptr) {
        if (static_cast<int>(fields.size()) >= kQboMaxCustomFields) {
          errors.push_back({at, "custom field " + id + " would be a 4th custom field on the document (the "
                                "transformer config already sets " + std::to_string(fields.size()) +
                                "); QuickBooks Online takes at most 3"});
          continue;
        }
        fields.push_back(Json{{"DefinitionId", id}, {"Type", "StringType"}});
        slot = &fields.back();
      }
      if (rule && !rule->label.empty()) (*slot)["Name"] = rule->label;
      (*slot)["StringValue"] = Cut(v.value, kCustomFieldMax);
    } else {
      errors.push_back({at + ".target", CheckOrderTarget(v.target)});
    }
  }
  return errors;
}

const std::map<std::string, std::string>& DefaultMappingFiles() {
  static const std::map<std::string, std::string> kFiles = {{"order", kDefaultOrder}};
  return kFiles;
}

}  // namespace es::mapping

namespace es::mapping {

std::vector<MappingError> ApplyOrderMapping(const FieldMap& map, const Json& record, const IdLookup& lookup,
                                            Json& doc) {
  Evaluation ev = EvaluateFieldMap(map, record, lookup);
  std::vector<MappingError> errors = std::move(ev.errors);
  for (auto& e : ApplyToQboDocument(map, ev.values, doc)) errors.push_back(std::move(e));
  return errors;
}

Status MappingErrorsStatus(const std::string& name, const std::vector<MappingError>& errors) {
  if (errors.empty()) return Status::Ok();
  std::string msg = "mapping '" + name + "': ";
  for (size_t i = 0; i < errors.size(); ++i) msg += (i ? "; " : "") + FormatMappingError(errors[i]);
  return Status::Validation(msg, "mapping_failed");
}

}  // namespace es::mapping
