#include "connectors/qbo/sandbox/wire.h"

#include <cstdio>
#include <ctime>

namespace es::qbo::sandbox {
namespace {

ApiError Make(std::string code, std::string message, std::string detail, std::string element = {}) {
  ApiError e;
  e.code = std::move(code);
  e.message = std::move(message);
  e.detail = std::move(detail);
  e.element = std::move(element);
  return e;
}

std::string Clip(std::string_view s) {
  std::string out = SanitizeUtf8(s.substr(0, 200));
  return out;
}

}  // namespace

ApiError ErrUnsupportedProperty(std::string_view property, std::string_view why) {
  std::string detail = "Property Name:Unrecognized field \"" + Clip(property) +
                       "\" specified is unsupported or invalid";
  if (!why.empty()) detail = "Property Name:" + Clip(property) + " " + Clip(why);
  return Make("2010", "Request has invalid or unsupported property", detail, Clip(property));
}

ApiError ErrRequiredParam(std::string_view param) {
  return Make("2020", "Required param missing, need to supply the required value for the API",
              "Required parameter " + Clip(param) + " is missing in the request", Clip(param));
}

ApiError ErrInvalidId(std::string_view value) {
  return Make("2030", "Invalid ID", "Id should be a valid number. Supplied value:" + Clip(value), "Id");
}

ApiError ErrLength(std::string_view field, size_t max) {
  return Make("2050", "Length exceeds limit",
              "Length of the field exceeds the permissible value. Field: " + Clip(field) +
                  ", Max Length: " + std::to_string(max),
              Clip(field));
}

ApiError ErrInvalidReference(std::string_view element, std::string_view what) {
  return Make("2500", "Invalid Reference Id", "Invalid Reference Id : " + Clip(what), Clip(element));
}

ApiError ErrObjectNotFound(std::string_view entity, std::string_view id) {
  return Make("610", "Object Not Found",
              "Object Not Found : Something you're trying to use has been made inactive. Check the "
              "fields with accounts, customers, items, vendors or employees. (" +
                  Clip(entity) + " " + Clip(id) + ")");
}

ApiError ErrStaleObject() {
  return Make("5010", "Stale Object Error",
              "Stale Object Error : You and sandbox-user were working on this at the same time. "
              "sandbox-user finished before you did, so your work was not saved.");
}

ApiError ErrDuplicateName(std::string_view existing_id) {
  return Make("6240", "Duplicate Name Exists Error",
              "The name supplied already exists. : Id=" + std::string(existing_id));
}

ApiError ErrBusiness(std::string detail, std::string_view element) {
  return Make("6000", "A business validation error has occurred while processing your request",
              "Business Validation Error: " + SanitizeUtf8(detail), std::string(element));
}

ApiError ErrAmountMismatch(std::string detail) {
  return Make("6070", "A business validation error has occurred while processing your request",
              "Business Validation Error: " + SanitizeUtf8(detail), "Line.Amount");
}

ApiError ErrInvalidQuery(std::string detail) {
  return Make("4001", "Invalid query", SanitizeUtf8(detail));
}

ApiError ErrUnsupportedOperation(std::string detail) {
  return Make("500", "Unsupported Operation", "Operation " + SanitizeUtf8(detail));
}

ApiError ErrThrottled() {
  ApiError e = Make("3001", "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                    "The request limit was reached.  Try again later");
  e.http_status = 429;
  e.type = "SERVICE";
  return e;
}

ApiError ErrSystem(int http_status) {
  ApiError e = Make("10000", "An application error has occurred while processing your request",
                    "System Failure Error: An unexpected error occurred while accessing or saving "
                    "your data. Please wait a few minutes and try again.");
  e.http_status = http_status;
  e.type = "SystemFault";
  return e;
}

ApiError ErrWrongRealm() {
  ApiError e = Make("3100", "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
                    "The token is not authorized for this company (realm)");
  e.http_status = 403;
  e.type = "SERVICE";
  return e;
}

std::optional<ApiError> CheckString(const Json& obj, std::string_view field, std::string_view shown) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(std::string(field));
  if (it == obj.end() || it->is_null() || it->is_string()) return std::nullopt;
  return ErrUnsupportedProperty(shown.empty() ? field : shown, "must be a string");
}

bool PrefBool(const Json& prefs, std::string_view path, bool fallback) {
  const Json* v = FindPath(prefs, path);
  return v && v->is_boolean() ? v->get<bool>() : fallback;
}

Json FaultObject(const ApiError& e) {
  Json err = {{"Message", e.message}, {"Detail", e.detail}, {"code", e.code}, {"element", e.element}};
  return Json{{"Error", Json::array({err})}, {"type", e.type}};
}

Json FaultBody(const ApiError& e, const std::string& time) {
  return Json{{"Fault", FaultObject(e)}, {"time", time}};
}

ApiResult FaultResult(const ApiError& e, const std::string& time) {
  return ApiResult{e.http_status, FaultBody(e, time), true};
}

Json GatewayAuthFailure(std::string_view detail, int64_t epoch_ms) {
  Json error = {{"message", "message=AuthenticationFailed; errorCode=003200; statusCode=401"},
                {"detail", std::string(detail)},
                {"code", "3200"},
                {"element", nullptr}};
  return Json{{"warnings", nullptr},
              {"intuitObject", nullptr},
              {"fault", {{"error", Json::array({error})}, {"type", "AUTHENTICATION"}}},
              {"report", nullptr},
              {"queryResponse", nullptr},
              {"batchItemResponse", Json::array()},
              {"attachableResponse", Json::array()},
              {"syncErrorResponse", nullptr},
              {"requestId", nullptr},
              {"time", epoch_ms},
              {"status", nullptr},
              {"cdcresponse", Json::array()}};
}

Json Money(Decimal d) {
  Decimal r = d.Rounded(2);
  if (r.IsZero()) return 0;
  return JsonNumberFixed(r, 2);
}

Json Plain(Decimal d) {
  if (d.IsZero()) return 0;
  return JsonNumber(d);
}

namespace {

struct Parts {
  int y, mo, d, h, mi, s, ms;
};

Parts Split(int64_t unix_ms, int offset_minutes) {
  int64_t local_ms = unix_ms + static_cast<int64_t>(offset_minutes) * 60'000;
  int64_t secs = local_ms >= 0 ? local_ms / 1000 : (local_ms - 999) / 1000;
  int ms = static_cast<int>(local_ms - secs * 1000);
  time_t t = static_cast<time_t>(secs);
  struct tm tm {};
  gmtime_r(&t, &tm);
  return Parts{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms};
}

std::string Offset(int offset_minutes) {
  char buf[32];
  int a = (offset_minutes < 0 ? -offset_minutes : offset_minutes) % (24 * 60);
  snprintf(buf, sizeof(buf), "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
  return buf;
}

}  // namespace

std::string LocalTimestamp(int64_t unix_ms, int offset_minutes) {
  Parts p = Split(unix_ms, offset_minutes);
  char buf[64];
  snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", p.y, p.mo, p.d, p.h, p.mi, p.s);
  return buf + Offset(offset_minutes);
}

std::string LocalTimestampMillis(int64_t unix_ms, int offset_minutes) {
  Parts p = Split(unix_ms, offset_minutes);
  char buf[64];
  snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03d", p.y, p.mo, p.d, p.h, p.mi, p.s,
           p.ms);
  return buf + Offset(offset_minutes);
}

std::string LocalDate(int64_t unix_ms, int offset_minutes) {
  Parts p = Split(unix_ms, offset_minutes);
  char buf[48];
  snprintf(buf, sizeof(buf), "%04d-%02d-%02d", p.y, p.mo, p.d);
  return buf;
}

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max = kDays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) max = 29;
  return d <= max;
}

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0.
size_t Utf8Seq(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8Seq(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string SanitizeUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8Seq(s, i);
    if (n == 0) {
      out.push_back('?');
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

namespace {

// Lower-case of a code point in the Latin-1, Latin Extended-A, Greek and
// Cyrillic blocks (enough for names; other scripts are left as they are).
uint32_t FoldCodePoint(uint32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 0x20;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;
  if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) return cp | 1;
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return (cp & 1) ? cp + 1 : cp;
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 0x20;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  return cp;
}

}  // namespace

std::string Lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 0x20) : static_cast<char>(c));
      ++i;
      continue;
    }
    size_t n = Utf8Seq(s, i);
    if (n == 2) {
      uint32_t cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
      uint32_t f = FoldCodePoint(cp);
      out.push_back(static_cast<char>(0xC0 | (f >> 6)));
      out.push_back(static_cast<char>(0x80 | (f & 0x3F)));
      i += 2;
      continue;
    }
    if (n == 0) n = 1;
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace es::qbo::sandbox
