// Which QBO tax code a taxed amount gets (SPEC F5, TransformerConfig
// tax_rate_codes / tax_codes / default_tax_code / non_taxable_code).
//
// Order of precedence for a line: (1) the Woo tax rates the line was taxed
// at, through tax_rate_codes entries that set `tax_code`; (2) the line's tax
// class through tax_codes; (3) default_tax_code. Untaxed lines get
// non_taxable_code. The transaction code (TxnTaxCodeRef) is the
// `txn_tax_code` of the first order tax line matched by an entry, else
// config.txn_tax_code. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "mapping/transformer_config.h"
#include "model/order.h"

namespace es::mapping {

// The tax_rate_codes entry for a Woo tax rate: an entry with that rate_id,
// else the first entry without a rate_id whose country/state/label all
// match the order's tax line of that rate. nullptr when none matches (or
// the order has no tax line for the rate and no entry names its id).
const TaxRateCode* FindTaxRateCode(const std::string& rate_id, const std::vector<model::TaxLine>& order_tax_lines,
                                   const TransformerConfig& config);

// Line TaxCodeRef. `taxes` are the line's own per-rate amounts; when none of
// them is non-zero, `fallback_rate_ids` (rates of the order that taxed this
// kind of line) are tried instead.
std::string LineTaxCode(bool taxed, const std::vector<model::TaxAmount>& taxes,
                        const std::vector<std::string>& fallback_rate_ids, const std::string& tax_class,
                        const std::vector<model::TaxLine>& order_tax_lines, const TransformerConfig& config);

// Rates that taxed the order's items (tax_total ≠ 0) and its shipping
// (shipping_tax_total ≠ 0), in tax-line order.
std::vector<std::string> ItemRateIds(const model::Order& order);
std::vector<std::string> ShippingRateIds(const model::Order& order);

// TxnTaxDetail.TxnTaxCodeRef for a document of this order ("" = none).
std::string TxnTaxCode(const model::Order& order, const TransformerConfig& config);

}  // namespace es::mapping
