// Wire-level helpers of the QBO sandbox: the Fault envelope (reference §7.1),
// the 401 gateway body (§2.7), money and time formatting (§1.6).
//
// ApiError is one QBO Fault error; ApiResult is what an operation answers
// before it is serialised. Outcome<T> carries a value or an ApiError.
// Everything here is a value type with no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "common/decimal.h"
#include "common/json.h"

namespace es::qbo::sandbox {

struct ApiError {
  int http_status = 400;
  std::string code;     // "6240"
  std::string message;  // "Duplicate Name Exists Error"
  std::string detail;
  std::string element;
  std::string type = "ValidationFault";
};

// Result of one API operation, before serialisation.
struct ApiResult {
  int status = 200;
  Json body;
  bool fault = false;  // faults go out as application/json, successes with charset
};

template <typename T>
class Outcome {
 public:
  Outcome(T v) : v_(std::move(v)) {}               // NOLINT(google-explicit-constructor)
  Outcome(ApiError e) : v_(std::move(e)) {}        // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  const ApiError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ApiError> v_;
};

// Named constructors for the Faults the sandbox produces (codes per §7.3).
ApiError ErrUnsupportedProperty(std::string_view property, std::string_view why = {});  // 2010
ApiError ErrRequiredParam(std::string_view param);                                      // 2020
ApiError ErrInvalidId(std::string_view value);                                          // 2030
ApiError ErrLength(std::string_view field, size_t max);                                 // 2050
ApiError ErrInvalidReference(std::string_view element, std::string_view what);          // 2500
ApiError ErrObjectNotFound(std::string_view entity, std::string_view id);               // 610
ApiError ErrStaleObject();                                                              // 5010
ApiError ErrDuplicateName(std::string_view existing_id);                                // 6240
ApiError ErrBusiness(std::string detail, std::string_view element = {});               // 6000
ApiError ErrAmountMismatch(std::string detail);                                         // 6070
ApiError ErrInvalidQuery(std::string detail);                                           // 4001
ApiError ErrUnsupportedOperation(std::string detail);                                   // 500
ApiError ErrThrottled();                                                                // 3001, 429
ApiError ErrSystem(int http_status);                                                    // 10000, 5xx
ApiError ErrWrongRealm();                                                               // 3100, 403

// {"Fault":{"Error":[…],"type":…},"time":…}
Json FaultBody(const ApiError& e, const std::string& time);
// The same Fault without "time" (batch items).
Json FaultObject(const ApiError& e);
ApiResult FaultResult(const ApiError& e, const std::string& time);
// The lower-case gateway body of a 401 (§2.7); `epoch_ms` fills "time".
Json GatewayAuthFailure(std::string_view detail, int64_t epoch_ms);

// Non-zero money with two decimals ("337.50"), zero as 0.
Json Money(Decimal d);
// Quantities and rates in shortest form ("4.5", "75").
Json Plain(Decimal d);

// Company-local timestamps: "2026-03-02T10:04:11-08:00" (whole seconds) and
// "2026-03-02T10:04:11.281-08:00" (envelope "time").
std::string LocalTimestamp(int64_t unix_ms, int offset_minutes);
std::string LocalTimestampMillis(int64_t unix_ms, int offset_minutes);
// "2026-03-02" in company-local time.
std::string LocalDate(int64_t unix_ms, int offset_minutes);
// True for a valid calendar date "YYYY-MM-DD".
bool IsDate(std::string_view s);

// 2010 when obj[field] is present but not a string (null counts as absent).
std::optional<ApiError> CheckString(const Json& obj, std::string_view field, std::string_view shown = {});
// A boolean preference such as "SalesFormsPrefs.AllowShipping"; `fallback`
// when absent or not a boolean.
bool PrefBool(const Json& prefs, std::string_view path, bool fallback);

// Replaces invalid UTF-8 bytes with '?', for echoing client text in details.
std::string SanitizeUtf8(std::string_view s);
bool IsValidUtf8(std::string_view s);
// Lower-casing for case-insensitive name comparison: ASCII plus the Latin-1,
// Latin Extended-A, Greek and Cyrillic letters; other bytes are unchanged.
std::string Lower(std::string_view s);

}  // namespace es::qbo::sandbox
