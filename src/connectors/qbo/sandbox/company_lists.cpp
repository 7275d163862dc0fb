// Name lists (reference §3.1–3.5): Customer, Item, Account, PaymentMethod,
// and the Preferences singleton.
#include "connectors/qbo/sandbox/company.h"

namespace es::qbo::sandbox {
namespace {

const Json kUsd = {{"value", "USD"}, {"name", "United States Dollar"}};

std::optional<ApiError> CheckBool(const Json& o, std::string_view field) {
  auto it = o.find(std::string(field));
  if (it != o.end() && !it->is_boolean()) return ErrUnsupportedProperty(field, "must be true or false");
  return std::nullopt;
}

// Parses an optional number field in place (shortest form); error names it.
std::optional<ApiError> NormalizeNumber(Json& o, std::string_view field, bool money) {
  auto it = o.find(std::string(field));
  if (it == o.end() || it->is_null()) return std::nullopt;
  auto d = DecimalFromJson(*it, /*rounded=*/true);
  if (!d.ok()) return ErrUnsupportedProperty(field, "must be a number");
  const Decimal max = Decimal::FromInt(10'000'000'000);
  if (*d >= max || *d <= -max) return ErrUnsupportedProperty(field, "is out of range (at most 10 integer digits)");
  *it = money ? Money(*d) : Plain(*d);
  return std::nullopt;
}

std::string AccountClassification(const std::string& type) {
  if (type == "Bank" || type == "Accounts Receivable" || type == "Other Current Asset" ||
      type == "Fixed Asset" || type == "Other Asset")
    return "Asset";
  if (type == "Accounts Payable" || type == "Credit Card" || type == "Other Current Liability" ||
      type == "Long Term Liability")
    return "Liability";
  if (type == "Equity") return "Equity";
  if (type == "Income" || type == "Other Income") return "Revenue";
  if (type == "Cost of Goods Sold" || type == "Expense" || type == "Other Expense") return "Expense";
  return {};
}

std::string TypeOfSubType(const std::string& sub) {
  if (sub == "SalesOfProductIncome" || sub == "ServiceFeeIncome" || sub == "DiscountsRefundsGiven" ||
      sub == "OtherPrimaryIncome" || sub == "NonProfitIncome")
    return "Income";
  if (sub == "SuppliesMaterialsCogs" || sub == "ShippingFreightDeliveryCos") return "Cost of Goods Sold";
  if (sub == "Inventory" || sub == "UndepositedFunds" || sub == "OtherCurrentAssets") return "Other Current Asset";
  if (sub == "Checking" || sub == "Savings" || sub == "CashOnHand") return "Bank";
  if (sub == "AccountsReceivable") return "Accounts Receivable";
  return {};
}

void DeepMerge(Json& into, const Json& from) {
  for (auto it = from.begin(); it != from.end(); ++it) {
    if (it->is_object() && into.contains(it.key()) && into[it.key()].is_object())
      DeepMerge(into[it.key()], *it);
    else
      into[it.key()] = *it;
  }
}

}  // namespace

Outcome<Json> Company::NormalizeCustomer(const Json& in, const Record* existing) {
  Json o = in;
  const std::string self = existing ? existing->obj.value("Id", "") : "";
  for (const char* f : {"DisplayName", "Title", "GivenName", "MiddleName", "FamilyName", "Suffix",
                        "PrintOnCheckName"})
    if (auto e = CheckNameChars(o, f)) return *e;
  static const std::pair<const char*, size_t> kLimits[] = {
      {"DisplayName", 500}, {"Title", 16},   {"GivenName", 100},  {"MiddleName", 100},
      {"FamilyName", 100},  {"Suffix", 16},  {"CompanyName", 100}, {"PrintOnCheckName", 110},
      {"Notes", 2000},      {"ResaleNum", 16}};
  for (const auto& [f, max] : kLimits)
    if (auto e = CheckLength(o, f, max)) return *e;
  for (const char* f : {"PrimaryPhone", "AlternatePhone", "Mobile", "Fax"}) {
    if (!o.contains(f)) continue;
    if (!o[f].is_object()) return ErrUnsupportedProperty(f, "must be an object {\"FreeFormNumber\": …}");
    if (auto e = CheckLength(o[f], "FreeFormNumber", 30)) return ErrLength(std::string(f) + ".FreeFormNumber", 30);
  }
  if (auto e = CheckBool(o, "Active")) return *e;
  if (auto e = CheckBool(o, "Taxable")) return *e;
  if (auto e = CheckBool(o, "Job")) return *e;
  const bool active = o.value("Active", true);

  std::string name = o.value("DisplayName", "");
  if (name.empty() && existing) name = existing->obj.value("DisplayName", "");
  if (name.empty()) {
    for (const char* f : {"Title", "GivenName", "MiddleName", "FamilyName", "Suffix"}) {
      std::string part = o.value(f, "");
      if (part.empty()) continue;
      if (!name.empty()) name += " ";
      name += part;
    }
  }
  if (name.empty()) return ErrRequiredParam("DisplayName");
  std::string base = DeletedSuffixed(name, true);
  if (base.empty()) return ErrRequiredParam("DisplayName");
  if (active)
    if (auto e = CheckUniqueName("Customer", base, self)) return *e;
  o["DisplayName"] = DeletedSuffixed(base, active);
  o["FullyQualifiedName"] = o["DisplayName"];
  if (!o.contains("PrintOnCheckName")) o["PrintOnCheckName"] = base;

  if (o.contains("PrimaryEmailAddr")) {
    const Json& em = o["PrimaryEmailAddr"];
    if (!em.is_object()) return ErrUnsupportedProperty("PrimaryEmailAddr", "must be an object {\"Address\": …}");
    if (auto e = CheckString(em, "Address", "PrimaryEmailAddr.Address")) return *e;
    if (auto e = CheckLength(em, "Address", 100)) return ErrLength("PrimaryEmailAddr.Address", 100);
    std::string addr = em.value("Address", "");
    if (!addr.empty() && (addr.find('@') == std::string::npos || addr.find('.') == std::string::npos)) {
      ApiError e = ErrUnsupportedProperty("PrimaryEmailAddr.Address", "is not a valid email address (needs @ and .)");
      e.message = "Invalid Email Address format";
      return e;
    }
  }
  for (const char* f : {"BillAddr", "ShipAddr", "OtherAddr"}) {
    if (!o.contains(f)) continue;
    Json& a = o[f];
    if (!a.is_object()) return ErrUnsupportedProperty(f, "must be an address object");
    for (const char* l : {"Line1", "Line2", "Line3", "Line4", "Line5"})
      if (CheckLength(a, l, 500)) return ErrLength(std::string(f) + "." + l, 500);
    if (CheckLength(a, "City", 255)) return ErrLength(std::string(f) + ".City", 255);
    if (CheckLength(a, "PostalCode", 30)) return ErrLength(std::string(f) + ".PostalCode", 30);
    if (CheckLength(a, "Country", 255)) return ErrLength(std::string(f) + ".Country", 255);
    if (CheckLength(a, "CountrySubDivisionCode", 255)) return ErrLength(std::string(f) + ".CountrySubDivisionCode", 255);
    std::string old_id;
    if (existing && existing->obj.contains(f)) old_id = existing->obj[f].value("Id", "");
    a["Id"] = old_id.empty() ? NewId("PhysicalAddress") : old_id;
  }
  if (o.contains("ParentRef")) {
    auto r = Resolve("Customer", o["ParentRef"], "ParentRef");
    if (!r.ok()) return r.error();
    o["Job"] = true;
  }
  if (o.contains("DefaultTaxCodeRef")) {
    auto r = Resolve("TaxCode", o["DefaultTaxCodeRef"], "DefaultTaxCodeRef");
    if (!r.ok()) return r.error();
  }
  if (o.contains("PaymentMethodRef")) {
    auto r = Resolve("PaymentMethod", o["PaymentMethodRef"], "PaymentMethodRef");
    if (!r.ok()) return r.error();
  }
  o["Active"] = active;
  if (!o.contains("Taxable")) o["Taxable"] = true;
  if (!o.contains("Job")) o["Job"] = false;
  if (!o.contains("BillWithParent")) o["BillWithParent"] = false;
  if (!o.contains("PreferredDeliveryMethod")) o["PreferredDeliveryMethod"] = "Print";
  Json balance = existing ? existing->obj.value("Balance", Json(0)) : Json(0);
  o["Balance"] = balance;
  o["BalanceWithJobs"] = balance;
  o["CurrencyRef"] = kUsd;
  return o;
}

Outcome<Json> Company::NormalizeItem(const Json& in, const Record* existing, const Json& request) {
  Json o = in;
  const std::string self = existing ? existing->obj.value("Id", "") : "";
  if (auto e = CheckNameChars(o, "Name")) return *e;
  if (auto e = CheckLength(o, "Name", 100)) return *e;
  if (auto e = CheckLength(o, "Sku", 100)) return *e;
  if (auto e = CheckLength(o, "Description", 4000)) return *e;
  if (auto e = CheckLength(o, "PurchaseDesc", 1000)) return *e;
  for (const char* f : {"Active", "Taxable", "TrackQtyOnHand", "SalesTaxIncluded", "PurchaseTaxIncluded"})
    if (auto e = CheckBool(o, f)) return *e;
  const bool active = o.value("Active", true);
  std::string name = o.value("Name", "");
  if (name.empty()) return ErrRequiredParam("Name");
  std::string base = DeletedSuffixed(name, true);
  if (active)
    if (auto e = CheckUniqueName("Item", base, self)) return *e;
  o["Name"] = DeletedSuffixed(base, active);
  o["FullyQualifiedName"] = o["Name"];

  if (auto e = CheckString(o, "Type")) return *e;
  std::string type = o.value("Type", existing ? existing->obj.value("Type", "NonInventory") : "NonInventory");
  if (type != "Inventory" && type != "NonInventory" && type != "Service" && type != "Category")
    return ErrUnsupportedProperty("Type", "must be Inventory, NonInventory, Service or Category");
  if (existing && existing->obj.value("Type", "") == "Inventory" && type != "Inventory")
    return ErrBusiness("An inventory item cannot be changed to another type", "Type");
  o["Type"] = type;

  for (const char* f : {"UnitPrice", "PurchaseCost", "QtyOnHand", "ReorderPoint"})
    if (auto e = NormalizeNumber(o, f, false)) return *e;

  if (type == "NonInventory" || type == "Service") {
    if (!o.contains("IncomeAccountRef") && !o.contains("ExpenseAccountRef"))
      return ErrRequiredParam("ExpenseAccountRef or IncomeAccountRef");
  }
  if (type == "Inventory") {
    for (const char* f : {"IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef"})
      if (!o.contains(f)) return ErrRequiredParam(f);
    if (!existing) {
      if (!o.value("TrackQtyOnHand", false)) return ErrRequiredParam("TrackQtyOnHand");
      if (!o.contains("QtyOnHand")) return ErrRequiredParam("QtyOnHand");
      if (!o.contains("InvStartDate")) return ErrRequiredParam("InvStartDate");
    }
    o["TrackQtyOnHand"] = true;
  }
  if (existing && existing->obj.value("TrackQtyOnHand", false) && !o.value("TrackQtyOnHand", true))
    return ErrBusiness("TrackQtyOnHand cannot be turned off once it is on", "TrackQtyOnHand");
  for (const char* f : {"IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef"}) {
    if (!o.contains(f)) continue;
    auto r = Resolve("Account", o[f], f);
    if (!r.ok()) return r.error();
  }
  for (const char* f : {"SalesTaxCodeRef", "PurchaseTaxCodeRef"}) {
    if (!o.contains(f)) continue;
    auto r = Resolve("TaxCode", o[f], f);
    if (!r.ok()) return r.error();
  }
  if (o.contains("InvStartDate") && !(o["InvStartDate"].is_string() && IsDate(o["InvStartDate"].get<std::string>())))
    return ErrUnsupportedProperty("InvStartDate", "must be a date YYYY-MM-DD");
  if (existing) {
    // An update is read as a stock adjustment only when QtyOnHand is sent;
    // the original start date is always kept.
    if (existing->obj.contains("InvStartDate")) o["InvStartDate"] = existing->obj["InvStartDate"];
    if (!request.contains("QtyOnHand") && existing->obj.contains("QtyOnHand")) o["QtyOnHand"] = existing->obj["QtyOnHand"];
  }
  o["Active"] = active;
  if (!o.contains("Taxable")) o["Taxable"] = false;
  if (!o.contains("TrackQtyOnHand")) o["TrackQtyOnHand"] = false;
  if (!o.contains("SalesTaxIncluded")) o["SalesTaxIncluded"] = false;
  if (!o.contains("PurchaseTaxIncluded")) o["PurchaseTaxIncluded"] = false;
  if (!o.contains("UnitPrice")) o["UnitPrice"] = 0;
  if (!o.contains("PurchaseCost")) o["PurchaseCost"] = 0;
  if (!o.contains("SubItem")) o["SubItem"] = false;
  return o;
}

Outcome<Json> Company::NormalizeAccount(const Json& in, const Record* existing) {
  Json o = in;
  const std::string self = existing ? existing->obj.value("Id", "") : "";
  if (auto e = CheckLength(o, "Name", 100)) return *e;
  if (auto e = CheckLength(o, "Description", 100)) return *e;
  if (auto e = CheckLength(o, "AcctNum", 20)) return *e;
  if (auto e = CheckBool(o, "Active")) return *e;
  const bool active = o.value("Active", true);
  std::string name = o.value("Name", "");
  if (name.empty()) return ErrRequiredParam("Name");
  if (name.find_first_of(":\"") != std::string::npos) {
    ApiError e = ErrUnsupportedProperty("Name", "may not contain a colon (:) or a double quote (\")");
    e.message = "Invalid character";
    return e;
  }
  if (o.value("AcctNum", "").find(':') != std::string::npos)
    return ErrUnsupportedProperty("AcctNum", "may not contain a colon (:)");
  std::string base = DeletedSuffixed(name, true);
  if (active)
    if (auto e = CheckUniqueName("Account", base, self)) return *e;
  o["Name"] = DeletedSuffixed(base, active);
  o["FullyQualifiedName"] = o["Name"];
  if (auto e = CheckString(o, "AccountType")) return *e;
  if (auto e = CheckString(o, "AccountSubType")) return *e;
  std::string type = o.value("AccountType", "");
  std::string sub = o.value("AccountSubType", "");
  if (type.empty() && !sub.empty()) type = TypeOfSubType(sub);
  if (type.empty()) return ErrRequiredParam("AccountType");
  std::string cls = AccountClassification(type);
  if (cls.empty()) return ErrUnsupportedProperty("AccountType", "is not a valid account type");
  o["AccountType"] = type;
  o["Classification"] = cls;
  o["Active"] = active;
  o["SubAccount"] = o.contains("ParentRef");
  Json balance = existing ? existing->obj.value("CurrentBalance", Json(0)) : Json(0);
  o["CurrentBalance"] = balance;
  o["CurrentBalanceWithSubAccounts"] = balance;
  o["CurrencyRef"] = kUsd;
  return o;
}

Outcome<Json> Company::NormalizePaymentMethod(const Json& in, const Record* existing) {
  Json o = in;
  const std::string self = existing ? existing->obj.value("Id", "") : "";
  if (auto e = CheckLength(o, "Name", 31)) return *e;
  if (auto e = CheckBool(o, "Active")) return *e;
  const bool active = o.value("Active", true);
  std::string name = o.value("Name", "");
  if (name.empty()) return ErrRequiredParam("Name");
  std::string base = DeletedSuffixed(name, true);
  if (active)
    if (auto e = CheckUniqueName("PaymentMethod", base, self)) return *e;
  o["Name"] = DeletedSuffixed(base, active);
  if (auto e = CheckString(o, "Type")) return *e;
  std::string type = o.value("Type", "NON_CREDIT_CARD");
  if (type != "CREDIT_CARD" && type != "NON_CREDIT_CARD")
    return ErrUnsupportedProperty("Type", "must be CREDIT_CARD or NON_CREDIT_CARD");
  o["Type"] = type;
  o["Active"] = active;
  return o;
}

Outcome<Json> Company::UpdatePreferences(const Json& body) {
  const EntityInfo* e = EntityByName("Preferences");
  if (auto err = CheckUnknownFields(*e, body)) return *err;
  Record& r = table("Preferences").rows["1"];
  auto tok = body.find("SyncToken");
  if (tok == body.end()) return ErrRequiredParam("SyncToken");
  if (ScalarText(*tok) != r.obj.value("SyncToken", "")) return ErrStaleObject();
  Json merged = r.obj;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() == "Id" || it.key() == "SyncToken" || it.key() == "sparse" || it.key() == "MetaData" ||
        it.key() == "domain")
      continue;
    if (!it->is_object()) return ErrUnsupportedProperty(it.key(), "must be an object");
    DeepMerge(merged[it.key()], *it);
  }
  r.obj = std::move(merged);
  Bump(*e, "1", r);
  ++writes_;
  return r.obj;
}

}  // namespace es::qbo::sandbox
