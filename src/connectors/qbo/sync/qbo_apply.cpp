// Applying a page's plan to QBO: see qbo_target.h.
#include <algorithm>
#include <mutex>
#include <thread>

#include "common/crypto.h"
#include "connectors/qbo/request_id.h"
#include "connectors/qbo/sync/qbo_items.h"
#include "connectors/qbo/sync/qbo_target.h"
#include "engine/two_way.h"
#include "mapping/document_update.h"

namespace es::qbo {

using engine::OpKind;
using engine::PlanOp;

namespace {

std::string Text(const Json& entity, const char* key) {
  auto it = entity.find(key);
  return it == entity.end() ? "" : ScalarText(*it);
}

struct AccountKind {
  const char* name;
  const char* type;
  const char* subtype;
};
constexpr AccountKind kAccounts[] = {{"income", "Income", "SalesOfProductIncome"},
                                     {"expense", "Cost of Goods Sold", "SuppliesMaterialsCogs"},
                                     {"asset", "Other Current Asset", "Inventory"},
                                     {"refund", "Other Current Asset", "UndepositedFunds"}};

// `s` with `context`, unless it is a failure of the whole connection: those
// already say in one line what failed and what to do.
Status Explained(const Status& s, const std::string& context) {
  return engine::ScopeOf(s) == engine::FailureScope::kPlatform ? s : s.WithContext(context);
}

}  // namespace

class Applier {
 public:
  Applier(QboTarget& t, engine::Plan& plan, engine::SyncContext& ctx)
      : t_(t), plan_(plan), st_(std::any_cast<PlanState&>(plan.state)), ctx_(ctx) {}

  Status Run() {
    for (int stage = 0; stage < kStages; ++stage) {
      if (ctx_.Stopping()) return Status::Ok();
      std::vector<size_t> creates, updates, removals;
      std::set<std::string> accounts;
      for (size_t i = 0; i < plan_.ops.size(); ++i) {
        const PlanOp& op = plan_.ops[i];
        if (static_cast<int>(st_.qops[i].stage) != stage || op.kind == OpKind::kSkip || op.kind == OpKind::kFail)
          continue;
        std::string missing = Substitute(i);
        if (missing.rfind("account:", 0) == 0) {
          accounts.insert(missing.substr(8));
        } else if (!missing.empty()) {
          Fail(i, Status::Validation(missing + " could not be written, so this cannot be either", "dependency"));
          continue;
        }
        (op.kind == OpKind::kUpdate ? updates : (op.kind == OpKind::kVoid || op.kind == OpKind::kDelete) ? removals
                                                                                                          : creates)
            .push_back(i);
      }
      if (!accounts.empty()) ResolveAccounts(accounts, creates);
      Creates(creates);
      Updates(updates);
      for (size_t i : removals) {
        if (ctx_.Stopping()) break;
        Remove(i);
      }
    }
    return Status::Ok();
  }

 private:
  // Replaces placeholders in the op; returns the first one still unknown ("" when none).
  std::string Substitute(size_t i) {
    std::string missing;
    PlanOp& op = plan_.ops[i];
    QboOp& q = st_.qops[i];
    Replace(op.payload, &missing);
    ReplaceText(op.target_id, &missing);
    ReplaceText(q.linked_id, &missing);
    if (!q.content.is_null()) {
      Replace(q.content, &missing);
      if (missing.empty()) op.fingerprint = mapping::DocumentFingerprint(q.content);
    }
    return missing;
  }

  void ReplaceText(std::string& s, std::string* missing) {
    if (s.rfind("@ref:", 0) == 0) {
      auto it = resolved_.find(s.substr(5));
      if (it != resolved_.end()) s = it->second;
      else if (missing->empty()) *missing = s.substr(5);
    } else if (s.rfind("@account:", 0) == 0) {
      auto it = t_.accounts_.find(s.substr(9));
      if (it != t_.accounts_.end()) s = it->second;
      else if (missing->empty()) *missing = "account:" + s.substr(9);
    }
  }

  void Replace(Json& j, std::string* missing) {
    if (j.is_string()) {
      std::string s = j.get<std::string>();
      if (s.empty() || s[0] != '@') return;
      ReplaceText(s, missing);
      j = s;
    } else if (j.is_object() || j.is_array()) {
      for (auto& v : j) Replace(v, missing);
    }
  }

