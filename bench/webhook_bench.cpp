// Webhook intake throughput (SPEC §4 "Webhooks"): signed WooCommerce
// deliveries per second that the server verifies and durably queues, and
// the latency each sender sees, driven from a second process over loopback.
//
//   build/webhook_bench [--deliveries N] [--senders N] [--store URL] [--http-threads N]
//
// The parent forks a child that runs `serve`'s HttpServer with the webhook
// routes over a fresh SQLite store (or --store), with one WooCommerce
// connection holding a webhook secret; the worker is paused so that the
// figure is the intake alone. The parent then sends N order deliveries
// (each with its own delivery id and a real HMAC-SHA256 signature) from
// --senders keep-alive connections and prints one JSON line: deliveries,
// seconds, deliveries/s, p50/p99/max latency in ms, and how many the child's
// store holds afterwards (must equal N).
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/json.h"
#include "http/transport.h"
#include "server/http_server.h"
#include "server/log.h"
#include "server/webhooks/webhook_service.h"
#include "store/factory/open_store.h"

namespace es {
namespace {

constexpr const char* kSecret = "bench-webhook-secret";
constexpr const char* kMasterKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

struct Args {
  int deliveries = 20000;
  int senders = 8;
  int http_threads = 8;
  std::string store_url;
};

// The child: serves until the parent closes `ctl`; reports the port on `out`.
int Serve(const Args& a, int out, int ctl) {
  server::SetLogSink([](const std::string&) {});
  const std::string dir = "/tmp/es_webhook_bench_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  auto store = store::OpenStore(a.store_url.empty() ? "sqlite://" + dir + "/state.db" : a.store_url);
  if (!store.ok()) {
    fprintf(stderr, "store: %s\n", store.status().ToString().c_str());
    return 1;
  }
  server::ServerConfig cfg;
  cfg.host = "127.0.0.1";
  cfg.port = 0;
  cfg.master_key_hex = kMasterKey;
  cfg.jwt_secret = "bench-jwt-secret-0123456789abcdef-0123456789";
  cfg.http_threads = a.http_threads;
  auto keys = server::BuildServerKeys(cfg, &SystemClock::Get());
  if (!keys.ok()) return 1;
  auto transport = http::MakeCurlTransport();
  server::HttpServer srv(cfg, **store, std::move(*keys), *transport, SystemClock::Get());
  server::WebhookOptions wo;
  wo.run_worker = false;  // intake only
  server::WebhookService webhooks(wo);
  webhooks.Attach(srv);
  if (!srv.Start().ok()) return 1;
  store::Connection c;
  c.tenant_id = "bench";
  c.id = "woo";
  c.kind = "woo";
  c.config = {{"base_url", "http://127.0.0.1:9"}};
  c.secret = DumpJson(Json{{"consumer_key", "ck_x"}, {"consumer_secret", "cs_x"}, {"webhook_secret", kSecret}});
  if (!srv.context().store->PutConnection(c).ok()) return 1;
  const int port = srv.port();
  if (write(out, &port, sizeof port) != sizeof port) return 1;
  char b;
  while (read(ctl, &b, 1) > 0) {
  }
  auto counts = srv.context().store->CountWebhooks("bench");
  int64_t queued = counts.ok() && counts->count("queued") ? counts->at("queued") : -1;
  if (write(out, &queued, sizeof queued) != sizeof queued) return 1;
  srv.Stop();
  std::filesystem::remove_all(dir);
  return 0;
}

int Drive(const Args& a, int port, std::atomic<int>& failures, std::vector<double>& latencies_ms) {
  const std::string order = R"({"id":ID,"status":"processing","currency":"USD","total":"42.50",)"
                            R"("line_items":[{"id":1,"product_id":7,"quantity":2,"total":"40.00"}]})";
  std::atomic<int> next{0};
  std::vector<std::vector<double>> per(a.senders);
  std::vector<std::thread> threads;
  for (int t = 0; t < a.senders; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client cli("127.0.0.1", port);
      cli.set_keep_alive(true);
      cli.set_tcp_nodelay(true);
      for (int i; (i = next.fetch_add(1)) < a.deliveries;) {
        std::string body = order;
        body.replace(body.find("ID"), 2, std::to_string(1000 + i));
        httplib::Headers h = {{"X-WC-Webhook-Topic", "order.updated"},
                              {"X-WC-Webhook-Resource", "order"},
                              {"X-WC-Webhook-Event", "updated"},
                              {"X-WC-Webhook-ID", "1"},
                              {"X-WC-Webhook-Delivery-ID", "bench-" + std::to_string(i)},
                              {"X-WC-Webhook-Source", "https://shop.example/"},
                              {"X-WC-Webhook-Signature", crypto::Base64Encode(crypto::HmacSha256(kSecret, body))}};
        auto start = std::chrono::steady_clock::now();
        auto res = cli.Post("/webhooks/woo/bench/woo", h, body, "application/json");
        per[t].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        if (!res || res->status != 200 || res->body.find("\"queued\"") == std::string::npos) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (auto& v : per) latencies_ms.insert(latencies_ms.end(), v.begin(), v.end());
  return 0;
}

int Main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--deliveries")) a.deliveries = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--senders")) a.senders = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--http-threads")) a.http_threads = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--store")) a.store_url = argv[i + 1];
    else {
      fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  int up[2], ctl[2];
  if (pipe(up) != 0 || pipe(ctl) != 0) return 1;
  pid_t child = fork();
  if (child == 0) {
    close(up[0]);
    close(ctl[1]);
    _exit(Serve(a, up[1], ctl[0]));
  }
  close(up[1]);
  close(ctl[0]);
  int port = 0;
  if (read(up[0], &port, sizeof port) != sizeof port) {
    fprintf(stderr, "the server process did not start\n");
    return 1;
  }
  std::atomic<int> failures{0};
  std::vector<double> lat;
  auto start = std::chrono::steady_clock::now();
  Drive(a, port, failures, lat);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  close(ctl[1]);
  int64_t stored = -1;
  if (read(up[0], &stored, sizeof stored) != sizeof stored) stored = -1;
  int status = 0;
  waitpid(child, &status, 0);
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double p) { return lat.empty() ? 0.0 : lat[std::min(lat.size() - 1, size_t(p * lat.size()))]; };
  printf("{\"deliveries\":%d,\"senders\":%d,\"seconds\":%.2f,\"per_second\":%.0f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,"
         "\"max_ms\":%.2f,\"failed\":%d,\"stored\":%lld}\n",
         a.deliveries, a.senders, secs, a.deliveries / secs, pct(0.50), pct(0.99), lat.empty() ? 0.0 : lat.back(),
         failures.load(), static_cast<long long>(stored));
  return failures.load() == 0 && stored == a.deliveries ? 0 : 1;
}

}  // namespace
}  // namespace es

int main(int argc, char** argv) { return es::Main(argc, argv); }
