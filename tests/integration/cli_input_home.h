// What the CLI input tests share: a private HOME and working directory per
// test, the binary run in a clean environment (only PATH, HOME and what the
// test adds), `serve` as a child process on the same data directory, and a
// fixture with a WooCommerce sandbox and its connection settings.
#pragma once

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/json.h"
#include "connectors/woo/sandbox/server.h"
#include "http/transport.h"
#include "support/cli_run.h"

namespace es::testing::cli_input {

namespace fs = std::filesystem;

constexpr const char* kKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr const char* kJwtSecret = "cli-input-test-jwt-secret-of-at-least-32-bytes";

struct Ran {
  int code = -1;
  std::string out;
  std::string err;
};

using es::test::Quote;

inline std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline int Mode(const fs::path& p) {
  struct stat st;
  if (::stat(p.c_str(), &st) != 0) return -1;
  return st.st_mode & 0777;
}

// A private HOME, a working directory elsewhere, and the binary run in a
// clean environment (only PATH, HOME and what the test adds).
class CliHome {
 public:
  CliHome() {
    static int n = 0;
    root_ = fs::temp_directory_path() / ("es-input-" + std::to_string(getpid()) + "-" + std::to_string(++n));
    fs::remove_all(root_);
    fs::create_directories(root_ / "home");
    fs::create_directories(root_ / "cwd");
  }
  ~CliHome() { fs::remove_all(root_); }

  fs::path root() const { return root_; }
  fs::path home() const { return root_ / "home"; }
  fs::path data() const { return home() / ".local/share/easysale-sync"; }

  std::vector<std::string> BaseEnv() const {
    return {"PATH=/usr/bin:/bin", "HOME=" + home().string()};
  }

  Ran Run(const std::string& args, const std::vector<std::string>& env = {}, const fs::path& cwd = {}) const {
    static int k = 0;
    const fs::path out = root_ / ("out" + std::to_string(++k));
    const fs::path err = root_ / ("err" + std::to_string(k));
    std::string cmd = "cd " + Quote((cwd.empty() ? root_ / "cwd" : cwd).string()) + " && env -i";
    for (const auto& e : BaseEnv()) cmd += " " + Quote(e);
    for (const auto& e : env) cmd += " " + Quote(e);
    cmd += " " + std::string(ES_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string();
    Ran r;
    int status = std::system(cmd.c_str());
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadAll(out);
    r.err = ReadAll(err);
    return r;
  }
  // With the master key in the environment.
  Ran RunKeyed(const std::string& args, std::vector<std::string> env = {}) const {
    env.push_back(std::string("EASYSALE_MASTER_KEY=") + kKey);
    return Run(args, env);
  }

 private:
  fs::path root_;
};

inline std::string WooAdd(const std::string& tenant, const std::string& id, const Json& config, const Json& secret) {
  return "connection add --tenant " + tenant + " --id " + id + " --kind woo --config " + Quote(DumpJson(config)) +
         " --secret " + Quote(DumpJson(secret));
}

// `serve` as a child process on a free port; stopped with SIGTERM.
class ServeProcess {
 public:
  ServeProcess(const CliHome& home, std::vector<std::string> env) {
    out_ = home.root() / "serve.out";
    std::vector<std::string> args = {ES_BINARY, "serve", "--port", "0"};
    for (const auto& e : home.BaseEnv()) env.push_back(e);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    env_ = std::move(env);
    for (auto& e : env_) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, (out_.string() + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (posix_spawn(&pid_, ES_BINARY, &fa, nullptr, argv.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
    for (int i = 0; i < 200 && pid_ > 0; ++i) {
      std::string text = ReadAll(out_);
      size_t at = text.find("serving on ");
      if (at != std::string::npos && text.find('\n', at) != std::string::npos) {
        size_t end = text.find_first_of(" \n", at + 11);
        base_url_ = text.substr(at + 11, end - at - 11);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  const std::string& base_url() const { return base_url_; }
  std::string errors() const { return ReadAll(out_.string() + ".err"); }

  // Calls the API as admin1, an admin of `tenant` (a token from
  // `easysale-sync token` signed with kJwtSecret); a null body sends none.
  Result<http::Response> Call(const CliHome& home, const std::string& tenant, const std::string& method,
                              const std::string& path, const Json& body) {
    if (bearer_.empty()) {
      auto token = home.Run("token --tenant " + tenant + " --user admin1 --role admin",
                            {std::string("EASYSALE_JWT_SECRET=") + kJwtSecret});
      if (token.code != 0) return Status::Internal("easysale-sync token: " + token.err);
      bearer_ = token.out.substr(0, token.out.find('\n'));
    }
    http::Request req;
    req.method = method;
    req.url = base_url_ + path;
    req.headers = {{"Authorization", "Bearer " + bearer_}, {"Content-Type", "application/json"}};
    if (!body.is_null()) req.body = DumpJson(body);
    return transport_->Send(req);
  }

 private:
  std::unique_ptr<http::Transport> transport_ = http::MakeCurlTransport();
  std::string bearer_;
  pid_t pid_ = -1;
  fs::path out_;
  std::vector<std::string> env_;
  std::string base_url_;
};

class CliInput : public ::testing::Test {
 protected:
  void SetUp() override {
    woo::sandbox::Options wo;
    wo.orders = 12;
    wo.customers = 6;
    wo.products = 5;
    woo_ = std::make_unique<woo::sandbox::Server>(wo);
    ASSERT_TRUE(woo_->Start(0).ok());
    woo_config_ = {{"base_url", woo_->base_url()}};
    woo_secret_ = {{"consumer_key", wo.consumer_key}, {"consumer_secret", wo.consumer_secret}};
  }

  // A tenant "shop" with the master key in the environment.
  void AddShop() {
    auto r = home_.Run("tenant add shop --name 'Corner Shop'");
    ASSERT_EQ(r.code, 0) << r.err;
  }

  CliHome home_;
  std::unique_ptr<woo::sandbox::Server> woo_;
  Json woo_config_;
  Json woo_secret_;
};

}  // namespace es::testing::cli_input
