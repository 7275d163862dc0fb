#include "connectors/supabase/rows.h"

#include <cassert>

#include "common/clock.h"
#include "common/crypto.h"

namespace es::supabase {
namespace {

std::string NoNul(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v)
    if (c != '\0') out += c;
  return out;
}

// The raw JSON text of a source record; a missing raw record is stored as {}.
std::string RawJsonText(const Json& raw) { return raw.is_null() ? std::string("{}") : DumpJson(raw); }

// Status text as the source wrote it (e.g. a custom status), else the canonical name.
std::string StatusText(const model::Order& o, const Json& raw) {
  std::string s = GetStringOr(raw, "status");
  return s.empty() ? model::OrderStatusName(o.status) : s;
}

}  // namespace

const std::string& Row::source() const {
  static const std::string kEmpty;
  return values.size() > 0 && values[0] ? *values[0] : kEmpty;
}

const std::string& Row::source_id() const {
  static const std::string kEmpty;
  return values.size() > 1 && values[1] ? *values[1] : kEmpty;
}

std::string ContentHash(const Row& row) {
  // Length-prefixed so that ("ab","c") and ("a","bc") differ; NULL ≠ "".
  std::string buf = TableName(row.table);
  buf += '\x1e';
  for (const auto& v : row.values) {
    if (!v) {
      buf += "N;";
      continue;
    }
    buf += std::to_string(v->size());
    buf += ':';
    buf += *v;
    buf += ';';
  }
  return crypto::Hex(crypto::Sha256(buf));
}

std::string SourceLabel(std::string_view tenant, std::string_view source_connection) {
  return std::string(tenant) + "/" + std::string(source_connection);
}

RowBuilder::RowBuilder(Table table, std::string source, std::string source_id) : spec_(Spec(table)) {
  row_.table = table;
  row_.values.resize(spec_.columns.size());
  row_.values[0] = NoNul(source);
  row_.values[1] = NoNul(source_id);
  if (row_.values[0]->empty()) error_ = Status::Validation(TableName(table) + ": source is empty");
  if (row_.values[1]->empty() && error_.ok()) error_ = Status::Validation(TableName(table) + ": source id is empty");
}

std::optional<std::string>& RowBuilder::Slot(std::string_view column) {
  int i = spec_.Index(column);
  assert(i >= 0 && "unknown warehouse column");
  return row_.values[static_cast<size_t>(i < 0 ? 0 : i)];
}

RowBuilder& RowBuilder::Text(std::string_view column, std::string_view value) {
  Slot(column) = NoNul(value);
  return *this;
}

RowBuilder& RowBuilder::TextOrNull(std::string_view column, std::string_view value) {
  if (value.empty()) {
    Slot(column).reset();
  } else {
    Slot(column) = NoNul(value);
  }
  return *this;
}

RowBuilder& RowBuilder::Bool(std::string_view column, bool value) {
  Slot(column) = value ? "true" : "false";
  return *this;
}

RowBuilder& RowBuilder::Int(std::string_view column, int64_t value) {
  Slot(column) = std::to_string(value);
  return *this;
}

RowBuilder& RowBuilder::Number(std::string_view column, const Decimal& value) {
  Slot(column) = value.ToString();
  return *this;
}

RowBuilder& RowBuilder::Time(std::string_view column, int64_t unix_ms) {
  if (unix_ms <= 0) {
    Slot(column).reset();
  } else {
    Slot(column) = FormatIso8601Utc(unix_ms);
  }
  return *this;
}

RowBuilder& RowBuilder::Money(std::string_view column, const model::Money& value) {
  const Decimal d = value.ToDecimal();
  if (d.Rounded(2) != d && error_.ok()) {
    error_ = Status::Validation(TableName(row_.table) + "." + std::string(column) + ": amount " + value.ToString() +
                                    " " + value.currency() + " has more than 2 decimals (warehouse money is numeric(15,2))",
                                "money_scale");
  }
  Slot(column) = d.ToFixed(2);
  return *this;
}

RowBuilder& RowBuilder::Raw(const Json& raw) { return RawText(RawJsonText(raw)); }

RowBuilder& RowBuilder::RawText(std::string json_text) {
  Slot("raw") = std::move(json_text);
  return *this;
}

Result<Row> RowBuilder::Build() {
  if (!error_.ok()) return error_;
  if (!row_.values.back()) row_.values.back() = "{}";
  return std::move(row_);
}

