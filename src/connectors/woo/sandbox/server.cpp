#include "connectors/woo/sandbox/server.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "common/clock.h"
#include "connectors/woo/sandbox/api.h"
#include "connectors/woo/sandbox/generated.h"
#include "connectors/woo/sandbox/render.h"
#include "connectors/woo/sandbox/seed.h"
#include "connectors/woo/sandbox/tls.h"
#include "model/money.h"

namespace es::woo::sandbox {
namespace {

constexpr int kThreads = 16;

SeedOptions ToSeed(const Options& o) {
  SeedOptions s;
  s.seed = o.seed;
  s.customers = o.customers;
  s.products = o.products;
  s.orders = o.orders;
  s.currency = o.currency;
  return s;
}

}  // namespace

struct Server::Impl {
  explicit Impl(Options o)
      : options(std::move(o)),
        store(options.generate_orders ? GeneratedOrders::Generate(ToSeed(options)) : GenerateStore(ToSeed(options))),
        api(store, ApiConfig{options.consumer_key, options.consumer_secret, options.https}),
        faults(options.faults),
        webhooks(options.webhooks) {
    api.SetWebhooks(&webhooks);
  }

  int64_t Now() const { return SystemClock::Get().NowSeconds(); }

  // Counts a request under its resource: "/wp-json/wc/v3/customers?…" → "customers".
  void Count(const std::string& path) {
    static const std::string kPrefix = "/wp-json/wc/v3/";
    std::string resource;
    if (path.compare(0, kPrefix.size(), kPrefix) == 0) {
      resource = path.substr(kPrefix.size());
      resource = resource.substr(0, resource.find('/'));
    }
    std::lock_guard<std::mutex> lock(count_mu);
    ++request_counts[resource];
  }
  std::mutex count_mu;
  std::map<std::string, int64_t> request_counts;  // guarded by count_mu

  // Sleeps up to `ms`, returning early when the server stops.
  void Delay(int ms) {
    std::unique_lock<std::mutex> lock(stop_mu);
    stop_cv.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping; });
  }

  // Hands the writes recorded in StoreData::changes to the webhook sender,
  // rendering each payload as GET /{resource}s/{id} would now. Runs under
  // the store lock so that deliveries are queued in write order. A record
  // repeated within one call is announced once, as WooCommerce delivers an
  // id once per webhook and request.
  void AnnounceChanges() {
    const std::string home = base_url;
    store.Write([&](StoreData& d) {
      if (d.changes.empty()) return;
      std::vector<ChangeRecord> changes;
      changes.swap(d.changes);
      std::set<std::tuple<std::string, std::string, int64_t>> seen;
      for (const ChangeRecord& c : changes) {
        if (!seen.emplace(c.resource, c.event, c.id).second) continue;
        if (c.resource == "order" && c.event == "deleted") {  // trash: Woo sends only the id
          webhooks.Publish("order.deleted", [&] { return DumpJson(Json{{"id", c.id}}); });
        } else if (c.resource == "order") {
          auto it = d.orders.find(c.id);
          if (it == d.orders.end()) continue;
          webhooks.Publish(c.resource + "." + c.event, [&] {
            return DumpJson(RenderOrder(it->second, d, {home, model::CurrencyExponent(d.currency)}));
          });
        } else if (c.resource == "product") {
          auto it = d.products.find(c.id);
          if (it == d.products.end()) continue;
          webhooks.Publish(c.resource + "." + c.event,
                           [&] { return DumpJson(RenderProduct(it->second, d, {home, 2})); });
        }
      }
    });
  }

  void Handle(const httplib::Request& req, httplib::Response& res) {
    ++requests;
    http::FaultDecision f = faults.Decide();
    if (f.delay_ms > 0) Delay(f.delay_ms);
    switch (f.action) {
      case http::FaultAction::kServerError:
        if (error_flip++ % 2 == 0) {
          res.status = 500;
          res.set_content(R"({"code":"internal_server_error","message":"<p>There has been a critical error on this website.</p>","data":{"status":500},"additional_errors":[]})",
                          "application/json; charset=UTF-8");
        } else {
          res.status = 503;
          res.set_content("<html><head><title>503 Service Unavailable</title></head><body><h1>Service "
                          "Unavailable</h1></body></html>",
                          "text/html");
        }
        return;
      case http::FaultAction::kRateLimit:
        res.status = 429;
        res.set_header("Retry-After", "1");
        res.set_content("<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many "
                        "Requests</h1></center><hr><center>nginx</center></body></html>",
                        "text/html");
        return;
      case http::FaultAction::kDrop:
      case http::FaultAction::kTimeout:
        // Headers go out, then the connection closes before any body byte.
        res.status = 200;
        res.set_content_provider(
            1024, "application/json", [](size_t, size_t, httplib::DataSink&) { return false; });
        return;
      case http::FaultAction::kNone:
        break;
    }
    ApiRequest r;
    r.method = req.method;
    r.path = req.path;
    size_t q = req.target.find('?');
    if (q != std::string::npos) r.query = http::ParseQuery(std::string_view(req.target).substr(q + 1));
    for (const auto& [k, v] : req.headers) r.headers.emplace_back(k, v);
    r.body = req.body;
    ApiResponse out;
    try {
      out = api.Handle(r, base_url, Now());
    } catch (const std::exception&) {
      out = ErrorResponse(500, "internal_server_error", "There has been a critical error on this website.");
    }
    if (req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS") AnnounceChanges();
    res.status = out.status;
    for (const auto& [k, v] : out.headers) res.set_header(k.c_str(), v);
    res.set_content(out.Serialize(), out.content_type.c_str());
  }

  Options options;
  Store store;
  Api api;
  http::FaultPlan faults;
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> error_flip{0};
  WebhookSender webhooks;

  std::mutex lifecycle_mu;  // Start/Stop
  std::unique_ptr<httplib::Server> http;
  std::thread thread;
  std::atomic<int> port{0};
  std::string base_url;  // set before serving, constant while running

  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;  // guarded by stop_mu
};

