#include "server/auth/jwt.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "common/crypto.h"

namespace es::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSecret = "0123456789abcdef0123456789abcdef-test-secret";

struct RsaPem {
  std::string public_pem;
  std::string private_pem;
};

RsaPem GenerateRsa(unsigned bits) {
  EVP_PKEY* key = EVP_RSA_gen(bits);
  EXPECT_NE(key, nullptr);
  RsaPem out;
  BIO* pub = BIO_new(BIO_s_mem());
  BIO* priv = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(pub, key);
  PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(pub, &data);
  out.public_pem.assign(data, static_cast<size_t>(n));
  n = BIO_get_mem_data(priv, &data);
  out.private_pem.assign(data, static_cast<size_t>(n));
  BIO_free(pub);
  BIO_free(priv);
  EVP_PKEY_free(key);
  return out;
}

const RsaPem& Rsa() {
  static const RsaPem pem = GenerateRsa(2048);
  return pem;
}

class JwtTest : public ::testing::Test {
 protected:
  Claims BaseClaims() const {
    Claims c;
    c.sub = "user-42";
    c.tenant = "acme";
    c.role = Role::kAdmin;
    c.iat = clock_.NowSeconds();
    c.exp = clock_.NowSeconds() + 3600;
    c.iss = "easysale";
    c.aud = {"easysale-api"};
    return c;
  }
  VerifierConfig HsConfig() const {
    VerifierConfig v;
    v.algorithms = {JwtAlgorithm::kHS256};
    v.hs256_secret = kSecret;
    v.issuer = "easysale";
    v.audience = "easysale-api";
    v.clock = &clock_;
    return v;
  }
  VerifierConfig RsConfig() const {
    VerifierConfig v = HsConfig();
    v.algorithms = {JwtAlgorithm::kRS256};
    v.hs256_secret.clear();
    v.rs256_public_key_pem = Rsa().public_pem;
    return v;
  }
  std::string SignHs(const Claims& c) const {
    SignerConfig s;
    s.hs256_secret = kSecret;
    auto t = Sign(c, s);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : std::string();
  }
  std::string SignRs(const Claims& c) const {
    SignerConfig s;
    s.algorithm = JwtAlgorithm::kRS256;
    s.rs256_private_key_pem = Rsa().private_pem;
    s.key_id = "k1";
    auto t = Sign(c, s);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : std::string();
  }
  // A token with arbitrary header/payload JSON, HMAC-signed with `key`.
  static std::string Forge(const std::string& header, const std::string& payload, std::string_view key) {
    std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
    return input + "." + Base64UrlEncode(crypto::HmacSha256(key, input));
  }
  std::string Payload(const std::string& extra = "") const {
    return R"({"sub":"u1","tenant_id":"t1","role":"user","iss":"easysale","aud":"easysale-api","exp":)" +
           std::to_string(clock_.NowSeconds() + 600) + extra + "}";
  }
  void ExpectRejected(const std::string& token, const VerifierConfig& cfg, const std::string& reason) {
    auto r = Verify(token, cfg);
    ASSERT_FALSE(r.ok()) << "expected rejection: " << reason;
    EXPECT_TRUE(r.status().IsAuthentication()) << r.status().ToString();
    EXPECT_THAT(r.status().message(), HasSubstr(reason));
    if (token.size() > 10) {
      EXPECT_THAT(r.status().message(), Not(HasSubstr(token.substr(0, 10))));
      EXPECT_THAT(r.status().message(), Not(HasSubstr(token.substr(token.size() - 10))));
    }
  }

  FakeClock clock_;
};

TEST_F(JwtTest, ValidHs256TokenYieldsClaims) {
  Claims in = BaseClaims();
  in.raw = {{"name", "Ada"}};
  auto out = Verify(SignHs(in), HsConfig());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->sub, "user-42");
  EXPECT_EQ(out->tenant, "acme");
  EXPECT_EQ(out->role, Role::kAdmin);
  EXPECT_EQ(out->exp, in.exp);
  EXPECT_EQ(out->iat, in.iat);
  EXPECT_EQ(out->iss, "easysale");
  EXPECT_EQ(out->aud, std::vector<std::string>{"easysale-api"});
  EXPECT_EQ(out->raw.value("name", ""), "Ada");
}

