// The company a fresh sandbox starts with: chart of accounts, tax codes and
// rates (US sales tax: TAX/NON line codes plus combined codes), payment
// methods, one Service item, Preferences (shipping and discounts allowed,
// three String custom fields) and CompanyInfo.
#include "connectors/qbo/sandbox/company.h"

namespace es::qbo::sandbox {

void Company::Seed() {
  auto put = [&](std::string_view entity, const std::string& id, Json obj) {
    Store(*EntityByName(entity), id, std::move(obj), true);
  };
  const Json usd = {{"value", "USD"}, {"name", "United States Dollar"}};

  struct AccountSeed {
    const char* id;
    const char* name;
    const char* type;
    const char* sub;
    const char* cls;
  };
  static const AccountSeed kAccounts[] = {
      {"1", "Services", "Income", "ServiceFeeIncome", "Revenue"},
      {"2", "Sales of Product Income", "Income", "SalesOfProductIncome", "Revenue"},
      {"3", "Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs", "Expense"},
      {"4", "Inventory Asset", "Other Current Asset", "Inventory", "Asset"},
      {"5", "Undeposited Funds", "Other Current Asset", "UndepositedFunds", "Asset"},
      {"6", "Checking", "Bank", "Checking", "Asset"},
      {"7", "Discounts given", "Income", "DiscountsRefundsGiven", "Revenue"},
      {"8", "Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable", "Asset"},
  };
  for (const AccountSeed& a : kAccounts)
    put("Account", a.id,
        Json{{"Name", a.name}, {"FullyQualifiedName", a.name}, {"AccountType", a.type},
             {"AccountSubType", a.sub}, {"Classification", a.cls}, {"Active", true}, {"SubAccount", false},
             {"CurrentBalance", 0}, {"CurrentBalanceWithSubAccounts", 0}, {"CurrencyRef", usd}});

  put("Item", "1",
      Json{{"Name", "Services"}, {"FullyQualifiedName", "Services"}, {"Type", "Service"}, {"Active", true},
           {"Taxable", false}, {"UnitPrice", 0}, {"PurchaseCost", 0}, {"TrackQtyOnHand", false},
           {"SalesTaxIncluded", false}, {"PurchaseTaxIncluded", false}, {"SubItem", false},
           {"IncomeAccountRef", {{"value", "1"}, {"name", "Services"}}}});

  struct RateSeed {
    const char* id;
    const char* name;
    const char* rate;
    const char* agency;
  };
  static const RateSeed kRates[] = {
      {"1", "California", "8", "1"},
      {"2", "Texas State", "6.25", "2"},
      {"3", "Austin City", "2", "2"},
  };
  for (const RateSeed& r : kRates)
    put("TaxRate", r.id,
        Json{{"Name", r.name}, {"Description", "Sales Tax"}, {"Active", true},
             {"RateValue", JsonNumber(Decimal::Parse(r.rate).value())}, {"AgencyRef", {{"value", r.agency}}},
             {"SpecialTaxType", "NONE"}, {"DisplayType", "ReadOnly"}});

  auto rate_list = [&](std::initializer_list<std::pair<const char*, const char*>> rates) {
    Json details = Json::array();
    int order = 0;
    for (const auto& [id, name] : rates)
      details.push_back(Json{{"TaxRateRef", {{"value", id}, {"name", name}}},
                             {"TaxTypeApplicable", "TaxOnAmount"},
                             {"TaxOrder", order++}});
    return Json{{"TaxRateDetail", details}};
  };
  const Json empty_rates = {{"TaxRateDetail", Json::array()}};
  put("TaxCode", "TAX",
      Json{{"Name", "TAX"}, {"Description", "TAX"}, {"Active", true}, {"Taxable", true}, {"TaxGroup", false},
           {"Hidden", false}, {"SalesTaxRateList", empty_rates}, {"PurchaseTaxRateList", empty_rates},
           {"TaxCodeConfigType", "SYSTEM_GENERATED"}});
  put("TaxCode", "NON",
      Json{{"Name", "NON"}, {"Description", "NON"}, {"Active", true}, {"Taxable", false}, {"TaxGroup", false},
           {"Hidden", false}, {"SalesTaxRateList", empty_rates}, {"PurchaseTaxRateList", empty_rates},
           {"TaxCodeConfigType", "SYSTEM_GENERATED"}});
  put("TaxCode", "2",
      Json{{"Name", "California"}, {"Description", "California sales tax"}, {"Active", true}, {"Taxable", true},
           {"TaxGroup", true}, {"Hidden", false}, {"SalesTaxRateList", rate_list({{"1", "California"}})},
           {"PurchaseTaxRateList", empty_rates}, {"TaxCodeConfigType", "USER_DEFINED"}});
  put("TaxCode", "3",
      Json{{"Name", "Texas"}, {"Description", "Texas + Austin sales tax"}, {"Active", true}, {"Taxable", true},
           {"TaxGroup", true}, {"Hidden", false},
           {"SalesTaxRateList", rate_list({{"2", "Texas State"}, {"3", "Austin City"}})},
           {"PurchaseTaxRateList", empty_rates}, {"TaxCodeConfigType", "USER_DEFINED"}});
  table("TaxCode").next_id = 4;

  static const std::pair<const char*, const char*> kMethods[] = {
      {"Cash", "NON_CREDIT_CARD"}, {"Check", "NON_CREDIT_CARD"},  {"Visa", "CREDIT_CARD"},
      {"MasterCard", "CREDIT_CARD"}, {"American Express", "CREDIT_CARD"}, {"Discover", "CREDIT_CARD"},
      {"PayPal", "NON_CREDIT_CARD"}};
  int n = 0;
  for (const auto& [name, type] : kMethods)
    put("PaymentMethod", std::to_string(++n), Json{{"Name", name}, {"Type", type}, {"Active", true}});

  Json use_flags = Json::array(), names = Json::array();
  static const char* kCustomNames[] = {"Order #", "Source", "Crew #"};
  for (int i = 1; i <= 3; ++i) {
    use_flags.push_back(Json{{"Name", "SalesFormsPrefs.UseSalesCustom" + std::to_string(i)},
                             {"Type", "BooleanType"},
                             {"BooleanValue", true}});
    names.push_back(Json{{"Name", "SalesFormsPrefs.SalesCustomName" + std::to_string(i)},
                         {"Type", "StringType"},
                         {"StringValue", kCustomNames[i - 1]}});
  }
  put("Preferences", "1",
      Json{{"AccountingInfoPrefs",
            {{"TrackDepartments", false}, {"ClassTrackingPerTxn", false}, {"CustomerTerminology", "Customers"}}},
           {"ProductAndServicesPrefs",
            {{"ForSales", true}, {"ForPurchase", true}, {"QuantityWithPriceAndRate", true}, {"QuantityOnHand", true}}},
           {"SalesFormsPrefs",
            {{"CustomField", Json::array({Json{{"CustomField", use_flags}}, Json{{"CustomField", names}}})},
             {"AllowDeposit", true},
             {"AllowDiscount", true},
             {"AllowEstimates", true},
             {"AllowShipping", true},
             {"AllowServiceDate", true},
             {"CustomTxnNumbers", false},
             {"AutoApplyCredit", true},
             {"UsingPriceLevels", false},
             {"UsingProgressInvoicing", false}}},
           {"TaxPrefs", {{"UsingSalesTax", true}, {"PartnerTaxEnabled", false}, {"TaxGroupCodeRef", {{"value", "2"}}}}},
           {"CurrencyPrefs", {{"MultiCurrencyEnabled", false}, {"HomeCurrency", {{"value", "USD"}}}}},
           {"OtherPrefs",
            {{"NameValue", Json::array({Json{{"Name", "SalesFormsPrefs.DefaultCustomerMessage"},
                                             {"Value", "Thank you for your business."}}})}}}});

  const Json addr = {{"Id", "1"}, {"Line1", "123 Sierra Way"}, {"City", "San Pablo"},
                     {"CountrySubDivisionCode", "CA"}, {"PostalCode", "87999"}, {"Country", "USA"}};
  put("CompanyInfo", "1",
      Json{{"CompanyName", "EasySale Sandbox Company"}, {"LegalName", "EasySale Sandbox Company"},
           {"CompanyAddr", addr}, {"CustomerCommunicationAddr", addr}, {"LegalAddr", addr},
           {"PrimaryPhone", {{"FreeFormNumber", "(650) 944-4444"}}}, {"CompanyStartDate", "2026-01-01"},
           {"FiscalYearStartMonth", "January"}, {"Country", "US"},
           {"Email", {{"Address", "books@sandbox.easysale.invalid"}}}, {"SupportedLanguages", "en"},
           {"NameValue", Json::array({Json{{"Name", "IndustryType"}, {"Value", "Retail"}},
                                      Json{{"Name", "OfferingSku"}, {"Value", "QuickBooks Online Plus"}},
                                      Json{{"Name", "CompanyId"}, {"Value", realm_id_}}})}});
  table("PhysicalAddress").next_id = 2;
  writes_ = 0;
  changes_.clear();
}

}  // namespace es::qbo::sandbox
