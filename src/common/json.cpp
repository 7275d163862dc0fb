#include "common/json.h"

#include <vector>

namespace es {
namespace {

constexpr std::string_view kNumTag = "\x1f#num:";

std::optional<std::string_view> TaggedNumber(const Json& j) {
  if (!j.is_string()) return std::nullopt;
  const auto& s = j.get_ref<const std::string&>();
  if (s.size() <= kNumTag.size() || s.compare(0, kNumTag.size(), kNumTag) != 0) return std::nullopt;
  std::string_view lit = std::string_view(s).substr(kNumTag.size());
  if (!IsJsonNumberLiteral(lit)) return std::nullopt;
  return lit;
}

// SAX handler that builds a Json value, keeping float literals as tagged text.
class ExactBuilder {
 public:
  explicit ExactBuilder(size_t max_depth) : max_depth_(max_depth) {}

  bool null() { return Put(nullptr); }
  bool boolean(bool v) { return Put(v); }
  bool number_integer(Json::number_integer_t v) { return Put(v); }
  bool number_unsigned(Json::number_unsigned_t v) { return Put(v); }
  bool number_float(Json::number_float_t, const std::string& s) {
    return Put(std::string(kNumTag) + s);
  }
  bool string(std::string& v) {
    if (Reserved(v)) return false;
    return Put(std::move(v));
  }
  bool binary(Json::binary_t&) { return Put(nullptr); }
  bool start_object(size_t) { return Open(Json::object()); }
  bool key(std::string& k) {
    if (Reserved(k)) return false;
    key_ = std::move(k);
    return true;
  }
  bool end_object() { return Close(); }
  bool start_array(size_t) { return Open(Json::array()); }
  bool end_array() { return Close(); }
  bool parse_error(size_t pos, const std::string&, const nlohmann::detail::exception& ex) {
    // nlohmann says "parse error at line L, column C: <what>"; keep the line
    // and column (what a person editing the text needs) and the byte offset.
    std::string what = ShortWhat(ex.what());
    const std::string lead = "parse error at ";
    const size_t colon = what.find(": ");
    if (what.rfind(lead, 0) == 0 && colon != std::string::npos && what.compare(lead.size(), 5, "line ") == 0) {
      error_ = "invalid JSON at " + what.substr(lead.size(), colon - lead.size()) + " (byte " + std::to_string(pos) +
               "): " + what.substr(colon + 2);
    } else {
      error_ = "invalid JSON at byte " + std::to_string(pos) + ": " + what;
    }
    return false;
  }

  Json& root() { return root_; }
  const std::string& error() const { return error_; }