TEST_F(JwtTest, ValidRs256TokenYieldsClaims) {
  Claims in = BaseClaims();
  in.role = Role::kUser;
  auto out = Verify(SignRs(in), RsConfig());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->role, Role::kUser);
  EXPECT_EQ(out->tenant, "acme");
}

TEST_F(JwtTest, VerifierIsReusableAndAcceptsBothAlgorithmsWhenConfigured) {
  VerifierConfig cfg = RsConfig();
  cfg.algorithms = {JwtAlgorithm::kHS256, JwtAlgorithm::kRS256};
  cfg.hs256_secret = kSecret;
  auto v = JwtVerifier::Create(cfg);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->Verify(SignHs(BaseClaims())).ok());
  EXPECT_TRUE(v->Verify(SignRs(BaseClaims())).ok());
}

TEST_F(JwtTest, AudienceMayBeAnArray) {
  Claims in = BaseClaims();
  in.aud = {"other", "easysale-api"};
  auto out = Verify(SignHs(in), HsConfig());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->aud.size(), 2u);
  in.aud = {"other", "more"};
  ExpectRejected(SignHs(in), HsConfig(), "audience mismatch");
}

TEST_F(JwtTest, ExpiryHonoursLeeway) {
  Claims in = BaseClaims();
  in.iat = clock_.NowSeconds() - 7200;
  in.exp = clock_.NowSeconds() - 30;  // within the 60 s leeway
  EXPECT_TRUE(Verify(SignHs(in), HsConfig()).ok());
  in.exp = clock_.NowSeconds() - 61;
  ExpectRejected(SignHs(in), HsConfig(), "token expired");
  VerifierConfig strict = HsConfig();
  strict.leeway_seconds = 0;
  in.exp = clock_.NowSeconds() - 1;
  ExpectRejected(SignHs(in), strict, "token expired");
}

TEST_F(JwtTest, ExpiresAsTheClockMoves) {
  std::string token = SignHs(BaseClaims());
  ASSERT_TRUE(Verify(token, HsConfig()).ok());
  clock_.Advance((3600 + 61) * 1000);
  ExpectRejected(token, HsConfig(), "token expired");
}

TEST_F(JwtTest, MissingExpIsRejected) {
  std::string payload = R"({"sub":"u1","tenant_id":"t1","role":"user","iss":"easysale","aud":"easysale-api"})";
  ExpectRejected(Forge(R"({"alg":"HS256"})", payload, kSecret), HsConfig(), "missing exp claim");
}

TEST_F(JwtTest, NotBeforeInTheFutureIsRejected) {
  Claims in = BaseClaims();
  in.nbf = clock_.NowSeconds() + 600;
  ExpectRejected(SignHs(in), HsConfig(), "not yet valid");
  in.nbf = clock_.NowSeconds() + 30;  // within leeway
  EXPECT_TRUE(Verify(SignHs(in), HsConfig()).ok());
}

TEST_F(JwtTest, IssuedAtSanity) {
  Claims in = BaseClaims();
  in.iat = clock_.NowSeconds() + 3000;
  ExpectRejected(SignHs(in), HsConfig(), "issued in the future");
}

TEST_F(JwtTest, FractionalNumericDatesAreAccepted) {
  std::string payload = R"({"sub":"u1","tenant_id":7,"role":"user","iss":"easysale","aud":"easysale-api","exp":)" +
                        std::to_string(clock_.NowSeconds() + 600) + ".75}";
  auto out = Verify(Forge(R"({"alg":"HS256"})", payload, kSecret), HsConfig());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->exp, clock_.NowSeconds() + 600);
  EXPECT_EQ(out->tenant, "7");
}

