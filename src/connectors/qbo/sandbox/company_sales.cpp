// Sales forms (reference §3.6–3.8, 3.10, 3.11): Invoice, SalesReceipt,
// CreditMemo, RefundReceipt — line validation, exact totals and tax.
#include "connectors/qbo/sandbox/company.h"

#include <set>

namespace es::qbo::sandbox {
namespace {

constexpr std::string_view kShipping = "SHIPPING_ITEM_ID";
constexpr std::string_view kGratuity = "GRATUITY_ITEM_ID";
constexpr size_t kMaxCustomFields = 3;
constexpr size_t kMaxLines = 750;  // keeps every sum far inside Decimal's range
const Decimal kMaxMagnitude = Decimal::FromInt(10'000'000'000);  // "15 digits in 10.5 format"

const Json kUsd = {{"value", "USD"}, {"name", "United States Dollar"}};

Outcome<Decimal> Number(const Json& v, std::string_view field) {
  auto d = DecimalFromJson(v, /*rounded=*/true);
  if (!d.ok()) return ErrUnsupportedProperty(field, "must be a number");
  if (*d >= kMaxMagnitude || *d <= -kMaxMagnitude)
    return ErrUnsupportedProperty(field, "is out of range (at most 10 integer digits)");
  return *d;
}

bool IsTaxPseudo(const std::string& v) { return v == "TAX" || v == "NON"; }

std::string RefValue(const Json& obj, std::string_view key) {
  auto it = obj.find(std::string(key));
  if (it == obj.end() || !it->is_object()) return {};
  auto v = it->find("value");
  if (v == it->end()) return {};
  return ScalarText(*v);
}

}  // namespace

std::string Company::NextDocNumber(std::string_view entity) {
  int64_t& n = doc_numbers_[std::string(entity)];
  if (n == 0) n = 1000;
  return std::to_string(++n);
}

Outcome<Company::LineTotals> Company::NormalizeLines(const Json& in, const Record* existing) {
  auto lines_it = in.find("Line");
  if (lines_it == in.end() || !lines_it->is_array()) return ErrRequiredParam("Line");
  if (lines_it->size() > kMaxLines)
    return ErrBusiness("A transaction can have at most " + std::to_string(kMaxLines) + " lines", "Line");
  const Json& prefs = Find("Preferences", "1")->obj;
  const bool allow_shipping = PrefBool(prefs, "SalesFormsPrefs.AllowShipping", false);
  const bool allow_discount = PrefBool(prefs, "SalesFormsPrefs.AllowDiscount", false);

  std::set<std::string> old_ids;
  int64_t max_id = 0;
  if (existing && existing->obj.contains("Line")) {
    for (const Json& l : existing->obj["Line"]) {
      std::string id = l.value("Id", "");
      if (id.empty()) continue;
      old_ids.insert(id);
      max_id = std::max<int64_t>(max_id, std::stoll(id));
    }
  }
  struct Pending {
    Json line;
    bool percent = false;
    Decimal pct;
  };
  std::vector<Json> regular, extras;
  std::vector<Pending> discounts;
  LineTotals t;
  for (const Json& raw : *lines_it) {
    if (!raw.is_object()) return ErrUnsupportedProperty("Line", "each line must be an object");
    for (auto it = raw.begin(); it != raw.end(); ++it)
      if (!IsKnownSalesLineField(it.key())) return ErrUnsupportedProperty("Line." + it.key());
    if (auto e = CheckLength(raw, "Description", 4000)) return ErrLength("Line.Description", 4000);
    if (auto e = CheckString(raw, "DetailType", "Line.DetailType")) return *e;
    std::string type = raw.value("DetailType", "");
    if (type.empty()) return ErrRequiredParam("Line.DetailType");
    if (type == "SubTotalLineDetail") continue;  // recomputed
    Json out = raw;
    out.erase("LineNum");
    out.erase("ItemAccountRef");
    if (type == "SalesItemLineDetail") {
      if (!out.contains("SalesItemLineDetail")) out["SalesItemLineDetail"] = Json::object();
      Json& d = out["SalesItemLineDetail"];
      if (!d.is_object()) return ErrUnsupportedProperty("Line.SalesItemLineDetail", "must be an object");
      if (!d.contains("ItemRef")) {
        // Without an item the line is text only and its amount is ignored.
        out.erase("Amount");
        out.erase("SalesItemLineDetail");
        out["DetailType"] = "DescriptionOnly";
        out["DescriptionLineDetail"] = Json::object();
        regular.push_back(std::move(out));
        continue;
      }
      if (!out.contains("Amount")) return ErrRequiredParam("Line.Amount");
      auto amount = Number(out["Amount"], "Line.Amount");
      if (!amount.ok()) return amount.error();
      Decimal amt = amount.value().Rounded(2);
      if (!d["ItemRef"].is_object()) return ErrInvalidReference("Line.SalesItemLineDetail.ItemRef", "ItemRef must be an object");
      std::string item_id = d["ItemRef"].contains("value") ? ScalarText(d["ItemRef"]["value"]) : "";
      const bool is_extra = item_id == kShipping || item_id == kGratuity;
      bool item_taxable = false;
      if (item_id == kShipping && !allow_shipping)
        return ErrInvalidReference("Line.SalesItemLineDetail.ItemRef",
                                   "SHIPPING_ITEM_ID needs Preferences.SalesFormsPrefs.AllowShipping");
      if (is_extra) {
        d["ItemRef"] = Json{{"value", item_id}};
      } else {
        auto item = Resolve("Item", d["ItemRef"], "Line.SalesItemLineDetail.ItemRef");
        if (!item.ok()) return item.error();
        const Json& io = item.value()->obj;
        if (io.value("Type", "") == "Category")
          return ErrBusiness("A category cannot be used on a transaction line", "Line.SalesItemLineDetail.ItemRef");
        item_taxable = io.value("Taxable", false);
        if (io.contains("IncomeAccountRef")) out["ItemAccountRef"] = io["IncomeAccountRef"];
      }
      std::optional<Decimal> qty, price;
      if (d.contains("Qty") && !d["Qty"].is_null()) {
        auto q = Number(d["Qty"], "Line.SalesItemLineDetail.Qty");
        if (!q.ok()) return q.error();
        qty = q.value();
      }
      if (d.contains("UnitPrice") && !d["UnitPrice"].is_null()) {
        auto p = Number(d["UnitPrice"], "Line.SalesItemLineDetail.UnitPrice");
        if (!p.ok()) return p.error();
        price = p.value();
      }
      if (qty && price && qty->Mul(*price).Rounded(2) != amt)
        return ErrAmountMismatch("Amount is not equal to UnitPrice * Qty. Supplied value:" + amt.ToFixed(2));
      if (qty && !price && !qty->IsZero()) price = amt.Div(*qty);
      if (qty) d["Qty"] = Plain(*qty);
      if (price) d["UnitPrice"] = Plain(*price);
      std::string tax_code = RefValue(d, "TaxCodeRef");
      if (d.contains("TaxCodeRef") && !IsTaxPseudo(tax_code))
        return ErrInvalidReference("Line.SalesItemLineDetail.TaxCodeRef",
                                   "a line TaxCodeRef must be TAX or NON in a US company");
      if (tax_code.empty()) tax_code = (!is_extra && item_taxable) ? "TAX" : "NON";
      d["TaxCodeRef"] = Json{{"value", tax_code}};
      if (d.contains("ServiceDate") && !(d["ServiceDate"].is_string() && IsDate(d["ServiceDate"].get<std::string>())))
        return ErrUnsupportedProperty("Line.SalesItemLineDetail.ServiceDate", "must be a date YYYY-MM-DD");
      out["Amount"] = Money(amt);
      if (is_extra) {
        t.extra += amt;
        if (tax_code == "TAX") t.taxable_extra += amt;
        extras.push_back(std::move(out));
      } else {
        t.subtotal += amt;
        if (tax_code == "TAX") t.taxable_items += amt;
        regular.push_back(std::move(out));
      }
    } else if (type == "DiscountLineDetail") {
      if (!allow_discount) return ErrBusiness("Discounts are turned off in Preferences.SalesFormsPrefs.AllowDiscount");
      if (!out.contains("DiscountLineDetail")) out["DiscountLineDetail"] = Json::object();
      Json& d = out["DiscountLineDetail"];
      if (!d.is_object()) return ErrUnsupportedProperty("Line.DiscountLineDetail", "must be an object");
      Pending p;
      if (d.contains("PercentBased") && !d["PercentBased"].is_boolean())
        return ErrUnsupportedProperty("Line.DiscountLineDetail.PercentBased", "must be true or false");
      p.percent = d.value("PercentBased", false);
      if (p.percent) {
        if (!d.contains("DiscountPercent")) return ErrRequiredParam("Line.DiscountLineDetail.DiscountPercent");
        auto pct = Number(d["DiscountPercent"], "Line.DiscountLineDetail.DiscountPercent");
        if (!pct.ok()) return pct.error();
        p.pct = pct.value();
        if (p.pct.IsNegative() || p.pct > Decimal::FromInt(100))
          return ErrBusiness("DiscountPercent must be between 0 and 100", "Line.DiscountLineDetail.DiscountPercent");
        d["DiscountPercent"] = Plain(p.pct);
      } else {
        if (!out.contains("Amount")) return ErrRequiredParam("Line.Amount");
        auto amount = Number(out["Amount"], "Line.Amount");
        if (!amount.ok()) return amount.error();
        out["Amount"] = Money(amount.value().Rounded(2));
      }
      if (!d.contains("DiscountAccountRef")) d["DiscountAccountRef"] = Json{{"value", "7"}};
      auto acct = Resolve("Account", d["DiscountAccountRef"], "Line.DiscountLineDetail.DiscountAccountRef");
      if (!acct.ok()) return acct.error();
      p.line = std::move(out);
      discounts.push_back(std::move(p));
    } else if (type == "DescriptionOnly") {
      out.erase("Amount");
      if (!out.contains("DescriptionLineDetail")) out["DescriptionLineDetail"] = Json::object();
      regular.push_back(std::move(out));
    } else {
      return ErrUnsupportedProperty("Line.DetailType", "value '" + type + "' is not supported by the sandbox");
    }
  }
  for (Pending& p : discounts) {
    Decimal amt = p.percent ? t.subtotal.Mul(p.pct).Div(Decimal::FromInt(100)).Rounded(2)
                            : DecimalFromJson(p.line["Amount"]).value();
    p.line["Amount"] = Money(amt);
    t.discount += amt;
  }
  if (regular.empty() && extras.empty() && discounts.empty()) return ErrRequiredParam("Line");

  std::set<std::string> used;
  int64_t line_num = 0;
  auto assign = [&](Json& l, bool numbered) {
    std::string id = l.contains("Id") ? ScalarText(l["Id"]) : "";
    if (id.empty() || !old_ids.count(id) || used.count(id)) id = std::to_string(++max_id);
    used.insert(id);
    l["Id"] = id;
    if (numbered) l["LineNum"] = ++line_num;
  };
  for (Json& l : regular) {
    assign(l, true);
    t.lines.push_back(std::move(l));
  }
  t.lines.push_back(Json{{"Amount", Money(t.subtotal)}, {"DetailType", "SubTotalLineDetail"},
                         {"SubTotalLineDetail", Json::object()}});
  for (Pending& p : discounts) {
    assign(p.line, false);
    t.lines.push_back(std::move(p.line));
  }
  for (Json& l : extras) {
    assign(l, true);
    t.lines.push_back(std::move(l));
  }
  return t;
}

Outcome<Json> Company::NormalizeTax(const Json& in, const Record* existing, const Json& request,
                                    const LineTotals& t, bool* tax_override, Decimal* total_tax) {
  Json ttd = in.contains("TxnTaxDetail") ? in["TxnTaxDetail"] : Json::object();
  if (!ttd.is_object()) return ErrUnsupportedProperty("TxnTaxDetail", "must be an object");
  std::optional<Decimal> override_tax;
  const Json* req_ttd = request.contains("TxnTaxDetail") ? &request["TxnTaxDetail"] : nullptr;
  if (req_ttd && req_ttd->is_object() && req_ttd->contains("TotalTax")) {
    auto v = Number((*req_ttd)["TotalTax"], "TxnTaxDetail.TotalTax");
    if (!v.ok()) return v.error();
    override_tax = v.value().Rounded(2);
  } else if (*tax_override && existing && !request.contains("Line") && ttd.contains("TotalTax")) {
    override_tax = DecimalFromJson(ttd["TotalTax"], true).ok() ? DecimalFromJson(ttd["TotalTax"], true).value() : Decimal();
  }
  *tax_override = override_tax.has_value();

  Decimal base = t.taxable_items + t.taxable_extra;
  if (in.value("ApplyTaxAfterDiscount", false) == true && !t.subtotal.IsZero())
    base -= t.discount.Mul(t.taxable_items).Div(t.subtotal).Rounded(2);

  Json out = Json::object();
  Json tax_lines = Json::array();
  Decimal computed;
  if (ttd.contains("TxnTaxCodeRef")) {
    std::string code = RefValue(ttd, "TxnTaxCodeRef");
    if (IsTaxPseudo(code))
      return ErrInvalidReference("TxnTaxDetail.TxnTaxCodeRef", "TxnTaxCodeRef must name a tax code, not " + code);
    auto rec = Resolve("TaxCode", ttd["TxnTaxCodeRef"], "TxnTaxDetail.TxnTaxCodeRef");
    if (!rec.ok()) return rec.error();
    out["TxnTaxCodeRef"] = ttd["TxnTaxCodeRef"];
    const Json* details = FindPath(rec.value()->obj, "SalesTaxRateList.TaxRateDetail");
    if (details && details->is_array()) {
      for (const Json& det : *details) {
        std::string rate_id = RefValue(det, "TaxRateRef");
        const Record* rate = Find("TaxRate", rate_id);
        if (!rate) continue;
        Decimal pct = DecimalFromJson(rate->obj["RateValue"], true).ok()
                          ? DecimalFromJson(rate->obj["RateValue"], true).value()
                          : Decimal();
        Decimal amt = base.Mul(pct).Div(Decimal::FromInt(100)).Rounded(2);
        computed += amt;
        tax_lines.push_back(Json{{"Amount", Money(amt)},
                                 {"DetailType", "TaxLineDetail"},
                                 {"TaxLineDetail",
                                  {{"TaxRateRef", {{"value", rate_id}, {"name", rate->obj.value("Name", "")}}},
                                   {"PercentBased", true},
                                   {"TaxPercent", Plain(pct)},
                                   {"NetAmountTaxable", Money(base)}}}});
      }
    }
  }
  Decimal total = override_tax ? *override_tax : computed;
  if (override_tax && !tax_lines.empty() && total != computed) {
    Json& last = tax_lines.back();
    Decimal adjusted = DecimalFromJson(last["Amount"]).value() + (total - computed);
    last["Amount"] = Money(adjusted);
  }
  if (!tax_lines.empty()) out["TaxLine"] = tax_lines;
  out["TotalTax"] = Money(total);
  *total_tax = total;
  return out;
}

Outcome<Json> Company::NormalizeSalesForm(const EntityInfo& e, const Json& in, const Record* existing,
                                          const Json& request, bool* tax_override) {
  const std::string entity(e.name);
  const std::string self = existing ? existing->obj.value("Id", "") : "";
  Json o = in;
  for (const char* f : {"TotalAmt", "HomeTotalAmt", "Balance", "HomeBalance", "RemainingCredit", "LinkedTxn"})
    o.erase(f);

  if (o.contains("CustomerRef")) {
    auto c = Resolve("Customer", o["CustomerRef"], "CustomerRef");
    if (!c.ok()) return c.error();
  } else if (entity != "RefundReceipt") {
    return ErrRequiredParam("CustomerRef");
  }
  if (auto err = CheckLength(o, "DocNumber", 21)) return *err;
  if (auto err = CheckLength(o, "PrivateNote", 4000)) return *err;
  if (auto err = CheckLength(o, "TrackingNum", 31)) return *err;
  if (auto err = CheckLength(o, "PaymentRefNum", entity == "RefundReceipt" ? 100 : 21)) return *err;
  if (o.contains("CustomerMemo")) {
    if (!o["CustomerMemo"].is_object()) return ErrUnsupportedProperty("CustomerMemo", "must be an object {\"value\": …}");
    if (CheckLength(o["CustomerMemo"], "value", 1000)) return ErrLength("CustomerMemo", 1000);
  }
  for (const char* f : {"TxnDate", "DueDate", "ShipDate"}) {
    if (!o.contains(f)) continue;
    if (!o[f].is_string() || !IsDate(o[f].get<std::string>()))
      return ErrUnsupportedProperty(f, "must be a date YYYY-MM-DD");
  }
  if (!o.contains("TxnDate")) o["TxnDate"] = existing ? existing->obj.value("TxnDate", Today()) : Today();
  if (entity == "Invoice" && !o.contains("DueDate")) o["DueDate"] = o["TxnDate"];
  const Json& prefs = Find("Preferences", "1")->obj;
  const bool custom_numbers = PrefBool(prefs, "SalesFormsPrefs.CustomTxnNumbers", false);
  std::string doc = o.value("DocNumber", "");
  if (doc == "AUTO_GENERATE" || (doc.empty() && !custom_numbers)) {
    if (doc.empty() && existing && existing->obj.contains("DocNumber")) o["DocNumber"] = existing->obj["DocNumber"];
    else o["DocNumber"] = NextDocNumber(entity);
  }

  if (o.contains("CustomField")) {
    Json& cf = o["CustomField"];
    if (!cf.is_array()) return ErrUnsupportedProperty("CustomField", "must be an array");
    if (cf.size() > kMaxCustomFields) {
      ApiError err = ErrLength("CustomField", kMaxCustomFields);
      err.detail = "At most 3 custom fields (String type) can be set on a transaction; got " + std::to_string(cf.size());
      return err;
    }
    std::set<std::string> seen;
    Json out = Json::array();
    for (const Json& f : cf) {
      if (!f.is_object() || !f.contains("DefinitionId")) return ErrRequiredParam("CustomField.DefinitionId");
      std::string def = ScalarText(f["DefinitionId"]);
      if (def != "1" && def != "2" && def != "3")
        return ErrInvalidReference("CustomField.DefinitionId", "custom field definition " + def + " does not exist");
      if (!seen.insert(def).second) return ErrBusiness("Custom field " + def + " is set twice", "CustomField");
      if (f.contains("StringValue") && !f["StringValue"].is_string())
        return ErrUnsupportedProperty("CustomField.StringValue", "must be a string");
      if (CheckLength(f, "StringValue", 100)) return ErrLength("CustomField.StringValue", 100);
      std::string name;
      if (const Json* groups = FindPath(prefs, "SalesFormsPrefs.CustomField"); groups && groups->is_array())
        for (const Json& g : *groups)
          if (g.is_object() && g.contains("CustomField") && g["CustomField"].is_array())
            for (const Json& c : g["CustomField"])
              if (c.is_object() && c.value("Name", Json()) == "SalesFormsPrefs.SalesCustomName" + def &&
                  c.contains("StringValue") && c["StringValue"].is_string())
                name = c["StringValue"].get<std::string>();
      Json field = {{"DefinitionId", def}, {"Type", "StringType"}, {"StringValue", f.value("StringValue", "")}};
      if (!name.empty()) field["Name"] = name;
      out.push_back(std::move(field));
    }
    cf = std::move(out);
  }
  if (entity == "RefundReceipt" && !o.contains("DepositToAccountRef")) return ErrRequiredParam("DepositToAccountRef");
  if (entity == "SalesReceipt" && !o.contains("DepositToAccountRef")) o["DepositToAccountRef"] = Json{{"value", "5"}};
  for (auto [field, target] : {std::pair{"DepositToAccountRef", "Account"}, std::pair{"PaymentMethodRef", "PaymentMethod"}}) {
    if (!o.contains(field)) continue;
    auto r = Resolve(target, o[field], field);
    if (!r.ok()) return r.error();
  }
  if (o.contains("ApplyTaxAfterDiscount") && !o["ApplyTaxAfterDiscount"].is_boolean())
    return ErrUnsupportedProperty("ApplyTaxAfterDiscount", "must be true or false");

  auto lines = NormalizeLines(o, existing);
  if (!lines.ok()) return lines.error();
  const LineTotals& t = lines.value();
  o["Line"] = t.lines;
  Decimal tax;
  auto ttd = NormalizeTax(o, existing, request, t, tax_override, &tax);
  if (!ttd.ok()) return ttd.error();
  o["TxnTaxDetail"] = ttd.value();

  Decimal total = t.subtotal - t.discount + t.extra + tax;
  if (total.IsNegative()) return ErrBusiness("Transaction total cannot be negative (" + total.ToFixed(2) + ")", "TotalAmt");
  o["TotalAmt"] = Money(total);
  if (entity == "Invoice" || entity == "CreditMemo") {
    Decimal applied = self.empty() ? Decimal() : AppliedTo(entity, self);
    o["Balance"] = Money(total - applied);
    if (entity == "CreditMemo") o["RemainingCredit"] = Money(total - applied);
    if (entity == "Invoice") {
      Json links = Json::array();
      if (!self.empty()) {
        auto it = applied_.find({entity, self});
        if (it != applied_.end())
          for (const auto& [pid, amt] : it->second) links.push_back(Json{{"TxnId", pid}, {"TxnType", "Payment"}});
      }
      if (!links.empty()) o["LinkedTxn"] = links;
      if (!o.contains("Deposit")) o["Deposit"] = 0;
    }
  } else {
    o["Balance"] = 0;
  }
  if (!o.contains("ApplyTaxAfterDiscount")) o["ApplyTaxAfterDiscount"] = false;
  if (!o.contains("PrintStatus")) o["PrintStatus"] = "NotSet";
  if (!o.contains("EmailStatus")) o["EmailStatus"] = "NotSet";
  o["CurrencyRef"] = kUsd;
  return o;
}

}  // namespace es::qbo::sandbox
