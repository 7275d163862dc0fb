// Per-record bookkeeping for a flow: counts, record results (flushed to the
// store in batches) and the failed-record queue. One Recorder per flow run;
// not thread-safe (a flow processes its records on one thread).
#pragma once

#include <string>
#include <vector>

#include "engine/flow.h"

namespace es::engine {

class Recorder {
 public:
  explicit Recorder(FlowContext& ctx) : ctx_(ctx) {}
  ~Recorder() { (void)Flush(); }

  void Fetched(const std::string& entity, int64_t n = 1) { ctx_.counts[entity].fetched += n; }
  void Created(const std::string& entity, const std::string& source_id, const std::string& target_type,
               const std::string& target_id, const std::string& note = {});
  void Updated(const std::string& entity, const std::string& source_id, const std::string& target_id,
               const std::string& note = {});
  void Skipped(const std::string& entity, const std::string& source_id, const std::string& why);
  // Counts the failure, queues it in failed_records and logs the reason.
  void Failed(const std::string& entity, const std::string& source_id, const Status& status);
  // A record that succeeded after earlier failures leaves the failed queue.
  void ClearFailure(const std::string& entity, const std::string& source_id);
  Status Flush();

 private:
  void Add(const std::string& entity, const std::string& source_id, const std::string& action,
           const std::string& target_id, const std::string& message);

  FlowContext& ctx_;
  std::vector<store::RecordResult> pending_;
};

}  // namespace es::engine
