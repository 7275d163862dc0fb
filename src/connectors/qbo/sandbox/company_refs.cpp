// Reference resolution and the field checks shared by all entities.
#include "connectors/qbo/sandbox/company.h"

namespace es::qbo::sandbox {
namespace {

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

constexpr std::string_view kDeletedSuffix = " (deleted)";

}  // namespace

Outcome<const Company::Record*> Company::Resolve(std::string_view entity, Json& ref,
                                                 std::string_view element) const {
  if (!ref.is_object()) return ErrInvalidReference(element, "a reference must be an object {\"value\": Id}");
  auto v = ref.find("value");
  if (v == ref.end() || !(v->is_string() || IsJsonNumber(*v)))
    return ErrRequiredParam(std::string(element) + ".value");
  std::string id = ScalarText(*v);
  const Record* r = Find(entity, id);
  if (!r || r->deleted)
    return ErrInvalidReference(element, std::string(entity) + " " + id + " does not exist");
  if (!r->obj.value("Active", true)) return ErrObjectNotFound(entity, id);
  ref["value"] = id;
  const EntityInfo* e = EntityByName(entity);
  if (e && !e->name_field.empty()) {
    auto n = r->obj.find(std::string(e->name_field));
    if (n != r->obj.end()) ref["name"] = *n;
  } else if (entity == "Account" || entity == "PaymentMethod" || entity == "TaxCode") {
    ref["name"] = r->obj.value("Name", "");
  }
  return r;
}

std::optional<ApiError> Company::CheckLength(const Json& obj, std::string_view field, size_t max) {
  auto it = obj.find(std::string(field));
  if (it == obj.end()) return std::nullopt;
  if (!it->is_string()) {
    if (it->is_null()) return std::nullopt;
    return ErrUnsupportedProperty(field, "must be a string");
  }
  if (CodePoints(it->get_ref<const std::string&>()) > max) return ErrLength(field, max);
  return std::nullopt;
}

std::optional<ApiError> Company::CheckNameChars(const Json& obj, std::string_view field) {
  auto it = obj.find(std::string(field));
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  const std::string& s = it->get_ref<const std::string&>();
  if (s.find_first_of(":\t\n\r") != std::string::npos) {
    ApiError e = ErrUnsupportedProperty(field, "may not contain a colon (:), tab or newline");
    e.message = "Invalid character";
    return e;
  }
  return std::nullopt;
}

std::optional<ApiError> Company::CheckUnknownFields(const EntityInfo& e, const Json& body) const {
  for (auto it = body.begin(); it != body.end(); ++it)
    if (!IsKnownField(e, it.key())) return ErrUnsupportedProperty(it.key());
  return std::nullopt;
}

std::optional<ApiError> Company::CheckUniqueName(std::string_view entity, const std::string& name,
                                                 const std::string& self_id) const {
  const Table* t = find_table(entity);
  if (!t) return std::nullopt;
  auto it = t->names.find(Lower(name));
  if (it != t->names.end() && it->second != self_id) return ErrDuplicateName(it->second);
  return std::nullopt;
}

std::string Company::DeletedSuffixed(const std::string& name, bool active) {
  bool has = name.size() >= kDeletedSuffix.size() &&
             name.compare(name.size() - kDeletedSuffix.size(), kDeletedSuffix.size(), kDeletedSuffix) == 0;
  if (active) return has ? name.substr(0, name.size() - kDeletedSuffix.size()) : name;
  return has ? name : name + std::string(kDeletedSuffix);
}

}  // namespace es::qbo::sandbox
