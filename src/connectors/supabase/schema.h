// Warehouse schema: the tables, their columns as the writers see them, and
// the versioned migrations that create them (migrations/NNNN_name.sql,
// compiled into the binary). docs/formats/warehouse.md describes each table.
//
// Every table has: source and source_id (together the primary key and the
// upsert key), parsed columns, raw jsonb (the source record
// as fetched), content_hash (what the upsert compares) and synced_at (set
// when the row was last inserted or changed). TableSpec.columns lists the
// columns a writer supplies, in Row order: source, source_id, the parsed
// columns, raw. content_hash and synced_at are added by the writer.
//
// Migrations are SQL with the placeholder {schema}, replaced by the quoted
// warehouse schema name. Pure data and functions; thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace es::supabase {

enum class Table { kCustomers, kProducts, kOrders, kOrderLines, kRefunds, kInvoices, kPayments, kIdMappings, kSyncLogs };

enum class ColumnKind {
  kText,
  kBool,
  kInt,     // bigint / integer
  kNumber,  // numeric(…): exact decimal text
  kTime,    // timestamptz: ISO-8601 UTC text
  kJson,    // jsonb: JSON text
};

struct ColumnSpec {
  std::string name;
  ColumnKind kind;
  std::string sql_type;  // "numeric(15,2)", "timestamptz", …
};

struct TableSpec {
  Table table;
  std::string name;  // "orders"
  std::vector<ColumnSpec> columns;
  // Index of a column by name, or -1.
  int Index(std::string_view column) const;
};

const TableSpec& Spec(Table t);
const std::string& TableName(Table t);
std::span<const Table> AllTables();
// "orders" → Table; NotFound naming the table otherwise.
Result<Table> ParseTable(std::string_view name);

struct WarehouseMigration {
  int version;
  const char* name;
  const char* sql;  // with {schema} placeholders
};

// The migrations shipped with this binary, in ascending version order.
std::span<const WarehouseMigration> WarehouseMigrations();
// Version the writers need (the newest shipped migration).
int RequiredSchemaVersion();

// `sql` with every "{schema}" replaced by `quoted_schema`.
std::string WithSchema(std::string_view sql, std::string_view quoted_schema);

// "\"name\"" with embedded quotes doubled (a PostgreSQL identifier).
std::string QuoteIdent(std::string_view name);
// True for names of letters, digits and '_' not starting with a digit (≤ 63 bytes).
bool IsPlainIdentifier(std::string_view name);

}  // namespace es::supabase
