// Password hashing for the dashboard's local users: argon2id through
// libsodium (crypto_pwhash_str / crypto_pwhash_str_verify), the interactive
// cost (64 MiB, 2 passes) unless a test asks for the minimum.
//
// Passwords are 8 to 1024 bytes (Validation otherwise; the message never
// holds the password). Verification is constant-time in the password;
// VerifyNoUser spends the same work on a fixed hash so that an unknown user
// takes as long to refuse as a wrong password. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace es::auth {

enum class HashCost { kInteractive, kMinimum };

Result<std::string> HashPassword(std::string_view password, HashCost cost = HashCost::kInteractive);
// True when `password` matches `hash` (an argon2id string from HashPassword).
bool VerifyPassword(const std::string& hash, std::string_view password);
// Runs one verification that always fails (timing parity for unknown users).
void VerifyNoUser(std::string_view password);
// Validation when the password is too short or too long.
Status CheckPasswordPolicy(std::string_view password);

}  // namespace es::auth
