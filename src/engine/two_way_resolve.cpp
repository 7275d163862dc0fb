#include "engine/two_way_resolve.h"

namespace es::engine {

Json ConflictJson(const store::ConflictRecord& c) {
  auto side = [](const std::string& conn, const std::string& kind, const std::string& record, const Json& value,
                 int64_t modified) {
    return Json{{"connection", conn},
                {"kind", kind},
                {"recordId", record},
                {"value", value},
                {"modifiedAt", modified > 0 ? Json(FormatIso8601Utc(modified)) : Json(nullptr)}};
  };
  return Json{{"id", c.id},
              {"entity", c.entity},
              {"recordKey", c.record_key},
              {"status", c.status},
              {"strategy", c.strategy},
              {"winner", c.winner.empty() ? Json(nullptr) : Json(c.winner)},
              {"resolvedBy", c.resolved_by.empty() ? Json(nullptr) : Json(c.resolved_by)},
              {"createdAt", FormatIso8601Utc(c.created_at_ms)},
              {"resolvedAt", c.resolved_at_ms > 0 ? Json(FormatIso8601Utc(c.resolved_at_ms)) : Json(nullptr)},
              {"sides", Json::array({side(c.side_a, c.kind_a, c.record_a, c.value_a, c.modified_a_ms),
                                     side(c.side_b, c.kind_b, c.record_b, c.value_b, c.modified_b_ms)})}};
}

Result<Resolution> ResolveConflict(store::StateStore& store, const Registry& registry, Clock& clock,
                                   const std::string& tenant, int64_t id, const std::string& take,
                                   const std::string& user) {
  ES_ASSIGN_OR_RETURN(auto found, store.GetConflict(tenant, id));
  if (!found) return Status::NotFound("conflict " + std::to_string(id) + " not found");
  const store::ConflictRecord& c = *found;
  if (take != c.kind_a && take != c.kind_b)
    return Status::Validation("take '" + take + "' is neither side of conflict " + std::to_string(id) + " (" +
                              c.kind_a + " or " + c.kind_b + ")");
  if (c.status != "open")
    return Status::Conflict("conflict " + std::to_string(id) + " is not open (" + c.status + ")");
  const bool a_wins = take == c.kind_a;
  const std::string& win_conn = a_wins ? c.side_a : c.side_b;
  const std::string& win_record = a_wins ? c.record_a : c.record_b;
  const std::string& lose_conn = a_wins ? c.side_b : c.side_a;
  const std::string& lose_record = a_wins ? c.record_b : c.record_a;
  const std::string& lose_hash = a_wins ? c.hash_b : c.hash_a;
  const std::string& lose_kind = a_wins ? c.kind_b : c.kind_a;
  const std::string route = registry.RouteFor(take, lose_kind, c.entity);
  if (route.empty())
    return Status::Validation("no route from '" + take + "' to '" + lose_kind + "' for " + c.entity +
                              ": the chosen value cannot be written across");

  ES_RETURN_IF_ERROR(store.ResolveConflict(tenant, id, take, user, clock.NowMillis()));
  // The loser's conflicting value counts as synced, the winner's as new.
  store::TwoWayState lose;
  lose.tenant_id = tenant;
  lose.entity = c.entity;
  lose.record_key = c.record_key;
  lose.side = lose_conn;
  lose.record_id = lose_record;
  lose.content_hash = lose_hash;
  lose.updated_at_ms = clock.NowMillis();
  ES_RETURN_IF_ERROR(store.PutTwoWayState(lose));
  store::TwoWayState win = lose;
  win.side = win_conn;
  win.record_id = win_record;
  win.content_hash = "";
  ES_RETURN_IF_ERROR(store.PutTwoWayState(win));
  // The target's own unchanged-content skip (the id map's fingerprint of
  // what was last written from the chosen record) would otherwise drop the
  // write when the chosen side did not change since its last sync: forget
  // it for exactly this record, so the next run of the route writes it.
  ES_ASSIGN_OR_RETURN(auto mapping, store.GetMapping(tenant, lose_conn, c.entity, win_record));
  if (mapping && !mapping->fingerprint.empty()) {
    mapping->fingerprint.clear();
    mapping->updated_at_ms = clock.NowMillis();
    ES_RETURN_IF_ERROR(store.PutMapping(*mapping));
  }

  store::AuditEntry audit;
  audit.tenant_id = tenant;
  audit.at_ms = clock.NowMillis();
  audit.user_id = user;
  audit.action = "conflict.resolve";
  audit.target = "conflict:" + std::to_string(id);
  audit.detail = {{"take", take}, {"recordKey", c.record_key}, {"entity", c.entity},
                  {"values", {{c.kind_a, c.value_a}, {c.kind_b, c.value_b}}}};
  ES_RETURN_IF_ERROR(store.AddAudit(audit));

  Resolution r;
  ES_ASSIGN_OR_RETURN(auto now, store.GetConflict(tenant, id));
  r.conflict = now ? *now : c;
  r.sync.tenant_id = tenant;
  // The sides are state keys (sandbox mode's carry a suffix); the run takes connection ids.
  r.sync.source_connection = ConnectionOfStateKey(win_conn);
  r.sync.target_connection = ConnectionOfStateKey(lose_conn);
  r.sync.entities = {route};
  r.sync.mode = "incremental";
  r.sync.ids = {win_record};
  r.sync.triggered_by = "conflict";
  return r;
}

}  // namespace es::engine
