// Secrets never leak: a sync through the API (with a token refresh, an OAuth
// connect and a failing credential test on the way), then every configured
// or issued secret is searched for in the captured logs (server log and the
// process's stderr), in every API response, and in the raw bytes of the
// SQLite files — none may be found. Also the real binary: `serve` starts with
// only the master key and the JWT secret in the environment, refuses to
// start without them, and `token` issues a token it accepts.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "http/url.h"
#include "integration/server_fixture.h"
#include "server/auth/jwt.h"
#include "server/token_manager.h"

namespace es::testing {
namespace {

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Redirects this process's stderr (fd 2) to a file while alive.
class StderrCapture {
 public:
  explicit StderrCapture(std::filesystem::path path) : path_(std::move(path)) {
    fflush(stderr);
    saved_ = dup(2);
    int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);
  }
  ~StderrCapture() { Restore(); }
  std::string Restore() {
    if (saved_ >= 0) {
      fflush(stderr);
      dup2(saved_, 2);
      close(saved_);
      saved_ = -1;
    }
    return ReadFile(path_);
  }

 private:
  std::filesystem::path path_;
  int saved_ = -1;
};

std::string QueryValue(const std::string& url, const std::string& key) {
  auto parsed = http::ParseUrl(url);
  if (!parsed.ok()) return "";
  for (const auto& [k, v] : http::ParseQuery(parsed->query))
    if (k == key) return v;
  return "";
}

TEST(ServerSecrets, NoSecretInLogsResponsesOrTheDatabaseFile) {
  ServerFixture fx;
  StderrCapture captured(fx.dir() / "stderr.log");
  ASSERT_TRUE(fx.Start().ok());
  const std::string admin = fx.Admin();
  std::vector<std::string> secrets = {kJwtSecret, kMasterKey, fx.options().woo.consumer_key,
                                      fx.options().woo.consumer_secret, fx.options().qbo.client_secret};
  fx.AddSandboxConnections();
  {
    auto c = fx.store().GetConnection("t1", "qbo");
    ASSERT_TRUE(c.ok() && c->has_value());
    auto s = ParseJson((*c)->secret);
    secrets.push_back(GetStringOr(*s, "access_token"));
    secrets.push_back(GetStringOr(*s, "refresh_token"));
  }
  // A failing credential test: the wrong secret must not be echoed either.
  const std::string wrong = "cs_wrong_secret_value_0123";
  secrets.push_back(wrong);
  ASSERT_EQ(fx.Call("POST", "/api/v1/connections", admin,
                    Json{{"id", "woo-bad"},
                         {"kind", "woo"},
                         {"config", {{"base_url", fx.woo().base_url()}}},
                         {"credentials", {{"consumer_key", "ck_wrong_key_0123"}, {"consumer_secret", wrong}}}})
                .status,
            201);
  EXPECT_EQ(fx.Call("POST", "/api/v1/connections/woo-bad/test", admin).status, 200);
  EXPECT_EQ(fx.Call("POST", "/api/v1/connections/woo-bad/enable", admin).status, 409);
  EXPECT_EQ(fx.Call("GET", "/api/v1/connections/woo-bad/credentials", admin).status, 200);

  // Sync through the API, with the access token expired so it is refreshed first.
  {
    auto c = fx.store().GetConnection("t1", "qbo");
    store::Connection conn = **c;
    auto s = ParseJson(conn.secret);
    (*s)["access_expires_at_ms"] = fx.clock().NowMillis() - 1;
    conn.secret = DumpJson(*s);
    ASSERT_TRUE(fx.store().PutConnection(conn).ok());
  }
  auto sync = fx.Call("POST", "/api/v1/sync", fx.User(), Json{{"mode", "full"}});
  ASSERT_EQ(sync.status, 202) << sync.body;
  Json run = fx.WaitForRun(fx.User(), sync.json["runId"].get<std::string>());
  EXPECT_EQ(run["status"], "succeeded") << DumpJson(run);
  // An OAuth connect of a second QBO connection (code, new tokens).
  auto start = fx.Call("POST", "/api/v1/oauth/qbo/start", admin, Json{{"connection", "qbo2"}});
  ASSERT_EQ(start.status, 200);
  http::Request req;
  req.url = start.json["authorizeUrl"].get<std::string>();
  auto redirect = fx.transport().Send(req);
  ASSERT_TRUE(redirect.ok());
  const std::string location = redirect->Header("Location");
  const std::string code = QueryValue(location, "code");
  secrets.push_back(code);
  auto cb = fx.Call("GET", "/api/v1/oauth/qbo/callback?" +
                               http::BuildQuery({{"code", code},
                                                 {"state", QueryValue(location, "state")},
                                                 {"realmId", QueryValue(location, "realmId")}}),
                    admin);
  ASSERT_EQ(cb.status, 200) << cb.body;
  // Every API view once more, after everything happened.
  for (const char* path : {"/api/v1/connections", "/api/v1/connections/qbo", "/api/v1/connections/qbo2/credentials",
                           "/api/v1/runs", "/api/v1/history?limit=1000", "/api/v1/history/export?format=csv",
                           "/api/v1/failed", "/api/v1/audit?limit=1000", "/api/v1/metrics", "/health"}) {
    EXPECT_EQ(fx.Call("GET", path, admin).status, 200) << path;
  }
  EXPECT_EQ(fx.Call("GET", "/metrics", fx.options().metrics_token).status, 200);
  // The tokens now stored (rotated by the refresh, issued by the connect).
  for (const char* id : {"qbo", "qbo2"}) {
    auto c = fx.store().GetConnection("t1", id);
    ASSERT_TRUE(c.ok() && c->has_value());
    auto s = ParseJson((*c)->secret);
    secrets.push_back(GetStringOr(*s, "access_token"));
    secrets.push_back(GetStringOr(*s, "refresh_token"));
  }
  fx.server().Stop();
  const std::string err = captured.Restore();
  const std::string logs = fx.Logs() + err;
  const std::string responses = fx.Responses();
  std::string db;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) db += ReadFile(fx.db_path().string() + suffix);
  ASSERT_FALSE(logs.empty());
  ASSERT_GT(db.size(), 4096u);
  EXPECT_NE(logs.find("sync_run_finished"), std::string::npos);
  int checked = 0;
  for (const std::string& secret : secrets) {
    ASSERT_GE(secret.size(), 8u);
    ++checked;
    EXPECT_EQ(logs.find(secret), std::string::npos) << "a secret is in the logs";
    EXPECT_EQ(responses.find(secret), std::string::npos) << "a secret is in an API response";
    EXPECT_EQ(db.find(secret), std::string::npos) << "a secret is in the database file";
  }
  EXPECT_GE(checked, 12);
}

