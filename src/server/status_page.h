// A minimal read-only status page for one tenant: recent runs with their
// counts, and the failed-record queue. Served by `demo` on loopback; the
// full authenticated server builds on the same renderers.
// Thread-safe: each request reads the store.
#pragma once

#include <memory>
#include <string>

#include "common/json.h"
#include "common/status.h"
#include "store/store.h"

namespace es::server {

// JSON: {"tenant", "runs":[…], "failed":[…]}.
Json StatusJson(store::StateStore& store, const std::string& tenant);
// The same as an HTML page (all text escaped).
std::string StatusHtml(store::StateStore& store, const std::string& tenant, const Json& extra = Json::object());

class StatusServer {
 public:
  StatusServer(store::StateStore& store, std::string tenant, Json extra = Json::object());
  ~StatusServer();
  // Binds host:port (0 = any free port) and serves in the background.
  Status Start(int port, const std::string& host = "127.0.0.1");
  void Stop();
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string HtmlEscape(const std::string& s);

}  // namespace es::server
