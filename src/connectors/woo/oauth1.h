// OAuth 1.0a one-legged signatures as WooCommerce implements them
// (reference woocommerce.md §1.3): no token, signing key = secret + "&",
// HMAC-SHA1 or HMAC-SHA256, base string =
//   METHOD & enc(url without query) & enc(sorted, RFC 3986-encoded params).
//
// Sign() is used by the client (params go into the query string); Verify()
// by the sandbox, with the exact WooCommerce error codes and messages.
// Pure functions, except NonceCache, which is thread-safe. Nothing here puts
// a secret into a Status.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "http/url.h"

namespace es::woo::oauth1 {

enum class SignatureMethod { kHmacSha1, kHmacSha256 };
// "HMAC-SHA1" / "HMAC-SHA256".
std::string_view SignatureMethodName(SignatureMethod m);

// Timestamps and nonces are accepted for ±15 minutes.
inline constexpr int64_t kWindowSeconds = 900;
inline constexpr size_t kMaxNoncesPerKey = 200'000;

// The normalised parameter string (before the outer encoding): parameters
// sorted byte-wise by key (then value), key and value RFC 3986-encoded,
// joined "k=v&k=v". `oauth_signature` is excluded.
std::string ParameterString(const http::Params& params);

// METHOD & enc(url without its query) & enc(ParameterString(params)).
// `url` may carry a query string; it is dropped (its parameters must be in
// `params`). The method is upper-cased.
std::string BaseString(std::string_view http_method, std::string_view url,
                       const http::Params& params);

// base64(HMAC(consumer_secret + "&", base_string)).
std::string Signature(SignatureMethod method, std::string_view consumer_secret,
                      std::string_view base_string);

struct SignRequest {
  std::string http_method = "GET";
  std::string url;              // scheme://host[:port]/path (a query is ignored)
  http::Params params;          // the request's own query/form params, signed too
  std::string consumer_key;
  std::string consumer_secret;
  SignatureMethod method = SignatureMethod::kHmacSha256;
  int64_t timestamp = 0;        // Unix seconds
  std::string nonce;            // unique per request (32 hex chars recommended)
};

// The oauth_* parameters to add to the query, oauth_signature last:
// oauth_consumer_key, oauth_nonce, oauth_signature_method, oauth_timestamp,
// oauth_signature. (oauth_version is omitted, as the WooCommerce docs advise.)
http::Params Sign(const SignRequest& request);

// Parses `OAuth oauth_consumer_key="ck", oauth_nonce="…"` (values
// percent-decoded, `realm` and non-oauth_ keys dropped). Empty if the header
// is not an OAuth header.
http::Params ParseAuthorizationHeader(std::string_view header);

// Remembers the nonces used per consumer key for kWindowSeconds (at most
// kMaxNoncesPerKey per key, oldest forgotten first). Thread-safe.
class NonceCache {
 public:
  // True if `nonce` was not used by `key` within the window (and records
  // it); false for a replay.
  bool CheckAndRemember(const std::string& key, const std::string& nonce, int64_t now_s);
  size_t size() const;

 private:
  struct PerKey {
    std::unordered_map<std::string, int64_t> seen;  // nonce -> time used
    std::deque<std::pair<int64_t, std::string>> order;
  };
  mutable std::mutex mu_;
  std::map<std::string, PerKey> keys_;  // guarded by mu_
};

struct VerifyInput {
  std::string http_method;  // the real HTTP method (not an override)
  std::string url;          // home URL + request path, no query
  http::Params params;      // query ∪ form body ∪ Authorization: OAuth params
};

enum class VerifyOutcome {
  kNotAttempted,  // no OAuth parameter at all: the request is unauthenticated
  kAuthenticated,
  kRejected,      // `error` holds the WooCommerce code and message (HTTP 401)
};

struct VerifyResult {
  VerifyOutcome outcome = VerifyOutcome::kNotAttempted;
  std::string consumer_key;  // when authenticated
  Status error;              // Authentication(message, woo code) when rejected
};

// Returns the consumer secret for a key, or nullopt when the key is unknown.
using SecretLookup = std::function<std::optional<std::string>(const std::string& consumer_key)>;

// Checks, in WooCommerce's order: required parameters
// (woocommerce_rest_authentication_missing_parameter "Missing OAuth
// parameter(s) …"), consumer key ("Consumer key is invalid."), signature
// method and signature ("Invalid signature - …"), timestamp ("Invalid
// timestamp.") and nonce ("Invalid nonce - nonce has already been used.").
VerifyResult Verify(const VerifyInput& input, const SecretLookup& lookup, NonceCache& nonces,
                    int64_t now_s);

}  // namespace es::woo::oauth1
