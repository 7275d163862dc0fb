#include "connectors/woo/codec_fields.h"

namespace es::woo::detail {

std::string Shown(std::string_view s) {
  if (s.size() <= 40) return std::string(s);
  return std::string(s.substr(0, 40)) + "…";
}

std::string JsonTypeName(const Json& v) {
  if (IsJsonNumber(v)) return "number";
  return v.type_name();
}

Result<Decimal> DecimalOf(const TapeNode& v, bool rounded) {
  if (!v.is_string() && !v.is_number())
    return Status::Validation(std::string("expected a number, got ") + v.type_name());
  std::string text = v.scalar_text();
  return rounded ? Decimal::ParseRounded(text) : Decimal::Parse(text);
}

Status FieldReader::error() const {
  if (error_.ok()) return error_;
  std::string prefix = what_;
  if (!id_.empty()) prefix += " " + id_;
  return error_.WithContext(prefix);
}

void FieldReader::Fail(const std::string& path, const std::string& what) {
  if (!error_.ok()) return;
  error_ = Status::Validation(path.empty() ? what : path + ": " + what);
}

std::string FieldReader::Path(const std::string& at, std::string_view key) {
  return at.empty() ? std::string(key) : at + "." + std::string(key);
}

std::string FieldReader::Index(const std::string& at, std::string_view key, size_t i) {
  return Path(at, key) + "[" + std::to_string(i) + "]";
}

}  // namespace es::woo::detail
