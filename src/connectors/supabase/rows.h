// Canonical model → warehouse rows (SPEC F5 "canonical → Supabase rows").
// Pure functions, no I/O; thread-safe.
//
// `source` is the warehouse's name for the store a record came from
// (SourceLabel: "<tenant>/<source connection>"); `raw` is the record's JSON
// as the source sent it. Amounts are written from Money/Decimal text. The
// money columns are numeric(15,2): an amount with more decimals than that
// (3-decimal currencies) fails the record with a Validation error naming
// the field — never a silent rounding. Text has NUL bytes removed
// (PostgreSQL text cannot hold them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "connectors/supabase/warehouse.h"
#include "model/customer.h"
#include "model/order.h"
#include "model/product.h"

namespace es::supabase {

std::string SourceLabel(std::string_view tenant, std::string_view source_connection);

// Builds a Row of one table by column name. Setting an unknown column is a
// programming error (asserts). Unset columns are NULL.
class RowBuilder {
 public:
  RowBuilder(Table table, std::string source, std::string source_id);
  RowBuilder& Text(std::string_view column, std::string_view value);
  RowBuilder& TextOrNull(std::string_view column, std::string_view value);  // "" → NULL
  RowBuilder& Bool(std::string_view column, bool value);
  RowBuilder& Int(std::string_view column, int64_t value);
  RowBuilder& Number(std::string_view column, const Decimal& value);
  // Unix ms → ISO-8601 UTC; 0 or less → NULL.
  RowBuilder& Time(std::string_view column, int64_t unix_ms);
  // numeric(15,2) money; fails (see Build) when it has more than 2 decimals.
  RowBuilder& Money(std::string_view column, const model::Money& value);
  RowBuilder& Raw(const Json& raw);
  RowBuilder& RawText(std::string json_text);
  // The row, or the first Validation error met while setting it.
  Result<Row> Build();

 private:
  std::optional<std::string>& Slot(std::string_view column);
  Row row_;
  const TableSpec& spec_;
  Status error_;
};

Result<Row> CustomerRow(const std::string& source, const model::Customer& c, const Json& raw);
Result<Row> ProductRow(const std::string& source, const model::Product& p, const Json& raw);
Result<Row> OrderRow(const std::string& source, const model::Order& o, const Json& raw);
// One row per line item, source_id "<order id>:<line id>"; each line's raw
// is its element of order_raw["line_items"].
Result<std::vector<Row>> OrderLineRows(const std::string& source, const model::Order& o, const Json& order_raw);
// The payment of a paid order (source_id = order id); caller checks IsPaid().
Result<Row> PaymentRow(const std::string& source, const model::Order& o);
Result<Row> RefundRow(const std::string& source, const model::Refund& r, const Json& raw);
// source_id "<order id>:<qbo connection>".
Row InvoiceRow(const std::string& source, const std::string& order_id, const std::string& qbo_connection,
               const std::string& qbo_type, const std::string& qbo_id, const Json& raw);
// source_id "<entity>:<entity source id>:<target connection>".
Row IdMappingRow(const std::string& source, const std::string& entity, const std::string& entity_source_id,
                 const std::string& target_connection, const std::string& target_type, const std::string& target_id,
                 const Json& raw);

struct SyncLogEntry {
  std::string run_id;
  std::string tenant_id;
  std::string entity;
  std::string mode;
  std::string status;
  int64_t fetched = 0, created = 0, updated = 0, skipped = 0, failed = 0;
  int64_t started_at_ms = 0, finished_at_ms = 0;
};
// source_id "<run id>:<entity>".
Row SyncLogRow(const std::string& source, const SyncLogEntry& e);

// Text-format encodings the direct writer sends.
// One value for COPY … FROM STDIN (text format): \N for NULL, backslash escapes.
void AppendCopyValue(std::string* out, const std::optional<std::string>& value);
// A PostgreSQL array literal of text ("{\"a\",NULL}") for a $n::text[] parameter.
std::string TextArrayLiteral(const std::vector<const std::optional<std::string>*>& values);

}  // namespace es::supabase
