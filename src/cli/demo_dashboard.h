// The dashboard of `demo`: the API server (with the dashboard) over the
// demo's state store, signed in through a one-time link as the demo admin.
//
// Start() makes an ephemeral master key and JWT secret, re-stores the demo
// tenant's connections sealed with that key (the demo wrote them in clear
// before any key existed), points the QuickBooks connect flow at the QBO
// sandbox, adds the user demo@example.com (admin, a random password nobody
// sees) and issues a one-time sign-in link (10 minutes). Loopback only.
// The server's JSON log lines go to log_path (appended), not to the
// terminal the demo's summary is printed on; Stop() restores the sink.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "common/status.h"
#include "connectors/qbo/sandbox/server.h"
#include "http/transport.h"
#include "server/http_server.h"
#include "store/store.h"

namespace es::cli {

class DemoDashboard {
 public:
  DemoDashboard() = default;
  ~DemoDashboard() { Stop(); }

  // port 0 = a free port. Borrows store, transport and the sandbox.
  Status Start(store::StateStore& store, http::Transport& transport, const std::string& tenant,
               const qbo::sandbox::Server& qbo, int port, const std::string& log_path);
  void Stop();
  const std::string& base_url() const { return base_url_; }
  // base_url + "/auth/link?token=…"
  const std::string& sign_in_url() const { return sign_in_url_; }
  static constexpr const char* kUser = "demo@example.com";

 private:
  std::unique_ptr<server::HttpServer> server_;
  std::FILE* log_ = nullptr;
  std::string base_url_;
  std::string sign_in_url_;
};

}  // namespace es::cli