TEST_F(JwtTest, WrongIssuerOrAudienceIsRejected) {
  Claims in = BaseClaims();
  in.iss = "someone-else";
  ExpectRejected(SignHs(in), HsConfig(), "issuer mismatch");
  in = BaseClaims();
  in.aud = {"another-api"};
  ExpectRejected(SignHs(in), HsConfig(), "audience mismatch");
  in = BaseClaims();
  in.iss.clear();
  ExpectRejected(SignHs(in), HsConfig(), "missing iss claim");
  in = BaseClaims();
  in.aud.clear();
  ExpectRejected(SignHs(in), HsConfig(), "missing aud claim");
}

TEST_F(JwtTest, UnconfiguredIssuerAndAudienceAreNotChecked) {
  VerifierConfig cfg = HsConfig();
  cfg.issuer.clear();
  cfg.audience.clear();
  Claims in = BaseClaims();
  in.iss.clear();
  in.aud.clear();
  EXPECT_TRUE(Verify(SignHs(in), cfg).ok());
}

TEST_F(JwtTest, TamperedPayloadIsRejected) {
  std::string token = SignHs(BaseClaims());
  size_t d1 = token.find('.'), d2 = token.rfind('.');
  Claims evil = BaseClaims();
  evil.tenant = "victim";
  std::string evil_token = SignHs(evil);
  std::string evil_payload = evil_token.substr(evil_token.find('.') + 1,
                                               evil_token.rfind('.') - evil_token.find('.') - 1);
  std::string spliced = token.substr(0, d1 + 1) + evil_payload + token.substr(d2);
  ExpectRejected(spliced, HsConfig(), "bad signature");
}

TEST_F(JwtTest, TamperedSignatureIsRejected) {
  VerifierConfig both = RsConfig();
  both.algorithms = {JwtAlgorithm::kHS256, JwtAlgorithm::kRS256};
  both.hs256_secret = kSecret;
  for (std::string t : {SignHs(BaseClaims()), SignRs(BaseClaims())}) {
    char& c = t[t.size() - 5];
    c = c == 'A' ? 'B' : 'A';
    ExpectRejected(t, both, "bad signature");
  }
  // Dropping the signature entirely.
  std::string t = SignHs(BaseClaims());
  ExpectRejected(t.substr(0, t.rfind('.') + 1), HsConfig(), "not signed");
  // A signature from another secret.
  SignerConfig other;
  other.hs256_secret = std::string(32, 'z');
  ExpectRejected(*Sign(BaseClaims(), other), HsConfig(), "bad signature");
}

TEST_F(JwtTest, AlgNoneIsRejected) {
  std::string p = Payload();
  std::string unsigned_token = Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." + Base64UrlEncode(p) + ".";
  ExpectRejected(unsigned_token, HsConfig(), "alg none");
  std::string upper = Base64UrlEncode(R"({"alg":"NoNe"})") + "." + Base64UrlEncode(p) + "." + Base64UrlEncode("x");
  ExpectRejected(upper, HsConfig(), "alg none");
}

TEST_F(JwtTest, AlgorithmConfusionIsRejected) {
  // Classic attack: an HS256 token whose HMAC key is the server's RSA public key.
  std::string forged = Forge(R"({"alg":"HS256","typ":"JWT"})", Payload(), Rsa().public_pem);
  ExpectRejected(forged, RsConfig(), "HS256 is not accepted");
  // Even with both algorithms allowed, HS256 is checked with the HMAC secret only.
  VerifierConfig both = RsConfig();
  both.algorithms = {JwtAlgorithm::kHS256, JwtAlgorithm::kRS256};
  both.hs256_secret = kSecret;
  ExpectRejected(forged, both, "bad signature");
  // And the public key can never be configured as the HMAC secret.
  VerifierConfig pem_secret = HsConfig();
  pem_secret.hs256_secret = Rsa().public_pem;
  auto v = JwtVerifier::Create(pem_secret);
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("looks like a PEM"));
  // An RS256 token is refused by an HS256-only verifier.
  ExpectRejected(SignRs(BaseClaims()), HsConfig(), "RS256 is not accepted");
}

