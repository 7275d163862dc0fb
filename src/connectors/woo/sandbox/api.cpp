// Authentication, routing and single-record reads. Collections are in
// api_lists.cpp, writes in api_writes.cpp.
#include "connectors/woo/sandbox/api.h"

#include <cctype>
#include <optional>

#include "common/crypto.h"
#include "connectors/woo/sandbox/generated.h"
#include "connectors/woo/sandbox/render.h"
#include "model/money.h"

namespace es::woo::sandbox {
namespace {

// Runs `f` on the data holding order `id`: for a generated order never
// written, a scratch copy with just that order (nothing is kept).
template <typename F>
auto WithOrder(const Store& store, int64_t id, F&& f) {
  return store.Read([&](const StoreData& d) {
    if (GeneratedOrders::Pristine(d, id)) {
      const StoreData scratch = d.generated->Scratch(d, d.generated->IndexOf(id));
      return f(scratch);
    }
    return f(d);
  });
}


constexpr std::string_view kPrefix = "/wp-json/wc/v3";

ApiResponse NoRoute() {
  return ErrorResponse(404, "rest_no_route", "No route was found matching the URL and request method.");
}

std::vector<std::string> Split(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t slash = s.find('/');
    std::string part(s.substr(0, slash));
    if (!part.empty()) out.push_back(std::move(part));
    if (slash == std::string_view::npos) break;
    s.remove_prefix(slash + 1);
  }
  return out;
}

std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

const std::string* QueryValue(const http::Params& q, std::string_view key) {
  const std::string* v = nullptr;
  for (const auto& [k, val] : q)
    if (k == key) v = &val;
  return v;
}

ApiResponse AuthError(const Status& s) {
  ApiResponse r = ErrorResponse(401, s.code(), s.message());
  return r;
}

ApiResponse NotSupported() {
  return ErrorResponse(501, "woocommerce_rest_sandbox_unsupported",
                       "The sandbox does not implement this operation.");
}

// WooCommerce's refund controller passes bare numbers as error data
// (`"data": 404`); WordPress takes the HTTP status only from data.status,
// so these answer 500 whatever the number says.
ApiResponse RefundError(const Status& s) {
  if (s.code() == "rest_invalid_param") {
    ApiResponse e = ErrorResponse(400, s.code(), s.message());
    return e;
  }
  ApiResponse e = ErrorResponse(500, s.code(), s.message());
  if (s.code() == "woocommerce_rest_invalid_order_id") e.body["data"] = 404;
  else if (s.code() == "woocommerce_rest_invalid_order_refund") e.body["data"] = 400;
  else e.body["data"] = 500;
  return e;
}

// WordPress's boolean parameter rules (rest_is_boolean).
std::optional<bool> ParseBool(const std::string& v) {
  std::string l = v;
  for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l == "true" || l == "1") return true;
  if (l == "false" || l == "0" || l.empty()) return false;
  return std::nullopt;
}

}  // namespace

