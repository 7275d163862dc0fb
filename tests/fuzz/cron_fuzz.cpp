// Fuzzes the cron parser and the next fire time (schedule/cron.h): parsing
// never crashes and fails only with a Validation naming a cron field; for
// what parses, the next fire times in the chosen zone are strictly
// increasing, strictly after the start, on whole minutes, and each is
// computed within a bounded search (no endless loop).
//
// Input: the expression, then optionally '\n' + a zone name, '\n' + the
// start time as decimal Unix milliseconds.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "schedule/cron.h"

namespace {

void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "cron_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

bool IsCronField(const std::string& code) {
  for (const char* f : es::schedule::kCronFields)
    if (code == f) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string_view expr = text;
  std::string_view zone = "Europe/Berlin";
  int64_t after = 1'772'900'000'000;  // 2026-03-07, a few hours before New York's spring-forward
  if (size_t nl = text.find('\n'); nl != std::string_view::npos) {
    expr = text.substr(0, nl);
    std::string_view rest = text.substr(nl + 1);
    size_t nl2 = rest.find('\n');
    zone = rest.substr(0, nl2);
    if (nl2 != std::string_view::npos) {
      int64_t v = 0;
      for (char c : rest.substr(nl2 + 1, 15))
        if (c >= '0' && c <= '9') v = v * 10 + (c - '0');
      after = v;
    }
  }
  auto spec = es::schedule::ParseCron(expr);
  if (!spec.ok()) {
    if (!spec.status().IsValidation() || !IsCronField(spec.status().code()))
      Fail("parse error without a cron field", spec.status().ToString());
    if (spec.status().message().find(spec.status().code()) == std::string::npos)
      Fail("parse error message does not name the field", spec.status().message());
    return 0;
  }
  auto fires = es::schedule::NextFires(*spec, zone, after, 4);
  if (!fires.ok()) {
    if (!fires.status().IsValidation()) Fail("next fire failed other than Validation", fires.status().ToString());
    return 0;
  }
  int64_t previous = after;
  for (int64_t f : *fires) {
    if (f <= previous) Fail("next fire is not after the previous one", std::string(expr) + " @ " + std::string(zone));
    if (f % 60'000 != 0) Fail("next fire is not on a whole minute", std::string(expr));
    previous = f;
  }
  (void)es::schedule::FormatLocal(previous, zone);
  return 0;
}
