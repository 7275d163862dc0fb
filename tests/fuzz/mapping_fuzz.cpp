// Fuzzes the field mapping parser (mapping/field_map.h, field_map_qbo.h):
// any text must parse to a mapping or to errors that each name a place,
// never crash; a mapping that parses must run on a sample order, write into
// a QBO document without breaking the 3-custom-field limit, and its JSON
// must parse again to the same rules (export → import round trip).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/json.h"
#include "mapping/field_map.h"
#include "mapping/field_map_qbo.h"

namespace {

void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "mapping_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

const es::Json& Sample() {
  static const es::Json kOrder = es::Json::parse(R"({
    "id": 7, "number": "7", "status": "completed", "date_created": "2026-01-05T08:09:10", "total": "12.50",
    "customer_id": 3, "customer_note": "note", "billing": {"email": "a@b.co", "last_name": "Lee"},
    "meta_data": [{"id": 1, "key": "_vat_number", "value": "GB1"}],
    "line_items": [{"id": 1, "sku": "x", "quantity": 2}, {"id": 2, "sku": "y", "quantity": 1}],
    "shipping_lines": [{"id": 3, "method_title": "Post"}]})");
  return kOrder;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<es::mapping::MappingError> errors;
  auto m = es::mapping::ParseMappingFile(text, "woo", &errors);
  if (!m.ok()) {
    if (errors.empty()) Fail("rejected without errors", m.status().message());
    return 0;
  }
  if (!errors.empty()) Fail("accepted with errors", errors.front().message);
  es::mapping::IdLookup lookup = [](const std::string&, const std::string& id)
      -> es::Result<std::optional<std::string>> { return std::optional<std::string>("q" + id); };
  es::Json doc = {{"CustomField", es::Json::array({{{"DefinitionId", "1"}, {"StringValue", "x"}}})}};
  (void)es::mapping::ApplyOrderMapping(*m, Sample(), lookup, doc);
  if (doc["CustomField"].size() > 3) Fail("more than 3 custom fields", doc.dump());
  auto again = es::mapping::ParseMappingFile(es::DumpJson(m->document), "woo", &errors);
  if (!again.ok()) Fail("export does not import", again.status().message());
  if (again->rules.size() != m->rules.size()) Fail("round trip changed the rules", es::DumpJson(m->document));
  for (size_t i = 0; i < m->rules.size(); ++i)
    if (again->rules[i].target != m->rules[i].target) Fail("round trip changed a target", m->rules[i].target);
  return 0;
}