Result<Row> CustomerRow(const std::string& source, const model::Customer& c, const Json& raw) {
  RowBuilder b(Table::kCustomers, source, c.source_id);
  b.TextOrNull("email", c.email.empty() ? c.billing.email : c.email)
      .TextOrNull("first_name", c.first_name)
      .TextOrNull("last_name", c.last_name)
      .TextOrNull("company", c.company)
      .TextOrNull("username", c.username)
      .Bool("is_guest", c.is_guest)
      .TextOrNull("phone", c.billing.phone)
      .TextOrNull("billing_city", c.billing.city)
      .TextOrNull("billing_state", c.billing.state)
      .TextOrNull("billing_postcode", c.billing.postcode)
      .TextOrNull("billing_country", c.billing.country)
      .Time("date_created", c.created_at_ms)
      .Time("date_modified", c.modified_at_ms)
      .Raw(raw);
  return b.Build();
}

Result<Row> ProductRow(const std::string& source, const model::Product& p, const Json& raw) {
  RowBuilder b(Table::kProducts, source, p.source_id);
  b.TextOrNull("parent_source_id", p.parent_source_id)
      .Text("kind", model::ProductKindName(p.kind))
      .TextOrNull("name", p.name)
      .TextOrNull("sku", p.sku)
      .TextOrNull("status", p.status)
      .TextOrNull("tax_status", p.tax_status)
      .TextOrNull("tax_class", p.tax_class)
      .Bool("manage_stock", p.manage_stock)
      .Time("date_created", p.created_at_ms)
      .Time("date_modified", p.modified_at_ms)
      .Raw(raw);
  if (p.price) b.Number("price", p.price->ToDecimal());
  if (p.regular_price) b.Number("regular_price", p.regular_price->ToDecimal());
  const std::string currency = p.price ? p.price->currency() : (p.regular_price ? p.regular_price->currency() : "");
  b.TextOrNull("currency", currency);
  if (p.stock_quantity) b.Number("stock_quantity", *p.stock_quantity);
  return b.Build();
}

Result<Row> OrderRow(const std::string& source, const model::Order& o, const Json& raw) {
  RowBuilder b(Table::kOrders, source, o.source_id);
  b.TextOrNull("number", o.number)
      .Text("status", StatusText(o, raw))
      .Text("currency", o.currency)
      .Bool("prices_include_tax", o.prices_include_tax)
      .TextOrNull("customer_source_id", o.customer_id)
      .TextOrNull("billing_email", o.billing.email)
      .TextOrNull("billing_country", o.billing.country)
      .TextOrNull("payment_method", o.payment.method)
      .TextOrNull("payment_method_title", o.payment.method_title)
      .TextOrNull("transaction_id", o.payment.transaction_id)
      .Time("date_created", o.created_at_ms)
      .Time("date_modified", o.modified_at_ms)
      .Time("date_paid", o.payment.paid_at_ms)
      .Money("discount_total", o.discount_total)
      .Money("shipping_total", o.shipping_total)
      .Money("total_tax", o.total_tax)
      .Money("total", o.total)
      .Money("refunded_total", o.RefundedTotal())
      .Int("line_count", static_cast<int64_t>(o.lines.size()))
      .Raw(raw);
  return b.Build();
}

Result<std::vector<Row>> OrderLineRows(const std::string& source, const model::Order& o, const Json& order_raw) {
  std::vector<Row> out;
  const Json* items = FindPath(order_raw, "line_items");
  for (size_t i = 0; i < o.lines.size(); ++i) {
    const model::LineItem& l = o.lines[i];
    const std::string line_id = l.source_id.empty() ? std::to_string(i + 1) : l.source_id;
    Json line_raw = Json::object();
    if (items != nullptr && items->is_array()) {
      for (const Json& it : *items) {
        if (it.is_object() && it.contains("id") && ScalarText(it["id"]) == line_id) {
          line_raw = it;
          break;
        }
      }
      if (line_raw.empty() && i < items->size()) line_raw = (*items)[i];
    }
    RowBuilder b(Table::kOrderLines, source, o.source_id + ":" + line_id);
    b.Text("order_id", o.source_id)
        .Text("line_id", line_id)
        .TextOrNull("product_id", l.product_id)
        .TextOrNull("variation_id", l.variation_id)
        .TextOrNull("sku", l.sku)
        .TextOrNull("name", l.name)
        .Number("quantity", l.quantity)
        .Number("unit_price", l.UnitPrice())
        .Money("subtotal", l.subtotal)
        .Money("subtotal_tax", l.subtotal_tax)
        .Money("total", l.total)
        .Money("total_tax", l.total_tax)
        .TextOrNull("tax_class", l.tax_class)
        .Text("currency", o.currency)
        .Raw(line_raw);
    auto row = b.Build();
    if (!row.ok()) return row.status().WithContext("line " + line_id);
    out.push_back(std::move(*row));
  }
  return out;
}

