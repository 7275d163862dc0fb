// The transforms of a mapping rule (docs/mappings.md lists each with an example).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "mapping/field_map.h"

namespace es::mapping {
namespace {

constexpr int64_t kMaxTruncate = 100000;
constexpr size_t kMaxMapValues = 1000;

void Add(std::vector<MappingError>& errors, std::string path, std::string message) {
  errors.push_back({std::move(path), std::move(message)});
}

// Keys a transform object may have besides "op".
const std::set<std::string>& ArgsOf(const std::string& op) {
  static const std::map<std::string, std::set<std::string>> kArgs = {
      {"upper", {}},
      {"lower", {}},
      {"trim", {}},
      {"dateFormat", {"format"}},
      {"concat", {"separator", "prefix", "suffix"}},
      {"split", {"separator", "index"}},
      {"number", {"decimals", "decimalSeparator", "thousandsSeparator"}},
      {"lookup", {"entity"}},
      {"truncate", {"length"}},
      {"map", {"values", "default"}},
  };
  static const std::set<std::string> kNone;
  auto it = kArgs.find(op);
  return it == kArgs.end() ? kNone : it->second;
}

bool ValidDateFormat(const std::string& f, std::string* why) {
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') continue;
    if (i + 1 == f.size()) {
      *why = "ends with a lone '%'";
      return false;
    }
    char c = f[++i];
    if (std::string("YymdHMS%").find(c) == std::string::npos) {
      *why = std::string("'%") + c + "' is not supported (use %Y %y %m %d %H %M %S %%)";
      return false;
    }
  }
  return true;
}

// "2026-03-02", "2026-03-02T10:20:30", with any zone suffix: the fields are
// taken as written (no time zone conversion).
Result<std::string> FormatDate(const std::string& in, const std::string& format) {
  auto digits = [&](size_t pos, size_t n) {
    if (pos + n > in.size()) return false;
    for (size_t k = pos; k < pos + n; ++k)
      if (!std::isdigit(static_cast<unsigned char>(in[k]))) return false;
    return true;
  };
  if (!digits(0, 4) || in.size() < 10 || in[4] != '-' || !digits(5, 2) || in[7] != '-' || !digits(8, 2))
    return Status::Validation("'" + in.substr(0, 40) + "' is not a date (YYYY-MM-DD[THH:MM:SS])");
  std::string hh = "00", mm = "00", ss = "00";
  if (in.size() > 10) {
    if ((in[10] != 'T' && in[10] != ' ') || !digits(11, 2) || in.size() < 16 || in[13] != ':' || !digits(14, 2))
      return Status::Validation("'" + in.substr(0, 40) + "' is not a date-time (YYYY-MM-DDTHH:MM[:SS])");
    hh = in.substr(11, 2);
    mm = in.substr(14, 2);
    if (in.size() >= 19 && in[16] == ':' && digits(17, 2)) ss = in.substr(17, 2);
  }
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      out.push_back(format[i]);
      continue;
    }
    switch (format[++i]) {
      case 'Y': out += in.substr(0, 4); break;
      case 'y': out += in.substr(2, 2); break;
      case 'm': out += in.substr(5, 2); break;
      case 'd': out += in.substr(8, 2); break;
      case 'H': out += hh; break;
      case 'M': out += mm; break;
      case 'S': out += ss; break;
      default: out.push_back(format[i]); break;
    }
  }
  return out;
}

std::string CutUtf8(std::string s, size_t max) {
  if (s.size() <= max) return s;
  s.resize(max);
  while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
  if (!s.empty() && (static_cast<unsigned char>(s.back()) & 0x80)) s.pop_back();
  return s;
}

