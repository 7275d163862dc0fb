// Signatures of outgoing notification webhooks.
//
// Each POST carries X-EasySale-Signature: "sha256=" + hex(HMAC-SHA256(secret,
// raw body)), computed over the exact bytes sent. A receiver recomputes it
// over the raw body before parsing and compares in constant time
// (VerifySignature does both). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace es::notify {

inline constexpr const char* kSignatureHeader = "X-EasySale-Signature";
inline constexpr const char* kEventHeader = "X-EasySale-Event";
inline constexpr const char* kDeliveryHeader = "X-EasySale-Delivery";

// "sha256=<64 lower-case hex digits>".
std::string SignBody(std::string_view secret, std::string_view body);
// True when `header` is the signature of `body` under `secret` (constant-time
// comparison; an empty secret never verifies).
bool VerifySignature(std::string_view secret, std::string_view body, std::string_view header);

}  // namespace es::notify
