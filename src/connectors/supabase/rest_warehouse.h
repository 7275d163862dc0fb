// RestWarehouse: the warehouse writer over the Supabase REST API (PostgREST).
//
// Requests go to {rest_url}/rest/v1/<table> with `apikey: <key>` and, for a
// legacy service_role JWT, `Authorization: Bearer <key>` (a secret key
// "sb_secret_…" is sent as apikey only, as Supabase requires), a
// non-browser User-Agent, and Accept-Profile / Content-Profile naming the
// warehouse schema unless it is "public".
//
// Upsert(): reads the stored content hashes of the batch (GET
// ?select=source_id,content_hash&source=eq.S&source_id=in.(…)), then POSTs
// only new and changed rows, rest_batch_rows per request, with
// ?on_conflict=source,source_id and Prefer: resolution=merge-duplicates,
// return=minimal. A POST refused for a row-level reason (SQLSTATE class 22
// or 23) is re-sent row by row so that only the offending rows fail.
// Transport errors, 5xx, 429 (Retry-After honoured) and PGRST000–003 are
// retried up to max_attempts with doubling waits. The REST API cannot run
// DDL: Prepare() only checks the schema version and the tables (apply the
// migrations with mode direct or the SQL files). Not thread-safe.
#pragma once

#include <string>

#include "connectors/supabase/warehouse.h"

namespace es::supabase {

class RestWarehouse final : public WarehouseWriter {
 public:
  RestWarehouse(WarehouseConfig config, http::Transport& transport, Clock& clock);

  Status Prepare() override;
  Result<UpsertResult> Upsert(Table table, const std::vector<Row>& rows) override;
  Result<int64_t> DeleteStale(Table table, const std::string& source, const std::string& parent_column,
                              const std::vector<std::string>& parent_ids,
                              const std::vector<std::string>& keep_ids) override;
  Result<int64_t> CountRows(Table table, const std::string& source) override;
  Status Ping() override;
  std::string_view mode() const override { return "rest"; }

  int64_t requests_sent() const { return requests_; }

 private:
  // Sends with the auth headers; retries retryable failures. A non-2xx
  // answer becomes a Status via StatusFromRestError(…, table).
  Result<http::Response> Send(const std::string& method, const std::string& table, const std::string& query,
                              const std::string& body, const std::string& prefer);
  Result<std::string> RowJson(const Row& row, const std::string& hash, const std::string& synced_at) const;
  Status PostRows(Table table, const std::vector<std::string>& objects);

  const WarehouseConfig config_;
  http::Transport& transport_;
  Clock& clock_;
  std::string base_;  // {rest_url}/rest/v1/
  bool prepared_ = false;
  int64_t requests_ = 0;
};

}  // namespace es::supabase
