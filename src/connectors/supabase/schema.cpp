#include "connectors/supabase/schema.h"

#include <array>

namespace es::supabase {
namespace {

constexpr WarehouseMigration kMigrations[] = {
    {1, "init",
#include "connectors/supabase/migrations/0001_init.sql"
    },
    {2, "supabase_grants",
#include "connectors/supabase/migrations/0002_supabase_grants.sql"
    },
};

ColumnSpec Text(std::string n) { return {std::move(n), ColumnKind::kText, "text"}; }
ColumnSpec Bool(std::string n) { return {std::move(n), ColumnKind::kBool, "boolean"}; }
ColumnSpec Int(std::string n, std::string type = "bigint") { return {std::move(n), ColumnKind::kInt, std::move(type)}; }
ColumnSpec Money(std::string n) { return {std::move(n), ColumnKind::kNumber, "numeric(15,2)"}; }
ColumnSpec Amount(std::string n) { return {std::move(n), ColumnKind::kNumber, "numeric(18,6)"}; }
ColumnSpec Time(std::string n) { return {std::move(n), ColumnKind::kTime, "timestamptz"}; }

TableSpec Make(Table t, std::string name, std::vector<ColumnSpec> parsed) {
  TableSpec s{t, std::move(name), {Text("source"), Text("source_id")}};
  for (auto& c : parsed) s.columns.push_back(std::move(c));
  s.columns.push_back({"raw", ColumnKind::kJson, "jsonb"});
  return s;
}

const std::array<TableSpec, 9>& Specs() {
  static const std::array<TableSpec, 9> specs = {
      Make(Table::kCustomers, "customers",
           {Text("email"), Text("first_name"), Text("last_name"), Text("company"), Text("username"), Bool("is_guest"),
            Text("phone"), Text("billing_city"), Text("billing_state"), Text("billing_postcode"),
            Text("billing_country"), Time("date_created"), Time("date_modified")}),
      Make(Table::kProducts, "products",
           {Text("parent_source_id"), Text("kind"), Text("name"), Text("sku"), Text("status"), Amount("price"),
            Amount("regular_price"), Text("currency"), Text("tax_status"), Text("tax_class"), Bool("manage_stock"),
            Amount("stock_quantity"), Time("date_created"), Time("date_modified")}),
      Make(Table::kOrders, "orders",
           {Text("number"), Text("status"), Text("currency"), Bool("prices_include_tax"), Text("customer_source_id"),
            Text("billing_email"), Text("billing_country"), Text("payment_method"), Text("payment_method_title"),
            Text("transaction_id"), Time("date_created"), Time("date_modified"), Time("date_paid"),
            Money("discount_total"), Money("shipping_total"), Money("total_tax"), Money("total"),
            Money("refunded_total"), Int("line_count", "integer")}),
      Make(Table::kOrderLines, "order_lines",
           {Text("order_id"), Text("line_id"), Text("product_id"), Text("variation_id"), Text("sku"), Text("name"),
            Amount("quantity"), Amount("unit_price"), Money("subtotal"), Money("subtotal_tax"), Money("total"),
            Money("total_tax"), Text("tax_class"), Text("currency")}),
      Make(Table::kRefunds, "refunds",
           {Text("order_id"), Money("amount"), Text("currency"), Text("reason"), Time("date_created"),
            Int("line_count", "integer")}),
      Make(Table::kInvoices, "invoices",
           {Text("order_id"), Text("qbo_connection"), Text("qbo_type"), Text("qbo_id")}),
      Make(Table::kPayments, "payments",
           {Text("order_id"), Text("method"), Text("method_title"), Text("transaction_id"), Money("amount"),
            Text("currency"), Time("date_paid")}),
      Make(Table::kIdMappings, "id_mappings",
           {Text("entity"), Text("entity_source_id"), Text("target_connection"), Text("target_type"),
            Text("target_id")}),
      Make(Table::kSyncLogs, "sync_logs",
           {Text("run_id"), Text("tenant_id"), Text("entity"), Text("mode"), Text("status"), Int("fetched"),
            Int("created"), Int("updated"), Int("skipped"), Int("failed"), Time("started_at"),
            Time("finished_at")}),
  };
  return specs;
}

constexpr Table kAll[] = {Table::kCustomers, Table::kProducts,  Table::kOrders,
                          Table::kOrderLines, Table::kRefunds,  Table::kInvoices,
                          Table::kPayments,   Table::kIdMappings, Table::kSyncLogs};

}  // namespace

int TableSpec::Index(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == column) return static_cast<int>(i);
  return -1;
}

const TableSpec& Spec(Table t) { return Specs()[static_cast<size_t>(t)]; }
const std::string& TableName(Table t) { return Spec(t).name; }
std::span<const Table> AllTables() { return kAll; }

Result<Table> ParseTable(std::string_view name) {
  for (Table t : kAll)
    if (TableName(t) == name) return t;
  return Status::NotFound("unknown warehouse table '" + std::string(name) + "'");
}

std::span<const WarehouseMigration> WarehouseMigrations() { return kMigrations; }
int RequiredSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

std::string WithSchema(std::string_view sql, std::string_view quoted_schema) {
  static constexpr std::string_view kToken = "{schema}";
  std::string out;
  out.reserve(sql.size() + 256);
  size_t pos = 0;
  while (true) {
    size_t hit = sql.find(kToken, pos);
    if (hit == std::string_view::npos) break;
    out.append(sql.substr(pos, hit - pos));
    out.append(quoted_schema);
    pos = hit + kToken.size();
  }
  out.append(sql.substr(pos));
  return out;
}

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

bool IsPlainIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (name[0] >= '0' && name[0] <= '9') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace es::supabase
