// Entity encoders straight to JSON text (codec.h, "…Text"). Each object's
// members are written in byte order of their keys, which is the order of the
// tree encoders' nlohmann objects, so the text equals DumpJson(Encode…(x)).
// Keep the field rules in step with codec.cpp (codec_text_test compares both).
#include <string>

#include "common/json_writer.h"
#include "connectors/qbo/codec.h"

namespace es::qbo {
namespace {

void PutString(JsonWriter& w, std::string_view key, const std::string& v) {
  if (!v.empty()) w.Member(key, v);
}

void PutMoney(JsonWriter& w, std::string_view key, Decimal d) {
  w.Key(key);
  w.NumberFixed(d, 2);
}

void PutRef(JsonWriter& w, std::string_view key, const Ref& r) {
  if (r.value.empty()) return;
  w.Key(key);
  w.BeginObject();
  PutString(w, "name", r.name);
  w.Member("value", r.value);
  w.EndObject();
}

// {"<inner>": value} under `key`, when value is non-empty.
void PutWrapped(JsonWriter& w, std::string_view key, std::string_view inner, const std::string& value) {
  if (value.empty()) return;
  w.Key(key);
  w.BeginObject();
  w.Member(inner, value);
  w.EndObject();
}

void PutAddress(JsonWriter& w, std::string_view key, const PhysicalAddress& a) {
  if (a.Empty() && a.country_sub_division_code.empty()) return;
  w.Key(key);
  w.BeginObject();
  PutString(w, "City", a.city);
  PutString(w, "Country", a.country);
  PutString(w, "CountrySubDivisionCode", a.country_sub_division_code);
  PutString(w, "Line1", a.line1);
  PutString(w, "Line2", a.line2);
  PutString(w, "PostalCode", a.postal_code);
  w.EndObject();
}

void WriteLine(JsonWriter& w, const Line& l) {
  w.BeginObject();
  switch (l.kind) {
    case LineKind::kSalesItem:
      PutMoney(w, "Amount", l.amount);
      PutString(w, "Description", l.description);
      w.Member("DetailType", "SalesItemLineDetail");
      PutString(w, "Id", l.id);
      w.Key("SalesItemLineDetail");
      w.BeginObject();
      PutRef(w, "ItemRef", l.item);
      if (l.qty) {
        w.Key("Qty");
        w.Number(*l.qty);
      }
      PutWrapped(w, "TaxCodeRef", "value", l.tax_code);
      if (l.unit_price) {
        w.Key("UnitPrice");
        w.Number(*l.unit_price);
      }
      w.EndObject();
      break;
    case LineKind::kDiscount:
      PutMoney(w, "Amount", l.amount);
      PutString(w, "Description", l.description);
      w.Member("DetailType", "DiscountLineDetail");
      w.Key("DiscountLineDetail");
      w.BeginObject();
      PutRef(w, "DiscountAccountRef", l.discount_account);
      if (l.discount_percent) {
        w.Key("DiscountPercent");
        w.Number(*l.discount_percent);
      }
      w.Key("PercentBased");
      w.Bool(l.percent_based);
      PutWrapped(w, "TaxCodeRef", "value", l.tax_code);
      w.EndObject();
      PutString(w, "Id", l.id);
      break;
    case LineKind::kSubTotal:
      PutMoney(w, "Amount", l.amount);
      PutString(w, "Description", l.description);
      w.Member("DetailType", "SubTotalLineDetail");
      PutString(w, "Id", l.id);
      w.Key("SubTotalLineDetail");
      w.BeginObject();
      w.EndObject();
      break;
    case LineKind::kDescription:
      if (!l.amount.IsZero()) PutMoney(w, "Amount", l.amount);
      PutString(w, "Description", l.description);
      w.Key("DescriptionLineDetail");
      w.BeginObject();
      PutWrapped(w, "TaxCodeRef", "value", l.tax_code);
      w.EndObject();
      w.Member("DetailType", "DescriptionOnly");
      PutString(w, "Id", l.id);
      break;
  }
  w.EndObject();
}

}  // namespace

void WriteCustomer(JsonWriter& w, const Customer& c) {
  w.BeginObject();
  w.Key("Active");
  w.Bool(c.active);
  PutAddress(w, "BillAddr", c.bill_addr);
  PutString(w, "CompanyName", c.company_name);
  PutString(w, "DisplayName", c.display_name);
  PutString(w, "FamilyName", c.family_name);
  PutString(w, "GivenName", c.given_name);
  PutString(w, "Id", c.id);
  PutWrapped(w, "PrimaryEmailAddr", "Address", c.email);
  PutWrapped(w, "PrimaryPhone", "FreeFormNumber", c.phone);
  PutAddress(w, "ShipAddr", c.ship_addr);
  PutString(w, "SyncToken", c.sync_token);
  w.EndObject();
}

void WriteItem(JsonWriter& w, const Item& i) {
  w.BeginObject();
  w.Key("Active");
  w.Bool(i.active);
  PutRef(w, "AssetAccountRef", i.asset_account);
  PutString(w, "Description", i.description);
  PutRef(w, "ExpenseAccountRef", i.expense_account);
  PutString(w, "Id", i.id);
  PutRef(w, "IncomeAccountRef", i.income_account);
  PutString(w, "InvStartDate", i.inv_start_date);
  PutString(w, "Name", i.name);
  if (i.qty_on_hand) {
    w.Key("QtyOnHand");
    w.Number(*i.qty_on_hand);
  }
  PutString(w, "Sku", i.sku);
  PutString(w, "SyncToken", i.sync_token);
  w.Key("Taxable");
  w.Bool(i.taxable);
  // Once true it cannot be set back to false, so false is never sent.
  if (i.track_qty_on_hand) {
    w.Key("TrackQtyOnHand");
    w.Bool(true);
  }
  PutString(w, "Type", i.type);
  if (i.unit_price) {
    w.Key("UnitPrice");
    w.Number(*i.unit_price);
  }
  w.EndObject();
}

void WriteSalesDocument(JsonWriter& w, const SalesDocument& d) {
  w.BeginObject();
  PutAddress(w, "BillAddr", d.bill_addr);
  PutWrapped(w, "BillEmail", "Address", d.bill_email);
  PutRef(w, "CurrencyRef", d.currency);
  if (!d.custom_fields.empty()) {
    w.Key("CustomField");
    w.BeginArray();
    for (const CustomField& f : d.custom_fields) {
      w.BeginObject();
      PutString(w, "DefinitionId", f.definition_id);
      PutString(w, "Name", f.name);
      w.Member("StringValue", f.string_value);
      w.Member("Type", "StringType");
      w.EndObject();
    }
    w.EndArray();
  }
  PutWrapped(w, "CustomerMemo", "value", d.customer_memo);
  PutRef(w, "CustomerRef", d.customer);
  PutRef(w, "DepositToAccountRef", d.deposit_to_account);
  PutString(w, "DocNumber", d.doc_number);
  PutString(w, "DueDate", d.due_date);
  PutString(w, "GlobalTaxCalculation", d.global_tax_calculation);
  PutString(w, "Id", d.id);
  w.Key("Line");
  w.BeginArray();
  for (const Line& l : d.lines) WriteLine(w, l);
  w.EndArray();
  PutRef(w, "PaymentMethodRef", d.payment_method);
  PutString(w, "PaymentRefNum", d.payment_ref_num);
  PutString(w, "PrivateNote", d.private_note);
  PutAddress(w, "ShipAddr", d.ship_addr);
  PutString(w, "SyncToken", d.sync_token);
  PutString(w, "TxnDate", d.txn_date);
  if (!d.tax.txn_tax_code.value.empty() || d.tax.total_tax) {
    w.Key("TxnTaxDetail");
    w.BeginObject();
    if (d.tax.total_tax) PutMoney(w, "TotalTax", *d.tax.total_tax);
    PutRef(w, "TxnTaxCodeRef", d.tax.txn_tax_code);
    w.EndObject();
  }
  w.EndObject();
}

void WritePayment(JsonWriter& w, const Payment& p) {
  w.BeginObject();
  PutRef(w, "CustomerRef", p.customer);
  PutRef(w, "DepositToAccountRef", p.deposit_to_account);
  PutString(w, "Id", p.id);
  if (!p.lines.empty()) {
    w.Key("Line");
    w.BeginArray();
    for (const PaymentLine& l : p.lines) {
      w.BeginObject();
      PutMoney(w, "Amount", l.amount);
      w.Key("LinkedTxn");
      w.BeginArray();
      for (const LinkedTxn& t : l.linked) {
        w.BeginObject();
        w.Member("TxnId", t.txn_id);
        w.Member("TxnType", t.txn_type);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
  }
  PutRef(w, "PaymentMethodRef", p.payment_method);
  PutString(w, "PaymentRefNum", p.payment_ref_num);
  PutString(w, "PrivateNote", p.private_note);
  PutString(w, "SyncToken", p.sync_token);
  PutMoney(w, "TotalAmt", p.total_amt);
  PutString(w, "TxnDate", p.txn_date);
  w.EndObject();
}

namespace {
template <typename T, void (*Write)(JsonWriter&, const T&)>
std::string ToText(const T& v) {
  std::string out;
  out.reserve(1024);
  JsonWriter w(out);
  Write(w, v);
  return out;
}
}  // namespace

std::string EncodeCustomerText(const Customer& c) { return ToText<Customer, WriteCustomer>(c); }
std::string EncodeItemText(const Item& i) { return ToText<Item, WriteItem>(i); }
std::string EncodeSalesDocumentText(const SalesDocument& d) {
  return ToText<SalesDocument, WriteSalesDocument>(d);
}
std::string EncodePaymentText(const Payment& p) { return ToText<Payment, WritePayment>(p); }

}  // namespace es::qbo
