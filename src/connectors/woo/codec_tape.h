// Internal to the Woo codec: one pass of simdjson's on-demand parser over a
// response body, recorded as a flat, reusable array of nodes that point into
// the input (numbers keep their exact text, strings are unescaped views into
// the parser's buffer). The decoders read the model straight from it; no
// nlohmann tree is built and no value is copied.
//
// Acceptance matches ParseJson (common/json.h) exactly: every value is
// validated (also those no decoder reads), nesting deeper than 64 levels,
// trailing content and strings starting with the reserved number tag are
// refused, a leading UTF-8 byte-order mark is skipped, a NUL byte ends the
// input, and duplicate keys
// resolve to the last occurrence. Integers that fit int64/uint64 read as
// integers (so "-0" is 0); every other number keeps its literal text.
//
// A Tape is reused across documents (its buffers keep their capacity); the
// nodes of a parse stay valid until the next Parse(). Not thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace es::woo::detail {

// One member of an object in the object's key index: what find() compares
// first, without touching the (much larger) member nodes.
struct TapeKey {
  uint64_t prefix;  // the key's first 8 bytes (zero-padded)
  uint32_t size;    // the key's length
  uint32_t offset;  // the member node: object node + offset
};

struct TapeNode {
  enum class Kind : uint8_t { kNull, kBool, kInt, kUint, kFloat, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool flag = false;         // kBool: the value
  uint32_t span = 1;         // nodes in this subtree, itself included (next sibling = this + span)
  uint32_t count = 0;        // kArray/kObject: direct children
  int64_t i = 0;             // kInt
  uint64_t u = 0;            // kUint
  std::string_view text;     // kString: unescaped; kFloat: the literal
  std::string_view key;      // member of an object: its (unescaped) key
  std::string_view raw;      // elements of the root array, and the root: their exact JSON text
  const TapeKey* keys = nullptr;  // kObject: its members' keys, in order (`count` of them)
  uint32_t keys_at = 0;           // kObject, while parsing: where they start in the tape's index

  bool is_null() const { return kind == Kind::kNull; }
  bool is_object() const { return kind == Kind::kObject; }
  bool is_array() const { return kind == Kind::kArray; }
  bool is_string() const { return kind == Kind::kString; }
  bool is_number() const { return kind == Kind::kInt || kind == Kind::kUint || kind == Kind::kFloat; }
  bool is_integer() const { return kind == Kind::kInt || kind == Kind::kUint; }
  bool empty() const { return count == 0; }
  size_t size() const { return count; }
  const TapeNode* first() const { return count == 0 ? nullptr : this + 1; }
  const TapeNode* next_sibling() const { return this + span; }
  // The last member named `key`; nullptr when absent or not an object.
  // Scans the key index from the end, so the last duplicate is found first.
  const TapeNode* find(std::string_view k) const;
  static uint64_t Prefix(std::string_view k) {
    uint64_t p = 0;
    if (!k.empty()) std::memcpy(&p, k.data(), k.size() < 8 ? k.size() : 8);
    return p;
  }
  // Numbers and strings as text (integers in decimal), "null", "true"/"false".
  std::string scalar_text() const;
  const char* type_name() const;
};

class Tape {
 public:
  Tape();
  ~Tape();
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  // Parses one JSON document. Errors (Validation, code "invalid_json") say
  // what was wrong: "invalid JSON: …".
  Status Parse(std::string_view text);
  const TapeNode& root() const { return nodes_.front(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<TapeNode> nodes_;
  std::vector<TapeKey> keys_;     // the objects' key indexes, one run per object
  std::vector<TapeKey> pending_;  // while parsing: members of the open objects
};

}  // namespace es::woo::detail
