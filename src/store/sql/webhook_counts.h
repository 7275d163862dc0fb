// The per-status counters of the webhook delivery queue (migration
// 0013_safety_nets), shared by sql_store_webhooks.cpp and
// sql_store_safety.cpp. Internal to the SQL store.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "common/status.h"
#include "store/sql/executor.h"

namespace es::store::sql {

// (tenant, status) → change of its counter.
using WebhookCountDeltas = std::map<std::pair<std::string, std::string>, int64_t>;

// Applies the non-zero deltas in key order (every writer takes the counter
// rows in the same order, so two transactions never wait on each other in
// a cycle). Call inside the transaction that moved the rows.
Status ApplyWebhookCountDeltas(Session& s, const WebhookCountDeltas& deltas);

// The claim UPDATE for a comma-separated list of seqs; $1 = lease_until_ms.
std::string ClaimWebhooksSql(const std::string& seqs);

}  // namespace es::store::sql
