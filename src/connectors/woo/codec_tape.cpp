#include "connectors/woo/codec_tape.h"

#include <cmath>
#include <cstdlib>
#include <type_traits>

#include <simdjson.h>

#include "common/json.h"

namespace es::woo::detail {
namespace {

namespace od = simdjson::ondemand;

constexpr size_t kMaxDepth = 64;            // as JsonParseOptions::max_depth
constexpr size_t kMaxBytes = 32u << 20;     // as JsonParseOptions::max_bytes
constexpr std::string_view kNumTag = "\x1f#num:";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return TrimRight(s);
}

// The raw token of a value or of a (scalar) document.
template <typename V>
simdjson::error_code Token(V& v, std::string_view& out) {
  if constexpr (std::is_same_v<decltype(v.raw_json_token()), std::string_view>) {
    out = v.raw_json_token();
    return simdjson::SUCCESS;
  } else {
    return v.raw_json_token().get(out);
  }
}

bool Reserved(std::string_view s) { return s.substr(0, kNumTag.size()) == kNumTag; }

// Integers that fit read as such (like nlohmann: non-negative → uint64,
// negative → int64); anything else keeps its literal.
void SetNumber(TapeNode& n, std::string_view lit) {
  n.text = lit;
  n.kind = TapeNode::Kind::kFloat;
  if (lit.find_first_of(".eE") != std::string_view::npos) return;
  const bool negative = lit.front() == '-';
  uint64_t v = 0;
  for (size_t i = negative ? 1 : 0; i < lit.size(); ++i) {
    const uint64_t d = static_cast<uint64_t>(lit[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return;
    v = v * 10 + d;
  }
  if (!negative) {
    n.kind = TapeNode::Kind::kUint;
    n.u = v;
  } else if (v <= static_cast<uint64_t>(INT64_MAX) + 1) {
    n.kind = TapeNode::Kind::kInt;
    n.i = v == static_cast<uint64_t>(INT64_MAX) + 1 ? INT64_MIN : -static_cast<int64_t>(v);
  }
}

class Walker {
 public:
  Walker(std::vector<TapeNode>& nodes, std::vector<TapeKey>& keys, std::vector<TapeKey>& pending)
      : nodes_(nodes), keys_(keys), pending_(pending) {}

  const std::string& error() const { return error_; }

  bool Fail(const std::string& what) {
    if (error_.empty()) error_ = what;
    return false;
  }
  bool Fail(simdjson::error_code e) { return Fail(simdjson::error_message(e)); }

  // Appends `v` (and its subtree). `depth` = containers around it; `record`:
  // an element of the root array, whose exact text is kept.
  template <typename V>
  bool Value(V& v, size_t depth, std::string_view key, bool record) {
    od::json_type t{};
    if (auto e = v.type().get(t)) return Fail(e);
    const size_t idx = nodes_.size();
    nodes_.emplace_back();
    nodes_[idx].key = key;
    switch (t) {
      case od::json_type::object: {
        if (depth >= kMaxDepth) return FailDepth();
        od::object obj;
        if (auto e = v.get_object().get(obj)) return Fail(e);
        if (record) {
          std::string_view raw;
          if (auto e = obj.raw_json().get(raw)) return Fail(e);
          nodes_[idx].raw = Trim(raw);
          bool unused = false;
          if (auto e = obj.reset().get(unused)) return Fail(e);
        }
        uint32_t count = 0;
        const size_t mark = pending_.size();  // nested objects move theirs out before returning
        for (auto member : obj) {
          od::field f;
          if (auto e = std::move(member).get(f)) return Fail(e);
          std::string_view k;
          if (auto e = f.unescaped_key().get(k)) return Fail(e);
          if (Reserved(k)) return FailReserved();
          od::value fv = f.value();
          const auto offset = static_cast<uint32_t>(nodes_.size() - idx);
          if (!Value(fv, depth + 1, k, false)) return false;
          pending_.push_back({TapeNode::Prefix(k), static_cast<uint32_t>(k.size()), offset});
          ++count;
        }
        nodes_[idx].kind = TapeNode::Kind::kObject;
        nodes_[idx].count = count;
        nodes_[idx].keys_at = static_cast<uint32_t>(keys_.size());
        keys_.insert(keys_.end(), pending_.begin() + static_cast<std::ptrdiff_t>(mark), pending_.end());
        pending_.resize(mark);
        break;
      }
      case od::json_type::array: {
        if (depth >= kMaxDepth) return FailDepth();
        od::array arr;
        if (auto e = v.get_array().get(arr)) return Fail(e);
        uint32_t count = 0;
        for (auto element : arr) {
          od::value ev;
          if (auto e = std::move(element).get(ev)) return Fail(e);
          if (!Value(ev, depth + 1, {}, depth == 0)) return false;
          ++count;
        }
        nodes_[idx].kind = TapeNode::Kind::kArray;
        nodes_[idx].count = count;
        break;
      }
      case od::json_type::string: {
        std::string_view s;
        if (auto e = v.get_string().get(s)) return Fail(e);
        if (Reserved(s)) return FailReserved();
        nodes_[idx].kind = TapeNode::Kind::kString;
        nodes_[idx].text = s;
        break;
      }
      case od::json_type::number: {
        std::string_view tok;
        if (auto e = Token(v, tok)) return Fail(e);
        tok = TrimRight(tok);
        if (!IsJsonNumberLiteral(tok)) return Fail("invalid number '" + std::string(tok.substr(0, 40)) + "'");
        SetNumber(nodes_[idx], tok);
        // ParseJson refuses a number beyond the range of a double.
        if (nodes_[idx].kind == TapeNode::Kind::kFloat && !std::isfinite(std::strtod(std::string(tok).c_str(), nullptr)))
          return Fail("number overflow parsing '" + std::string(tok.substr(0, 40)) + "'");
        break;
      }
      case od::json_type::boolean: {
        std::string_view tok;
        if (auto e = Token(v, tok)) return Fail(e);
        tok = TrimRight(tok);
        if (tok != "true" && tok != "false") return Fail("invalid literal '" + std::string(tok.substr(0, 40)) + "'");
        nodes_[idx].kind = TapeNode::Kind::kBool;
        nodes_[idx].flag = tok == "true";
        break;
      }
      case od::json_type::null: {
        std::string_view tok;
        if (auto e = Token(v, tok)) return Fail(e);
        if (TrimRight(tok) != "null") return Fail("invalid literal '" + std::string(TrimRight(tok).substr(0, 40)) + "'");
        nodes_[idx].kind = TapeNode::Kind::kNull;
        break;
      }
    }
    nodes_[idx].span = static_cast<uint32_t>(nodes_.size() - idx);
    return true;
  }

 private:
  bool FailDepth() { return Fail("JSON nested deeper than " + std::to_string(kMaxDepth) + " levels"); }
  bool FailReserved() { return Fail("a string starts with the reserved sequence \\u001f#num:"); }

  std::vector<TapeNode>& nodes_;
  std::vector<TapeKey>& keys_;
  std::vector<TapeKey>& pending_;
  std::string error_;
};

}  // namespace

const TapeNode* TapeNode::find(std::string_view k) const {
  if (kind != Kind::kObject) return nullptr;
  const uint64_t prefix = Prefix(k);
  for (const TapeKey* e = keys + count; e != keys;) {
    --e;
    if (e->prefix != prefix || e->size != k.size()) continue;
    const TapeNode* c = this + e->offset;
    if (k.size() <= 8 || std::memcmp(c->key.data() + 8, k.data() + 8, k.size() - 8) == 0) return c;
  }
  return nullptr;
}

std::string TapeNode::scalar_text() const {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kBool: return flag ? "true" : "false";
    case Kind::kInt: return std::to_string(i);
    case Kind::kUint: return std::to_string(u);
    case Kind::kFloat:
    case Kind::kString: return std::string(text);
    case Kind::kArray:
    case Kind::kObject: return std::string(raw);
  }
  return {};
}

const char* TapeNode::type_name() const {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "boolean";
    case Kind::kInt:
    case Kind::kUint:
    case Kind::kFloat: return "number";
    case Kind::kString: return "string";
    case Kind::kArray: return "array";
    case Kind::kObject: return "object";
  }
  return "null";
}

