#include "engine/reconcile.h"

#include <map>

#include "connectors/qbo/client.h"
#include "connectors/woo/client.h"
#include "engine/connections.h"
#include "engine/qbo_gateway.h"
#include "mapping/transformer_config.h"

namespace es::engine {
namespace {

struct Expected {
  std::string order_id;
  Decimal woo_total;
};

void Note(ReconcileReport& r, const std::string& order, const std::string& reason, const std::string& woo_total,
          const std::string& qbo_total, const std::string& qbo_id) {
  ++r.mismatches;
  if (r.details.size() < 100)
    r.details.push_back({{"order", order}, {"reason", reason}, {"woo_total", woo_total}, {"qbo_total", qbo_total},
                         {"qbo_id", qbo_id}});
}

Status CheckGroup(QboGateway& qbo, const std::string& type, const std::map<std::string, Expected>& by_qbo_id,
                  ReconcileReport& report) {
  std::vector<std::string> ids;
  for (const auto& [id, e] : by_qbo_id) ids.push_back(id);
  for (size_t start = 0; start < ids.size(); start += 100) {
    std::string list;
    for (size_t i = start; i < std::min(ids.size(), start + 100); ++i)
      list += (list.empty() ? "" : ", ") + qbo::QuoteQueryString(ids[i]);
    auto page = qbo.Query("SELECT * FROM " + type + " WHERE Id IN (" + list + ") MAXRESULTS 1000");
    if (!page.ok()) return page.status().WithContext("reading " + type + " documents");
    std::map<std::string, Json> found;
    for (auto& row : page->rows) {
      std::string id = GetStringOr(row, "Id");
      found[id] = std::move(row);
    }
    for (size_t i = start; i < std::min(ids.size(), start + 100); ++i) {
      const Expected& e = by_qbo_id.at(ids[i]);
      auto it = found.find(ids[i]);
      if (it == found.end()) {
        ++report.missing;
        Note(report, e.order_id, type + " " + ids[i] + " not found in QBO", e.woo_total.ToFixed(2), "", ids[i]);
        continue;
      }
      auto total = GetDecimal(it->second, "TotalAmt");
      if (!total.ok() || *total != e.woo_total) {
        Note(report, e.order_id, "totals differ", e.woo_total.ToFixed(2), total.ok() ? total->ToFixed(2) : "?", ids[i]);
        continue;
      }
      ++report.matched;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ReconcileReport> ReconcileOrders(store::StateStore& store, http::Transport& transport, Clock& clock,
                                        const std::string& tenant, const std::string& source_connection,
                                        const std::string& target_connection, const EngineOptions& options) {
  ES_ASSIGN_OR_RETURN(store::Connection source, LoadEnabledConnection(store, tenant, source_connection));
  ES_ASSIGN_OR_RETURN(store::Connection target, LoadEnabledConnection(store, tenant, target_connection));
  ES_ASSIGN_OR_RETURN(auto connectors, BuildConnectors(store, tenant, {&source, &target}, transport, clock, options));
  if (!connectors->woo || !connectors->gateway)
    return Status::Validation("reconcile compares a woo connection with a qbo connection");
  mapping::TransformerConfig config;
  auto stored = store.GetTransformerConfig(tenant, target.id);
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) {
    ES_ASSIGN_OR_RETURN(config, mapping::TransformerConfig::FromJson(**stored));
  }

  ReconcileReport report;
  std::map<std::string, std::map<std::string, Expected>> by_type;  // type → qbo id → expected
  woo::ListQuery q;
  q.orderby = "id";
  q.statuses = config.order_statuses;
  for (int page = 1;; ++page) {
    q.page = page;
    auto res = connectors->woo->ListOrders(q);
    if (!res.ok()) return res.status().WithContext("fetching WooCommerce orders page " + std::to_string(page));
    for (const auto& o : res->items) {
      ++report.orders;
      auto m = store.GetMapping(tenant, target.id, "order", o.source_id);
      if (!m.ok()) return m.status();
      if (!m->has_value()) {
        ++report.missing;
        Note(report, o.source_id, "no QBO document", o.total.ToString(), "", "");
        continue;
      }
      by_type[(*m)->target_type][(*m)->target_id] = {o.source_id, o.total.ToDecimal()};
    }
    report.orders += static_cast<int64_t>(res->failures.size());
    for (const auto& f : res->failures) Note(report, f.source_id, "unreadable order: " + f.reason, "", "", "");
    if (!res->HasMore() || res->items.empty()) break;
  }
  for (const auto& [type, group] : by_type) ES_RETURN_IF_ERROR(CheckGroup(*connectors->gateway, type, group, report));
  return report;
}

}  // namespace es::engine
