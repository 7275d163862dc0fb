// WooCommerce JSON ⇄ canonical model. Pure functions, no I/O.
// Order statuses map through model::ParseOrderStatus ("trash" included).
// Decoders validate types and money formats and return a Validation status
// naming the offending field ("line_items[2].total: invalid number 'abc'").
#pragma once

#include "common/json.h"
#include "common/status.h"
#include "model/customer.h"
#include "model/order.h"
#include "model/product.h"

namespace es::woo {

Result<model::Order> DecodeOrder(const Json& j);
Result<model::Customer> DecodeCustomer(const Json& j);
Result<model::Product> DecodeProduct(const Json& j);
// `parent_id` is the product the variation belongs to (the path id).
Result<model::Product> DecodeVariation(const Json& j, const std::string& parent_id);
// Product JSON carries no currency: the overloads above read prices as
// kDefaultCurrency; these take the store currency. Prices are stored with
// any number of decimals ("9.995") and are rounded to the currency's minor
// unit. A product whose `type` is "variation" decodes as a variation.
inline constexpr const char* kDefaultCurrency = "USD";
Result<model::Product> DecodeProduct(const Json& j, const std::string& currency);
Result<model::Product> DecodeVariation(const Json& j, const std::string& parent_id,
                                       const std::string& currency);
// A refund object (orders/{id}/refunds/{id}): line_items, shipping_lines,
// fee_lines and tax_lines keep the negative quantities/totals Woo gives;
// `amount` is read as positive.
Result<model::Refund> DecodeRefund(const Json& j, const std::string& order_id, const std::string& currency);

// The customer an order belongs to: the registered customer (id from
// customer_id) or, for guests, a guest customer keyed "guest:<lower-cased
// billing email>" (or "guest:order-<id>" when there is no email).
model::Customer CustomerFromOrder(const model::Order& order);

// Parses Woo dates ("2024-03-22T19:28:02", always UTC for *_gmt fields).
// Returns Unix milliseconds, or -1 when the text is not a date.
int64_t ParseWooDate(const std::string& text);

}  // namespace es::woo
