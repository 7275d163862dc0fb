// Shared steps of the woo → qbo flows: resolving account refs, and making
// sure the customers and items a page of orders needs exist in QBO.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/flow.h"
#include "engine/qbo_writer.h"
#include "engine/recorder.h"
#include "mapping/qbo_transform.h"
#include "model/customer.h"
#include "model/product.h"

namespace es::engine {

// Fills empty account ids of the config by querying QBO once per run.
Status ResolveItemAccounts(FlowContext& ctx, mapping::ItemAccounts* out);

// Ensures each customer has a QBO Customer; returns source_id → QBO Id for
// those resolved (failures are recorded and left out).
// With `count_skipped`, customers already mapped are counted as skipped
// (when the customers themselves are the entity being synced).
std::map<std::string, std::string> EnsureCustomers(FlowContext& ctx, Recorder& rec,
                                                   const std::vector<model::Customer>& customers,
                                                   bool count_skipped = false);

// Ensures each product has a QBO Item; keys are product source ids
// (mapping::LineItemKey for lines). Returns key → QBO Id. Account refs are
// resolved into `accounts` only when an item has to be created, so a run
// with nothing new spends no QBO read on them.
std::map<std::string, std::string> EnsureItems(FlowContext& ctx, Recorder& rec,
                                               const std::vector<model::Product>& products,
                                               mapping::ItemAccounts& accounts,
                                               bool count_skipped = false);

// Ensures the item used for fee lines exists; returns its Id ("" on failure).
std::string EnsureFeeItem(FlowContext& ctx, Recorder& rec, mapping::ItemAccounts& accounts);

// Reads mapped ids for `entity` and `source_ids` from the store.
std::map<std::string, std::string> MappedIds(FlowContext& ctx, const std::string& entity,
                                             const std::set<std::string>& source_ids);

}  // namespace es::engine
