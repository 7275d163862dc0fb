// Reconcile through the API (SPEC F5, F16): the engine's reconcile
// (engine/reconcile.h, as `easysale-sync reconcile`) per order, paged, and
// its repairs as a job.
//
//   GET  /api/v1/reconcile       user   ?from&to&status=mismatch|missing|all&limit&offset&source&target
//        → {"summary":{orders,matched,mismatches,missing,linked,repairs,byState,wooTotal,qboTotal,
//                      difference,currency,from,to},
//           "orders":[{orderId,number,docType,docId,wooTotal,qboTotal,difference,status,message,
//                      createdAt,currency,repair}],"total","limit","offset"}
//   POST /api/v1/reconcile/fix   admin  {"from","to","orderIds"?,"source"?,"target"?}
//        → the repairs (records a sync by id would repair, within from/to and
//          orderIds) as one "reconcile" job: 202 {"jobId","runId","repairs"};
//          200 {"repairs":0} when nothing needs repair; more than
//          ServerConfig::confirm_above repairs (or a void of an order that
//          was cancelled) first answer 409 confirmation_required
//          (server/confirmations.h).
//
// from/to filter on the order's creation time (ISO-8601 or Unix ms; a date
// without a time as "to" includes that whole day). Amounts are decimal text
// (net of refunds); difference = qboTotal - wooTotal (qboTotal counted as 0
// for an order missing in QBO). Every call compares the
// whole source afresh (no cache); the currency of the newest order read is
// remembered as the tenant's seen currency (api_admin.cpp).
#include <algorithm>
#include <set>

#include "common/decimal.h"
#include "engine/reconcile.h"
#include "engine/sync_plan.h"
#include "jobs/job_request.h"
#include "server/api_util.h"
#include "server/confirmations.h"
#include "server/http_server.h"
#include "server/run_executor.h"
#include "server/token_manager.h"

