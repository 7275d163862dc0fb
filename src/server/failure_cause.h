// The cause of a failed record, for grouping the failed queue ("154 × …"):
// failures that differ only in ids, amounts or request ids share a cause.
#pragma once

#include <string>

#include "store/records.h"

namespace es::server {

// "<entity>|<category>|<code>|<message with every id-like word masked>": a
// word (a run of letters, digits, '_' and '-') that holds a digit becomes
// '#', so "order 201", "batch item 'b3'" and "intuit_tid
// 1-414caf96-e542…" vary no more than the cause does.
std::string FailureCauseKey(const store::FailedRecord& f);

}  // namespace es::server
