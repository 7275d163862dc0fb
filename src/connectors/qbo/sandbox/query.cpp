#include "connectors/qbo/sandbox/query.h"

#include <optional>

#include "common/clock.h"
#include "common/decimal.h"
#include "connectors/qbo/sandbox/wire.h"

namespace es::qbo::sandbox {
namespace {

enum class Tok { kEnd, kIdent, kString, kNumber, kStar, kLParen, kRParen, kComma, kOp };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // identifier / unescaped string / number / operator
  size_t pos = 0;    // byte offset in the statement (1-based column = pos + 1)
};

Status ParserError(const std::string& what, size_t pos) {
  return Status::Validation("QueryParserError: " + what + " at line 1, column " + std::to_string(pos + 1),
                            "4001");
}

std::string Shown(std::string_view text) {
  std::string s = SanitizeUtf8(text.substr(0, 60));
  return "\"" + s + "\"";
}

bool IsIdentStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '.'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Result<std::vector<Token>> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    Token t;
    t.pos = i;
    if (c == '\'') {
      t.kind = Tok::kString;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        char d = s[i];
        if (d == '\\' && i + 1 < s.size() && (s[i + 1] == '\'' || s[i + 1] == '\\')) {
          t.text.push_back(s[i + 1]);  // \' and \\ are the only escapes
          i += 2;
          continue;
        }
        if (d == '\'') {
          closed = true;
          ++i;
          break;
        }
        t.text.push_back(d);
        ++i;
      }
      if (!closed) return ParserError("Lexical error: unterminated string literal", t.pos);
      if (!IsValidUtf8(t.text)) return ParserError("Lexical error: string literal is not valid UTF-8", t.pos);
    } else if (IsDigit(c) || (c == '-' && i + 1 < s.size() && IsDigit(s[i + 1]))) {
      t.kind = Tok::kNumber;
      size_t start = i;
      ++i;
      while (i < s.size() && (IsDigit(s[i]) || s[i] == '.')) ++i;
      t.text = std::string(s.substr(start, i - start));
      if (!Decimal::ParseRounded(t.text).ok()) return ParserError("Encountered " + Shown(t.text), start);
    } else if (IsIdentStart(c)) {
      t.kind = Tok::kIdent;
      size_t start = i;
      while (i < s.size() && IsIdentChar(s[i])) ++i;
      t.text = std::string(s.substr(start, i - start));
      if (t.text.back() == '.' || t.text.find("..") != std::string::npos)
        return ParserError("Encountered " + Shown(t.text), start);
    } else if (c == '*') {
      t.kind = Tok::kStar;
      ++i;
    } else if (c == '(') {
      t.kind = Tok::kLParen;
      ++i;
    } else if (c == ')') {
      t.kind = Tok::kRParen;
      ++i;
    } else if (c == ',') {
      t.kind = Tok::kComma;
      ++i;
    } else if (c == '=' || c == '<' || c == '>' || c == '!') {
      t.kind = Tok::kOp;
      t.text.push_back(c);
      ++i;
      if (i < s.size() && (s[i] == '=' || (c == '<' && s[i] == '>'))) t.text.push_back(s[i++]);
      if (t.text == "!" || t.text == "!=" || t.text == "<>" || t.text == "==")
        return ParserError("Encountered " + Shown(t.text) + ": operator not supported", t.pos);
    } else {
      return ParserError("Lexical error: encountered " + Shown(s.substr(i, 1)), i);
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.pos = s.size();
  out.push_back(end);
  return out;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : t_(std::move(toks)) {}

  Result<Query> Parse() {
    Query q;
    ES_RETURN_IF_ERROR(Keyword("SELECT"));
    if (IsKeyword("COUNT")) {
      Next();
      ES_RETURN_IF_ERROR(Expect(Tok::kLParen, "("));
      ES_RETURN_IF_ERROR(Expect(Tok::kStar, "*"));
      ES_RETURN_IF_ERROR(Expect(Tok::kRParen, ")"));
      q.count = true;
    } else if (Peek().kind == Tok::kStar) {
      Next();
    } else {
      // A projection list: accepted, and whole objects are returned.
      while (true) {
        if (Peek().kind != Tok::kIdent || IsReserved(Peek().text)) return Unexpected();
        Next();
        if (Peek().kind != Tok::kComma) break;
        Next();
      }
    }
    ES_RETURN_IF_ERROR(Keyword("FROM"));
    if (Peek().kind != Tok::kIdent || IsReserved(Peek().text) ||
        Peek().text.find('.') != std::string::npos)
      return Unexpected();
    q.entity = Next().text;
    if (IsKeyword("JOIN") || IsKeyword("INNER") || IsKeyword("LEFT"))
      return ParserError("JOIN is not supported", Peek().pos);
    if (IsKeyword("WHERE")) {
      Next();
      while (true) {
        ES_ASSIGN_OR_RETURN(Condition c, ParseCondition());
        q.where.push_back(std::move(c));
        if (IsKeyword("AND")) {
          Next();
          continue;
        }
        if (IsKeyword("OR")) return ParserError("OR is not supported (use AND or IN)", Peek().pos);
        break;
      }
    }
    if (IsKeyword("GROUP")) return ParserError("GROUP BY is not supported", Peek().pos);
    if (IsKeyword("ORDER")) return ParserError("Encountered \"ORDER\"; the keyword is ORDERBY", Peek().pos);
    if (IsKeyword("ORDERBY")) {
      Next();
      while (true) {
        if (Peek().kind != Tok::kIdent || IsReserved(Peek().text)) return Unexpected();
        OrderKey k;
        k.field = Next().text;
        if (IsKeyword("ASC")) {
          Next();
        } else if (IsKeyword("DESC")) {
          Next();
          k.descending = true;
        }
        q.order_by.push_back(std::move(k));
        if (Peek().kind != Tok::kComma) break;
        Next();
      }
    }
    bool seen_start = false, seen_max = false;
    while (IsKeyword("STARTPOSITION") || IsKeyword("MAXRESULTS")) {
      bool start = IsKeyword("STARTPOSITION");
      if ((start && seen_start) || (!start && seen_max)) return Unexpected();
      Next();
      ES_ASSIGN_OR_RETURN(int64_t v, Integer());
      if (start) {
        seen_start = true;
        if (v < 1)
          return Status::Validation("QueryValidationError: value " + std::to_string(v) +
                                        " is too small. Min allowed value is 1",
                                    "4001");
        q.start_position = v;
      } else {
        seen_max = true;
        if (v < 1)
          return Status::Validation("QueryValidationError: value " + std::to_string(v) +
                                        " is too small. Min allowed value is 1",
                                    "4001");
        if (v > kMaxQueryResults)
          return Status::Validation("QueryValidationError: value " + std::to_string(v) +
                                        " is too large. Max allowed value is " +
                                        std::to_string(kMaxQueryResults),
                                    "4001");
        q.max_results = v;
      }
    }
    if (IsKeyword("OR")) return ParserError("OR is not supported (use AND or IN)", Peek().pos);
    if (Peek().kind != Tok::kEnd) return Unexpected();
    return q;
  }

 private:
  const Token& Peek() const { return t_[i_]; }
  const Token& Next() {
    const Token& t = t_[i_];
    if (i_ + 1 < t_.size()) ++i_;
    return t;
  }
  bool IsKeyword(std::string_view kw) const {
    return Peek().kind == Tok::kIdent && Lower(Peek().text) == Lower(kw);
  }
  static bool IsReserved(const std::string& word) {
    static const char* kWords[] = {"select", "from", "where", "and", "or", "orderby", "asc", "desc",
                                   "startposition", "maxresults", "in", "like", "count", "join"};
    std::string w = Lower(word);
    for (const char* k : kWords)
      if (w == k) return true;
    return false;
  }
  Status Unexpected() const {
    const Token& t = Peek();
    if (t.kind == Tok::kEnd) return ParserError("Encountered \"<EOF>\"", t.pos);
    std::string shown = t.kind == Tok::kString ? "'" + t.text + "'" : t.text;
    if (t.kind == Tok::kStar) shown = "*";
    if (t.kind == Tok::kLParen) shown = "(";
    if (t.kind == Tok::kRParen) shown = ")";
    if (t.kind == Tok::kComma) shown = ",";
    return ParserError("Encountered " + Shown(shown), t.pos);
  }
  Status Keyword(std::string_view kw) {
    if (!IsKeyword(kw)) return Unexpected();
    Next();
    return Status::Ok();
  }
  Status Expect(Tok kind, std::string_view) {
    if (Peek().kind != kind) return Unexpected();
    Next();
    return Status::Ok();
  }
  Result<int64_t> Integer() {
    const Token& t = Peek();
    std::string text = t.text;
    if (t.kind == Tok::kString) text = t.text;  // '10' is tolerated
    else if (t.kind != Tok::kNumber) return Unexpected();
    auto d = Decimal::Parse(text);
    if (!d.ok() || d->units() % Decimal::kOne != 0) return Unexpected();
    Next();
    return d->units() / Decimal::kOne;
  }
  Result<Literal> Value() {
    const Token& t = Peek();
    Literal l;
    if (t.kind == Tok::kString) {
      l.kind = Literal::Kind::kString;
    } else if (t.kind == Tok::kNumber) {
      l.kind = Literal::Kind::kNumber;
    } else if (t.kind == Tok::kIdent && (Lower(t.text) == "true" || Lower(t.text) == "false")) {
      l.kind = Literal::Kind::kBool;
      l.text = Lower(t.text);
      Next();
      return l;
    } else {
      return Unexpected();
    }
    l.text = t.text;
    Next();
    return l;
  }
  Result<Condition> ParseCondition() {
    Condition c;
    if (Peek().kind != Tok::kIdent || IsReserved(Peek().text)) {
      if (IsKeyword("NOT")) return ParserError("NOT is not supported", Peek().pos);
      return Unexpected();
    }
    c.field = Next().text;
    if (IsKeyword("NOT")) return ParserError("NOT is not supported", Peek().pos);
    if (IsKeyword("IN")) {
      Next();
      c.op = CompareOp::kIn;
      ES_RETURN_IF_ERROR(Expect(Tok::kLParen, "("));
      while (true) {
        ES_ASSIGN_OR_RETURN(Literal v, Value());
        c.values.push_back(std::move(v));
        if (Peek().kind == Tok::kComma) {
          Next();
          continue;
        }
        break;
      }
      ES_RETURN_IF_ERROR(Expect(Tok::kRParen, ")"));
      return c;
    }
    if (IsKeyword("LIKE")) {
      Next();
      c.op = CompareOp::kLike;
      if (Peek().kind != Tok::kString) return Unexpected();
      ES_ASSIGN_OR_RETURN(Literal v, Value());
      c.values.push_back(std::move(v));
      return c;
    }
    if (Peek().kind != Tok::kOp) return Unexpected();
    const std::string& op = Peek().text;
    if (op == "=") c.op = CompareOp::kEq;
    else if (op == "<") c.op = CompareOp::kLt;
    else if (op == ">") c.op = CompareOp::kGt;
    else if (op == "<=") c.op = CompareOp::kLe;
    else if (op == ">=") c.op = CompareOp::kGe;
    else return Unexpected();
    Next();
    ES_ASSIGN_OR_RETURN(Literal v, Value());
    c.values.push_back(std::move(v));
    return c;
  }

  std::vector<Token> t_;
  size_t i_ = 0;
};

