// QboWriter: creates QBO records exactly once.
//
// For each record without a mapping it (1) looks the record up in QBO when a
// write intent was left by an interrupted run, (2) records a write intent,
// (3) creates records in batches of up to 30 with a requestid derived from
// the batch content (a batch replayed after a crash returns QBO's original
// answer instead of creating again), (4) records the mapping and clears the
// intent. A duplicate name (6240) links to the existing record when it is the
// same one (same Sku for items) and otherwise retries under a distinct name.
// Per-record failures are returned, never thrown; in a dry run nothing is
// written anywhere.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "engine/flow.h"
#include "engine/recorder.h"

namespace es::engine {

struct WriteRequest {
  std::string entity;      // id-map entity: "customer", "item", "order", "payment", "refund"
  std::string source_id;
  std::string qbo_entity;  // "Customer", "Item", "Invoice", …
  Json body;
  // How to find the record in QBO if an earlier run may have created it.
  std::string lookup_field;  // "DisplayName", "Sku", "DocNumber", "Name"
  std::string lookup_value;
  std::vector<std::string> lookup_entities;  // defaults to {qbo_entity}
  std::string fingerprint;
  // For items: the alternative name to use when the name is taken by another item.
  std::string fallback_name;
};

struct WriteOutcome {
  Status status = Status::Internal("not written");
  std::string target_id;
  std::string target_type;
  Json entity;         // the QBO object as created or found
  bool linked = false; // found an existing record instead of creating
};

class QboWriter {
 public:
  QboWriter(FlowContext& ctx, Recorder& recorder);
  // Outcomes are in the order of `writes`. Records mappings, counts and failures.
  std::vector<WriteOutcome> CreateAll(const std::vector<WriteRequest>& writes);

 private:
  Result<std::optional<std::pair<std::string, Json>>> Lookup(const WriteRequest& w);
  void Succeed(const WriteRequest& w, WriteOutcome& out, const std::string& type, const Json& entity, bool linked);
  void CreateChunk(const std::vector<const WriteRequest*>& chunk, std::vector<WriteOutcome*>& outs,
                   std::vector<std::pair<const WriteRequest*, WriteOutcome*>>& renamed);

  FlowContext& ctx_;
  Recorder& recorder_;
  std::vector<WriteRequest> renamed_storage_;
};

// The text of a QBO entity's Id ("" when absent).
std::string EntityId(const Json& entity);

}  // namespace es::engine
