// SecretBox: authenticated encryption of credentials at rest (SPEC F1).
//
// AES-256-GCM with a 32-byte master key from the environment
// (EASYSALE_MASTER_KEY = 64 hex characters) or from a key file named by
// EASYSALE_MASTER_KEY_FILE. A sealed value is one line of text, so it fits a
// TEXT column:
//
//   "esb1:" + base64( nonce[12] || ciphertext || tag[16] )
//
// with a fresh random nonce per Seal. The optional associated data (e.g.
// "tenant/connection-id/consumer_secret") is authenticated but not stored:
// Open must be given the same bytes, so a sealed value copied to another row
// does not open. "esb1" is the version of this layout.
//
// Failures: a missing or malformed key is a Validation error naming the
// variable, never echoing key material; a tampered value, a wrong key or
// wrong associated data is Status::Authentication("secret could not be
// decrypted (wrong key or corrupted data)"). The key is wiped on destruction.
// Immutable after construction; safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace es {

class SecretBox {
 public:
  static constexpr std::string_view kPrefix = "esb1:";
  static constexpr size_t kKeyBytes = 32;
  static constexpr size_t kNonceBytes = 12;
  static constexpr size_t kTagBytes = 16;

  // `hex64`: exactly 64 hex digits (either case); surrounding whitespace is
  // not trimmed here.
  static Result<SecretBox> FromHexKey(std::string_view hex64);
  // Reads the key from `env_var`, or else from the file named by
  // `file_env_var` (whitespace around the hex digits is ignored). When both
  // are set, `env_var` wins.
  static Result<SecretBox> FromEnvironmentOrFile(const char* env_var = "EASYSALE_MASTER_KEY",
                                                 const char* file_env_var = "EASYSALE_MASTER_KEY_FILE");

  SecretBox(const SecretBox& other) = default;
  SecretBox& operator=(const SecretBox& other) = default;
  ~SecretBox();

  // Encrypts `plaintext` (any bytes, any length) bound to `associated_data`.
  std::string Seal(std::string_view plaintext, std::string_view associated_data = {}) const;
  // Decrypts a value produced by Seal with the same key and associated data.
  Result<std::string> Open(std::string_view sealed, std::string_view associated_data = {}) const;

  // True when `text` has the shape of a sealed value (prefix, base64 body
  // long enough for nonce and tag). Says nothing about authenticity.
  static bool LooksSealed(std::string_view text);

 private:
  SecretBox() = default;
  std::array<unsigned char, kKeyBytes> key_{};
};

}  // namespace es
