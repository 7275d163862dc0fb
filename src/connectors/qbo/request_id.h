// Deterministic QBO `requestid` values.
//
// QBO replays the original response when it sees a requestid again within a
// realm, so a write retried after a timeout or replayed after a crash must
// carry the same id. MakeRequestId derives the id from what identifies the
// write — tenant, realm, QBO entity, source record id and operation (e.g.
// "create", "update:3" with the SyncToken, "void") — so any process that
// repeats the same logical write computes the same id, and different writes
// never share one. Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace es::qbo {

// QBO's limits on the requestid parameter.
inline constexpr size_t kMaxRequestIdLength = 50;
inline constexpr size_t kMaxBatchRequestIdLength = 36;

// Lower-case hex of SHA-256 over a length-prefixed encoding of the five parts
// (so ("ab","c") and ("a","bc") differ), truncated to max_len characters
// (at most 64). Use max_len = kMaxBatchRequestIdLength for /batch.
std::string MakeRequestId(std::string_view tenant, std::string_view realm, std::string_view entity,
                          std::string_view source_id, std::string_view op,
                          size_t max_len = kMaxRequestIdLength);

}  // namespace es::qbo
