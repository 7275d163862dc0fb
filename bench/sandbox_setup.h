// What the benches repeat to set up a sync against the sandboxes: starting
// the WooCommerce and QBO sandboxes (in this process, or each in a child
// process so that their CPU and memory are not counted as the sync's) and
// adding a tenant with the two connections "woo" and "qbo" to a state store.
// Header-only; the in-process form is a template so that benches that run
// the sandboxes as children need not link them.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "store/store.h"

extern char** environ;

namespace es::bench {

// Where the sandboxes listen and the credentials they accept.
struct SandboxEndpoints {
  std::string woo_url, consumer_key, consumer_secret;
  std::string qbo_api_base, token_url, realm_id, client_id, client_secret, access_token, refresh_token;
  int64_t access_expires_at_ms = 0;  // 0: refresh before the first call
};

// Adds tenant `tenant` with connection "woo" (WooCommerce) and "qbo" (QBO).
inline Status AddSandboxTenant(store::StateStore& store, const std::string& tenant, const SandboxEndpoints& e) {
  const int64_t now = SystemClock::Get().NowMillis();
  if (Status s = store.PutTenant({tenant, tenant, now}); !s.ok()) return s;
  store::Connection w{tenant, "woo", "woo", "", {{"base_url", e.woo_url}},
                      DumpJson({{"consumer_key", e.consumer_key}, {"consumer_secret", e.consumer_secret}}), true, now};
  store::Connection q{tenant, "qbo", "qbo", "",
                      {{"api_base", e.qbo_api_base}, {"token_url", e.token_url}, {"realm_id", e.realm_id},
                       {"client_id", e.client_id}},
                      DumpJson({{"client_secret", e.client_secret}, {"access_token", e.access_token},
                                {"refresh_token", e.refresh_token}, {"access_expires_at_ms", e.access_expires_at_ms}}),
                      true, now};
  if (Status s = store.PutConnection(w); !s.ok()) return s;
  return store.PutConnection(q);
}

// The endpoints of sandboxes running in this process (woo::sandbox::Server
// and qbo::sandbox::Server with their Options); issues QBO tokens.
template <typename WooServer, typename WooOptions, typename QboServer, typename QboOptions>
SandboxEndpoints InProcessEndpoints(const WooServer& woo, const WooOptions& wo, QboServer& qbo, const QboOptions& qo) {
  auto tokens = qbo.IssueTokens();
  SandboxEndpoints e;
  e.woo_url = woo.base_url();
  e.consumer_key = wo.consumer_key;
  e.consumer_secret = wo.consumer_secret;
  e.qbo_api_base = qbo.base_url();
  e.token_url = qbo.token_url();
  e.realm_id = qo.realm_id;
  e.client_id = qo.client_id;
  e.client_secret = qo.client_secret;
  e.access_token = tokens.access_token;
  e.refresh_token = tokens.refresh_token;
  e.access_expires_at_ms = SystemClock::Get().NowMillis() + tokens.expires_in_s * 1000;
  return e;
}

// `<bin> sandbox woo|qbo …` in a child process; its "key=value" start-up
// lines (the woo sandbox prints orders= last, the qbo sandbox refresh_token=).
class ChildSandbox {
 public:
  ChildSandbox(const std::string& bin, std::vector<std::string> args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    args.insert(args.begin(), bin);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, bin.c_str(), &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
    char line[4096];
    while (out_ != nullptr && fgets(line, sizeof line, out_) != nullptr) {
      std::string l(line);
      while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
      if (l.rfind("listening on ", 0) == 0) {
        values_["url"] = l.substr(13);
        continue;
      }
      auto eq = l.find('=');
      if (eq != std::string::npos) values_[l.substr(0, eq)] = l.substr(eq + 1);
      if (l.rfind("orders=", 0) == 0 || l.rfind("refresh_token=", 0) == 0) break;
    }
  }
  ~ChildSandbox() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ != nullptr) fclose(out_);
  }
  ChildSandbox(const ChildSandbox&) = delete;
  ChildSandbox& operator=(const ChildSandbox&) = delete;

  std::string operator[](const std::string& k) const {
    auto it = values_.find(k);
    return it == values_.end() ? "" : it->second;
  }
  // CPU seconds (user + sys) the child has used so far, from /proc; -1 if unknown.
  double CpuSeconds() const {
    std::ifstream f("/proc/" + std::to_string(pid_) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto close_paren = stat.rfind(')');
    if (close_paren == std::string::npos) return -1;
    std::istringstream in(stat.substr(close_paren + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && in >> field; ++i) {
      if (i == 14) utime = std::stoll(field);
      if (i == 15) stime = std::stoll(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  // Resident set size of the child now (VmRSS), in MB; -1 if unknown.
  double RssMb() const {
    std::ifstream f("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(f, line))
      if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return -1;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  std::map<std::string, std::string> values_;
};

// The endpoints of a woo and a qbo ChildSandbox.
inline SandboxEndpoints ChildEndpoints(const ChildSandbox& woo, const ChildSandbox& qbo) {
  SandboxEndpoints e;
  e.woo_url = woo["url"];
  e.consumer_key = woo["consumer_key"];
  e.consumer_secret = woo["consumer_secret"];
  e.qbo_api_base = qbo["url"];
  e.token_url = qbo["token_url"];
  e.realm_id = qbo["realm_id"];
  e.client_id = qbo["client_id"];
  e.client_secret = qbo["client_secret"];
  e.access_token = qbo["access_token"];
  e.refresh_token = qbo["refresh_token"];
  return e;
}

}  // namespace es::bench