Result<std::string> FormatNumber(const std::string& in, const Json& a) {
  std::string text = in;
  while (!text.empty() && text.front() == ' ') text.erase(text.begin());
  while (!text.empty() && text.back() == ' ') text.pop_back();
  auto d = Decimal::ParseRounded(text);
  if (!d.ok()) return Status::Validation("'" + in.substr(0, 40) + "' is not a number");
  const int places = a.contains("decimals") ? a["decimals"].get<int>() : 2;
  std::string fixed = d->Rounded(places).ToFixed(places);
  const std::string dec = a.value("decimalSeparator", std::string("."));
  const std::string thousands = a.value("thousandsSeparator", std::string());
  bool neg = !fixed.empty() && fixed[0] == '-';
  if (neg) fixed.erase(0, 1);
  size_t dot = fixed.find('.');
  std::string whole = fixed.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : fixed.substr(dot + 1);
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += thousands;
    grouped.push_back(whole[i]);
  }
  return (neg ? "-" : "") + grouped + (frac.empty() ? "" : dec + frac);
}

bool IsScalarOp(const std::string& op) { return op != "concat" && op != "split"; }

Result<std::string> ApplyScalar(const TransformSpec& t, const std::string& v, const IdLookup& lookup) {
  const Json& a = t.args;
  if (t.op == "upper" || t.op == "lower") {
    std::string s = v;
    for (char& c : s)
      c = static_cast<char>(t.op == "upper" ? std::toupper(static_cast<unsigned char>(c))
                                            : std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  if (t.op == "trim") {
    size_t b = v.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return std::string();
    return v.substr(b, v.find_last_not_of(" \t\r\n") - b + 1);
  }
  if (v.empty()) {
    if (t.op == "map" && a.contains("default")) return a["default"].get<std::string>();
    return std::string();
  }
  if (t.op == "dateFormat") return FormatDate(v, a["format"].get<std::string>());
  if (t.op == "number") return FormatNumber(v, a);
  if (t.op == "truncate") return CutUtf8(v, static_cast<size_t>(a["length"].get<int64_t>()));
  if (t.op == "map") {
    const Json& values = a["values"];
    if (auto it = values.find(v); it != values.end()) return it->get<std::string>();
    if (a.contains("default")) return a["default"].get<std::string>();
    return v;
  }
  if (t.op == "lookup") {
    if (!lookup) return std::string();
    ES_ASSIGN_OR_RETURN(auto found, lookup(a["entity"].get<std::string>(), v));
    return found.value_or("");
  }
  return Status::Validation("unknown transform '" + t.op + "'");
}

}  // namespace

const std::vector<std::string>& TransformNames() {
  static const std::vector<std::string> kNames = {"upper", "lower", "trim",   "dateFormat", "concat",
                                                  "split", "number", "lookup", "truncate",   "map"};
  return kNames;
}

void CheckTransform(const TransformSpec& t, const std::string& path, bool& list, const std::string& type,
                    std::vector<MappingError>& errors) {
  const auto& names = TransformNames();
  if (std::find(names.begin(), names.end(), t.op) == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    return Add(errors, path + ".op", "unknown transform '" + t.op + "' (known: " + known + ")");
  }
  const auto& allowed = ArgsOf(t.op);
  for (auto it = t.args.begin(); it != t.args.end(); ++it) {
    if (it.key() == "op" || allowed.count(it.key())) continue;
    std::string known;
    for (const auto& n : allowed) known += (known.empty() ? "" : ", ") + n;
    Add(errors, path + "." + it.key(), "'" + t.op + "' takes no argument '" + it.key() + "'" +
                                           (known.empty() ? "" : " (it takes " + known + ")"));
  }
  const Json& a = t.args;
  auto string_arg = [&](const char* key, bool required, bool non_empty) {
    auto it = a.find(key);
    if (it == a.end()) {
      if (required) Add(errors, path + "." + key, "required for '" + t.op + "'");
      return;
    }
    if (!it->is_string()) return Add(errors, path + "." + key, "a string");
    if (non_empty && it->get<std::string>().empty()) Add(errors, path + "." + key, "must not be empty");
  };
  auto int_arg = [&](const char* key, bool required, int64_t lo, int64_t hi) {
    auto it = a.find(key);
    if (it == a.end()) {
      if (required) Add(errors, path + "." + key, "required for '" + t.op + "'");
      return;
    }
    if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi)
      Add(errors, path + "." + key, "an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  };
  if (t.op == "dateFormat") {
    string_arg("format", true, true);
    std::string why;
    if (a.contains("format") && a["format"].is_string() && !ValidDateFormat(a["format"].get<std::string>(), &why))
      Add(errors, path + ".format", why);
    if (!type.empty() && type != "date" && type != "string" && type != "any")
      Add(errors, path, "dateFormat needs a date, but the source is a " + type + " field");
  } else if (t.op == "concat") {
    string_arg("separator", false, false);
    string_arg("prefix", false, false);
    string_arg("suffix", false, false);
    list = false;
  } else if (t.op == "split") {
    string_arg("separator", true, true);
    int_arg("index", false, 0, 1000);
    if (list) Add(errors, path, "split takes one value, but the value here is a list (concat it first)");
    list = !a.contains("index");
  } else if (t.op == "number") {
    int_arg("decimals", false, 0, 6);
    string_arg("decimalSeparator", false, false);
    string_arg("thousandsSeparator", false, false);
    if (type == "date" || type == "bool")
      Add(errors, path, "number needs a number, but the source is a " + type + " field");
  } else if (t.op == "lookup") {
    static const std::set<std::string> kEntities = {"customer", "item", "order", "payment", "refund"};
    string_arg("entity", true, true);
    if (a.contains("entity") && a["entity"].is_string() && !kEntities.count(a["entity"].get<std::string>()))
      Add(errors, path + ".entity", "'" + a["entity"].get<std::string>() +
                                        "' is not an id-map entity (customer, item, order, payment, refund)");
    if (type == "date" || type == "bool" || type == "number")
      Add(errors, path, "lookup needs an id, but the source is a " + type + " field");
  } else if (t.op == "truncate") {
    int_arg("length", true, 1, kMaxTruncate);
  } else if (t.op == "map") {
    auto v = a.find("values");
    if (v == a.end() || !v->is_object() || v->empty() || v->size() > kMaxMapValues) {
      Add(errors, path + ".values", "required: an object of 1–" + std::to_string(kMaxMapValues) +
                                        " source value → replacement strings");
    } else {
      for (auto it = v->begin(); it != v->end(); ++it)
        if (!it->is_string()) Add(errors, path + ".values." + it.key(), "a string");
    }
    string_arg("default", false, false);
  }
}

Result<Json> ApplyTransform(const TransformSpec& t, const Json& value, const IdLookup& lookup) {
  const Json& a = t.args;
  if (t.op == "concat") {
    const std::string sep = a.value("separator", std::string(" "));
    std::string joined;
    if (value.is_array()) {
      bool first = true;
      for (const Json& e : value) {
        const std::string s = e.is_string() ? e.get<std::string>() : ScalarText(e);
        if (s.empty()) continue;
        joined += (first ? "" : sep) + s;
        first = false;
      }
    } else if (value.is_string()) {
      joined = value.get<std::string>();
    }
    if (joined.empty()) return Json("");
    return Json(a.value("prefix", std::string()) + joined + a.value("suffix", std::string()));
  }
  if (t.op == "split") {
    if (!value.is_string()) return Status::Validation("split takes one value");
    const std::string s = value.get<std::string>();
    const std::string sep = a["separator"].get<std::string>();
    Json parts = Json::array();
    if (!s.empty()) {
      size_t start = 0;
      while (true) {
        size_t at = s.find(sep, start);
        parts.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) break;
        start = at + sep.size();
      }
    }
    if (!a.contains("index")) return parts;
    size_t i = a["index"].get<size_t>();
    return Json(i < parts.size() ? parts[i] : Json(""));
  }
  if (!IsScalarOp(t.op)) return Status::Validation("unknown transform '" + t.op + "'");
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& e : value) {
      ES_ASSIGN_OR_RETURN(std::string s, ApplyScalar(t, e.is_string() ? e.get<std::string>() : ScalarText(e), lookup));
      out.push_back(std::move(s));
    }
    return out;
  }
  ES_ASSIGN_OR_RETURN(std::string s, ApplyScalar(t, value.is_string() ? value.get<std::string>() : "", lookup));
  return Json(std::move(s));
}

}  // namespace es::mapping
