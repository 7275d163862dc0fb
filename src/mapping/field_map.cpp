#include "mapping/field_map.h"

#include <map>
#include <set>

namespace es::mapping {
namespace {

constexpr size_t kMaxRules = 200;
constexpr size_t kMaxSourcesPerRule = 20;
constexpr size_t kMaxTransformsPerRule = 20;
constexpr size_t kMaxPathLength = 300;
constexpr size_t kMaxListValues = 10000;

bool FieldChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

std::string RulePath(size_t i) { return "rules[" + std::to_string(i) + "]"; }

void Add(std::vector<MappingError>& errors, std::string path, std::string message) {
  errors.push_back({std::move(path), std::move(message)});
}

// Names of an object schema's fields, for "known fields: …" hints.
std::string KnownFields(const Json& node) {
  std::string out;
  size_t n = 0;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (n++ == 40) return out + ", …";
    out += (out.empty() ? "" : ", ") + it.key();
  }
  return out;
}

// Checks `path` against `schema`; returns the leaf's type ("" when it is an
// object/list or unknown, "any" below an open field).
std::string CheckPathAgainst(const SourcePath& path, const Json& schema, const std::string& where,
                             std::vector<MappingError>& errors) {
  const Json* node = &schema;
  std::string walked;
  for (const PathSegment& s : path.segments) {
    if (node->is_string() && node->get<std::string>() == "any") return "any";
    if (!node->is_object()) {
      Add(errors, where, "'" + path.text + "': '" + walked + "' is a " + node->get<std::string>() +
                             " value and has no field '" + s.name + "'");
      return "";
    }
    auto it = node->find(s.name);
    if (it == node->end()) {
      Add(errors, where, "'" + path.text + "': unknown field '" + (walked.empty() ? "" : walked + ".") + s.name +
                             "' (known fields" + (walked.empty() ? "" : " of " + walked) + ": " +
                             KnownFields(*node) + ")");
      return "";
    }
    walked += (walked.empty() ? "" : ".") + s.name;
    const Json& child = *it;
    if (child.is_array()) {
      if (s.kind == PathSegment::Kind::kField) {
        Add(errors, where, "'" + path.text + "': '" + walked + "' is a list: write " + s.name + "[] (each), " +
                               s.name + "[0] (one) or " + s.name + "[key=value] (select)");
        return "";
      }
      static const Json kAny = "any";
      const Json& element = child.empty() ? kAny : child.front();
      if (s.kind == PathSegment::Kind::kSelect && element.is_object() && !element.contains(s.select_key)) {
        Add(errors, where, "'" + path.text + "': elements of '" + walked + "' have no field '" + s.select_key +
                               "' (known fields: " + KnownFields(element) + ")");
        return "";
      }
      node = &element;
    } else {
      if (s.kind != PathSegment::Kind::kField) {
        Add(errors, where, "'" + path.text + "': '" + walked + "' is not a list");
        return "";
      }
      node = &child;
    }
  }
  if (node->is_string()) return node->get<std::string>();
  Add(errors, where, "'" + path.text + "' is an object or list, not a value: name one of its fields (" +
                         (node->is_object() ? KnownFields(*node) : std::string("…")) + ")");
  return "";
}

// Appends the values `segs[i..]` select under `node` to `out`.
void Walk(const Json& node, const std::vector<PathSegment>& segs, size_t i, Json& out, bool list) {
  if (i == segs.size()) {
    if (!list) out = node;
    else if (node.is_array()) {
      for (const Json& e : node)
        if (out.size() < kMaxListValues) out.push_back(e);
    } else if (!node.is_null() && out.size() < kMaxListValues) {
      out.push_back(node);
    }
    return;
  }
  if (!node.is_object()) return;
  const PathSegment& s = segs[i];
  auto it = node.find(s.name);
  if (it == node.end()) return;
  const Json& v = *it;
  switch (s.kind) {
    case PathSegment::Kind::kField: Walk(v, segs, i + 1, out, list); return;
    case PathSegment::Kind::kIndex:
      if (v.is_array() && s.index < v.size()) Walk(v[s.index], segs, i + 1, out, list);
      return;
    case PathSegment::Kind::kSelect:
      if (!v.is_array()) return;
      for (const Json& e : v) {
        if (!e.is_object()) continue;
        auto k = e.find(s.select_key);
        if (k != e.end() && !k->is_structured() && ScalarText(*k) == s.select_value) {
          Walk(e, segs, i + 1, out, list);
          return;
        }
      }
      return;
    case PathSegment::Kind::kEach:
      if (!v.is_array()) return;
      for (const Json& e : v) Walk(e, segs, i + 1, out, true);
      return;
  }
}

std::string ScalarOrEmpty(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_structured()) return DumpJson(v);
  return ScalarText(v);
}

