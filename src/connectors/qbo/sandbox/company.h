// One QuickBooks Online company (realm) held in memory by the sandbox: its
// entities, their business rules and every /v3/company/{realm}/… operation
// (CRUD, void, deactivate, query, batch, CDC, preferences, requestid replay).
//
// Company knows nothing of HTTP, tokens or throttling: Server authenticates
// and throttles, then calls Handle(). All money is exact (Decimal); request
// bodies are parsed with es::ParseJson and amounts written with two
// decimals. Thread-safe: every public method takes the company lock, so
// operations (a whole batch included) are atomic with respect to each other.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "connectors/qbo/sandbox/entities.h"
#include "connectors/qbo/sandbox/query.h"
#include "connectors/qbo/sandbox/wire.h"

namespace es::qbo::sandbox {

struct ApiCall {
  std::string method;                         // "GET" / "POST"
  std::vector<std::string> segments;          // path after /v3/company/{realm}/
  std::map<std::string, std::string> params;  // decoded query parameters
  std::string body;
};

struct WireReply {
  int status = 200;
  std::string body;
  bool fault = false;
  bool replayed = false;  // answered from the requestid store
};

// A change the webhook sender may announce (reference §9).
struct ChangeEvent {
  std::string entity;     // "Invoice"
  std::string id;
  std::string operation;  // Create | Update | Delete | Void
  int64_t at_ms = 0;
};

class Company {
 public:
  // `clock` must outlive the company.
  Company(std::string realm_id, Clock* clock, int utc_offset_minutes);

  // Executes one call whose bearer token and throttling were already checked.
  WireReply Handle(const ApiCall& call);

  // Non-deleted objects of `entity` (inactive name-list rows included).
  int64_t Count(std::string_view entity) const;
  std::vector<Json> All(std::string_view entity) const;
  int64_t writes() const;
  // Changes since the last call (recorded only after EnableChangeLog()).
  void EnableChangeLog();
  std::vector<ChangeEvent> TakeChanges();

 private:
  enum class WriteOp { kCreate, kUpdate, kDelete, kVoid };

  struct Record {
    Json obj;
    bool deleted = false;
    bool voided = false;
    bool tax_override = false;  // TxnTaxDetail.TotalTax was set by the client
    int64_t updated_ms = 0;
  };
  struct IdLess {
    bool operator()(const std::string& a, const std::string& b) const;
  };
  struct Table {
    int64_t next_id = 1;
    std::map<std::string, Record, IdLess> rows;
    std::unordered_map<std::string, std::string> names;  // lower-case active name -> Id
    // lower-case DocNumber -> Ids (deleted rows included; queries re-check),
    // so that a DocNumber lookup does not scan the table.
    std::unordered_multimap<std::string, std::string> doc_numbers;
  };
  // What a stored transaction contributes to balances and stock.
  struct Contribution {
    std::string customer_id;
    Decimal balance;
    std::map<std::string, Decimal> qty;  // item Id -> change of QtyOnHand
  };

  // ---- company.cpp: routing, storage, generic CRUD ----
  ApiResult Dispatch(const ApiCall& call);
  ApiResult WriteCall(const EntityInfo& e, const ApiCall& call);
  Outcome<Json> Write(const EntityInfo& e, WriteOp op, const Json& body);
  Outcome<Json> Create(const EntityInfo& e, const Json& body);
  Outcome<Json> Update(const EntityInfo& e, const Json& body);
  Outcome<Json> DeleteTxn(const EntityInfo& e, const Json& body);
  Outcome<Json> VoidTxn(const EntityInfo& e, const Json& body);
  Outcome<Json> Read(const EntityInfo& e, const std::string& id) const;
  Outcome<Json> Normalize(const EntityInfo& e, const Json& in, const Record* existing,
                          const Json& request);
  Outcome<Record*> Existing(const EntityInfo& e, const Json& body, bool check_token);
  Record& Store(const EntityInfo& e, const std::string& id, Json obj, bool created);
  void Bump(const EntityInfo& e, const std::string& id, Record& r);
  void Changed(std::string_view entity, const std::string& id, std::string_view op);
  Table& table(std::string_view entity);
  const Table* find_table(std::string_view entity) const;
  const Record* Find(std::string_view entity, const std::string& id) const;
  std::string NewId(std::string_view entity);
  int64_t now_ms() const;
  std::string EnvelopeTime() const;
  std::string Timestamp(int64_t ms) const;
  std::string Today() const;

