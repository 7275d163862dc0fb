// Fuzzes JWT verification (server/auth/jwt.h). The first byte picks a mode:
//   0: the rest is a token, verified as is (HS256 + RS256 allowed);
//   1: the rest is "<header JSON>\n<payload JSON>", signed with the right
//      HS256 secret, so that header and claim checks are reached;
//   2: base64url: decode must be canonical (re-encoding gives the input back).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "common/clock.h"
#include "common/crypto.h"
#include "server/auth/jwt.h"

namespace {

constexpr char kSecret[] = "fuzz-secret-fuzz-secret-fuzz-secret-0123";

std::string PublicPem() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

const es::auth::JwtVerifier& Verifier() {
  static es::FakeClock clock(1'767'225'600'000);  // 2026-01-01T00:00:00Z
  static es::auth::JwtVerifier verifier = [] {
    es::auth::VerifierConfig cfg;
    cfg.algorithms = {es::auth::JwtAlgorithm::kHS256, es::auth::JwtAlgorithm::kRS256};
    cfg.hs256_secret = kSecret;
    cfg.rs256_public_key_pem = PublicPem();
    cfg.issuer = "easysale";
    cfg.audience = "easysale-api";
    cfg.clock = &clock;
    auto v = es::auth::JwtVerifier::Create(cfg);
    if (!v.ok()) {
      std::fprintf(stderr, "jwt_fuzz: verifier setup failed: %s\n", v.status().ToString().c_str());
      std::abort();
    }
    return std::move(v).value();
  }();
  return verifier;
}

void CheckResult(const es::Result<es::auth::Claims>& r, std::string_view token) {
  if (r.ok()) {
    if (r->sub.empty() || r->tenant.empty() || r->exp == 0) std::abort();
    return;
  }
  if (!r.status().IsAuthentication()) std::abort();
  // The reason must never quote the signature. Only checked for a long
  // base64url signature: no reason text has 20 such characters in a row.
  size_t dot = token.rfind('.');
  std::string_view sig = dot == std::string_view::npos ? std::string_view() : token.substr(dot + 1);
  if (sig.size() >= 20 && es::auth::Base64UrlDecode(sig).ok() &&
      r.status().message().find(sig.substr(0, 20)) != std::string::npos) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0] % 3;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto& verifier = Verifier();
  if (mode == 0) {
    CheckResult(verifier.Verify(rest), rest);
  } else if (mode == 1) {
    size_t nl = rest.find('\n');
    std::string_view header = rest.substr(0, nl);
    std::string_view payload = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    std::string input = es::auth::Base64UrlEncode(header) + "." + es::auth::Base64UrlEncode(payload);
    std::string token = input + "." + es::auth::Base64UrlEncode(es::crypto::HmacSha256(kSecret, input));
    CheckResult(verifier.Verify(token), token);
  } else {
    auto decoded = es::auth::Base64UrlDecode(rest);
    if (decoded.ok() && es::auth::Base64UrlEncode(*decoded) != rest) {
      std::fprintf(stderr, "jwt_fuzz: base64url decoding is not canonical\n");
      std::abort();
    }
    auto back = es::auth::Base64UrlDecode(es::auth::Base64UrlEncode(rest));
    if (!back.ok() || *back != rest) std::abort();
  }
  return 0;
}
