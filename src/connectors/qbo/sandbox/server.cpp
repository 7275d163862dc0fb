#include "connectors/qbo/sandbox/server.h"

#include <httplib.h>

#include <atomic>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/crypto.h"
#include "connectors/qbo/sandbox/company.h"
#include "connectors/qbo/sandbox/oauth.h"
#include "connectors/qbo/sandbox/throttle.h"
#include "connectors/qbo/sandbox/webhooks.h"
#include "connectors/qbo/sandbox/wire.h"

namespace es::qbo::sandbox {
namespace {

constexpr int kWorkerThreads = 48;
constexpr size_t kMaxBodyBytes = 32u << 20;
constexpr std::string_view kApiPrefix = "/v3/company/";

std::string TraceId() { return "1-" + crypto::RandomHex(4) + "-" + crypto::RandomHex(12); }

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > i) out.emplace_back(path.substr(i, slash - i));
    i = slash + 1;
  }
  return out;
}

void Drop(httplib::Response& res) {
  // Headers go out, then the connection closes before the promised body:
  // the client sees a transport error, as with a connection reset.
  res.set_content_provider(
      1, "application/json", [](size_t, size_t, httplib::DataSink&) { return false; }, nullptr);
}

}  // namespace

class Server::Impl {
 public:
  explicit Impl(Options o)
      : opts_(std::move(o)),
        clock_(opts_.clock ? opts_.clock : &SystemClock::Get()),
        company_(opts_.realm_id, clock_, opts_.utc_offset_minutes),
        oauth_(OAuthConfig{opts_.realm_id, opts_.client_id, opts_.client_secret, opts_.access_token_ttl_s,
                           opts_.refresh_token_ttl_s, 600},
               clock_),
        throttle_(clock_),
        faults_(WithSeed(opts_.faults, opts_.seed)),
        throttle_on_(opts_.throttle) {}

  ~Impl() { Stop(); }

  static http::FaultOptions WithSeed(http::FaultOptions f, uint64_t seed) {
    if (f.seed == http::FaultOptions{}.seed) f.seed = seed;
    return f;
  }