namespace es::server {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

struct Window {
  std::string source, target;
  int64_t from_ms = 0;
  int64_t to_ms = 0;  // exclusive; 0 = open
  std::string from_text, to_text;
};

Result<Window> ParseWindow(ServerContext& ctx, const std::string& tenant, const std::string& source,
                           const std::string& target, const std::string& from, const std::string& to) {
  Window w;
  w.source = source;
  w.target = target;
  if (w.source.empty()) {
    ES_ASSIGN_OR_RETURN(w.source, DefaultConnection(*ctx.store, tenant, "woo", "source"));
  }
  if (w.target.empty()) {
    ES_ASSIGN_OR_RETURN(w.target, DefaultConnection(*ctx.store, tenant, "qbo", "target"));
  }
  ES_ASSIGN_OR_RETURN(w.from_ms, ParseTimeParam(from, "from"));
  ES_ASSIGN_OR_RETURN(w.to_ms, ParseTimeParam(to, "to"));
  if (w.to_ms != 0 && to.size() == 10) w.to_ms += kDayMs;  // a date: the whole day
  if (w.to_ms != 0 && w.to_ms <= w.from_ms) return Status::Validation("'to' must be after 'from'");
  w.from_text = from;
  w.to_text = to;
  return w;
}

bool InWindow(const Window& w, const engine::ReconcileRow& row) {
  if (w.from_ms == 0 && w.to_ms == 0) return true;
  if (row.created_at_ms == 0) return false;
  return row.created_at_ms >= w.from_ms && (w.to_ms == 0 || row.created_at_ms < w.to_ms);
}

// Reconciles the window's connection pair, refreshing QBO tokens first as a
// run would, and remembers the currency of the newest order read.
Result<engine::ReconcileReport> Compare(ServerContext& ctx, const std::string& tenant, const Window& w) {
  for (const std::string* id : {&w.source, &w.target}) {
    auto c = ctx.store->GetConnection(tenant, *id);
    if (!c.ok()) return c.status();
    if (!c->has_value()) return Status::NotFound("connection '" + *id + "' not found");
    if ((*c)->kind == "qbo" && (*c)->enabled)
      (void)ctx.tokens->EnsureFresh(tenant, *id, ctx.config->token_refresh_margin_s * 1000);
  }
  auto report = engine::Reconcile(ctx.orchestrator->registry(), *ctx.store, *ctx.transport, *ctx.clock, tenant,
                                  w.source, w.target, ctx.orchestrator->options());
  if (!report.ok()) return report.status().WithContext("reconciling " + w.source + " with " + w.target);
  const engine::ReconcileRow* newest = nullptr;
  for (const auto& row : report->rows)
    if (!row.currency.empty() && (newest == nullptr || row.created_at_ms > newest->created_at_ms)) newest = &row;
  if (newest != nullptr) (void)ctx.store->SetSeenCurrency(tenant, newest->currency, ctx.clock->NowMillis());
  return report;
}

Json Amount(const std::string& text) { return text.empty() ? Json() : Json(text); }

// qbo - woo as decimal text (an order missing in QBO counts as 0 there);
// null when a side is unknown.
Json Difference(const engine::Check& c) {
  const std::string actual = c.actual.empty() && c.state == "missing" ? "0" : c.actual;
  if (c.expected.empty() || actual.empty()) return Json();
  auto woo = Decimal::Parse(c.expected);
  auto qbo = Decimal::Parse(actual);
  if (!woo.ok() || !qbo.ok()) return Json();
  return (*qbo - *woo).ToFixed(2);
}

Json RowJson(const engine::ReconcileRow& row) {
  const engine::Check& c = row.check;
  std::string doc_type, doc_id;
  if (auto space = c.target_id.find(' '); space != std::string::npos) {
    doc_type = c.target_id.substr(0, space);
    doc_id = c.target_id.substr(space + 1);
  }
  return {{"orderId", c.source_id},
          {"number", row.number},
          {"docType", doc_type.empty() ? Json() : Json(doc_type)},
          {"docId", doc_id.empty() ? Json() : Json(doc_id)},
          {"wooTotal", Amount(c.expected)},
          {"qboTotal", Amount(c.actual)},
          {"difference", Difference(c)},
          {"status", c.state},
          {"message", c.detail},
          {"createdAt", row.created_at_ms > 0 ? Json(FormatIso8601Utc(row.created_at_ms)) : Json()},
          {"currency", row.currency},
          {"repair", row.repair}};
}

Json Summary(const Window& w, const std::vector<const engine::ReconcileRow*>& rows) {
  int64_t matched = 0, missing = 0, linked = 0, repairs = 0;
  Json by_state = Json::object();
  Decimal woo, qbo;
  std::set<std::string> currencies;
  for (const auto* row : rows) {
    const std::string& s = row->check.state;
    by_state[s] = by_state.value(s, 0) + 1;
    if (s == "matched") ++matched;
    if (s == "missing") ++missing;
    if (s == "linked") ++linked;
    if (row->repair) ++repairs;
    if (auto v = Decimal::Parse(row->check.expected); v.ok()) woo = woo + *v;
    if (auto v = Decimal::Parse(row->check.actual); v.ok()) qbo = qbo + *v;
    if (!row->currency.empty()) currencies.insert(row->currency);
  }
  const int64_t orders = static_cast<int64_t>(rows.size());
  return {{"orders", orders},
          {"matched", matched},
          {"mismatches", orders - matched - linked},
          {"missing", missing},
          {"linked", linked},
          {"repairs", repairs},
          {"byState", by_state},
          {"wooTotal", woo.ToFixed(2)},
          {"qboTotal", qbo.ToFixed(2)},
          {"difference", (qbo - woo).ToFixed(2)},
          {"currency", currencies.size() == 1 ? Json(*currencies.begin()) : Json()},
          {"source", w.source},
          {"target", w.target},
          {"from", w.from_text.empty() ? Json() : Json(w.from_text)},
          {"to", w.to_text.empty() ? Json() : Json(w.to_text)}};
}

void GetReconcile(ServerContext& ctx, ApiRequest& r) {
  const std::string status = r.HasQuery("status") ? r.Query("status") : "all";
  if (status != "all" && status != "mismatch" && status != "missing")
    return r.Fail(Status::Validation("'status' must be mismatch, missing or all"));
  auto limit = ParseCountParam(r.Query("limit"), "limit", 50, 500);
  if (!limit.ok()) return r.Fail(limit.status());
  int64_t offset = 0;
  if (r.HasQuery("offset") && r.Query("offset") != "0") {
    auto o = ParseCountParam(r.Query("offset"), "offset", 0, 1'000'000'000);
    if (!o.ok()) return r.Fail(Status::Validation("'offset' must be a whole number of at least 0"));
    offset = *o;
  }
  auto w = ParseWindow(ctx, r.caller.tenant_id, r.Query("source"), r.Query("target"), r.Query("from"), r.Query("to"));
  if (!w.ok()) return r.Fail(w.status());
  auto report = Compare(ctx, r.caller.tenant_id, *w);
  if (!report.ok()) return r.Fail(report.status());

  std::vector<const engine::ReconcileRow*> window, shown;
  for (const auto& row : report->rows) {
    if (!InWindow(*w, row)) continue;
    window.push_back(&row);
    const std::string& s = row.check.state;
    if (status == "all" || (status == "missing" && s == "missing") ||
        (status == "mismatch" && s != "matched" && s != "linked"))
      shown.push_back(&row);
  }
  Json orders = Json::array();
  for (size_t i = static_cast<size_t>(offset); i < shown.size() && orders.size() < static_cast<size_t>(*limit); ++i)
    orders.push_back(RowJson(*shown[i]));
  r.Reply(200, {{"summary", Summary(*w, window)},
                {"orders", orders},
                {"total", shown.size()},
                {"limit", *limit},
                {"offset", offset}});
}

// The confirmation plan of the repairs: what a sync of each order would do.
engine::PlanSummary RepairPlan(const std::vector<const engine::ReconcileRow*>& repairs) {
  engine::PlanSummary plan;
  for (const auto* row : repairs) {
    const std::string& s = row->check.state;
    plan.Add("order", s == "missing" || s == "voided" ? "create" : s == "extra" ? "void" : "update", 1);
  }
  return plan;
}

void Fix(ServerContext& ctx, ApiRequest& r) {
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  static const std::set<std::string> kKeys = {"from", "to", "orderIds", "source", "target", "confirmationToken",
                                              "confirmDestructive"};
  for (auto it = body->begin(); it != body->end(); ++it)
    if (!kKeys.count(it.key())) return r.Fail(Status::Validation("unknown field '" + it.key() + "'"));
  for (const char* key : {"from", "to", "source", "target"})
    if (body->contains(key) && !(*body)[key].is_string())
      return r.Fail(Status::Validation(std::string("'") + key + "' must be a string"));
  std::set<std::string> only;
  if (body->contains("orderIds")) {
    const Json& ids = (*body)["orderIds"];
    if (!ids.is_array()) return r.Fail(Status::Validation("'orderIds' must be an array of order ids"));
    for (const Json& id : ids) {
      if (id.is_string() && !id.get<std::string>().empty()) only.insert(id.get<std::string>());
      else if (id.is_number_integer()) only.insert(std::to_string(id.get<int64_t>()));
      else return r.Fail(Status::Validation("'orderIds' must be an array of order ids"));
    }
    if (only.empty()) return r.Fail(Status::Validation("'orderIds' is empty: leave it out to repair every order"));
  }
  auto w = ParseWindow(ctx, r.caller.tenant_id, GetStringOr(*body, "source"), GetStringOr(*body, "target"),
                       GetStringOr(*body, "from"), GetStringOr(*body, "to"));
  if (!w.ok()) return r.Fail(w.status());
  auto report = Compare(ctx, r.caller.tenant_id, *w);
  if (!report.ok()) return r.Fail(report.status());

  std::vector<const engine::ReconcileRow*> repairs;
  std::vector<std::string> ids;
  for (const auto& row : report->rows) {
    if (!row.repair || !InWindow(*w, row) || (!only.empty() && !only.count(row.check.source_id))) continue;
    repairs.push_back(&row);
    ids.push_back(row.check.source_id);
  }
  std::sort(ids.begin(), ids.end());
  if (ids.empty()) return r.Reply(200, {{"repairs", 0}, {"message", "nothing to repair"}});
  const Json normalised = {{"source", w->source}, {"target", w->target}, {"orderIds", ids}};
  if (!ConfirmOperation(ctx, r, *body, "reconcile.fix", normalised, RepairPlan(repairs))) return;

  engine::SyncRequest req;
  req.tenant_id = r.caller.tenant_id;
  req.source_connection = w->source;
  req.target_connection = w->target;
  req.entities = {"orders"};
  req.ids = ids;
  req.triggered_by = r.caller.user_id;
  jobs::EnqueueOptions options;
  options.kind = "reconcile";
  auto queued = ctx.runs->Enqueue(req, options);
  if (!queued.ok()) return r.Fail(queued.status());
  ctx.Audit(r.caller, "reconcile.fix", "run:" + queued->run_id, {{"repairs", ids.size()}, {"orderIds", ids}});
  r.res.set_header("Location", "/api/v1/runs/" + queued->run_id);
  r.Reply(202, {{"jobId", queued->job_id}, {"runId", queued->run_id}, {"repairs", ids.size()}, {"status", "queued"}});
}

}  // namespace

void RegisterReconcileRoutes(ServerContext& ctx, Router& router) {
  ServerContext* c = &ctx;
  router.Add("GET", "/api/v1/reconcile", Access::kUser, [c](ApiRequest& r) { GetReconcile(*c, r); });
  router.Add("POST", "/api/v1/reconcile/fix", Access::kAdmin, [c](ApiRequest& r) { Fix(*c, r); });
}

}  // namespace es::server
