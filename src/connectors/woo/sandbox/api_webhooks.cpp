// The /webhooks REST resource of the sandbox (reference woocommerce.md §5.1):
// list (status filter), read, create, update (status / name) and delete
// (force=true, else 501), over the Server's WebhookSender. A subscription
// made through Server::AddWebhook with several topics shows its first.
#include <algorithm>

#include "connectors/woo/sandbox/api.h"
#include "connectors/woo/sandbox/render.h"

namespace es::woo::sandbox {
namespace {

Json RenderWebhook(const WebhookInfo& w, const std::string& home_url) {
  const std::string topic = w.topics.empty() ? "" : w.topics.front();
  const size_t dot = topic.find('.');
  Json j = {{"id", w.id},
            {"name", w.name.empty() ? "Webhook created on " + FormatWooDate(w.created_s) : w.name},
            {"status", w.status},
            {"topic", topic},
            {"resource", topic.substr(0, dot)},
            {"event", dot == std::string::npos ? "" : topic.substr(dot + 1)},
            {"hooks", Json::array()},
            {"delivery_url", w.delivery_url},
            {"date_created", FormatWooDate(w.created_s)},
            {"date_created_gmt", FormatWooDate(w.created_s)},
            {"date_modified", FormatWooDate(w.modified_s)},
            {"date_modified_gmt", FormatWooDate(w.modified_s)}};
  j["_links"] = {{"self", Json::array({{{"href", home_url + "/wp-json/wc/v3/webhooks/" + std::to_string(w.id)}}})},
                 {"collection", Json::array({{{"href", home_url + "/wp-json/wc/v3/webhooks"}}})}};
  return j;
}

ApiResponse Ok(Json body, int status = 200) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

ApiResponse Invalid(const Status& s) {
  return ErrorResponse(400, s.code().empty() ? "rest_invalid_param" : s.code(), s.message());
}

ApiResponse NoWebhook() { return ErrorResponse(404, "woocommerce_rest_webhook_invalid_id", "Invalid ID."); }

Result<Json> BodyObject(const ApiRequest& r) {
  auto body = ParseJson(r.body.empty() ? "{}" : r.body);
  if (!body.ok() || !body->is_object()) return Status::Validation("Invalid JSON body passed.", "rest_invalid_json");
  return body;
}

}  // namespace

ApiResponse api::WebhooksRoute(WebhookSender* webhooks, const ApiRequest& r, const std::string& method,
                               const std::vector<std::string>& seg, const std::string& home_url, bool authed) {
  if (webhooks == nullptr) return ErrorResponse(404, "rest_no_route", "No route was found matching the URL and request method.");
  if (!authed) return ErrorResponse(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.");
  if (seg.size() == 1) {
    if (method == "GET" || method == "HEAD") {
      const std::string* status = nullptr;
      for (const auto& [k, v] : r.query)
        if (k == "status") status = &v;
      if (status != nullptr && *status != "all" && *status != "active" && *status != "paused" &&
          *status != "disabled")
        return ErrorResponse(400, "rest_invalid_param", "Invalid parameter(s): status");
      Json out = Json::array();
      for (const WebhookInfo& w : webhooks->List())
        if (status == nullptr || *status == "all" || w.status == *status) out.push_back(RenderWebhook(w, home_url));
      ApiResponse resp = Ok(std::move(out));
      resp.headers.emplace_back("X-WP-Total", std::to_string(resp.body.size()));
      resp.headers.emplace_back("X-WP-TotalPages", "1");
      return resp;
    }
    if (method == "POST") {
      auto body = BodyObject(r);
      if (!body.ok()) return Invalid(body.status());
      WebhookSubscription sub;
      sub.topics = {GetStringOr(*body, "topic")};
      sub.delivery_url = GetStringOr(*body, "delivery_url");
      sub.secret = GetStringOr(*body, "secret");
      sub.name = GetStringOr(*body, "name");
      auto id = webhooks->Add(sub);
      if (!id.ok()) return Invalid(id.status());
      const std::string status = GetStringOr(*body, "status", "active");
      auto info = webhooks->SetStatus(*id, status);
      if (!info.ok()) {
        (void)webhooks->Remove(*id);
        return Invalid(info.status());
      }
      return Ok(RenderWebhook(*info, home_url), 201);
    }
    return ErrorResponse(404, "rest_no_route", "No route was found matching the URL and request method.");
  }
  const int64_t id = seg.size() == 2 ? api::ParseId(seg[1]) : -1;
  if (id < 0) return ErrorResponse(404, "rest_no_route", "No route was found matching the URL and request method.");
  if (method == "GET" || method == "HEAD") {
    auto info = webhooks->Get(id);
    return info.ok() ? Ok(RenderWebhook(*info, home_url)) : NoWebhook();
  }
  if (method == "PUT" || method == "POST" || method == "PATCH") {
    auto body = BodyObject(r);
    if (!body.ok()) return Invalid(body.status());
    auto current = webhooks->Get(id);
    if (!current.ok()) return NoWebhook();
    auto info = webhooks->SetStatus(id, GetStringOr(*body, "status", current->status), GetStringOr(*body, "name"));
    if (!info.ok()) return Invalid(info.status());
    return Ok(RenderWebhook(*info, home_url));
  }
  if (method == "DELETE") {
    bool force = false;
    for (const auto& [k, v] : r.query)
      if (k == "force") force = v == "true" || v == "1";
    if (!force)
      return ErrorResponse(501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.");
    auto info = webhooks->Get(id);
    if (!info.ok()) return NoWebhook();
    (void)webhooks->Remove(id);
    return Ok(RenderWebhook(*info, home_url));
  }
  return ErrorResponse(404, "rest_no_route", "No route was found matching the URL and request method.");
}

}  // namespace es::woo::sandbox
