// Entity encoders/decoders. Faults live in fault.cpp.
#include "connectors/qbo/codec.h"

#include <string>

namespace es::qbo {
namespace {

Json Money(Decimal d) { return JsonNumberFixed(d, 2); }

void PutString(Json& o, const char* key, const std::string& v) {
  if (!v.empty()) o[key] = v;
}

void PutRef(Json& o, const char* key, const Ref& r) {
  if (r.value.empty()) return;
  Json ref = {{"value", r.value}};
  if (!r.name.empty()) ref["name"] = r.name;
  o[key] = std::move(ref);
}

void PutValueRef(Json& o, const char* key, const std::string& value) {
  if (!value.empty()) o[key] = Json{{"value", value}};
}

Ref GetRef(const Json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_object()) return {};
  return Ref{GetStringOr(*it, "value"), GetStringOr(*it, "name")};
}

// Nested string field such as PrimaryEmailAddr.Address; "" when absent.
std::string GetNested(const Json& o, const char* path) { return GetStringOr(o, path); }

bool AddressEmpty(const PhysicalAddress& a) {
  return a.Empty() && a.country_sub_division_code.empty();
}

void PutAddress(Json& o, const char* key, const PhysicalAddress& a) {
  if (AddressEmpty(a)) return;
  Json j = Json::object();
  PutString(j, "Line1", a.line1);
  PutString(j, "Line2", a.line2);
  PutString(j, "City", a.city);
  PutString(j, "CountrySubDivisionCode", a.country_sub_division_code);
  PutString(j, "PostalCode", a.postal_code);
  PutString(j, "Country", a.country);
  o[key] = std::move(j);
}

PhysicalAddress GetAddress(const Json& o, const char* key) {
  PhysicalAddress a;
  auto it = o.find(key);
  if (it == o.end() || !it->is_object()) return a;
  a.line1 = GetStringOr(*it, "Line1");
  a.line2 = GetStringOr(*it, "Line2");
  a.city = GetStringOr(*it, "City");
  a.country_sub_division_code = GetStringOr(*it, "CountrySubDivisionCode");
  a.postal_code = GetStringOr(*it, "PostalCode");
  a.country = GetStringOr(*it, "Country");
  return a;
}

// An optional exact number: nullopt when absent or null, error when not a number.
Result<std::optional<Decimal>> GetOptDecimal(const Json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return std::optional<Decimal>();
  auto d = GetDecimal(o, key);
  if (!d.ok()) return d.status();
  return std::optional<Decimal>(*d);
}

Status RequireObject(const Json& j, const char* what) {
  if (!j.is_object()) {
    return Status::Validation(std::string(what) + ": expected a JSON object, got " + j.type_name());
  }
  return Status::Ok();
}

void PutIdAndToken(Json& o, const std::string& id, const std::string& sync_token) {
  PutString(o, "Id", id);
  PutString(o, "SyncToken", sync_token);
}

// ---- Lines ----------------------------------------------------------------

Json EncodeLine(const Line& l) {
  Json o = Json::object();
  PutString(o, "Id", l.id);
  PutString(o, "Description", l.description);
  switch (l.kind) {
    case LineKind::kSalesItem: {
      o["Amount"] = Money(l.amount);
      o["DetailType"] = "SalesItemLineDetail";
      Json d = Json::object();
      PutRef(d, "ItemRef", l.item);
      if (l.unit_price) d["UnitPrice"] = JsonNumber(*l.unit_price);
      if (l.qty) d["Qty"] = JsonNumber(*l.qty);
      PutValueRef(d, "TaxCodeRef", l.tax_code);
      o["SalesItemLineDetail"] = std::move(d);
      break;
    }
    case LineKind::kDiscount: {
      o["Amount"] = Money(l.amount);
      o["DetailType"] = "DiscountLineDetail";
      Json d = Json::object();
      d["PercentBased"] = l.percent_based;
      if (l.discount_percent) d["DiscountPercent"] = JsonNumber(*l.discount_percent);
      PutRef(d, "DiscountAccountRef", l.discount_account);
      PutValueRef(d, "TaxCodeRef", l.tax_code);
      o["DiscountLineDetail"] = std::move(d);
      break;
    }
    case LineKind::kSubTotal:
      o["Amount"] = Money(l.amount);
      o["DetailType"] = "SubTotalLineDetail";
      o["SubTotalLineDetail"] = Json::object();
      break;
    case LineKind::kDescription: {
      if (!l.amount.IsZero()) o["Amount"] = Money(l.amount);
      o["DetailType"] = "DescriptionOnly";
      Json d = Json::object();
      PutValueRef(d, "TaxCodeRef", l.tax_code);
      o["DescriptionLineDetail"] = std::move(d);
      break;
    }
  }
  return o;
}

Result<Line> DecodeLine(const Json& j) {
  ES_RETURN_IF_ERROR(RequireObject(j, "Line"));
  Line l;
  l.id = GetStringOr(j, "Id");
  l.description = GetStringOr(j, "Description");
  std::string type = GetStringOr(j, "DetailType");
  bool amount_required = true;
  if (type == "SalesItemLineDetail") {
    l.kind = LineKind::kSalesItem;
    auto it = j.find("SalesItemLineDetail");
    if (it != j.end() && it->is_object()) {
      l.item = GetRef(*it, "ItemRef");
      ES_ASSIGN_OR_RETURN(l.qty, GetOptDecimal(*it, "Qty"));
      ES_ASSIGN_OR_RETURN(l.unit_price, GetOptDecimal(*it, "UnitPrice"));
      l.tax_code = GetRef(*it, "TaxCodeRef").value;
    }
  } else if (type == "DiscountLineDetail") {
    l.kind = LineKind::kDiscount;
    auto it = j.find("DiscountLineDetail");
    if (it != j.end() && it->is_object()) {
      l.percent_based = GetBoolOr(*it, "PercentBased", false);
      ES_ASSIGN_OR_RETURN(l.discount_percent, GetOptDecimal(*it, "DiscountPercent"));
      l.discount_account = GetRef(*it, "DiscountAccountRef");
      l.tax_code = GetRef(*it, "TaxCodeRef").value;
    }
  } else if (type == "SubTotalLineDetail") {
    l.kind = LineKind::kSubTotal;
    amount_required = false;
  } else if (type == "DescriptionOnly") {
    l.kind = LineKind::kDescription;
    amount_required = false;
    auto it = j.find("DescriptionLineDetail");
    if (it != j.end() && it->is_object()) l.tax_code = GetRef(*it, "TaxCodeRef").value;
  } else {
    return Status::Validation("unsupported DetailType '" + type + "'");
  }
  ES_ASSIGN_OR_RETURN(std::optional<Decimal> amount, GetOptDecimal(j, "Amount"));
  if (!amount && amount_required) return Status::Validation("field 'Amount': missing on " + type);
  l.amount = amount.value_or(Decimal());
  return l;
}

}  // namespace

