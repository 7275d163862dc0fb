#include "connectors/woo/batch_writer.h"

#include <algorithm>

#include "common/crypto.h"
#include "connectors/woo/oauth1.h"
#include "http/url.h"

namespace es::woo {
namespace {

std::string Scrub(std::string text, const std::string& secret) {
  if (secret.size() < 4) return text;
  for (size_t pos; (pos = text.find(secret)) != std::string::npos;) text.replace(pos, secret.size(), "***");
  return text;
}

Status HttpError(const http::Response& resp, const std::string& what, const std::string& secret) {
  std::string code, message;
  auto body = ParseJson(resp.body);
  if (body.ok() && body->is_object()) {
    code = GetStringOr(*body, "code");
    message = GetStringOr(*body, "message");
  } else {
    message = resp.body.empty() ? "empty body" : "non-JSON body";
  }
  const int st = resp.status;
  std::string text = Scrub("woo " + what + ": HTTP " + std::to_string(st) + (code.empty() ? "" : " " + code) +
                               (message.empty() ? "" : ": " + message.substr(0, 300)),
                           secret);
  if (code.empty()) code = "http_" + std::to_string(st);
  if (st == 401 || st == 403) return Status::Authentication(text, code);
  if (st == 404) return Status::NotFound(text, code);
  if (st == 429) return Status::RateLimit(text, std::nullopt, code);
  if (st >= 500) return Status::Network(text, code);
  return Status::Validation(text, code);
}

}  // namespace

BatchWriter::BatchWriter(Credentials credentials, http::Transport& transport, Clock& clock)
    : credentials_(std::move(credentials)), transport_(transport), clock_(clock) {
  while (!credentials_.base_url.empty() && credentials_.base_url.back() == '/') credentials_.base_url.pop_back();
}

Result<Json> BatchWriter::Post(const std::string& path, const Json& body) {
  const std::string what = "POST " + path;
  auto base = http::ParseUrl(credentials_.base_url);
  if (!base.ok()) return base.status().WithContext("woo base_url");
  const bool https = base->scheme == "https";
  const std::string url = credentials_.base_url + "/wp-json/wc/v3/" + path;
  http::Request req;
  req.method = "POST";
  req.headers = {{"Accept", "application/json"},
                 {"Content-Type", "application/json"},
                 {"User-Agent", "EasySaleSync/1.0 (WooCommerce connector)"}};
  req.body = DumpJson(body);
  http::Params query;
  AuthMode mode = credentials_.auth;
  if (mode == AuthMode::kAuto) mode = https ? AuthMode::kBasic : AuthMode::kOAuth1;
  switch (mode) {
    case AuthMode::kBasic:
      req.headers.emplace_back("Authorization", "Basic " + crypto::Base64Encode(credentials_.consumer_key + ":" +
                                                                                credentials_.consumer_secret));
      break;
    case AuthMode::kQueryString:
      query.emplace_back("consumer_key", credentials_.consumer_key);
      query.emplace_back("consumer_secret", credentials_.consumer_secret);
      break;
    case AuthMode::kOAuth1:
    case AuthMode::kAuto: {
      oauth1::SignRequest s;
      s.http_method = "POST";
      s.url = url;
      s.consumer_key = credentials_.consumer_key;
      s.consumer_secret = credentials_.consumer_secret;
      s.timestamp = clock_.NowSeconds();
      s.nonce = crypto::RandomHex(16);
      for (auto& p : oauth1::Sign(s)) query.push_back(std::move(p));
      break;
    }
  }
  req.url = query.empty() ? url : url + "?" + http::BuildQuery(query);
  ++requests_sent_;
  auto resp = transport_.Send(req);
  if (!resp.ok())
    return Status::Network(Scrub("woo " + what + ": " + resp.status().message(), credentials_.consumer_secret),
                           resp.status().code().empty() ? "transport" : resp.status().code());
  if (resp->status < 200 || resp->status >= 300) return HttpError(*resp, what, credentials_.consumer_secret);
  auto j = ParseJson(resp->body);
  if (!j.ok() || !j->is_object())
    return Status::Network("woo " + what + ": HTTP " + std::to_string(resp->status) + " with a body that is not a JSON object");
  return j;
}

Result<std::vector<BatchItemResult>> BatchWriter::Update(int64_t parent, const std::vector<BatchUpdate>& updates) {
  const std::string path =
      parent == 0 ? std::string("products/batch") : "products/" + std::to_string(parent) + "/variations/batch";
  std::vector<BatchItemResult> out;
  for (size_t start = 0; start < updates.size(); start += kMaxItems) {
    const size_t end = std::min(updates.size(), start + kMaxItems);
    Json list = Json::array();
    for (size_t i = start; i < end; ++i) {
      Json u = updates[i].fields.is_object() ? updates[i].fields : Json::object();
      u["id"] = updates[i].id;
      list.push_back(std::move(u));
    }
    ES_ASSIGN_OR_RETURN(Json answer, Post(path, Json{{"update", std::move(list)}}));
    const Json* results = FindPath(answer, "update");
    for (size_t i = start; i < end; ++i) {
      BatchItemResult r;
      r.id = updates[i].id;
      const size_t k = i - start;
      if (results == nullptr || !results->is_array() || k >= results->size()) {
        r.status = Status::Network("woo POST " + path + ": the answer has no result for item " + std::to_string(r.id));
      } else {
        const Json& item = (*results)[k];
        const Json* err = item.is_object() ? FindPath(item, "error") : nullptr;
        if (err != nullptr && err->is_object()) {
          const std::string code = GetStringOr(*err, "code");
          r.status = Status::Validation("woo " + std::string(parent ? "variation " : "product ") +
                                            std::to_string(r.id) + ": " + code + ": " + GetStringOr(*err, "message"),
                                        code);
        } else if (!item.is_object() || GetIntOr(item, "id", 0) != r.id) {
          r.status = Status::Network("woo POST " + path + ": result " + std::to_string(k) + " is not item " +
                                     std::to_string(r.id));
        } else {
          r.item = item;
        }
      }
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace es::woo
