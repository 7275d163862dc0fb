#include "mapping/field_map.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "mapping/field_map_qbo.h"

namespace es::mapping {
namespace {

Json Order() {
  return Json::parse(R"({
    "id": 1042, "number": "1042", "status": "processing", "date_created": "2026-03-02T10:20:30",
    "total": "107.80", "customer_id": 25, "customer_note": "  Leave at door  ",
    "payment_method_title": "Card", "transaction_id": "ch_1",
    "billing": {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"},
    "meta_data": [{"id": 1, "key": "_other", "value": "x"}, {"id": 2, "key": "_vat_number", "value": "GB123"},
                  {"id": 3, "key": "_big", "value": 1234567.5}],
    "line_items": [{"id": 1, "sku": "hood-m", "name": "Hoodie"}, {"id": 2, "sku": "", "name": "Cap"},
                   {"id": 3, "sku": "mug", "name": "Mug"}],
    "shipping_lines": [{"id": 9, "method_title": "Flat rate", "total": "5.00"}]
  })");
}

// Parses a mapping against the QBO order target and the Woo order schema.
std::optional<FieldMap> Check(const std::string& rules, std::vector<MappingError>* errors) {
  return CheckMappingJson(Json::parse(R"({"name":"order","entity":"order","target":"qbo","rules":)" + rules + "}"),
                          "woo", errors);
}

std::vector<MappedValue> Values(const std::string& rules, const IdLookup& lookup = nullptr) {
  std::vector<MappingError> errors;
  auto m = Check(rules, &errors);
  EXPECT_TRUE(m.has_value()) << (errors.empty() ? "" : FormatMappingError(errors[0]));
  if (!m) return {};
  Evaluation ev = EvaluateFieldMap(*m, Order(), lookup);
  EXPECT_TRUE(ev.errors.empty()) << FormatMappingError(ev.errors[0]);
  return ev.values;
}

std::string One(const std::string& rule, const IdLookup& lookup = nullptr) {
  auto v = Values("[" + rule + "]", lookup);
  return v.empty() ? "<none>" : v[0].value;
}

TEST(FieldMapPath, ParsesEveryForm) {
  auto p = ParseSourcePath("meta_data[key=_vat_number].value");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->segments.size(), 2u);
  EXPECT_EQ(p->segments[0].kind, PathSegment::Kind::kSelect);
  EXPECT_EQ(p->segments[0].select_key, "key");
  EXPECT_EQ(p->segments[0].select_value, "_vat_number");
  auto q = ParseSourcePath("line_items[].sku");
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->IsList());
  auto r = ParseSourcePath("line_items[2].name");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->segments[0].index, 2u);
  for (const char* bad : {"", ".a", "a..b", "a[", "a[x]", "a]b", "a b", "a[=v]"})
    EXPECT_FALSE(ParseSourcePath(bad).ok()) << bad;
}

TEST(FieldMapPath, SelectsValuesAndLists) {
  EXPECT_EQ(One(R"({"source":"billing.email","target":"PrivateNote"})"), "ann@example.com");
  EXPECT_EQ(One(R"({"source":"meta_data[key=_vat_number].value","target":"PrivateNote"})"), "GB123");
  EXPECT_EQ(One(R"({"source":"line_items[1].name","target":"PrivateNote"})"), "Cap");
  EXPECT_EQ(One(R"({"source":"id","target":"PrivateNote"})"), "1042");
  EXPECT_EQ(One(R"({"source":"line_items[].sku","target":"PrivateNote","transforms":[{"op":"concat","separator":","}]})"),
            "hood-m,mug");
  // Missing values: nothing is set; a default fills in; required fails naming the rule.
  EXPECT_EQ(One(R"({"source":"billing.company","target":"PrivateNote"})"), "<none>");
  EXPECT_EQ(One(R"({"source":"meta_data[key=_nope].value","target":"PrivateNote","default":"n/a"})"), "n/a");
  std::vector<MappingError> errors;
  auto m = Check(R"([{"source":"billing.email","target":"CustomerMemo"},
                     {"source":"billing.company","target":"PrivateNote","required":true}])", &errors);
  ASSERT_TRUE(m);
  Evaluation ev = EvaluateFieldMap(*m, Order(), nullptr);
  ASSERT_EQ(ev.errors.size(), 1u);
  EXPECT_EQ(ev.errors[0].path, "rules[1]");
  EXPECT_NE(ev.errors[0].message.find("billing.company"), std::string::npos);
}