// ---- Customer ---------------------------------------------------------------

Json EncodeCustomer(const Customer& c) {
  Json o = Json::object();
  PutIdAndToken(o, c.id, c.sync_token);
  PutString(o, "DisplayName", c.display_name);
  PutString(o, "GivenName", c.given_name);
  PutString(o, "FamilyName", c.family_name);
  PutString(o, "CompanyName", c.company_name);
  if (!c.email.empty()) o["PrimaryEmailAddr"] = Json{{"Address", c.email}};
  if (!c.phone.empty()) o["PrimaryPhone"] = Json{{"FreeFormNumber", c.phone}};
  PutAddress(o, "BillAddr", c.bill_addr);
  PutAddress(o, "ShipAddr", c.ship_addr);
  o["Active"] = c.active;
  return o;
}

Result<Customer> DecodeCustomer(const Json& j) {
  ES_RETURN_IF_ERROR(RequireObject(j, "Customer"));
  Customer c;
  c.id = GetStringOr(j, "Id");
  c.sync_token = GetStringOr(j, "SyncToken");
  c.display_name = GetStringOr(j, "DisplayName");
  c.given_name = GetStringOr(j, "GivenName");
  c.family_name = GetStringOr(j, "FamilyName");
  c.company_name = GetStringOr(j, "CompanyName");
  c.email = GetNested(j, "PrimaryEmailAddr.Address");
  c.phone = GetNested(j, "PrimaryPhone.FreeFormNumber");
  c.bill_addr = GetAddress(j, "BillAddr");
  c.ship_addr = GetAddress(j, "ShipAddr");
  c.active = GetBoolOr(j, "Active", true);
  return c;
}

