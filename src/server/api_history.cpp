// Sync history with filters and export, and the audit log (SPEC F12, F13).
//
//   GET /api/v1/history          user   ?connection (alias connector)&entity&status&runId&from&to&limit&offset
//   GET /api/v1/history/export   user   same filters, ?format=csv|json, as a download
//   GET /api/v1/audit            admin  ?user&action&from&to&limit
#include "engine/sync_types.h"
#include "server/api_util.h"
#include "server/http_server.h"

namespace es::server {
namespace {

constexpr int64_t kPageMax = 1000;
constexpr int64_t kExportMax = 100000;

Result<store::HistoryFilter> ParseFilter(const ApiRequest& r, int64_t default_limit, int64_t max_limit) {
  store::HistoryFilter f;
  f.tenant_id = r.caller.tenant_id;
  f.connection = r.Query("connection");
  if (f.connection.empty()) f.connection = r.Query("connector");  // alias
  f.entity = r.Query("entity");
  if (!f.entity.empty()) f.entity = engine::StoreEntity(f.entity);  // "orders" → "order"
  f.status = r.Query("status");
  f.run_id = r.Query("runId");
  ES_ASSIGN_OR_RETURN(ListWindow w, ParseListWindow(r.Query("from"), r.Query("to"), r.Query("limit"),
                                                     default_limit, max_limit));
  ES_ASSIGN_OR_RETURN(f.offset, ParseCountParam(r.Query("offset"), "offset", 0, int64_t{1} << 40));
  f.from_ms = w.from_ms;
  f.to_ms = w.to_ms;
  f.limit = w.limit;
  return f;
}

// One CSV field (RFC 4180 quoting). Text that a spreadsheet would run as a
// formula (= + - @ at the start) is prefixed with an apostrophe.
std::string CsvField(const std::string& v) {
  std::string s = v;
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s = std::string(1, '\'') + s;
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += "\"\"";
    else out.push_back(c);
  }
  return out + "\"";
}

std::string HistoryCsv(const std::vector<store::HistoryEntry>& rows) {
  std::string out =
      "at,run_id,source,target,mode,dry_run,triggered_by,entity,source_id,status,target_id,message,duration_us\r\n";
  for (const auto& h : rows) {
    const std::string fields[] = {FormatIso8601Utc(h.at_ms), h.run_id, h.source_connection, h.target_connection,
                                  h.mode, h.dry_run ? "true" : "false", h.triggered_by, h.entity, h.source_id,
                                  h.action, h.target_id, h.message, std::to_string(h.duration_us)};
    bool first = true;
    for (const auto& f : fields) {
      if (!first) out += ",";
      out += CsvField(f);
      first = false;
    }
    out += "\r\n";
  }
  return out;
}

void History(ServerContext& ctx, ApiRequest& r) {
  auto f = ParseFilter(r, 100, kPageMax);
  if (!f.ok()) return r.Fail(f.status());
  auto rows = ctx.store->ListHistory(*f);
  if (!rows.ok()) return r.Fail(rows.status());
  Json out = Json::array();
  for (const auto& h : *rows) out.push_back(HistoryJson(h));
  r.Reply(200, {{"entries", out}, {"limit", f->limit}, {"offset", f->offset}});
}

void Export(ServerContext& ctx, ApiRequest& r) {
  const std::string format = r.Query("format").empty() ? "csv" : r.Query("format");
  if (format != "csv" && format != "json") return r.Fail(Status::Validation("'format' must be csv or json"));
  auto f = ParseFilter(r, kExportMax, kExportMax);
  if (!f.ok()) return r.Fail(f.status());
  auto rows = ctx.store->ListHistory(*f);
  if (!rows.ok()) return r.Fail(rows.status());
  r.res.set_header("Content-Disposition", "attachment; filename=\"sync-history." + format + "\"");
  if (format == "csv") return r.ReplyText(200, HistoryCsv(*rows), "text/csv; charset=utf-8");
  Json out = Json::array();
  for (const auto& h : *rows) out.push_back(HistoryJson(h));
  r.Reply(200, {{"entries", out}});
}

void Audit(ServerContext& ctx, ApiRequest& r) {
  store::AuditFilter f;
  f.tenant_id = r.caller.tenant_id;
  f.user_id = r.Query("user");
  f.action = r.Query("action");
  auto w = ParseListWindow(r.Query("from"), r.Query("to"), r.Query("limit"), 100, kPageMax);
  if (!w.ok()) return r.Fail(w.status());
  f.from_ms = w->from_ms;
  f.to_ms = w->to_ms;
  f.limit = w->limit;
  auto rows = ctx.store->ListAudit(f);
  if (!rows.ok()) return r.Fail(rows.status());
  Json out = Json::array();
  for (const auto& e : *rows) out.push_back(AuditJson(e));
  r.Reply(200, {{"entries", out}});
}

}  // namespace

void RegisterHistoryRoutes(ServerContext& ctx, Router& router) {
  ServerContext* c = &ctx;
  router.Add("GET", "/api/v1/history", Access::kUser, [c](ApiRequest& r) { History(*c, r); });
  router.Add("GET", "/api/v1/history/export", Access::kUser, [c](ApiRequest& r) { Export(*c, r); });
  router.Add("GET", "/api/v1/audit", Access::kAdmin, [c](ApiRequest& r) { Audit(*c, r); });
}

}  // namespace es::server
