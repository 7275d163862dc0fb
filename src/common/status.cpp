#include "common/status.h"

namespace es {

std::string_view CategoryName(ErrorCategory c) {
  switch (c) {
    case ErrorCategory::kOk: return "ok";
    case ErrorCategory::kAuthentication: return "authentication";
    case ErrorCategory::kRateLimit: return "rate_limit";
    case ErrorCategory::kValidation: return "validation";
    case ErrorCategory::kNotFound: return "not_found";
    case ErrorCategory::kConflict: return "conflict";
    case ErrorCategory::kNetwork: return "network";
    case ErrorCategory::kInternal: return "internal";
  }
  return "internal";
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  Status s = *this;
  // The same context twice in a row ("sync: sync: …") says nothing more.
  if (message_.size() > context.size() + 1 && message_.compare(0, context.size(), context) == 0 &&
      message_.compare(context.size(), 2, ": ") == 0)
    return s;
  s.message_ = std::string(context) + ": " + message_;
  return s;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(CategoryName(category_));
  if (!code_.empty()) out += " [" + code_ + "]";
  out += ": " + message_;
  return out;
}

}  // namespace es
