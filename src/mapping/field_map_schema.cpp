// Known source record schemas for mapping validation: the fields of a
// WooCommerce REST v3 order (reference/woocommerce.md), so that a typo in a
// source path is caught before the mapping is used.
#include "mapping/field_map.h"

namespace es::mapping {
namespace {

constexpr const char* kWooOrder = R"json({
  "id": "id", "parent_id": "id", "number": "string", "order_key": "string", "created_via": "string",
  "version": "string", "status": "string", "currency": "string", "currency_symbol": "string",
  "date_created": "date", "date_created_gmt": "date", "date_modified": "date", "date_modified_gmt": "date",
  "date_paid": "date", "date_paid_gmt": "date", "date_completed": "date", "date_completed_gmt": "date",
  "discount_total": "number", "discount_tax": "number", "shipping_total": "number", "shipping_tax": "number",
  "cart_tax": "number", "total": "number", "total_tax": "number", "prices_include_tax": "bool",
  "customer_id": "id", "customer_ip_address": "string", "customer_user_agent": "string",
  "customer_note": "string", "payment_method": "string", "payment_method_title": "string",
  "transaction_id": "string", "cart_hash": "string", "payment_url": "string", "is_editable": "bool",
  "needs_payment": "bool", "needs_processing": "bool",
  "billing": {"first_name": "string", "last_name": "string", "company": "string", "address_1": "string",
              "address_2": "string", "city": "string", "state": "string", "postcode": "string",
              "country": "string", "email": "string", "phone": "string"},
  "shipping": {"first_name": "string", "last_name": "string", "company": "string", "address_1": "string",
               "address_2": "string", "city": "string", "state": "string", "postcode": "string",
               "country": "string", "phone": "string"},
  "meta_data": [{"id": "id", "key": "string", "value": "any"}],
  "line_items": [{"id": "id", "name": "string", "product_id": "id", "variation_id": "id", "quantity": "number",
                  "tax_class": "string", "subtotal": "number", "subtotal_tax": "number", "total": "number",
                  "total_tax": "number", "sku": "string", "price": "number", "parent_name": "string",
                  "taxes": [{"id": "id", "total": "number", "subtotal": "number"}],
                  "meta_data": [{"id": "id", "key": "string", "value": "any", "display_key": "string",
                                 "display_value": "any"}],
                  "image": "any"}],
  "tax_lines": [{"id": "id", "rate_code": "string", "rate_id": "id", "label": "string", "compound": "bool",
                 "tax_total": "number", "shipping_tax_total": "number", "rate_percent": "number",
                 "meta_data": [{"id": "id", "key": "string", "value": "any"}]}],
  "shipping_lines": [{"id": "id", "method_title": "string", "method_id": "string", "instance_id": "string",
                      "total": "number", "total_tax": "number", "taxes": [{"id": "id", "total": "number"}],
                      "meta_data": [{"id": "id", "key": "string", "value": "any"}]}],
  "fee_lines": [{"id": "id", "name": "string", "tax_class": "string", "tax_status": "string",
                 "amount": "number", "total": "number", "total_tax": "number",
                 "taxes": [{"id": "id", "total": "number", "subtotal": "number"}],
                 "meta_data": [{"id": "id", "key": "string", "value": "any"}]}],
  "coupon_lines": [{"id": "id", "code": "string", "discount": "number", "discount_tax": "number",
                    "meta_data": [{"id": "id", "key": "string", "value": "any"}]}],
  "refunds": [{"id": "id", "reason": "string", "total": "number"}]
})json";

}  // namespace

const SourceSchema* KnownSourceSchema(const std::string& source_kind, const std::string& entity) {
  static const SourceSchema kOrder{Json::parse(kWooOrder)};
  if ((source_kind == "woo" || source_kind.empty()) && entity == "order") return &kOrder;
  return nullptr;
}

}  // namespace es::mapping
