// QuickBooks Online v3 client for one realm.
//
// Every request carries minorversion=75 and a bearer token; the token is
// refreshed before it expires (and once after a 401), and a rotated refresh
// token is persisted through TokenStore before it is used. Refreshes are
// serialised per client so two workers never spend the same refresh token.
// Every write carries a `requestid` chosen by the caller so that a retried
// or replayed write is not executed twice. Errors come back as Status values
// decoded from QBO's Fault envelopes (see codec.h). The client itself does
// not retry; the engine's retry policy does.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "http/transport.h"

namespace es::qbo {

struct OAuthTokens {
  std::string access_token;
  std::string refresh_token;
  int64_t access_expires_at_ms = 0;
  int64_t refresh_expires_at_ms = 0;
  std::string realm_id;
};

// Where tokens live between runs (the state store, encrypted). Save must be
// durable before it returns: a rotated refresh token that is lost cannot be
// recovered.
class TokenStore {
 public:
  virtual ~TokenStore() = default;
  virtual Result<OAuthTokens> Load() = 0;
  virtual Status Save(const OAuthTokens& tokens) = 0;
};

// Keeps tokens in memory only (tests, one-shot CLI runs).
class MemoryTokenStore final : public TokenStore {
 public:
  explicit MemoryTokenStore(OAuthTokens t) : tokens_(std::move(t)) {}
  Result<OAuthTokens> Load() override;
  Status Save(const OAuthTokens& tokens) override;

 private:
  std::mutex mu_;
  OAuthTokens tokens_;
};

struct Config {
  std::string api_base;   // "https://quickbooks.api.intuit.com" or a sandbox URL
  std::string token_url;  // "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
  std::string realm_id;
  std::string client_id;
  std::string client_secret;
  int minor_version = 75;
  int64_t refresh_margin_ms = 5 * 60 * 1000;  // refresh this long before expiry
  bool insecure_skip_tls_verify = false;
};

struct QueryPage {
  std::vector<Json> rows;  // entity objects
  int64_t start_position = 1;
  int64_t max_results = 0;
  std::optional<int64_t> total_count;  // SELECT COUNT(*)
};

struct BatchOp {
  std::string bid;        // ≤ 10 chars
  std::string operation;  // "create" | "update" | "delete" | "" for a query
  std::string entity;     // "Invoice"
  Json body;              // entity object (or empty for a query)
  std::string query;      // for queries
};

struct BatchResult {
  std::string bid;
  Status status;      // per-item fault
  Json entity;        // created/updated entity on success
  QueryPage query;    // for query items
};

class Client {
 public:
  Client(Config config, http::Transport& transport, Clock& clock, TokenStore& tokens);

  // Entity names are QBO's ("Customer", "SalesReceipt"); paths are lower-case.
  Result<Json> Create(const std::string& entity, const Json& body, const std::string& request_id);
  // `body` must hold Id and SyncToken; "sparse": true is added.
  Result<Json> SparseUpdate(const std::string& entity, const Json& body, const std::string& request_id);
  Result<Json> Read(const std::string& entity, const std::string& id);
  Result<QueryPage> Query(const std::string& statement);
  // ≤ 30 operations; request_id ≤ 36 chars.
  Result<std::vector<BatchResult>> Batch(const std::vector<BatchOp>& ops, const std::string& request_id);
  // GET /companyinfo/{realm}: the cheap authenticated probe.
  Status Ping();
  // Forces a token refresh (rotation is persisted).
  Status RefreshTokens();

  int64_t requests_sent() const { return requests_sent_; }
  const Config& config() const { return config_; }

 private:
  Result<std::string> AccessToken();
  Result<http::Response> Send(const std::string& method, const std::string& path_and_query,
                              const std::string& body, const std::string& content_type);

  Config config_;
  http::Transport& transport_;
  Clock& clock_;
  TokenStore& tokens_;
  std::mutex refresh_mu_;  // serialises refreshes
  std::atomic<int64_t> requests_sent_{0};
};

// A QBO query string literal: 'Amy\'s' — backslash and apostrophe escaped.
std::string QuoteQueryString(std::string_view s);

}  // namespace es::qbo
