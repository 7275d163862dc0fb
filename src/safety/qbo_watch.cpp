#include "safety/qbo_watch.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "common/crypto.h"
#include "connectors/qbo/client.h"
#include "connectors/qbo/sync/qbo_platform.h"

namespace es::safety {
namespace {

constexpr char kCursorEntity[] = "safety-qbo-cdc";
constexpr int64_t kCdcWindowMs = 30LL * 24 * 3600 * 1000;
constexpr int64_t kWindowSafetyMs = 3600 * 1000;

// Fields QuickBooks changes by itself (payments applied, e-mail sent, …).
constexpr const char* kVolatile[] = {"Id",          "SyncToken",       "MetaData",     "domain",      "sparse",
                                     "Balance",     "HomeBalance",     "LinkedTxn",    "RemainingCredit",
                                     "UnappliedAmt", "EmailStatus",    "PrintStatus",  "DeliveryInfo", "status",
                                     "time"};

std::string Text(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

const std::vector<std::string>& WatchedDocumentTypes() {
  static const std::vector<std::string> kTypes = {"Invoice", "SalesReceipt", "CreditMemo", "RefundReceipt",
                                                  "Payment"};
  return kTypes;
}

std::vector<std::string> MappingEntitiesOf(const std::string& doc_type) {
  if (doc_type == "Invoice" || doc_type == "SalesReceipt") return {"order"};
  if (doc_type == "CreditMemo" || doc_type == "RefundReceipt") return {"refund"};
  if (doc_type == "Payment") return {"payment", "credit"};
  return {};
}

std::string WatchedContentHash(const Json& document) {
  Json d = document.is_object() ? document : Json::object();
  for (const char* k : kVolatile) d.erase(k);
  // nlohmann's object keys are sorted: dump() is canonical.
  return crypto::Hex(crypto::Sha256(d.dump())).substr(0, 32);
}

Json CdcCheckResult::ToJson() const {
  Json f = Json::array();
  for (const DocumentFinding& x : findings)
    f.push_back({{"kind", x.kind},
                 {"docType", x.doc_type},
                 {"docId", x.doc_id},
                 {"entity", x.entity},
                 {"sourceId", x.source_id}});
  return {{"tenant", tenant_id}, {"connection", connection_id}, {"rows", rows},   {"ours", ours},
          {"deferred", deferred}, {"findings", f},                 {"error", error}};
}

QboWatch::QboWatch(store::StateStore& store, http::Transport& transport, Clock& clock, notify::EventSink* events,
                   QboWatchOptions options, engine::EngineOptions requests)
    : store_(store),
      transport_(transport),
      clock_(clock),
      events_(events),
      options_(options),
      requests_(std::move(requests)) {}

void QboWatch::Report(const store::Connection& qbo, const store::IdMapping& m, DocumentFinding f,
                      CdcCheckResult& out) {
  const int64_t now = clock_.NowMillis();
  store::FailedRecord r;
  r.tenant_id = qbo.tenant_id;
  r.source_connection = m.source_connection;
  r.target_connection = qbo.id;
  r.entity = m.entity;
  r.source_id = m.source_id;
  r.category = std::string(CategoryName(ErrorCategory::kConflict));
  r.code = f.kind == "deleted" ? "qbo_document_deleted" : "qbo_document_changed";
  r.message = f.message;
  r.first_failed_at_ms = now;
  r.last_attempt_at_ms = now;
  r.run_id = "";
  Status put = store_.PutFailed(r);
  if (!put.ok() && out.error.empty()) out.error = "recording " + f.doc_type + " " + f.doc_id + ": " + put.message();
  if (events_ != nullptr) {
    notify::NotificationEvent e;
    e.tenant_id = qbo.tenant_id;
    e.kind = std::string(notify::kQboDocumentChanged);
    e.subject = "QuickBooks " + f.doc_type + " " + f.doc_id + " was " + f.kind + " outside the sync";
    e.message = f.message;
    e.detail = {{"connection", qbo.id},     {"docType", f.doc_type}, {"docId", f.doc_id},
                {"change", f.kind},         {"entity", f.entity},    {"sourceId", f.source_id},
                {"sourceConnection", f.source_connection}};
    e.at_ms = now;
    events_->Notify(e);
  }
  out.findings.push_back(std::move(f));
}

CdcCheckResult QboWatch::Check(const store::Connection& qbo) {
  CdcCheckResult out;
  out.tenant_id = qbo.tenant_id;
  out.connection_id = qbo.id;
  // The realm's gateway, opened as for a run: its budget is the one every
  // run and worker on the realm draws from.
  const engine::ConnectorEnv env{store_, qbo.tenant_id, transport_, clock_, requests_};
  auto session = qbo::OpenQboSession(env, qbo);
  if (!session.ok()) {
    out.error = session.status().message();
    return out;
  }
  session->gateway->set_lane(engine::Lane::kBackfill);  // background work: real-time runs go first
  const int64_t now = clock_.NowMillis();
  auto cursor = store_.GetCursor(qbo.tenant_id, qbo.id, qbo.id, kCursorEntity);
  if (!cursor.ok()) {
    out.error = "reading the CDC cursor: " + cursor.status().message();
    return out;
  }
  int64_t since = now - options_.first_lookback_ms;
  if (cursor->has_value()) {
    const int64_t at = ParseIso8601(**cursor);
    if (at > 0) since = at - options_.margin_ms;
  }
  since = std::max(since, now - kCdcWindowMs + kWindowSafetyMs);

  auto cdc = session->gateway->Cdc(WatchedDocumentTypes(), FormatIso8601Utc(since));
  if (!cdc.ok()) {
    out.error = "QuickBooks change data capture: " + cdc.status().message();
    return out;
  }
  bool complete = true;
  int64_t cursor_limit = INT64_MAX;  // the earliest deferred change
  for (const std::string& type : WatchedDocumentTypes()) {
    auto rows = cdc->rows.find(type);
    if (rows == cdc->rows.end()) continue;
    for (const Json& row : rows->second) {
      ++out.rows;
      const std::string id = Text(row, "Id");
      if (id.empty()) continue;
      std::optional<store::IdMapping> mapping;
      for (const std::string& entity : MappingEntitiesOf(type)) {
        auto m = store_.FindMappingByTarget(qbo.tenant_id, qbo.id, entity, id);
        if (!m.ok()) {
          complete = false;
          out.error = "id map: " + m.status().message();
          break;
        }
        if (m->has_value() && (*m)->target_type == type) {
          mapping = **m;
          break;
        }
      }
      if (!mapping) continue;
      ++out.ours;
      const store::IdMapping& m = *mapping;
      if (m.fingerprint == "deleted") continue;  // the engine deleted it itself (order trashed)
      // A change younger than settle_ms may be a run's write whose mapping
      // is not recorded yet: it is looked at by the next check.
      const int64_t changed_at = ParseIso8601(Text(row.value("MetaData", Json::object()), "LastUpdatedTime"));
      if (options_.settle_ms > 0 && changed_at > now - options_.settle_ms) {
        ++out.deferred;
        cursor_limit = std::min(cursor_limit, changed_at - 1000);
        continue;
      }
      const std::string record = m.entity + " " + m.source_id + " of connection '" + m.source_connection + "'";
      if (Text(row, "status") == "Deleted") {
        // Marked the way the engine marks a document it deleted itself: the
        // record is then left out of later runs (reported as skipped) and
        // never re-created or updated behind the bookkeeper's back.
        store::IdMapping marked = m;
        marked.fingerprint = "deleted";
        marked.updated_at_ms = now;
        Status put = store_.PutMapping(marked);
        if (!put.ok()) {
          complete = false;
          out.error = "marking the mapping of " + type + " " + id + " deleted: " + put.message();
          continue;
        }
        Report(qbo, m,
               {"deleted", type, id, m.entity, m.source_id, m.source_connection,
                "QuickBooks " + type + " " + id + ", written for " + record +
                    ", was deleted in QuickBooks. The sync no longer writes it: later runs leave the record out "
                    "(skipped, 'document " + id + " was deleted'). Book it again by hand if the deletion was a "
                    "mistake."},
               out);
        continue;
      }
      const std::string token = Text(row, "SyncToken");
      const std::string hash = WatchedContentHash(row);
      auto base = store_.GetDocumentHash(qbo.tenant_id, qbo.id, type, id);
      if (!base.ok()) {
        complete = false;
        out.error = "document hash: " + base.status().message();
        continue;
      }
      // A baseline older than the engine's last write to the document says
      // nothing about it: it is replaced, not compared.
      const bool changed = token != m.sync_token && base->has_value() && (*base)->sync_token != token &&
                           (*base)->seen_at_ms >= m.updated_at_ms && (*base)->content_hash != hash;
      if (!base->has_value() || (*base)->sync_token != token) {
        Status put = store_.PutDocumentHash({qbo.tenant_id, qbo.id, type, id, token, hash, now});
        if (!put.ok()) {
          complete = false;
          out.error = "document hash: " + put.message();
          continue;
        }
      }
      if (changed) {
        // Orders: the shop is the source of truth of this one-way route. The
        // fingerprint is cleared, so the next run writes the order's content
        // again (and that write clears the failed entry).
        const bool restore = m.entity == "order";
        if (restore) {
          store::IdMapping stale = m;
          stale.fingerprint.clear();
          stale.updated_at_ms = now;
          Status put = store_.PutMapping(stale);
          if (!put.ok()) {
            complete = false;
            out.error = "marking the mapping of " + type + " " + id + " stale: " + put.message();
            continue;
          }
        }
        Report(qbo, m,
               {"changed", type, id, m.entity, m.source_id, m.source_connection,
                "QuickBooks " + type + " " + id + ", written for " + record +
                    ", was edited in QuickBooks after the sync wrote it (SyncToken " + (*base)->sync_token +
                    " → " + token + "). " +
                    (restore ? "The shop is the source of truth for orders: the next run that reads the order (retry "
                               "this entry) writes its content to the document again and clears this entry; make "
                               "lasting changes in the shop."
                             : "The sync does not write this document again; check the change in QuickBooks.")},
               out);
      }
    }
  }
  if (complete) {
    int64_t next = ParseIso8601(cdc->time);
    if (next <= 0) next = now;
    // Deferred changes must fall inside the next check's window.
    if (cursor_limit != INT64_MAX) next = std::min(next, cursor_limit + options_.margin_ms);
    Status moved = store_.PutCursor(qbo.tenant_id, qbo.id, qbo.id, kCursorEntity, FormatIso8601Utc(next));
    if (!moved.ok() && out.error.empty()) out.error = "moving the CDC cursor: " + moved.message();
  }
  return out;
}

}  // namespace es::safety