  // ---- company_refs.cpp: references and shared field checks ----
  // Resolves a {"value": Id} reference to a live row; fills "name".
  Outcome<const Record*> Resolve(std::string_view entity, Json& ref, std::string_view element) const;
  static std::optional<ApiError> CheckLength(const Json& obj, std::string_view field, size_t max);
  static std::optional<ApiError> CheckNameChars(const Json& obj, std::string_view field);
  std::optional<ApiError> CheckUnknownFields(const EntityInfo& e, const Json& body) const;
  std::optional<ApiError> CheckUniqueName(std::string_view entity, const std::string& name,
                                          const std::string& self_id) const;
  static std::string DeletedSuffixed(const std::string& name, bool active);

  // ---- company_lists.cpp: name lists ----
  Outcome<Json> NormalizeCustomer(const Json& in, const Record* existing);
  Outcome<Json> NormalizeItem(const Json& in, const Record* existing, const Json& request);
  Outcome<Json> NormalizeAccount(const Json& in, const Record* existing);
  Outcome<Json> NormalizePaymentMethod(const Json& in, const Record* existing);
  Outcome<Json> UpdatePreferences(const Json& body);

  // ---- company_sales.cpp: sales forms ----
  Outcome<Json> NormalizeSalesForm(const EntityInfo& e, const Json& in, const Record* existing,
                                   const Json& request, bool* tax_override);
  struct LineTotals {
    Json lines = Json::array();  // normalised lines incl. the SubTotal line
    Decimal subtotal;            // Σ item lines (shipping/gratuity excluded)
    Decimal discount;            // Σ discount lines (positive)
    Decimal extra;               // Σ SHIPPING_ITEM_ID / GRATUITY_ITEM_ID lines
    Decimal taxable_items;       // Σ item lines with TaxCodeRef TAX
    Decimal taxable_extra;       // Σ shipping/gratuity lines with TaxCodeRef TAX
  };
  Outcome<LineTotals> NormalizeLines(const Json& in, const Record* existing);
  Outcome<Json> NormalizeTax(const Json& in, const Record* existing, const Json& request,
                             const LineTotals& t, bool* tax_override, Decimal* total_tax);
  std::string NextDocNumber(std::string_view entity);

  // ---- company_payments.cpp: payments, balances, stock ----
  Outcome<Json> NormalizePayment(const Json& in, const Record* existing);
  std::optional<ApiError> CheckAppliedWithin(const EntityInfo& e, const std::string& id,
                                             const Json& obj) const;
  void ApplyPayment(const std::string& payment_id, const Json* old_obj, const Json* new_obj);
  void UnlinkTarget(std::string_view entity, const std::string& id);
  void RefreshTarget(std::string_view entity, const std::string& id);
  Decimal AppliedTo(std::string_view entity, const std::string& id,
                    const std::string& except_payment = {}) const;
  Contribution Contribute(std::string_view entity, const Record* r) const;
  void Retally(std::string_view entity, const Contribution& before, const Contribution& after);
  static void ZeroAmounts(Json& obj);

  // ---- company_read.cpp: query, CDC, batch ----
  Outcome<Json> RunQuery(std::string_view statement) const;
  // Ids a condition on Id or DocNumber (= or IN) narrows a query to, in the
  // table's order; nullopt when no condition can use an index.
  static std::optional<std::vector<std::string>> IndexedIds(const Table& t, const std::vector<Condition>& where);
  ApiResult Cdc(const ApiCall& call) const;
  ApiResult Batch(const ApiCall& call);

  // ---- company_seed.cpp ----
  void Seed();

  const std::string realm_id_;
  Clock* const clock_;
  const int offset_min_;

  mutable std::mutex mu_;
  std::map<std::string, Table, std::less<>> tables_;                 // guarded by mu_
  std::map<std::string, WireReply> replay_;                          // guarded by mu_
  std::deque<std::string> replay_order_;                             // guarded by mu_; oldest first
  // (target entity, target Id) -> payment Id -> amount applied
  std::map<std::pair<std::string, std::string>, std::map<std::string, Decimal>> applied_;
  std::map<std::string, int64_t> doc_numbers_;                       // guarded by mu_
  int64_t writes_ = 0;                                               // guarded by mu_
  bool change_log_ = false;                                          // guarded by mu_
  std::vector<ChangeEvent> changes_;                                 // guarded by mu_
};

}  // namespace es::qbo::sandbox