  Status Start(int port, const std::string& host) {
    if (running_) return Status::Internal("QBO sandbox already started");
    svr_.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
    svr_.set_payload_max_length(kMaxBodyBytes);
    svr_.set_tcp_nodelay(true);  // avoid Nagle + delayed-ACK stalls (~40 ms per response)
    svr_.set_keep_alive_max_count(10'000);
    svr_.set_read_timeout(std::chrono::seconds(130));
    svr_.set_write_timeout(std::chrono::seconds(130));
    auto handler = [this](const httplib::Request& req, httplib::Response& res) { Route(req, res); };
    svr_.Get(".*", handler);
    svr_.Post(".*", handler);
    svr_.Put(".*", handler);
    svr_.Delete(".*", handler);
    svr_.Patch(".*", handler);
    svr_.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      res.status = 500;
      res.set_content(DumpJson(FaultBody(ErrSystem(500), "")), "application/json");
    });
    int bound = port;
    if (port == 0) {
      bound = svr_.bind_to_any_port(host);
      if (bound <= 0) return Status::Network("QBO sandbox: cannot bind " + host + " to a free port");
    } else if (!svr_.bind_to_port(host, port)) {
      return Status::Network("QBO sandbox: cannot bind " + host + ":" + std::to_string(port));
    }
    port_ = bound;
    host_ = host;
    running_ = true;
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    // httplib's stop() is a no-op until the accept loop runs: wait for it.
    for (int i = 0; i < 5000 && !svr_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (!opts_.webhook.url.empty()) {
      company_.EnableChangeLog();
      webhooks_ = std::make_unique<WebhookSender>(&company_, opts_.webhook, opts_.verifier_token, opts_.realm_id);
      webhooks_->Start();
    }
    return Status::Ok();
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(stop_mu_);
      stopping_ = true;
    }
    stop_cv_.notify_all();
    if (webhooks_) webhooks_->Stop();
    if (running_) {
      svr_.stop();
      if (thread_.joinable()) thread_.join();
      running_ = false;
    }
  }

  std::string base_url() const { return "http://" + (host_ == "0.0.0.0" ? std::string("127.0.0.1") : host_) + ":" + std::to_string(port_); }

  void SleepMs(int64_t ms) {
    if (ms <= 0) return;
    std::unique_lock<std::mutex> lock(stop_mu_);
    stop_cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
  }

  void Route(const httplib::Request& req, httplib::Response& res) {
    res.set_header("intuit_tid", TraceId());
    const std::string& path = req.path;
    if (path.rfind(kApiPrefix, 0) == 0) return Api(req, res);
    if (path == "/oauth2/v1/tokens/bearer" && req.method == "POST") {
      bool hard = Lower(req.get_header_value("x-include-refresh-token-hard-expires-in")) == "true";
      return Send(res, oauth_.Token(req.get_header_value("Authorization"), req.body, hard));
    }
    if ((path == "/oauth2/v1/tokens/revoke" || path == "/v2/oauth2/tokens/revoke") && req.method == "POST")
      return Send(res, oauth_.Revoke(req.get_header_value("Authorization"), req.body));
    if (path == "/connect/oauth2" && req.method == "GET") return Send(res, oauth_.Authorize(req.params));
    res.status = 404;
    res.set_content(DumpJson(Json{{"error", "not_found"}, {"path", SanitizeUtf8(path)}}), "application/json");
  }

  static void Send(httplib::Response& res, const HttpAnswer& a) {
    res.status = a.status;
    for (const auto& [k, v] : a.headers) res.set_header(k, v);
    res.set_content(a.body, a.content_type);
  }

  void Fault(httplib::Response& res, const ApiError& e) {
    res.status = e.http_status;
    res.set_content(DumpJson(FaultBody(e, LocalTimestampMillis(clock_->NowMillis(), opts_.utc_offset_minutes))),
                    "application/json");
  }

  void Api(const httplib::Request& req, httplib::Response& res) {
    requests_.fetch_add(1);
    std::vector<std::string> segs = SplitPath(std::string_view(req.path).substr(kApiPrefix.size()));
    const http::FaultDecision fd = faults_.Decide();
    const int64_t latency = fd.delay_ms + latency_ms_.load();
    if (fd.action == http::FaultAction::kServerError) {
      SleepMs(latency);
      return Fault(res, ErrSystem((requests_.load() & 1) ? 503 : 500));
    }
    if (fd.action == http::FaultAction::kRateLimit) {
      SleepMs(latency);
      throttled_.fetch_add(1);
      return Fault(res, ErrThrottled());
    }
    std::string realm;
    BearerCheck check = oauth_.CheckBearer(req.get_header_value("Authorization"), &realm);
    if (check != BearerCheck::kOk) {
      const char* detail = check == BearerCheck::kExpired   ? "Token expired"
                           : check == BearerCheck::kMissing ? "Authorization header missing"
                                                            : "Token invalid";
      res.status = 401;
      res.set_header("WWW-Authenticate", "Bearer realm=\"Intuit\", error=\"invalid_token\"");
      res.set_content(DumpJson(GatewayAuthFailure(detail, clock_->NowMillis())), "application/json");
      return;
    }
    if (segs.empty() || segs[0] != realm) return Fault(res, ErrWrongRealm());
    const bool is_batch = segs.size() == 2 && segs[1] == "batch" && req.method == "POST";
    bool admitted = false;
    if (throttle_on_.load()) {
      Throttle::Decision d = throttle_.Admit(realm, is_batch);
      if (!d.admitted) {
        throttled_.fetch_add(1);
        if (opts_.retry_after_header) res.set_header("Retry-After", std::to_string((d.retry_after_ms + 999) / 1000));
        return Fault(res, ErrThrottled());
      }
      admitted = true;
    }
    struct Slot {
      Throttle* t;
      const std::string& realm;
      bool held;
      ~Slot() {
        if (held) t->Release(realm);
      }
    } slot{&throttle_, realm, admitted};
    if (is_batch) batches_.fetch_add(1);
    if (fd.action != http::FaultAction::kTimeout) SleepMs(latency);

    ApiCall call;
    call.method = req.method;
    call.segments.assign(segs.begin() + 1, segs.end());
    for (const auto& [k, v] : req.params) call.params.emplace(k, v);  // first value wins
    call.body = req.body;
    WireReply w = company_.Handle(call);

    if (fd.action == http::FaultAction::kDrop) return Drop(res);
    if (fd.action == http::FaultAction::kTimeout) {
      SleepMs(latency);
      return Drop(res);
    }
    res.status = w.status;
    res.set_content(w.body, w.fault ? "application/json" : "application/json;charset=utf-8");
  }

  Options opts_;
  Clock* const clock_;
  Company company_;
  OAuthAuthority oauth_;
  Throttle throttle_;
  http::FaultPlan faults_;
  std::atomic<bool> throttle_on_;
  std::atomic<int> latency_ms_{0};
  std::atomic<int64_t> requests_{0}, throttled_{0}, batches_{0};

  httplib::Server svr_;
  std::thread thread_;
  std::unique_ptr<WebhookSender> webhooks_;
  int port_ = 0;
  std::string host_ = "127.0.0.1";
  bool running_ = false;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
};

