// Declarative field mappings (SPEC F6): a tenant's JSON rules that set
// fields of a target document from paths into the source record.
//
// A mapping file:
//   {"name": "order", "entity": "order", "target": "qbo", "description": "…",
//    "rules": [
//      {"source": "billing.email", "target": "CustomField.1", "label": "Email",
//       "transforms": [{"op": "upper"}], "required": true},
//      {"source": ["number", "billing.last_name"], "target": "PrivateNote",
//       "transforms": [{"op": "concat", "separator": " / ", "prefix": "Woo "}]},
//      {"source": "meta_data[key=_vat_number].value", "target": "CustomField.2", "default": "none"}]}
//
// Source paths (into the record as the source sent it):
//   a.b.c             nested object fields
//   items[]           every element of a list (the value becomes a list)
//   items[2]          one element by position (0-based)
//   meta_data[key=x]  the first element whose field `key` is "x" (text compare)
// Several sources make a list of their values, in order. A rule with no
// source takes its `default` as a constant.
//
// Evaluation of a rule: the value (text, or a list of texts) goes through
// the transforms in order (field_map_transforms.cpp; a scalar transform on a
// list applies to each element); an empty result takes `default`; still
// empty and `required` → an error naming the rule; still empty otherwise →
// the rule sets nothing (the transformer's value stays).
//
// This engine knows nothing about any platform: the fields a source record
// has come from a SourceSchema (field_map_schema.cpp) and the fields a
// target takes from a TargetSpec (field_map_qbo.h for QuickBooks Online).
// Errors are values: every problem is a MappingError whose path names the
// rule ("rules[2].transforms[0].format").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace es::mapping {

struct MappingError {
  std::string path;     // "rules[2].source", "name", "" (the whole file)
  std::string message;
  bool operator==(const MappingError&) const = default;
};
// "rules[2].source: unknown field 'emial' …" — one line per error.
std::string FormatMappingError(const MappingError& e);
Json MappingErrorsJson(const std::vector<MappingError>& errors);  // [{"path","message"}]

struct PathSegment {
  enum class Kind { kField, kEach, kIndex, kSelect };
  std::string name;  // the field
  Kind kind = Kind::kField;
  size_t index = 0;        // kIndex
  std::string select_key;  // kSelect: element field
  std::string select_value;
  bool operator==(const PathSegment&) const = default;
};

struct SourcePath {
  std::string text;
  std::vector<PathSegment> segments;
  bool IsList() const;  // has a [] segment
};
// Parses "billing.email", "line_items[].sku", "meta_data[key=_vat].value";
// the error message says where the text goes wrong.
Result<SourcePath> ParseSourcePath(std::string_view text);

struct TransformSpec {
  std::string op;  // "upper", "concat", …
  Json args;       // the transform object as written (with "op")
};

struct MappingRule {
  std::vector<SourcePath> sources;
  std::string target;
  std::optional<std::string> default_value;
  bool required = false;
  std::vector<TransformSpec> transforms;
  std::string label;        // optional display name (QBO custom field Name)
  std::string description;  // optional
};

struct FieldMap {
  std::string name;
  std::string entity;  // "order"
  std::string target;  // target connector kind: "qbo"
  std::string description;
  std::vector<MappingRule> rules;
  Json document;  // the file as parsed (what export gives back)
};

// The fields a source record may have. `tree` is an object: field → type
// ("string", "number", "date", "id", "bool", "any": anything below is not
// checked), nested object, or a one-element array holding the element's
// schema (a list of objects).
struct SourceSchema {
  Json tree;
};
// Known schema for (source kind, entity), or nullptr when none is known
// (paths are then checked for syntax only).
const SourceSchema* KnownSourceSchema(const std::string& source_kind, const std::string& entity);

// What a target takes. check_target: "" when `target` names a field this
// target takes, else why not. check_map: whole-map rules (e.g. at most 3
// QBO custom fields), errors with rule paths.
struct TargetSpec {
  std::string kind;    // "qbo"
  std::string entity;  // "order"
  std::function<std::string(const std::string& target)> check_target;
  std::function<std::vector<MappingError>(const FieldMap&)> check_map;
};

// Names: 1–64 of [a-z0-9._-], starting with a letter or digit.
bool ValidMappingName(const std::string& name);

// Parses and validates a mapping file. `target` and `schema` may be null
// (the respective checks are skipped). Every error found is returned, not
// only the first. The parser never throws and bounds its work by the size
// of the input.
Result<FieldMap> ParseFieldMap(std::string_view text, const TargetSpec* target, const SourceSchema* schema,
                               std::vector<MappingError>* errors);
// Same, from a parsed JSON document.
std::optional<FieldMap> FieldMapFromJson(const Json& doc, const TargetSpec* target, const SourceSchema* schema,
                                         std::vector<MappingError>* errors);

// Looks a source id up in the id map: the target id of (entity, source_id),
// nullopt when not mapped. Errors are store failures.
using IdLookup = std::function<Result<std::optional<std::string>>(const std::string& entity,
                                                                 const std::string& source_id)>;

struct MappedValue {
  size_t rule = 0;  // index in FieldMap::rules
  std::string target;
  std::string value;
  bool operator==(const MappedValue&) const = default;
};

struct Evaluation {
  std::vector<MappedValue> values;  // in rule order; rules that set nothing are absent
  std::vector<MappingError> errors; // required values missing, transforms that failed on this record
};

// Runs every rule of `map` on `record`. `lookup` serves the "lookup"
// transform (without one, lookups find nothing). Never fails as a whole:
// per-rule problems go to Evaluation::errors.
Evaluation EvaluateFieldMap(const FieldMap& map, const Json& record, const IdLookup& lookup);

// The value `path` selects in `record`: a scalar (null when absent) or,
// for paths with [], a list.
Json SelectPath(const Json& record, const SourcePath& path);

// ---- transforms (field_map_transforms.cpp) ---------------------------------

// The transform names known, in documentation order.
const std::vector<std::string>& TransformNames();
// Checks a transform's arguments; errors are appended with paths under `path`.
// `input_list`: whether the value reaching it is a list; updated to whether
// its output is one. `input_type`: the schema type of the value ("" unknown).
void CheckTransform(const TransformSpec& t, const std::string& path, bool& input_list, const std::string& input_type,
                    std::vector<MappingError>& errors);
// Applies one (checked) transform to `value` (a string or an array of strings).
Result<Json> ApplyTransform(const TransformSpec& t, const Json& value, const IdLookup& lookup);

}  // namespace es::mapping
