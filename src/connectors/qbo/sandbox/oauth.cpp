#include "connectors/qbo/sandbox/oauth.h"

#include <cctype>

#include "common/crypto.h"
#include "common/json.h"
#include "http/url.h"

namespace es::qbo::sandbox {
namespace {

constexpr int64_t kHardCapSeconds = 5LL * 365 * 24 * 3600;

HttpAnswer JsonError(int status, std::string_view error, std::string_view description = {}) {
  HttpAnswer a;
  a.status = status;
  Json body = {{"error", std::string(error)}};
  if (!description.empty()) body["error_description"] = std::string(description);
  a.body = DumpJson(body);
  return a;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return std::string(s);
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

std::map<std::string, std::string> ParseForm(std::string_view body) {
  std::map<std::string, std::string> out;
  for (auto& [k, v] : http::ParseQuery(body)) out.emplace(k, v);  // first value wins
  return out;
}

}  // namespace

OAuthAuthority::OAuthAuthority(OAuthConfig config, Clock* clock) : config_(std::move(config)), clock_(clock) {}

IssuedTokens OAuthAuthority::IssueLocked(const std::string& grant) {
  const int64_t now = clock_->NowMillis();
  IssuedTokens t;
  t.access_token = "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0.." + crypto::RandomHex(32);
  t.refresh_token = "RT1-" + crypto::RandomHex(24);
  t.expires_in_s = config_.access_token_ttl_s;
  t.refresh_expires_in_s = config_.refresh_token_ttl_s;
  access_[t.access_token] = Access{grant, now + config_.access_token_ttl_s * 1000};
  refresh_[t.refresh_token] = Refresh{grant, now + config_.refresh_token_ttl_s * 1000};
  if (++issued_since_sweep_ >= 4096) Sweep();
  return t;
}

void OAuthAuthority::Sweep() {
  issued_since_sweep_ = 0;
  const int64_t now = clock_->NowMillis();
  for (auto it = access_.begin(); it != access_.end();)
    it = it->second.expires_ms <= now ? access_.erase(it) : std::next(it);
  for (auto it = refresh_.begin(); it != refresh_.end();)
    it = it->second.expires_ms <= now ? refresh_.erase(it) : std::next(it);
  for (auto it = codes_.begin(); it != codes_.end();)
    it = it->second.expires_ms <= now ? codes_.erase(it) : std::next(it);
}

IssuedTokens OAuthAuthority::Issue() {
  std::lock_guard<std::mutex> lock(mu_);
  std::string grant = crypto::RandomHex(12);
  grants_[grant] = Grant{clock_->NowMillis(), false};
  return IssueLocked(grant);
}

std::string OAuthAuthority::IssueCode(const std::string& redirect_uri) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string code = "AB11" + crypto::RandomHex(20);
  codes_[code] = Code{redirect_uri, clock_->NowMillis() + config_.code_ttl_s * 1000, false};
  return code;
}

BearerCheck OAuthAuthority::CheckBearer(std::string_view authorization, std::string* realm) const {
  std::string h = Trim(authorization);
  if (h.empty()) return BearerCheck::kMissing;
  if (!StartsWithNoCase(h, "bearer ")) return BearerCheck::kInvalid;
  std::string token = Trim(std::string_view(h).substr(7));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = access_.find(token);
  if (it == access_.end()) return BearerCheck::kInvalid;
  auto g = grants_.find(it->second.grant);
  if (g == grants_.end() || g->second.revoked) return BearerCheck::kInvalid;
  if (it->second.expires_ms <= clock_->NowMillis()) return BearerCheck::kExpired;
  *realm = config_.realm_id;
  return BearerCheck::kOk;
}

bool OAuthAuthority::ClientOk(std::string_view authorization, const std::map<std::string, std::string>& form) const {
  std::string id, secret;
  std::string h = Trim(authorization);
  if (StartsWithNoCase(h, "basic ")) {
    auto decoded = crypto::Base64Decode(Trim(std::string_view(h).substr(6)));
    if (!decoded.ok()) return false;
    size_t colon = decoded->find(':');
    if (colon == std::string::npos) return false;
    id = decoded->substr(0, colon);
    secret = decoded->substr(colon + 1);
  } else {
    auto i = form.find("client_id"), s = form.find("client_secret");
    if (i == form.end() || s == form.end()) return false;
    id = i->second;
    secret = s->second;
  }
  bool id_ok = crypto::ConstantTimeEquals(id, config_.client_id);
  bool secret_ok = crypto::ConstantTimeEquals(secret, config_.client_secret);
  return id_ok && secret_ok;
}

HttpAnswer OAuthAuthority::TokenAnswer(const IssuedTokens& t, const std::string& grant, bool want_hard_expiry) const {
  Json body = {{"token_type", "bearer"},
               {"access_token", t.access_token},
               {"expires_in", t.expires_in_s},
               {"refresh_token", t.refresh_token},
               {"x_refresh_token_expires_in", t.refresh_expires_in_s}};
  if (want_hard_expiry) {
    auto g = grants_.find(grant);
    int64_t elapsed = g == grants_.end() ? 0 : (clock_->NowMillis() - g->second.started_ms) / 1000;
    body["x_refresh_token_hard_expires_in"] = kHardCapSeconds - elapsed;
  }
  HttpAnswer a;
  a.body = DumpJson(body);
  a.headers.emplace_back("Cache-Control", "no-cache, no-store");
  a.headers.emplace_back("Pragma", "no-cache");
  return a;
}

HttpAnswer OAuthAuthority::Token(std::string_view authorization, std::string_view body, bool want_hard_expiry) {
  auto form = ParseForm(body);
  std::lock_guard<std::mutex> lock(mu_);
  if (!ClientOk(authorization, form)) return JsonError(401, "invalid_client");
  auto gt = form.find("grant_type");
  if (gt == form.end() || gt->second.empty()) return JsonError(400, "invalid_request", "grant_type is required");
  const int64_t now = clock_->NowMillis();
  if (gt->second == "authorization_code") {
    auto code = form.find("code");
    auto redirect = form.find("redirect_uri");
    if (code == form.end() || code->second.empty()) return JsonError(400, "invalid_request", "code is required");
    if (redirect == form.end() || redirect->second.empty())
      return JsonError(400, "invalid_request", "redirect_uri is required");
    auto it = codes_.find(code->second);
    if (it == codes_.end() || it->second.used || it->second.expires_ms <= now) return JsonError(400, "invalid_grant");
    it->second.used = true;  // single use, whatever happens next
    if (it->second.redirect_uri != redirect->second) return JsonError(400, "invalid_grant");
    std::string grant = crypto::RandomHex(12);
    grants_[grant] = Grant{now, false};
    IssuedTokens t = IssueLocked(grant);
    return TokenAnswer(t, grant, want_hard_expiry);
  }
  if (gt->second == "refresh_token") {
    auto rt = form.find("refresh_token");
    if (rt == form.end() || rt->second.empty()) return JsonError(400, "invalid_request", "refresh_token is required");
    auto it = refresh_.find(rt->second);
    if (it == refresh_.end() || it->second.expires_ms <= now) return JsonError(400, "invalid_grant");
    std::string grant = it->second.grant;
    auto g = grants_.find(grant);
    if (g == grants_.end() || g->second.revoked) return JsonError(400, "invalid_grant");
    if (now - g->second.started_ms >= kHardCapSeconds * 1000) return JsonError(400, "invalid_grant");
    refresh_.erase(it);  // rotation: the old refresh token is dead from now on
    IssuedTokens t = IssueLocked(grant);
    return TokenAnswer(t, grant, want_hard_expiry);
  }
  return JsonError(400, "unsupported_grant_type");
}

HttpAnswer OAuthAuthority::Revoke(std::string_view authorization, std::string_view body) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!ClientOk(authorization, {})) return JsonError(401, "invalid_client");
  std::string token;
  auto parsed = ParseJson(body);
  if (parsed.ok() && parsed->is_object()) token = GetStringOr(*parsed, "token");
  if (token.empty()) {
    auto form = ParseForm(body);
    if (auto it = form.find("token"); it != form.end()) token = it->second;
  }
  if (token.empty()) return JsonError(400, "invalid_request", "token is required");
  std::string grant;
  if (auto r = refresh_.find(token); r != refresh_.end()) grant = r->second.grant;
  if (auto a = access_.find(token); a != access_.end()) grant = a->second.grant;
  if (!grant.empty()) grants_[grant].revoked = true;
  HttpAnswer a;
  a.body = "";
  return a;
}