TEST_F(JwtTest, UnknownAlgorithmsAreRejected) {
  ExpectRejected(Forge(R"({"alg":"HS512"})", Payload(), kSecret), HsConfig(), "algorithm HS512 is not supported");
  ExpectRejected(Forge(R"({"alg":"<script>"})", Payload(), kSecret), HsConfig(), "algorithm is not supported");
  ExpectRejected(Forge(R"({"typ":"JWT"})", Payload(), kSecret), HsConfig(), "header has no alg");
  ExpectRejected(Forge(R"({"alg":256})", Payload(), kSecret), HsConfig(), "header has no alg");
  ExpectRejected(Forge(R"({"alg":"HS256","crit":["exp"]})", Payload(), kSecret), HsConfig(), "critical");
}

TEST_F(JwtTest, RoleMustBeAdminOrUser) {
  std::string base = R"({"sub":"u1","tenant_id":"t1","iss":"easysale","aud":"easysale-api","exp":)" +
                     std::to_string(clock_.NowSeconds() + 600);
  for (const char* role : {R"("root")", R"("Admin")", R"("")", "1", "true"}) {
    ExpectRejected(Forge(R"({"alg":"HS256"})", base + R"(,"role":)" + role + "}", kSecret), HsConfig(), "role");
  }
  ExpectRejected(Forge(R"({"alg":"HS256"})", base + "}", kSecret), HsConfig(), "missing role claim");
}

TEST_F(JwtTest, SubjectAndTenantAreRequired) {
  std::string exp = std::to_string(clock_.NowSeconds() + 600);
  VerifierConfig cfg = HsConfig();
  cfg.issuer.clear();
  cfg.audience.clear();
  ExpectRejected(Forge(R"({"alg":"HS256"})", R"({"tenant_id":"t","role":"user","exp":)" + exp + "}", kSecret),
                 cfg, "missing sub claim");
  ExpectRejected(Forge(R"({"alg":"HS256"})", R"({"sub":"u","role":"user","exp":)" + exp + "}", kSecret),
                 cfg, "missing tenant_id claim");
  ExpectRejected(Forge(R"({"alg":"HS256"})", R"({"sub":{"a":1},"tenant_id":"t","role":"user","exp":)" + exp + "}",
                       kSecret),
                 cfg, "malformed sub claim");
}

TEST_F(JwtTest, MalformedTokensAreRejected) {
  VerifierConfig cfg = HsConfig();
  ExpectRejected("", cfg, "missing token");
  ExpectRejected("abc", cfg, "three dot-separated segments");
  ExpectRejected("a.b", cfg, "three dot-separated segments");
  ExpectRejected("a.b.c.d", cfg, "three dot-separated segments");
  ExpectRejected("..sig", cfg, "empty segment");
  ExpectRejected("e30=.e30.sig", cfg, "header is not base64url");      // padding
  ExpectRejected("e3+/.e30.sig", cfg, "header is not base64url");      // std alphabet
  ExpectRejected("e31.e30.sig", cfg, "header is not base64url");       // non-zero trailing bits
  ExpectRejected(Base64UrlEncode("{not json") + ".e30.c2ln", cfg, "header is not valid JSON");
  ExpectRejected(Base64UrlEncode("[1,2]") + ".e30.c2ln", cfg, "header is not a JSON object");
  ExpectRejected(Base64UrlEncode(R"({"alg":"HS256"})") + ".e30.%%%", cfg, "signature is not base64url");
  ExpectRejected(Forge(R"({"alg":"HS256"})", "{\"sub\":", kSecret), cfg, "payload is not valid JSON");
  ExpectRejected(Forge(R"({"alg":"HS256"})", "\"just a string\"", kSecret), cfg, "payload is not a JSON object");
  ExpectRejected(Forge(R"({"alg":"HS256"})", std::string(40, '[') + std::string(40, ']'), kSecret), cfg,
                 "payload is not valid JSON");
  std::string bad_exp = R"({"sub":"u1","tenant_id":"t1","role":"user","exp":"soon"})";
  ExpectRejected(Forge(R"({"alg":"HS256"})", bad_exp, kSecret), cfg, "malformed exp claim");
  std::string huge_exp = R"({"sub":"u1","tenant_id":"t1","role":"user","exp":18446744073709551615})";
  ExpectRejected(Forge(R"({"alg":"HS256"})", huge_exp, kSecret), cfg, "malformed exp claim");
}