ApiResponse Api::DeleteOrderRoute(const ApiRequest& r, int64_t id, const std::string& home_url, int64_t now_s) {
  bool force = false;
  if (const std::string* f = QueryValue(r.query, "force")) {
    auto b = ParseBool(*f);
    if (!b) {
      ApiResponse e = ErrorResponse(400, "rest_invalid_param", "Invalid parameter(s): force");
      e.body["data"]["params"] = {{"force", "force is not of type boolean."}};
      e.body["data"]["details"] = {
          {"force", {{"code", "rest_invalid_type"}, {"message", "force is not of type boolean."}, {"data", {{"param", "force"}}}}}};
      return e;
    }
    force = *b;
  }
  const RenderContext ctx{home_url, store_.Read([](const StoreData& d) { return model::CurrencyExponent(d.currency); })};
  // Forced: the answer is the order as it was; trashed: as it is now.
  Json previous = WithOrder(store_, id, [&](const StoreData& d) -> Json {
    auto it = d.orders.find(id);
    return it == d.orders.end() ? Json(nullptr) : RenderOrder(it->second, d, ctx);
  });
  if (previous.is_null()) return ErrorResponse(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
  Status s = force ? DeleteOrder(id) : TrashOrder(id, now_s);
  if (!s.ok()) {
    if (s.code() == "woocommerce_rest_already_trashed") return ErrorResponse(410, s.code(), s.message());
    return ErrorResponse(404, s.code(), s.message());
  }
  ApiResponse out;
  out.body = force ? std::move(previous) : store_.Read([&](const StoreData& d) {
    return RenderOrder(d.orders.at(id), d, ctx);
  });
  return out;
}

std::string ApiResponse::Serialize() const { return raw_body.empty() ? DumpJson(body) : raw_body; }

ApiResponse ErrorResponse(int status, const std::string& code, const std::string& message) {
  ApiResponse r;
  r.status = status;
  r.body = {{"code", code}, {"message", message}, {"data", {{"status", status}}}};
  return r;
}

namespace api {
int64_t ParseId(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoll(s);
}
}  // namespace api

ApiResponse Api::Handle(const ApiRequest& r, const std::string& home_url, int64_t now_s) {
  std::string path = r.path;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path != "/wp-json" && path.rfind("/wp-json/", 0) != 0) {
    ApiResponse nf;
    nf.status = 404;
    nf.content_type = "text/html; charset=UTF-8";
    nf.raw_body = "<!DOCTYPE html><html><head><title>Page not found</title></head>"
                  "<body><h1>Oops! That page can&rsquo;t be found.</h1></body></html>";
    return nf;
  }

  bool authed = false;
  if (path.rfind("/wp-json/wc/", 0) == 0) {
    // 1. HTTPS only: consumer_key/consumer_secret query, else HTTP Basic.
    if (config_.https) {
      std::string key, secret;
      const std::string* qk = QueryValue(r.query, "consumer_key");
      const std::string* qs = QueryValue(r.query, "consumer_secret");
      if (qk && qs && !qk->empty() && !qs->empty()) {
        key = *qk;
        secret = *qs;
      } else {
        std::string auth(http::FindHeader(r.headers, "Authorization"));
        if (auth.size() > 6 && Upper(auth.substr(0, 6)) == "BASIC ") {
          auto decoded = crypto::Base64Decode(auth.substr(6));
          if (decoded.ok()) {
            size_t colon = decoded->find(':');
            key = decoded->substr(0, colon);
            if (colon != std::string::npos) secret = decoded->substr(colon + 1);
          }
        }
      }
      if (!key.empty() && key == config_.consumer_key) {
        if (!crypto::ConstantTimeEquals(secret, config_.consumer_secret)) {
          ApiResponse e = ErrorResponse(401, "woocommerce_rest_authentication_error", "Consumer secret is invalid.");
          e.headers.emplace_back("WWW-Authenticate",
                                 "Basic realm=\"WooCommerce API. Use a consumer key in the username field and a "
                                 "consumer secret in the password field.\"");
          return e;
        }
        authed = true;
      }
    }
    // 2. OAuth 1.0a (query ∪ form body ∪ Authorization: OAuth).
    if (!authed) {
      oauth1::VerifyInput in;
      in.http_method = Upper(r.method);
      in.url = home_url + path;
      in.params = r.query;
      std::string ctype(http::FindHeader(r.headers, "Content-Type"));
      if (ctype.rfind("application/x-www-form-urlencoded", 0) == 0)
        for (auto& p : http::ParseQuery(r.body)) in.params.push_back(std::move(p));
      for (auto& p : oauth1::ParseAuthorizationHeader(http::FindHeader(r.headers, "Authorization")))
        in.params.push_back(std::move(p));
      auto verdict = oauth1::Verify(
          in,
          [&](const std::string& key) -> std::optional<std::string> {
            if (key == config_.consumer_key) return config_.consumer_secret;
            return std::nullopt;
          },
          nonces_, now_s);
      if (verdict.outcome == oauth1::VerifyOutcome::kRejected) return AuthError(verdict.error);
      authed = verdict.outcome == oauth1::VerifyOutcome::kAuthenticated;
    }
  }

  std::string method = Upper(r.method);
  if (method == "POST") {
    std::string override_method(http::FindHeader(r.headers, "X-HTTP-Method-Override"));
    if (const std::string* m = QueryValue(r.query, "_method")) override_method = *m;
    if (!override_method.empty()) method = Upper(override_method);
  }
  ApiRequest routed = r;
  routed.path = path;
  return Dispatch(routed, method, home_url, authed, now_s);
}

