#include "engine/woo_qbo_support.h"

#include "connectors/qbo/client.h"
#include "connectors/qbo/codec.h"
#include "engine/qbo_gateway.h"

namespace es::engine {
namespace {

Result<std::string> FindAccount(FlowContext& ctx, const std::string& type, const std::string& preferred_subtype) {
  auto page = ctx.endpoints.qbo->Query("SELECT * FROM Account WHERE AccountType = " + qbo::QuoteQueryString(type));
  if (!page.ok()) return page.status();
  std::string first;
  for (const auto& row : page->rows) {
    std::string id = EntityId(row);
    if (first.empty()) first = id;
    if (GetStringOr(row, "AccountSubType") == preferred_subtype) return id;
  }
  if (first.empty()) return Status::NotFound("QBO company has no account of type '" + type + "'");
  return first;
}

}  // namespace

Status ResolveItemAccounts(FlowContext& ctx, mapping::ItemAccounts* out) {
  out->income = ctx.config.income_account_id;
  out->expense = ctx.config.expense_account_id;
  out->asset = ctx.config.asset_account_id;
  if (ctx.dry_run && out->income.empty()) out->income = "(income account)";
  if (out->income.empty()) {
    auto r = FindAccount(ctx, "Income", "SalesOfProductIncome");
    if (!r.ok()) return r.status().WithContext("resolving the income account for new items");
    out->income = *r;
  }
  if (ctx.config.item_type == "Inventory") {
    if (out->expense.empty()) {
      auto r = FindAccount(ctx, "Cost of Goods Sold", "SuppliesMaterialsCogs");
      if (!r.ok()) return r.status().WithContext("resolving the COGS account for new items");
      out->expense = *r;
    }
    if (out->asset.empty()) {
      auto r = FindAccount(ctx, "Other Current Asset", "Inventory");
      if (!r.ok()) return r.status().WithContext("resolving the inventory asset account");
      out->asset = *r;
    }
  }
  return Status::Ok();
}

std::map<std::string, std::string> MappedIds(FlowContext& ctx, const std::string& entity,
                                             const std::set<std::string>& source_ids) {
  std::map<std::string, std::string> out;
  for (const auto& id : source_ids) {
    auto m = ctx.store->GetMapping(ctx.tenant_id, ctx.target_connection, entity, id);
    if (m.ok() && m->has_value()) out[id] = (*m)->target_id;
  }
  return out;
}

std::map<std::string, std::string> EnsureCustomers(FlowContext& ctx, Recorder& rec,
                                                   const std::vector<model::Customer>& customers,
                                                   bool count_skipped) {
  std::set<std::string> ids;
  for (const auto& c : customers) ids.insert(c.source_id);
  auto resolved = MappedIds(ctx, "customer", ids);
  std::vector<WriteRequest> writes;
  std::set<std::string> queued;
  for (const auto& c : customers) {
    if (resolved.count(c.source_id)) {
      if (count_skipped) rec.Skipped("customer", c.source_id, "already synced");
      continue;
    }
    if (!queued.insert(c.source_id).second) continue;
    qbo::Customer q = mapping::CustomerToQbo(c, ctx.config);
    WriteRequest w;
    w.entity = "customer";
    w.source_id = c.source_id;
    w.qbo_entity = "Customer";
    w.body = qbo::EncodeCustomer(q);
    w.lookup_field = "DisplayName";
    w.lookup_value = q.display_name;
    writes.push_back(std::move(w));
  }
  if (writes.empty()) return resolved;
  QboWriter writer(ctx, rec);
  auto outcomes = writer.CreateAll(writes);
  for (size_t i = 0; i < writes.size(); ++i) {
    if (outcomes[i].status.ok()) resolved[writes[i].source_id] = outcomes[i].target_id;
  }
  return resolved;
}

std::map<std::string, std::string> EnsureItems(FlowContext& ctx, Recorder& rec,
                                               const std::vector<model::Product>& products,
                                               mapping::ItemAccounts& accounts, bool count_skipped) {
  std::set<std::string> ids;
  for (const auto& p : products) ids.insert(p.source_id);
  auto resolved = MappedIds(ctx, "item", ids);
  std::vector<WriteRequest> writes;
  std::set<std::string> queued;
  std::vector<const model::Product*> missing;
  for (const auto& p : products) {
    if (resolved.count(p.source_id)) {
      if (count_skipped) rec.Skipped("item", p.source_id, "already synced");
      continue;
    }
    if (queued.insert(p.source_id).second) missing.push_back(&p);
  }
  if (missing.empty()) return resolved;
  if (accounts.income.empty()) {
    Status s = ResolveItemAccounts(ctx, &accounts);
    if (!s.ok()) {
      for (const auto* p : missing) rec.Failed("item", p->source_id, s);
      return resolved;
    }
  }
  for (const model::Product* pp : missing) {
    const model::Product& p = *pp;
    qbo::Item item = mapping::ProductToItem(p, ctx.config, accounts);
    WriteRequest w;
    w.entity = "item";
    w.source_id = p.source_id;
    w.qbo_entity = "Item";
    w.body = qbo::EncodeItem(item);
    if (!item.sku.empty()) {
      w.lookup_field = "Sku";
      w.lookup_value = item.sku;
    } else {
      w.lookup_field = "Name";
      w.lookup_value = item.name;
    }
    std::string tag = item.sku.empty() ? "#" + p.source_id : item.sku;
    std::string base = item.name.size() + tag.size() + 3 > 100 ? item.name.substr(0, 97 - tag.size()) : item.name;
    w.fallback_name = base + " (" + tag + ")";
    writes.push_back(std::move(w));
  }
  if (writes.empty()) return resolved;
  QboWriter writer(ctx, rec);
  auto outcomes = writer.CreateAll(writes);
  for (size_t i = 0; i < writes.size(); ++i) {
    if (outcomes[i].status.ok()) resolved[writes[i].source_id] = outcomes[i].target_id;
  }
  return resolved;
}

std::string EnsureFeeItem(FlowContext& ctx, Recorder& rec, mapping::ItemAccounts& accounts) {
  model::Product fee;
  fee.source_id = "fee:" + ctx.config.fee_item_name;
  fee.name = ctx.config.fee_item_name;
  fee.tax_status = "taxable";
  mapping::TransformerConfig service = ctx.config;
  service.item_type = "Service";
  FlowContext& c = ctx;
  std::swap(c.config, service);
  auto ids = EnsureItems(c, rec, {fee}, accounts);
  std::swap(c.config, service);
  auto it = ids.find(fee.source_id);
  return it == ids.end() ? "" : it->second;
}

}  // namespace es::engine
