// Customers, products and variations.
#include "connectors/woo/codec.h"
#include "connectors/woo/codec_fields.h"

namespace es::woo {
namespace {

using detail::FieldReader;

template <typename V>
int64_t GmtDate(FieldReader& r, const V& j, const std::string& field) {
  int64_t ms = r.Date(j, field + "_gmt", "");
  if (ms == 0) ms = r.Date(j, field, "");
  return ms;
}

Result<model::ProductKind> KindFromType(const std::string& type) {
  if (type.empty() || type == "simple") return model::ProductKind::kSimple;
  if (type == "variable") return model::ProductKind::kVariable;
  if (type == "variation") return model::ProductKind::kVariation;
  if (type == "grouped") return model::ProductKind::kGrouped;
  if (type == "external") return model::ProductKind::kExternal;
  // Plugins register more types (subscriptions, bundles): sell them as simple items.
  return model::ProductKind::kSimple;
}

// Fields shared by products and variations.
template <typename V>
void DecodeCommon(FieldReader& r, const V& j, const std::string& currency, model::Product& p) {
  p.sku = r.Text(j, "sku", "");
  p.status = r.Text(j, "status", "");
  p.price = r.Price(j, "price", "", currency);
  p.regular_price = r.Price(j, "regular_price", "", currency);
  p.tax_status = r.Text(j, "tax_status", "");
  p.tax_class = r.Text(j, "tax_class", "");
  p.manage_stock = r.Bool(j, "manage_stock", "", false);
  p.stock_quantity = r.OptionalNumber(j, "stock_quantity", "");
  p.is_virtual = r.Bool(j, "virtual", "", false);
  p.description = r.Text(j, "description", "");
  p.created_at_ms = GmtDate(r, j, "date_created");
  p.modified_at_ms = GmtDate(r, j, "date_modified");
  if (p.modified_at_ms == 0) p.modified_at_ms = p.created_at_ms;
}

template <typename V>
Result<model::Product> DecodeVariationImpl(FieldReader& r, const V& j, const std::string& parent_id,
                                           const std::string& currency) {
  model::Product p;
  p.source_id = r.Id(j, "id", "", true);
  if (!r.ok()) return r.error();
  r.set_id(p.source_id);
  p.kind = model::ProductKind::kVariation;
  p.parent_source_id = parent_id.empty() ? r.Id(j, "parent_id", "", false) : parent_id;
  DecodeCommon(r, j, currency, p);
  if (const V* attrs = r.Array(j, "attributes", "")) {
    detail::EachElement(*attrs, [&](const V& a, size_t i) {
      if (!r.ok()) return false;
      std::string at = FieldReader::Index("", "attributes", i);
      if (!a.is_object()) {
        r.Fail(at, "expected an object, got " + detail::JsonTypeName(a));
        return false;
      }
      p.attributes.push_back({r.Text(a, "name", at), r.Text(a, "option", at)});
      return true;
    });
  }
  p.name = r.Text(j, "name", "");
  if (p.name.empty()) {  // older versions have no name: "Black, L"
    for (const auto& a : p.attributes) p.name += (p.name.empty() ? "" : ", ") + a.option;
  }
  if (!r.ok()) return r.error();
  return p;
}

template <typename V>
Result<model::Customer> DecodeCustomerT(const V& j) {
  FieldReader r("customer");
  if (!j.is_object()) return Status::Validation("customer: expected a JSON object, got " + detail::JsonTypeName(j));
  model::Customer c;
  c.source_id = r.Id(j, "id", "", true);
  if (!r.ok()) return r.error();
  r.set_id(c.source_id);
  c.email = r.Text(j, "email", "");
  c.first_name = r.Text(j, "first_name", "");
  c.last_name = r.Text(j, "last_name", "");
  c.username = r.Text(j, "username", "");
  c.billing = r.Address(j, "billing", "");
  c.shipping = r.Address(j, "shipping", "");
  c.company = c.billing.company;
  c.created_at_ms = GmtDate(r, j, "date_created");
  c.modified_at_ms = GmtDate(r, j, "date_modified");
  if (c.modified_at_ms == 0) c.modified_at_ms = c.created_at_ms;
  if (!r.ok()) return r.error();
  return c;
}

template <typename V>
Result<model::Product> DecodeProductT(const V& j, const std::string& currency) {
  FieldReader r("product");
  if (!j.is_object()) return Status::Validation("product: expected a JSON object, got " + detail::JsonTypeName(j));
  std::string type = r.Text(j, "type", "");
  if (!r.ok()) return r.error();
  if (type == "variation") return DecodeVariationImpl(r, j, "", currency);
  model::Product p;
  p.source_id = r.Id(j, "id", "", true);
  if (!r.ok()) return r.error();
  r.set_id(p.source_id);
  p.kind = *KindFromType(type);
  p.name = r.Text(j, "name", "");
  DecodeCommon(r, j, currency, p);
  if (const V* attrs = r.Array(j, "attributes", "")) {
    detail::EachElement(*attrs, [&](const V& a, size_t i) {
      if (!r.ok()) return false;
      std::string at = FieldReader::Index("", "attributes", i);
      if (!a.is_object()) {
        r.Fail(at, "expected an object, got " + detail::JsonTypeName(a));
        return false;
      }
      model::ProductAttribute attr{r.Text(a, "name", at), {}};
      if (const V* options = r.Array(a, "options", at)) {
        detail::EachElement(*options, [&](const V& opt, size_t) {
          if (!opt.is_string() && !detail::IsNumber(opt)) {
            r.Fail(FieldReader::Path(at, "options"), "expected strings, got " + detail::JsonTypeName(opt));
            return false;
          }
          attr.option += (attr.option.empty() ? "" : ", ") + detail::TextOf(opt);
          return true;
        });
      }
      p.attributes.push_back(std::move(attr));
      return true;
    });
  }
  if (const V* vars = r.Array(j, "variations", "")) {
    detail::EachElement(*vars, [&](const V& v, size_t i) {
      if (!r.ok()) return false;
      // Ids normally; some plugins expand variations into objects with an id.
      const std::string at = FieldReader::Index("", "variations", i);
      std::string id = v.is_object() ? r.Id(v, "id", at, true) : r.IdOf(&v, FieldReader::Path(at, "id"), true);
      if (!id.empty()) p.variation_ids.push_back(id);
      return true;
    });
  }
  if (!r.ok()) return r.error();
  return p;
}

template <typename V>
Result<model::Product> DecodeVariationT(const V& j, const std::string& parent_id, const std::string& currency) {
  FieldReader r("variation");
  if (!j.is_object()) return Status::Validation("variation: expected a JSON object, got " + detail::JsonTypeName(j));
  return DecodeVariationImpl(r, j, parent_id, currency);
}

}  // namespace

Result<model::Customer> DecodeCustomer(const Json& j) { return DecodeCustomerT(j); }
Result<model::Customer> DecodeCustomer(const detail::TapeNode& j) { return DecodeCustomerT(j); }

Result<model::Product> DecodeProduct(const Json& j) { return DecodeProduct(j, kDefaultCurrency); }
Result<model::Product> DecodeProduct(const Json& j, const std::string& currency) { return DecodeProductT(j, currency); }
Result<model::Product> DecodeProduct(const detail::TapeNode& j, const std::string& currency) {
  return DecodeProductT(j, currency);
}

Result<model::Product> DecodeVariation(const Json& j, const std::string& parent_id) {
  return DecodeVariation(j, parent_id, kDefaultCurrency);
}
Result<model::Product> DecodeVariation(const Json& j, const std::string& parent_id, const std::string& currency) {
  return DecodeVariationT(j, parent_id, currency);
}
Result<model::Product> DecodeVariation(const detail::TapeNode& j, const std::string& parent_id,
                                       const std::string& currency) {
  return DecodeVariationT(j, parent_id, currency);
}

}  // namespace es::woo