Result<Row> PaymentRow(const std::string& source, const model::Order& o) {
  RowBuilder b(Table::kPayments, source, o.source_id);
  Json raw = {{"order_id", o.source_id},
              {"method", o.payment.method},
              {"method_title", o.payment.method_title},
              {"transaction_id", o.payment.transaction_id},
              {"amount", o.total.ToString()},
              {"currency", o.currency},
              {"date_paid", o.payment.paid_at_ms > 0 ? FormatIso8601Utc(o.payment.paid_at_ms) : std::string()}};
  b.Text("order_id", o.source_id)
      .TextOrNull("method", o.payment.method)
      .TextOrNull("method_title", o.payment.method_title)
      .TextOrNull("transaction_id", o.payment.transaction_id)
      .Money("amount", o.total)
      .Text("currency", o.currency)
      .Time("date_paid", o.payment.paid_at_ms)
      .Raw(raw);
  return b.Build();
}

Result<Row> RefundRow(const std::string& source, const model::Refund& r, const Json& raw) {
  RowBuilder b(Table::kRefunds, source, r.source_id);
  b.Text("order_id", r.order_source_id)
      .Money("amount", r.amount)
      .TextOrNull("currency", r.amount.currency())
      .TextOrNull("reason", r.reason)
      .Time("date_created", r.created_at_ms)
      .Int("line_count", static_cast<int64_t>(r.lines.size()))
      .Raw(raw);
  return b.Build();
}

Row InvoiceRow(const std::string& source, const std::string& order_id, const std::string& qbo_connection,
               const std::string& qbo_type, const std::string& qbo_id, const Json& raw) {
  RowBuilder b(Table::kInvoices, source, order_id + ":" + qbo_connection);
  b.Text("order_id", order_id)
      .Text("qbo_connection", qbo_connection)
      .Text("qbo_type", qbo_type)
      .Text("qbo_id", qbo_id)
      .Raw(raw);
  auto r = b.Build();
  assert(r.ok());
  return std::move(r).value();
}

Row IdMappingRow(const std::string& source, const std::string& entity, const std::string& entity_source_id,
                 const std::string& target_connection, const std::string& target_type, const std::string& target_id,
                 const Json& raw) {
  RowBuilder b(Table::kIdMappings, source, entity + ":" + entity_source_id + ":" + target_connection);
  b.Text("entity", entity)
      .Text("entity_source_id", entity_source_id)
      .Text("target_connection", target_connection)
      .TextOrNull("target_type", target_type)
      .Text("target_id", target_id)
      .Raw(raw);
  auto r = b.Build();
  assert(r.ok());
  return std::move(r).value();
}

Row SyncLogRow(const std::string& source, const SyncLogEntry& e) {
  RowBuilder b(Table::kSyncLogs, source, e.run_id + ":" + e.entity);
  Json raw = {{"run_id", e.run_id}, {"entity", e.entity}, {"mode", e.mode}, {"status", e.status},
              {"fetched", e.fetched}, {"created", e.created}, {"updated", e.updated}, {"skipped", e.skipped},
              {"failed", e.failed}};
  b.Text("run_id", e.run_id)
      .TextOrNull("tenant_id", e.tenant_id)
      .Text("entity", e.entity)
      .TextOrNull("mode", e.mode)
      .TextOrNull("status", e.status)
      .Int("fetched", e.fetched)
      .Int("created", e.created)
      .Int("updated", e.updated)
      .Int("skipped", e.skipped)
      .Int("failed", e.failed)
      .Time("started_at", e.started_at_ms)
      .Time("finished_at", e.finished_at_ms)
      .Raw(raw);
  auto r = b.Build();
  assert(r.ok());
  return std::move(r).value();
}

void AppendCopyValue(std::string* out, const std::optional<std::string>& value) {
  if (!value) {
    out->append("\\N");
    return;
  }
  for (char c : *value) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default: out->push_back(c);
    }
  }
}

std::string TextArrayLiteral(const std::vector<const std::optional<std::string>*>& values) {
  size_t size = 2;
  for (const auto* v : values) size += (*v ? (*v)->size() + 3 : 5);
  std::string out;
  out.reserve(size + size / 16);
  out.push_back('{');
  bool first = true;
  for (const auto* v : values) {
    if (!first) out.push_back(',');
    first = false;
    if (!*v) {
      out.append("NULL");
      continue;
    }
    out.push_back('"');
    for (char c : **v) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

}  // namespace es::supabase