// A value as the transforms see it: a string, or an array of strings.
Json Normalise(const Json& v, bool list) {
  if (!list) return ScalarOrEmpty(v);
  Json out = Json::array();
  for (const Json& e : v) out.push_back(ScalarOrEmpty(e));
  return out;
}

bool IsEmptyValue(const Json& v) {
  if (v.is_string()) return v.get<std::string>().empty();
  if (v.is_array()) {
    for (const Json& e : v)
      if (!IsEmptyValue(e)) return false;
    return true;
  }
  return v.is_null();
}

void ParseRule(const Json& r, size_t i, const TargetSpec* target, const SourceSchema* schema, MappingRule& rule,
               std::vector<MappingError>& errors) {
  const std::string at = RulePath(i);
  if (!r.is_object()) return Add(errors, at, "a rule is a JSON object");
  static const std::set<std::string> kKeys = {"source", "target", "default", "required", "transforms", "label",
                                              "description"};
  for (auto it = r.begin(); it != r.end(); ++it)
    if (!kKeys.count(it.key()))
      Add(errors, at + "." + it.key(), "unknown key (a rule has source, target, default, required, transforms, "
                                       "label, description)");
  // target
  if (auto t = r.find("target"); t == r.end() || !t->is_string() || t->get<std::string>().empty()) {
    Add(errors, at + ".target", "required: the target field, a non-empty string");
  } else {
    rule.target = t->get<std::string>();
    if (target && target->check_target) {
      std::string why = target->check_target(rule.target);
      if (!why.empty()) Add(errors, at + ".target", why);
    }
  }
  // source
  std::vector<std::string> texts;
  if (auto s = r.find("source"); s != r.end()) {
    if (s->is_string()) {
      texts.push_back(s->get<std::string>());
    } else if (s->is_array() && !s->empty() && s->size() <= kMaxSourcesPerRule) {
      for (size_t k = 0; k < s->size(); ++k) {
        if (!(*s)[k].is_string()) {
          Add(errors, at + ".source[" + std::to_string(k) + "]", "a source path is a string");
          texts.clear();
          break;
        }
        texts.push_back((*s)[k].get<std::string>());
      }
    } else {
      Add(errors, at + ".source", "a path string or a list of 1–" + std::to_string(kMaxSourcesPerRule) + " paths");
    }
  }
  std::string type;  // schema type of a single scalar source
  for (size_t k = 0; k < texts.size(); ++k) {
    const std::string where = texts.size() == 1 && r.at("source").is_string() ? at + ".source"
                                                                             : at + ".source[" + std::to_string(k) + "]";
    auto p = ParseSourcePath(texts[k]);
    if (!p.ok()) {
      Add(errors, where, p.status().message());
      continue;
    }
    if (schema) {
      std::string t = CheckPathAgainst(*p, schema->tree, where, errors);
      if (texts.size() == 1) type = t;
    }
    rule.sources.push_back(std::move(*p));
  }
  // default / required
  if (auto d = r.find("default"); d != r.end()) {
    if (d->is_string()) rule.default_value = d->get<std::string>();
    else if (d->is_number()) rule.default_value = ScalarText(*d);
    else Add(errors, at + ".default", "a string (or number)");
  }
  if (auto q = r.find("required"); q != r.end()) {
    if (q->is_boolean()) rule.required = q->get<bool>();
    else Add(errors, at + ".required", "true or false");
  }
  if (texts.empty() && r.contains("source") == false && !rule.default_value)
    Add(errors, at + ".source", "required: a source path (or a default for a constant value)");
  for (const char* key : {"label", "description"}) {
    if (auto l = r.find(key); l != r.end()) {
      if (!l->is_string()) Add(errors, at + "." + key, "a string");
      else (std::string(key) == "label" ? rule.label : rule.description) = l->get<std::string>();
    }
  }
  // transforms
  bool list = texts.size() > 1;
  for (const SourcePath& p : rule.sources) list = list || p.IsList();
  if (auto ts = r.find("transforms"); ts != r.end()) {
    if (!ts->is_array() || ts->size() > kMaxTransformsPerRule) {
      Add(errors, at + ".transforms", "a list of at most " + std::to_string(kMaxTransformsPerRule) + " transforms");
    } else {
      for (size_t k = 0; k < ts->size(); ++k) {
        const std::string tat = at + ".transforms[" + std::to_string(k) + "]";
        const Json& t = (*ts)[k];
        if (!t.is_object() || !t.contains("op") || !t["op"].is_string()) {
          Add(errors, tat, "a transform is an object with \"op\" (one of the transform names)");
          continue;
        }
        TransformSpec spec{t["op"].get<std::string>(), t};
        CheckTransform(spec, tat, list, k == 0 ? type : "", errors);
        rule.transforms.push_back(std::move(spec));
      }
    }
  }
  if (list)
    Add(errors, at + ".transforms", "the rule yields a list of values but '" + rule.target +
                                        "' takes one value: end with a concat transform (or split with an index)");
}

}  // namespace

