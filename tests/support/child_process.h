// Background processes of the easysale-sync binary for integration tests
// (serve, worker, a sync to interrupt): started with fork/exec, stdout and
// stderr in files of the test's directory, waited for with a deadline.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace es::test {

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A child running the binary; its stdout and stderr are in `out` and `err`.
struct Child {
  pid_t pid = -1;
  std::filesystem::path out, err;
  std::string Out() const { return ReadFile(out); }
  std::string Err() const { return ReadFile(err); }
};

// `args` split at whitespace (no quoting: for simple command lines).
inline std::vector<std::string> SplitArgs(const std::string& args) {
  std::vector<std::string> v;
  std::stringstream ss(args);
  std::string w;
  while (ss >> w) v.push_back(w);
  return v;
}

// Starts `binary args…` with stdout in <dir>/<name>.out (or on `stdout_fd`
// when given) and stderr in <dir>/<name>.err, `env` added to its environment.
inline Child Spawn(const std::string& binary, const std::vector<std::string>& args, const std::filesystem::path& dir,
                   const std::string& name, int stdout_fd = -1, const std::map<std::string, std::string>& env = {}) {
  Child c;
  c.out = dir / (name + ".out");
  c.err = dir / (name + ".err");
  c.pid = fork();
  if (c.pid == 0) {
    int out = stdout_fd >= 0 ? stdout_fd : open(c.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(c.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    std::string bin = binary;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  return c;
}

// Exit code (128 + signal when killed); -1 on timeout (the child is then killed).
inline int WaitExit(pid_t pid, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

// Polls `cond` until it holds or `timeout_ms` passes; its last answer.
inline bool WaitFor(const std::function<bool()>& cond, int timeout_ms, int poll_ms = 20) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
  }
  return cond();
}

}  // namespace es::test