  void ResolveAccounts(const std::set<std::string>& names, std::vector<size_t>& ops) {
    Status failure;
    for (const auto& name : names) {
      for (const auto& k : kAccounts) {
        if (name != k.name) continue;
        auto id = FindAccount(k.type, k.subtype);
        if (id.ok()) t_.accounts_[name] = *id;
        else failure = Explained(id.status(), "finding the QBO " + name + " account");
      }
    }
    std::vector<size_t> kept;
    for (size_t i : ops) {
      std::string missing = Substitute(i);
      if (!missing.empty()) Fail(i, failure.ok() ? Status::Validation("no QBO account for " + missing) : failure);
      else kept.push_back(i);
    }
    ops = std::move(kept);
  }

  Result<std::string> FindAccount(const std::string& type, const std::string& preferred_subtype) {
    auto page = t_.gateway_.Query("SELECT * FROM Account WHERE AccountType = " + QuoteQueryString(type));
    if (!page.ok()) return page.status();
    std::string first;
    for (const auto& row : page->rows) {
      std::string id = Text(row, "Id");
      if (first.empty()) first = id;
      if (Text(row, "AccountSubType") == preferred_subtype) return id;
    }
    if (first.empty()) return Status::NotFound("the QBO company has no account of type '" + type + "'");
    return first;
  }

  void Fail(size_t i, const Status& s) { ctx_.Failed(plan_.ops[i], s); }

  // The op's record exists in QBO now: check, record, resolve its placeholder.
  void Succeed(size_t i, const std::string& type, const Json& entity, bool linked) {
    PlanOp& op = plan_.ops[i];
    const QboOp& q = st_.qops[i];
    engine::Written w;
    w.target_id = Text(entity, "Id");
    w.target_type = type;
    w.version = Text(entity, "SyncToken");
    w.fingerprint = op.fingerprint;
    w.linked = linked;
    if (type == "Item") w.two_way_value = engine::TwoWayValue(ItemProduct(entity));
    if (!q.ref_key.empty()) resolved_[q.ref_key] = w.target_id;
    Status mismatch;
    if (q.expected_total) {
      auto total = GetDecimal(entity, "TotalAmt");
      if (total.ok() && *total != *q.expected_total) {
        mismatch = Status::Validation("QBO " + type + " " + w.target_id + " total " + total->ToFixed(2) +
                                          " differs from the expected " + q.expected_total->ToFixed(2) + " by " +
                                          (*total - *q.expected_total).ToFixed(2) +
                                          (Text(entity, "PrivateNote").find("Voided") != std::string::npos
                                               ? " (the document was voided in QuickBooks)"
                                               : ""),
                                      "total_mismatch");
        w.fingerprint.clear();  // planned again on the next run
      }
    }
    // Done records a failure itself when the mapping could not be stored.
    if (ctx_.Done(op, w).ok() && !mismatch.ok()) Fail(i, mismatch);
  }

  Result<std::optional<std::pair<std::string, Json>>> Lookup(size_t i) {
    using Found = std::optional<std::pair<std::string, Json>>;
    const PlanOp& op = plan_.ops[i];
    const QboOp& q = st_.qops[i];
    if (q.lookup_field == "LinkedTxn") {
      // A payment is found through the transaction it was applied to.
      if (q.linked_id.empty() || q.linked_id[0] == '@') return Found();
      ES_ASSIGN_OR_RETURN(Json linked, t_.gateway_.Read(q.linked_entity, q.linked_id));
      const std::string want = Text(op.payload, "PaymentRefNum");
      auto links = linked.find("LinkedTxn");
      if (links == linked.end() || !links->is_array()) return Found();
      for (const Json& l : *links) {
        if (Text(l, "TxnType") != "Payment") continue;
        ES_ASSIGN_OR_RETURN(Json payment, t_.gateway_.Read("Payment", Text(l, "TxnId")));
        if (want.empty() || Text(payment, "PaymentRefNum") == want) return Found(std::make_pair("Payment", payment));
      }
      return Found();
    }
    if (q.lookup_field.empty() || q.lookup_value.empty()) return Found();
    std::vector<std::string> entities = q.lookup_entities;
    if (entities.empty()) entities.push_back(q.qbo_entity);
    for (const auto& e : entities) {
      auto page = t_.gateway_.Query("SELECT * FROM " + e + " WHERE " + q.lookup_field + " = " +
                                    QuoteQueryString(q.lookup_value));
      if (!page.ok()) return page.status();
      if (!page->rows.empty()) return Found(std::make_pair(e, page->rows.front()));
    }
    return Found();
  }

