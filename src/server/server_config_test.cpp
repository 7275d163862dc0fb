#include "server/server_config.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "server/api_util.h"
#include "server/metrics.h"

namespace es::server {
namespace {

const char* const kKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const char* const kJwt = "a-jwt-secret-of-at-least-32-bytes-0123456789";

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::filesystem::path WriteTemp(const std::string& name, const std::string& text) {
  auto p = std::filesystem::path(::testing::TempDir()) / (std::to_string(getpid()) + "_" + name);
  std::ofstream(p) << text;
  return p;
}

TEST(ServerConfig, NetworkGuardAndListenerLimits) {
  auto c = LoadServerConfig("", Env({}));
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->allow_private_targets);  // connections may only point at public hosts by default
  EXPECT_TRUE(c->allowed_targets.empty());
  EXPECT_EQ(c->header_timeout_ms, 10000);
  EXPECT_EQ(c->max_connections_per_client, 32);

  auto file = WriteTemp("net.json", R"({"network": {"allow_private_targets": false,
      "allowed_targets": ["10.0.0.5:8443", "[fd00::1]"]},
      "limits": {"header_timeout_ms": 2500, "body_timeout_ms": 9000, "keep_alive_timeout_ms": 700,
                 "max_connections_per_client": 0, "max_connections": 64}})");
  c = LoadServerConfig(file.string(), Env({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->allowed_targets, (std::vector<std::string>{"10.0.0.5:8443", "[fd00::1]"}));
  EXPECT_EQ(c->header_timeout_ms, 2500);
  EXPECT_EQ(c->body_timeout_ms, 9000);
  EXPECT_EQ(c->keep_alive_timeout_ms, 700);
  EXPECT_EQ(c->max_connections_per_client, 0);
  EXPECT_EQ(c->max_connections, 64);
  c = LoadServerConfig(file.string(), Env({{"EASYSALE_ALLOW_PRIVATE_TARGETS", "1"}}));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->allow_private_targets);

  auto bad = WriteTemp("net_bad.json", R"({"network": {"allowed_targets": "10.0.0.5"}})");
  auto e = LoadServerConfig(bad.string(), Env({}));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("network.allowed_targets"), std::string::npos);
  bad = WriteTemp("net_bad2.json", R"({"network": {"allow_private": true}})");
  e = LoadServerConfig(bad.string(), Env({}));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("allow_private"), std::string::npos);
  bad = WriteTemp("net_bad3.json", R"({"limits": {"header_timeout_ms": 5}})");
  EXPECT_FALSE(LoadServerConfig(bad.string(), Env({})).ok());
}

TEST(ServerConfig, MasksCredentialsInUrls) {
  EXPECT_EQ(MaskUrlUserinfo("https://user:pw@shop.example/x?a=b@c"),
            "https://\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2@shop.example/x?a=b@c");
  EXPECT_EQ(MaskUrlUserinfo("https://shop.example/x?a=b@c"), "https://shop.example/x?a=b@c");
  EXPECT_EQ(MaskUrlUserinfo("not a url"), "not a url");
}