// ---- evaluation ----------------------------------------------------------

std::optional<Decimal> AsNumber(std::string_view text) {
  if (text.empty() || text.size() > 40) return std::nullopt;
  auto d = Decimal::ParseRounded(text);
  if (!d.ok()) return std::nullopt;
  return *d;
}

// Instant of a date or timestamp text, or nullopt.
std::optional<int64_t> AsInstant(const std::string& text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int64_t ms = ParseIso8601(text);
  if (ms == -1) return std::nullopt;
  return ms;
}

template <typename T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Compares two scalar texts the way QBO does: numerically when both are
// numbers, by instant when both are dates, else case-insensitively.
int CompareText(const std::string& a, const std::string& b) {
  auto nb = AsNumber(b);
  if (nb) {
    auto na = AsNumber(a);
    if (na) return Cmp(*na, *nb);
  }
  auto ia = AsInstant(a), ib = AsInstant(b);
  if (ia && ib) return Cmp(*ia, *ib);
  return Cmp(Lower(a), Lower(b));
}

// Scalar text of a field value; nullopt for objects/arrays/null.
std::optional<std::string> ScalarOf(const Json& v, bool* is_number, bool* is_bool) {
  *is_number = IsJsonNumber(v);
  *is_bool = v.is_boolean();
  if (v.is_string() || *is_number || *is_bool) return ScalarText(v);
  return std::nullopt;
}

