#include "connectors/woo/oauth1.h"

#include <gtest/gtest.h>

namespace es::woo::oauth1 {
namespace {

// Vectors computed independently with the openssl CLI:
//   printf '%s' "$BASE" | openssl dgst -sha256 -hmac 'cs_test&' -binary | base64
constexpr const char* kBase256 =
    "GET&http%3A%2F%2F127.0.0.1%3A8080%2Fwp-json%2Fwc%2Fv3%2Forders&oauth_consumer_key%3Dck_test"
    "%26oauth_nonce%3Dabc123%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000"
    "%26page%3D2%26per_page%3D100%26status%3Dprocessing%252Ccompleted";
constexpr const char* kSig256 = "d8kPSHC/Cwpba+v3rIxepvsGnaW3XhXVl8e1BxB+mxs=";
//   printf '%s' "$BASE" | openssl dgst -sha1 -hmac 'cs_y&' -binary | base64
constexpr const char* kBase1 =
    "GET&http%3A%2F%2Fshop.test%2Fwp-json%2Fwc%2Fv3%2Fproducts&oauth_consumer_key%3Dck_x"
    "%26oauth_nonce%3Dn%2520o~%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1234567890"
    "%26search%3Da%2520b%2526c";
constexpr const char* kSig1 = "cp4x8rWZyDSYKUhubCC4rf43kIg=";

SignRequest Vector256() {
  SignRequest r;
  r.http_method = "get";
  r.url = "http://127.0.0.1:8080/wp-json/wc/v3/orders?ignored=1";
  r.params = {{"status", "processing,completed"}, {"per_page", "100"}, {"page", "2"}};
  r.consumer_key = "ck_test";
  r.consumer_secret = "cs_test";
  r.timestamp = 1700000000;
  r.nonce = "abc123";
  return r;
}

TEST(OAuth1, BaseStringMatchesKnownVector) {
  SignRequest r = Vector256();
  http::Params all = r.params;
  all.insert(all.end(), {{"oauth_consumer_key", "ck_test"},
                         {"oauth_nonce", "abc123"},
                         {"oauth_signature_method", "HMAC-SHA256"},
                         {"oauth_timestamp", "1700000000"},
                         {"oauth_signature", "excluded"}});
  EXPECT_EQ(BaseString(r.http_method, r.url, all), kBase256);
}

TEST(OAuth1, SignSha256MatchesOpenssl) {
  http::Params oauth = Sign(Vector256());
  ASSERT_EQ(oauth.size(), 5u);
  EXPECT_EQ(oauth[0], (std::pair<std::string, std::string>{"oauth_consumer_key", "ck_test"}));
  EXPECT_EQ(oauth[2].second, "HMAC-SHA256");
  EXPECT_EQ(oauth[3].second, "1700000000");
  EXPECT_EQ(oauth[4].first, "oauth_signature");
  EXPECT_EQ(oauth[4].second, kSig256);
}

TEST(OAuth1, SignSha1EncodesReservedCharacters) {
  SignRequest r;
  r.url = "http://shop.test/wp-json/wc/v3/products";
  r.params = {{"search", "a b&c"}};
  r.consumer_key = "ck_x";
  r.consumer_secret = "cs_y";
  r.method = SignatureMethod::kHmacSha1;
  r.timestamp = 1234567890;
  r.nonce = "n o~";
  http::Params all = r.params;
  for (const auto& p : Sign(r)) all.push_back(p);
  EXPECT_EQ(BaseString("GET", r.url, all), kBase1);
  EXPECT_EQ(Sign(r).back().second, kSig1);
}

TEST(OAuth1, ParsesAuthorizationHeader) {
  auto p = ParseAuthorizationHeader(
      R"(OAuth realm="x", oauth_consumer_key="ck_1", oauth_signature="a%2Bb%3D", other="y")");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].second, "ck_1");
  EXPECT_EQ(p[1].second, "a+b=");
  EXPECT_TRUE(ParseAuthorizationHeader("Basic abc").empty());
}

class VerifyTest : public ::testing::Test {
 protected:
  VerifyInput Signed(int64_t ts, const std::string& nonce, const std::string& secret = "cs_test",
                     SignatureMethod m = SignatureMethod::kHmacSha256) {
    SignRequest r = Vector256();
    r.consumer_secret = secret;
    r.timestamp = ts;
    r.nonce = nonce;
    r.method = m;
    VerifyInput in{"GET", "http://127.0.0.1:8080/wp-json/wc/v3/orders", r.params};
    for (const auto& p : Sign(r)) in.params.push_back(p);
    return in;
  }
  VerifyResult Run(const VerifyInput& in, int64_t now = 1700000000) {
    return Verify(in, lookup_, nonces_, now);
  }
  SecretLookup lookup_ = [](const std::string& key) -> std::optional<std::string> {
    if (key == "ck_test") return std::string("cs_test");
    return std::nullopt;
  };
  NonceCache nonces_;
};