  void Creates(const std::vector<size_t>& ops) {
    std::vector<size_t> todo;
    for (size_t i : ops) {
      if (ctx_.Stopping()) return;  // e.g. QBO became unreachable: no lookup more
      const PlanOp& op = plan_.ops[i];
      if (ctx_.HadIntent(op.entity, op.source_id)) {
        auto found = Lookup(i);
        if (!found.ok()) {
          Fail(i, Explained(found.status(), "looking up an earlier write"));
          continue;
        }
        if (found->has_value()) {
          Succeed(i, (*found)->first, (*found)->second, true);
          continue;
        }
      }
      todo.push_back(i);
    }
    std::vector<size_t> renamed;
    CreateAll(todo, &renamed);
    // Items whose name belongs to another item: once more under their fallback name.
    if (renamed.empty() || ctx_.Stopping()) return;
    for (size_t i : renamed) {
      QboOp& q = st_.qops[i];
      plan_.ops[i].payload["Name"] = q.fallback_name;
      q.lookup_field = "Name";
      q.lookup_value = q.fallback_name;
      q.fallback_name.clear();
    }
    std::vector<size_t> again;
    CreateAll(renamed, &again);
    for (size_t i : again)
      Fail(i, Status::Conflict("name '" + Text(plan_.ops[i].payload, "Name") + "' is taken by another record", "6240"));
  }

  // What QBO answered for one create.
  struct Outcome {
    Status status;
    Json entity;
    bool sent = false;  // false: a stop came first; the intent stands for the next run
  };

  // Creates the ops: their intents first (one transaction: no durable
  // intent, no write), then the writes, sent in parallel within the realm's
  // budget — a batch of 30 when the batch budget allows one and 30 are
  // left, single requests otherwise, so both budgets are spent — and then
  // the results recorded in plan order on this thread.
  void CreateAll(const std::vector<size_t>& ops, std::vector<size_t>* renamed) {
    if (ops.empty() || ctx_.Stopping()) return;
    std::vector<std::pair<const PlanOp*, std::string>> intents;
    for (size_t i : ops) intents.emplace_back(&plan_.ops[i], st_.qops[i].lookup_value);
    Status intent = ctx_.IntendAll(intents);
    if (!intent.ok()) {
      for (size_t i : ops) Fail(i, intent);
      return;
    }
    if (ctx_.Crash("after_intent")) return;
    std::vector<Outcome> outcomes(ops.size());
    Send(ops, outcomes);
    if (ctx_.Crash("after_write")) return;
    for (size_t k = 0; k < ops.size(); ++k) {
      size_t i = ops[k];
      const QboOp& q = st_.qops[i];
      const Outcome& r = outcomes[k];
      if (!r.sent) continue;
      if (r.status.ok()) {
        Succeed(i, q.qbo_entity, r.entity, false);
        if (ctx_.Crash("after_record")) return;
        continue;
      }
      if (r.status.code() == "6240") {
        // Duplicate name: the record may be ours from an earlier run, or another one.
        auto found = Lookup(i);
        if (found.ok() && found->has_value()) {
          const Json& e = (*found)->second;
          if (q.qbo_entity != "Item" || Text(e, "Sku") == Text(plan_.ops[i].payload, "Sku")) {
            Succeed(i, (*found)->first, e, true);
            continue;
          }
        }
        if (!q.fallback_name.empty()) {
          renamed->push_back(i);
          continue;
        }
      }
      Fail(i, r.status);
    }
  }

