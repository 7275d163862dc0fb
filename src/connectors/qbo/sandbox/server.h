// QuickBooks Online sandbox: a local HTTP server that behaves like the QBO
// Accounting API v3 (minor version 75) and Intuit's OAuth 2.0 endpoints in
// every way this project relies on (docs: /work/shared/reference/
// quickbooks-online.md; the sections are cited in the sources).
//
//   API     base_url() + "/v3/company/{realm}/{entity}[/{id}]", /query,
//           /batch, /cdc, /companyinfo/{realm}, /preferences
//   OAuth   authorize_url()  GET  /connect/oauth2   (auto-consent, 302)
//           token_url()      POST /oauth2/v1/tokens/bearer
//           base_url() + "/oauth2/v1/tokens/revoke" (and /v2/oauth2/tokens/revoke)
//
// Behaviour: seeded US company; string Ids and SyncTokens (stale -> 5010);
// exact totals; requestid replay per realm; query language subset; batch of
// at most 30 items; CDC; Fault envelopes; 401 gateway bodies; throttling
// (500 req/min incl. batches, 10 req/s, 10 in flight, 40 batches/min ->
// 429 Fault 3001); fault injection (latency, 5xx, 429 bursts, drops,
// timeouts); optional signed webhook deliveries.
//
// Thread-safety: all public methods are thread-safe. Start() once; Stop()
// (or the destructor) ends the server and joins its threads. Failures to
// bind are returned as a Status; request errors become HTTP answers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "http/faults.h"

namespace es::qbo::sandbox {

struct WebhookOptions {
  std::string url;                     // empty: no deliveries
  std::string format = "cloudevents";  // "cloudevents" (JSON array) or "legacy" (eventNotifications)
  int interval_ms = 1000;              // changes are batched over this window
};

struct Options {
  std::string realm_id = "9341453052144620";
  std::string client_id = "sandbox-client-id";
  std::string client_secret = "sandbox-client-secret";
  // 500 req/min per realm incl. batch, 10 req/s, 10 concurrent, 40 batch/min -> 429 Fault 3001.
  bool throttle = true;
  int access_token_ttl_s = 3600;
  int refresh_token_ttl_s = 8726400;
  bool retry_after_header = false;  // real QBO sends none
  http::FaultOptions faults;
  uint64_t seed = 1;  // seeds faults when faults.seed is left at its default
  std::string verifier_token = "sandbox-verifier";  // webhook signing key
  Clock* clock = nullptr;         // nullptr: SystemClock; must outlive the server
  int utc_offset_minutes = -480;  // company-local time of MetaData and "time" (-08:00)
  WebhookOptions webhook;
};

class Server {
 public:
  explicit Server(Options options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (0 = a free port) and serves on background threads.
  Status Start(int port, const std::string& host = "127.0.0.1");
  void Stop();
  int port() const;
  std::string base_url() const;       // http://127.0.0.1:PORT
  std::string token_url() const;      // base_url() + "/oauth2/v1/tokens/bearer"
  std::string authorize_url() const;  // base_url() + "/connect/oauth2"
  const Options& options() const;

  // ---- test and demo helpers ----
  struct Tokens {
    std::string access_token, refresh_token;
    int64_t expires_in_s;
    int64_t refresh_expires_in_s;
  };
  Tokens IssueTokens();  // as if the user had connected the app
  std::string IssueAuthorizationCode(const std::string& redirect_uri);  // single use
  void SetThrottle(bool on);
  void SetFaults(const http::FaultOptions& faults);
  void SetLatencyMs(int ms);  // added to every API request
  int64_t CountEntities(const std::string& entity) const;  // e.g. "Invoice"; deleted excluded
  std::vector<Json> AllEntities(const std::string& entity) const;
  // A sparse update of `entity` `id` with `fields` (e.g. an Item's UnitPrice
  // and QtyOnHand), as a user's change in QuickBooks: through the same rules
  // as POST /{entity}, counted as a write, announced by webhooks and CDC.
  // Returns the updated object; the Fault's message when refused.
  Result<Json> UpdateEntity(const std::string& entity, const std::string& id, const Json& fields);
  // Deletes transaction `entity` `id` (Invoice, SalesReceipt, Payment, …)
  // as a user's delete in QuickBooks: POST ?operation=delete with the
  // current SyncToken; GET answers it no more, CDC reports it as a
  // "Deleted" stub. NotFound for an unknown id; Validation when refused.
  Status DeleteEntity(const std::string& entity, const std::string& id);

  struct Stats {
    int64_t requests;   // API requests received
    int64_t throttled;  // answered 429 (throttle or injected)
    int64_t batches;    // admitted batch requests
    int64_t writes;     // successful creates/updates/deletes/voids (batch items included)
  };
  Stats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace es::qbo::sandbox