Server::Server(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Server::~Server() = default;

Status Server::Start(int port, const std::string& host) { return impl_->Start(port, host); }
void Server::Stop() { impl_->Stop(); }
int Server::port() const { return impl_->port_; }
std::string Server::base_url() const { return impl_->base_url(); }
std::string Server::token_url() const { return base_url() + "/oauth2/v1/tokens/bearer"; }
std::string Server::authorize_url() const { return base_url() + "/connect/oauth2"; }
const Options& Server::options() const { return impl_->opts_; }

Server::Tokens Server::IssueTokens() {
  IssuedTokens t = impl_->oauth_.Issue();
  return Tokens{t.access_token, t.refresh_token, t.expires_in_s, t.refresh_expires_in_s};
}

std::string Server::IssueAuthorizationCode(const std::string& redirect_uri) {
  return impl_->oauth_.IssueCode(redirect_uri);
}

void Server::SetThrottle(bool on) {
  impl_->throttle_on_.store(on);
  if (!on) impl_->throttle_.Reset();
}

void Server::SetFaults(const http::FaultOptions& faults) { impl_->faults_.Set(faults); }
void Server::SetLatencyMs(int ms) { impl_->latency_ms_.store(ms); }
int64_t Server::CountEntities(const std::string& entity) const { return impl_->company_.Count(entity); }
std::vector<Json> Server::AllEntities(const std::string& entity) const { return impl_->company_.All(entity); }

Result<Json> Server::UpdateEntity(const std::string& entity, const std::string& id, const Json& fields) {
  std::string path = entity;
  for (auto& c : path) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  WireReply read = impl_->company_.Handle(ApiCall{"GET", {path, id}, {}, ""});
  auto current = ParseJson(read.body);
  if (read.status != 200 || !current.ok() || !current->contains(entity))
    return Status::NotFound(entity + " " + id + " does not exist");
  Json body = fields.is_object() ? fields : Json::object();
  body["Id"] = id;
  body["SyncToken"] = GetStringOr((*current)[entity], "SyncToken");
  body["sparse"] = true;
  WireReply w = impl_->company_.Handle(ApiCall{"POST", {path}, {}, DumpJson(body)});
  auto answer = ParseJson(w.body);
  if (w.status != 200 || w.fault || !answer.ok() || !answer->contains(entity))
    return Status::Validation(entity + " " + id + " update refused: " + w.body.substr(0, 300));
  return (*answer)[entity];
}

Status Server::DeleteEntity(const std::string& entity, const std::string& id) {
  std::string path = entity;
  for (auto& c : path) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  WireReply read = impl_->company_.Handle(ApiCall{"GET", {path, id}, {}, ""});
  auto current = ParseJson(read.body);
  if (read.status != 200 || !current.ok() || !current->contains(entity))
    return Status::NotFound(entity + " " + id + " does not exist");
  Json body = {{"Id", id}, {"SyncToken", GetStringOr((*current)[entity], "SyncToken")}};
  WireReply w = impl_->company_.Handle(ApiCall{"POST", {path}, {{"operation", "delete"}}, DumpJson(body)});
  if (w.status != 200 || w.fault) return Status::Validation(entity + " " + id + " delete refused: " + w.body.substr(0, 300));
  return Status::Ok();
}

Server::Stats Server::stats() const {
  return Stats{impl_->requests_.load(), impl_->throttled_.load(), impl_->batches_.load(), impl_->company_.writes()};
}

}  // namespace es::qbo::sandbox
