#include "server/status_page.h"

#include <httplib.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <thread>

#include "common/clock.h"
#include "server/failure_cause.h"

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

namespace {

int64_t Int(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::string Str(const Json& j, const char* key) { return GetStringOr(j, key); }

std::string Num(int64_t n) { return std::to_string(n); }

std::string Duration(int64_t ms) {
  if (ms <= 0) return "";
  char buf[32];
  if (ms < 60'000) snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
  else snprintf(buf, sizeof buf, "%lld min %02lld s", static_cast<long long>(ms / 60'000),
                static_cast<long long>(ms / 1000 % 60));
  return buf;
}

}  // namespace

int64_t CountedWrites(const Json& counts) {
  int64_t n = 0;
  if (!counts.is_object()) return 0;
  for (const auto& [entity, c] : counts.items())
    n += Int(c, "created") + Int(c, "linked") + Int(c, "updated") + Int(c, "voided") + Int(c, "deleted");
  return n;
}

int64_t NotSynced(const Json& counts) {
  int64_t n = 0;
  if (!counts.is_object()) return 0;
  for (const auto& [entity, c] : counts.items())
    if (auto f = c.find("filtered"); f != c.end() && f->is_object())
      for (const auto& [reason, k] : f->items()) n += k.is_number_integer() ? k.get<int64_t>() : 0;
  return n;
}

std::string PluralOf(const std::string& entity) {
  if (entity.empty() || entity.back() == 's') return entity;
  return entity + "s";
}

std::vector<std::string> EntityOrder(const Json& counts) {
  static const char* const kOrder[] = {"customer", "item", "order", "refund", "payment"};
  std::vector<std::string> out;
  if (!counts.is_object()) return out;
  for (const char* e : kOrder)
    if (counts.contains(e)) out.push_back(e);
  for (const auto& [entity, c] : counts.items())
    // "requests" sits beside the entities: the requests sent to each end.
    if (entity != "requests" && std::find(out.begin(), out.end(), entity) == out.end()) out.push_back(entity);
  return out;
}

std::vector<std::string> NotSyncedNotes(const Json& counts) {
  std::vector<std::string> notes;
  for (const auto& entity : EntityOrder(counts)) {
    auto f = counts[entity].find("filtered");
    if (f == counts[entity].end() || !f->is_object() || f->empty()) continue;
    std::vector<std::pair<int64_t, std::string>> reasons;
    int64_t total = 0;
    for (const auto& [reason, k] : f->items()) {
      int64_t n = k.is_number_integer() ? k.get<int64_t>() : 0;
      total += n;
      reasons.push_back({n, reason});
    }
    std::stable_sort(reasons.begin(), reasons.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    // "status pending 40, cancelled 30": a first word shared by every reason is said once.
    std::string first_word = reasons.front().second.substr(0, reasons.front().second.find(' ') + 1);
    bool shared = first_word.size() > 1 && first_word.back() == ' ';
    for (const auto& r : reasons) shared = shared && r.second.rfind(first_word, 0) == 0;
    std::string text = Num(total) + " " + PluralOf(entity) + " not synced: ";
    for (size_t i = 0; i < reasons.size(); ++i) {
      if (i > 0) text += ", ";
      text += (shared && i > 0 ? reasons[i].second.substr(first_word.size()) : reasons[i].second) + " " +
              Num(reasons[i].first);
    }
    notes.push_back(text);
  }
  return notes;
}

Json GroupFailures(const std::vector<store::FailedRecord>& failed, size_t max_examples) {
  std::map<std::string, size_t> index;
  Json groups = Json::array();
  for (const auto& f : failed) {
    std::string key = FailureCauseKey(f);
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, groups.size()).first;
      groups.push_back({{"count", 0}, {"entity", f.entity}, {"category", f.category}, {"code", f.code},
                        {"message", f.message}, {"examples", Json::array()}});
    }
    Json& g = groups[it->second];
    g["count"] = g["count"].get<int64_t>() + 1;
    if (g["examples"].size() < max_examples) g["examples"].push_back(f.source_id);
  }
  std::vector<Json> sorted(groups.begin(), groups.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Json& a, const Json& b) { return a["count"].get<int64_t>() > b["count"].get<int64_t>(); });
  return Json(sorted);
}

Json StatusJson(store::StateStore& store, const std::string& tenant) {
  Json j = {{"tenant", tenant}, {"runs", Json::array()}, {"failed", Json::array()}, {"failed_total", 0},
            {"failed_groups", Json::array()}};
  auto sandbox = store.SandboxMode(tenant);
  j["sandbox"] = sandbox.ok() && *sandbox;
  store::RunFilter f;
  f.tenant_id = tenant;
  f.limit = 20;
  auto runs = store.ListRuns(f);
  if (runs.ok()) {
    for (const auto& r : *runs) {
      Json not_synced = Json::object();
      if (r.counts.is_object())
        for (const auto& [entity, c] : r.counts.items()) {
          int64_t n = NotSynced(Json{{entity, c}});
          if (n > 0) not_synced[entity] = n;
        }
      j["runs"].push_back({{"id", r.id},
                           {"status", store::RunStatusName(r.status)},
                           {"mode", r.mode},
                           {"dry_run", r.dry_run},
                           {"source", r.source_connection},
                           {"target", r.target_connection},
                           {"started_at", FormatIso8601Utc(r.started_at_ms)},
                           {"finished_at", r.finished_at_ms ? FormatIso8601Utc(r.finished_at_ms) : ""},
                           {"started_at_ms", r.started_at_ms},
                           {"finished_at_ms", r.finished_at_ms},
                           {"duration_ms", r.finished_at_ms > 0 ? r.finished_at_ms - r.started_at_ms : 0},
                           {"fetched", r.totals.fetched},
                           {"created", r.totals.created},
                           {"updated", r.totals.updated},
                           {"skipped", r.totals.skipped},
                           {"failed", r.totals.failed},
                           {"writes", CountedWrites(r.counts)},
                           {"not_synced", not_synced},
                           {"not_synced_notes", NotSyncedNotes(r.counts)},
                           {"counts", r.counts},
                           {"error", r.error}});
    }
  }
  auto failed = store.ListFailed(tenant, 100'000);
  if (failed.ok()) {
    j["failed_total"] = failed->size();
    j["failed_groups"] = GroupFailures(*failed);
    for (size_t i = 0; i < failed->size() && i < 100; ++i) {
      const auto& f2 = (*failed)[i];
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

namespace {

std::string Cell(const std::string& text, const char* cls = nullptr) {
  return cls ? "<td class=\"" + HtmlEscape(cls) + "\">" + HtmlEscape(text) + "</td>"
             : "<td>" + HtmlEscape(text) + "</td>";
}
std::string NumCell(int64_t n) { return Cell(Num(n), "num"); }

// j[key], or null when j has no such key.
const Json& At(const Json& j, const char* key) {
  static const Json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string Scalar(const Json& v) { return v.is_string() ? v.get<std::string>() : DumpJson(v); }

// A summary value: objects (or strings holding one) as a small table.
std::string SummaryValue(const Json& v) {
  Json obj = v;
  if (v.is_string()) {
    auto parsed = ParseJson(v.get<std::string>());
    if (parsed.ok() && parsed->is_object()) obj = *parsed;
  }
  if (!obj.is_object()) return HtmlEscape(Scalar(v));
  std::string h = "<table class=\"inner\">";
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    std::string key = it.key();
    std::replace(key.begin(), key.end(), '_', ' ');
    h += "<tr><th>" + HtmlEscape(key) + "</th>" +
         (it->is_number() ? Cell(Scalar(*it), "num") : "<td>" + SummaryValue(*it) + "</td>") + "</tr>";
  }
  return h + "</table>";
}

// One run's counts per entity.
std::string EntityTable(const Json& run) {
  const Json& counts = At(run, "counts");
  bool dry = run.value("dry_run", false);
  std::string h = std::string("<table><tr><th>entity</th><th>read</th><th>") + (dry ? "would create" : "created") +
                  "</th><th>linked</th><th>" + (dry ? "would update" : "updated") + "</th><th>" +
                  (dry ? "would void" : "voided") +
                  "</th><th>unchanged</th><th>not synced</th><th>failed</th></tr>";
  for (const auto& e : EntityOrder(counts)) {
    const Json& c = counts[e];
    int64_t filtered = NotSynced(Json{{e, c}});
    h += "<tr>" + Cell(e) + NumCell(Int(c, "fetched")) + NumCell(Int(c, "created")) + NumCell(Int(c, "linked")) +
         NumCell(Int(c, "updated")) + NumCell(Int(c, "voided") + Int(c, "deleted")) +
         NumCell(Int(c, "skipped") - filtered) + NumCell(filtered) + NumCell(Int(c, "failed")) + "</tr>";
  }
  return h + "</table>";
}

}  // namespace

std::string StatusHtml(store::StateStore& store, const std::string& tenant, const Json& extra) {
  return RenderStatusHtml(StatusJson(store, tenant), extra);
}

std::string RenderStatusHtml(const Json& s, const Json& extra) {
  const std::string tenant = Str(s, "tenant");
  std::string h =
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>EasySale Sync status</title>"
      "<meta http-equiv=\"refresh\" content=\"5\"><style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
      "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;"
      "vertical-align:top}th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}"
      "table.inner{margin:0}.note{color:#555;max-width:60em}"
      ".succeeded{color:#1a7f37}.partial{color:#9a6700}.failed{color:#cf222e}.dry{color:#0550ae}</style></head><body>";
  h += "<h1>EasySale Sync</h1><p>Tenant <b>" + HtmlEscape(tenant) + "</b></p>";
  if (s.value("sandbox", false))
    h += "<p style=\"background:#fff3cd;border:2px solid #9a6700;padding:8px\"><b>SANDBOX MODE</b>: runs write to "
         "the QuickBooks sandbox and the warehouse's sandbox schema, not to the real books.</p>";
  if (extra.is_object() && !extra.empty()) {
    h += "<h2>Summary</h2><table>";
    for (auto it = extra.begin(); it != extra.end(); ++it)
      h += "<tr><th>" + HtmlEscape(it.key()) + "</th><td>" + SummaryValue(*it) + "</td></tr>";
    h += "</table>";
  }
  h += "<h2>Runs</h2><p class=\"note\">Times are UTC. A dry run writes nothing: its counts are what it would "
       "have written.</p><table><tr><th>run</th><th>started</th><th>duration</th><th>mode</th><th>status</th>"
       "<th>read</th><th>written</th><th>unchanged</th><th>not synced</th><th>failed</th><th>error</th></tr>";
  for (const auto& r : At(s, "runs")) {
    std::string st = Str(r, "status");
    bool dry = r.value("dry_run", false);
    int64_t not_synced = NotSynced(At(r, "counts"));
    std::string id = Str(r, "id");
    h += "<tr><td title=\"" + HtmlEscape(id) + "\">" + HtmlEscape(id.substr(0, 8)) + "</td>" +
         Cell(Str(r, "started_at")) + Cell(Duration(Int(r, "duration_ms"))) + Cell(Str(r, "mode")) +
         Cell(st + (dry ? " (dry run)" : ""), dry ? "dry" : st.c_str()) + NumCell(Int(r, "fetched")) +
         (dry ? Cell("dry run: " + Num(Int(r, "writes")) + " writes planned", "dry") : NumCell(Int(r, "writes"))) +
         NumCell(Int(r, "skipped") - not_synced) + NumCell(not_synced) + NumCell(Int(r, "failed")) +
         Cell(Str(r, "error")) + "</tr>";
  }
  h += "</table>";
  if (!At(s, "runs").empty()) {
    const Json& latest = At(s, "runs")[0];
    h += "<h2>Latest run by entity</h2>" + EntityTable(latest);
    if (!At(latest, "not_synced_notes").empty()) {
      h += "<h3>Not synced on purpose</h3><ul>";
      for (const auto& n : At(latest, "not_synced_notes")) h += "<li>" + HtmlEscape(n.get<std::string>()) + "</li>";
      h += "</ul><p class=\"note\">These records are left out by the target connection's settings, not by an "
           "error: only orders in the statuses listed in <code>order_statuses</code> are booked (pending, "
           "cancelled and failed orders are no sale). Change the list with <code>easysale-sync config set</code>; "
           "see it with <code>easysale-sync config show</code>.</p>";
    }
    for (size_t i = 1; i < At(s, "runs").size() && i < 6; ++i) {
      const Json& r = At(s, "runs")[i];
      h += "<details><summary>Run " + HtmlEscape(Str(r, "id").substr(0, 8)) + " (" + HtmlEscape(Str(r, "started_at")) +
           ") by entity</summary>" + EntityTable(r) + "</details>";
    }
  }
  int64_t failed_total = Int(s, "failed_total");
  h += "<h2>Failed records (" + Num(failed_total) + ")</h2>";
  if (failed_total == 0) {
    h += "<p>None.</p>";
  } else {
    h += "<p class=\"note\">Grouped by cause.</p><table><tr><th>records</th><th>entity</th><th>category</th>"
         "<th>code</th><th>cause</th><th>for example</th></tr>";
    for (const auto& g : At(s, "failed_groups")) {
      std::string examples;
      for (const auto& e : At(g, "examples")) examples += (examples.empty() ? "" : ", ") + e.get<std::string>();
      if (Int(g, "count") > static_cast<int64_t>(At(g, "examples").size())) examples += ", …";
      h += "<tr>" + NumCell(Int(g, "count")) + Cell(Str(g, "entity")) + Cell(Str(g, "category")) +
           Cell(Str(g, "code")) + Cell(Str(g, "message")) + Cell(examples) + "</tr>";
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
