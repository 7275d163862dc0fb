// QuickBooks Online as a mapping target (SPEC F6): which fields of an order's
// Invoice / SalesReceipt a mapping may set, how they are written into the
// encoded document (qbo/codec EncodeSalesDocument JSON), and the default
// mappings shipped with the binary (mappings/*.json, embedded here).
//
// Order document targets:
//   PrivateNote     internal memo, cut to 4000 characters
//   CustomerMemo    printed on the form ({"value": …}), cut to 1000
//   ShipMethodRef   shipping method, a free string ({"value": …})
//   TrackingNum     tracking number
//   ShipDate        YYYY-MM-DD (use dateFormat "%Y-%m-%d")
//   BillEmail       an address with '@' and '.' ({"Address": …})
//   CustomField.<DefinitionId>  a String custom field (the rule's label is its
//                   Name), cut to 31 characters like the transformer's own;
//                   QBO takes at most 3 custom fields per document.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mapping/field_map.h"

namespace es::mapping {

// The mapping applied to order documents is the tenant's mapping of this name.
inline constexpr char kOrderMappingName[] = "order";
inline constexpr int kQboMaxCustomFields = 3;

// The target spec for (qbo, order).
const TargetSpec& QboOrderTarget();
// The spec for a mapping's (target, entity), or nullptr when none is known.
const TargetSpec* FindTargetSpec(const std::string& target, const std::string& entity);

// Parses and validates a mapping file against its own target/entity (read
// from the document) and the known source schema for `source_kind`.
Result<FieldMap> ParseMappingFile(std::string_view text, const std::string& source_kind,
                                  std::vector<MappingError>* errors);
std::optional<FieldMap> CheckMappingJson(const Json& doc, const std::string& source_kind,
                                         std::vector<MappingError>* errors);

// Writes `values` (from EvaluateFieldMap of `map`) into the encoded QBO
// sales document `doc`. Errors name the rule (a ShipDate that is not a
// date, a BillEmail without '@', a 4th custom field once the transformer's
// own are counted); nothing is written for a rule in error.
std::vector<MappingError> ApplyToQboDocument(const FieldMap& map, const std::vector<MappedValue>& values, Json& doc);

// The shipped default mappings, name → file text (mappings/<name>.json).
const std::map<std::string, std::string>& DefaultMappingFiles();

}  // namespace es::mapping

namespace es::mapping {

// Evaluates `map` on the source `record` and writes the values into the
// encoded QBO document `doc`: the one step the sync and the preview share.
// Every rule error (evaluation or writing) is returned; a non-empty list
// means the document must not be sent.
std::vector<MappingError> ApplyOrderMapping(const FieldMap& map, const Json& record, const IdLookup& lookup, Json& doc);
// The errors as one Validation status (code "mapping_failed"), naming the
// mapping and each rule; Ok when `errors` is empty.
Status MappingErrorsStatus(const std::string& name, const std::vector<MappingError>& errors);

}  // namespace es::mapping