TEST(ServerConfig, DefaultsFileThenEnvironment) {
  auto c = LoadServerConfig("", Env({}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->port, 8080);
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_EQ(c->oauth_state_ttl_s, 300);
  EXPECT_EQ(c->probe_ttl_s, 30);

  auto secret = WriteTemp("qbo_secret", "  from-file-secret\n");
  auto file = WriteTemp("config.json", R"({"port": 9000, "host": "0.0.0.0", "data_dir": "/tmp/x",
      "qbo": {"client_id": "file-id", "client_secret_file": ")" + secret.string() + R"(", "api_base": "http://file"},
      "oauth": {"redirect_uri": "https://file/cb", "state_ttl_s": 120},
      "limits": {"max_concurrent_runs": 2, "probe_ttl_s": 10}})");
  c = LoadServerConfig(file.string(), Env({{"EASYSALE_QBO_API_BASE", "http://env"},
                                          {"EASYSALE_OAUTH_REDIRECT_URI", "https://env/cb"},
                                          {"EASYSALE_JWT_ISSUER", "iss"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->port, 9000);
  EXPECT_EQ(c->host, "0.0.0.0");
  EXPECT_EQ(c->qbo_client_id, "file-id");
  EXPECT_EQ(c->qbo_client_secret, "from-file-secret");
  EXPECT_EQ(c->qbo_api_base, "http://env");          // environment wins over the file
  EXPECT_EQ(c->oauth_redirect_uri, "https://env/cb");
  EXPECT_EQ(c->oauth_state_ttl_s, 120);
  EXPECT_EQ(c->max_concurrent_runs, 2);
  EXPECT_EQ(c->probe_ttl_s, 10);
  EXPECT_EQ(c->jwt_issuer, "iss");
}

TEST(ServerConfig, RefusesUnknownKeysAndBadValues) {
  auto typo = WriteTemp("typo.json", R"({"prot": 1})");
  auto c = LoadServerConfig(typo.string(), Env({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("unknown key 'prot'"), std::string::npos) << c.status().message();
  auto nested = WriteTemp("nested.json", R"({"limits": {"max_concurrent_runs": 0}})");
  c = LoadServerConfig(nested.string(), Env({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("max_concurrent_runs"), std::string::npos);
  auto broken = WriteTemp("broken.json", "{");
  EXPECT_TRUE(LoadServerConfig(broken.string(), Env({})).status().IsValidation());
  EXPECT_TRUE(LoadServerConfig("/no/such/file.json", Env({})).status().IsValidation());
}

TEST(ServerConfig, DefaultDataDirIsPerUserAndIndependentOfTheCurrentDirectory) {
  EXPECT_EQ(DefaultDataDir(Env({{"EASYSALE_DATA", "/srv/es"}, {"HOME", "/home/a"}})), "/srv/es");
  EXPECT_EQ(DefaultDataDir(Env({{"XDG_DATA_HOME", "/x/share"}, {"HOME", "/home/a"}})), "/x/share/easysale-sync");
  EXPECT_EQ(DefaultDataDir(Env({{"XDG_DATA_HOME", "relative"}, {"HOME", "/home/a"}})),
            "/home/a/.local/share/easysale-sync");  // XDG wants absolute paths
  EXPECT_EQ(DefaultDataDir(Env({{"HOME", "/home/a"}})), "/home/a/.local/share/easysale-sync");
  auto c = LoadServerConfig("", Env({{"EASYSALE_DATA", "/srv/es"}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->data_dir, "/srv/es");
}

TEST(ServerConfig, DataDirIsCreatedPrivateAndTheKeyFileIsFoundThere) {
  const auto dir = std::filesystem::temp_directory_path() / ("es-datadir-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const std::string data = (dir / "a" / "easysale-sync").string();
  ASSERT_TRUE(PrepareDataDir(data).ok());
  EXPECT_EQ(std::filesystem::status(data).permissions() & std::filesystem::perms::all, std::filesystem::perms::owner_all);
  ASSERT_TRUE(PrepareDataDir(data).ok());  // exists: fine

  auto none = LoadMasterKey("", "", data);
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(none.status().IsNotFound());
  EXPECT_NE(none.status().message().find("openssl rand -hex 32"), std::string::npos);
  {
    std::ofstream(MasterKeyPath(data)) << std::string(64, 'a') << "\n";
  }
  auto found = LoadMasterKey("", "", data);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  auto sealed = (*found)->Seal("x");
  EXPECT_EQ(*SecretBox::FromHexKey(std::string(64, 'a'))->Open(sealed), "x");
  // The environment wins over the file.
  auto env = LoadMasterKey(std::string(64, 'b'), "", data);
  ASSERT_TRUE(env.ok());
  EXPECT_FALSE(env->get()->Open(sealed).ok());
  {
    std::ofstream(MasterKeyPath(data)) << "short";
  }
  auto bad = LoadMasterKey("", "", data);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("malformed"), std::string::npos);
  EXPECT_EQ(bad.status().message().find("short"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(ServerConfig, KeysAreRequiredAndNeverEchoed) {
  ServerConfig c;
  auto none = BuildServerKeys(c, nullptr);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("EASYSALE_MASTER_KEY"), std::string::npos);

  c.master_key_hex = "deadbeef-not-a-key";
  auto bad = BuildServerKeys(c, nullptr);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("malformed"), std::string::npos);
  EXPECT_EQ(bad.status().message().find("deadbeef"), std::string::npos);

  c.master_key_hex.clear();
  c.master_key_file = WriteTemp("master.key", std::string(kKey) + "\n").string();
  auto no_jwt = BuildServerKeys(c, nullptr);
  ASSERT_FALSE(no_jwt.ok());
  EXPECT_NE(no_jwt.status().message().find("EASYSALE_JWT_SECRET"), std::string::npos);

  c.jwt_secret = "too-short";
  auto short_jwt = BuildServerKeys(c, nullptr);
  ASSERT_FALSE(short_jwt.ok());
  EXPECT_EQ(short_jwt.status().message().find("too-short"), std::string::npos);

  c.jwt_secret = kJwt;
  auto ok = BuildServerKeys(c, nullptr);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_NE(ok->box, nullptr);
  EXPECT_NE(ok->verifier, nullptr);
}

struct RsaPem {
  std::string public_pem, private_pem;
};

RsaPem GenerateRsa() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
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

TEST(ServerConfig, Rs256IssuerAndAudienceAreEnforced) {
  const RsaPem rsa = GenerateRsa();
  ServerConfig c;
  c.master_key_hex = kKey;
  c.jwt_public_key_file = WriteTemp("jwt.pub.pem", rsa.public_pem).string();
  c.jwt_issuer = "https://auth.example";
  c.jwt_audience = "easysale";
  FakeClock clock(SystemClock::Get().NowMillis());
  auto keys = BuildServerKeys(c, &clock);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();

  auth::Claims claims;
  claims.sub = "alice";
  claims.tenant = "t1";
  claims.role = auth::Role::kAdmin;
  claims.exp = clock.NowSeconds() + 600;
  claims.iss = "https://auth.example";
  claims.aud = {"easysale"};
  auth::SignerConfig rs;
  rs.algorithm = auth::JwtAlgorithm::kRS256;
  rs.rs256_private_key_pem = rsa.private_pem;
  auto good = auth::Sign(claims, rs);
  ASSERT_TRUE(good.ok());
  auto verified = keys->verifier->Verify(*good);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->tenant, "t1");

  auto wrong_aud = claims;
  wrong_aud.aud = {"someone-else"};
  EXPECT_TRUE(keys->verifier->Verify(*auth::Sign(wrong_aud, rs)).status().IsAuthentication());
  auto wrong_iss = claims;
  wrong_iss.iss = "https://evil.example";
  EXPECT_TRUE(keys->verifier->Verify(*auth::Sign(wrong_iss, rs)).status().IsAuthentication());
  auto future = claims;
  future.nbf = clock.NowSeconds() + 3600;
  EXPECT_TRUE(keys->verifier->Verify(*auth::Sign(future, rs)).status().IsAuthentication());
  clock.Advance(700 * 1000);  // past exp + leeway
  EXPECT_TRUE(keys->verifier->Verify(*good).status().IsAuthentication());
  // HS256 is not enabled when only an RSA key is configured.
  auth::SignerConfig hs;
  hs.hs256_secret = kJwt;
  auto hs_token = auth::Sign(claims, hs);
  EXPECT_TRUE(keys->verifier->Verify(*hs_token).status().IsAuthentication());
}

TEST(ApiUtil, MaskCredentialsShowsNoSecret) {
  Json m = MaskCredentials(R"({"consumer_key":"ck_1234567890abcdef3f2a","consumer_secret":"cs_topsecret",)"
                           R"("access_token":"eyJhbGciOi","access_expires_at_ms":1767225600000,"client_id":"short"})");
  EXPECT_EQ(m["consumer_key"], "ck_\xE2\x80\xA6" "3f2a");
  EXPECT_EQ(m["consumer_secret"], "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2");
  EXPECT_EQ(m["access_token"], "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2");
  EXPECT_EQ(m["client_id"], "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2");  // too short for a hint
  EXPECT_EQ(m["access_expires_at_ms"], 1767225600000);
  EXPECT_TRUE(MaskCredentials("not json").empty());
  EXPECT_TRUE(ValidId("woo-main_2.x"));
  EXPECT_FALSE(ValidId("../etc"));
  EXPECT_FALSE(ValidId("-x"));
  EXPECT_FALSE(ValidId(std::string(65, 'a')));
  EXPECT_EQ(*ParseTimeParam("2026-01-31", "from"), 1769817600000);
  EXPECT_EQ(*ParseTimeParam("1769817600000", "from"), 1769817600000);
  EXPECT_TRUE(ParseTimeParam("yesterday", "from").status().IsValidation());
  EXPECT_EQ(*RouteEntity("woo", "qbo", "order"), "orders");
  EXPECT_EQ(*RouteEntity("woo", "qbo", "products"), "products");
  EXPECT_TRUE(RouteEntity("woo", "qbo", "invoices").status().IsValidation());
}

TEST(Metrics, PrometheusTextIsFilteredByTenant) {
  MetricsRegistry m;
  m.Describe("x_total", "counter", "Things");
  m.Describe("d_seconds", "histogram", "Durations", {1, 10});
  m.Add("x_total", {{"tenant", "a"}, {"entity", "order"}}, 2);
  m.Add("x_total", {{"tenant", "b"}, {"entity", "order"}}, 5);
  m.Add("x_total", {{"route", "/h\"x"}});
  m.Observe("d_seconds", {{"tenant", "a"}}, 0.5);
  m.Observe("d_seconds", {{"tenant", "a"}}, 5);
  const std::string a = m.RenderPrometheus("a");
  EXPECT_NE(a.find("# TYPE x_total counter"), std::string::npos);
  EXPECT_NE(a.find("x_total{entity=\"order\",tenant=\"a\"} 2\n"), std::string::npos) << a;
  EXPECT_EQ(a.find("tenant=\"b\""), std::string::npos);
  EXPECT_EQ(a.find("route="), std::string::npos);
  EXPECT_NE(a.find("d_seconds_bucket{tenant=\"a\",le=\"1\"} 1\n"), std::string::npos) << a;
  EXPECT_NE(a.find("d_seconds_bucket{tenant=\"a\",le=\"10\"} 2\n"), std::string::npos);
  EXPECT_NE(a.find("d_seconds_bucket{tenant=\"a\",le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(a.find("d_seconds_count{tenant=\"a\"} 2\n"), std::string::npos);
  const std::string all = m.RenderPrometheus("");
  EXPECT_NE(all.find("x_total{route=\"/h\\\"x\"} 1\n"), std::string::npos) << all;
  Json j = m.RenderJson("b");
  ASSERT_EQ(j["x_total"].size(), 1u);
  EXPECT_EQ(j["x_total"][0]["value"], 5);
  EXPECT_DOUBLE_EQ(m.Value("x_total", {{"tenant", "b"}, {"entity", "order"}}), 5);
}

}  // namespace
}  // namespace es::server