HttpAnswer OAuthAuthority::Authorize(const std::multimap<std::string, std::string>& params) {
  auto get = [&](const char* k) {
    auto it = params.find(k);
    return it == params.end() ? std::string() : it->second;
  };
  HttpAnswer a;
  a.content_type = "text/plain";
  if (get("client_id") != config_.client_id) {
    a.status = 400;
    a.body = "invalid client_id\n";
    return a;
  }
  std::string redirect = get("redirect_uri");
  auto parsed = http::ParseUrl(redirect);
  if (redirect.empty() || !parsed.ok()) {
    a.status = 400;
    a.body = "redirect_uri is missing or not an absolute URL\n";
    return a;
  }
  const std::string sep = redirect.find('?') == std::string::npos ? "?" : "&";
  std::string state = get("state");
  std::string target;
  if (get("response_type") != "code") {
    target = redirect + sep + "error=unsupported_response_type&state=" + http::PercentEncode(state);
  } else if (get("scope").find("com.intuit.quickbooks.accounting") == std::string::npos) {
    target = redirect + sep + "error=invalid_scope&state=" + http::PercentEncode(state);
  } else {
    std::string code = IssueCode(redirect);
    target = redirect + sep + "code=" + http::PercentEncode(code) + "&state=" + http::PercentEncode(state) +
             "&realmId=" + http::PercentEncode(config_.realm_id);
  }
  a.status = 302;
  a.headers.emplace_back("Location", target);
  a.body = "";
  return a;
}

}  // namespace es::qbo::sandbox