ApiResponse Api::Dispatch(const ApiRequest& r, const std::string& method, const std::string& home_url,
                          bool authed, int64_t now_s) {
  if (r.path.rfind(kPrefix, 0) != 0) return NoRoute();
  std::vector<std::string> seg = Split(std::string_view(r.path).substr(kPrefix.size()));
  const bool get = method == "GET" || method == "HEAD";
  const bool edit = method == "PUT" || method == "POST" || method == "PATCH";
  const auto cannot_list = [] {
    return ErrorResponse(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.");
  };
  const auto cannot_view = [] {
    return ErrorResponse(401, "woocommerce_rest_cannot_view", "Sorry, you cannot view this resource.");
  };
  const auto cannot_edit = [] {
    return ErrorResponse(401, "woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource.");
  };
  const auto cannot_batch = [] {
    return ErrorResponse(401, "woocommerce_rest_cannot_batch",
                         "Sorry, you are not allowed to batch manipulate this resource.");
  };
  if (seg.empty()) return NoRoute();
  if (seg[0] == "webhooks") return api::WebhooksRoute(webhooks_, r, method, seg, home_url, authed);
  const int64_t id = seg.size() >= 2 ? api::ParseId(seg[1]) : -1;

  if (seg[0] == "orders") {
    if (seg.size() == 1) {
      if (get) return authed ? store_.Read([&](const StoreData& d) { return api::ListOrders(d, r, home_url); })
                             : cannot_list();
      if (method == "POST") {
        if (!authed)
          return ErrorResponse(401, "woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources.");
        auto body = ParseJson(r.body.empty() ? "{}" : r.body);
        if (!body.ok() || !body->is_object()) {
          ApiResponse e = ErrorResponse(400, "rest_invalid_json", "Invalid JSON body passed.");
          e.body["data"]["json_error_code"] = 4;
          e.body["data"]["json_error_message"] = "Syntax error";
          return e;
        }
        auto created = CreateOrder(*body, now_s);
        if (!created.ok()) {
          int status = created.status().code() == "woocommerce_rest_cannot_create" ? 500 : 400;
          return ErrorResponse(status, created.status().code(), created.status().message());
        }
        ApiResponse resp = store_.Read([&](const StoreData& d) {
          ApiResponse out;
          out.status = 201;
          out.body = RenderOrder(d.orders.at(*created), d, {home_url, model::CurrencyExponent(d.currency)});
          return out;
        });
        resp.headers.emplace_back("Location", home_url + std::string(kPrefix) + "/orders/" + std::to_string(*created));
        return resp;
      }
      return NoRoute();
    }
    if (id < 0) return NoRoute();
    if (seg.size() == 2) {
      if (get) {
        return WithOrder(store_, id, [&](const StoreData& d) {
          auto it = d.orders.find(id);
          if (it == d.orders.end())
            return ErrorResponse(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
          if (!authed) return cannot_view();
          auto dp = api::ParseDp(r, it->second.currency);
          if (!dp.ok()) return ErrorResponse(400, "rest_invalid_param", dp.status().message());
          ApiResponse out;
          out.body = RenderOrder(it->second, d, {home_url, *dp});
          return out;
        });
      }
      if (edit) {
        if (!authed) return cannot_edit();
        auto body = ParseJson(r.body.empty() ? "{}" : r.body);
        if (!body.ok() || !body->is_object()) return ErrorResponse(400, "rest_invalid_json", "Invalid JSON body passed.");
        Status s = UpdateOrder(id, *body, now_s);
        if (!s.ok()) return ErrorResponse(400, s.code(), s.message());
        return store_.Read([&](const StoreData& d) {
          ApiResponse out;
          out.body = RenderOrder(d.orders.at(id), d, {home_url, model::CurrencyExponent(d.currency)});
          return out;
        });
      }
      if (method == "DELETE") {
        if (!authed)
          return ErrorResponse(401, "woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource.");
        return DeleteOrderRoute(r, id, home_url, now_s);
      }
      return NoRoute();
    }
    if (seg[2] == "refunds" && seg.size() == 3 && method == "POST") {
      if (!authed)
        return ErrorResponse(401, "woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources.");
      auto body = ParseJson(r.body.empty() ? "{}" : r.body);
      if (!body.ok() || !body->is_object()) return ErrorResponse(400, "rest_invalid_json", "Invalid JSON body passed.");
      auto created = CreateRefund(id, *body, now_s);
      if (!created.ok()) return RefundError(created.status());
      ApiResponse resp = store_.Read([&](const StoreData& d) {
        ApiResponse out;
        out.status = 201;
        out.body = RenderRefund(d.refunds.at(*created), d, {home_url, model::CurrencyExponent(d.currency)});
        return out;
      });
      resp.headers.emplace_back("Location", home_url + std::string(kPrefix) + "/orders/" + std::to_string(id) +
                                                "/refunds/" + std::to_string(*created));
      return resp;
    }
    if (seg[2] != "refunds" || seg.size() > 4 || !get) return NoRoute();
    if (!authed) return seg.size() == 3 ? cannot_list() : cannot_view();
    return WithOrder(store_, id, [&](const StoreData& d) {
      auto order = d.orders.find(id);
      auto bad_order = [] {
        ApiResponse e = ErrorResponse(500, "woocommerce_rest_invalid_order_id", "Invalid order ID.");
        e.body["data"] = 404;  // WooCommerce passes a bare 404; WP falls back to HTTP 500
        return e;
      };
      if (order == d.orders.end()) return bad_order();
      if (seg.size() == 3) return api::ListRefunds(d, r, home_url, id);
      int64_t rid = api::ParseId(seg[3]);
      auto refund = d.refunds.find(rid);
      if (rid < 0) return NoRoute();
      if (refund == d.refunds.end() || refund->second.order_id != id) {
        ApiResponse e = ErrorResponse(500, "woocommerce_rest_invalid_order_refund_id", "Invalid order refund ID.");
        e.body["data"] = 404;
        return e;
      }
      auto dp = api::ParseDp(r, order->second.currency);
      if (!dp.ok()) return ErrorResponse(400, "rest_invalid_param", dp.status().message());
      ApiResponse out;
      out.body = RenderRefund(refund->second, d, {home_url, *dp});
      return out;
    });
  }

  if (seg[0] == "customers") {
    if (seg.size() == 1 && get)
      return authed ? store_.Read([&](const StoreData& d) { return api::ListCustomers(d, r, home_url); })
                    : cannot_list();
    if (seg.size() == 2 && id >= 0 && get) {
      if (!authed) return cannot_view();
      return store_.Read([&](const StoreData& d) {
        auto it = d.customers.find(id);
        if (it == d.customers.end()) return ErrorResponse(404, "woocommerce_rest_invalid_id", "Invalid resource ID.");
        ApiResponse out;
        out.body = RenderCustomer(it->second, d, {home_url, 2});
        return out;
      });
    }
    if (seg.size() <= 2 && (edit || method == "DELETE")) return authed ? NotSupported() : cannot_edit();
    return NoRoute();
  }

  if (seg[0] == "products") {
    if (seg.size() == 1) {
      if (get) return authed ? store_.Read([&](const StoreData& d) { return api::ListProducts(d, r, home_url); })
                             : cannot_list();
      if (method == "POST") return authed ? NotSupported() : cannot_edit();
      return NoRoute();
    }
    if (seg.size() == 2 && seg[1] == "batch") {
      if (!edit) return NoRoute();
      if (!authed) return cannot_batch();
      auto body = ParseJson(r.body.empty() ? "{}" : r.body);
      if (!body.ok() || !body->is_object()) return ErrorResponse(400, "rest_invalid_json", "Invalid JSON body passed.");
      return api::UpdateProducts(store_, *body, home_url, 0, now_s);
    }
    if (id < 0) return NoRoute();
    const auto product_missing = [] { return ErrorResponse(404, "woocommerce_rest_product_invalid_id", "Invalid ID."); };
    if (seg.size() == 2) {
      if (get) {
        return store_.Read([&](const StoreData& d) {
          auto it = d.products.find(id);
          if (it == d.products.end()) return product_missing();
          if (!authed) return cannot_view();
          ApiResponse out;
          out.body = RenderProduct(it->second, d, {home_url, 2});
          return out;
        });
      }
      if (edit) {
        if (!authed) return cannot_edit();
        auto body = ParseJson(r.body.empty() ? "{}" : r.body);
        if (!body.ok() || !body->is_object()) return ErrorResponse(400, "rest_invalid_json", "Invalid JSON body passed.");
        return api::UpdateProduct(store_, id, 0, *body, home_url, now_s);
      }
      return NoRoute();
    }
    if (seg[2] != "variations" || seg.size() > 4) return NoRoute();
    if (seg.size() == 4 && seg[3] == "batch") {
      if (!edit) return NoRoute();
      if (!authed) return cannot_batch();
      auto body = ParseJson(r.body.empty() ? "{}" : r.body);
      if (!body.ok() || !body->is_object()) return ErrorResponse(400, "rest_invalid_json", "Invalid JSON body passed.");
      return api::UpdateProducts(store_, *body, home_url, id, now_s);
    }
    if (seg.size() == 3) {
      if (!get) return NoRoute();
      if (!authed) return cannot_list();
      return store_.Read([&](const StoreData& d) {
        auto it = d.products.find(id);
        if (it == d.products.end() || it->second.is_variation) return product_missing();
        return api::ListVariations(d, r, home_url, id);
      });
    }
    const int64_t vid = api::ParseId(seg[3]);
    if (vid < 0) return NoRoute();
    if (edit) {
      if (!authed) return cannot_edit();
      auto body = ParseJson(r.body.empty() ? "{}" : r.body);
      if (!body.ok() || !body->is_object()) return ErrorResponse(400, "rest_invalid_json", "Invalid JSON body passed.");
      return api::UpdateProduct(store_, vid, id, *body, home_url, now_s);
    }
    if (!get) return NoRoute();
    return store_.Read([&](const StoreData& d) {
      auto it = d.products.find(vid);
      if (it == d.products.end() || !it->second.is_variation || it->second.parent_id != id)
        return ErrorResponse(404, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.");
      if (!authed) return cannot_view();
      ApiResponse out;
      out.body = RenderVariation(it->second, d, {home_url, 2});
      return out;
    });
  }
  return NoRoute();
}

}  // namespace es::woo::sandbox