// ---- the real binary -----------------------------------------------------------

struct Child {
  pid_t pid = -1;
  int out = -1;  // read end of its stdout
  std::filesystem::path err;
};

Child Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::filesystem::path& err) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  Child c;
  c.err = err;
  c.pid = fork();
  if (c.pid == 0) {
    dup2(fds[1], 1);
    int fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fds[0]);
    std::vector<char*> argv, envp;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  c.out = fds[0];
  return c;
}

std::string ReadLine(int fd, int timeout_ms) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  fcntl(fd, F_SETFL, O_NONBLOCK);
  while (std::chrono::steady_clock::now() < deadline) {
    char ch;
    ssize_t n = read(fd, &ch, 1);
    if (n == 1) {
      if (ch == '\n') return line;
      line.push_back(ch);
    } else if (n == 0) {
      return line;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  return line;
}

int Wait(Child& c) {
  int status = 0;
  waitpid(c.pid, &status, 0);
  if (c.out >= 0) close(c.out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string RunToCompletion(const std::vector<std::string>& args, const std::vector<std::string>& env,
                            const std::filesystem::path& err, int* code) {
  Child c = Spawn(args, env, err);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(c.out, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  *code = Wait(c);
  return out;
}

TEST(ServeBinary, StartsWithOnlyTheTwoKeysAndRefusesBadOnes) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / ("es_serve_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string bin = ES_BINARY;
  const std::string path_env = "PATH=/usr/bin:/bin";
  const std::string key = std::string("EASYSALE_MASTER_KEY=") + kMasterKey;
  const std::string jwt = std::string("EASYSALE_JWT_SECRET=") + kJwtSecret;

  int code = 0;
  std::string err;
  RunToCompletion({bin, "serve", "--port", "0", "--data", (dir / "a").string()}, {path_env, jwt}, dir / "e1", &code);
  err = ReadFile(dir / "e1");
  EXPECT_EQ(code, 2);
  EXPECT_NE(err.find("EASYSALE_MASTER_KEY"), std::string::npos) << err;
  RunToCompletion({bin, "serve", "--port", "0", "--data", (dir / "a").string()},
                  {path_env, jwt, "EASYSALE_MASTER_KEY=0011zz-not-hex-secretvalue"}, dir / "e2", &code);
  err = ReadFile(dir / "e2");
  EXPECT_EQ(code, 2);
  EXPECT_NE(err.find("malformed"), std::string::npos) << err;
  EXPECT_EQ(err.find("secretvalue"), std::string::npos) << err;
  RunToCompletion({bin, "serve", "--port", "0", "--data", (dir / "a").string()}, {path_env, key}, dir / "e3", &code);
  err = ReadFile(dir / "e3");
  EXPECT_EQ(code, 2);
  EXPECT_NE(err.find("EASYSALE_JWT_SECRET"), std::string::npos) << err;
  RunToCompletion({bin, "serve", "--port", "0", "--data", (dir / "a").string()},
                  {path_env, key, "EASYSALE_JWT_SECRET=short-secret"}, dir / "e4", &code);
  err = ReadFile(dir / "e4");
  EXPECT_EQ(code, 2);
  EXPECT_NE(err.find("too short"), std::string::npos) << err;
  EXPECT_EQ(err.find("short-secret"), std::string::npos) << err;

  // The token command.
  std::string token = RunToCompletion({bin, "token", "--tenant", "shop", "--user", "ops", "--role", "admin"},
                                      {path_env, jwt}, dir / "e5", &code);
  EXPECT_EQ(code, 0) << ReadFile(dir / "e5");
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  ASSERT_EQ(std::count(token.begin(), token.end(), '.'), 2) << token;

  // RS256: the token command signs with a private key file; the public key verifies it.
  {
    EVP_PKEY* rsa = EVP_RSA_gen(2048);
    ASSERT_NE(rsa, nullptr);
    BIO* pub = BIO_new(BIO_s_mem());
    BIO* priv = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(pub, rsa);
    PEM_write_bio_PrivateKey(priv, rsa, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long n = BIO_get_mem_data(pub, &data);
    const std::string public_pem(data, static_cast<size_t>(n));
    n = BIO_get_mem_data(priv, &data);
    std::ofstream(dir / "jwt.key") << std::string(data, static_cast<size_t>(n));
    BIO_free(pub);
    BIO_free(priv);
    EVP_PKEY_free(rsa);
    std::string rs = RunToCompletion({bin, "token", "--tenant", "shop", "--user", "ops", "--role", "user",
                                      "--private-key-file", (dir / "jwt.key").string(), "--audience", "easysale"},
                                     {path_env}, dir / "e6", &code);
    EXPECT_EQ(code, 0) << ReadFile(dir / "e6");
    while (!rs.empty() && (rs.back() == '\n' || rs.back() == '\r')) rs.pop_back();
    auth::VerifierConfig vc;
    vc.algorithms = {auth::JwtAlgorithm::kRS256};
    vc.rs256_public_key_pem = public_pem;
    vc.audience = "easysale";
    auto claims = auth::Verify(rs, vc);
    ASSERT_TRUE(claims.ok()) << claims.status().ToString();
    EXPECT_EQ(claims->tenant, "shop");
    EXPECT_EQ(claims->sub, "ops");
    EXPECT_EQ(claims->role, auth::Role::kUser);
  }
  RunToCompletion({bin, "token", "--tenant", "shop", "--user", "ops", "--role", "admin"}, {path_env}, dir / "e7",
                  &code);
  EXPECT_EQ(code, 2);  // no key at all

  // serve with only the two keys: listens, answers, stops on SIGTERM.
  Child serve = Spawn({bin, "serve", "--port", "0", "--data", (dir / "data").string()}, {path_env, key, jwt},
                      dir / "serve.log");
  const std::string line = ReadLine(serve.out, 20000);
  const size_t at = line.find("http://");
  ASSERT_NE(at, std::string::npos) << line << ReadFile(dir / "serve.log");
  const std::string base = line.substr(at, line.find(' ', at) - at);
  auto transport = http::MakeCurlTransport();
  http::Request health;
  health.url = base + "/health";
  auto h = transport->Send(health);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->status, 200) << h->body;
  http::Request list;
  list.url = base + "/api/v1/connections";
  auto unauth = transport->Send(list);
  ASSERT_TRUE(unauth.ok());
  EXPECT_EQ(unauth->status, 401);
  list.headers = {{"Authorization", "Bearer " + token}};
  auto ok = transport->Send(list);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 200) << ok->body;
  kill(serve.pid, SIGTERM);
  EXPECT_EQ(Wait(serve), 0);
  EXPECT_TRUE(std::filesystem::exists(dir / "data" / "state.db"));
  const std::string log = ReadFile(dir / "serve.log");
  EXPECT_NE(log.find("\"event\":\"http\""), std::string::npos) << log;
  EXPECT_EQ(log.find(kJwtSecret), std::string::npos);
  EXPECT_EQ(log.find(kMasterKey), std::string::npos);
  EXPECT_EQ(log.find(token), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace es::testing