TEST_F(VerifyTest, AcceptsBothHashesAndRejectsReplay) {
  auto ok = Run(Signed(1700000000, "n1"));
  EXPECT_EQ(ok.outcome, VerifyOutcome::kAuthenticated);
  EXPECT_EQ(ok.consumer_key, "ck_test");
  EXPECT_EQ(Run(Signed(1700000000, "n2", "cs_test", SignatureMethod::kHmacSha1)).outcome,
            VerifyOutcome::kAuthenticated);
  auto replay = Run(Signed(1700000000, "n1"));
  EXPECT_EQ(replay.outcome, VerifyOutcome::kRejected);
  EXPECT_EQ(replay.error.message(), "Invalid nonce - nonce has already been used.");
  EXPECT_EQ(replay.error.code(), "woocommerce_rest_authentication_error");
  // After the window the nonce may be used again.
  EXPECT_EQ(Run(Signed(1700000000 + 1000, "n1"), 1700000000 + 1000).outcome,
            VerifyOutcome::kAuthenticated);
}

TEST_F(VerifyTest, RejectsWithWooMessages) {
  auto wrong = Run(Signed(1700000000, "a", "cs_wrong"));
  EXPECT_EQ(wrong.error.message(), "Invalid signature - provided signature does not match.");
  EXPECT_TRUE(wrong.error.IsAuthentication());

  auto old = Run(Signed(1700000000 - 901, "b"));
  EXPECT_EQ(old.error.message(), "Invalid timestamp.");
  EXPECT_EQ(Run(Signed(1700000000 + 900, "c")).outcome, VerifyOutcome::kAuthenticated);

  VerifyInput unknown = Signed(1700000000, "d");
  for (auto& p : unknown.params)
    if (p.first == "oauth_consumer_key") p.second = "ck_nobody";
  EXPECT_EQ(Run(unknown).error.message(), "Consumer key is invalid.");

  VerifyInput bad_method = Signed(1700000000, "e");
  for (auto& p : bad_method.params)
    if (p.first == "oauth_signature_method") p.second = "PLAINTEXT";
  EXPECT_EQ(Run(bad_method).error.message(), "Invalid signature - signature method is invalid.");

  VerifyInput tampered = Signed(1700000000, "f");
  tampered.params[0].second = "pending";
  EXPECT_EQ(Run(tampered).error.message(), "Invalid signature - provided signature does not match.");

  VerifyInput post = Signed(1700000000, "g");
  post.http_method = "POST";
  EXPECT_EQ(Run(post).outcome, VerifyOutcome::kRejected);
}

TEST_F(VerifyTest, MissingParameters) {
  VerifyInput in = Signed(1700000000, "h");
  std::erase_if(in.params, [](const auto& p) { return p.first == "oauth_signature"; });
  auto r = Run(in);
  EXPECT_EQ(r.outcome, VerifyOutcome::kRejected);
  EXPECT_EQ(r.error.code(), "woocommerce_rest_authentication_missing_parameter");
  EXPECT_EQ(r.error.message(), "Missing OAuth parameter oauth_signature");

  std::erase_if(in.params, [](const auto& p) { return p.first == "oauth_nonce"; });
  EXPECT_EQ(Run(in).error.message(), "Missing OAuth parameters oauth_nonce, oauth_signature");

  VerifyInput none{"GET", "http://127.0.0.1:8080/wp-json/wc/v3/orders", {{"page", "1"}}};
  EXPECT_EQ(Run(none).outcome, VerifyOutcome::kNotAttempted);
}

TEST_F(VerifyTest, SignatureWithSpaceForPlusIsAccepted) {
  // A '+' in the signature that arrived as a space (form decoding) is restored.
  for (int i = 0; i < 64; ++i) {
    VerifyInput in = Signed(1700000000, "p" + std::to_string(i));
    std::string& sig = in.params.back().second;
    if (sig.find('+') == std::string::npos) continue;
    std::replace(sig.begin(), sig.end(), '+', ' ');
    EXPECT_EQ(Run(in).outcome, VerifyOutcome::kAuthenticated);
    return;
  }
  GTEST_SKIP() << "no signature with '+' in 64 tries";
}

}  // namespace
}  // namespace es::woo::oauth1
