// A small streaming JSON writer: appends compact JSON text to a string, with
// no tree in between. Numbers are written from Decimal exactly (never through
// double). Strings are escaped byte for byte as DumpJson (common/json.h)
// escapes them: `"` `\` and the control characters \b \f \n \r \t become their
// two-character escapes, other bytes below 0x20 become \u00xx (lower-case
// hex), everything else is copied; invalid UTF-8 becomes U+FFFD, decided as
// nlohmann's serializer decides it (a byte that breaks a sequence is read
// again as the start of the next one). So a writer that emits an object's
// keys in byte order produces exactly DumpJson's text for the same value.
//
// The caller keeps the structure well formed (Key before each member value,
// matching Begin/End); commas are inserted by the writer.
#pragma once

#include <string>
#include <string_view>

#include "common/decimal.h"

namespace es {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  // The name of the next member of the current object.
  void Key(std::string_view key);

  void String(std::string_view s);
  void Bool(bool b);
  void Null();
  // Shortest exact text of `d` ("7.5", "-3").
  void Number(Decimal d);
  // Exactly `places` fractional digits ("337.50").
  void NumberFixed(Decimal d, int places);
  // A value that is already JSON text (written as is).
  void Raw(std::string_view json);

  // Convenience: Key(key) then the value.
  void Member(std::string_view key, std::string_view s) { Key(key); String(s); }

  std::string& out() { return out_; }

 private:
  void Open(char c);
  void Close(char c);
  void BeforeValue() {
    if (comma_) out_.push_back(',');
    comma_ = true;
  }

  std::string& out_;
  bool comma_ = false;  // a value precedes in the current container
};

// Appends `s` as a quoted, escaped JSON string (the rules above).
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace es