Server::Server(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() { Stop(); }

Status Server::Start(int port, const std::string& host) {
  std::lock_guard<std::mutex> lock(impl_->lifecycle_mu);
  if (impl_->http) return Status::Internal("woo sandbox already started");
  {
    std::lock_guard<std::mutex> s(impl_->stop_mu);
    impl_->stopping = false;
  }
  std::unique_ptr<httplib::Server> srv;
  if (impl_->options.https) {
    auto cert = MakeSelfSignedCert(host);
    if (!cert.ok()) return cert.status();
    auto ssl = std::make_unique<httplib::SSLServer>(cert->cert.get(), cert->key.get());
    if (!ssl->is_valid()) return Status::Internal("woo sandbox: TLS context could not be created");
    srv = std::move(ssl);
  } else {
    srv = std::make_unique<httplib::Server>();
  }
  srv->new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  srv->set_keep_alive_timeout(2);  // bounds how long Stop() waits for idle keep-alive connections
  srv->set_payload_max_length(16u << 20);
  Impl* impl = impl_.get();
  auto handler = [impl](const httplib::Request& req, httplib::Response& res) {
    impl->Count(req.path);
    impl->Handle(req, res);
  };
  srv->Get(".*", handler);
  srv->Post(".*", handler);
  srv->Put(".*", handler);
  srv->Patch(".*", handler);
  srv->Delete(".*", handler);
  srv->Options(".*", handler);

  int bound = port;
  if (port == 0) {
    bound = srv->bind_to_any_port(host);
    if (bound < 0) return Status::Network("woo sandbox: cannot bind " + host + " on a free port");
  } else if (!srv->bind_to_port(host, port)) {
    return Status::Network("woo sandbox: cannot bind " + host + ":" + std::to_string(port));
  }
  impl_->port = bound;
  const std::string shown_host = (host == "0.0.0.0" || host.empty()) ? "127.0.0.1" : host;
  impl_->base_url = std::string(impl_->options.https ? "https" : "http") + "://" + shown_host + ":" +
                    std::to_string(bound);
  httplib::Server* raw = srv.get();
  impl_->http = std::move(srv);
  impl_->thread = std::thread([raw] { raw->listen_after_bind(); });
  impl_->webhooks.Start(impl_->base_url + "/");
  // stop() is a no-op until the accept loop runs: wait for it.
  for (int i = 0; i < 5000 && !raw->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return Status::Ok();
}

void Server::Stop() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle_mu);
  impl_->webhooks.Stop();  // first: bounded by one delivery timeout, even when the receiver is down
  if (!impl_->http) return;
  {
    std::lock_guard<std::mutex> s(impl_->stop_mu);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  impl_->http->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->http.reset();
}

int Server::port() const { return impl_->port; }
std::string Server::base_url() const { return impl_->base_url; }
const Options& Server::options() const { return impl_->options; }

int64_t Server::requests(const std::string& resource) const {
  std::lock_guard<std::mutex> lock(impl_->count_mu);
  int64_t n = 0;
  for (const auto& [r, c] : impl_->request_counts)
    if (resource.empty() || r == resource) n += c;
  return n;
}

size_t Server::order_count() const {
  return impl_->store.Read([](const StoreData& d) {
    size_t n = d.orders.size();
    if (d.generated)
      for (int64_t i = 0; i < d.generated->count(); ++i) n += d.generated->slot(i).written ? 0 : 1;
    return n;
  });
}

Result<int64_t> Server::AddOrder(const Json& body) {
  auto id = impl_->api.CreateOrder(body, impl_->Now());
  if (id.ok()) impl_->AnnounceChanges();
  return id;
}

int64_t Server::AddRandomOrder() {
  const uint64_t seed = impl_->options.seed;
  const int64_t now = impl_->Now();
  const int64_t id = impl_->store.Write([&](StoreData& d) {
    int64_t t = std::max(now, d.last_write + 1);
    int64_t id = sandbox::AddRandomOrder(d, seed, t);
    d.last_write = std::max(d.last_write, d.orders.at(id).modified);
    d.changes.push_back({"order", "created", id});
    return id;
  });
  impl_->AnnounceChanges();
  return id;
}

Status Server::UpdateOrderStatus(int64_t id, const std::string& status) {
  Status s = impl_->api.UpdateOrder(id, Json{{"status", status}}, impl_->Now());
  if (s.ok()) impl_->AnnounceChanges();
  return s;
}

Status Server::ModifyOrder(int64_t id, const Json& fields) {
  Status s = impl_->api.UpdateOrder(id, fields.is_object() ? fields : Json::object(), impl_->Now(), true);
  if (s.ok()) impl_->AnnounceChanges();
  return s;
}

Result<int64_t> Server::AddRefund(int64_t order_id, const Json& body) {
  auto id = impl_->api.CreateRefund(order_id, body.is_object() ? body : Json::object(), impl_->Now());
  if (id.ok()) impl_->AnnounceChanges();
  return id;
}

Status Server::TrashOrder(int64_t id) {
  Status s = impl_->api.TrashOrder(id, impl_->Now());
  if (s.ok()) impl_->AnnounceChanges();
  return s;
}

Status Server::DeleteOrder(int64_t id) { return impl_->api.DeleteOrder(id); }

TradingSummary Server::SimulateTrading(uint64_t seed, const TradingOptions& options) {
  TradingSummary summary = sandbox::SimulateTrading(impl_->store, impl_->api, seed, options, impl_->Now());
  impl_->AnnounceChanges();
  return summary;
}

void Server::SetFaults(const http::FaultOptions& faults) { impl_->faults.Set(faults); }

Status Server::ModifyProduct(int64_t id, const Json& fields) {
  const int64_t parent = impl_->store.Read([&](const StoreData& d) -> int64_t {
    auto it = d.products.find(id);
    return it == d.products.end() ? -1 : (it->second.is_variation ? it->second.parent_id : 0);
  });
  if (parent < 0) return Status::NotFound("product " + std::to_string(id) + " does not exist");
  ApiResponse r = api::UpdateProduct(impl_->store, id, parent, fields.is_object() ? fields : Json::object(),
                                     impl_->base_url, impl_->Now());
  if (r.status != 200) return Status::Validation(GetStringOr(r.body, "message"), GetStringOr(r.body, "code"));
  impl_->AnnounceChanges();
  return Status::Ok();
}

Json Server::ProductJson(int64_t id) const {
  const std::string home = impl_->base_url;
  return impl_->store.Read([&](const StoreData& d) -> Json {
    auto it = d.products.find(id);
    if (it == d.products.end()) return nullptr;
    return RenderProduct(it->second, d, {home, 2});
  });
}

std::vector<Json> Server::AllProductsJson() const {
  const std::string home = impl_->base_url;
  return impl_->store.Read([&](const StoreData& d) {
    std::vector<Json> out;
    for (const auto& [id, p] : d.products) out.push_back(RenderProduct(p, d, {home, 2}));
    return out;
  });
}

int64_t Server::product_writes() const {
  return impl_->store.Read([](const StoreData& d) { return d.product_writes; });
}

Json Server::OrderJson(int64_t id) const {
  const std::string home = impl_->base_url;
  return impl_->store.Read([&](const StoreData& d) -> Json {
    auto render = [&](const StoreData& data) -> Json {
      auto it = data.orders.find(id);
      if (it == data.orders.end()) return nullptr;
      return RenderOrder(it->second, data, {home, model::CurrencyExponent(data.currency)});
    };
    if (GeneratedOrders::Pristine(d, id)) return render(d.generated->Scratch(d, d.generated->IndexOf(id)));
    return render(d);
  });
}

Json Server::AllOrdersJson() const {
  Json all = Json::array();
  for (int64_t id : OrderIds()) all.push_back(OrderJson(id));
  return all;
}

std::vector<int64_t> Server::OrderIds() const {
  return impl_->store.Read([](const StoreData& d) {
    std::vector<int64_t> ids;
    for (const auto& [id, o] : d.orders) ids.push_back(id);
    if (d.generated) {
      for (int64_t i = 0; i < d.generated->count(); ++i)
        if (!d.generated->slot(i).written) ids.push_back(d.generated->IdAt(i));
      std::sort(ids.begin(), ids.end());
    }
    return ids;
  });
}

int64_t Server::epoch() const {
  return impl_->store.Read([](const StoreData& d) { return d.epoch; });
}

uint64_t Server::requests_served() const { return impl_->requests; }

Result<int64_t> Server::AddWebhook(const WebhookSubscription& sub) { return impl_->webhooks.Add(sub); }

Status Server::RemoveWebhook(int64_t id) { return impl_->webhooks.Remove(id); }

bool Server::FlushWebhooks(int timeout_ms) { return impl_->webhooks.Flush(timeout_ms); }

WebhookStats Server::webhook_stats() const { return impl_->webhooks.stats(); }

std::vector<WebhookInfo> Server::ListWebhooks() const { return impl_->webhooks.List(); }

Result<WebhookInfo> Server::SetWebhookStatus(int64_t id, const std::string& status) {
  return impl_->webhooks.SetStatus(id, status);
}

}  // namespace es::woo::sandbox