TEST(FieldMapTransforms, EachTransform) {
  EXPECT_EQ(One(R"({"source":"billing.email","target":"PrivateNote","transforms":[{"op":"upper"}]})"),
            "ANN@EXAMPLE.COM");
  EXPECT_EQ(One(R"({"source":"billing.last_name","target":"PrivateNote","transforms":[{"op":"lower"}]})"), "lee");
  EXPECT_EQ(One(R"({"source":"customer_note","target":"PrivateNote","transforms":[{"op":"trim"}]})"),
            "Leave at door");
  EXPECT_EQ(One(R"({"source":"date_created","target":"PrivateNote","transforms":[{"op":"dateFormat","format":"%d/%m/%Y %H:%M"}]})"),
            "02/03/2026 10:20");
  EXPECT_EQ(One(R"({"source":["billing.first_name","billing.company","billing.last_name"],"target":"PrivateNote",
                   "transforms":[{"op":"concat","separator":" ","prefix":"<","suffix":">"}]})"),
            "<Ann Lee>");
  EXPECT_EQ(One(R"({"source":"billing.email","target":"PrivateNote","transforms":[{"op":"split","separator":"@","index":1}]})"),
            "example.com");
  EXPECT_EQ(One(R"({"source":"billing.email","target":"PrivateNote","transforms":[{"op":"split","separator":"@"},{"op":"concat","separator":" at "}]})"),
            "ann at example.com");
  EXPECT_EQ(One(R"({"source":"total","target":"PrivateNote","transforms":[{"op":"number","decimals":1,"decimalSeparator":","}]})"),
            "107,8");
  EXPECT_EQ(One(R"({"source":"total","target":"PrivateNote","transforms":[{"op":"number","decimals":0}]})"), "108");
  EXPECT_EQ(One(R"({"default":"1234567.5","target":"PrivateNote","transforms":[]})"), "1234567.5");
  EXPECT_EQ(One(R"({"source":"billing.email","target":"PrivateNote","transforms":[{"op":"truncate","length":3}]})"), "ann");
  EXPECT_EQ(One(R"({"source":"status","target":"PrivateNote","transforms":[{"op":"map","values":{"processing":"Paid"}}]})"),
            "Paid");
  EXPECT_EQ(One(R"({"source":"status","target":"PrivateNote","transforms":[{"op":"map","values":{"x":"y"},"default":"?"}]})"),
            "?");
  IdLookup lookup = [](const std::string& entity, const std::string& id) -> Result<std::optional<std::string>> {
    if (entity == "customer" && id == "25") return std::optional<std::string>("58");
    return std::optional<std::string>();
  };
  EXPECT_EQ(One(R"({"source":"customer_id","target":"PrivateNote","transforms":[{"op":"lookup","entity":"customer"}]})",
                lookup),
            "58");
  EXPECT_EQ(One(R"({"source":"id","target":"PrivateNote","default":"none","transforms":[{"op":"lookup","entity":"order"}]})",
                lookup),
            "none");
  // Thousands separators; defaults are final (not transformed).
  auto v = Values(R"([{"source":"meta_data[key=_other].value","target":"TrackingNum","default":"0"},
                   {"source":"meta_data[key=_big].value","target":"PrivateNote","transforms":[{"op":"number","thousandsSeparator":","}]}])");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].value, "1,234,567.50");
}

TEST(FieldMapTransforms, BadRecordValueIsARuleError) {
  std::vector<MappingError> errors;
  auto m = Check(R"([{"source":"billing.email","target":"PrivateNote","transforms":[{"op":"number"}]}])", &errors);
  ASSERT_TRUE(m);
  Evaluation ev = EvaluateFieldMap(*m, Order(), nullptr);
  ASSERT_EQ(ev.errors.size(), 1u);
  EXPECT_EQ(ev.errors[0].path, "rules[0].transforms[0]");
  EXPECT_NE(ev.errors[0].message.find("not a number"), std::string::npos);
}

