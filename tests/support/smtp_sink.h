// SmtpSink: the real SMTP server of the notification tests
// (tests/support/smtp_sink.py on Debian's python3-aiosmtpd), started on a
// free local port in a fresh directory and stopped by the destructor.
// Messages() returns what it accepted, oldest first.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace es::test {

class SmtpSink {
 public:
  // `script`: path of smtp_sink.py; `auth`: "user:password" or "".
  explicit SmtpSink(const std::string& script, const std::string& auth = "") {
    static int seq = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("es-smtp-sink-" + std::to_string(getpid()) + "-" + std::to_string(++seq));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    // Debian's interpreter: python3-aiosmtpd is installed for it, whatever
    // else PATH offers.
    const std::string python = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    std::vector<std::string> args = {python, script, dir_.string()};
    if (!auth.empty()) {
      args.push_back("--auth");
      args.push_back(auth);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, python.c_str(), nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(dir_ / "port");
      if (in >> port_) break;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~SmtpSink() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  bool running() const { return pid_ > 0 && port_ > 0; }
  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // Every saved message (X-Sink-* lines, then the message as received).
  std::vector<std::string> Messages() const {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      if (e.path().extension() == ".eml") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
    return out;
  }
  // Waits up to `timeout` for at least `n` messages.
  std::vector<std::string> WaitFor(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto m = Messages();
    while (m.size() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      m = Messages();
    }
    return m;
  }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace es::test
