// The QBO query language subset the sandbox understands (reference §4):
//
//   SELECT * | COUNT(*) | f1, f2 FROM <Entity>
//     [WHERE <field> <op> <value> [AND …]]
//     [ORDERBY <field> [ASC|DESC] [, …]] [STARTPOSITION n] [MAXRESULTS m]
//
// ops: = < > <= >= IN (v, …) LIKE '…%…' ('%' is the only wildcard). Values:
// single-quoted strings with backslash escapes (\' and \\; a backslash
// before any other character is kept as a literal backslash, which is what
// clients that escape only quotes rely on), bare numbers, bare true/false.
// Keywords are case-insensitive; fields may be dotted
// (MetaData.LastUpdatedTime). OR, JOIN, GROUP BY, NOT and
// other operators are rejected. MAXRESULTS defaults to 100 and may not
// exceed 1000; STARTPOSITION is 1-based. A field list is accepted and
// ignored (QBO always returns whole objects).
//
// ParseQuery is pure and total: any input, including invalid UTF-8 or
// hostile text, yields a Query or a Validation status whose message starts
// with "QueryParserError:" or "QueryValidationError:". Matching compares
// numbers exactly (Decimal), timestamps by instant, and text
// case-insensitively (see Lower() in wire.h), like QBO.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace es::qbo::sandbox {

enum class CompareOp { kEq, kLt, kGt, kLe, kGe, kIn, kLike };

struct Literal {
  enum class Kind { kString, kNumber, kBool };
  Kind kind = Kind::kString;
  std::string text;  // unescaped string, number text, or "true"/"false"
};

struct Condition {
  std::string field;  // as written, e.g. "MetaData.LastUpdatedTime"
  CompareOp op = CompareOp::kEq;
  std::vector<Literal> values;  // one value, or the IN list
};

struct OrderKey {
  std::string field;
  bool descending = false;
};

struct Query {
  bool count = false;
  std::string entity;  // as written after FROM
  std::vector<Condition> where;
  std::vector<OrderKey> order_by;
  int64_t start_position = 1;
  int64_t max_results = 100;
};

inline constexpr int64_t kMaxQueryResults = 1000;
inline constexpr size_t kMaxQueryLength = 100'000;

Result<Query> ParseQuery(std::string_view text);

// The value of a (dotted) field; references {"value": …} yield their value.
// nullptr when absent.
const Json* QueryFieldValue(const Json& entity, std::string_view field);
bool MatchCondition(const Condition& c, const Json& entity);
bool MatchesAll(const std::vector<Condition>& where, const Json& entity);
// Three-way comparison for ORDERBY; absent values sort first.
int CompareForOrder(const std::vector<OrderKey>& keys, const Json& a, const Json& b);
// Case-insensitive LIKE with '%' as the only wildcard.
bool LikeMatch(std::string_view pattern, std::string_view text);
// True when some WHERE condition names `field` (case-insensitive).
bool MentionsField(const Query& q, std::string_view field);

}  // namespace es::qbo::sandbox
