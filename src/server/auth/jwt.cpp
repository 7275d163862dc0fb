#include "server/auth/jwt.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "common/crypto.h"
#include "common/decimal.h"

namespace es::auth {
namespace {

constexpr size_t kMinHmacSecretBytes = 32;
constexpr int kMinRsaBits = 2048;
constexpr size_t kMaxClaimTextBytes = 256;

Status Reject(std::string reason) { return Status::Authentication(std::move(reason)); }

// ---- base64url -------------------------------------------------------------

constexpr char kB64UrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<int8_t, 256> MakeB64UrlTable() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kB64UrlAlphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr std::array<int8_t, 256> kB64UrlTable = MakeB64UrlTable();

// ---- OpenSSL helpers -------------------------------------------------------

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// Refuses to prompt for a passphrase on the terminal (encrypted PEMs fail).
int NoPassphrase(char*, int, int, void*) { return 0; }

enum class PemKind { kPublic, kPrivate };

Result<PkeyPtr> LoadRsaKey(std::string_view pem, PemKind kind, std::string_view what) {
  if (pem.empty()) return Status::Validation(std::string(what) + " is not configured");
  if (pem.size() > 64 * 1024) return Status::Validation(std::string(what) + " is too large to be a PEM key");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return Status::Internal("out of memory reading " + std::string(what));
  PkeyPtr key(kind == PemKind::kPublic ? PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr)
                                       : PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  ERR_clear_error();
  if (!key) {
    return Status::Validation(std::string(what) + " is not a valid unencrypted PEM " +
                              (kind == PemKind::kPublic ? "public key" : "private key"));
  }
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
    return Status::Validation(std::string(what) + " is not an RSA key");
  }
  if (EVP_PKEY_get_bits(key.get()) < kMinRsaBits) {
    return Status::Validation(std::string(what) + " must be an RSA key of at least 2048 bits");
  }
  return key;
}

Status CheckHmacSecret(std::string_view secret) {
  if (secret.size() < kMinHmacSecretBytes) {
    return Status::Validation("HS256 secret must be at least 32 bytes");
  }
  // A PEM here means someone pasted the RSA key as the HMAC secret: that is
  // exactly what algorithm-confusion attacks exploit.
  if (secret.find("-----BEGIN") != std::string_view::npos) {
    return Status::Validation("HS256 secret looks like a PEM key; configure it as the RS256 key instead");
  }
  return Status::Ok();
}

// ---- claims helpers ----------------------------------------------------------

// A NumericDate claim: absent → nullopt; a JSON number (fractions truncated
// toward negative infinity) → seconds; anything else → error.
Result<std::optional<int64_t>> NumericDate(const Json& payload, const char* name) {
  auto it = payload.find(name);
  if (it == payload.end()) return std::optional<int64_t>();
  const Json& v = *it;
  const std::string bad = std::string("malformed ") + name + " claim";
  if (v.is_number_unsigned()) {
    if (v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return Reject(bad);
    return std::optional<int64_t>(static_cast<int64_t>(v.get<uint64_t>()));
  }
  if (v.is_number_integer()) return std::optional<int64_t>(v.get<int64_t>());
  if (v.is_string() && IsJsonNumber(v)) {  // a fractional literal kept exact by ParseJson
    auto d = DecimalFromJson(v, /*rounded=*/true);
    if (!d.ok()) return Reject(bad);
    int64_t units = d->units();
    int64_t secs = units / Decimal::kOne;
    if (units % Decimal::kOne < 0) --secs;
    return std::optional<int64_t>(secs);
  }
  return Reject(bad);
}

bool IsPrintableText(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; });
}

Result<std::string> RequiredText(const Json& payload, const char* name, bool allow_integer) {
  auto it = payload.find(name);
  if (it == payload.end() || it->is_null()) return Reject(std::string("missing ") + name + " claim");
  std::string text;
  if (it->is_string() && !IsJsonNumber(*it)) text = it->get<std::string>();
  else if (allow_integer && it->is_number_integer()) text = it->dump();
  else return Reject(std::string("malformed ") + name + " claim");
  if (text.empty()) return Reject(std::string("missing ") + name + " claim");
  if (text.size() > kMaxClaimTextBytes || !IsPrintableText(text)) {
    return Reject(std::string("malformed ") + name + " claim");
  }
  return text;
}

