// Fuzzes SecretBox (common/secret_box.h). The first byte picks a mode:
//   0: Open(rest) — arbitrary "sealed" text must fail cleanly;
//   1: Seal(rest) then Open — must give the plaintext back;
//   2: "<associated data>\n<sealed>" — Open with that associated data.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/secret_box.h"

namespace {
const es::SecretBox& Box() {
  static es::SecretBox box = *es::SecretBox::FromHexKey(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  return box;
}

void CheckOpen(const es::Result<std::string>& r, std::string_view sealed) {
  if (r.ok()) {
    if (!es::SecretBox::LooksSealed(sealed)) std::abort();
  } else if (!r.status().IsAuthentication() && !r.status().IsValidation()) {
    std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0] % 3;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const es::SecretBox& box = Box();
  if (mode == 0) {
    CheckOpen(box.Open(rest), rest);
  } else if (mode == 1) {
    std::string sealed = box.Seal(rest, "ad");
    if (!es::SecretBox::LooksSealed(sealed)) std::abort();
    auto back = box.Open(sealed, "ad");
    if (!back.ok() || *back != rest) std::abort();
    if (box.Open(sealed, "other").ok()) std::abort();
  } else {
    size_t nl = rest.find('\n');
    std::string_view ad = rest.substr(0, nl);
    std::string_view sealed = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    CheckOpen(box.Open(sealed, ad), sealed);
  }
  return 0;
}
