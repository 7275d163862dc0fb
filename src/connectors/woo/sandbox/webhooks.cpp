#include "connectors/woo/sandbox/webhooks.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>

#include "common/crypto.h"

namespace es::woo::sandbox {
namespace {

constexpr std::array<std::string_view, 7> kTopics = {"order.created",    "order.updated",   "order.deleted",
                                                      "product.created",  "product.updated", "customer.created",
                                                      "customer.updated"};

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool IsHttpUrl(std::string_view url) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (StartsWith(url, scheme) && url.size() > scheme.size()) {
      return std::none_of(url.begin(), url.end(), [](char c) { return c <= 0x20 || c == 0x7f; });
    }
  }
  return false;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

bool IsSupportedWebhookTopic(std::string_view topic) {
  return std::find(kTopics.begin(), kTopics.end(), topic) != kTopics.end();
}

WebhookSender::WebhookSender(WebhookDeliveryOptions options, std::unique_ptr<http::Transport> transport)
    : options_(std::move(options)), transport_(std::move(transport)) {
  if (!transport_) {
    http::CurlOptions curl;
    curl.connect_timeout = std::chrono::milliseconds(std::max(1, options_.timeout_ms));
    transport_ = http::MakeCurlTransport(curl);
  }
}

WebhookSender::~WebhookSender() { Stop(); }

std::string WebhookSender::Sign(std::string_view secret, std::string_view body) {
  return crypto::Base64Encode(crypto::HmacSha256(secret, body));
}

Result<int64_t> WebhookSender::Add(const WebhookSubscription& sub) {
  if (!IsHttpUrl(sub.delivery_url)) {
    return Status::Validation("webhook delivery_url must be an http:// or https:// URL",
                              "woocommerce_rest_webhook_invalid_delivery_url");
  }
  if (sub.secret.empty()) return Status::Validation("webhook secret is required");
  if (sub.topics.empty()) return Status::Validation("webhook topics must not be empty");
  for (size_t i = 0; i < sub.topics.size(); ++i) {
    if (!IsSupportedWebhookTopic(sub.topics[i])) {
      std::string shown = sub.topics[i].size() <= 64 ? sub.topics[i] : sub.topics[i].substr(0, 64) + "…";
      return Status::Validation("webhook topics[" + std::to_string(i) + "] '" + shown +
                                    "' is not supported (order|product|customer.created|updated)",
                                "woocommerce_rest_webhook_invalid_topic");
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t id = next_id_++;
  Subscription& added = subs_[id];
  added.url = sub.delivery_url;
  added.secret = sub.secret;
  added.name = sub.name;
  added.topics = sub.topics;
  added.created_s = added.modified_s = NowSeconds();
  queue_.push_back(Delivery{id, sub.delivery_url, sub.secret, "", "webhook_id=" + std::to_string(id), ""});
  work_cv_.notify_all();
  return id;
}

Status WebhookSender::Remove(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (subs_.erase(id) == 0) return Status::NotFound("no webhook with id " + std::to_string(id));
  const size_t before = queue_.size();
  std::erase_if(queue_, [id](const Delivery& d) { return d.webhook_id == id; });
  stats_.gave_up += before - queue_.size();
  idle_cv_.notify_all();
  return Status::Ok();
}

WebhookInfo WebhookSender::Info(int64_t id, const Subscription& s) {
  return WebhookInfo{id, s.name, s.status, s.topics, s.url, s.failure_count, s.created_s, s.modified_s};
}

std::vector<WebhookInfo> WebhookSender::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<WebhookInfo> out;
  for (const auto& [id, s] : subs_) out.push_back(Info(id, s));
  return out;
}

Result<WebhookInfo> WebhookSender::Get(int64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = subs_.find(id);
  if (it == subs_.end()) return Status::NotFound("no webhook with id " + std::to_string(id));
  return Info(id, it->second);
}

Result<WebhookInfo> WebhookSender::SetStatus(int64_t id, const std::string& status, const std::string& name) {
  if (status != "active" && status != "paused" && status != "disabled")
    return Status::Validation("webhook status must be active, paused or disabled",
                              "woocommerce_rest_webhook_invalid_status");
  std::lock_guard<std::mutex> lock(mu_);
  auto it = subs_.find(id);
  if (it == subs_.end()) return Status::NotFound("no webhook with id " + std::to_string(id));
  it->second.status = status;
  if (!name.empty()) it->second.name = name;
  it->second.modified_s = NowSeconds();
  return Info(id, it->second);
}

void WebhookSender::CountOutcome(int64_t webhook_id, bool delivered) {
  auto it = subs_.find(webhook_id);
  if (it == subs_.end()) return;
  Subscription& s = it->second;
  if (delivered) {
    s.failure_count = 0;
  } else if (s.failure_count > kMaxDeliveryFailures) {
    s.status = "disabled";
    s.modified_s = NowSeconds();
  } else {
    ++s.failure_count;
  }
}

bool WebhookSender::Subscribed(std::string_view topic) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, s] : subs_)
    if (s.status == "active" && std::find(s.topics.begin(), s.topics.end(), topic) != s.topics.end()) return true;
  return false;
}

