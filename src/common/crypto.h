// Small wrappers over OpenSSL for the primitives the connectors need:
// HMAC (OAuth 1.0a, webhook signatures), SHA-256, base64, secure random
// bytes and constant-time comparison. Thread-safe; failures are impossible
// for valid inputs and abort via assert.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace es::crypto {

std::string HmacSha1(std::string_view key, std::string_view data);    // raw 20 bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string Sha256(std::string_view data);                            // raw 32 bytes
std::string Hex(std::string_view raw);
std::string Base64Encode(std::string_view raw);
Result<std::string> Base64Decode(std::string_view text);
// Cryptographically secure random bytes / hex string of 2*n chars.
std::string RandomBytes(size_t n);
std::string RandomHex(size_t n_bytes);
// Random RFC 4122 version-4 UUID text.
std::string Uuid4();
// Compares without an early exit; lengths may differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace es::crypto