// Every validation error names the rule (and the part of it) that is wrong.
TEST(FieldMapValidation, PreciseErrors) {
  struct Case {
    const char* rules;
    const char* path;
    const char* says;
  } cases[] = {
      {R"([{"source":"billing.emial","target":"PrivateNote"}])", "rules[0].source", "unknown field 'billing.emial'"},
      {R"([{"source":"nope","target":"PrivateNote"}])", "rules[0].source", "unknown field 'nope'"},
      {R"([{"source":"line_items.sku","target":"PrivateNote"}])", "rules[0].source", "is a list"},
      {R"([{"source":"billing[].email","target":"PrivateNote"}])", "rules[0].source", "not a list"},
      {R"([{"source":"billing","target":"PrivateNote"}])", "rules[0].source", "not a value"},
      {R"([{"source":"meta_data[nokey=x].value","target":"PrivateNote"}])", "rules[0].source", "no field 'nokey'"},
      {R"([{"source":"a[","target":"PrivateNote"}])", "rules[0].source", "not closed"},
      {R"([{"source":"id","target":"Memo"}])", "rules[0].target", "not a QuickBooks order document field"},
      {R"([{"source":"id","target":"CustomFieldX"}])", "rules[0].target", "CustomField.<DefinitionId>"},
      {R"([{"source":"id","target":"PrivateNote","transforms":[{"op":"shout"}]}])", "rules[0].transforms[0].op",
       "unknown transform 'shout'"},
      {R"([{"source":"id","target":"PrivateNote","transforms":[{"op":"truncate"}]}])", "rules[0].transforms[0].length",
       "required"},
      {R"([{"source":"id","target":"PrivateNote","transforms":[{"op":"truncate","length":0}]}])",
       "rules[0].transforms[0].length", "an integer"},
      {R"([{"source":"id","target":"PrivateNote","transforms":[{"op":"upper","x":1}]}])", "rules[0].transforms[0].x",
       "takes no argument"},
      {R"([{"source":"date_created","target":"PrivateNote","transforms":[{"op":"dateFormat","format":"%Q"}]}])",
       "rules[0].transforms[0].format", "not supported"},
      {R"([{"source":"total","target":"PrivateNote","transforms":[{"op":"dateFormat","format":"%Y"}]}])",
       "rules[0].transforms[0]", "source is a number field"},
      {R"([{"source":"date_paid","target":"PrivateNote","transforms":[{"op":"number"}]}])", "rules[0].transforms[0]",
       "source is a date field"},
      {R"([{"source":"id","target":"PrivateNote","transforms":[{"op":"lookup","entity":"vendor"}]}])",
       "rules[0].transforms[0].entity", "not an id-map entity"},
      {R"([{"source":"line_items[].sku","target":"PrivateNote"}])", "rules[0].transforms", "yields a list"},
      {R"([{"source":["id","number"],"target":"PrivateNote","transforms":[{"op":"upper"}]}])", "rules[0].transforms",
       "yields a list"},
      {R"([{"target":"PrivateNote"}])", "rules[0].source", "required"},
      {R"([{"source":"id"}])", "rules[0].target", "required"},
      {R"([{"source":"id","target":"PrivateNote","colour":"red"}])", "rules[0].colour", "unknown key"},
      {R"([{"source":"id","target":"PrivateNote","required":"yes"}])", "rules[0].required", "true or false"},
      {R"([{"source":"id","target":"PrivateNote"},{"source":"number","target":"PrivateNote"}])", "rules[1].target",
       "already set by rules[0]"},
      {R"([{"source":"id","target":"CustomField.1"},{"source":"id","target":"CustomField.2"},
           {"source":"id","target":"CustomField.3"},{"source":"number","target":"CustomField.4"}])",
       "rules[3].target", "more than 3 QBO custom fields"},
  };
  for (const Case& c : cases) {
    std::vector<MappingError> errors;
    EXPECT_FALSE(Check(c.rules, &errors).has_value()) << c.rules;
    ASSERT_FALSE(errors.empty()) << c.rules;
    EXPECT_EQ(errors[0].path, c.path) << c.rules << " → " << FormatMappingError(errors[0]);
    EXPECT_NE(errors[0].message.find(c.says), std::string::npos) << c.rules << " → " << errors[0].message;
  }
}