std::string FormatMappingError(const MappingError& e) {
  return e.path.empty() ? e.message : e.path + ": " + e.message;
}

Json MappingErrorsJson(const std::vector<MappingError>& errors) {
  Json out = Json::array();
  for (const auto& e : errors) out.push_back({{"path", e.path}, {"message", e.message}});
  return out;
}

bool SourcePath::IsList() const {
  for (const auto& s : segments)
    if (s.kind == PathSegment::Kind::kEach) return true;
  return false;
}

Result<SourcePath> ParseSourcePath(std::string_view text) {
  SourcePath p;
  p.text = std::string(text);
  if (text.empty()) return Status::Validation("empty source path");
  if (text.size() > kMaxPathLength)
    return Status::Validation("source path longer than " + std::to_string(kMaxPathLength) + " characters");
  size_t i = 0;
  while (true) {
    PathSegment s;
    size_t start = i;
    while (i < text.size() && FieldChar(text[i])) ++i;
    if (i == start)
      return Status::Validation("source path '" + p.text + "': expected a field name at position " +
                                std::to_string(start + 1));
    s.name = std::string(text.substr(start, i - start));
    if (i < text.size() && text[i] == '[') {
      size_t close = text.find(']', i);
      if (close == std::string_view::npos)
        return Status::Validation("source path '" + p.text + "': '[' at position " + std::to_string(i + 1) +
                                  " is not closed");
      std::string_view inner = text.substr(i + 1, close - i - 1);
      if (inner.empty()) {
        s.kind = PathSegment::Kind::kEach;
      } else if (inner.find_first_not_of("0123456789") == std::string_view::npos) {
        if (inner.size() > 6) return Status::Validation("source path '" + p.text + "': index too large");
        s.kind = PathSegment::Kind::kIndex;
        s.index = std::stoul(std::string(inner));
      } else if (size_t eq = inner.find('='); eq != std::string_view::npos && eq > 0) {
        s.kind = PathSegment::Kind::kSelect;
        s.select_key = std::string(inner.substr(0, eq));
        s.select_value = std::string(inner.substr(eq + 1));
        for (char c : s.select_key)
          if (!FieldChar(c))
            return Status::Validation("source path '" + p.text + "': bad field name '" + s.select_key +
                                      "' in [key=value]");
      } else {
        return Status::Validation("source path '" + p.text + "': '[" + std::string(inner) +
                                  "]' is not [], [N] or [key=value]");
      }
      i = close + 1;
    }
    p.segments.push_back(std::move(s));
    if (i == text.size()) break;
    if (text[i] != '.')
      return Status::Validation("source path '" + p.text + "': unexpected '" + std::string(1, text[i]) +
                                "' at position " + std::to_string(i + 1));
    ++i;
  }
  return p;
}