// ---- Item -------------------------------------------------------------------

Json EncodeItem(const Item& i) {
  Json o = Json::object();
  PutIdAndToken(o, i.id, i.sync_token);
  PutString(o, "Name", i.name);
  PutString(o, "Sku", i.sku);
  PutString(o, "Type", i.type);
  PutString(o, "Description", i.description);
  if (i.unit_price) o["UnitPrice"] = JsonNumber(*i.unit_price);
  PutRef(o, "IncomeAccountRef", i.income_account);
  PutRef(o, "ExpenseAccountRef", i.expense_account);
  PutRef(o, "AssetAccountRef", i.asset_account);
  o["Taxable"] = i.taxable;
  // Once true it cannot be set back to false, so false is never sent.
  if (i.track_qty_on_hand) o["TrackQtyOnHand"] = true;
  if (i.qty_on_hand) o["QtyOnHand"] = JsonNumber(*i.qty_on_hand);
  PutString(o, "InvStartDate", i.inv_start_date);
  o["Active"] = i.active;
  return o;
}

Result<Item> DecodeItem(const Json& j) {
  ES_RETURN_IF_ERROR(RequireObject(j, "Item"));
  Item i;
  i.id = GetStringOr(j, "Id");
  i.sync_token = GetStringOr(j, "SyncToken");
  i.name = GetStringOr(j, "Name");
  i.sku = GetStringOr(j, "Sku");
  i.type = GetStringOr(j, "Type", i.type);
  i.description = GetStringOr(j, "Description");
  auto price = GetOptDecimal(j, "UnitPrice");
  if (!price.ok()) return price.status().WithContext("Item");
  i.unit_price = *price;
  i.income_account = GetRef(j, "IncomeAccountRef");
  i.expense_account = GetRef(j, "ExpenseAccountRef");
  i.asset_account = GetRef(j, "AssetAccountRef");
  i.taxable = GetBoolOr(j, "Taxable", i.taxable);
  i.track_qty_on_hand = GetBoolOr(j, "TrackQtyOnHand", false);
  auto qty = GetOptDecimal(j, "QtyOnHand");
  if (!qty.ok()) return qty.status().WithContext("Item");
  i.qty_on_hand = *qty;
  i.inv_start_date = GetStringOr(j, "InvStartDate");
  i.active = GetBoolOr(j, "Active", true);
  return i;
}

// ---- Sales documents ----------------------------------------------------------

