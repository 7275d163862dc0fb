// Payments (reference §3.9) and the bookkeeping they drive: invoice and
// credit-memo balances, LinkedTxn, customer balances and inventory stock.
#include "connectors/qbo/sandbox/company.h"

#include <set>

namespace es::qbo::sandbox {
namespace {

const Json kUsd = {{"value", "USD"}, {"name", "United States Dollar"}};
constexpr size_t kMaxLines = 750;
const Decimal kMaxMagnitude = Decimal::FromInt(10'000'000'000);

bool InRange(Decimal d) { return d < kMaxMagnitude && d > -kMaxMagnitude; }

Decimal Dec(const Json& obj, std::string_view key) {
  auto it = obj.find(std::string(key));
  if (it == obj.end()) return Decimal();
  auto d = DecimalFromJson(*it, true);
  return d.ok() ? *d : Decimal();
}

std::string RefValue(const Json& obj, std::string_view key) {
  auto it = obj.find(std::string(key));
  if (it == obj.end() || !it->is_object() || !it->contains("value")) return {};
  return ScalarText((*it)["value"]);
}

// (TxnType, TxnId, Amount) of each applied payment line.
struct Link {
  std::string type, id;
  Decimal amount;
};

std::vector<Link> LinksOf(const Json& payment) {
  std::vector<Link> out;
  auto lines = payment.find("Line");
  if (lines == payment.end() || !lines->is_array()) return out;
  for (const Json& l : *lines) {
    auto lt = l.find("LinkedTxn");
    if (lt == l.end() || !lt->is_array() || lt->empty()) continue;
    const Json& first = (*lt)[0];
    out.push_back(Link{first.value("TxnType", ""), ScalarText(first.value("TxnId", Json(""))), Dec(l, "Amount")});
  }
  return out;
}

}  // namespace

Outcome<Json> Company::NormalizePayment(const Json& in, const Record* existing) {
  Json o = in;
  const std::string self = existing ? existing->obj.value("Id", "") : "";
  o.erase("UnappliedAmt");
  if (!o.contains("CustomerRef")) return ErrRequiredParam("CustomerRef");
  auto cust = Resolve("Customer", o["CustomerRef"], "CustomerRef");
  if (!cust.ok()) return cust.error();
  const std::string customer_id = RefValue(o, "CustomerRef");
  if (!o.contains("TotalAmt")) return ErrRequiredParam("TotalAmt");
  auto total_r = DecimalFromJson(o["TotalAmt"], true);
  if (!total_r.ok()) return ErrUnsupportedProperty("TotalAmt", "must be a number");
  Decimal total = total_r->Rounded(2);
  if (!InRange(total)) return ErrUnsupportedProperty("TotalAmt", "is out of range (at most 10 integer digits)");
  if (total.IsNegative()) return ErrBusiness("A payment amount cannot be negative", "TotalAmt");
  if (auto err = CheckLength(o, "PaymentRefNum", 21)) return *err;
  if (auto err = CheckLength(o, "PrivateNote", 4000)) return *err;
  if (o.contains("TxnDate") && !(o["TxnDate"].is_string() && IsDate(o["TxnDate"].get<std::string>())))
    return ErrUnsupportedProperty("TxnDate", "must be a date YYYY-MM-DD");
  if (!o.contains("TxnDate")) o["TxnDate"] = existing ? existing->obj.value("TxnDate", Today()) : Today();
  if (!o.contains("DepositToAccountRef")) o["DepositToAccountRef"] = Json{{"value", "5"}};
  for (auto [field, target] : {std::pair{"DepositToAccountRef", "Account"}, std::pair{"PaymentMethodRef", "PaymentMethod"},
                               std::pair{"ARAccountRef", "Account"}}) {
    if (!o.contains(field)) continue;
    auto r = Resolve(target, o[field], field);
    if (!r.ok()) return r.error();
  }

  Decimal applied_invoices, applied_credits;
  std::map<std::pair<std::string, std::string>, Decimal> this_payment;
  Json lines = Json::array();
  if (o.contains("Line")) {
    if (!o["Line"].is_array()) return ErrUnsupportedProperty("Line", "must be an array");
    if (o["Line"].size() > kMaxLines)
      return ErrBusiness("A payment can have at most " + std::to_string(kMaxLines) + " lines", "Line");
    for (const Json& raw : o["Line"]) {
      if (!raw.is_object()) return ErrUnsupportedProperty("Line", "each line must be an object");
      for (auto it = raw.begin(); it != raw.end(); ++it)
        if (!IsKnownPaymentLineField(it.key())) return ErrUnsupportedProperty("Line." + it.key());
      if (!raw.contains("Amount")) return ErrRequiredParam("Line.Amount");
      auto amt_r = DecimalFromJson(raw["Amount"], true);
      if (!amt_r.ok()) return ErrUnsupportedProperty("Line.Amount", "must be a number");
      Decimal amt = amt_r->Rounded(2);
      if (!InRange(amt)) return ErrUnsupportedProperty("Line.Amount", "is out of range (at most 10 integer digits)");
      if (amt.IsNegative()) return ErrBusiness("A payment line amount cannot be negative", "Line.Amount");
      auto lt = raw.find("LinkedTxn");
      if (lt == raw.end() || !lt->is_array() || lt->empty() || !(*lt)[0].is_object())
        return ErrRequiredParam("Line.LinkedTxn");
      const Json& link = (*lt)[0];
      if (auto e = CheckString(link, "TxnType", "Line.LinkedTxn.TxnType")) return *e;
      std::string type = link.value("TxnType", "");
      std::string id = link.contains("TxnId") ? ScalarText(link["TxnId"]) : "";
      if (id.empty()) return ErrRequiredParam("Line.LinkedTxn.TxnId");
      if (type != "Invoice" && type != "CreditMemo")
        return ErrBusiness("LinkedTxn.TxnType '" + type + "' is not supported (Invoice or CreditMemo)", "Line.LinkedTxn.TxnType");
      const Record* target = Find(type, id);
      if (!target || target->deleted)
        return ErrInvalidReference("Line.LinkedTxn.TxnId", type + " " + id + " does not exist");
      if (target->voided) return ErrBusiness(type + " " + id + " is voided", "Line.LinkedTxn.TxnId");
      if (RefValue(target->obj, "CustomerRef") != customer_id)
        return ErrBusiness(type + " " + id + " belongs to a different customer", "Line.LinkedTxn.TxnId");
      Decimal& mine = this_payment[{type, id}];
      mine += amt;
      Decimal open = Dec(target->obj, "TotalAmt") - AppliedTo(type, id, self);
      if (mine > open)
        return ErrBusiness("The payment amount applied to " + type + " " + id + " (" + mine.ToFixed(2) +
                               ") is more than its open balance (" + open.ToFixed(2) + ")",
                           "Line.Amount");
      (type == "Invoice" ? applied_invoices : applied_credits) += amt;
      lines.push_back(Json{{"Amount", Money(amt)}, {"LinkedTxn", Json::array({Json{{"TxnId", id}, {"TxnType", type}}})}});
    }
  }
  Decimal unapplied = total - applied_invoices + applied_credits;
  if (unapplied.IsNegative())
    return ErrBusiness("The amounts applied (" + applied_invoices.ToFixed(2) + ") exceed the payment amount (" +
                           (total + applied_credits).ToFixed(2) + ")",
                       "TotalAmt");
  o["Line"] = lines;
  o["TotalAmt"] = Money(total);
  o["UnappliedAmt"] = Money(unapplied);
  if (!o.contains("ProcessPayment")) o["ProcessPayment"] = false;
  o["CurrencyRef"] = kUsd;
  return o;
}

std::optional<ApiError> Company::CheckAppliedWithin(const EntityInfo& e, const std::string& id,
                                                    const Json& obj) const {
  if (e.name != "Invoice" && e.name != "CreditMemo") return std::nullopt;
  Decimal applied = AppliedTo(e.name, id);
  Decimal total = Dec(obj, "TotalAmt");
  if (total < applied)
    return ErrBusiness("The new total (" + total.ToFixed(2) + ") is less than the payments applied (" +
                           applied.ToFixed(2) + ")",
                       "TotalAmt");
  return std::nullopt;
}

Decimal Company::AppliedTo(std::string_view entity, const std::string& id, const std::string& except_payment) const {
  auto it = applied_.find({std::string(entity), id});
  Decimal sum;
  if (it == applied_.end()) return sum;
  for (const auto& [pid, amt] : it->second)
    if (pid != except_payment) sum += amt;
  return sum;
}

void Company::ApplyPayment(const std::string& payment_id, const Json* old_obj, const Json* new_obj) {
  std::set<std::pair<std::string, std::string>> touched;
  if (old_obj)
    for (const Link& l : LinksOf(*old_obj)) {
      auto it = applied_.find({l.type, l.id});
      if (it != applied_.end()) {
        it->second.erase(payment_id);
        if (it->second.empty()) applied_.erase(it);
      }
      touched.insert({l.type, l.id});
    }
  if (new_obj)
    for (const Link& l : LinksOf(*new_obj)) {
      applied_[{l.type, l.id}][payment_id] += l.amount;
      touched.insert({l.type, l.id});
    }
  for (const auto& [type, id] : touched) RefreshTarget(type, id);
}

void Company::RefreshTarget(std::string_view entity, const std::string& id) {
  Table& t = table(entity);
  auto row = t.rows.find(id);
  if (row == t.rows.end() || row->second.deleted) return;
  Record& r = row->second;
  Decimal balance = Dec(r.obj, "TotalAmt") - AppliedTo(entity, id);
  Json links = Json::array();
  auto it = applied_.find({std::string(entity), id});
  if (entity == "Invoice" && it != applied_.end())
    for (const auto& [pid, amt] : it->second) links.push_back(Json{{"TxnId", pid}, {"TxnType", "Payment"}});
  Json old_links = r.obj.value("LinkedTxn", Json::array());
  if (Dec(r.obj, "Balance") == balance && old_links == links) return;
  Contribution before = Contribute(entity, &r);
  r.obj["Balance"] = Money(balance);
  if (entity == "CreditMemo") r.obj["RemainingCredit"] = Money(balance);
  if (links.empty()) r.obj.erase("LinkedTxn");
  else r.obj["LinkedTxn"] = links;
  Bump(*EntityByName(entity), id, r);
  Retally(entity, before, Contribute(entity, &r));
}

void Company::UnlinkTarget(std::string_view entity, const std::string& id) {
  auto it = applied_.find({std::string(entity), id});
  if (it == applied_.end()) return;
  std::vector<std::string> payments;
  for (const auto& [pid, amt] : it->second) payments.push_back(pid);
  applied_.erase(it);
  Table& pt = table("Payment");
  for (const std::string& pid : payments) {
    auto row = pt.rows.find(pid);
    if (row == pt.rows.end() || row->second.deleted) continue;
    Record& p = row->second;
    Contribution before = Contribute("Payment", &p);
    Json kept = Json::array();
    Decimal applied;
    for (const Json& l : p.obj.value("Line", Json::array())) {
      std::vector<Link> one = LinksOf(Json{{"Line", Json::array({l})}});
      if (!one.empty() && one[0].type == entity && one[0].id == id) continue;
      if (!one.empty()) applied += one[0].type == "Invoice" ? one[0].amount : -one[0].amount;
      kept.push_back(l);
    }
    p.obj["Line"] = kept;
    p.obj["UnappliedAmt"] = Money(Dec(p.obj, "TotalAmt") - applied);
    Bump(*EntityByName("Payment"), pid, p);
    Retally("Payment", before, Contribute("Payment", &p));
  }
}

Company::Contribution Company::Contribute(std::string_view entity, const Record* r) const {
  Contribution c;
  if (!r || r->deleted || r->obj.is_null()) return c;
  const Json& o = r->obj;
  c.customer_id = RefValue(o, "CustomerRef");
  if (entity == "Invoice") c.balance = Dec(o, "Balance");
  else if (entity == "CreditMemo") c.balance = -Dec(o, "Balance");
  else if (entity == "Payment") c.balance = -Dec(o, "UnappliedAmt");
  if (r->voided || !IsSalesForm(entity)) return c;
  const bool outgoing = entity == "Invoice" || entity == "SalesReceipt";
  for (const Json& l : o.value("Line", Json::array())) {
    if (l.value("DetailType", "") != "SalesItemLineDetail") continue;
    const Json& d = l["SalesItemLineDetail"];
    std::string item = RefValue(d, "ItemRef");
    const Record* ir = Find("Item", item);
    if (!ir || !ir->obj.value("TrackQtyOnHand", false)) continue;
    Decimal q = Dec(d, "Qty");
    c.qty[item] += outgoing ? -q : q;
  }
  return c;
}

void Company::Retally(std::string_view entity, const Contribution& before, const Contribution& after) {
  (void)entity;
  auto adjust_customer = [&](const std::string& cid, Decimal delta) {
    if (cid.empty() || delta.IsZero()) return;
    Table& t = table("Customer");
    auto row = t.rows.find(cid);
    if (row == t.rows.end()) return;
    Json& obj = row->second.obj;
    Decimal bal = Dec(obj, "Balance") + delta;
    obj["Balance"] = Money(bal);
    obj["BalanceWithJobs"] = Money(bal);
  };
  adjust_customer(before.customer_id, -before.balance);
  adjust_customer(after.customer_id, after.balance);
  std::map<std::string, Decimal> delta;
  for (const auto& [item, q] : before.qty) delta[item] -= q;
  for (const auto& [item, q] : after.qty) delta[item] += q;
  Table& items = table("Item");
  for (const auto& [item, q] : delta) {
    if (q.IsZero()) continue;
    auto row = items.rows.find(item);
    if (row == items.rows.end()) continue;
    Json& obj = row->second.obj;
    obj["QtyOnHand"] = Plain(Dec(obj, "QtyOnHand") + q);
  }
}

void Company::ZeroAmounts(Json& obj) {
  for (const char* f : {"TotalAmt", "Balance", "HomeTotalAmt", "HomeBalance", "RemainingCredit", "UnappliedAmt"})
    if (obj.contains(f)) obj[f] = 0;
  if (obj.contains("Line") && obj["Line"].is_array())
    for (Json& l : obj["Line"])
      if (l.contains("Amount")) l["Amount"] = 0;
  if (obj.contains("TxnTaxDetail") && obj["TxnTaxDetail"].is_object()) {
    Json& t = obj["TxnTaxDetail"];
    t["TotalTax"] = 0;
    if (t.contains("TaxLine") && t["TaxLine"].is_array())
      for (Json& l : t["TaxLine"]) l["Amount"] = 0;
  }
  obj.erase("LinkedTxn");
}

}  // namespace es::qbo::sandbox
