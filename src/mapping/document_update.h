// Updating a booked QBO document and telling whether it needs an update.
// Pure functions on encoded bodies (qbo::Encode* output).
#pragma once

#include <string>

#include "common/json.h"

namespace es::mapping {

// The body of a sparse update that makes an existing document (Id `id`,
// SyncToken `sync_token`) carry what `full_create_body` would create:
// `{"sparse": true, "Id", "SyncToken", …fields}`. The `Line` array is sent
// whole with line Ids and QBO's SubTotalLineDetail lines removed, so QBO
// drops every old line and adds the new ones (the lines are replaced as a
// whole). Fields QBO sets itself or does not let an update change are
// dropped: domain, MetaData, TotalAmt, Balance, HomeTotalAmt, HomeBalance,
// RemainingCredit, UnappliedAmt, LinkedTxn (top level) and CurrencyRef.
// Fields absent from `full_create_body` keep their QBO value (sparse).
// A non-object body yields just the three control fields.
Json SparseUpdateBody(const Json& full_create_body, const std::string& id, const std::string& sync_token);

// A stable content hash (32 lower-case hex characters) of what a body would
// send: independent of key order and of how numbers are written (9, 9.0 and
// 9.00 hash alike). Id, SyncToken, sparse, domain and MetaData at the top
// level and line Ids are left out, so a create body and the sparse update
// built from it hash alike. Used to tell whether an order changed since its
// document was booked.
std::string DocumentFingerprint(const Json& encoded_body);

}  // namespace es::mapping