Json EncodeSalesDocument(const SalesDocument& d) {
  Json o = Json::object();
  PutIdAndToken(o, d.id, d.sync_token);
  PutString(o, "DocNumber", d.doc_number);
  PutString(o, "TxnDate", d.txn_date);
  PutString(o, "DueDate", d.due_date);
  PutRef(o, "CustomerRef", d.customer);
  PutRef(o, "CurrencyRef", d.currency);
  Json lines = Json::array();
  for (const Line& l : d.lines) lines.push_back(EncodeLine(l));
  o["Line"] = std::move(lines);
  if (!d.tax.txn_tax_code.value.empty() || d.tax.total_tax) {
    Json t = Json::object();
    PutRef(t, "TxnTaxCodeRef", d.tax.txn_tax_code);
    if (d.tax.total_tax) t["TotalTax"] = Money(*d.tax.total_tax);
    o["TxnTaxDetail"] = std::move(t);
  }
  PutString(o, "GlobalTaxCalculation", d.global_tax_calculation);
  if (!d.custom_fields.empty()) {
    Json fields = Json::array();
    for (const CustomField& f : d.custom_fields) {
      Json jf = Json::object();
      PutString(jf, "DefinitionId", f.definition_id);
      PutString(jf, "Name", f.name);
      jf["Type"] = "StringType";
      jf["StringValue"] = f.string_value;
      fields.push_back(std::move(jf));
    }
    o["CustomField"] = std::move(fields);
  }
  PutString(o, "PrivateNote", d.private_note);
  PutValueRef(o, "CustomerMemo", d.customer_memo);
  if (!d.bill_email.empty()) o["BillEmail"] = Json{{"Address", d.bill_email}};
  PutAddress(o, "BillAddr", d.bill_addr);
  PutAddress(o, "ShipAddr", d.ship_addr);
  PutRef(o, "PaymentMethodRef", d.payment_method);
  PutString(o, "PaymentRefNum", d.payment_ref_num);
  PutRef(o, "DepositToAccountRef", d.deposit_to_account);
  return o;
}

Result<SalesDocument> DecodeSalesDocument(const Json& j, SalesDocKind kind) {
  const char* entity = SalesDocEntity(kind);
  ES_RETURN_IF_ERROR(RequireObject(j, entity));
  SalesDocument d;
  d.kind = kind;
  d.id = GetStringOr(j, "Id");
  d.sync_token = GetStringOr(j, "SyncToken");
  d.doc_number = GetStringOr(j, "DocNumber");
  d.txn_date = GetStringOr(j, "TxnDate");
  d.due_date = GetStringOr(j, "DueDate");
  d.customer = GetRef(j, "CustomerRef");
  d.currency = GetRef(j, "CurrencyRef");
  auto context = [&](const std::string& where) { return std::string(entity) + " " + d.id + " " + where; };
  if (auto it = j.find("Line"); it != j.end() && it->is_array()) {
    for (size_t i = 0; i < it->size(); ++i) {
      auto line = DecodeLine((*it)[i]);
      if (!line.ok()) return line.status().WithContext(context("Line[" + std::to_string(i) + "]"));
      d.lines.push_back(std::move(line).value());
    }
  }
  if (auto it = j.find("TxnTaxDetail"); it != j.end() && it->is_object()) {
    d.tax.txn_tax_code = GetRef(*it, "TxnTaxCodeRef");
    auto total = GetOptDecimal(*it, "TotalTax");
    if (!total.ok()) return total.status().WithContext(context("TxnTaxDetail"));
    d.tax.total_tax = *total;
  }
  d.global_tax_calculation = GetStringOr(j, "GlobalTaxCalculation");
  if (auto it = j.find("CustomField"); it != j.end() && it->is_array()) {
    for (const Json& f : *it) {
      if (!f.is_object()) continue;
      d.custom_fields.push_back(CustomField{GetStringOr(f, "DefinitionId"), GetStringOr(f, "Name"),
                                            GetStringOr(f, "StringValue")});
    }
  }
  d.private_note = GetStringOr(j, "PrivateNote");
  d.customer_memo = GetNested(j, "CustomerMemo.value");
  d.bill_email = GetNested(j, "BillEmail.Address");
  d.bill_addr = GetAddress(j, "BillAddr");
  d.ship_addr = GetAddress(j, "ShipAddr");
  d.payment_method = GetRef(j, "PaymentMethodRef");
  d.payment_ref_num = GetStringOr(j, "PaymentRefNum");
  d.deposit_to_account = GetRef(j, "DepositToAccountRef");
  auto total = GetOptDecimal(j, "TotalAmt");
  if (!total.ok()) return total.status().WithContext(context("TotalAmt"));
  d.total_amt = *total;
  auto balance = GetOptDecimal(j, "Balance");
  if (!balance.ok()) return balance.status().WithContext(context("Balance"));
  d.balance = *balance;
  auto credit = GetOptDecimal(j, "RemainingCredit");
  if (!credit.ok()) return credit.status().WithContext(context("RemainingCredit"));
  d.remaining_credit = *credit;
  return d;
}

