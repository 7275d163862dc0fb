#include "common/json_writer.h"

#include <cstdint>

namespace es {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// Bytes that end a run of plain ASCII: controls, '"', '\' and non-ASCII.
bool Plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

void AppendEscapedAscii(std::string& out, unsigned char c) {
  switch (c) {
    case '\b': out += "\\b"; return;
    case '\t': out += "\\t"; return;
    case '\n': out += "\\n"; return;
    case '\f': out += "\\f"; return;
    case '\r': out += "\\r"; return;
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    default:
      if (c < 0x20) {
        const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(u, 6);
      } else {
        out.push_back(static_cast<char>(c));
      }
  }
}

// Length of the well-formed UTF-8 sequence starting at s[i] (Unicode table
// 3-7), or the offset of the first byte that breaks it: returns {length, ok}.
// A lead byte that cannot start a sequence breaks at offset 1 with the lead
// itself consumed; a sequence cut short by the end consumes what is left.
struct Utf8Step {
  size_t consumed;
  bool ok;
};

Utf8Step Utf8At(std::string_view s, size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    need = 1;
  } else if (b >= 0xE0 && b <= 0xEF) {
    need = 2;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    need = 3;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return {1, false};  // 0x80..0xC1, 0xF5..0xFF: never a lead byte
  }
  for (size_t k = 1; k <= need; ++k) {
    if (i + k >= s.size()) return {s.size() - i, false};  // cut short: the rest is one error
    const auto c = static_cast<unsigned char>(s[i + k]);
    const bool in_range = k == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xBF);
    if (!in_range) return {k, false};  // the breaking byte is read again
  }
  return {need + 1, true};
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    size_t run = i;
    while (run < n && Plain(static_cast<unsigned char>(s[run]))) ++run;
    if (run > i) out.append(s.data() + i, run - i);
    i = run;
    if (i >= n) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      AppendEscapedAscii(out, c);
      ++i;
      continue;
    }
    Utf8Step step = Utf8At(s, i);
    if (step.ok) out.append(s.data() + i, step.consumed);
    else out += kReplacement;
    i += step.consumed;
  }
  out.push_back('"');
}

void JsonWriter::Open(char c) {
  BeforeValue();
  out_.push_back(c);
  comma_ = false;
}

void JsonWriter::Close(char c) {
  out_.push_back(c);
  comma_ = true;
}

void JsonWriter::Key(std::string_view key) {
  if (comma_) out_.push_back(',');
  AppendJsonString(out_, key);
  out_.push_back(':');
  comma_ = false;
}

void JsonWriter::String(std::string_view s) {
  BeforeValue();
  AppendJsonString(out_, s);
}

void JsonWriter::Bool(bool b) {
  BeforeValue();
  out_ += b ? "true" : "false";
}

void JsonWriter::Null() {
  BeforeValue();
  out_ += "null";
}

void JsonWriter::Number(Decimal d) {
  BeforeValue();
  out_ += d.ToString();
}

void JsonWriter::NumberFixed(Decimal d, int places) {
  BeforeValue();
  out_ += d.ToFixed(places);
}

void JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_.append(json);
}

}  // namespace es
