#include "mapping/transformer_config.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace es::mapping {
namespace {

const std::set<std::string> kCustomFieldSources = {
    "number", "id", "status", "payment_method", "payment_method_title", "transaction_id",
    "customer_note", "currency", "billing.email", "billing.phone"};

Status Expect(bool ok, const std::string& key, const std::string& what) {
  return ok ? Status::Ok() : Status::Validation("transformer config '" + key + "': " + what);
}

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool TwoLetters(const std::string& s) {
  return s.size() == 2 && std::all_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}

std::string RateEntryName(size_t i, const TaxRateCode& e) {
  std::string what = "tax_rate_codes[" + std::to_string(i) + "]";
  std::string sel;
  if (!e.rate_id.empty()) sel = "rate_id " + e.rate_id;
  else sel = e.country + (e.state.empty() ? "" : "/" + e.state) + (e.label.empty() ? "" : " '" + e.label + "'");
  return sel.empty() ? what : what + " (" + sel + ")";
}

Status ValidateTaxRateCodes(const std::vector<TaxRateCode>& entries) {
  std::set<std::string> rate_ids;
  for (size_t i = 0; i < entries.size(); ++i) {
    const TaxRateCode& e = entries[i];
    const std::string key = RateEntryName(i, e);
    ES_RETURN_IF_ERROR(Expect(!e.rate_id.empty() || !e.country.empty() || !e.state.empty() || !e.label.empty(), key,
                              "needs a rate_id, country, state or label to match"));
    ES_RETURN_IF_ERROR(Expect(!e.tax_code.empty() || !e.txn_tax_code.empty(), key,
                              "needs a tax_code or txn_tax_code"));
    if (!e.rate_id.empty()) {
      ES_RETURN_IF_ERROR(Expect(AllDigits(e.rate_id), key + ".rate_id", "must be a Woo tax rate id (digits)"));
      ES_RETURN_IF_ERROR(Expect(rate_ids.insert(e.rate_id).second, key + ".rate_id", "is mapped twice"));
    }
    if (!e.country.empty())
      ES_RETURN_IF_ERROR(Expect(TwoLetters(e.country), key + ".country", "must be a 2-letter country code"));
    ES_RETURN_IF_ERROR(Expect(e.state.find('-') == std::string::npos && e.state.size() <= 30, key + ".state",
                              "must be a state code without '-'"));
    ES_RETURN_IF_ERROR(Expect(e.state.empty() || !e.country.empty(), key + ".state", "needs a country"));
  }
  return Status::Ok();
}

Result<std::vector<TaxRateCode>> TaxRateCodesFromJson(const Json& f) {
  static const std::set<std::string> kEntryKeys = {"rate_id", "country", "state", "label", "tax_code",
                                                   "txn_tax_code"};
  if (!f.is_array()) return Status::Validation("transformer config 'tax_rate_codes': expected an array");
  std::vector<TaxRateCode> out;
  for (size_t i = 0; i < f.size(); ++i) {
    const Json& e = f[i];
    const std::string key = "tax_rate_codes[" + std::to_string(i) + "]";
    if (!e.is_object()) return Status::Validation("transformer config '" + key + "': expected an object");
    for (auto it = e.begin(); it != e.end(); ++it) {
      if (!kEntryKeys.count(it.key()))
        return Status::Validation("transformer config '" + key + "': unknown key '" + it.key() + "'");
      bool ok = it->is_string() || (it.key() == "rate_id" && it->is_number_integer());
      if (!ok) return Status::Validation("transformer config '" + key + "." + it.key() + "': expected a string");
    }
    TaxRateCode c;
    if (auto r = e.find("rate_id"); r != e.end()) c.rate_id = ScalarText(*r);
    c.country = GetStringOr(e, "country");
    c.state = GetStringOr(e, "state");
    c.label = GetStringOr(e, "label");
    c.tax_code = GetStringOr(e, "tax_code");
    c.txn_tax_code = GetStringOr(e, "txn_tax_code");
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

Status TransformerConfig::Validate() const {
  if (custom_fields.size() > 3)
    return Status::Validation("transformer config 'custom_fields': QBO allows at most 3 custom fields, got " +
                              std::to_string(custom_fields.size()));
  std::set<std::string> ids;
  for (size_t i = 0; i < custom_fields.size(); ++i) {
    const auto& f = custom_fields[i];
    std::string key = "custom_fields[" + std::to_string(i) + "]";
    ES_RETURN_IF_ERROR(Expect(!f.definition_id.empty(), key + ".definition_id", "is required"));
    ES_RETURN_IF_ERROR(Expect(ids.insert(f.definition_id).second, key + ".definition_id",
                              "duplicate DefinitionId '" + f.definition_id + "'"));
    ES_RETURN_IF_ERROR(Expect(kCustomFieldSources.count(f.source) > 0, key + ".source",
                              "unknown order field '" + f.source + "'"));
  }
  ES_RETURN_IF_ERROR(Expect(payment_terms_days >= 0 && payment_terms_days <= 3650, "payment_terms_days",
                            "must be between 0 and 3650"));
  ES_RETURN_IF_ERROR(Expect(doc_number_prefix.size() <= 10, "doc_number_prefix", "must be at most 10 characters"));
  ES_RETURN_IF_ERROR(Expect(!shipping_item_id.empty(), "shipping_item_id", "is required"));
  ES_RETURN_IF_ERROR(Expect(item_type == "NonInventory" || item_type == "Service" || item_type == "Inventory",
                            "item_type", "must be NonInventory, Service or Inventory"));
  ES_RETURN_IF_ERROR(Expect(!default_tax_code.empty(), "default_tax_code", "is required"));
  ES_RETURN_IF_ERROR(Expect(!non_taxable_code.empty(), "non_taxable_code", "is required"));
  ES_RETURN_IF_ERROR(Expect(!order_statuses.empty(), "order_statuses", "must name at least one status"));
  ES_RETURN_IF_ERROR(Expect(!refund_item_name.empty() && refund_item_name.size() <= 100, "refund_item_name",
                            "must be 1 to 100 characters"));
  ES_RETURN_IF_ERROR(ValidateTaxRateCodes(tax_rate_codes));
  return Status::Ok();
}

Result<TransformerConfig> TransformerConfig::FromJson(const Json& j) {
  if (!j.is_object()) return Status::Validation("transformer config must be a JSON object");
  TransformerConfig c;
  static const std::set<std::string> kKnown = {
      "document_policy", "doc_number_policy", "doc_number_prefix", "shipping_item_id", "payment_terms_days",
      "tax_codes", "default_tax_code", "non_taxable_code", "txn_tax_code", "custom_fields", "guest_policy",
      "guest_customer_name", "item_type", "income_account_id", "expense_account_id", "asset_account_id",
      "fee_item_name", "deposit_account_id", "order_statuses", "tax_rate_codes", "refund_item_name",
      "refund_account_id", "cancelled_policy"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!kKnown.count(it.key())) return Status::Validation("transformer config: unknown key '" + it.key() + "'");
  }
  auto str = [&](const char* key, std::string* out) -> Status {
    auto f = j.find(key);
    if (f == j.end()) return Status::Ok();
    if (!f->is_string()) return Status::Validation(std::string("transformer config '") + key + "': expected a string");
    *out = f->get<std::string>();
    return Status::Ok();
  };
  std::string policy;
  ES_RETURN_IF_ERROR(str("document_policy", &policy));
  if (policy == "receipt_when_paid" || policy.empty()) c.document_policy = DocumentPolicy::kReceiptWhenPaid;
  else if (policy == "always_invoice") c.document_policy = DocumentPolicy::kAlwaysInvoice;
  else if (policy == "always_receipt") c.document_policy = DocumentPolicy::kAlwaysReceipt;
  else return Status::Validation("transformer config 'document_policy': '" + policy +
                                 "' is not receipt_when_paid, always_invoice or always_receipt");
  std::string dn;
  ES_RETURN_IF_ERROR(str("doc_number_policy", &dn));
  if (dn == "order_number" || dn.empty()) c.doc_number_policy = DocNumberPolicy::kOrderNumber;
  else if (dn == "order_id") c.doc_number_policy = DocNumberPolicy::kOrderId;
  else return Status::Validation("transformer config 'doc_number_policy': '" + dn + "' is not order_number or order_id");
  std::string gp;
  ES_RETURN_IF_ERROR(str("guest_policy", &gp));
  if (gp == "per_email" || gp.empty()) c.guest_policy = GuestPolicy::kPerEmail;
  else if (gp == "single_customer") c.guest_policy = GuestPolicy::kSingleCustomer;
  else return Status::Validation("transformer config 'guest_policy': '" + gp + "' is not per_email or single_customer");
  std::string cp;
  ES_RETURN_IF_ERROR(str("cancelled_policy", &cp));
  if (cp == "void" || cp.empty()) c.cancelled_policy = CancelledPolicy::kVoid;
  else if (cp == "delete") c.cancelled_policy = CancelledPolicy::kDelete;
  else if (cp == "leave") c.cancelled_policy = CancelledPolicy::kLeave;
  else return Status::Validation("transformer config 'cancelled_policy': '" + cp + "' is not void, delete or leave");
  ES_RETURN_IF_ERROR(str("refund_item_name", &c.refund_item_name));
  ES_RETURN_IF_ERROR(str("refund_account_id", &c.refund_account_id));
  if (auto f = j.find("tax_rate_codes"); f != j.end()) {
    ES_ASSIGN_OR_RETURN(c.tax_rate_codes, TaxRateCodesFromJson(*f));
  }
  ES_RETURN_IF_ERROR(str("doc_number_prefix", &c.doc_number_prefix));
  ES_RETURN_IF_ERROR(str("shipping_item_id", &c.shipping_item_id));
  ES_RETURN_IF_ERROR(str("default_tax_code", &c.default_tax_code));
  ES_RETURN_IF_ERROR(str("non_taxable_code", &c.non_taxable_code));
  ES_RETURN_IF_ERROR(str("txn_tax_code", &c.txn_tax_code));
  ES_RETURN_IF_ERROR(str("guest_customer_name", &c.guest_customer_name));
  ES_RETURN_IF_ERROR(str("item_type", &c.item_type));
  ES_RETURN_IF_ERROR(str("income_account_id", &c.income_account_id));
  ES_RETURN_IF_ERROR(str("expense_account_id", &c.expense_account_id));
  ES_RETURN_IF_ERROR(str("asset_account_id", &c.asset_account_id));
  ES_RETURN_IF_ERROR(str("fee_item_name", &c.fee_item_name));
  ES_RETURN_IF_ERROR(str("deposit_account_id", &c.deposit_account_id));
  if (auto f = j.find("payment_terms_days"); f != j.end()) {
    if (!f->is_number_integer())
      return Status::Validation("transformer config 'payment_terms_days': expected an integer");
    c.payment_terms_days = f->get<int>();
  }
  if (auto f = j.find("tax_codes"); f != j.end()) {
    if (!f->is_object()) return Status::Validation("transformer config 'tax_codes': expected an object");
    for (auto it = f->begin(); it != f->end(); ++it) {
      if (!it->is_string())
        return Status::Validation("transformer config 'tax_codes." + it.key() + "': expected a string");
      c.tax_codes[it.key()] = it->get<std::string>();
    }
  }
  if (auto f = j.find("order_statuses"); f != j.end()) {
    if (!f->is_array()) return Status::Validation("transformer config 'order_statuses': expected an array");
    c.order_statuses.clear();
    for (const auto& s : *f) {
      if (!s.is_string()) return Status::Validation("transformer config 'order_statuses': expected strings");
      c.order_statuses.push_back(s.get<std::string>());
    }
  }
  if (auto f = j.find("custom_fields"); f != j.end()) {
    if (!f->is_array()) return Status::Validation("transformer config 'custom_fields': expected an array");
    for (size_t i = 0; i < f->size(); ++i) {
      const Json& e = (*f)[i];
      if (!e.is_object())
        return Status::Validation("transformer config 'custom_fields[" + std::to_string(i) + "]': expected an object");
      c.custom_fields.push_back({GetStringOr(e, "definition_id"), GetStringOr(e, "name"), GetStringOr(e, "source")});
    }
  }
  ES_RETURN_IF_ERROR(c.Validate());
  return c;
}

Json TransformerConfig::ToJson() const {
  Json j;
  j["document_policy"] = document_policy == DocumentPolicy::kReceiptWhenPaid ? "receipt_when_paid"
                         : document_policy == DocumentPolicy::kAlwaysInvoice ? "always_invoice"
                                                                              : "always_receipt";
  j["doc_number_policy"] = doc_number_policy == DocNumberPolicy::kOrderNumber ? "order_number" : "order_id";
  j["doc_number_prefix"] = doc_number_prefix;
  j["shipping_item_id"] = shipping_item_id;
  j["payment_terms_days"] = payment_terms_days;
  j["tax_codes"] = Json::object();
  for (const auto& [k, v] : tax_codes) j["tax_codes"][k] = v;
  j["default_tax_code"] = default_tax_code;
  j["non_taxable_code"] = non_taxable_code;
  j["txn_tax_code"] = txn_tax_code;
  j["custom_fields"] = Json::array();
  for (const auto& f : custom_fields)
    j["custom_fields"].push_back({{"definition_id", f.definition_id}, {"name", f.name}, {"source", f.source}});
  j["guest_policy"] = guest_policy == GuestPolicy::kPerEmail ? "per_email" : "single_customer";
  j["guest_customer_name"] = guest_customer_name;
  j["item_type"] = item_type;
  j["income_account_id"] = income_account_id;
  j["expense_account_id"] = expense_account_id;
  j["asset_account_id"] = asset_account_id;
  j["fee_item_name"] = fee_item_name;
  j["deposit_account_id"] = deposit_account_id;
  j["order_statuses"] = order_statuses;
  j["tax_rate_codes"] = Json::array();
  for (const auto& e : tax_rate_codes) {
    Json o = Json::object();
    if (!e.rate_id.empty()) o["rate_id"] = e.rate_id;
    if (!e.country.empty()) o["country"] = e.country;
    if (!e.state.empty()) o["state"] = e.state;
    if (!e.label.empty()) o["label"] = e.label;
    if (!e.tax_code.empty()) o["tax_code"] = e.tax_code;
    if (!e.txn_tax_code.empty()) o["txn_tax_code"] = e.txn_tax_code;
    j["tax_rate_codes"].push_back(std::move(o));
  }
  j["refund_item_name"] = refund_item_name;
  j["refund_account_id"] = refund_account_id;
  j["cancelled_policy"] = cancelled_policy == CancelledPolicy::kVoid     ? "void"
                          : cancelled_policy == CancelledPolicy::kDelete ? "delete"
                                                                         : "leave";
  return j;
}

}  // namespace es::mapping
