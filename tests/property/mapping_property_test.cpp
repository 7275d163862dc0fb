// Field mappings (SPEC F6): a mapping exported (its JSON written out) and
// imported again is the same mapping — it checks, and it gives the same
// document fields on any order — and rules are evaluated independently of
// the values they meet (no value makes a checked mapping fail to apply
// except the documented record errors).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "mapping/field_map.h"
#include "mapping/field_map_qbo.h"

namespace es::testing {
namespace {

const std::vector<std::string> kSources = {"billing.email", "billing.last_name", "number", "id", "customer_note",
                                           "status", "meta_data[key=_vat_number].value", "line_items[0].sku",
                                           "shipping_lines[0].method_title", "date_created"};
const std::vector<std::string> kTargets = {"PrivateNote", "CustomerMemo", "ShipMethodRef", "TrackingNum",
                                           "CustomField.1", "CustomField.2", "CustomField.3"};

Json Transform() {
  switch (*rc::gen::inRange(0, 6)) {
    case 0: return {{"op", "upper"}};
    case 1: return {{"op", "lower"}};
    case 2: return {{"op", "trim"}};
    case 3: return {{"op", "truncate"}, {"length", *rc::gen::inRange(1, 50)}};
    case 4: return {{"op", "map"}, {"values", {{"completed", "Done"}}}, {"default", "?"}};
    default: return {{"op", "concat"}, {"prefix", *rc::gen::element<std::string>("", "x ", "#")}};
  }
}

Json RandomMapping() {
  const int n = *rc::gen::inRange(1, static_cast<int>(kTargets.size()) + 1);
  auto targets = kTargets;
  Json rules = Json::array();
  for (int i = 0; i < n; ++i) {
    Json r = {{"source", *rc::gen::elementOf(kSources)}, {"target", targets[i]}};
    Json ts = Json::array();
    const int k = *rc::gen::inRange(0, 3);
    for (int j = 0; j < k; ++j) ts.push_back(Transform());
    if (!ts.empty()) r["transforms"] = ts;
    if (*rc::gen::arbitrary<bool>()) r["default"] = *rc::gen::element<std::string>("none", "-", "0");
    rules.push_back(r);
  }
  return {{"name", "order"}, {"entity", "order"}, {"target", "qbo"}, {"rules", rules}};
}

Json RandomOrder() {
  auto text = [] { return *rc::gen::container<std::string>(rc::gen::inRange<char>(32, 127)); };
  return {{"id", *rc::gen::inRange(1, 100000)},
          {"number", text()},
          {"status", *rc::gen::element<std::string>("completed", "processing")},
          {"customer_note", text()},
          {"date_created", "2026-01-02T03:04:05"},
          {"billing", {{"email", text()}, {"last_name", text()}}},
          {"meta_data", Json::array({{{"key", "_vat_number"}, {"value", text()}}})},
          {"line_items", Json::array({{{"sku", text()}}})},
          {"shipping_lines", Json::array({{{"method_title", text()}}})}};
}

RC_GTEST_PROP(MappingProperty, ExportThenImportIsTheSameMapping, ()) {
  const Json doc = RandomMapping();
  std::vector<mapping::MappingError> errors;
  auto first = mapping::ParseMappingFile(DumpJson(doc), "woo", &errors);
  RC_ASSERT(first.ok());
  auto second = mapping::ParseMappingFile(first->document.dump(2), "woo", &errors);
  RC_ASSERT(second.ok());
  RC_ASSERT(second->document == doc);
  const Json order = RandomOrder();
  Json a = Json::object();
  Json b = Json::object();
  auto ea = mapping::ApplyOrderMapping(*first, order, nullptr, a);
  auto eb = mapping::ApplyOrderMapping(*second, order, nullptr, b);
  RC_ASSERT(ea == eb);
  RC_ASSERT(a == b);
  RC_ASSERT(ea.empty());  // no required rules, no date or number transforms: nothing can fail
  RC_ASSERT(!a.contains("CustomField") || a["CustomField"].size() <= 3u);
}

}  // namespace
}  // namespace es::testing
