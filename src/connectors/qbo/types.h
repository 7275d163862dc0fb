// Typed QuickBooks Online objects this project writes and reads. Field names
// follow the v3 API (minor version 75). Amounts are exact Decimals; Ids and
// SyncTokens are strings (Ids can exceed 2^53).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/decimal.h"

namespace es::qbo {

struct Ref {
  std::string value;
  std::string name;  // optional on input
  bool operator==(const Ref&) const = default;
};

struct PhysicalAddress {
  std::string line1, line2, city, country_sub_division_code, postal_code, country;
  bool Empty() const { return line1.empty() && line2.empty() && city.empty() && postal_code.empty() && country.empty(); }
  bool operator==(const PhysicalAddress&) const = default;
};

struct Customer {
  std::string id;
  std::string sync_token;
  std::string display_name;  // unique across Customer/Vendor/Employee, ≤ 500, no ':' tab newline
  std::string given_name;
  std::string family_name;
  std::string company_name;
  std::string email;
  std::string phone;
  PhysicalAddress bill_addr;
  PhysicalAddress ship_addr;
  bool active = true;
  bool operator==(const Customer&) const = default;
};

struct Item {
  std::string id;
  std::string sync_token;
  std::string name;  // ≤ 100, unique
  std::string sku;   // ≤ 100
  std::string type = "NonInventory";  // Inventory | NonInventory | Service
  std::string description;
  std::optional<Decimal> unit_price;
  Ref income_account;
  Ref expense_account;
  Ref asset_account;  // Inventory only
  bool taxable = true;
  bool track_qty_on_hand = false;
  std::optional<Decimal> qty_on_hand;
  std::string inv_start_date;  // YYYY-MM-DD, Inventory only
  bool active = true;
  bool operator==(const Item&) const = default;
};

enum class LineKind { kSalesItem, kDiscount, kSubTotal, kDescription };

struct Line {
  std::string id;  // set on responses
  LineKind kind = LineKind::kSalesItem;
  Decimal amount;
  std::string description;
  // SalesItemLineDetail
  Ref item;  // "SHIPPING_ITEM_ID" for the transaction-wide shipping line
  std::optional<Decimal> qty;
  std::optional<Decimal> unit_price;
  std::string tax_code;  // "TAX" / "NON" (US) or a TaxCode Id
  // DiscountLineDetail
  bool percent_based = false;
  std::optional<Decimal> discount_percent;
  Ref discount_account;
  bool operator==(const Line&) const = default;
};

struct CustomField {
  std::string definition_id;
  std::string name;
  std::string string_value;
  bool operator==(const CustomField&) const = default;
};

struct TaxDetail {
  Ref txn_tax_code;  // the combined TaxCode applied to the transaction
  std::optional<Decimal> total_tax;  // sent to override QBO's computation
  bool operator==(const TaxDetail&) const = default;
};

// Invoice, SalesReceipt, CreditMemo and RefundReceipt share this shape.
// Per kind (see ValidateSalesDocument): CustomerRef and ≥ 1 line always;
// DueDate only on an Invoice; DepositToAccountRef, PaymentMethodRef and
// PaymentRefNum only on a SalesReceipt (ref ≤ 21) or RefundReceipt (ref ≤ 100),
// and DepositToAccountRef is required on a RefundReceipt.
enum class SalesDocKind { kInvoice, kSalesReceipt, kCreditMemo, kRefundReceipt };
const char* SalesDocEntity(SalesDocKind k);  // "Invoice", "SalesReceipt", …
// The inverse of SalesDocEntity (exact, case-sensitive); nullopt otherwise.
std::optional<SalesDocKind> SalesDocKindFromEntity(std::string_view entity);

struct SalesDocument {
  SalesDocKind kind = SalesDocKind::kInvoice;
  std::string id;
  std::string sync_token;
  std::string doc_number;  // ≤ 21
  std::string txn_date;    // YYYY-MM-DD
  std::string due_date;    // invoices
  Ref customer;
  Ref currency;
  std::vector<Line> lines;
  TaxDetail tax;
  std::string global_tax_calculation;  // "TaxExcluded" / "TaxInclusive" / "" (US)
  std::vector<CustomField> custom_fields;  // ≤ 3
  std::string private_note;
  std::string customer_memo;
  std::string bill_email;
  PhysicalAddress bill_addr;
  PhysicalAddress ship_addr;
  Ref payment_method;
  std::string payment_ref_num;
  Ref deposit_to_account;  // SalesReceipt / RefundReceipt
  // Read-only, filled from responses.
  std::optional<Decimal> total_amt;
  std::optional<Decimal> balance;
  std::optional<Decimal> remaining_credit;  // CreditMemo: credit not yet applied
  bool operator==(const SalesDocument&) const = default;
};

struct LinkedTxn {
  std::string txn_id;
  std::string txn_type;  // "Invoice", "CreditMemo"
  bool operator==(const LinkedTxn&) const = default;
};

struct PaymentLine {
  Decimal amount;
  std::vector<LinkedTxn> linked;
  bool operator==(const PaymentLine&) const = default;
};

// Receive-payment transaction. Each line applies an amount to one linked
// transaction (an Invoice, or a CreditMemo whose credit is used); a Payment
// that applies a credit memo to an invoice has TotalAmt 0 and two lines.
struct Payment {
  std::string id;
  std::string sync_token;
  Ref customer;
  Decimal total_amt;
  std::string txn_date;
  std::string payment_ref_num;  // ≤ 21
  std::string private_note;     // ≤ 4000
  Ref payment_method;
  Ref deposit_to_account;
  std::vector<PaymentLine> lines;
  bool operator==(const Payment&) const = default;
};

}  // namespace es::qbo