 private:
  // Text starting with the internal number tag would be written back as a
  // bare number; such input is refused rather than silently changed.
  bool Reserved(const std::string& s) {
    if (s.compare(0, kNumTag.size(), kNumTag) != 0) return false;
    error_ = "invalid JSON: a string starts with the reserved sequence \\u001f#num:";
    return true;
  }
  static std::string ShortWhat(std::string w) {
    auto p = w.find("] ");
    if (p != std::string::npos) w = w.substr(p + 2);
    if (w.size() > 160) w.resize(160);
    return w;
  }
  bool Put(Json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return true;
    }
    Json* top = stack_.back();
    if (top->is_object()) (*top)[key_] = std::move(v);
    else top->push_back(std::move(v));
    return true;
  }
  bool Open(Json v) {
    if (stack_.size() >= max_depth_) {
      error_ = "JSON nested deeper than " + std::to_string(max_depth_) + " levels";
      return false;
    }
    Json* slot;
    if (stack_.empty()) {
      root_ = std::move(v);
      slot = &root_;
    } else {
      Json* top = stack_.back();
      if (top->is_object()) {
        (*top)[key_] = std::move(v);
        slot = &(*top)[key_];
      } else {
        top->push_back(std::move(v));
        slot = &top->back();
      }
    }
    stack_.push_back(slot);
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  size_t max_depth_;
  Json root_;
  std::vector<Json*> stack_;
  std::string key_;
  std::string error_;
};

void ReplaceTags(std::string& out) {
  // nlohmann escapes the tag's 0x1f as \u001f.
  static const std::string kEscaped = "\"\\u001f#num:";
  size_t pos = 0;
  while ((pos = out.find(kEscaped, pos)) != std::string::npos) {
    size_t lit_start = pos + kEscaped.size();
    size_t end = out.find('"', lit_start);
    if (end == std::string::npos) break;
    std::string_view lit(out.data() + lit_start, end - lit_start);
    bool is_key = end + 1 < out.size() && out[end + 1] == ':';
    if (is_key || !IsJsonNumberLiteral(lit)) {
      pos = end;
      continue;
    }
    std::string literal(lit);
    out.replace(pos, end - pos + 1, literal);
    pos += literal.size();
  }
}

}  // namespace

bool IsJsonNumberLiteral(std::string_view s) {
  // JSON number grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
  size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  return i == n;
}

Result<Json> ParseJson(std::string_view text, const JsonParseOptions& options) {
  if (text.size() > options.max_bytes) {
    return Status::Validation("JSON body of " + std::to_string(text.size()) +
                              " bytes exceeds the limit of " + std::to_string(options.max_bytes));
  }
  ExactBuilder builder(options.max_depth);
  bool ok = Json::sax_parse(text.begin(), text.end(), &builder, Json::input_format_t::json, true);
  if (!ok) {
    return Status::Validation(builder.error().empty() ? "invalid JSON" : builder.error());
  }
  return std::move(builder.root());
}

std::string DumpJson(const Json& j) {
  std::string out = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (out.find("\\u001f#num:") != std::string::npos) ReplaceTags(out);
  return out;
}

Json JsonNumber(Decimal d) { return std::string(kNumTag) + d.ToString(); }
Json JsonNumberFixed(Decimal d, int places) { return std::string(kNumTag) + d.ToFixed(places); }

bool IsJsonNumber(const Json& j) { return j.is_number() || TaggedNumber(j).has_value(); }

const Json* FindPath(const Json& j, std::string_view path) {
  const Json* cur = &j;
  while (true) {
    if (!cur->is_object()) return nullptr;
    size_t dot = path.find('.');
    std::string part(path.substr(0, dot));
    auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (dot == std::string_view::npos) return cur;
    path.remove_prefix(dot + 1);
  }
}

namespace {
std::string TypeName(const Json& v) {
  if (TaggedNumber(v)) return "number";
  return v.type_name();
}
Status FieldError(std::string_view key, std::string_view expected, const Json* v) {
  return Status::Validation("field '" + std::string(key) + "': expected " + std::string(expected) +
                            ", got " + (v ? TypeName(*v) : std::string("nothing")));
}
}  // namespace

Result<std::string> GetString(const Json& j, std::string_view key) {
  const Json* v = FindPath(j, key);
  if (!v || !v->is_string() || TaggedNumber(*v)) return FieldError(key, "a string", v);
  return v->get<std::string>();
}

std::string GetStringOr(const Json& j, std::string_view key, std::string fallback) {
  const Json* v = FindPath(j, key);
  if (!v || v->is_null()) return fallback;
  if (v->is_string() && !TaggedNumber(*v)) return v->get<std::string>();
  return ScalarText(*v);
}

Result<int64_t> GetInt(const Json& j, std::string_view key) {
  const Json* v = FindPath(j, key);
  if (v && v->is_number_integer()) {
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
      return FieldError(key, "an integer in range", v);
    return v->get<int64_t>();
  }
  if (v && (v->is_string() || v->is_number_float())) {
    auto d = DecimalFromJson(*v);
    if (d.ok() && d->units() % Decimal::kOne == 0) return d->units() / Decimal::kOne;
  }
  return FieldError(key, "an integer", v);
}

int64_t GetIntOr(const Json& j, std::string_view key, int64_t fallback) {
  auto r = GetInt(j, key);
  return r.ok() ? *r : fallback;
}

Result<Decimal> DecimalFromJson(const Json& v, bool rounded) {
  std::string text;
  if (auto lit = TaggedNumber(v)) text = std::string(*lit);
  else if (v.is_number_integer()) text = v.dump();
  else if (v.is_number_float()) text = v.dump();  // only for values built in code
  else if (v.is_string()) text = v.get<std::string>();
  else return Status::Validation(std::string("expected a number, got ") + v.type_name());
  return rounded ? Decimal::ParseRounded(text) : Decimal::Parse(text);
}

Result<Decimal> GetDecimal(const Json& j, std::string_view key) {
  const Json* v = FindPath(j, key);
  if (!v) return FieldError(key, "a number", v);
  auto d = DecimalFromJson(*v, false);
  if (!d.ok()) return d.status().WithContext("field '" + std::string(key) + "'");
  return d;
}

Result<Decimal> GetDecimalRounded(const Json& j, std::string_view key) {
  const Json* v = FindPath(j, key);
  if (!v) return FieldError(key, "a number", v);
  auto d = DecimalFromJson(*v, true);
  if (!d.ok()) return d.status().WithContext("field '" + std::string(key) + "'");
  return d;
}

bool GetBoolOr(const Json& j, std::string_view key, bool fallback) {
  const Json* v = FindPath(j, key);
  if (!v) return fallback;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    if (s == "true" || s == "1" || s == "yes") return true;
    if (s == "false" || s == "0" || s == "no") return false;
  }
  return fallback;
}

std::string ScalarText(const Json& v) {
  if (auto lit = TaggedNumber(v)) return std::string(*lit);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "null";
  return v.dump();
}

}  // namespace es
