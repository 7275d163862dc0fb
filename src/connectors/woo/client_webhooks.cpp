// Client: the shop's /webhooks resource (reference woocommerce.md §5.1),
// read and re-enabled by the safety nets (docs/safety-nets.md).
#include <string>
#include <vector>

#include "connectors/woo/client.h"

namespace es::woo {
namespace {

Result<ShopWebhook> DecodeWebhook(const Json& j) {
  if (!j.is_object() || !j.contains("id") || !j["id"].is_number_integer())
    return Status::Network("woo webhooks: an entry without an integer id", "unexpected_body");
  ShopWebhook w;
  w.id = j["id"].get<int64_t>();
  w.name = GetStringOr(j, "name");
  w.status = GetStringOr(j, "status");
  w.topic = GetStringOr(j, "topic");
  w.delivery_url = GetStringOr(j, "delivery_url");
  return w;
}

Result<Json> JsonBody(const http::Response& resp, const char* what) {
  auto j = ParseJson(resp.body);
  if (!j.ok())
    return Status::Network(std::string("woo ") + what + ": HTTP " + std::to_string(resp.status) +
                               " with a non-JSON body",
                           "non_json");
  return j;
}

}  // namespace

Result<std::vector<ShopWebhook>> Client::ListWebhooks() {
  std::vector<ShopWebhook> out;
  for (int page = 1; page <= 100; ++page) {
    ES_ASSIGN_OR_RETURN(http::Response resp,
                        Get("webhooks", {{"status", "all"}, {"per_page", "100"}, {"page", std::to_string(page)}}));
    ES_ASSIGN_OR_RETURN(Json body, JsonBody(resp, "GET webhooks"));
    if (!body.is_array()) return Status::Network("woo GET webhooks: the answer is not a list", "unexpected_body");
    for (const Json& j : body) {
      ES_ASSIGN_OR_RETURN(ShopWebhook w, DecodeWebhook(j));
      out.push_back(std::move(w));
    }
    const std::string pages(http::FindHeader(resp.headers, "X-WP-TotalPages"));
    if (body.size() < 100 || pages.empty() || std::to_string(page) == pages) break;
  }
  return out;
}

Result<ShopWebhook> Client::SetWebhookStatus(int64_t id, const std::string& status) {
  ES_ASSIGN_OR_RETURN(http::Response resp,
                      Send("PUT", "webhooks/" + std::to_string(id), {}, DumpJson(Json{{"status", status}})));
  ES_ASSIGN_OR_RETURN(Json body, JsonBody(resp, "PUT webhooks"));
  return DecodeWebhook(body);
}

}  // namespace es::woo
