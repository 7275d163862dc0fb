#include "connectors/woo/client.h"

#include <cctype>
#include <ctime>
#include <functional>

#include "common/crypto.h"
#include "connectors/woo/codec.h"
#include "connectors/woo/oauth1.h"
#include "http/url.h"

namespace es::woo {
namespace {

constexpr const char* kApiPrefix = "/wp-json/wc/v3/";
constexpr const char* kUserAgent = "EasySaleSync/1.0 (WooCommerce connector)";
constexpr size_t kMaxMessage = 300;

enum class Resource { kOrders, kCustomers, kProducts, kVariations, kRefunds };

bool IsDigits(const std::string& s) {
  return !s.empty() && s.size() <= 19 && s.find_first_not_of("0123456789") == std::string::npos;
}

Status CheckId(const std::string& what, const std::string& id) {
  if (IsDigits(id) && id != "0") return Status::Ok();
  return Status::Validation("woo " + what + " id '" + id.substr(0, 40) + "' is not a positive integer");
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

std::string Truncate(std::string s) {
  if (s.size() > kMaxMessage) s = s.substr(0, kMaxMessage) + "…";
  return s;
}

// Retry-After as delta-seconds or an HTTP date; nullopt when absent/unreadable.
std::optional<int64_t> RetryAfterMs(const std::string& value, int64_t now_ms) {
  if (value.empty()) return std::nullopt;
  if (value.find_first_not_of("0123456789 ") == std::string::npos) {
    int64_t seconds = 0;
    for (char c : value)
      if (c != ' ' && seconds < 1'000'000) seconds = seconds * 10 + (c - '0');
    return seconds * 1000;
  }
  std::tm tm{};
  if (strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S", &tm) == nullptr) return std::nullopt;
  int64_t at_ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  return at_ms > now_ms ? at_ms - now_ms : 0;
}

Result<http::Params> ListParams(const ListQuery& q, Resource resource) {
  if (q.page < 1) return Status::Validation("woo list: page must be ≥ 1, got " + std::to_string(q.page));
  if (q.per_page < 1 || q.per_page > 100)
    return Status::Validation("woo list: per_page must be between 1 and 100, got " + std::to_string(q.per_page));
  if (q.order != "asc" && q.order != "desc")
    return Status::Validation("woo list: order must be 'asc' or 'desc', got '" + q.order.substr(0, 20) + "'");
  const bool dated = resource != Resource::kCustomers;
  http::Params p = {{"page", std::to_string(q.page)}, {"per_page", std::to_string(q.per_page)}};
  bool any_date = false;
  if (dated && !q.modified_after.empty()) {
    p.emplace_back("modified_after", q.modified_after);
    any_date = true;
  }
  if (dated && !q.after.empty()) {
    p.emplace_back("after", q.after);
    any_date = true;
  }
  if (dated && !q.before.empty()) {
    p.emplace_back("before", q.before);
    any_date = true;
  }
  if (any_date) p.emplace_back("dates_are_gmt", "true");
  if (!q.statuses.empty() && (resource == Resource::kOrders || resource == Resource::kProducts))
    p.emplace_back("status", Join(q.statuses));
  if (!q.include.empty()) {
    std::vector<std::string> ids;
    for (int64_t id : q.include) ids.push_back(std::to_string(id));
    p.emplace_back("include", Join(ids));
  }
  std::string orderby = q.orderby;
  if (orderby.empty()) orderby = (dated && !q.modified_after.empty()) ? "modified" : "id";
  p.emplace_back("orderby", orderby);
  p.emplace_back("order", q.order);
  return p;
}

int64_t HeaderInt(const http::Response& r, const char* name, int64_t fallback) {
  std::string v = r.Header(name);
  while (!v.empty() && v.back() == ' ') v.pop_back();
  if (!IsDigits(v)) return fallback;
  return std::stoll(v);
}

}  // namespace

Client::Client(Credentials credentials, http::Transport& transport, Clock& clock)
    : credentials_(std::move(credentials)), transport_(transport), clock_(clock) {
  while (!credentials_.base_url.empty() && credentials_.base_url.back() == '/') credentials_.base_url.pop_back();
}

namespace {

// Removes the secret from any text that might echo it (server messages).
std::string Scrub(std::string text, const std::string& secret) {
  if (secret.size() < 4) return text;
  for (size_t pos; (pos = text.find(secret)) != std::string::npos;) text.replace(pos, secret.size(), "***");
  return text;
}

// What to do about a 401/403: WooCommerce names a key it does not know (or a
// bad signature) woocommerce_rest_authentication_error, and a key whose
// permissions or user do not allow the call woocommerce_rest_cannot_*.
std::string AuthHint(const std::string& code, int status) {
  if (code.rfind("woocommerce_rest_cannot_", 0) == 0 || code == "rest_forbidden" ||
      (status == 403 && code != "woocommerce_rest_authentication_error"))
    return "the API key lacks the permission: give it Read/Write access (WooCommerce → Settings → Advanced → "
           "REST API) or use a key of a shop manager";
  return "check the connection's consumer_key and consumer_secret (WooCommerce → Settings → Advanced → REST API)";
}

}  // namespace

Status Unreachable(const Status& transport, const std::string& base_url) {
  const http::TransportFailure why = http::DescribeTransportFailure(transport);
  std::string hint = "check the connection's base_url and that the shop is up";
  if (why.kind == http::TransportFailure::Kind::kNotTls)
    hint = "check the connection's base_url: use http:// for a plain-HTTP server, or its TLS port";
  else if (why.kind == http::TransportFailure::Kind::kTls)
    hint = "check the connection's base_url (or set insecure_skip_tls_verify for a test server)";
  return Status::Network("WooCommerce unreachable at " + base_url + " (" + why.text + ") — " + hint,
                         transport.code().empty() ? "transport" : transport.code());
}

namespace {

Status MapHttpError(const http::Response& resp, const std::string& what, int64_t now_ms,
                    const std::string& secret) {
  std::string code, message;
  auto body = ParseJson(resp.body);
  if (body.ok() && body->is_object()) {
    code = GetStringOr(*body, "code");
    message = GetStringOr(*body, "message");
    const Json* params = FindPath(*body, "data.params");
    if (params && params->is_object()) {
      for (const auto& [k, v] : params->items())
        message += " [" + k + ": " + (v.is_string() ? v.get<std::string>() : DumpJson(v)) + "]";
    }
  } else {
    std::string snippet = resp.body.substr(0, 80);
    for (auto& c : snippet)
      if (std::iscntrl(static_cast<unsigned char>(c))) c = ' ';
    message = resp.body.empty() ? "empty body" : "non-JSON body '" + snippet + "'";
  }
  const int st = resp.status;
  std::string text = Truncate(Scrub("woo " + what + ": HTTP " + std::to_string(st) +
                                        (code.empty() ? "" : " " + code) + ": " + message,
                                    secret));
  if (code.empty()) code = "http_" + std::to_string(st);
  auto retry_after = RetryAfterMs(resp.Header("Retry-After"), now_ms);
  if (st == 401 || st == 403) return Status::Authentication(text + " — " + AuthHint(code, st), code);
  if (st == 404) return Status::NotFound(text, code);
  if (st == 429) return Status::RateLimit(text, retry_after, code);
  // Refunds under a missing order: Woo answers 500 with "data": 404.
  if (code == "woocommerce_rest_invalid_order_id" || code == "woocommerce_rest_invalid_order_refund_id")
    return Status::NotFound(text, code);
  if (st >= 500) {
    if (retry_after) return Status::RateLimit(text, retry_after, code);
    return Status::Network(text, code);
  }
  if (st >= 300 && st < 400)
    return Status::Validation(text + " (unexpected redirect: check the store URL's scheme and host)", code);
  if (st >= 400) return Status::Validation(text, code);
  return Status::Network(text, code);
}

}  // namespace

Result<http::Response> SendSigned(const Credentials& credentials, http::Transport& transport, Clock& clock,
                                  const SignedRequest& request) {
  const std::string& path = request.path;
  const size_t first = path.find_first_not_of('/');
  const std::string rel = first == std::string::npos ? std::string() : path.substr(first);
  const std::string what = request.method + " " + rel;
  std::string base_url = credentials.base_url;
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  auto base = http::ParseUrl(base_url);
  if (!base.ok()) return base.status().WithContext("woo base_url");
  const bool https = base->scheme == "https";
  const std::string url = base_url + kApiPrefix + rel;

  http::Request req;
  req.method = request.method;
  req.headers = {{"Accept", "application/json"}, {"User-Agent", kUserAgent}};
  if (!request.json_body.empty()) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = request.json_body;
  }
  http::Params query = request.params;
  AuthMode mode = credentials.auth;
  if (mode == AuthMode::kAuto) mode = https ? AuthMode::kBasic : AuthMode::kOAuth1;
  switch (mode) {
    case AuthMode::kBasic:
      req.headers.emplace_back(
          "Authorization", "Basic " + crypto::Base64Encode(credentials.consumer_key + ":" + credentials.consumer_secret));
      break;
    case AuthMode::kQueryString:
      query.emplace_back("consumer_key", credentials.consumer_key);
      query.emplace_back("consumer_secret", credentials.consumer_secret);
      break;
    case AuthMode::kOAuth1:
    case AuthMode::kAuto: {
      oauth1::SignRequest s;
      s.http_method = request.method;
      s.url = url;
      s.params = request.params;
      s.consumer_key = credentials.consumer_key;
      s.consumer_secret = credentials.consumer_secret;
      s.timestamp = clock.NowSeconds();
      s.nonce = crypto::RandomHex(16);
      for (auto& p : oauth1::Sign(s)) query.push_back(std::move(p));
      break;
    }
  }
  req.url = query.empty() ? url : url + "?" + http::BuildQuery(query);
  auto resp = transport.Send(req);
  if (!resp.ok()) {
    const Status& s = resp.status();
    if (!http::IsTransportFailure(s))  // a refused target address, say
      return Status::Network(Scrub("woo " + what + ": " + s.message(), credentials.consumer_secret),
                             s.code().empty() ? "transport" : s.code());
    return Unreachable(Status::Network(Scrub(s.message(), credentials.consumer_secret), s.code()), base_url);
  }
  if (resp->status < 200 || resp->status >= 300)
    return MapHttpError(*resp, what, clock.NowMillis(), credentials.consumer_secret);
  return resp;
}

Result<http::Response> Client::Get(const std::string& path, const http::Params& params) {
  return Send("GET", path, params, "");
}

Result<http::Response> Client::Send(const std::string& method, const std::string& path, const http::Params& params,
                                    const std::string& json_body) {
  ++requests_sent_;
  SignedRequest request;
  request.method = method;
  request.path = path;
  request.params = params;
  request.json_body = json_body;
  return SendSigned(credentials_, transport_, clock_, request);
}

namespace {

Result<Json> ParseBody(const http::Response& resp, const std::string& what) {
  auto j = ParseJson(resp.body);
  if (!j.ok()) {
    // HTML from a WAF/challenge page or a truncated body: worth a retry.
    return Status::Network("woo " + what + ": HTTP " + std::to_string(resp.status) +
                               " with a non-JSON body (" + j.status().message().substr(0, 120) + ")",
                           "non_json");
  }
  return j;
}

// A list response decoded straight into the model (codec.h DecodeXList).
template <typename T>
Result<Page<T>> DecodePage(const http::Response& resp, const std::string& what, int page, int per_page,
                           Result<DecodedList<T>> decoded) {
  if (!decoded.ok()) {
    const Status& s = decoded.status();
    if (s.code() == "not_array") return Status::Network("woo " + what + ": " + s.message(), "unexpected_body");
    // HTML from a WAF/challenge page or a truncated body: worth a retry.
    return Status::Network("woo " + what + ": HTTP " + std::to_string(resp.status) + " with a non-JSON body (" +
                               s.message().substr(0, 120) + ")",
                           "non_json");
  }
  Page<T> out;
  out.page = page;
  out.items = std::move(decoded->items);
  out.raw = std::move(decoded->raw);
  for (auto& f : decoded->failures) out.failures.push_back({std::move(f.source_id), std::move(f.reason)});
  const int64_t n = static_cast<int64_t>(decoded->count);
  out.total = HeaderInt(resp, "X-WP-Total", -1);
  out.total_pages = static_cast<int>(HeaderInt(resp, "X-WP-TotalPages", -1));
  if (out.total < 0) out.total = static_cast<int64_t>(page - 1) * per_page + n;
  if (out.total_pages < 0) out.total_pages = n >= per_page ? page + 1 : (n == 0 ? page - 1 : page);
  return out;
}

}  // namespace

Result<Page<model::Order>> Client::ListOrders(const ListQuery& query) {
  ES_ASSIGN_OR_RETURN(http::Params params, ListParams(query, Resource::kOrders));
  ES_ASSIGN_OR_RETURN(http::Response resp, Get("orders", params));
  return DecodePage<model::Order>(resp, "GET orders", query.page, query.per_page, DecodeOrderList(resp.body));
}

Result<Page<model::Customer>> Client::ListCustomers(const ListQuery& query) {
  ES_ASSIGN_OR_RETURN(http::Params params, ListParams(query, Resource::kCustomers));
  ES_ASSIGN_OR_RETURN(http::Response resp, Get("customers", params));
  return DecodePage<model::Customer>(resp, "GET customers", query.page, query.per_page,
                                     DecodeCustomerList(resp.body));
}

Result<Page<model::Product>> Client::ListProducts(const ListQuery& query) {
  ES_ASSIGN_OR_RETURN(http::Params params, ListParams(query, Resource::kProducts));
  ES_ASSIGN_OR_RETURN(http::Response resp, Get("products", params));
  return DecodePage<model::Product>(resp, "GET products", query.page, query.per_page,
                                    DecodeProductList(resp.body, credentials_.currency));
}

Result<Page<model::Product>> Client::ListVariations(const std::string& product_id, const ListQuery& query) {
  ES_RETURN_IF_ERROR(CheckId("product", product_id));
  ES_ASSIGN_OR_RETURN(http::Params params, ListParams(query, Resource::kVariations));
  const std::string path = "products/" + product_id + "/variations";
  ES_ASSIGN_OR_RETURN(http::Response resp, Get(path, params));
  return DecodePage<model::Product>(resp, "GET " + path, query.page, query.per_page,
                                    DecodeVariationList(resp.body, product_id, credentials_.currency));
}

Result<std::vector<model::Refund>> Client::ListRefunds(const std::string& order_id) {
  ES_RETURN_IF_ERROR(CheckId("order", order_id));
  const std::string path = "orders/" + order_id + "/refunds";
  std::vector<model::Refund> out;
  ListQuery q;
  q.orderby = "id";
  for (int page = 1; page <= 1000; ++page) {
    q.page = page;
    ES_ASSIGN_OR_RETURN(http::Params params, ListParams(q, Resource::kRefunds));
    ES_ASSIGN_OR_RETURN(http::Response resp, Get(path, params));
    ES_ASSIGN_OR_RETURN(Page<model::Refund> body,
                        DecodePage<model::Refund>(resp, "GET " + path, page, q.per_page,
                                                  DecodeRefundList(resp.body, order_id, credentials_.currency)));
    if (!body.failures.empty())
      return Status::Validation(body.failures.front().reason).WithContext("woo GET " + path);
    for (auto& r : body.items) out.push_back(std::move(r));
    int64_t pages = HeaderInt(resp, "X-WP-TotalPages", -1);
    if (pages >= 0 ? page >= pages : static_cast<int>(body.items.size()) < q.per_page) break;
  }
  return out;
}

namespace {

// A record decoded from a response body; a body that is not JSON is a
// (retryable) network error, as for lists.
template <typename T>
Result<T> FromBody(const http::Response& resp, const std::string& what, Result<T> decoded) {
  if (decoded.ok() || decoded.status().code() != "invalid_json") return decoded;
  return Status::Network("woo " + what + ": HTTP " + std::to_string(resp.status) + " with a non-JSON body (" +
                             decoded.status().message().substr(0, 120) + ")",
                         "non_json");
}

}  // namespace

Result<model::Order> Client::GetOrder(const std::string& id) {
  ES_RETURN_IF_ERROR(CheckId("order", id));
  ES_ASSIGN_OR_RETURN(http::Response resp, Get("orders/" + id, {}));
  return FromBody(resp, "GET orders/" + id, DecodeOrderText(resp.body));
}

Result<model::Customer> Client::GetCustomer(const std::string& id) {
  ES_RETURN_IF_ERROR(CheckId("customer", id));
  ES_ASSIGN_OR_RETURN(http::Response resp, Get("customers/" + id, {}));
  return FromBody(resp, "GET customers/" + id, DecodeCustomerText(resp.body));
}

Result<model::Product> Client::GetProduct(const std::string& id) {
  ES_RETURN_IF_ERROR(CheckId("product", id));
  ES_ASSIGN_OR_RETURN(http::Response resp, Get("products/" + id, {}));
  return FromBody(resp, "GET products/" + id, DecodeProductText(resp.body, credentials_.currency));
}

Status Client::Ping() {
  auto resp = Get("orders", {{"per_page", "1"}, {"page", "1"}});
  if (!resp.ok()) return resp.status();
  auto body = ParseBody(*resp, "GET orders");
  if (!body.ok()) return body.status();
  if (!body->is_array()) return Status::Network("woo GET orders: expected a JSON array", "unexpected_body");
  return Status::Ok();
}

}  // namespace es::woo
