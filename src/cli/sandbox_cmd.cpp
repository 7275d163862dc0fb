// `easysale-sync sandbox woo|qbo`: runs one emulator in the foreground.
// For woo, --webhook-url/--webhook-secret subscribe one signed webhook at
// start (see src/connectors/woo/sandbox/README.md).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

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
  bool generate_orders = false;
  int customers = 80;
  int products = 30;
  bool https = false;
  bool no_throttle = false;
  int latency_ms = 0;
  std::string faults;
  std::string webhook_url;
  std::string webhook_secret;
  std::vector<std::string> webhook_topics;
  std::string webhook_format = "cloudevents";
  int order_every_s = 0;
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
  const bool webhook_opts = !a.webhook_url.empty() || !a.webhook_secret.empty() || !a.webhook_topics.empty();
  if (a.platform != "woo" && (!a.webhook_topics.empty() || a.order_every_s > 0)) {
    fprintf(stderr, "error: --webhook-topics and --order-every apply to the woo sandbox only\n");
    return 2;
  }
  if (webhook_opts && (a.webhook_url.empty() || (a.platform == "woo" && a.webhook_secret.empty()))) {
    fprintf(stderr, "error: --webhook-url is required with the other --webhook-* options (and, for woo, --webhook-secret)\n");
    return 2;
  }
  std::atomic<bool>& stop = InstallStopSignals();
  if (a.platform == "woo") {
    woo::sandbox::Options o;
    o.seed = a.seed;
    o.orders = a.orders;
    o.generate_orders = a.generate_orders;
    o.customers = a.customers;
    o.products = a.products;
    o.https = a.https;
    o.faults = faults;
    woo::sandbox::Server server(o);
    // Subscribed before Start(): a bad URL or topic fails before listening;
    // the ping goes out once the server runs.
    woo::sandbox::WebhookSubscription sub;
    int64_t webhook_id = 0;
    if (!a.webhook_url.empty()) {
      sub.delivery_url = a.webhook_url;
      sub.secret = a.webhook_secret;
      if (!a.webhook_topics.empty()) sub.topics = a.webhook_topics;
      sub.name = "easysale-sync sandbox";
      auto id = server.AddWebhook(sub);
      if (!id.ok()) {
        fprintf(stderr, "error: webhook: %s\n", id.status().message().c_str());
        return 2;
      }
      webhook_id = *id;
    }
    Status s = server.Start(a.port, a.host);
    if (!s.ok()) {
      fprintf(stderr, "error: %s\n", s.ToString().c_str());
      return 1;
    }
    printf("listening on %s\n", server.base_url().c_str());
    printf("consumer_key=%s\nconsumer_secret=%s\norders=%zu\n", o.consumer_key.c_str(), o.consumer_secret.c_str(),
           server.order_count());
    if (webhook_id > 0) {
      std::string topics;
      for (const auto& t : sub.topics) topics += (topics.empty() ? "" : ",") + t;
      printf("webhook_id=%lld\nwebhook_url=%s\nwebhook_topics=%s\n", static_cast<long long>(webhook_id),
             sub.delivery_url.c_str(), topics.c_str());
    }
    fflush(stdout);
    // Optionally keep the store moving so that a receiver sees order.created.
    auto next_order = std::chrono::steady_clock::now() + std::chrono::seconds(a.order_every_s);
    while (!stop.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (a.order_every_s > 0 && std::chrono::steady_clock::now() >= next_order) {
        printf("order_created=%lld\n", static_cast<long long>(server.AddRandomOrder()));
        fflush(stdout);
        next_order += std::chrono::seconds(a.order_every_s);
      }
    }
    server.Stop();
    if (!a.webhook_url.empty()) {
      woo::sandbox::WebhookStats st = server.webhook_stats();
      fprintf(stderr, "webhooks: delivered=%llu failed_attempts=%llu gave_up=%llu\n",
              static_cast<unsigned long long>(st.delivered), static_cast<unsigned long long>(st.failed_attempts),
              static_cast<unsigned long long>(st.gave_up));
    }
    return 0;
  }
  if (a.platform == "qbo") {
    qbo::sandbox::Options o;
    o.seed = a.seed;
    o.throttle = !a.no_throttle;
    o.faults = faults;
    // Changes are delivered as signed webhooks (intuit-signature with the verifier token).
    o.webhook.url = a.webhook_url;
    o.webhook.format = a.webhook_format;
    if (!a.webhook_secret.empty()) o.verifier_token = a.webhook_secret;
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
    if (!a.webhook_url.empty()) {
      printf("webhook_url=%s\nwebhook_format=%s\n", a.webhook_url.c_str(), a.webhook_format.c_str());
    }
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
  cmd->add_flag("--generate-orders", args->generate_orders,
                "woo: compute orders from the seed when asked for instead of holding them (millions of orders)");
  cmd->add_option("--customers", args->customers, "woo: number of registered customers");
  cmd->add_option("--products", args->products, "woo: number of products");
  cmd->add_flag("--https", args->https, "woo: serve TLS with a self-signed certificate (Basic auth accepted)");
  cmd->add_flag("--no-throttle", args->no_throttle, "qbo: turn off the 429 throttling rules");
  cmd->add_option("--latency", args->latency_ms, "added latency per request, ms");
  cmd->add_option("--faults", args->faults, "fault injection, e.g. error=0.1,429=0.05,drop=0.02,latency=150");
  cmd->add_option("--webhook-url", args->webhook_url,
                  "woo: subscribe a webhook that POSTs signed order events to this URL; qbo: POST change "
                  "notifications there");
  cmd->add_option("--webhook-secret", args->webhook_secret,
                  "woo: the webhook's signing secret; qbo: the verifier token (with --webhook-url)");
  cmd->add_option("--webhook-format", args->webhook_format, "qbo: cloudevents (default) or legacy")
      ->check(CLI::IsMember({"cloudevents", "legacy"}));
  cmd->add_option("--webhook-topics", args->webhook_topics,
                  "woo: comma-separated topics (default order.created,order.updated; also product.updated)")
      ->delimiter(',');
  cmd->add_option("--order-every", args->order_every_s, "woo: add a random order every N seconds (0 = never)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([args] { SetExitCode(RunSandbox(*args)); });
}

}  // namespace es::cli