std::optional<int> CompareValue(const Json& v, const Literal& lit) {
  bool num = false, boolean = false;
  auto text = ScalarOf(v, &num, &boolean);
  if (!text) return std::nullopt;
  if (boolean || lit.kind == Literal::Kind::kBool) {
    if (Lower(*text) == Lower(lit.text)) return 0;
    return 1;
  }
  if (num) {
    auto nl = AsNumber(lit.text);
    if (!nl) return std::nullopt;
    auto nv = AsNumber(*text);
    if (!nv) return std::nullopt;
    return Cmp(*nv, *nl);
  }
  return CompareText(*text, lit.text);
}

}  // namespace

Result<Query> ParseQuery(std::string_view text) {
  if (text.size() > kMaxQueryLength)
    return Status::Validation("QueryValidationError: the statement is longer than " +
                                  std::to_string(kMaxQueryLength) + " characters",
                              "4001");
  ES_ASSIGN_OR_RETURN(std::vector<Token> toks, Tokenize(text));
  Parser p(std::move(toks));
  return p.Parse();
}

const Json* QueryFieldValue(const Json& entity, std::string_view field) {
  // Field names are matched case-insensitively at each level.
  const Json* cur = &entity;
  while (true) {
    if (!cur->is_object()) return nullptr;
    size_t dot = field.find('.');
    std::string part = Lower(field.substr(0, dot));
    const Json* next = nullptr;
    for (auto it = cur->begin(); it != cur->end(); ++it) {
      if (Lower(it.key()) == part) {
        next = &it.value();
        break;
      }
    }
    if (!next) return nullptr;
    cur = next;
    if (dot == std::string_view::npos) break;
    field.remove_prefix(dot + 1);
  }
  if (cur->is_object()) {
    auto it = cur->find("value");
    if (it != cur->end()) return &*it;
  }
  return cur;
}

