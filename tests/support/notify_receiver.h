// NotifyReceiver: a local HTTP server (cpp-httplib, 127.0.0.1, free port)
// standing in for a tenant's notification endpoint: it keeps every POST to
// /hook with its X-EasySale-Event header and whether its X-EasySale-Signature
// verifies under `secret` (docs/notifications.md), and answers with a
// settable status.
#pragma once

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto.h"

namespace es::test {

class NotifyReceiver {
 public:
  explicit NotifyReceiver(std::string secret) : secret_(std::move(secret)) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      Hit h;
      h.body = req.body;
      h.event = req.get_header_value("X-EasySale-Event");
      // Checked here independently of notify/signature.h: the documented
      // scheme, "sha256=" + hex HMAC-SHA256 of the raw body.
      const std::string expected = "sha256=" + crypto::Hex(crypto::HmacSha256(secret_, req.body));
      h.signature_ok = crypto::ConstantTimeEquals(expected, req.get_header_value("X-EasySale-Signature"));
      hits_.push_back(h);
      res.status = status_;
      res.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~NotifyReceiver() {
    server_.stop();
    thread_.join();
  }
  NotifyReceiver(const NotifyReceiver&) = delete;
  NotifyReceiver& operator=(const NotifyReceiver&) = delete;

  struct Hit {
    std::string body;
    std::string event;
    bool signature_ok = false;
  };
  std::vector<Hit> hits() {
    std::lock_guard lock(mu_);
    return hits_;
  }
  void set_status(int s) {
    std::lock_guard lock(mu_);
    status_ = s;
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

 private:
  const std::string secret_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<Hit> hits_;  // guarded by mu_
  int status_ = 200;       // guarded by mu_
};

}  // namespace es::test