size_t WebhookSender::Publish(std::string_view topic, const std::function<std::string()>& render) {
  std::vector<std::pair<int64_t, const Subscription*>> targets;
  std::unique_lock<std::mutex> lock(mu_);
  for (const auto& [id, s] : subs_)
    if (s.status == "active" && std::find(s.topics.begin(), s.topics.end(), topic) != s.topics.end())
      targets.emplace_back(id, &s);
  if (targets.empty()) return 0;
  // Rendering happens under mu_ so the subscriptions stay valid; it is the
  // caller's own data and never touches this sender.
  const std::string body = render();
  for (const auto& [id, s] : targets)
    queue_.push_back(Delivery{id, s->url, s->secret, std::string(topic), body, crypto::RandomHex(16)});
  work_cv_.notify_all();
  return targets.size();
}

void WebhookSender::Start(std::string source) {
  std::lock_guard<std::mutex> life(lifecycle_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    source_ = std::move(source);
    if (running_) return;
    running_ = true;
    stopping_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void WebhookSender::Stop() {
  std::lock_guard<std::mutex> life(lifecycle_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    stopping_ = true;
  }
  work_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  stats_.gave_up += queue_.size();
  queue_.clear();
  running_ = false;
  idle_cv_.notify_all();
}

bool WebhookSender::Flush(int timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_for(lock, std::chrono::milliseconds(std::max(0, timeout_ms)),
                           [this] { return queue_.empty() && !in_flight_; });
}

WebhookStats WebhookSender::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  WebhookStats s = stats_;
  s.pending = queue_.size() + (in_flight_ ? 1 : 0);
  return s;
}

bool WebhookSender::WaitUnlessStopping(int64_t ms) {
  std::unique_lock<std::mutex> lock(mu_);
  work_cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
  return !stopping_;
}

void WebhookSender::Finish(bool delivered) {
  in_flight_ = false;
  if (delivered) ++stats_.delivered;
  else ++stats_.gave_up;
  idle_cv_.notify_all();
}

bool WebhookSender::Attempt(const Delivery& d, const std::string& source) {
  http::Request req;
  req.method = "POST";
  req.url = d.url;
  req.body = d.body;
  req.timeout = std::chrono::milliseconds(std::max(1, options_.timeout_ms));
  req.headers.emplace_back("User-Agent", options_.user_agent);
  // WooCommerce posts with HTTP/1.0: one connection per delivery, none kept
  // open to hold up a receiver that is shutting down.
  req.headers.emplace_back("Connection", "close");
  if (d.topic.empty()) {
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  } else {
    const size_t dot = d.topic.find('.');
    req.headers.emplace_back("Content-Type", "application/json");
    req.headers.emplace_back("X-WC-Webhook-Source", source);
    req.headers.emplace_back("X-WC-Webhook-Topic", d.topic);
    req.headers.emplace_back("X-WC-Webhook-Resource", d.topic.substr(0, dot));
    req.headers.emplace_back("X-WC-Webhook-Event", d.topic.substr(dot + 1));
    req.headers.emplace_back("X-WC-Webhook-Signature", Sign(d.secret, d.body));
    req.headers.emplace_back("X-WC-Webhook-ID", std::to_string(d.webhook_id));
    req.headers.emplace_back("X-WC-Webhook-Delivery-ID", d.delivery_id);
  }
  try {
    auto res = transport_->Send(req);
    return res.ok() && res->status >= 200 && res->status < 300;
  } catch (const std::exception&) {
    return false;  // a transport must not throw; treat it as a failed attempt
  }
}

void WebhookSender::Run() {
  const int attempts = std::max(1, options_.max_attempts);
  while (true) {
    Delivery d;
    std::string source;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      d = std::move(queue_.front());
      queue_.pop_front();
      in_flight_ = true;
      source = source_;
    }
    bool ok = false;
    int64_t delay = std::max(0, options_.retry_delay_ms);
    const bool ping = d.topic.empty();
    // Only an active webhook delivers (checked before every attempt: a
    // removed, paused or disabled one gives the delivery up).
    auto deliverable = [&] {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = subs_.find(d.webhook_id);
      return it != subs_.end() && (ping || it->second.status == "active");
    };
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      if (attempt > 1) {
        if (!WaitUnlessStopping(delay)) break;
        delay *= 2;
      }
      if (!deliverable()) break;
      ok = Attempt(d, source);
      std::lock_guard<std::mutex> lock(mu_);
      if (!ping) CountOutcome(d.webhook_id, ok);
      if (ok) break;
      ++stats_.failed_attempts;
    }
    std::lock_guard<std::mutex> lock(mu_);
    Finish(ok);
  }
}

}  // namespace es::woo::sandbox
