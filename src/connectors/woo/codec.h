// WooCommerce JSON ⇄ canonical model. Pure functions, no I/O.
// Two document forms share one set of field rules: list bodies and single
// records given as text are decoded in one pass with simdjson's on-demand
// parser (codec_tape.h: no JSON tree is built, numbers keep their exact
// text); the `Json` overloads read an already parsed tree (webhooks, tests).
// Order statuses map through model::ParseOrderStatus ("trash" included).
// Decoders validate types and money formats and return a Validation status
// naming the offending field ("line_items[2].total: invalid number 'abc'").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "connectors/woo/codec_tape.h"
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

// The same decoders over the on-demand parse (codec_tape.h).
Result<model::Order> DecodeOrder(const detail::TapeNode& j);
Result<model::Customer> DecodeCustomer(const detail::TapeNode& j);
Result<model::Product> DecodeProduct(const detail::TapeNode& j, const std::string& currency);
Result<model::Product> DecodeVariation(const detail::TapeNode& j, const std::string& parent_id,
                                       const std::string& currency);
Result<model::Refund> DecodeRefund(const detail::TapeNode& j, const std::string& order_id,
                                   const std::string& currency);

// A record of a list that did not decode.
struct RecordFailure {
  std::string source_id;  // "" when even the id was unreadable
  std::string reason;
};

// A list body (a JSON array of records) decoded straight into the model:
// `raw` holds each decoded record's exact JSON text (same order as items).
// Errors: the body is not JSON (Validation, code "invalid_json", naming what
// was wrong) or not an array (code "not_array": "expected a JSON array, got
// object"). A record that fails to decode lands in `failures`, never fails
// the list.
template <typename T>
struct DecodedList {
  std::vector<T> items;
  std::vector<std::string> raw;
  std::vector<RecordFailure> failures;
  size_t count = 0;  // elements in the array
};
Result<DecodedList<model::Order>> DecodeOrderList(std::string_view body);
Result<DecodedList<model::Customer>> DecodeCustomerList(std::string_view body);
Result<DecodedList<model::Product>> DecodeProductList(std::string_view body, const std::string& currency);
Result<DecodedList<model::Product>> DecodeVariationList(std::string_view body, const std::string& parent_id,
                                                        const std::string& currency);
Result<DecodedList<model::Refund>> DecodeRefundList(std::string_view body, const std::string& order_id,
                                                    const std::string& currency);
// One record from its JSON text; same results and messages as ParseJson
// followed by the Json overload (a JSON syntax error reads "invalid JSON: …").
Result<model::Order> DecodeOrderText(std::string_view text);
Result<model::Customer> DecodeCustomerText(std::string_view text);
Result<model::Product> DecodeProductText(std::string_view text, const std::string& currency);

// The customer an order belongs to: the registered customer (id from
// customer_id) or, for guests, a guest customer keyed "guest:<lower-cased
// billing email>" (or "guest:order-<id>" when there is no email).
model::Customer CustomerFromOrder(const model::Order& order);

// Parses Woo dates ("2024-03-22T19:28:02", always UTC for *_gmt fields).
// Returns Unix milliseconds, or -1 when the text is not a date.
int64_t ParseWooDate(const std::string& text);

}  // namespace es::woo
