#include "connectors/woo/oauth1.h"

#include <algorithm>
#include <cctype>

#include "common/crypto.h"

namespace es::woo::oauth1 {
namespace {

constexpr std::string_view kRequired[] = {"oauth_consumer_key", "oauth_timestamp", "oauth_nonce",
                                          "oauth_signature", "oauth_signature_method"};

// PHP's empty(): missing, "" and "0" all count as empty.
bool PhpEmpty(const std::string* v) { return v == nullptr || v->empty() || *v == "0"; }

const std::string* FindParam(const http::Params& params, std::string_view key) {
  // PHP keeps the last value when a key repeats.
  const std::string* found = nullptr;
  for (const auto& [k, v] : params)
    if (k == key) found = &v;
  return found;
}

Status Reject(std::string message, std::string code = "woocommerce_rest_authentication_error") {
  return Status::Authentication(std::move(message), std::move(code));
}

bool ParseTimestamp(const std::string& text, int64_t* out) {
  if (text.empty() || text.size() > 18) return false;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string_view SignatureMethodName(SignatureMethod m) {
  return m == SignatureMethod::kHmacSha1 ? "HMAC-SHA1" : "HMAC-SHA256";
}

std::string ParameterString(const http::Params& params) {
  std::vector<std::pair<std::string, std::string>> sorted;
  sorted.reserve(params.size());
  for (const auto& p : params)
    if (p.first != "oauth_signature") sorted.push_back(p);
  std::sort(sorted.begin(), sorted.end());  // byte-wise, like PHP's strcmp
  std::string out;
  for (const auto& [k, v] : sorted) {
    if (!out.empty()) out.push_back('&');
    out += http::PercentEncode(k);
    out.push_back('=');
    out += http::PercentEncode(v);
  }
  return out;
}

std::string BaseString(std::string_view http_method, std::string_view url,
                       const http::Params& params) {
  std::string method(http_method);
  for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string_view bare = url.substr(0, url.find('?'));
  return method + "&" + http::PercentEncode(bare) + "&" + http::PercentEncode(ParameterString(params));
}

std::string Signature(SignatureMethod method, std::string_view consumer_secret,
                      std::string_view base_string) {
  std::string key = std::string(consumer_secret) + "&";
  std::string raw = method == SignatureMethod::kHmacSha1 ? crypto::HmacSha1(key, base_string)
                                                         : crypto::HmacSha256(key, base_string);
  return crypto::Base64Encode(raw);
}

http::Params Sign(const SignRequest& r) {
  http::Params oauth = {
      {"oauth_consumer_key", r.consumer_key},
      {"oauth_nonce", r.nonce},
      {"oauth_signature_method", std::string(SignatureMethodName(r.method))},
      {"oauth_timestamp", std::to_string(r.timestamp)},
  };
  http::Params all = r.params;
  all.insert(all.end(), oauth.begin(), oauth.end());
  std::string base = BaseString(r.http_method, r.url, all);
  oauth.emplace_back("oauth_signature", Signature(r.method, r.consumer_secret, base));
  return oauth;
}

http::Params ParseAuthorizationHeader(std::string_view header) {
  http::Params out;
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  if (header.size() < 6) return out;
  std::string scheme(header.substr(0, 6));
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "oauth ") return out;
  header.remove_prefix(6);
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key(part.substr(0, eq));
    std::string_view value = part.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (key.rfind("oauth_", 0) != 0) continue;  // realm and others are dropped
    out.emplace_back(std::move(key), http::PercentDecode(value));
  }
  return out;
}

bool NonceCache::CheckAndRemember(const std::string& key, const std::string& nonce, int64_t now_s) {
  std::lock_guard<std::mutex> lock(mu_);
  PerKey& k = keys_[key];
  while (!k.order.empty() && k.order.front().first < now_s - kWindowSeconds) {
    auto it = k.seen.find(k.order.front().second);
    if (it != k.seen.end() && it->second == k.order.front().first) k.seen.erase(it);
    k.order.pop_front();
  }
  auto it = k.seen.find(nonce);
  if (it != k.seen.end()) return false;
  k.seen.emplace(nonce, now_s);
  k.order.emplace_back(now_s, nonce);
  // Bound memory under very high request rates (WooCommerce itself keeps
  // even fewer: one nonce per timestamp).
  while (k.order.size() > kMaxNoncesPerKey) {
    auto old = k.seen.find(k.order.front().second);
    if (old != k.seen.end() && old->second == k.order.front().first) k.seen.erase(old);
    k.order.pop_front();
  }
  return true;
}

size_t NonceCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [key, k] : keys_) n += k.seen.size();
  return n;
}

VerifyResult Verify(const VerifyInput& input, const SecretLookup& lookup, NonceCache& nonces,
                    int64_t now_s) {
  VerifyResult result;
  std::vector<std::string> missing;
  for (auto name : kRequired)
    if (PhpEmpty(FindParam(input.params, name))) missing.emplace_back(name);
  if (missing.size() == std::size(kRequired)) return result;  // not trying OAuth at all
  result.outcome = VerifyOutcome::kRejected;
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    result.error = Reject((missing.size() == 1 ? "Missing OAuth parameter " : "Missing OAuth parameters ") + list,
                          "woocommerce_rest_authentication_missing_parameter");
    return result;
  }
  const std::string key = *FindParam(input.params, "oauth_consumer_key");
  std::optional<std::string> secret = lookup(key);
  if (!secret) {
    result.error = Reject("Consumer key is invalid.");
    return result;
  }

  // Rebuild the parameter set as PHP sees it: one value per key (the last).
  http::Params unique;
  for (const auto& [k, v] : input.params) {
    auto it = std::find_if(unique.begin(), unique.end(), [&](const auto& p) { return p.first == k; });
    if (it != unique.end()) it->second = v;
    else unique.emplace_back(k, v);
  }
  std::string received = *FindParam(unique, "oauth_signature");
  std::replace(received.begin(), received.end(), ' ', '+');
  received = http::PercentDecode(received);
  const std::string& method_name = *FindParam(unique, "oauth_signature_method");
  SignatureMethod method;
  if (method_name == "HMAC-SHA1") {
    method = SignatureMethod::kHmacSha1;
  } else if (method_name == "HMAC-SHA256") {
    method = SignatureMethod::kHmacSha256;
  } else {
    result.error = Reject("Invalid signature - signature method is invalid.");
    return result;
  }
  std::string expected = Signature(method, *secret, BaseString(input.http_method, input.url, unique));
  if (!crypto::ConstantTimeEquals(expected, received)) {
    result.error = Reject("Invalid signature - provided signature does not match.");
    return result;
  }
  int64_t timestamp = 0;
  if (!ParseTimestamp(*FindParam(unique, "oauth_timestamp"), &timestamp) ||
      timestamp < now_s - kWindowSeconds || timestamp > now_s + kWindowSeconds) {
    result.error = Reject("Invalid timestamp.");
    return result;
  }
  if (!nonces.CheckAndRemember(key, *FindParam(unique, "oauth_nonce"), now_s)) {
    result.error = Reject("Invalid nonce - nonce has already been used.");
    return result;
  }
  result.outcome = VerifyOutcome::kAuthenticated;
  result.consumer_key = key;
  return result;
}

}  // namespace es::woo::oauth1
