#include "server/mapping_preview.h"

#include <algorithm>

#include "common/crypto.h"
#include "connectors/qbo/codec.h"
#include "mapping/field_map_qbo.h"
#include "mapping/qbo_transform.h"
#include "mapping/transformer_config.h"
#include "platforms/platforms.h"

namespace es::server {
namespace {

// Larger numeric ids are newer (WooCommerce order ids grow).
bool NewerId(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() > b.size();
  return a > b;
}

Result<store::Connection> FirstConnection(store::StateStore& store, const std::string& tenant,
                                          const std::string& wanted, bool source) {
  ES_ASSIGN_OR_RETURN(auto all, store.ListConnections(tenant));
  for (const auto& c : all) {
    if (!wanted.empty() && c.id != wanted) continue;
    const engine::Platform* p = platforms::Registry().Find(c.kind);
    if (p == nullptr) continue;
    const auto& list = source ? p->reads : p->writes;
    const bool can = source ? static_cast<bool>(p->make_source) : static_cast<bool>(p->make_target);
    if (can && std::find(list.begin(), list.end(), "order") != list.end() && (c.enabled || !wanted.empty())) return c;
  }
  if (!wanted.empty()) return Status::NotFound("connection '" + wanted + "' not found or cannot handle orders");
  return Status::NotFound(std::string("no enabled connection that ") + (source ? "delivers" : "takes") + " orders");
}

Result<engine::SourceRecord> FetchSample(engine::Source& source, const std::string& source_id) {
  engine::FetchRequest req;
  req.entity = "order";
  if (!source_id.empty()) req.ids = {source_id};
  ES_ASSIGN_OR_RETURN(engine::SourcePage page, source.Fetch(req));
  if (source_id.empty() && page.has_more && page.total > 0) {
    req.page = static_cast<int>((page.total + 99) / 100);  // the last page holds the newest ids
    ES_ASSIGN_OR_RETURN(page, source.Fetch(req));
  }
  const engine::SourceRecord* best = nullptr;
  for (const auto& r : page.records) {
    if (!r.order()) continue;
    if (!source_id.empty() && r.source_id != source_id) continue;
    if (best == nullptr || NewerId(r.source_id, best->source_id)) best = &r;
  }
  if (best == nullptr) {
    if (!page.failures.empty() && !source_id.empty())
      return Status::Validation("order " + source_id + " could not be read: " + page.failures.front().reason);
    return Status::NotFound(source_id.empty() ? "the source has no orders" : "order " + source_id + " not found");
  }
  return *best;
}

}  // namespace

Result<std::optional<store::MappingVersion>> CurrentMapping(store::StateStore& store, const std::string& tenant,
                                                            const std::string& name) {
  ES_ASSIGN_OR_RETURN(auto stored, store.GetMappingVersion(tenant, name, 0));
  if (stored) return stored;
  const auto& defaults = mapping::DefaultMappingFiles();
  auto it = defaults.find(name);
  if (it == defaults.end()) return std::optional<store::MappingVersion>();
  store::MappingVersion v;
  v.tenant_id = tenant;
  v.name = name;
  v.version = 0;
  ES_ASSIGN_OR_RETURN(v.document, ParseJson(it->second));
  v.entity = v.document.value("entity", std::string());
  v.author = "default";
  v.note = "default";
  return std::optional<store::MappingVersion>(std::move(v));
}

Result<mapping::FieldMap> CheckMapping(const std::string& name, Json& document,
                                       std::vector<mapping::MappingError>* errors) {
  std::vector<mapping::MappingError> found;
  if (!mapping::ValidMappingName(name)) {
    found.push_back({"name", "'" + name + "': 1–64 of a-z 0-9 . _ -, starting with a letter or digit"});
  } else if (document.is_object()) {
    if (!document.contains("name")) document["name"] = name;
    if (document["name"] != name)
      found.push_back({"name", "the file is named '" + ScalarText(document["name"]) + "', not '" + name + "'"});
  }
  std::optional<mapping::FieldMap> m;
  if (found.empty()) m = mapping::CheckMappingJson(document, "", &found);
  if (!m) {
    std::string msg = "invalid mapping: " + mapping::FormatMappingError(found.front());
    if (errors) *errors = std::move(found);
    return Status::Validation(msg, "invalid_mapping");
  }
  return std::move(*m);
}

Result<engine::PlanSummary> MappingChangePlan(store::StateStore& store, const std::string& tenant,
                                              const mapping::FieldMap& map) {
  ES_ASSIGN_OR_RETURN(bool sandbox, store.SandboxMode(tenant));
  ES_ASSIGN_OR_RETURN(auto connections, store.ListConnections(tenant));
  int64_t mapped = 0;
  for (const auto& c : connections) {
    if (c.kind != map.target) continue;
    ES_ASSIGN_OR_RETURN(int64_t n, store.CountMappings(tenant, engine::StateKey(c.id, sandbox), map.entity));
    mapped += n;
  }
  engine::PlanSummary plan;
  plan.Add(map.entity, "update", mapped);
  return plan;
}

Json MappingChangeRequest(const std::string& name, const mapping::FieldMap& map, const Json& document) {
  return {{"mapping", name},
          {"entity", map.entity},
          {"target", map.target},
          {"document", crypto::Hex(crypto::Sha256(DumpJson(document)))}};
}

Result<int64_t> SaveMapping(store::StateStore& store, const std::string& tenant, const std::string& name,
                            Json document, const std::string& author, const std::string& note, int64_t now_ms,
                            std::vector<mapping::MappingError>* errors) {
  ES_ASSIGN_OR_RETURN(mapping::FieldMap m, CheckMapping(name, document, errors));
  store::MappingVersion v;
  v.tenant_id = tenant;
  v.name = name;
  v.entity = m.entity;
  v.document = std::move(document);
  v.author = author;
  v.note = note;
  v.created_at_ms = now_ms;
  return store.AddMappingVersion(v);
}

Result<Json> PreviewMapping(store::StateStore& store, http::Transport& transport, Clock& clock,
                            const engine::EngineOptions& options, const PreviewInput& in) {
  std::vector<mapping::MappingError> errors;
  // The mapping: a draft, else the one in force.
  Json doc = in.mapping;
  if (doc.is_null()) {
    ES_ASSIGN_OR_RETURN(auto current, CurrentMapping(store, in.tenant, in.name));
    if (!current) return Status::NotFound("mapping '" + in.name + "' not found");
    doc = current->document;
  } else if (doc.is_object() && !doc.contains("name")) {
    doc["name"] = in.name;
  }
  std::optional<mapping::FieldMap> map = mapping::CheckMappingJson(doc, "", &errors);

  // The sample, fetched from the source.
  ES_ASSIGN_OR_RETURN(store::Connection source_conn, FirstConnection(store, in.tenant, in.connection, true));
  const engine::Platform* sp = platforms::Registry().Find(source_conn.kind);
  engine::ConnectorEnv env{store, in.tenant, transport, clock, options};
  ES_ASSIGN_OR_RETURN(auto source, sp->make_source(env, source_conn));
  ES_ASSIGN_OR_RETURN(engine::SourceRecord rec, FetchSample(*source, in.source_id));
  const Json raw = rec.RawTree();
  Json values = Json::object();
  if (map) {
    for (const auto& rule : map->rules)
      for (const auto& p : rule.sources) values[p.text] = mapping::SelectPath(raw, p);
  }
  Json sample = {{"connection", source_conn.id}, {"sourceId", rec.source_id}, {"values", values}, {"record", raw}};

  // The document as the transformer builds it (refs not yet known are placeholders).
  auto target_conn = FirstConnection(store, in.tenant, "", false);
  Json target_config = Json::object();
  if (target_conn.ok()) {
    ES_ASSIGN_OR_RETURN(auto stored, store.GetTransformerConfig(in.tenant, target_conn->id));
    if (stored) target_config = *stored;
  }
  Json output = Json::object();
  auto config = mapping::TransformerConfig::FromJson(target_config);
  const model::Order& order = *rec.order();
  if (!config.ok()) {
    errors.push_back({"", "transformer config: " + config.status().message()});
  } else {
    mapping::ResolvedRefs refs;
    refs.customer_id = "@ref:customer:" + mapping::OrderCustomer(order, *config).source_id;
    for (const auto& line : order.lines) refs.item_ids[mapping::LineItemKey(line)] = "@ref:item:" + mapping::LineItemKey(line);
    refs.fee_item_id = "@ref:item:fee";
    auto built = mapping::OrderToSalesDocument(order, refs, *config);
    if (!built.ok()) errors.push_back({"", "document: " + built.status().message()});
    else output = qbo::EncodeSalesDocument(*built);
  }
  if (map) {
    mapping::IdLookup lookup = [&](const std::string& entity,
                                   const std::string& id) -> Result<std::optional<std::string>> {
      if (!target_conn.ok()) return std::optional<std::string>();
      ES_ASSIGN_OR_RETURN(bool sandbox, store.SandboxMode(in.tenant));
      ES_ASSIGN_OR_RETURN(auto m, store.GetMapping(in.tenant, engine::StateKey(target_conn->id, sandbox), entity, id));
      if (!m) return std::optional<std::string>();
      return std::optional<std::string>(m->target_id);
    };
    for (auto& e : mapping::ApplyOrderMapping(*map, raw, lookup, output)) errors.push_back(std::move(e));
  }
  return Json{{"sample", sample}, {"output", output}, {"errors", mapping::MappingErrorsJson(errors)}};
}

}  // namespace es::server
