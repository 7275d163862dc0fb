#include <algorithm>

#include "engine/connector.h"

namespace es::engine {

Result<Json> ConnectionSecret(const store::Connection& c) {
  if (c.secret.empty()) return Json::object();
  auto j = ParseJson(c.secret);
  if (!j.ok() || !j->is_object())
    return Status::Validation("connection '" + c.id + "': stored credentials are not a JSON object");
  return j;
}

Status CheckSettingsKeys(const Json& obj, const std::set<std::string>& known, const char* what) {
  if (!obj.is_object()) return Status::Validation(std::string(what) + " must be a JSON object");
  for (const auto& [key, value] : obj.items()) {
    (void)value;
    if (known.count(key)) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    return Status::Validation(std::string(what) + ": unknown key '" + key + "' (known: " + list + ")");
  }
  return Status::Ok();
}

Status MissingSetting(const store::Connection& c, const std::string& field, const char* where) {
  return Status::Validation("connection '" + c.id + "': " + where + " field '" + field + "' is missing");
}

Status Registry::Register(Platform platform) {
  if (platform.kind.empty()) return Status::Validation("a platform needs a kind");
  if (Find(platform.kind) != nullptr) return Status::Conflict("platform '" + platform.kind + "' is already registered");
  platforms_.push_back(std::move(platform));
  return Status::Ok();
}

Status Registry::AddRoute(RouteKey key, int rank) {
  const Platform* s = Find(key.source);
  const Platform* t = Find(key.target);
  if (s == nullptr || t == nullptr)
    return Status::Validation("route " + key.source + " -> " + key.target + ": register both platforms first");
  const std::string entity = StoreEntity(key.entity);
  if (std::find(s->reads.begin(), s->reads.end(), entity) == s->reads.end())
    return Status::Validation("route " + key.source + " -> " + key.target + ": " + key.source + " does not read '" +
                              key.entity + "'");
  if (std::find(t->writes.begin(), t->writes.end(), entity) == t->writes.end())
    return Status::Validation("route " + key.source + " -> " + key.target + ": " + key.target + " does not write '" +
                              key.entity + "'");
  if (routes_.count(key))
    return Status::Conflict("route " + key.source + " -> " + key.target + " '" + key.entity + "' is already registered");
  routes_[key] = rank;
  added_[key] = static_cast<int>(added_.size());
  return Status::Ok();
}

const Platform* Registry::Find(const std::string& kind) const {
  for (const auto& p : platforms_)
    if (p.kind == kind) return &p;
  return nullptr;
}

std::vector<std::string> Registry::Kinds() const {
  std::vector<std::string> out;
  for (const auto& p : platforms_) out.push_back(p.kind);
  return out;
}

std::vector<std::string> Registry::Entities(const std::string& source, const std::string& target) const {
  std::vector<std::pair<int, std::string>> found;
  for (const auto& [k, rank] : routes_)
    if (k.source == source && k.target == target) found.emplace_back(rank, k.entity);
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& [rank, name] : found) out.push_back(name);
  return out;
}

std::string Registry::RouteFor(const std::string& source, const std::string& target,
                               const std::string& entity) const {
  for (const auto& name : Entities(source, target))
    if (name == entity || StoreEntity(name) == entity) return name;
  return "";
}

bool Registry::HasRoute(const RouteKey& key) const { return routes_.count(key) > 0; }

bool Registry::IsReverse(const RouteKey& key) const {
  auto self = added_.find(key);
  auto other = added_.find({key.target, key.source, key.entity});
  return self != added_.end() && other != added_.end() && other->second < self->second;
}

Status Registry::CheckRoute(const RouteKey& key) const {
  if (HasRoute(key)) return Status::Ok();
  std::string known;
  for (const auto& e : Entities(key.source, key.target)) known += (known.empty() ? "" : ", ") + e;
  return Status::Validation("no route from '" + key.source + "' to '" + key.target + "' for entity '" + key.entity +
                            "'" + (known.empty() ? " (this pair has no routes)" : " (supported: " + known + ")"));
}

}  // namespace es::engine
