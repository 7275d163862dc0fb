// Webhook deliveries of the QBO sandbox (reference §9): changes recorded by
// the Company are batched over WebhookOptions::interval_ms and POSTed to the
// configured URL, signed with `intuit-signature` = base64(HMAC-SHA256(
// verifier token, raw body)), in the legacy eventNotifications format or as
// a CloudEvents array. A delivery that is not answered 2xx within 3 s is
// retried on Intuit's schedule (0 s, 10 s, 20 s, 30 s, 5 min, …) and later
// events wait behind it, as Intuit does. Thread-safe; Stop() joins.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "connectors/qbo/sandbox/company.h"
#include "connectors/qbo/sandbox/server.h"
#include "http/transport.h"

namespace es::qbo::sandbox {

class WebhookSender {
 public:
  // `company` must outlive the sender.
  WebhookSender(Company* company, WebhookOptions options, std::string verifier_token, std::string realm_id);
  ~WebhookSender();
  void Start();
  void Stop();

  static std::string LegacyPayload(const std::string& realm_id, const std::vector<ChangeEvent>& events);
  static std::string CloudEventsPayload(const std::string& realm_id, const std::vector<ChangeEvent>& events);
  static std::string Sign(const std::string& verifier_token, const std::string& body);

 private:
  void Run();
  bool Deliver(const std::string& body);
  bool Wait(int64_t ms);  // false when stopping

  Company* const company_;
  const WebhookOptions options_;
  const std::string verifier_;
  const std::string realm_id_;
  std::unique_ptr<http::Transport> transport_;  // used by the sender thread only
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
};

}  // namespace es::qbo::sandbox
