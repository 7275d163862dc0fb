// TransformerConfig (SPEC F5): per-tenant, per-target-connection settings
// that decide how a canonical order becomes a QBO document. Stored in the
// state store as JSON (see docs/formats/transformer_config.md); every field
// has a default so an empty object is a valid config. FromJson rejects
// unknown keys and bad values with an error naming the key.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace es::mapping {

enum class DocumentPolicy {
  kReceiptWhenPaid,  // SalesReceipt when paid in full, Invoice otherwise (default)
  kAlwaysInvoice,
  kAlwaysReceipt,
};

enum class DocNumberPolicy {
  kOrderNumber,  // DocNumber = prefix + Woo order number (default prefix "")
  kOrderId,      // DocNumber = prefix + Woo order id
};

enum class GuestPolicy {
  kPerEmail,        // one QBO customer per distinct guest email (default)
  kSingleCustomer,  // all guest orders go to one customer (guest_customer_name)
};

// What happens to a booked order's QBO document when the Woo order becomes
// cancelled, failed or trash.
enum class CancelledPolicy {
  kVoid,    // void it: the record stays, amounts go to 0 (default)
  kDelete,  // delete it
  kLeave,   // leave it and report the order for a person to decide
};

// Maps a Woo tax rate to QBO tax codes. Selectors: `rate_id` (the Woo tax
// rate id, as on tax_lines[].rate_id and line taxes[].id), or any of
// `country`, `state`, `label` matched case-insensitively against the order's
// tax line (country and state against the start of its rate_code
// "US-CA-CA TAX-1", label against its label); every selector given must
// match. An entry with a rate_id matches by rate_id only. Targets:
// `tax_code` is the line TaxCodeRef for lines taxed at that rate (non-US
// companies, or US "TAX"), `txn_tax_code` the TxnTaxDetail.TxnTaxCodeRef
// (US companies: the combined jurisdiction code). At least one selector and
// one target are required.
struct TaxRateCode {
  std::string rate_id;
  std::string country;  // ISO 3166-1 alpha-2 ("US")
  std::string state;    // "CA"
  std::string label;    // "Reduced Rate"
  std::string tax_code;
  std::string txn_tax_code;
  bool operator==(const TaxRateCode&) const = default;
};

struct CustomFieldMapping {
  std::string definition_id;  // QBO custom field DefinitionId ("1".."3")
  std::string name;           // label shown in QBO
  std::string source;         // order field: number, id, status, payment_method, payment_method_title,
                              // transaction_id, customer_note, currency, billing.email, billing.phone
  bool operator==(const CustomFieldMapping&) const = default;
};

struct TransformerConfig {
  DocumentPolicy document_policy = DocumentPolicy::kReceiptWhenPaid;
  DocNumberPolicy doc_number_policy = DocNumberPolicy::kOrderNumber;
  std::string doc_number_prefix;
  std::string shipping_item_id = "SHIPPING_ITEM_ID";  // or a real Service item Id
  int payment_terms_days = 30;                        // invoice due date = order date + N days
  std::map<std::string, std::string> tax_codes;       // Woo tax class ("" = standard) → QBO TaxCode
  std::string default_tax_code = "TAX";               // taxable lines without a mapping
  std::string non_taxable_code = "NON";               // lines without tax
  std::string txn_tax_code;                           // combined TaxCode Id for TxnTaxCodeRef (optional)
  std::vector<CustomFieldMapping> custom_fields;      // at most 3 (QBO limit)
  GuestPolicy guest_policy = GuestPolicy::kPerEmail;
  std::string guest_customer_name = "Web Store Guest";
  std::string item_type = "NonInventory";             // type of new items: NonInventory | Service | Inventory
  // Account refs for new items; empty = looked up in QBO by account type at the
  // start of a run (Income / Cost of Goods Sold / Other Current Asset).
  std::string income_account_id;
  std::string expense_account_id;
  std::string asset_account_id;
  std::string fee_item_name = "Order Fees";           // item used for fee lines
  std::string deposit_account_id;                     // SalesReceipt DepositToAccountRef (default: QBO's)
  std::vector<std::string> order_statuses = {"processing", "completed", "on-hold", "refunded"};
  // Tax codes by Woo tax rate; checked before tax_codes (by class) and the default.
  std::vector<TaxRateCode> tax_rate_codes;
  std::string refund_item_name = "Refund Adjustment";  // item for amount-only refunds
  // RefundReceipt DepositToAccountRef (the account refunds are paid from);
  // empty = resolved by the engine.
  std::string refund_account_id;
  CancelledPolicy cancelled_policy = CancelledPolicy::kVoid;

  static Result<TransformerConfig> FromJson(const Json& j);
  Json ToJson() const;
  Status Validate() const;
  bool operator==(const TransformerConfig&) const = default;
};

}  // namespace es::mapping