// Short, safe rendering of an untrusted alg value for an error message.
std::string SafeAlgName(std::string_view alg) {
  bool plain = !alg.empty() && alg.size() <= 16 &&
               std::all_of(alg.begin(), alg.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
  return plain ? " " + std::string(alg) : std::string();
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

Result<Json> DecodeJsonSegment(std::string_view segment, std::string_view what, size_t depth) {
  auto raw = Base64UrlDecode(segment);
  if (!raw.ok()) return Reject("malformed token: " + std::string(what) + " is not base64url");
  JsonParseOptions opts;
  opts.max_depth = depth;
  opts.max_bytes = raw->size();
  auto json = ParseJson(*raw, opts);
  if (!json.ok()) return Reject("malformed token: " + std::string(what) + " is not valid JSON");
  if (!json->is_object()) return Reject("malformed token: " + std::string(what) + " is not a JSON object");
  return std::move(json).value();
}

}  // namespace

// ---- public helpers ----------------------------------------------------------

std::string_view AlgorithmName(JwtAlgorithm alg) { return alg == JwtAlgorithm::kHS256 ? "HS256" : "RS256"; }

std::string_view RoleName(Role role) { return role == Role::kAdmin ? "admin" : "user"; }

std::optional<Role> ParseRole(std::string_view text) {
  if (text == "admin") return Role::kAdmin;
  if (text == "user") return Role::kUser;
  return std::nullopt;
}

std::string Base64UrlEncode(std::string_view raw) {
  std::string out;
  out.reserve((raw.size() * 4 + 2) / 3);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(raw[k])); };
  for (; i + 3 <= raw.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out.push_back(kB64UrlAlphabet[(v >> 18) & 63]);
    out.push_back(kB64UrlAlphabet[(v >> 12) & 63]);
    out.push_back(kB64UrlAlphabet[(v >> 6) & 63]);
    out.push_back(kB64UrlAlphabet[v & 63]);
  }
  size_t rest = raw.size() - i;
  if (rest == 1) {
    uint32_t v = byte(i) << 16;
    out.push_back(kB64UrlAlphabet[(v >> 18) & 63]);
    out.push_back(kB64UrlAlphabet[(v >> 12) & 63]);
  } else if (rest == 2) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out.push_back(kB64UrlAlphabet[(v >> 18) & 63]);
    out.push_back(kB64UrlAlphabet[(v >> 12) & 63]);
    out.push_back(kB64UrlAlphabet[(v >> 6) & 63]);
  }
  return out;
}

Result<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return Status::Validation("base64url text has an impossible length");
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int8_t v = kB64UrlTable[static_cast<unsigned char>(c)];
    if (v < 0) return Status::Validation("base64url text contains a character outside its alphabet");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Leftover bits (2 or 4) must be zero, so each byte string has one encoding.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    return Status::Validation("base64url text has non-zero trailing bits");
  }
  return out;
}

// ---- JwtVerifier ---------------------------------------------------------------

struct JwtVerifier::Key {
  PkeyPtr pkey;
};

JwtVerifier::JwtVerifier(VerifierConfig config, std::unique_ptr<Key> rsa_key)
    : config_(std::move(config)), rsa_key_(std::move(rsa_key)) {}
JwtVerifier::JwtVerifier(JwtVerifier&&) noexcept = default;
JwtVerifier& JwtVerifier::operator=(JwtVerifier&&) noexcept = default;
JwtVerifier::~JwtVerifier() = default;

Result<JwtVerifier> JwtVerifier::Create(VerifierConfig config) {
  if (config.algorithms.empty()) return Status::Validation("no JWT algorithm is configured");
  auto allows = [&](JwtAlgorithm a) {
    return std::find(config.algorithms.begin(), config.algorithms.end(), a) != config.algorithms.end();
  };
  if (config.leeway_seconds < 0 || config.leeway_seconds > 24 * 3600) {
    return Status::Validation("JWT leeway must be between 0 and 86400 seconds");
  }
  if (config.max_token_bytes == 0) return Status::Validation("JWT max_token_bytes must be positive");
  if (allows(JwtAlgorithm::kHS256)) {
    ES_RETURN_IF_ERROR(CheckHmacSecret(config.hs256_secret));
  } else {
    config.hs256_secret.clear();  // never usable when HS256 is not allowed
  }
  std::unique_ptr<Key> key;
  if (allows(JwtAlgorithm::kRS256)) {
    auto pkey = LoadRsaKey(config.rs256_public_key_pem, PemKind::kPublic, "RS256 public key");
    if (!pkey.ok()) return pkey.status();
    key = std::make_unique<Key>();
    key->pkey = std::move(pkey).value();
  }
  if (config.clock == nullptr) config.clock = &SystemClock::Get();
  return JwtVerifier(std::move(config), std::move(key));
}