Decimal LinesNetAmount(const std::vector<Line>& lines) {
  Decimal net;
  for (const Line& l : lines) {
    if (l.kind == LineKind::kSalesItem) net += l.amount;
    else if (l.kind == LineKind::kDiscount) net -= l.amount;
  }
  return net;
}

// ---- Payment ------------------------------------------------------------------

Json EncodePayment(const Payment& p) {
  Json o = Json::object();
  PutIdAndToken(o, p.id, p.sync_token);
  PutRef(o, "CustomerRef", p.customer);
  o["TotalAmt"] = Money(p.total_amt);
  PutString(o, "TxnDate", p.txn_date);
  PutString(o, "PaymentRefNum", p.payment_ref_num);
  PutString(o, "PrivateNote", p.private_note);
  PutRef(o, "PaymentMethodRef", p.payment_method);
  PutRef(o, "DepositToAccountRef", p.deposit_to_account);
  if (!p.lines.empty()) {
    Json lines = Json::array();
    for (const PaymentLine& l : p.lines) {
      Json jl = {{"Amount", Money(l.amount)}};
      Json linked = Json::array();
      for (const LinkedTxn& t : l.linked) linked.push_back(Json{{"TxnId", t.txn_id}, {"TxnType", t.txn_type}});
      jl["LinkedTxn"] = std::move(linked);
      lines.push_back(std::move(jl));
    }
    o["Line"] = std::move(lines);
  }
  return o;
}

Result<Payment> DecodePayment(const Json& j) {
  ES_RETURN_IF_ERROR(RequireObject(j, "Payment"));
  Payment p;
  p.id = GetStringOr(j, "Id");
  p.sync_token = GetStringOr(j, "SyncToken");
  p.customer = GetRef(j, "CustomerRef");
  auto total = GetOptDecimal(j, "TotalAmt");
  if (!total.ok()) return total.status().WithContext("Payment " + p.id);
  p.total_amt = total->value_or(Decimal());
  p.txn_date = GetStringOr(j, "TxnDate");
  p.payment_ref_num = GetStringOr(j, "PaymentRefNum");
  p.private_note = GetStringOr(j, "PrivateNote");
  p.payment_method = GetRef(j, "PaymentMethodRef");
  p.deposit_to_account = GetRef(j, "DepositToAccountRef");
  if (auto it = j.find("Line"); it != j.end() && it->is_array()) {
    for (size_t i = 0; i < it->size(); ++i) {
      const Json& jl = (*it)[i];
      std::string where = "Payment " + p.id + " Line[" + std::to_string(i) + "]";
      ES_RETURN_IF_ERROR(RequireObject(jl, where.c_str()));
      PaymentLine l;
      auto amount = GetDecimal(jl, "Amount");
      if (!amount.ok()) return amount.status().WithContext(where);
      l.amount = *amount;
      if (auto lt = jl.find("LinkedTxn"); lt != jl.end() && lt->is_array()) {
        for (const Json& t : *lt) {
          if (t.is_object()) l.linked.push_back(LinkedTxn{GetStringOr(t, "TxnId"), GetStringOr(t, "TxnType")});
        }
      }
      p.lines.push_back(std::move(l));
    }
  }
  return p;
}

}  // namespace es::qbo