TEST_F(JwtTest, HugeTokenIsRejectedBeforeDecoding) {
  Claims in = BaseClaims();
  in.raw = {{"padding", std::string(10000, 'x')}};
  ExpectRejected(SignHs(in), HsConfig(), "token too large");
  ExpectRejected(std::string(1 << 20, 'A'), HsConfig(), "token too large");
}

TEST_F(JwtTest, ConfigErrorsAreValidationErrors) {
  VerifierConfig cfg = HsConfig();
  cfg.hs256_secret = "short";
  auto v = JwtVerifier::Create(cfg);
  ASSERT_FALSE(v.ok());
  EXPECT_TRUE(v.status().IsValidation());
  EXPECT_THAT(v.status().message(), HasSubstr("at least 32 bytes"));
  EXPECT_THAT(v.status().message(), Not(HasSubstr("short")));

  cfg = RsConfig();
  cfg.rs256_public_key_pem = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
  v = JwtVerifier::Create(cfg);
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("not a valid unencrypted PEM public key"));

  cfg.rs256_public_key_pem = GenerateRsa(1024).public_pem;
  v = JwtVerifier::Create(cfg);
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("at least 2048 bits"));

  cfg = HsConfig();
  cfg.algorithms.clear();
  EXPECT_FALSE(JwtVerifier::Create(cfg).ok());
}

TEST_F(JwtTest, SignValidatesItsInputs) {
  SignerConfig s;
  s.hs256_secret = kSecret;
  Claims c = BaseClaims();
  c.sub.clear();
  EXPECT_FALSE(Sign(c, s).ok());
  c = BaseClaims();
  c.exp = 0;
  EXPECT_FALSE(Sign(c, s).ok());
  s.algorithm = JwtAlgorithm::kRS256;
  s.rs256_private_key_pem = "not a key";
  auto r = Sign(BaseClaims(), s);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("RS256 private key"));
}

TEST(Base64Url, RoundTripsAndIsStrict) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "\xff\xfe\x00"}) {
    auto back = Base64UrlDecode(Base64UrlEncode(s));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_FALSE(Base64UrlDecode("A").ok());
  EXPECT_FALSE(Base64UrlDecode("AB==").ok());
  EXPECT_FALSE(Base64UrlDecode("AB").ok());  // trailing bits set
  EXPECT_TRUE(Base64UrlDecode("AA").ok());
}

TEST(BearerToken, ExtractsTheToken) {
  auto t = ExtractBearerToken("Bearer abc.def.ghi");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, "abc.def.ghi");
  t = ExtractBearerToken("  bearer \tabc.def.ghi ");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, "abc.def.ghi");
  for (const char* bad : {"", "   ", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "Bearerabc.def.ghi"}) {
    auto r = ExtractBearerToken(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.status().IsAuthentication());
  }
  EXPECT_THAT(ExtractBearerToken("Basic dXNlcjpwYXNz").status().message(), Not(HasSubstr("dXNlcjpwYXNz")));
}

TEST(Roles, ParseIsExact) {
  EXPECT_EQ(ParseRole("admin"), Role::kAdmin);
  EXPECT_EQ(ParseRole("user"), Role::kUser);
  EXPECT_FALSE(ParseRole("ADMIN").has_value());
  EXPECT_FALSE(ParseRole("").has_value());
  EXPECT_EQ(RoleName(Role::kAdmin), "admin");
}

}  // namespace
}  // namespace es::auth
