// The dashboard (SPEC F15): a hand-written page with its stylesheet and
// scripts, compiled into the binary (assets/*, each wrapped in a raw string
// like the store migrations), served next to the API by HttpServer:
//
//   GET /                     the page (sign-in form when not signed in)
//   GET /oauth/qbo/callback   the same page: QuickBooks returns the browser
//                             here and the script finishes the connect flow
//   GET /assets/<name>        app.css, app.js, pages_*.js
//
// The page talks only to the JSON API (/auth/*, /api/v1/*) with the session
// cookie and the X-CSRF-Token header (server/api_auth.h). GET / also sets the
// es_login cookie the no-script sign-in form sends back. Every answer has a
// strict Content-Security-Policy (no inline script, no third-party origin),
// X-Frame-Options DENY, nosniff and Referrer-Policy no-referrer (the OAuth
// code in the callback URL never leaves in a Referer).
#pragma once

#include <string>
#include <string_view>

namespace httplib {
class Server;
}

namespace es::server {

struct ServerContext;

void RegisterDashboardRoutes(ServerContext& ctx, httplib::Server& http);

// The embedded asset `name` ("index.html", "app.js", …); empty when unknown.
std::string_view DashboardAsset(std::string_view name);

}  // namespace es::server
