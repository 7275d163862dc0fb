#include "server/api_util.h"

#include <algorithm>

#include "platforms/platforms.h"

namespace es::server {
namespace {
constexpr const char* kMask = "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2";  // ••••
constexpr const char* kEllipsis = "\xE2\x80\xA6";                                // …
}  // namespace

Json MaskCredentials(const std::string& secret) {
  Json out = Json::object();
  if (secret.empty()) return out;
  auto j = ParseJson(secret);
  if (!j.ok() || !j->is_object()) return out;
  for (auto it = j->begin(); it != j->end(); ++it) {
    const std::string& key = it.key();
    const Json& v = it.value();
    if (IsJsonNumber(v) && !v.is_string()) {
      out[key] = v;
    } else if (v.is_string() && (key == "consumer_key" || key == "client_id") && v.get<std::string>().size() >= 12) {
      const std::string s = v.get<std::string>();
      out[key] = s.substr(0, 3) + kEllipsis + s.substr(s.size() - 4);
    } else {
      out[key] = kMask;
    }
  }
  return out;
}

std::string MaskUrlUserinfo(const std::string& url) {
  const size_t sep = url.find("://");
  if (sep == std::string::npos) return url;
  const size_t start = sep + 3;
  const size_t end = std::min(url.find_first_of("/?#\\", start), url.size());
  const size_t at = url.rfind('@', end == 0 ? 0 : end - 1);
  if (at == std::string::npos || at < start) return url;
  return url.substr(0, start) + kMask + url.substr(at);
}

Json ConnectionJson(const store::Connection& c, const ProbeResult* status) {
  Json config = c.config.is_object() ? c.config : Json::object();
  for (auto it = config.begin(); it != config.end(); ++it) {
    if (it->is_string()) *it = MaskUrlUserinfo(it->get<std::string>());
  }
  Json j = {{"id", c.id},
            {"kind", c.kind},
            {"name", c.name},
            {"enabled", c.enabled},
            {"config", config},
            {"credentials", MaskCredentials(c.secret)},
            {"updatedAt", c.updated_at_ms ? FormatIso8601Utc(c.updated_at_ms) : ""}};
  if (c.kind == "qbo") {
    auto s = ParseJson(c.secret.empty() ? "{}" : c.secret);
    j["connected"] = s.ok() && s->is_object() && !GetStringOr(*s, "refresh_token").empty();
  }
  if (status != nullptr) j["status"] = status->ToJson();
  return j;
}

Json RunJson(const store::SyncRun& r) {
  return {{"id", r.id},
          {"status", store::RunStatusName(r.status)},
          {"source", r.source_connection},
          {"target", r.target_connection},
          {"entities", r.entities},
          {"mode", r.mode},
          {"dryRun", r.dry_run},
          {"triggeredBy", r.triggered_by},
          {"startedAt", r.started_at_ms ? FormatIso8601Utc(r.started_at_ms) : ""},
          {"finishedAt", r.finished_at_ms ? FormatIso8601Utc(r.finished_at_ms) : ""},
          {"totals",
           {{"fetched", r.totals.fetched},
            {"created", r.totals.created},
            {"updated", r.totals.updated},
            {"skipped", r.totals.skipped},
            {"failed", r.totals.failed}}},
          {"counts", r.counts},
          {"error", r.error}};
}

Json FailedJson(const store::FailedRecord& f) {
  return {{"source", f.source_connection},
          {"target", f.target_connection},
          {"entity", f.entity},
          {"sourceId", f.source_id},
          {"category", f.category},
          {"code", f.code},
          {"message", f.message},
          {"retryCount", f.retry_count},
          {"firstFailedAt", FormatIso8601Utc(f.first_failed_at_ms)},
          {"lastAttemptAt", FormatIso8601Utc(f.last_attempt_at_ms)},
          {"runId", f.run_id}};
}

Json HistoryJson(const store::HistoryEntry& h) {
  return {{"at", FormatIso8601Utc(h.at_ms)},
          {"runId", h.run_id},
          {"source", h.source_connection},
          {"target", h.target_connection},
          {"mode", h.mode},
          {"dryRun", h.dry_run},
          {"triggeredBy", h.triggered_by},
          {"entity", h.entity},
          {"sourceId", h.source_id},
          {"status", h.action},
          {"targetId", h.target_id},
          {"message", h.message},
          {"durationUs", h.duration_us}};
}

Json AuditJson(const store::AuditEntry& e) {
  return {{"at", FormatIso8601Utc(e.at_ms)},
          {"userId", e.user_id},
          {"action", e.action},
          {"target", e.target},
          {"detail", e.detail}};
}

bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

Result<int64_t> ParseTimeParam(const std::string& text, const std::string& name) {
  if (text.empty()) return int64_t{0};
  bool digits = text.size() <= 15;
  for (char c : text) digits = digits && c >= '0' && c <= '9';
  if (digits) return static_cast<int64_t>(std::stoll(text));
  int64_t ms = ParseIso8601(text);
  if (ms < 0) {
    return Status::Validation("query parameter '" + name +
                              "' must be an ISO-8601 date/time or Unix milliseconds");
  }
  return ms;
}

Result<int64_t> ParseCountParam(const std::string& text, const std::string& name, int64_t fallback, int64_t max) {
  if (text.empty()) return fallback;
  bool digits = text.size() <= 12;
  for (char c : text) digits = digits && c >= '0' && c <= '9';
  if (!digits) return Status::Validation("query parameter '" + name + "' must be a non-negative integer");
  int64_t v = std::stoll(text);
  if (v > max) return Status::Validation("query parameter '" + name + "' must be at most " + std::to_string(max));
  return v;
}

Result<ListWindow> ParseListWindow(const std::string& from, const std::string& to, const std::string& limit,
                                   int64_t default_limit, int64_t max_limit) {
  ListWindow w;
  ES_ASSIGN_OR_RETURN(w.from_ms, ParseTimeParam(from, "from"));
  ES_ASSIGN_OR_RETURN(w.to_ms, ParseTimeParam(to, "to"));
  if (w.to_ms != 0 && w.to_ms < w.from_ms) return Status::Validation("'to' is before 'from'");
  ES_ASSIGN_OR_RETURN(int64_t n, ParseCountParam(limit, "limit", default_limit, max_limit));
  if (n == 0) return Status::Validation("'limit' must be at least 1");
  w.limit = static_cast<int>(n);
  return w;
}

Result<std::string> RouteEntity(const std::string& source_kind, const std::string& target_kind,
                                const std::string& entity) {
  const auto& registry = platforms::Registry();
  std::string route = registry.RouteFor(source_kind, target_kind, entity);
  if (!route.empty()) return route;
  const auto names = registry.Entities(source_kind, target_kind);
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  return Status::Validation("unknown entity '" + entity + "' for " + source_kind + " → " + target_kind +
                            " (expected one of: " + known + ")");
}

Result<std::string> DefaultConnection(store::StateStore& store, const std::string& tenant, const std::string& kind,
                                      const char* field) {
  auto list = store.ListConnections(tenant);
  if (!list.ok()) return list.status();
  std::vector<std::string> ids;
  for (const auto& c : *list)
    if (c.kind == kind && c.enabled) ids.push_back(c.id);
  if (ids.size() == 1) return ids[0];
  return Status::Validation(std::string("'") + field + "' is required: the tenant has " +
                            std::to_string(ids.size()) + " enabled " + kind + " connections");
}

}  // namespace es::server