Result<Claims> JwtVerifier::Verify(std::string_view token) const {
  if (token.empty()) return Reject("missing token");
  if (token.size() > config_.max_token_bytes) return Reject("token too large");
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Reject("malformed token: expected three dot-separated segments");
  }
  std::string_view header_b64 = token.substr(0, dot1);
  std::string_view payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string_view sig_b64 = token.substr(dot2 + 1);
  if (header_b64.empty() || payload_b64.empty()) return Reject("malformed token: empty segment");

  ES_ASSIGN_OR_RETURN(Json header, DecodeJsonSegment(header_b64, "header", 4));
  auto alg_it = header.find("alg");
  if (alg_it == header.end() || !alg_it->is_string() || IsJsonNumber(*alg_it)) {
    return Reject("malformed token: header has no alg");
  }
  const std::string& alg = alg_it->get_ref<const std::string&>();
  if (EqualsIgnoreCase(alg, "none")) return Reject("unsigned tokens (alg none) are not accepted");
  JwtAlgorithm algorithm;
  if (alg == "HS256") algorithm = JwtAlgorithm::kHS256;
  else if (alg == "RS256") algorithm = JwtAlgorithm::kRS256;
  else return Reject("token algorithm" + SafeAlgName(alg) + " is not supported");
  if (std::find(config_.algorithms.begin(), config_.algorithms.end(), algorithm) == config_.algorithms.end()) {
    return Reject("token algorithm " + std::string(AlgorithmName(algorithm)) + " is not accepted");
  }
  if (header.contains("crit")) return Reject("token has unsupported critical header parameters");

  if (sig_b64.empty()) return Reject("token is not signed");
  auto sig = Base64UrlDecode(sig_b64);
  if (!sig.ok()) return Reject("malformed token: signature is not base64url");
  std::string_view signing_input = token.substr(0, dot2);

  if (algorithm == JwtAlgorithm::kHS256) {
    // Only the HMAC secret: the RSA key is never used as an HMAC key.
    std::string expected = crypto::HmacSha256(config_.hs256_secret, signing_input);
    if (!crypto::ConstantTimeEquals(*sig, expected)) return Reject("bad signature");
  } else {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx) return Status::Internal("out of memory verifying a token");
    bool good = EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, rsa_key_->pkey.get()) == 1 &&
                EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                                 reinterpret_cast<const unsigned char*>(signing_input.data()),
                                 signing_input.size()) == 1;
    ERR_clear_error();
    if (!good) return Reject("bad signature");
  }

  ES_ASSIGN_OR_RETURN(Json payload, DecodeJsonSegment(payload_b64, "payload", 16));
  return CheckClaims(payload);
}

