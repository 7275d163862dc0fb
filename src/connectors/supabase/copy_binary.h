// PostgreSQL's binary COPY format for warehouse rows (COPY … FROM STDIN
// WITH (FORMAT binary)): the server takes the values as they are stored
// instead of parsing text — numeric as base-10000 digits, timestamptz as
// microseconds since 2000-01-01 UTC, jsonb as version 1 + its text.
//
// Only values in the exact forms the row builders write are encoded
// (numbers "-123.45", times "YYYY-MM-DDTHH:MM:SS[.ffffff]Z", booleans
// "true"/"false", integers in range); for anything else AppendBinaryRow
// returns false and the caller sends the batch as text COPY, so the
// database's own parser keeps judging unusual input. Pure functions; the
// buffers are appended to, never reallocated per value beyond their growth.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/supabase/schema.h"

namespace es::supabase {

// The 19-byte signature, flags and header extension that open a binary COPY.
void AppendBinaryCopyHeader(std::string* out);
// The trailer (a field count of -1) that ends it.
void AppendBinaryCopyTrailer(std::string* out);

// One tuple: the values of `values` typed by `columns`, then `extra_text`
// values as text (content_hash). False, with *out as it was, when a value
// is not in a form encoded here.
bool AppendBinaryRow(std::string* out, const std::vector<ColumnSpec>& columns,
                     const std::vector<std::optional<std::string>>& values,
                     std::span<const std::string_view> extra_text);

// Single values (exposed for tests): false when `text` is not in the form above.
bool AppendBinaryNumeric(std::string* out, std::string_view text);
bool AppendBinaryTimestamp(std::string* out, std::string_view text);

}  // namespace es::supabase
