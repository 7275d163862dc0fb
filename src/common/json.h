// JSON with exact numbers.
//
// ParseJson keeps the literal text of every non-integer number (e.g. 337.50,
// 3.3333333333333335) instead of converting it to double: such numbers are
// stored as a tagged string, and DumpJson writes them back as bare JSON
// numbers. JsonNumber(Decimal) builds such a value for output. Readers use the
// Get* helpers, which accept a number, a tagged number or a numeric string.
// Parsing enforces a nesting limit so hostile input cannot exhaust the stack.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/decimal.h"
#include "common/status.h"

namespace es {

using Json = nlohmann::json;

struct JsonParseOptions {
  size_t max_depth = 64;
  size_t max_bytes = 32u << 20;  // 32 MiB
};

// Parses `text`; on failure names the byte offset and what was wrong.
Result<Json> ParseJson(std::string_view text, const JsonParseOptions& options = {});
// Serialises compactly, writing tagged numbers as bare numbers.
std::string DumpJson(const Json& j);

// A JSON number with exactly the text of `d` (shortest form, e.g. 7.5).
Json JsonNumber(Decimal d);
// A JSON number written with exactly `places` decimals (e.g. 337.50).
Json JsonNumberFixed(Decimal d, int places);
// True when `s` is exactly one JSON number literal: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
bool IsJsonNumberLiteral(std::string_view s);
// True when `j` is a number (native or tagged).
bool IsJsonNumber(const Json& j);

// Field access with clear errors: "field 'total': expected a string, got number".
// `key` may be a dot path ("billing.email").
const Json* FindPath(const Json& j, std::string_view path);
Result<std::string> GetString(const Json& j, std::string_view key);
std::string GetStringOr(const Json& j, std::string_view key, std::string fallback = {});
Result<int64_t> GetInt(const Json& j, std::string_view key);
int64_t GetIntOr(const Json& j, std::string_view key, int64_t fallback);
// Accepts a JSON number or a numeric string; exact (fails beyond 6 places).
Result<Decimal> GetDecimal(const Json& j, std::string_view key);
// Same, rounding beyond 6 places (PHP floats).
Result<Decimal> GetDecimalRounded(const Json& j, std::string_view key);
bool GetBoolOr(const Json& j, std::string_view key, bool fallback);
// Decimal from a single value (not a field).
Result<Decimal> DecimalFromJson(const Json& v, bool rounded = false);
// The text of a scalar: strings as-is, numbers exactly, bool/null as words.
std::string ScalarText(const Json& v);

}  // namespace es
