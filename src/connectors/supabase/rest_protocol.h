// The PostgREST / Supabase REST protocol subset both the REST writer and the
// REST sandbox speak: error shapes, the SQLSTATE → HTTP table, filter value
// quoting and JSON string escaping. Pure functions; thread-safe.
//
// Error bodies are {code, details, hint, message} (PostgREST, SQLSTATE or
// PGRSTxxx codes) or, from the API gateway, {message, hint}. Status codes
// carried over: "pg:<SQLSTATE>" for database errors, the PGRST code as is.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace es::supabase {

// Maps a failed REST response to a Status. `table` names the table the
// request was about (for the "does not exist" message). Never includes
// request headers (the key) in the message.
Status StatusFromRestError(int http_status, std::string_view body, std::string_view table,
                           std::optional<int64_t> retry_after_ms = {});

// The HTTP status PostgREST answers for a database error with `sqlstate`.
int HttpStatusForSqlState(std::string_view sqlstate);

// {"code":…,"details":…,"hint":…,"message":…} (null for empty details/hint).
std::string RestErrorBody(std::string_view code, std::string_view message, std::string_view details = {},
                          std::string_view hint = {});

// in.("a","b\"c") — the value list of an `in` filter, quoted.
std::string InList(const std::vector<std::string>& values);
// Parses the inside of an in-list ("a","b",c) into values; false when malformed.
bool ParseInList(std::string_view text, std::vector<std::string>* out);

// Appends `s` as a JSON string literal; false (nothing appended) when `s`
// is not valid UTF-8.
bool AppendJsonString(std::string* out, std::string_view s);
bool IsValidUtf8(std::string_view s);

}  // namespace es::supabase
