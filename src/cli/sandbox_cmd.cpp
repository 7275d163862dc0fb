// `easysale-sync sandbox woo|qbo`: runs one emulator in the foreground.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/signals.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"
#include "http/faults.h"

namespace es::cli {
namespace {

struct SandboxArgs {
  std::string platform;
  int port = 0;
  std::string host = "127.0.0.1";
  uint64_t seed = 42;
  int orders = 300;
  int customers = 80;
  int products = 30;
  bool https = false;
  bool no_throttle = false;
  int latency_ms = 0;
  std::string faults;
};

int RunSandbox(const SandboxArgs& a) {
  http::FaultOptions faults;
  if (!a.faults.empty()) {
    auto f = http::ParseFaultSpec(a.faults);
    if (!f.ok()) {
      fprintf(stderr, "error: --faults: %s\n", f.status().message().c_str());
      return 2;
    }
    faults = *f;
  }
  if (a.latency_ms > 0) faults.latency_ms = a.latency_ms;
  InstallStopSignals();
  if (a.platform == "woo") {
    woo::sandbox::Options o;
    o.seed = a.seed;
    o.orders = a.orders;
    o.customers = a.customers;
    o.products = a.products;
    o.https = a.https;
    o.faults = faults;
    woo::sandbox::Server server(o);
    Status s = server.Start(a.port, a.host);
    if (!s.ok()) {
      fprintf(stderr, "error: %s\n", s.ToString().c_str());
      return 1;
    }
    printf("listening on %s\n", server.base_url().c_str());
    printf("consumer_key=%s\nconsumer_secret=%s\norders=%zu\n", o.consumer_key.c_str(), o.consumer_secret.c_str(),
           server.order_count());
    fflush(stdout);
    WaitForStopSignal();
    server.Stop();
    return 0;
  }
  if (a.platform == "qbo") {
    qbo::sandbox::Options o;
    o.seed = a.seed;
    o.throttle = !a.no_throttle;
    o.faults = faults;
    qbo::sandbox::Server server(o);
    Status s = server.Start(a.port, a.host);
    if (!s.ok()) {
      fprintf(stderr, "error: %s\n", s.ToString().c_str());
      return 1;
    }
    auto t = server.IssueTokens();
    printf("listening on %s\n", server.base_url().c_str());
    printf("realm_id=%s\nclient_id=%s\nclient_secret=%s\ntoken_url=%s\naccess_token=%s\nrefresh_token=%s\n",
           o.realm_id.c_str(), o.client_id.c_str(), o.client_secret.c_str(), server.token_url().c_str(),
           t.access_token.c_str(), t.refresh_token.c_str());
    fflush(stdout);
    WaitForStopSignal();
    server.Stop();
    return 0;
  }
  fprintf(stderr, "error: unknown sandbox '%s' (woo or qbo)\n", a.platform.c_str());
  return 2;
}

}  // namespace

void AddSandboxCommand(CLI::App& app) {
  auto args = std::make_shared<SandboxArgs>();
  auto* cmd = app.add_subcommand("sandbox", "Run a local WooCommerce or QuickBooks Online emulator (Ctrl-C stops it)");
  cmd->add_option("platform", args->platform, "woo or qbo")->required()->check(CLI::IsMember({"woo", "qbo"}));
  cmd->add_option("--port", args->port, "TCP port (0 = any free port)");
  cmd->add_option("--host", args->host, "address to bind");
  cmd->add_option("--seed", args->seed, "seed of the generated store");
  cmd->add_option("--orders", args->orders, "woo: number of orders");
  cmd->add_option("--customers", args->customers, "woo: number of registered customers");
  cmd->add_option("--products", args->products, "woo: number of products");
  cmd->add_flag("--https", args->https, "woo: serve TLS with a self-signed certificate (Basic auth accepted)");
  cmd->add_flag("--no-throttle", args->no_throttle, "qbo: turn off the 429 throttling rules");
  cmd->add_option("--latency", args->latency_ms, "added latency per request, ms");
  cmd->add_option("--faults", args->faults, "fault injection, e.g. error=0.1,429=0.05,drop=0.02,latency=150");
  cmd->callback([args] { SetExitCode(RunSandbox(*args)); });
}

}  // namespace es::cli