bool LikeMatch(std::string_view pattern, std::string_view text) {
  std::string p = Lower(pattern), t = Lower(text);
  // Classic greedy wildcard match with backtracking on the last '%'.
  size_t pi = 0, ti = 0, star = std::string::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star = pi++;
      mark = ti;
    } else if (pi < p.size() && p[pi] == t[ti]) {
      ++pi;
      ++ti;
    } else if (star != std::string::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

bool MatchCondition(const Condition& c, const Json& entity) {
  const Json* v = QueryFieldValue(entity, c.field);
  if (!v) return false;
  switch (c.op) {
    case CompareOp::kLike: {
      bool num = false, boolean = false;
      auto text = ScalarOf(*v, &num, &boolean);
      return text && LikeMatch(c.values[0].text, *text);
    }
    case CompareOp::kIn:
      for (const Literal& l : c.values) {
        auto r = CompareValue(*v, l);
        if (r && *r == 0) return true;
      }
      return false;
    default:
      break;
  }
  auto r = CompareValue(*v, c.values[0]);
  if (!r) return false;
  switch (c.op) {
    case CompareOp::kEq: return *r == 0;
    case CompareOp::kLt: return *r < 0;
    case CompareOp::kGt: return *r > 0;
    case CompareOp::kLe: return *r <= 0;
    case CompareOp::kGe: return *r >= 0;
    default: return false;
  }
}

bool MatchesAll(const std::vector<Condition>& where, const Json& entity) {
  for (const Condition& c : where)
    if (!MatchCondition(c, entity)) return false;
  return true;
}

int CompareForOrder(const std::vector<OrderKey>& keys, const Json& a, const Json& b) {
  for (const OrderKey& k : keys) {
    const Json* va = QueryFieldValue(a, k.field);
    const Json* vb = QueryFieldValue(b, k.field);
    int r = 0;
    bool na = false, ba = false, nb = false, bb = false;  // kinds are not needed for ordering
    std::optional<std::string> ta = va ? ScalarOf(*va, &na, &ba) : std::nullopt;
    std::optional<std::string> tb = vb ? ScalarOf(*vb, &nb, &bb) : std::nullopt;
    if (!ta && !tb) r = 0;
    else if (!ta) r = -1;
    else if (!tb) r = 1;
    else r = CompareText(*ta, *tb);
    if (r != 0) return k.descending ? -r : r;
  }
  return 0;
}

bool MentionsField(const Query& q, std::string_view field) {
  std::string f = Lower(field);
  for (const Condition& c : q.where)
    if (Lower(c.field) == f) return true;
  return false;
}

}  // namespace es::qbo::sandbox