struct Tape::Impl {
  od::parser parser;
  std::string buf;
  od::document doc;
};

Tape::Tape() : impl_(std::make_unique<Impl>()) {}
Tape::~Tape() = default;

Status Tape::Parse(std::string_view text) {
  nodes_.clear();
  keys_.clear();
  pending_.clear();
  auto invalid = [](const std::string& what) { return Status::Validation("invalid JSON: " + what, "invalid_json"); };
  if (text.size() > kMaxBytes)
    return Status::Validation("JSON body of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                                  std::to_string(kMaxBytes),
                              "invalid_json");
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // byte-order mark
  // ParseJson (nlohmann) reads a NUL byte as the end of the input (inside a
  // string it leaves the string unterminated: refused either way).
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) text = text.substr(0, nul);
  Impl& m = *impl_;
  m.buf.assign(text);
  m.buf.append(simdjson::SIMDJSON_PADDING, '\0');
  if (auto e = m.parser.iterate(m.buf.data(), text.size(), m.buf.size()).get(m.doc))
    return invalid(simdjson::error_message(e));
  Walker w(nodes_, keys_, pending_);
  od::json_type t{};
  if (auto e = m.doc.type().get(t)) return invalid(simdjson::error_message(e));
  const bool container = t == od::json_type::object || t == od::json_type::array;
  if (!container) {
    // A scalar document: its one token must be the whole text.
    std::string_view tok;
    if (auto e = Token(m.doc, tok)) return invalid(simdjson::error_message(e));
    if (TrimRight(tok) != Trim(text)) return invalid("unexpected content after the value");
  }
  if (!w.Value(m.doc, 0, {}, false)) return invalid(w.error());
  if (container) {
    const char* at = nullptr;
    if (!m.doc.current_location().get(at)) return invalid("unexpected content after the value");
  }
  nodes_.front().raw = Trim(text);
  // The index is complete (no more reallocation): point each object at its run.
  for (TapeNode& n : nodes_)
    if (n.kind == TapeNode::Kind::kObject) n.keys = keys_.data() + n.keys_at;
  return Status::Ok();
}

}  // namespace es::woo::detail
