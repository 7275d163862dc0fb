#include "server/dashboard/dashboard.h"

#include <httplib.h>

#include "common/crypto.h"
#include "server/auth/session_cookie.h"
#include "server/http_server.h"

namespace es::server {
namespace {

struct Asset {
  const char* name;
  const char* type;
  std::string_view body;
};

// Each included file is a C++ raw string literal wrapping the asset's text.
const Asset kAssets[] = {
    {"index.html", "text/html; charset=utf-8",
#include "server/dashboard/assets/index.html"
    },
    {"app.css", "text/css; charset=utf-8",
#include "server/dashboard/assets/app.css"
    },
    {"app.js", "text/javascript; charset=utf-8",
#include "server/dashboard/assets/app.js"
    },
    {"pages_sync.js", "text/javascript; charset=utf-8",
#include "server/dashboard/assets/pages_sync.js"
    },
    {"pages_setup.js", "text/javascript; charset=utf-8",
#include "server/dashboard/assets/pages_setup.js"
    },
    {"pages_ops.js", "text/javascript; charset=utf-8",
#include "server/dashboard/assets/pages_ops.js"
    },
    {"pages_admin.js", "text/javascript; charset=utf-8",
#include "server/dashboard/assets/pages_admin.js"
    },
};

const Asset* Find(std::string_view name) {
  for (const Asset& a : kAssets)
    if (name == a.name) return &a;
  return nullptr;
}

void SecurityHeaders(httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
}

void ServePage(const ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  const Asset* page = Find("index.html");
  SecurityHeaders(res);
  res.set_header("Cache-Control", "no-store");
  if (auth::CookieValue(req.get_header_value("Cookie"), auth::kLoginCookie).empty()) {
    const bool secure = req.get_header_value("X-Forwarded-Proto") == "https" ||
                        ctx.config->oauth_redirect_uri.rfind("https://", 0) == 0;
    res.set_header("Set-Cookie", auth::SetCookie(auth::kLoginCookie, crypto::RandomHex(16), 3600, false, secure));
  }
  res.status = 200;
  res.set_content(page->body.data(), page->body.size(), page->type);
}

}  // namespace

std::string_view DashboardAsset(std::string_view name) {
  const Asset* a = Find(name);
  return a == nullptr ? std::string_view() : a->body;
}

void RegisterDashboardRoutes(ServerContext& ctx, httplib::Server& http) {
  const ServerContext* c = &ctx;
  auto page = [c](const httplib::Request& req, httplib::Response& res) { ServePage(*c, req, res); };
  http.Get("/", page);
  http.Get("/oauth/qbo/callback", page);
  http.Get(R"(/assets/([a-z_]+\.(?:css|js)))", [](const httplib::Request& req, httplib::Response& res) {
    const Asset* a = Find(req.matches[1].str());
    SecurityHeaders(res);
    if (a == nullptr) {
      res.status = 404;
      res.set_content("{\"error\":{\"category\":\"not_found\",\"message\":\"no such asset\"}}", "application/json");
      return;
    }
    res.set_header("Cache-Control", "no-cache");
    res.status = 200;
    res.set_content(a->body.data(), a->body.size(), a->type);
  });
}

}  // namespace es::server
