#include "store/sql/executor.h"

#include <charconv>

namespace es::store::sql {

Params& Params::Text(std::string_view v) {
  values_.push_back({Value::Kind::kText, std::string(v), 0});
  return *this;
}

Params& Params::Int(int64_t v) {
  values_.push_back({Value::Kind::kInt, {}, v});
  return *this;
}

Params& Params::Bool(bool v) {
  values_.push_back({Value::Kind::kBool, {}, v ? 1 : 0});
  return *this;
}

Params& Params::Bytes(std::string_view v) {
  values_.push_back({Value::Kind::kBytes, std::string(v), 0});
  return *this;
}

Params& Params::Limit(int limit) {
  if (limit > 0) return Int(limit);
  values_.push_back({Value::Kind::kNoLimit, {}, 0});
  return *this;
}

std::string Rows::Text(int row, int col) const {
  const Cell& c = At(row, col);
  return c.is_number ? std::to_string(c.number) : c.text;
}

int64_t Rows::Int(int row, int col) const {
  const Cell& c = At(row, col);
  if (c.is_number) return c.number;
  int64_t v = 0;
  std::from_chars(c.text.data(), c.text.data() + c.text.size(), v);
  return v;
}

}  // namespace es::store::sql
