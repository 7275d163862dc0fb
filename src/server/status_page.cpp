#include "server/status_page.h"

#include <httplib.h>

#include <thread>

#include "common/clock.h"

namespace es::server {

std::string HtmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

Json StatusJson(store::StateStore& store, const std::string& tenant) {
  Json j = {{"tenant", tenant}, {"runs", Json::array()}, {"failed", Json::array()}};
  store::RunFilter f;
  f.tenant_id = tenant;
  f.limit = 20;
  auto runs = store.ListRuns(f);
  if (runs.ok()) {
    for (const auto& r : *runs) {
      j["runs"].push_back({{"id", r.id},
                           {"status", store::RunStatusName(r.status)},
                           {"mode", r.mode},
                           {"dry_run", r.dry_run},
                           {"source", r.source_connection},
                           {"target", r.target_connection},
                           {"started_at", FormatIso8601Utc(r.started_at_ms)},
                           {"finished_at", r.finished_at_ms ? FormatIso8601Utc(r.finished_at_ms) : ""},
                           {"fetched", r.totals.fetched},
                           {"created", r.totals.created},
                           {"updated", r.totals.updated},
                           {"skipped", r.totals.skipped},
                           {"failed", r.totals.failed},
                           {"counts", r.counts},
                           {"error", r.error}});
    }
  }
  auto failed = store.ListFailed(tenant, 100);
  if (failed.ok()) {
    for (const auto& f2 : *failed) {
      j["failed"].push_back({{"entity", f2.entity},
                             {"source_id", f2.source_id},
                             {"category", f2.category},
                             {"code", f2.code},
                             {"message", f2.message},
                             {"retry_count", f2.retry_count},
                             {"last_attempt", FormatIso8601Utc(f2.last_attempt_at_ms)}});
    }
  }
  return j;
}

std::string StatusHtml(store::StateStore& store, const std::string& tenant, const Json& extra) {
  Json s = StatusJson(store, tenant);
  std::string h =
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>EasySale Sync status</title>"
      "<meta http-equiv=\"refresh\" content=\"5\"><style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
      "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
      "th{background:#f3f3f3}.succeeded{color:#1a7f37}.partial{color:#9a6700}.failed{color:#cf222e}</style></head><body>";
  h += "<h1>EasySale Sync</h1><p>Tenant <b>" + HtmlEscape(tenant) + "</b></p>";
  if (extra.is_object() && !extra.empty()) {
    h += "<h2>Summary</h2><table>";
    for (auto it = extra.begin(); it != extra.end(); ++it)
      h += "<tr><th>" + HtmlEscape(it.key()) + "</th><td>" + HtmlEscape(it->is_string() ? it->get<std::string>() : DumpJson(*it)) + "</td></tr>";
    h += "</table>";
  }
  h += "<h2>Runs</h2><table><tr><th>started</th><th>status</th><th>mode</th><th>fetched</th><th>created</th>"
       "<th>updated</th><th>skipped</th><th>failed</th><th>error</th></tr>";
  for (const auto& r : s["runs"]) {
    std::string st = r["status"].get<std::string>();
    h += "<tr><td>" + HtmlEscape(r["started_at"].get<std::string>()) + "</td><td class=\"" + HtmlEscape(st) + "\">" +
         HtmlEscape(st) + (r["dry_run"].get<bool>() ? " (dry run)" : "") + "</td><td>" + HtmlEscape(r["mode"].get<std::string>()) +
         "</td><td>" + std::to_string(r["fetched"].get<int64_t>()) + "</td><td>" +
         std::to_string(r["created"].get<int64_t>()) + "</td><td>" + std::to_string(r["updated"].get<int64_t>()) +
         "</td><td>" + std::to_string(r["skipped"].get<int64_t>()) + "</td><td>" +
         std::to_string(r["failed"].get<int64_t>()) + "</td><td>" + HtmlEscape(r["error"].get<std::string>()) + "</td></tr>";
  }
  h += "</table><h2>Failed records (" + std::to_string(s["failed"].size()) + ")</h2>";
  if (s["failed"].empty()) {
    h += "<p>None.</p>";
  } else {
    h += "<table><tr><th>entity</th><th>source id</th><th>category</th><th>code</th><th>reason</th><th>retries</th></tr>";
    for (const auto& f : s["failed"]) {
      h += "<tr><td>" + HtmlEscape(f["entity"].get<std::string>()) + "</td><td>" + HtmlEscape(f["source_id"].get<std::string>()) +
           "</td><td>" + HtmlEscape(f["category"].get<std::string>()) + "</td><td>" + HtmlEscape(f["code"].get<std::string>()) +
           "</td><td>" + HtmlEscape(f["message"].get<std::string>()) + "</td><td>" +
           std::to_string(f["retry_count"].get<int64_t>()) + "</td></tr>";
    }
    h += "</table>";
  }
  h += "<p><a href=\"/api/status\">JSON</a></p></body></html>";
  return h;
}

struct StatusServer::Impl {
  store::StateStore& store;
  std::string tenant;
  Json extra;
  httplib::Server server;
  std::thread thread;
  int port = 0;
};

StatusServer::StatusServer(store::StateStore& store, std::string tenant, Json extra)
    : impl_(new Impl{store, std::move(tenant), std::move(extra), {}, {}, 0}) {}

StatusServer::~StatusServer() { Stop(); }

Status StatusServer::Start(int port, const std::string& host) {
  Impl* impl = impl_.get();
  impl->server.Get("/", [impl](const httplib::Request&, httplib::Response& res) {
    res.set_content(StatusHtml(impl->store, impl->tenant, impl->extra), "text/html; charset=utf-8");
  });
  impl->server.Get("/api/status", [impl](const httplib::Request&, httplib::Response& res) {
    Json j = StatusJson(impl->store, impl->tenant);
    j["summary"] = impl->extra;
    res.set_content(DumpJson(j), "application/json");
  });
  impl->server.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"ok\"}", "application/json");
  });
  int bound = port == 0 ? impl->server.bind_to_any_port(host) : (impl->server.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) return Status::Network("cannot listen on " + host + ":" + std::to_string(port));
  impl->port = bound;
  impl->thread = std::thread([impl] { impl->server.listen_after_bind(); });
  return Status::Ok();
}

void StatusServer::Stop() {
  if (!impl_) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int StatusServer::port() const { return impl_->port; }

}  // namespace es::server
