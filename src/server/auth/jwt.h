// JWT bearer tokens (RFC 7519, compact JWS per RFC 7515) for the HTTP API
// (SPEC F13): verification of HS256 / RS256 tokens into Claims, and signing
// (for the `token` CLI command and tests).
//
// Verification order: size limit → three base64url segments → header JSON →
// alg against the configured allow-list ("none" and unconfigured algorithms
// are refused; an HS256 token is only ever checked with the HS256 secret, never
// with the RSA key, so algorithm confusion is impossible) → signature (HMAC in
// constant time, RSA PKCS#1 v1.5 SHA-256 via EVP_DigestVerify) → payload JSON
// → exp (required), nbf, iat, iss, aud → sub, tenant_id, role.
//
// Every failure is Status::Authentication with a short reason ("token
// expired", "bad signature", "audience mismatch" …); messages never contain
// the token, its signature or the key.
//
// JwtVerifier parses the key once; it is immutable after Create() and safe to
// share between threads. The Clock passed in the config must outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"

namespace es::auth {

enum class JwtAlgorithm { kHS256, kRS256 };
std::string_view AlgorithmName(JwtAlgorithm alg);  // "HS256" / "RS256"

enum class Role { kAdmin, kUser };
std::string_view RoleName(Role role);  // "admin" / "user"
// Exactly "admin" → kAdmin, "user" → kUser; anything else ("Admin", "root") → nullopt.
std::optional<Role> ParseRole(std::string_view text);

// The claims the server relies on. `raw` is the whole payload object (after
// verification); extra claims can be read from it.
struct Claims {
  std::string sub;                // user id (audit log)
  std::string tenant;             // custom claim "tenant_id"
  Role role = Role::kUser;        // custom claim "role"
  int64_t exp = 0;                // seconds since the epoch
  std::optional<int64_t> iat;     // seconds since the epoch
  std::optional<int64_t> nbf;     // seconds since the epoch
  std::string iss;                // empty when absent
  std::vector<std::string> aud;   // string or array in the token
  Json raw = Json::object();
};

struct VerifierConfig {
  // Accepted algorithms; a token whose header names another one is refused.
  std::vector<JwtAlgorithm> algorithms = {JwtAlgorithm::kHS256};
  // Raw secret bytes for HS256; at least 32 bytes (RFC 7518 §3.2).
  std::string hs256_secret;
  // SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----") of an RSA key of
  // at least 2048 bits, for RS256.
  std::string rs256_public_key_pem;
  // Expected "iss" / one of "aud". Empty: the claim is not checked.
  std::string issuer;
  std::string audience;
  // Source of "now"; must outlive the verifier. Null means SystemClock.
  const Clock* clock = nullptr;
  // Allowed clock skew for exp / nbf / iat.
  int64_t leeway_seconds = 60;
  // Longer tokens are refused before any decoding.
  size_t max_token_bytes = 8 * 1024;
};

class JwtVerifier {
 public:
  // Validates the config and parses the public key. Failures are Validation
  // errors naming the config problem (never echoing key material).
  static Result<JwtVerifier> Create(VerifierConfig config);

  JwtVerifier(JwtVerifier&&) noexcept;
  JwtVerifier& operator=(JwtVerifier&&) noexcept;
  ~JwtVerifier();

  // Verifies `token` (without any "Bearer " prefix) and returns its claims.
  Result<Claims> Verify(std::string_view token) const;

 private:
  struct Key;
  JwtVerifier(VerifierConfig config, std::unique_ptr<Key> rsa_key);
  Result<Claims> CheckClaims(const Json& payload) const;

  VerifierConfig config_;
  std::unique_ptr<Key> rsa_key_;  // null unless RS256 is allowed
};

// The token of an "Authorization: Bearer <token>" header value (scheme
// case-insensitive, surrounding spaces ignored). Authentication error when
// the header is empty or uses another scheme; the message never quotes it.
Result<std::string_view> ExtractBearerToken(std::string_view authorization);

// One-shot convenience: JwtVerifier::Create(config) then Verify(token).
// Parses the key on every call; servers should keep a JwtVerifier instead.
Result<Claims> Verify(std::string_view token, const VerifierConfig& config);

struct SignerConfig {
  JwtAlgorithm algorithm = JwtAlgorithm::kHS256;
  std::string hs256_secret;          // for HS256, at least 32 bytes
  std::string rs256_private_key_pem;  // PKCS#8 or traditional RSA PEM, for RS256
  std::string key_id;                 // optional "kid" header
};

// Builds and signs a token. The payload is claims.raw (if an object) with
// sub, tenant_id, role, exp, and iat / nbf / iss / aud when set, overriding
// any same-named keys. Fails (Validation) for a bad key or empty sub/tenant.
Result<std::string> Sign(const Claims& claims, const SignerConfig& config);

// base64url without padding (RFC 7515 §2). Decode refuses padding, other
// alphabets, impossible lengths and non-zero trailing bits.
std::string Base64UrlEncode(std::string_view raw);
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace es::auth