Result<Claims> JwtVerifier::CheckClaims(const Json& payload) const {
  Claims c;
  const int64_t now = config_.clock->NowSeconds();
  const int64_t leeway = config_.leeway_seconds;

  ES_ASSIGN_OR_RETURN(std::optional<int64_t> exp, NumericDate(payload, "exp"));
  if (!exp) return Reject("missing exp claim");
  if (*exp < now - leeway) return Reject("token expired");
  c.exp = *exp;
  ES_ASSIGN_OR_RETURN(c.nbf, NumericDate(payload, "nbf"));
  if (c.nbf && *c.nbf > now + leeway) return Reject("token not yet valid (nbf)");
  ES_ASSIGN_OR_RETURN(c.iat, NumericDate(payload, "iat"));
  if (c.iat && *c.iat > now + leeway) return Reject("token issued in the future (iat)");
  if (c.iat && *c.iat > c.exp) return Reject("token issued after it expires (iat > exp)");

  if (auto it = payload.find("iss"); it != payload.end()) {
    if (!it->is_string() || IsJsonNumber(*it)) return Reject("malformed iss claim");
    c.iss = it->get<std::string>();
  }
  if (!config_.issuer.empty()) {
    if (c.iss.empty()) return Reject("missing iss claim");
    if (c.iss != config_.issuer) return Reject("issuer mismatch");
  }

  if (auto it = payload.find("aud"); it != payload.end()) {
    if (it->is_string() && !IsJsonNumber(*it)) {
      c.aud.push_back(it->get<std::string>());
    } else if (it->is_array()) {
      for (const Json& a : *it) {
        if (!a.is_string() || IsJsonNumber(a)) return Reject("malformed aud claim");
        c.aud.push_back(a.get<std::string>());
      }
    } else {
      return Reject("malformed aud claim");
    }
  }
  if (!config_.audience.empty()) {
    if (c.aud.empty()) return Reject("missing aud claim");
    if (std::find(c.aud.begin(), c.aud.end(), config_.audience) == c.aud.end()) {
      return Reject("audience mismatch");
    }
  }

  ES_ASSIGN_OR_RETURN(c.sub, RequiredText(payload, "sub", /*allow_integer=*/false));
  ES_ASSIGN_OR_RETURN(c.tenant, RequiredText(payload, "tenant_id", /*allow_integer=*/true));
  auto role_it = payload.find("role");
  if (role_it == payload.end() || role_it->is_null()) return Reject("missing role claim");
  if (!role_it->is_string()) return Reject("malformed role claim");
  auto role = ParseRole(role_it->get_ref<const std::string&>());
  if (!role) return Reject("unknown role (expected admin or user)");
  c.role = *role;
  c.raw = payload;
  return c;
}

Result<std::string_view> ExtractBearerToken(std::string_view authorization) {
  auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!authorization.empty() && space(authorization.front())) authorization.remove_prefix(1);
  while (!authorization.empty() && space(authorization.back())) authorization.remove_suffix(1);
  if (authorization.empty()) return Reject("missing Authorization header");
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() || !EqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme) ||
      !space(authorization[kScheme.size()])) {
    return Reject("Authorization header is not a Bearer token");
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && space(token.front())) token.remove_prefix(1);
  if (token.empty()) return Reject("missing token");
  return token;
}

Result<Claims> Verify(std::string_view token, const VerifierConfig& config) {
  ES_ASSIGN_OR_RETURN(JwtVerifier verifier, JwtVerifier::Create(config));
  return verifier.Verify(token);
}

// ---- signing --------------------------------------------------------------------

Result<std::string> Sign(const Claims& claims, const SignerConfig& config) {
  if (claims.sub.empty()) return Status::Validation("cannot sign a token without sub (user id)");
  if (claims.tenant.empty()) return Status::Validation("cannot sign a token without tenant_id");
  if (claims.exp <= 0) return Status::Validation("cannot sign a token without exp");

  Json header = {{"alg", AlgorithmName(config.algorithm)}, {"typ", "JWT"}};
  if (!config.key_id.empty()) header["kid"] = config.key_id;
  Json payload = claims.raw.is_object() ? claims.raw : Json::object();
  payload["sub"] = claims.sub;
  payload["tenant_id"] = claims.tenant;
  payload["role"] = RoleName(claims.role);
  payload["exp"] = claims.exp;
  if (claims.iat) payload["iat"] = *claims.iat;
  if (claims.nbf) payload["nbf"] = *claims.nbf;
  if (!claims.iss.empty()) payload["iss"] = claims.iss;
  if (claims.aud.size() == 1) payload["aud"] = claims.aud.front();
  else if (!claims.aud.empty()) payload["aud"] = claims.aud;

  std::string input = Base64UrlEncode(DumpJson(header)) + "." + Base64UrlEncode(DumpJson(payload));
  std::string sig;
  if (config.algorithm == JwtAlgorithm::kHS256) {
    ES_RETURN_IF_ERROR(CheckHmacSecret(config.hs256_secret));
    sig = crypto::HmacSha256(config.hs256_secret, input);
  } else {
    ES_ASSIGN_OR_RETURN(PkeyPtr key, LoadRsaKey(config.rs256_private_key_pem, PemKind::kPrivate,
                                                "RS256 private key"));
    MdCtxPtr ctx(EVP_MD_CTX_new());
    size_t len = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(input.data());
    bool good = ctx && EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
                EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size()) == 1;
    if (good) {
      sig.resize(len);
      good = EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size()) == 1;
      sig.resize(len);
    }
    ERR_clear_error();
    if (!good) return Status::Internal("RSA signing failed");
  }
  return input + "." + Base64UrlEncode(sig);
}

}  // namespace es::auth
