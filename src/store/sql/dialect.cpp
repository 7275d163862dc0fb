#include "store/sql/dialect.h"

#include <cctype>

namespace es::store::sql {
namespace {

struct Token {
  std::string_view name;
  std::string_view sqlite;
  std::string_view postgres;
};

constexpr Token kTokens[] = {
    {"{C}", "", "COLLATE \"C\""},
    {"{SKIP_LOCKED}", "", "FOR UPDATE SKIP LOCKED"},
    {"{SEQ}", "INTEGER NOT NULL PRIMARY KEY", "BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY"},
    {"{BYTES}", "BLOB", "BYTEA"},
    {"{BOOL}", "INTEGER", "BOOLEAN"},
};

}  // namespace

const char* DialectName(Dialect d) { return d == Dialect::kSqlite ? "sqlite" : "postgres"; }

std::string Render(std::string_view neutral, Dialect d) {
  std::string out;
  out.reserve(neutral.size() + 16);
  for (size_t i = 0; i < neutral.size();) {
    const char c = neutral[i];
    if (c == '$' && d == Dialect::kSqlite && i + 1 < neutral.size() &&
        std::isdigit(static_cast<unsigned char>(neutral[i + 1]))) {
      out += '?';
      ++i;
      continue;
    }
    if (c == '{') {
      bool replaced = false;
      for (const Token& t : kTokens) {
        if (neutral.substr(i, t.name.size()) == t.name) {
          const std::string_view with = d == Dialect::kSqlite ? t.sqlite : t.postgres;
          // A token that renders to nothing takes the space before it along.
          if (with.empty() && !out.empty() && out.back() == ' ') out.pop_back();
          out += with;
          i += t.name.size();
          replaced = true;
          break;
        }
      }
      if (replaced) continue;
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace es::store::sql
