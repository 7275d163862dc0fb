#include "mapping/tax_codes.h"

#include <cctype>

namespace es::mapping {
namespace {

bool EqualsNoCase(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool StartsWithNoCase(const std::string& text, const std::string& prefix) {
  return text.size() >= prefix.size() && EqualsNoCase(text.substr(0, prefix.size()), prefix);
}

// Woo builds rate_code as COUNTRY-STATE-NAME-PRIORITY, leaving out empty
// parts ("US-CA-CA TAX-1", "GB-VAT-1").
bool Matches(const TaxRateCode& e, const model::TaxLine& t) {
  if (!e.country.empty() && !StartsWithNoCase(t.rate_code, e.country + "-")) return false;
  if (!e.state.empty() && !StartsWithNoCase(t.rate_code, e.country + "-" + e.state + "-")) return false;
  if (!e.label.empty() && !EqualsNoCase(e.label, t.label)) return false;
  return true;
}

const model::TaxLine* FindTaxLine(const std::string& rate_id, const std::vector<model::TaxLine>& lines) {
  for (const auto& t : lines) {
    if (t.rate_id == rate_id) return &t;
  }
  return nullptr;
}

}  // namespace

const TaxRateCode* FindTaxRateCode(const std::string& rate_id, const std::vector<model::TaxLine>& order_tax_lines,
                                   const TransformerConfig& config) {
  if (rate_id.empty()) return nullptr;
  for (const auto& e : config.tax_rate_codes) {
    if (e.rate_id == rate_id) return &e;
  }
  const model::TaxLine* line = FindTaxLine(rate_id, order_tax_lines);
  if (line == nullptr) return nullptr;
  for (const auto& e : config.tax_rate_codes) {
    if (e.rate_id.empty() && Matches(e, *line)) return &e;
  }
  return nullptr;
}

std::string LineTaxCode(bool taxed, const std::vector<model::TaxAmount>& taxes,
                        const std::vector<std::string>& fallback_rate_ids, const std::string& tax_class,
                        const std::vector<model::TaxLine>& order_tax_lines, const TransformerConfig& config) {
  if (!taxed) return config.non_taxable_code;
  if (!config.tax_rate_codes.empty()) {
    std::vector<std::string> rate_ids;
    for (const auto& t : taxes) {
      if (!t.total.IsZero()) rate_ids.push_back(t.rate_id);
    }
    if (rate_ids.empty()) rate_ids = fallback_rate_ids;
    for (const auto& id : rate_ids) {
      const TaxRateCode* e = FindTaxRateCode(id, order_tax_lines, config);
      if (e != nullptr && !e->tax_code.empty()) return e->tax_code;
    }
  }
  auto it = config.tax_codes.find(tax_class);
  return it != config.tax_codes.end() ? it->second : config.default_tax_code;
}

std::vector<std::string> ItemRateIds(const model::Order& order) {
  std::vector<std::string> ids;
  for (const auto& t : order.tax_lines) {
    if (!t.tax_total.IsZero()) ids.push_back(t.rate_id);
  }
  return ids;
}

std::vector<std::string> ShippingRateIds(const model::Order& order) {
  std::vector<std::string> ids;
  for (const auto& t : order.tax_lines) {
    if (!t.shipping_tax_total.IsZero()) ids.push_back(t.rate_id);
  }
  return ids;
}

std::string TxnTaxCode(const model::Order& order, const TransformerConfig& config) {
  for (const auto& t : order.tax_lines) {
    if (t.tax_total.IsZero() && t.shipping_tax_total.IsZero()) continue;
    const TaxRateCode* e = FindTaxRateCode(t.rate_id, order.tax_lines, config);
    if (e != nullptr && !e->txn_tax_code.empty()) return e->txn_tax_code;
  }
  return config.txn_tax_code;
}

}  // namespace es::mapping
