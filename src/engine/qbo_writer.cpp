#include "engine/qbo_writer.h"

#include <algorithm>
#include <deque>

#include "common/crypto.h"
#include "connectors/qbo/client.h"
#include "connectors/qbo/request_id.h"
#include "engine/qbo_gateway.h"

namespace es::engine {

std::string EntityId(const Json& entity) {
  auto it = entity.find("Id");
  if (it == entity.end()) return "";
  return ScalarText(*it);
}

namespace {
std::string SyncTokenOf(const Json& entity) {
  auto it = entity.find("SyncToken");
  return it == entity.end() ? "" : ScalarText(*it);
}
}  // namespace

QboWriter::QboWriter(FlowContext& ctx, Recorder& recorder) : ctx_(ctx), recorder_(recorder) {}

Result<std::optional<std::pair<std::string, Json>>> QboWriter::Lookup(const WriteRequest& w) {
  std::vector<std::string> entities = w.lookup_entities;
  if (entities.empty()) entities.push_back(w.qbo_entity);
  if (w.lookup_field.empty() || w.lookup_value.empty()) return std::optional<std::pair<std::string, Json>>();
  for (const auto& e : entities) {
    auto page = ctx_.endpoints.qbo->Query("SELECT * FROM " + e + " WHERE " + w.lookup_field + " = " +
                                          qbo::QuoteQueryString(w.lookup_value));
    if (!page.ok()) return page.status();
    if (!page->rows.empty()) return std::optional<std::pair<std::string, Json>>(std::make_pair(e, page->rows.front()));
  }
  return std::optional<std::pair<std::string, Json>>();
}

void QboWriter::Succeed(const WriteRequest& w, WriteOutcome& out, const std::string& type, const Json& entity,
                        bool linked) {
  out.status = Status::Ok();
  out.target_id = EntityId(entity);
  out.target_type = type;
  out.entity = entity;
  out.linked = linked;
  store::IdMapping m;
  m.tenant_id = ctx_.tenant_id;
  m.source_connection = ctx_.source_connection;
  m.target_connection = ctx_.target_connection;
  m.entity = w.entity;
  m.source_id = w.source_id;
  m.target_id = out.target_id;
  m.target_type = type;
  m.sync_token = SyncTokenOf(entity);
  m.fingerprint = w.fingerprint;
  m.updated_at_ms = ctx_.clock->NowMillis();
  Status s = ctx_.store->PutMapping(m);
  if (!s.ok()) {
    out.status = s.WithContext("recording the mapping");
    recorder_.Failed(w.entity, w.source_id, out.status);
    return;
  }
  if (ctx_.Crash("after_mapping")) return;
  (void)ctx_.store->ClearIntent(ctx_.tenant_id, ctx_.target_connection, w.entity, w.source_id);
  recorder_.Created(w.entity, w.source_id, type, out.target_id, linked ? "linked to existing record" : "");
}

std::vector<WriteOutcome> QboWriter::CreateAll(const std::vector<WriteRequest>& writes) {
  std::vector<WriteOutcome> outcomes(writes.size());
  if (ctx_.dry_run) {
    for (size_t i = 0; i < writes.size(); ++i) {
      outcomes[i].status = Status::Ok();
      outcomes[i].target_type = writes[i].qbo_entity;
      outcomes[i].target_id = "dry-run:" + writes[i].entity + ":" + writes[i].source_id;
      ctx_.dry_run_previews.push_back(
          {{"operation", "create"}, {"entity", writes[i].qbo_entity}, {"source_id", writes[i].source_id}, {"payload", writes[i].body}});
      recorder_.Created(writes[i].entity, writes[i].source_id, writes[i].qbo_entity, "");
    }
    return outcomes;
  }
  // 1. Records an interrupted run may already have written: look them up first.
  std::vector<const WriteRequest*> to_create;
  std::vector<WriteOutcome*> to_create_out;
  for (size_t i = 0; i < writes.size(); ++i) {
    const WriteRequest& w = writes[i];
    auto intent = ctx_.store->GetIntent(ctx_.tenant_id, ctx_.target_connection, w.entity, w.source_id);
    if (intent.ok() && intent->has_value()) {
      auto found = Lookup(w);
      if (!found.ok()) {
        outcomes[i].status = found.status();
        recorder_.Failed(w.entity, w.source_id, found.status().WithContext("looking up an earlier write"));
        continue;
      }
      if (found->has_value()) {
        Succeed(w, outcomes[i], (*found)->first, (*found)->second, true);
        continue;
      }
    }
    to_create.push_back(&w);
    to_create_out.push_back(&outcomes[i]);
  }
  // 2. Intents, then batches of 30.
  std::vector<std::pair<const WriteRequest*, WriteOutcome*>> renamed;
  for (size_t start = 0; start < to_create.size(); start += 30) {
    size_t end = std::min(to_create.size(), start + 30);
    std::vector<const WriteRequest*> chunk(to_create.begin() + start, to_create.begin() + end);
    std::vector<WriteOutcome*> outs(to_create_out.begin() + start, to_create_out.begin() + end);
    CreateChunk(chunk, outs, renamed);
    if (ctx_.Stopping()) break;
  }
  // 3. Items whose name belonged to a different item: once more under their fallback name.
  if (!renamed.empty()) {
    std::vector<const WriteRequest*> chunk;
    std::vector<WriteOutcome*> outs;
    std::vector<std::pair<const WriteRequest*, WriteOutcome*>> again;
    renamed_storage_.clear();
    renamed_storage_.reserve(renamed.size());
    for (auto& [w, out] : renamed) {
      WriteRequest copy = *w;
      copy.body["Name"] = w->fallback_name;
      copy.lookup_field = "Name";
      copy.lookup_value = w->fallback_name;
      copy.fallback_name.clear();
      renamed_storage_.push_back(std::move(copy));
      outs.push_back(out);
    }
    for (auto& w : renamed_storage_) chunk.push_back(&w);
    for (size_t start = 0; start < chunk.size(); start += 30) {
      size_t end = std::min(chunk.size(), start + 30);
      std::vector<const WriteRequest*> c(chunk.begin() + start, chunk.begin() + end);
      std::vector<WriteOutcome*> o(outs.begin() + start, outs.begin() + end);
      CreateChunk(c, o, again);
    }
    for (auto& [w, out] : again) {
      out->status = Status::Conflict("name '" + w->body.value("Name", std::string()) + "' is taken by another record", "6240");
      recorder_.Failed(w->entity, w->source_id, out->status);
    }
  }
  return outcomes;
}

void QboWriter::CreateChunk(const std::vector<const WriteRequest*>& chunk, std::vector<WriteOutcome*>& outs,
                            std::vector<std::pair<const WriteRequest*, WriteOutcome*>>& renamed) {
  std::string key;
  std::vector<qbo::BatchOp> ops;
  for (size_t i = 0; i < chunk.size(); ++i) {
    const WriteRequest& w = *chunk[i];
    store::WriteIntent intent;
    intent.tenant_id = ctx_.tenant_id;
    intent.target_connection = ctx_.target_connection;
    intent.entity = w.entity;
    intent.source_id = w.source_id;
    intent.lookup_key = w.lookup_value;
    intent.created_at_ms = ctx_.clock->NowMillis();
    (void)ctx_.store->PutIntent(intent);
    ops.push_back({"b" + std::to_string(i), "create", w.qbo_entity, w.body, ""});
    // The batch's requestid covers what is sent, so a retried or replayed
    // batch is answered from QBO's memory while a changed one (a renamed item)
    // is executed.
    key += w.entity + "/" + w.source_id + "/" + crypto::Hex(crypto::Sha256(DumpJson(w.body))) + "|";
  }
  if (ctx_.Crash("after_intent")) {
    for (auto* o : outs) o->status = Status::Internal("simulated crash");
    return;
  }
  std::string request_id =
      qbo::MakeRequestId(ctx_.tenant_id, ctx_.endpoints.qbo->realm_id(), "batch", key, "create", 36);
  auto result = ctx_.endpoints.qbo->Batch(ops, request_id);
  if (ctx_.Crash("after_write")) {
    for (auto* o : outs) o->status = Status::Internal("simulated crash");
    return;
  }
  if (!result.ok()) {
    for (size_t i = 0; i < chunk.size(); ++i) {
      outs[i]->status = result.status();
      recorder_.Failed(chunk[i]->entity, chunk[i]->source_id, result.status());
    }
    return;
  }
  std::map<std::string, const qbo::BatchResult*> by_bid;
  for (const auto& r : *result) by_bid[r.bid] = &r;
  for (size_t i = 0; i < chunk.size(); ++i) {
    const WriteRequest& w = *chunk[i];
    WriteOutcome& out = *outs[i];
    auto it = by_bid.find("b" + std::to_string(i));
    if (it == by_bid.end()) {
      out.status = Status::Internal("batch response has no item b" + std::to_string(i));
      recorder_.Failed(w.entity, w.source_id, out.status);
      continue;
    }
    const qbo::BatchResult& r = *it->second;
    if (r.status.ok()) {
      Succeed(w, out, w.qbo_entity, r.entity, false);
      if (ctx_.Crash("after_record")) return;
      continue;
    }
    if (r.status.code() == "6240") {
      // Duplicate name: the record may be ours from an earlier run, or another one.
      auto found = Lookup(w);
      if (found.ok() && found->has_value()) {
        const Json& e = (*found)->second;
        bool same = w.qbo_entity != "Item" || GetStringOr(e, "Sku") == GetStringOr(w.body, "Sku");
        if (same) {
          Succeed(w, out, (*found)->first, e, true);
          continue;
        }
      }
      if (!w.fallback_name.empty()) {
        renamed.emplace_back(&w, &out);
        continue;
      }
    }
    out.status = r.status;
    recorder_.Failed(w.entity, w.source_id, r.status);
  }
}

}  // namespace es::engine
