#include "connectors/qbo/sandbox/webhooks.h"

#include <chrono>
#include <cstdio>

#include "common/crypto.h"
#include "common/json.h"
#include "http/transport.h"

namespace es::qbo::sandbox {
namespace {

// Intuit's retry schedule after a failed delivery (reference §9.1).
constexpr int64_t kRetryScheduleMs[] = {0, 10'000, 20'000, 30'000, 300'000, 1'200'000,
                                        7'200'000, 14'400'000, 21'600'000};
constexpr auto kAckWindow = std::chrono::milliseconds(3000);

std::string UtcMillis(int64_t ms, int fraction_digits) {
  std::string base = FormatIso8601Utc(ms);  // …:SSZ
  base.pop_back();
  char frac[16];
  if (fraction_digits == 3) snprintf(frac, sizeof(frac), ".%03d", static_cast<int>(ms % 1000));
  else snprintf(frac, sizeof(frac), ".%03d000000", static_cast<int>(ms % 1000));
  return base + frac + "Z";
}

std::string Action(const std::string& op) {
  if (op == "Create") return "created";
  if (op == "Delete") return "deleted";
  if (op == "Void") return "voided";
  if (op == "Merge") return "merged";
  return "updated";
}

}  // namespace

WebhookSender::WebhookSender(Company* company, WebhookOptions options, std::string verifier_token,
                             std::string realm_id)
    : company_(company),
      options_(std::move(options)),
      verifier_(std::move(verifier_token)),
      realm_id_(std::move(realm_id)) {}

WebhookSender::~WebhookSender() { Stop(); }

void WebhookSender::Start() { thread_ = std::thread([this] { Run(); }); }

void WebhookSender::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  transport_.reset();  // closes keep-alive connections to the receiver
}

bool WebhookSender::Wait(int64_t ms) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
  return !stopping_;
}

std::string WebhookSender::Sign(const std::string& verifier_token, const std::string& body) {
  return crypto::Base64Encode(crypto::HmacSha256(verifier_token, body));
}

std::string WebhookSender::LegacyPayload(const std::string& realm_id, const std::vector<ChangeEvent>& events) {
  Json entities = Json::array();
  for (const ChangeEvent& e : events)
    entities.push_back(Json{{"name", e.entity}, {"id", e.id}, {"operation", e.operation},
                            {"lastUpdated", UtcMillis(e.at_ms, 3)}});
  Json body = {{"eventNotifications",
                Json::array({Json{{"realmId", realm_id}, {"dataChangeEvent", {{"entities", entities}}}}})}};
  return DumpJson(body);
}

std::string WebhookSender::CloudEventsPayload(const std::string& realm_id, const std::vector<ChangeEvent>& events) {
  Json list = Json::array();
  for (const ChangeEvent& e : events)
    list.push_back(Json{{"specversion", "1.0"},
                        {"id", crypto::Uuid4()},
                        {"source", "intuit.sandbox"},
                        {"type", "qbo." + Lower(e.entity) + "." + Action(e.operation) + ".v1"},
                        {"datacontenttype", "application/json"},
                        {"time", UtcMillis(e.at_ms, 9)},
                        {"intuitentityid", e.id},
                        {"intuitaccountid", realm_id},
                        {"data", Json::object()}});
  return DumpJson(list);
}

bool WebhookSender::Deliver(const std::string& body) {
  if (!transport_) transport_ = http::MakeCurlTransport();
  http::Request req;
  req.method = "POST";
  req.url = options_.url;
  req.body = body;
  req.timeout = kAckWindow;
  req.headers = {{"Content-Type", "application/json"}, {"intuit-signature", Sign(verifier_, body)},
                 {"User-Agent", "EasySale-QBO-Sandbox-Webhooks"}};
  auto res = transport_->Send(req);
  return res.ok() && res->status >= 200 && res->status < 300;
}

void WebhookSender::Run() {
  const int64_t interval = options_.interval_ms > 0 ? options_.interval_ms : 1000;
  while (Wait(interval)) {
    std::vector<ChangeEvent> events = company_->TakeChanges();
    if (events.empty()) continue;
    const std::string body = options_.format == "legacy" ? LegacyPayload(realm_id_, events)
                                                         : CloudEventsPayload(realm_id_, events);
    for (int64_t delay : kRetryScheduleMs) {
      if (delay > 0 && !Wait(delay)) return;
      if (Deliver(body)) break;
    }
  }
}

}  // namespace es::qbo::sandbox
