// QboTarget: QuickBooks Online as the engine's target (engine/connector.h).
//
// Planning (qbo_plan.cpp) turns a page of canonical records into ops, reading
// only the id map, so a dry run costs no QBO request:
//   customers  create, or a sparse update when the content fingerprint moved;
//   items      the same (account refs resolved only when an item is created);
//   orders     the document's whole life, decided by mapping::PlanOrder:
//              create (Invoice or SalesReceipt), sparse update of the same
//              document when its content changed, void/delete when the order
//              was cancelled, failed or trashed after booking, a Payment when
//              an invoice was paid later, one RefundReceipt or CreditMemo per
//              Woo refund (a CreditMemo is then applied to its invoice) —
//              plus the customer and items the document needs first.
// A record's dependencies created in the same page appear in payloads as
// placeholders ("@ref:customer:25", "@account:income") that Apply replaces
// with the real ids once written.
//
// Applying (qbo_apply.cpp) goes stage by stage (customers, items, documents,
// payments, refunds, credit applications). Creates are exactly once: a write
// intent is stored before each batch of up to 30, the batch requestid covers
// its content, and a leftover intent makes the next run look the record up
// (by DisplayName, Sku, Name, DocNumber, or the LinkedTxn of the invoice or
// credit memo for payments) before creating it. Updates carry the SyncToken
// from the id map; a stale one (5010) is re-read once and retried. A
// document's QBO total must equal what the order says, to the cent, or the
// record fails with the difference (and is re-planned on the next run).
//
// Mapping conventions in the id map of the QBO connection:
//   customer/<source id>, item/<line key>, order/<order id> (fingerprint
//   "voided"/"deleted" once voided/deleted), payment/<order id>,
//   refund/<refund id>, credit/<refund id> (the Payment applying a CreditMemo).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/decimal.h"
#include "connectors/qbo/client.h"
#include "connectors/qbo/sync/gateway.h"
#include "engine/connector.h"
#include "mapping/field_map.h"
#include "mapping/qbo_transform.h"
#include "mapping/transformer_config.h"

namespace es::qbo {

enum class Stage { kCustomers = 0, kItems, kDocuments, kPayments, kRefunds, kCredits };
constexpr int kStages = 6;

// The QBO half of a PlanOp (same index in Plan::ops).
struct QboOp {
  Stage stage = Stage::kDocuments;
  std::string qbo_entity;                    // "Customer", "Invoice", "Payment", …
  std::string lookup_field;                  // "DisplayName", "Sku", "Name", "DocNumber", or "LinkedTxn"
  std::string lookup_value;
  std::vector<std::string> lookup_entities;  // defaults to {qbo_entity}
  std::string fallback_name;                 // items: the name to use when another item holds it
  std::string sync_token;                    // updates, voids, deletes
  std::string ref_key;                       // the placeholder this op resolves ("customer:25")
  std::string linked_entity;                 // LinkedTxn lookups: whose LinkedTxn lists the payment
  std::string linked_id;                     //   (an id or a placeholder)
  std::optional<Decimal> expected_total;     // documents: QBO's TotalAmt must equal this
  // The full content the fingerprint is taken of, when it holds placeholders
  // (the fingerprint is then taken again once they are replaced).
  Json content;
};

struct PlanState {
  std::vector<QboOp> qops;
};

class QboTarget final : public engine::Target {
 public:
  // `session`: the connection opened for the run (OpenQboSession in qbo_platform.h).
  QboTarget(QboSession session, mapping::TransformerConfig config);
  ~QboTarget() override;

  Result<engine::Plan> PlanPage(const std::string& entity, const std::vector<engine::SourceRecord>& records,
                                engine::SyncContext& ctx) override;
  Status Apply(engine::Plan& plan, engine::SyncContext& ctx) override;
  Result<std::vector<engine::Check>> Verify(const std::string& entity, const std::vector<engine::SourceRecord>& records,
                                            engine::SyncContext& ctx) override;
  // Items: what QBO holds for mapped records (qbo_items.h CurrentItems); nothing for other entities.
  Result<std::map<std::string, engine::TargetCurrent>> Current(const std::string& entity,
                                                               const std::vector<engine::SourceRecord>& records,
                                                               engine::SyncContext& ctx) override;
  int64_t requests() const override { return gateway_.calls(); }
  int64_t rate_limited() const override { return gateway_.rate_limited(); }

  // The tenant's order mapping (mapping/field_map_qbo.h), applied to every
  // order document after the transformer built it; none = documents as built.
  void SetOrderMapping(mapping::FieldMap map) { order_map_ = std::move(map); }

  static std::string Placeholder(const std::string& ref_key) { return "@ref:" + ref_key; }

 private:
  friend class Planner;
  friend class Applier;

  QboSession session_;
  QboGateway& gateway_;  // *session_.gateway
  mapping::TransformerConfig config_;
  std::optional<mapping::FieldMap> order_map_;
  // Accounts for new items and refund receipts, resolved on first need.
  std::map<std::string, std::string> accounts_;  // "income" | "expense" | "asset" | "refund" → Account Id
  // Dry runs: dependencies already planned on an earlier page (nothing was
  // created, so the id map cannot say) → their placeholder.
  std::set<std::string> dry_planned_;
};

}  // namespace es::qbo
