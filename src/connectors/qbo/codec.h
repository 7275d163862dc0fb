// QBO JSON ⇄ typed objects. Pure functions. Encoders omit empty fields (QBO
// omits rather than nulls) and never send read-only fields. Decoders ignore
// unknown fields and read money exactly from the JSON text.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "common/json.h"
#include "common/json_writer.h"
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

// The same encodings written straight to JSON text, without a tree: the text
// equals DumpJson(Encode…(x)) byte for byte (same members, same order, same
// number text and escaping), so either may be sent or fingerprinted.
// Write… append the object to a writer (e.g. inside a batch body).
std::string EncodeCustomerText(const Customer& c);
std::string EncodeItemText(const Item& i);
std::string EncodeSalesDocumentText(const SalesDocument& d);
std::string EncodePaymentText(const Payment& p);
void WriteCustomer(JsonWriter& w, const Customer& c);
void WriteItem(JsonWriter& w, const Item& i);
void WriteSalesDocument(JsonWriter& w, const SalesDocument& d);
void WritePayment(JsonWriter& w, const Payment& p);

// Checks what QBO would reject before a sales document is sent (Encode does
// not drop anything): CustomerRef set, at least one non-subtotal line, every
// item line has an ItemRef, DocNumber ≤ 21 characters, ≤ 3 custom fields each
// with a DefinitionId, DueDate only on invoices, deposit/payment fields only
// on SalesReceipt/RefundReceipt, DepositToAccountRef on RefundReceipt, dates
// as YYYY-MM-DD. The Validation message names the offending field.
Status ValidateSalesDocument(const SalesDocument& d);

// Net of the lines: Σ SalesItem amounts − Σ Discount amounts. SubTotal and
// DescriptionOnly lines are ignored (QBO appends a SubTotal line to sales
// responses; adding it would double the total). Excludes tax.
Decimal LinesNetAmount(const std::vector<Line>& lines);

// Decodes an error body — `{"Fault":{...}}`, the gateway's lower-case
// `{"fault":{...}}`, an OAuth `{"error":"invalid_grant"}` or XML — into a
// Status whose category follows SPEC F11 and whose code is the Fault code:
// 429/3001 → rate_limit; 401, 100, 120, 3200, invalid_grant → authentication;
// 5010 → conflict; 6240 → conflict; 610 → not_found; 6000, 2xxx, 4001 →
// validation; 5xx, 10000 → network. `retry_after` is the Retry-After header.
// 403/3100, 130 and invalid_client are authentication too; 6140/6210
// (duplicate DocNumber) conflict; 500 "Unsupported Operation" and other 4xx
// validation; 503 network. A Retry-After in seconds becomes retry_after_ms.
// The message is "<Message>: <Detail> (element 'X')" per error, joined by
// "; "; token-like text is redacted. Never returns ok.
Status DecodeFault(int http_status, std::string_view body, std::string_view retry_after = {});
// A Fault inside a 200 body or a batch item: either the Fault object itself
// or an object wrapping it under "Fault"/"fault". Never returns ok.
Status FaultFromJson(const Json& fault, int http_status = 400);
// True when a parsed body carries a Fault ("Fault" or "fault" key).
bool HasFault(const Json& body);
// `s` with every occurrence of each non-empty secret in its message replaced
// by "[redacted]" (category, code and retry_after kept).
Status WithoutSecrets(const Status& s, std::initializer_list<std::string_view> secrets);

// ---- Failures of the whole connection -------------------------------------
// The engine ends a run on these (engine::ScopeOf), so each says in one line
// what failed and what to do; category and code are kept, secrets never
// appear.

// `transport` (a transport failure, http::IsTransportFailure) reaching `url`, the value of the
// connection setting `setting` ("api_base", "token_url"):
// "QuickBooks unreachable at http://127.0.0.1:9 (connection refused) — check
// the connection's api_base". TLS failures say so and mention
// insecure_skip_tls_verify for test servers; a plain-HTTP server answering a
// TLS handshake ("wrong version number") is named as such, with http:// as
// the fix.
Status Unreachable(const Status& transport, const std::string& url, const char* setting);
// The token endpoint refused the refresh token (invalid_grant, …):
// "QuickBooks token refresh refused (invalid_grant) — reconnect QuickBooks …".
Status RefreshRefused(const Status& refusal);
// The API answered 401 (after a refresh) or 403 to `fault` (the decoded Fault).
Status AccessRefused(int http_status, const Status& fault, const std::string& realm_id);

}  // namespace es::qbo