  // Sends the creates of `ops` (outcome k for ops[k]) on up to the realm's
  // in-flight limit of threads; after a stop request no more are started
  // (their outcomes stay unsent). Only reads the SyncContext's stop state,
  // which nothing changes while this thread waits here.
  void Send(const std::vector<size_t>& ops, std::vector<Outcome>& outcomes) {
    constexpr size_t kBatch = 30;
    std::mutex mu;
    size_t next = 0;  // guarded by mu: ops before it are taken
    const std::string tenant = ctx_.run().tenant_id;
    auto worker = [&] {
      for (;;) {
        if (ctx_.Stopping()) return;
        size_t left;
        {
          std::lock_guard<std::mutex> lock(mu);
          left = ops.size() - next;
        }
        if (left == 0) return;
        // A full batch whenever one is left; a partial one (of 10 or more)
        // only while single requests have to wait anyway.
        bool batch_ok = left >= kBatch || (left >= 10 && t_.gateway_.budget().WaitForSingle() > 0);
        auto permit = t_.gateway_.AcquireEither(batch_ok);
        size_t from, to;
        bool regret = false;
        {
          std::lock_guard<std::mutex> lock(mu);
          from = next;
          left = ops.size() - next;
          // Others took ops meanwhile: a batch permit for a few is given back.
          regret = permit.batch() && left < kBatch && !(left >= 10 && t_.gateway_.budget().WaitForSingle() > 0);
          to = regret ? from : std::min(ops.size(), next + (permit.batch() ? kBatch : 1));
          next = to;
        }
        if (from == to) {
          permit.Unused();
          if (regret) continue;
          return;
        }
        if (!permit.batch()) {
          size_t i = ops[from];
          const PlanOp& op = plan_.ops[i];
          std::string rid = MakeRequestId(tenant, t_.gateway_.realm_id(), st_.qops[i].qbo_entity, op.source_id,
                                          "create:" + crypto::Hex(crypto::Sha256(DumpJson(op.payload))).substr(0, 16));
          auto r = t_.gateway_.CreateWith(std::move(permit), st_.qops[i].qbo_entity, op.payload, rid);
          outcomes[from] = r.ok() ? Outcome{Status::Ok(), std::move(*r), true} : Outcome{r.status(), Json(), true};
          continue;
        }
        std::string key;
        std::vector<BatchOp> batch;
        for (size_t k = from; k < to; ++k) {
          const PlanOp& op = plan_.ops[ops[k]];
          // The batch's requestid covers what is sent, so a retried or replayed
          // batch is answered from QBO's memory while a changed one is executed.
          // The text is dumped once, for the id and as the item's body.
          std::string text = DumpJson(op.payload);
          key += op.entity + "/" + op.source_id + "/" + crypto::Hex(crypto::Sha256(text)) + "|";
          batch.push_back({"b" + std::to_string(k - from), "create", st_.qops[ops[k]].qbo_entity, Json(), "",
                           std::move(text)});
        }
        std::string rid = MakeRequestId(tenant, t_.gateway_.realm_id(), "batch", key, "create", kMaxBatchRequestIdLength);
        auto result = t_.gateway_.BatchWith(std::move(permit), batch, rid);
        if (!result.ok()) {
          for (size_t k = from; k < to; ++k) outcomes[k] = {result.status(), Json(), true};
          continue;
        }
        std::map<std::string, BatchResult*> by_bid;
        for (auto& r : *result) by_bid[r.bid] = &r;
        for (size_t k = from; k < to; ++k) {
          auto it = by_bid.find("b" + std::to_string(k - from));
          if (it == by_bid.end())
            outcomes[k] = {Status::Internal("batch response has no item b" + std::to_string(k - from)), Json(), true};
          else
            outcomes[k] = {it->second->status, std::move(it->second->entity), true};  // bIds are unique
        }
      }
    };
    const size_t in_flight = static_cast<size_t>(std::max(1, t_.gateway_.budget().limits().max_in_flight));
    const size_t n = std::min(in_flight, ops.size());
    if (n <= 1) {
      worker();
      return;
    }
    std::vector<std::thread> threads;
    for (size_t k = 0; k < n; ++k) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }

