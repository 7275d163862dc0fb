// QBO JSON ⇄ typed objects. Pure functions. Encoders omit empty fields (QBO
// omits rather than nulls) and never send read-only fields. Decoders ignore
// unknown fields and read money exactly from the JSON text.
#pragma once

#include "common/json.h"
#include "common/status.h"
#include "connectors/qbo/types.h"

namespace es::qbo {

Json EncodeCustomer(const Customer& c);
Result<Customer> DecodeCustomer(const Json& j);
Json EncodeItem(const Item& i);
Result<Item> DecodeItem(const Json& j);
Json EncodeSalesDocument(const SalesDocument& d);
Result<SalesDocument> DecodeSalesDocument(const Json& j, SalesDocKind kind);
Json EncodePayment(const Payment& p);
Result<Payment> DecodePayment(const Json& j);

// Decodes an error body — `{"Fault":{...}}`, the gateway's lower-case
// `{"fault":{...}}`, an OAuth `{"error":"invalid_grant"}` or XML — into a
// Status whose category follows SPEC F11 and whose code is the Fault code:
// 429/3001 → rate_limit; 401, 100, 120, 3200, invalid_grant → authentication;
// 5010 → conflict; 6240 → conflict; 610 → not_found; 6000, 2xxx, 4001 →
// validation; 5xx, 10000 → network. `retry_after` is the Retry-After header.
Status DecodeFault(int http_status, std::string_view body, std::string_view retry_after = {});
// A Fault inside a 200 body or a batch item (`{"Fault":{...}}` object).
Status FaultFromJson(const Json& fault, int http_status = 400);

}  // namespace es::qbo
