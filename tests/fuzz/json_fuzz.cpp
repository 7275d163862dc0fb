// Fuzzes es::ParseJson and the DumpJson round trip (common/json.h): parsing
// must never crash, and whatever parses must dump to JSON that parses again
// and dumps to the same text (exact numbers survive).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/json.h"

namespace {

void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "json_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

// Exercises the read helpers on every member of an object.
void Touch(const es::Json& j) {
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key.empty() || key.find('.') != std::string::npos) continue;  // dot paths are another story
    (void)es::GetStringOr(j, key);
    (void)es::GetIntOr(j, key, 0);
    (void)es::GetDecimal(j, key);
    (void)es::GetDecimalRounded(j, key);
    (void)es::GetBoolOr(j, key, false);
    (void)es::ScalarText(*it);
    (void)es::IsJsonNumber(*it);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  es::JsonParseOptions opts;
  opts.max_depth = 32;
  auto parsed = es::ParseJson(text, opts);
  if (!parsed.ok()) {
    if (parsed.status().message().empty()) Fail("parse error without a message", "");
    return 0;
  }
  Touch(*parsed);
  const std::string once = es::DumpJson(*parsed);
  auto again = es::ParseJson(once, opts);
  if (!again.ok()) Fail("DumpJson output does not parse again", again.status().message() + " | " + once);
  const std::string twice = es::DumpJson(*again);
  if (once != twice) Fail("DumpJson is not stable", once + " | " + twice);
  return 0;
}
