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
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "http/transport.h"
#include "http/url.h"

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
// recovered. Implementations must be thread-safe (Client calls Load from
// every worker thread).
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
  // The entity object already as JSON text (e.g. DumpJson(body) computed for
  // a request id, or an Encode…Text): sent instead of `body` when non-empty.
  std::string body_text;
};

struct BatchResult {
  std::string bid;
  Status status;      // per-item fault
  Json entity;        // created/updated entity on success
  QueryPage query;    // for query items
};

// GET /cdc: entity name ("Invoice") → changed objects, deletions as stubs
// carrying "status":"Deleted". `time` is the envelope time (the next
// changedSince, minus a safety margin).
struct CdcResult {
  std::map<std::string, std::vector<Json>> rows;
  std::string time;
};

inline constexpr size_t kMaxBatchOps = 30;
inline constexpr size_t kMaxBatchIdLength = 10;

class Client {
 public:
  Client(Config config, http::Transport& transport, Clock& clock, TokenStore& tokens);

  // Entity names are QBO's ("Customer", "SalesReceipt"); paths are lower-case.
  // Writes return the entity object from the response (the value under
  // "<Entity>"), not the envelope. `request_id` (≤ 50 chars, see
  // request_id.h) is sent as `requestid`; empty sends none. A 200 body
  // holding a Fault is an error.
  Result<Json> Create(const std::string& entity, const Json& body, const std::string& request_id);
  // `body` must hold Id and SyncToken; "sparse": true is added.
  Result<Json> SparseUpdate(const std::string& entity, const Json& body, const std::string& request_id);
  // Full update: omitted writable fields are cleared by QBO. `body` must hold Id and SyncToken.
  Result<Json> FullUpdate(const std::string& entity, const Json& body, const std::string& request_id);
  // Transactions only: POST ?operation=delete {Id, SyncToken}; returns the
  // "status":"Deleted" stub.
  Result<Json> Delete(const std::string& entity, const std::string& id, const std::string& sync_token,
                      const std::string& request_id);
  // Invoice: ?operation=void; Payment/SalesReceipt (others):
  // ?operation=update&include=void with a sparse body.
  Result<Json> Void(const std::string& entity, const std::string& id, const std::string& sync_token,
                    const std::string& request_id);
  // Any other write: POST /{entity}?{extra}&requestid= with `body` as is.
  Result<Json> Post(const std::string& entity, const Json& body, const std::string& request_id,
                    const http::Params& extra = {});
  Result<Json> Read(const std::string& entity, const std::string& id);
  // GET /query?query=…; rows are the array named by the FROM clause (or the
  // first array in QueryResponse). An empty QueryResponse gives no rows.
  Result<QueryPage> Query(const std::string& statement);
  // ≤ 30 operations; request_id ≤ 36 chars; bId ≤ 10 chars and unique.
  // Violations are Validation errors before anything is sent. Results come
  // back in the order of `ops` whatever order QBO answers in; an item QBO did
  // not answer gets an Internal status.
  Result<std::vector<BatchResult>> Batch(const std::vector<BatchOp>& ops, const std::string& request_id);
  // GET /cdc?entities=A,B&changedSince=<ISO-8601> (≤ 30 days back).
  Result<CdcResult> ChangeDataCapture(const std::vector<std::string>& entities, const std::string& changed_since);
  // GET /companyinfo/{realm}: the cheap authenticated probe.
  Status Ping();
  // Forces a token refresh (rotation is persisted).
  Status RefreshTokens();

  int64_t requests_sent() const { return requests_sent_; }
  const Config& config() const { return config_; }

 private:
  Result<std::string> AccessToken();
  // `path_and_query` is relative to /v3/company/{realm}/. Adds the bearer
  // token; on a 401 refreshes (once) and resends the identical request.
  Result<http::Response> Send(const std::string& method, const std::string& path_and_query,
                              const std::string& body, const std::string& content_type);
  // "customer?minorversion=75&requestid=…" for `entity` (lower-cased) + params.
  std::string PathFor(const std::string& path, const http::Params& extra) const;
  // Send + status/Fault handling + JSON parse. `what` prefixes errors.
  Result<Json> Call(const std::string& method, const std::string& path_and_query, const std::string& body,
                    const std::string& what);
  // Call, then pick the "<Entity>" object out of the envelope.
  Result<Json> CallEntity(const std::string& method, const std::string& path_and_query, const std::string& body,
                          const std::string& entity, const std::string& what);
  Result<http::Response> SendRaw(const http::Request& request);
  bool Fresh(const OAuthTokens& t) const;
  // Requires refresh_mu_. Spends `current.refresh_token`, persists the result.
  Result<OAuthTokens> RefreshLocked(const OAuthTokens& current);
  // After a 401 with `failed_token`: refreshes unless another thread already did.
  Status RefreshAfterUnauthorized(const std::string& failed_token);

  Config config_;
  http::Transport& transport_;
  Clock& clock_;
  TokenStore& tokens_;
  std::mutex refresh_mu_;  // serialises refreshes
  std::atomic<int64_t> requests_sent_{0};
};

// A QBO query string literal: 'Amy\'s' — backslash and apostrophe escaped.
std::string QuoteQueryString(std::string_view s);

// The entity named after FROM in a query statement ("Customer"), or "".
std::string QueryEntity(std::string_view statement);
// Reads a QueryResponse object (rows under `entity`, else the first array).
Result<QueryPage> DecodeQueryResponse(const Json& query_response, std::string_view entity);

// Reads a token endpoint success body into `out`: access_token (required),
// refresh_token and the expiry times computed from expires_in /
// x_refresh_token_expires_in relative to now_ms. Fields absent from the body
// keep their value in `out` (a refresh may omit the refresh token).
Status ParseTokenResponse(std::string_view body, int64_t now_ms, OAuthTokens* out);

// OAuth connect flow: exchanges the callback's authorization `code` (single
// use) at config.token_url for tokens, stored into `out` with realm_id =
// config.realm_id (set it from the callback's realmId). Returns the OpenID
// id_token ("" when no openid scope was granted). The caller persists `out`.
// Errors (invalid_grant, …) are Authentication; secrets never appear in them.
Result<std::string> ExchangeAuthorizationCode(const Config& config, http::Transport& transport, Clock& clock,
                                              const std::string& code, const std::string& redirect_uri,
                                              OAuthTokens* out);

}  // namespace es::qbo
