// Status and Result<T>: errors as values.
//
// A Status is either ok or carries an ErrorCategory (SPEC F11), a message that
// names what was wrong, an optional platform code (e.g. QBO Fault "6240", Woo
// "woocommerce_rest_cannot_view") and, for rate limits, the wait the server
// asked for. Statuses never carry secrets: callers must not put tokens or
// credentials into messages. Cheap to copy when ok; thread-compatible.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace es {

enum class ErrorCategory {
  kOk,
  kAuthentication,  // bad/expired credentials; refresh or reconnect
  kRateLimit,       // throttled; wait retry_after_ms (or a default) and retry
  kValidation,      // the request or record is wrong; do not retry unchanged
  kNotFound,        // the referenced object does not exist
  kConflict,        // stale object, duplicate name, lock held
  kNetwork,         // transport failure, timeout, 5xx; retry with backoff
  kInternal,        // a bug or an impossible state
};

std::string_view CategoryName(ErrorCategory c);

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Authentication(std::string msg, std::string code = {}) {
    return Status(ErrorCategory::kAuthentication, std::move(msg), std::move(code));
  }
  static Status RateLimit(std::string msg, std::optional<int64_t> retry_after_ms = {},
                          std::string code = {}) {
    Status s(ErrorCategory::kRateLimit, std::move(msg), std::move(code));
    s.retry_after_ms_ = retry_after_ms;
    return s;
  }
  static Status Validation(std::string msg, std::string code = {}) {
    return Status(ErrorCategory::kValidation, std::move(msg), std::move(code));
  }
  static Status NotFound(std::string msg, std::string code = {}) {
    return Status(ErrorCategory::kNotFound, std::move(msg), std::move(code));
  }
  static Status Conflict(std::string msg, std::string code = {}) {
    return Status(ErrorCategory::kConflict, std::move(msg), std::move(code));
  }
  static Status Network(std::string msg, std::string code = {}) {
    return Status(ErrorCategory::kNetwork, std::move(msg), std::move(code));
  }
  static Status Internal(std::string msg, std::string code = {}) {
    return Status(ErrorCategory::kInternal, std::move(msg), std::move(code));
  }

  bool ok() const { return category_ == ErrorCategory::kOk; }
  ErrorCategory category() const { return category_; }
  const std::string& message() const { return message_; }
  // Platform error code ("6240", "5010", "rest_invalid_param"), empty if none.
  const std::string& code() const { return code_; }
  std::optional<int64_t> retry_after_ms() const { return retry_after_ms_; }
  // Worth retrying unchanged: rate limits and network failures.
  bool retryable() const {
    return category_ == ErrorCategory::kRateLimit || category_ == ErrorCategory::kNetwork;
  }
  bool IsAuthentication() const { return category_ == ErrorCategory::kAuthentication; }
  bool IsRateLimit() const { return category_ == ErrorCategory::kRateLimit; }
  bool IsValidation() const { return category_ == ErrorCategory::kValidation; }
  bool IsNotFound() const { return category_ == ErrorCategory::kNotFound; }
  bool IsConflict() const { return category_ == ErrorCategory::kConflict; }
  bool IsNetwork() const { return category_ == ErrorCategory::kNetwork; }

  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(std::string_view context) const;
  // "validation [6240]: Duplicate Name Exists Error" style rendering.
  std::string ToString() const;

 private:
  Status(ErrorCategory c, std::string msg, std::string code)
      : category_(c), message_(std::move(msg)), code_(std::move(code)) {}

  ErrorCategory category_ = ErrorCategory::kOk;
  std::string message_;
  std::string code_;
  std::optional<int64_t> retry_after_ms_;
};

// Result<T> holds a T or a non-ok Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result constructed from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace es

#define ES_RETURN_IF_ERROR(expr)          \
  do {                                    \
    ::es::Status es_status_ = (expr);     \
    if (!es_status_.ok()) return es_status_; \
  } while (0)

#define ES_CONCAT_INNER(a, b) a##b
#define ES_CONCAT(a, b) ES_CONCAT_INNER(a, b)
#define ES_ASSIGN_OR_RETURN(lhs, expr) ES_ASSIGN_OR_RETURN_IMPL(ES_CONCAT(es_result_, __LINE__), lhs, expr)
#define ES_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
