#include "connectors/qbo/sandbox/entities.h"

#include <algorithm>

#include "connectors/qbo/sandbox/wire.h"

namespace es::qbo::sandbox {
namespace {

using Fields = std::vector<std::string_view>;

// System fields every object carries (clients echo them back on updates).
#define ES_QBO_SYSTEM_FIELDS "Id", "SyncToken", "sparse", "domain", "MetaData", "status", "CustomExtensions"

const Fields kCustomer = {
    ES_QBO_SYSTEM_FIELDS, "DisplayName", "Title", "GivenName", "MiddleName", "FamilyName", "Suffix",
    "FullyQualifiedName", "CompanyName", "PrintOnCheckName", "Active", "PrimaryEmailAddr",
    "PrimaryPhone", "AlternatePhone", "Mobile", "Fax", "WebAddr", "BillAddr", "ShipAddr", "OtherAddr",
    "Notes", "Job", "ParentRef", "Level", "BillWithParent", "Taxable", "DefaultTaxCodeRef", "Balance",
    "BalanceWithJobs", "OpenBalanceDate", "CurrencyRef", "PreferredDeliveryMethod", "ResaleNum",
    "SalesTermRef", "PaymentMethodRef", "TaxExemptionReasonId", "PrimaryTaxIdentifier",
    "SecondaryTaxIdentifier", "ARAccountRef", "CustomerTypeRef", "GSTIN", "BusinessNumber",
    "GSTRegistrationType", "IsProject", "ClientEntityId", "V4IDPseudonym", "Source"};

const Fields kItem = {
    ES_QBO_SYSTEM_FIELDS, "Name", "Sku", "Type", "Description", "PurchaseDesc", "Active", "SubItem",
    "ParentRef", "Level", "FullyQualifiedName", "Taxable", "SalesTaxIncluded", "UnitPrice",
    "RatePercent", "PurchaseCost", "PurchaseTaxIncluded", "IncomeAccountRef", "ExpenseAccountRef",
    "AssetAccountRef", "TrackQtyOnHand", "QtyOnHand", "InvStartDate", "SalesTaxCodeRef",
    "PurchaseTaxCodeRef", "ReorderPoint", "PrefVendorRef", "ClassRef", "ItemCategoryType",
    "AbatementRate", "ReverseChargeRate", "ServiceType", "TaxClassificationRef", "UQCDisplayText",
    "UQCId", "Source"};

const Fields kAccount = {
    ES_QBO_SYSTEM_FIELDS, "Name", "AcctNum", "Description", "AccountType", "AccountSubType",
    "Classification", "Active", "SubAccount", "ParentRef", "FullyQualifiedName", "CurrentBalance",
    "CurrentBalanceWithSubAccounts", "CurrencyRef", "TaxCodeRef", "TxnLocationType", "AccountAlias"};

const Fields kPaymentMethod = {ES_QBO_SYSTEM_FIELDS, "Name", "Type", "Active"};

const Fields kTaxCode = {ES_QBO_SYSTEM_FIELDS, "Name", "Description", "Active", "Taxable", "TaxGroup",
                         "SalesTaxRateList", "PurchaseTaxRateList", "Hidden", "TaxCodeConfigType"};

const Fields kTaxRate = {ES_QBO_SYSTEM_FIELDS, "Name", "Description", "Active", "RateValue",
                         "AgencyRef", "SpecialTaxType", "DisplayType", "EffectiveTaxRate"};

#define ES_QBO_TXN_FIELDS                                                                          \
  ES_QBO_SYSTEM_FIELDS, "Line", "CustomerRef", "DocNumber", "TxnDate", "PrivateNote", "CurrencyRef", \
      "ExchangeRate", "TotalAmt", "HomeTotalAmt", "TxnSource", "TransactionLocationType",           \
      "DepartmentRef", "ProjectRef", "LinkedTxn"

#define ES_QBO_SALES_FIELDS                                                                       \
  ES_QBO_TXN_FIELDS, "DueDate", "ShipDate", "CustomerMemo", "CustomField", "GlobalTaxCalculation", \
      "ApplyTaxAfterDiscount", "TxnTaxDetail", "BillEmail", "BillEmailCc", "BillEmailBcc",       \
      "BillAddr", "ShipAddr", "ShipFromAddr", "ShipMethodRef", "TrackingNum", "SalesTermRef",     \
      "ClassRef", "PrintStatus", "EmailStatus", "AllowIPNPayment", "AllowOnlinePayment",          \
      "AllowOnlineCreditCardPayment", "AllowOnlineACHPayment", "Balance", "HomeBalance",          \
      "FreeFormAddress", "TaxExemptionRef", "DeliveryInfo", "RecurDataRef", "InvoiceLink"

const Fields kInvoice = {ES_QBO_SALES_FIELDS, "Deposit", "DepositToAccountRef"};
const Fields kSalesReceipt = {ES_QBO_SALES_FIELDS, "DepositToAccountRef", "PaymentMethodRef",
                              "PaymentRefNum", "CreditCardPayment"};
const Fields kCreditMemo = {ES_QBO_SALES_FIELDS, "RemainingCredit", "PaymentMethodRef"};
const Fields kRefundReceipt = {ES_QBO_SALES_FIELDS, "DepositToAccountRef", "PaymentMethodRef",
                               "PaymentRefNum", "PaymentType", "CreditCardPayment", "CheckPayment"};
const Fields kPayment = {ES_QBO_TXN_FIELDS, "UnappliedAmt", "PaymentRefNum", "PaymentMethodRef",
                         "DepositToAccountRef", "ARAccountRef", "ProcessPayment",
                         "CreditCardPayment"};

const Fields kPreferences = {ES_QBO_SYSTEM_FIELDS, "AccountingInfoPrefs", "ProductAndServicesPrefs",
                             "SalesFormsPrefs", "EmailMessagesPrefs", "VendorAndPurchasesPrefs",
                             "TimeTrackingPrefs", "TaxPrefs", "CurrencyPrefs", "ReportPrefs",
                             "OtherPrefs"};
const Fields kCompanyInfo = {ES_QBO_SYSTEM_FIELDS, "CompanyName", "LegalName", "CompanyAddr",
                             "CustomerCommunicationAddr", "LegalAddr", "PrimaryPhone",
                             "CompanyStartDate", "FiscalYearStartMonth", "Country", "Email",
                             "WebAddr", "SupportedLanguages", "NameValue"};

const EntityInfo kEntities[] = {
    {"Customer", "customer", EntityKind::kNameList, "DisplayName", &kCustomer},
    {"Item", "item", EntityKind::kNameList, "Name", &kItem},
    {"Account", "account", EntityKind::kNameList, "Name", &kAccount},
    {"PaymentMethod", "paymentmethod", EntityKind::kNameList, "Name", &kPaymentMethod},
    {"TaxCode", "taxcode", EntityKind::kReadOnlyList, "Name", &kTaxCode},
    {"TaxRate", "taxrate", EntityKind::kReadOnlyList, "Name", &kTaxRate},
    {"Invoice", "invoice", EntityKind::kTransaction, "", &kInvoice},
    {"SalesReceipt", "salesreceipt", EntityKind::kTransaction, "", &kSalesReceipt},
    {"Payment", "payment", EntityKind::kTransaction, "", &kPayment},
    {"CreditMemo", "creditmemo", EntityKind::kTransaction, "", &kCreditMemo},
    {"RefundReceipt", "refundreceipt", EntityKind::kTransaction, "", &kRefundReceipt},
    {"Preferences", "preferences", EntityKind::kSingleton, "", &kPreferences},
    {"CompanyInfo", "companyinfo", EntityKind::kSingleton, "", &kCompanyInfo},
};

const Fields kSalesLine = {"Id", "LineNum", "Description", "Amount", "DetailType",
                           "SalesItemLineDetail", "DiscountLineDetail", "SubTotalLineDetail",
                           "DescriptionLineDetail", "GroupLineDetail", "LinkedTxn", "ProjectRef",
                           "CustomExtensions", "ItemAccountRef"};
const Fields kPaymentLine = {"Id", "LineNum", "Amount", "LinkedTxn", "LineEx", "CustomExtensions"};

bool Contains(const Fields& f, std::string_view s) { return std::find(f.begin(), f.end(), s) != f.end(); }

}  // namespace

const EntityInfo* EntityBySegment(std::string_view segment) {
  for (const EntityInfo& e : kEntities)
    if (e.segment == segment) return &e;
  return nullptr;
}

const EntityInfo* EntityByName(std::string_view name) {
  std::string n = Lower(name);
  for (const EntityInfo& e : kEntities)
    if (e.segment == n) return &e;
  return nullptr;
}

const std::vector<const EntityInfo*>& AllEntities() {
  static const std::vector<const EntityInfo*> all = [] {
    std::vector<const EntityInfo*> v;
    for (const EntityInfo& e : kEntities) v.push_back(&e);
    return v;
  }();
  return all;
}

bool IsKnownField(const EntityInfo& e, std::string_view field) { return Contains(*e.fields, field); }

bool IsQueryableField(const EntityInfo& e, std::string_view dotted_field) {
  std::string root = Lower(dotted_field.substr(0, dotted_field.find('.')));
  for (std::string_view f : *e.fields)
    if (Lower(f) == root) return true;
  return false;
}

bool IsSalesForm(std::string_view entity) {
  return entity == "Invoice" || entity == "SalesReceipt" || entity == "CreditMemo" ||
         entity == "RefundReceipt";
}

bool IsKnownSalesLineField(std::string_view field) { return Contains(kSalesLine, field); }
bool IsKnownPaymentLineField(std::string_view field) { return Contains(kPaymentLine, field); }

}  // namespace es::qbo::sandbox
