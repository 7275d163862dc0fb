// Static schema of the entities the QBO sandbox serves: canonical name,
// URL segment, kind, and the top-level properties a request may carry
// (anything else is Fault 2010, reference §7.3). Immutable tables; safe to
// read from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace es::qbo::sandbox {

enum class EntityKind {
  kNameList,     // Customer, Item, Account, PaymentMethod: create/update/deactivate
  kReadOnlyList, // TaxCode, TaxRate: read and query only
  kTransaction,  // Invoice, SalesReceipt, Payment, CreditMemo, RefundReceipt
  kSingleton,    // Preferences, CompanyInfo
};

struct EntityInfo {
  std::string_view name;     // "SalesReceipt"
  std::string_view segment;  // "salesreceipt"
  EntityKind kind;
  std::string_view name_field;  // "DisplayName"/"Name" for name lists, else empty
  const std::vector<std::string_view>* fields;  // accepted top-level properties
};

const EntityInfo* EntityBySegment(std::string_view segment);
// Case-insensitive ("invoice" finds Invoice), for queries and CDC.
const EntityInfo* EntityByName(std::string_view name);
const std::vector<const EntityInfo*>& AllEntities();
bool IsKnownField(const EntityInfo& e, std::string_view field);  // case-sensitive
// Case-insensitive root check for query fields ("metadata.LastUpdatedTime").
bool IsQueryableField(const EntityInfo& e, std::string_view dotted_field);
bool IsSalesForm(std::string_view entity);  // Invoice, SalesReceipt, CreditMemo, RefundReceipt

// Fields accepted on a sales-form line (Line[]) and a payment line.
bool IsKnownSalesLineField(std::string_view field);
bool IsKnownPaymentLineField(std::string_view field);

}  // namespace es::qbo::sandbox