TEST(FieldMapValidation, FileLevelErrors) {
  std::vector<MappingError> errors;
  EXPECT_FALSE(ParseMappingFile("{", "woo", &errors).ok());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("not valid JSON"), std::string::npos);
  auto r = ParseMappingFile(R"({"name":"Bad Name","entity":"order","target":"qbo","rules":[],"x":1})", "woo", &errors);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "invalid_mapping");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].path, "x");
  EXPECT_EQ(errors[1].path, "name");
  EXPECT_FALSE(ParseMappingFile(R"({"name":"c","entity":"customer","target":"qbo","rules":[]})", "woo", &errors).ok());
  EXPECT_EQ(errors[0].path, "target");
}

TEST(FieldMapQbo, AppliesOntoTheDocument) {
  std::vector<MappingError> errors;
  auto m = Check(R"([
      {"source":"billing.email","target":"CustomField.1","label":"Email","transforms":[{"op":"upper"}]},
      {"source":["number","billing.last_name"],"target":"PrivateNote","transforms":[{"op":"concat","separator":" / "}]},
      {"source":"customer_note","target":"CustomerMemo","transforms":[{"op":"trim"}]},
      {"source":"shipping_lines[0].method_title","target":"ShipMethodRef"},
      {"source":"date_created","target":"ShipDate","transforms":[{"op":"dateFormat","format":"%Y-%m-%d"}]},
      {"source":"billing.email","target":"BillEmail"}])", &errors);
  ASSERT_TRUE(m) << FormatMappingError(errors[0]);
  Json doc = {{"PrivateNote", "old"},
              {"CustomField", Json::array({{{"DefinitionId", "1"}, {"Name", "Old"}, {"StringValue", "x"}}})}};
  Evaluation ev = EvaluateFieldMap(*m, Order(), nullptr);
  ASSERT_TRUE(ev.errors.empty());
  EXPECT_TRUE(ApplyToQboDocument(*m, ev.values, doc).empty());
  EXPECT_EQ(doc["PrivateNote"], "1042 / Lee");
  EXPECT_EQ(doc["CustomerMemo"]["value"], "Leave at door");
  EXPECT_EQ(doc["ShipMethodRef"]["value"], "Flat rate");
  EXPECT_EQ(doc["ShipDate"], "2026-03-02");
  EXPECT_EQ(doc["BillEmail"]["Address"], "ann@example.com");
  ASSERT_EQ(doc["CustomField"].size(), 1u);  // DefinitionId 1 replaced, not added
  EXPECT_EQ(doc["CustomField"][0]["StringValue"], "ANN@EXAMPLE.COM");
  EXPECT_EQ(doc["CustomField"][0]["Name"], "Email");

  // A 4th custom field counting the transformer's own, and a bad ShipDate.
  auto m2 = Check(R"([{"source":"id","target":"CustomField.7"},{"source":"id","target":"ShipDate"}])", &errors);
  ASSERT_TRUE(m2);
  Json full = {{"CustomField", Json::array({{{"DefinitionId", "1"}}, {{"DefinitionId", "2"}}, {{"DefinitionId", "3"}}})}};
  auto errs = ApplyToQboDocument(*m2, EvaluateFieldMap(*m2, Order(), nullptr).values, full);
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].path, "rules[0]");
  EXPECT_NE(errs[0].message.find("at most 3"), std::string::npos);
  EXPECT_EQ(errs[1].path, "rules[1]");
  EXPECT_EQ(full["CustomField"].size(), 3u);
  EXPECT_FALSE(full.contains("ShipDate"));
}

TEST(FieldMapQbo, ShippedDefaultsAreValidAndMatchTheirFiles) {
  for (const auto& [name, text] : DefaultMappingFiles()) {
    std::vector<MappingError> errors;
    auto m = ParseMappingFile(text, "woo", &errors);
    ASSERT_TRUE(m.ok()) << name << ": " << m.status().ToString();
    EXPECT_EQ(m->name, name);
    std::ifstream in(std::string(ES_TESTDATA_DIR) + "/../../../mappings/" + name + ".json");
    ASSERT_TRUE(in.good()) << name;
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(Json::parse(ss.str()), Json::parse(text)) << "mappings/" << name << ".json differs from the embedded copy";
  }
}

}  // namespace
}  // namespace es::mapping