bool ValidMappingName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  auto ok_first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!ok_first(name[0])) return false;
  for (char c : name)
    if (!ok_first(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

std::optional<FieldMap> FieldMapFromJson(const Json& doc, const TargetSpec* target, const SourceSchema* schema,
                                         std::vector<MappingError>* errors_out) {
  std::vector<MappingError> errors;
  FieldMap m;
  m.document = doc;
  if (!doc.is_object()) {
    Add(errors, "", "a mapping is a JSON object with name, entity, target and rules");
  } else {
    static const std::set<std::string> kKeys = {"name", "entity", "target", "description", "rules"};
    for (auto it = doc.begin(); it != doc.end(); ++it)
      if (!kKeys.count(it.key())) Add(errors, it.key(), "unknown key (a mapping has name, entity, target, "
                                                       "description, rules)");
    auto text = [&](const char* key, std::string& out, bool required) {
      auto it = doc.find(key);
      if (it == doc.end()) {
        if (required) Add(errors, key, "required");
        return;
      }
      if (!it->is_string()) return Add(errors, key, "a string");
      out = it->get<std::string>();
    };
    text("name", m.name, true);
    text("entity", m.entity, true);
    text("target", m.target, true);
    text("description", m.description, false);
    if (!m.name.empty() && !ValidMappingName(m.name))
      Add(errors, "name", "'" + m.name + "': 1–64 of a-z 0-9 . _ -, starting with a letter or digit");
    if (target && !m.entity.empty() && m.entity != target->entity)
      Add(errors, "entity", "'" + m.entity + "': this mapping applies to '" + target->entity + "'");
    if (target && !m.target.empty() && m.target != target->kind)
      Add(errors, "target", "'" + m.target + "': this mapping applies to target '" + target->kind + "'");
    auto rules = doc.find("rules");
    if (rules == doc.end() || !rules->is_array()) {
      Add(errors, "rules", "required: a list of rules");
    } else if (rules->size() > kMaxRules) {
      Add(errors, "rules", "more than " + std::to_string(kMaxRules) + " rules");
    } else {
      for (size_t i = 0; i < rules->size(); ++i) {
        MappingRule rule;
        ParseRule((*rules)[i], i, target, schema, rule, errors);
        m.rules.push_back(std::move(rule));
      }
      // One rule per target: a second would silently win.
      std::map<std::string, size_t> first;
      for (size_t i = 0; i < m.rules.size(); ++i) {
        if (m.rules[i].target.empty()) continue;
        auto [it, fresh] = first.emplace(m.rules[i].target, i);
        if (!fresh)
          Add(errors, RulePath(i) + ".target", "'" + m.rules[i].target + "' is already set by " + RulePath(it->second));
      }
      if (target && target->check_map) {
        for (auto& e : target->check_map(m)) errors.push_back(std::move(e));
      }
    }
  }
  const bool ok = errors.empty();
  if (errors_out) *errors_out = std::move(errors);
  if (!ok) return std::nullopt;
  return m;
}

Result<FieldMap> ParseFieldMap(std::string_view text, const TargetSpec* target, const SourceSchema* schema,
                               std::vector<MappingError>* errors) {
  auto doc = ParseJson(text);
  if (!doc.ok()) {
    if (errors) *errors = {{"", "not valid JSON: " + doc.status().message()}};
    return Status::Validation("invalid mapping: not valid JSON: " + doc.status().message(), "invalid_mapping");
  }
  std::vector<MappingError> found;
  auto m = FieldMapFromJson(*doc, target, schema, &found);
  if (!m) {
    std::string msg = "invalid mapping: " + FormatMappingError(found.front());
    if (found.size() > 1) msg += " (and " + std::to_string(found.size() - 1) + " more)";
    if (errors) *errors = std::move(found);
    return Status::Validation(msg, "invalid_mapping");
  }
  if (errors) errors->clear();
  return std::move(*m);
}

Json SelectPath(const Json& record, const SourcePath& path) {
  const bool list = path.IsList();
  Json out = list ? Json::array() : Json();
  Walk(record, path.segments, 0, out, list);
  return out;
}

Evaluation EvaluateFieldMap(const FieldMap& map, const Json& record, const IdLookup& lookup) {
  Evaluation ev;
  for (size_t i = 0; i < map.rules.size(); ++i) {
    const MappingRule& r = map.rules[i];
    Json value;
    if (r.sources.size() == 1) {
      value = Normalise(SelectPath(record, r.sources[0]), r.sources[0].IsList());
    } else if (r.sources.size() > 1) {
      value = Json::array();
      for (const SourcePath& p : r.sources) {
        Json v = SelectPath(record, p);
        if (p.IsList()) {
          for (const Json& e : v) value.push_back(ScalarOrEmpty(e));
        } else {
          value.push_back(ScalarOrEmpty(v));
        }
      }
    } else {
      value = "";
    }
    bool failed = false;
    for (size_t k = 0; k < r.transforms.size() && !failed; ++k) {
      auto next = ApplyTransform(r.transforms[k], value, lookup);
      if (!next.ok()) {
        Add(ev.errors, RulePath(i) + ".transforms[" + std::to_string(k) + "]", next.status().message());
        failed = true;
      } else {
        value = std::move(*next);
      }
    }
    if (failed) continue;
    std::string text = value.is_string() ? value.get<std::string>() : "";
    if (value.is_array()) {
      // Checked maps end lists with concat; join defensively all the same.
      for (const Json& e : value) text += (text.empty() ? "" : ", ") + ScalarOrEmpty(e);
    }
    if (IsEmptyValue(text) && r.default_value) text = *r.default_value;
    if (text.empty()) {
      if (r.required) {
        std::string from;
        for (const auto& p : r.sources) from += (from.empty() ? "" : ", ") + p.text;
        Add(ev.errors, RulePath(i), "required value for '" + r.target + "' is empty (source " +
                                        (from.empty() ? "none" : from) + ")");
      }
      continue;
    }
    ev.values.push_back({i, r.target, std::move(text)});
  }
  return ev;
}

}  // namespace es::mapping