  void Updates(const std::vector<size_t>& ops) {
    for (size_t start = 0; start < ops.size() && !ctx_.Stopping(); start += 30) {
      std::vector<size_t> chunk(ops.begin() + start, ops.begin() + std::min(ops.size(), start + 30));
      std::vector<BatchOp> batch;
      std::string key;
      for (size_t k = 0; k < chunk.size(); ++k) {
        const PlanOp& op = plan_.ops[chunk[k]];
        std::string text = DumpJson(op.payload);
        key += op.entity + "/" + op.source_id + "/" + crypto::Hex(crypto::Sha256(text)) + "|";
        batch.push_back({"u" + std::to_string(k), "update", st_.qops[chunk[k]].qbo_entity, Json(), "", std::move(text)});
      }
      const auto& info = ctx_.run();
      auto result = t_.gateway_.Batch(
          batch, MakeRequestId(info.tenant_id, t_.gateway_.realm_id(), "batch", key, "update", kMaxBatchRequestIdLength));
      if (ctx_.Crash("after_write")) return;
      if (!result.ok()) {
        for (size_t i : chunk) Fail(i, result.status());
        continue;
      }
      std::map<std::string, const BatchResult*> by_bid;
      for (const auto& r : *result) by_bid[r.bid] = &r;
      for (size_t k = 0; k < chunk.size(); ++k) {
        size_t i = chunk[k];
        auto it = by_bid.find("u" + std::to_string(k));
        if (it == by_bid.end()) {
          Fail(i, Status::Internal("batch response has no item u" + std::to_string(k)));
        } else if (it->second->status.ok()) {
          Succeed(i, st_.qops[i].qbo_entity, it->second->entity, false);
        } else if (it->second->status.code() == "5010") {
          UpdateAgain(i);  // changed in QBO since we wrote it: re-read the SyncToken, retry once
        } else {
          Fail(i, Explain(i, it->second->status));
        }
      }
    }
  }

  // A failure that says what happened to the document in QBO.
  Status Explain(size_t i, const Status& s) {
    const PlanOp& op = plan_.ops[i];
    if (s.IsNotFound())
      return Status::NotFound(st_.qops[i].qbo_entity + " " + op.target_id +
                                  " no longer exists in QuickBooks (deleted there); remove its mapping or restore it",
                              "deleted_in_target");
    return s;
  }

  void UpdateAgain(size_t i) {
    PlanOp& op = plan_.ops[i];
    const QboOp& q = st_.qops[i];
    auto current = t_.gateway_.Read(q.qbo_entity, op.target_id);
    if (!current.ok()) {
      Fail(i, Explain(i, current.status()));
      return;
    }
    std::string token = Text(*current, "SyncToken");
    op.payload["SyncToken"] = token;
    const auto& info = ctx_.run();
    auto r = t_.gateway_.SparseUpdate(q.qbo_entity, op.payload,
                                      MakeRequestId(info.tenant_id, t_.gateway_.realm_id(), q.qbo_entity, op.source_id,
                                                    "update:" + token + ":" + op.fingerprint.substr(0, 12)));
    if (r.ok()) Succeed(i, q.qbo_entity, *r, false);
    else Fail(i, Explain(i, r.status()));
  }

  void Remove(size_t i) {
    const PlanOp& op = plan_.ops[i];
    const QboOp& q = st_.qops[i];
    const bool is_void = op.kind == OpKind::kVoid;
    const auto& info = ctx_.run();
    std::string token = q.sync_token;
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::string rid = MakeRequestId(info.tenant_id, t_.gateway_.realm_id(), q.qbo_entity, op.source_id,
                                      std::string(is_void ? "void:" : "delete:") + token);
      auto r = is_void ? t_.gateway_.Void(q.qbo_entity, op.target_id, token, rid)
                       : t_.gateway_.Delete(q.qbo_entity, op.target_id, token, rid);
      if (ctx_.Crash("after_write")) return;
      if (r.ok()) {
        Json e = *r;
        if (!e.contains("Id")) e["Id"] = op.target_id;
        Succeed(i, q.qbo_entity, e, false);
        return;
      }
      if (r.status().code() != "5010" || attempt > 0) {
        Fail(i, Explain(i, r.status()));
        return;
      }
      auto current = t_.gateway_.Read(q.qbo_entity, op.target_id);
      if (!current.ok()) {
        Fail(i, Explain(i, current.status()));
        return;
      }
      token = Text(*current, "SyncToken");
    }
  }

  QboTarget& t_;
  engine::Plan& plan_;
  PlanState& st_;
  engine::SyncContext& ctx_;
  std::map<std::string, std::string> resolved_;  // ref key → QBO Id written in this plan
};

Status QboTarget::Apply(engine::Plan& plan, engine::SyncContext& ctx) {
  if (!plan.state.has_value()) return Status::Ok();
  gateway_.set_lane(ctx.run().lane);
  Applier applier(*this, plan, ctx);
  return applier.Run();
}

}  // namespace es::qbo
