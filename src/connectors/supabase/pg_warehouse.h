// PgWarehouse: the direct (libpq) warehouse writer.
//
// Connects lazily through a small store::postgres::ConnectionPool (2
// connections) to config.url (password from config.password when set).
// Prepare() creates the schema and applies WarehouseMigrations() under a
// transaction-level advisory lock, one transaction per migration, recorded
// in <schema>.schema_migrations; in read_only mode it only checks the
// recorded version and that every table exists.
//
// Upsert() sends a batch as one statement (INSERT … SELECT FROM unnest of
// text arrays … ON CONFLICT (source, source_id) DO UPDATE … WHERE the stored
// content_hash differs, RETURNING (xmax = 0) to tell inserts from updates);
// batches of bulk_threshold rows and more go through BulkUpsert(): per
// partition (bulk_parallelism connections at once) one transaction that
// COPYs keys + hashes into a temporary table to find new and changed rows,
// COPYs only those into a second temporary table and merges them with one
// INSERT … ON CONFLICT … DO UPDATE … WHERE hash differs. Rows are COPYed in
// PostgreSQL's binary format when config.binary_copy and every value has a
// binary form (copy_binary.h), else as text. A first load (the
// table is empty) skips all that: one transaction locks the table, checks it
// is still empty, drops its primary key and secondary indexes, COPYs the
// rows straight into it and builds them again after the load (keys are
// unique after deduplication; readers of that table wait
// for the load; a failure rolls everything back, indexes included). A batch
// refused for a row-level reason (SQLSTATE class 22 or 23) is re-run row by
// row so only the offending rows fail. Network errors are retried up to
// max_attempts with doubling waits (the pool also reconnects and re-runs a
// call once when its connection broke). Not thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "connectors/supabase/warehouse.h"
#include "store/postgres/pg_pool.h"

namespace es::supabase {

class PgWarehouse final : public WarehouseWriter {
 public:
  PgWarehouse(WarehouseConfig config, Clock& clock);
  ~PgWarehouse() override;

  Status Prepare() override;
  Result<UpsertResult> Upsert(Table table, const std::vector<Row>& rows) override;
  Result<int64_t> DeleteStale(Table table, const std::string& source, const std::string& parent_column,
                              const std::vector<std::string>& parent_ids,
                              const std::vector<std::string>& keep_ids) override;
  Result<int64_t> CountRows(Table table, const std::string& source) override;
  Status Ping() override;
  std::string_view mode() const override { return "direct"; }

  // The two paths Upsert chooses between, callable directly (tests, bench).
  Result<UpsertResult> BatchUpsert(Table table, const std::vector<Row>& rows);
  Result<UpsertResult> BulkUpsert(Table table, const std::vector<Row>& rows);

  // Highest applied warehouse migration; 0 when none.
  Result<int> SchemaVersion();
  // Connections re-established after they broke (pool statistic).
  int64_t reconnects() const;
  // Row COPYs sent in binary format so far (statistic; the rest went as text).
  int64_t binary_copies() const { return binary_copies_; }
  const std::string& quoted_schema() const { return schema_; }

 // Deduplicated rows of one call (defined in pg_warehouse_internal.h).
  struct Batch;

 private:
  Status EnsurePool();
  // EnsurePool with retries; a failure as ConnectFailure says it.
  Status Connect();
  Status Retrying(const std::string& what, const std::function<Status()>& body);
  Status CheckTables(store::postgres::PgSession& s);
  Status Migrate();
  Status CheckReadOnly();
  Status RunBatch(Table table, const Batch& batch, const std::vector<size_t>& which, UpsertResult* out);
  Status RunBulk(Table table, const Batch& batch, const std::vector<size_t>& which, UpsertResult* out);
  // The first-load path (see above); false, with nothing changed, when the table is not empty.
  Result<bool> RunFirstLoad(Table table, const Batch& batch, UpsertResult* out);
  void RowByRow(Table table, const Batch& batch, const std::vector<size_t>& which, UpsertResult* out,
                Status* fatal);
  Status Translate(Table table, const Status& s) const;
  const std::string& UpsertSql(Table table);
  std::string MergeSql(Table table, const std::string& from_sql) const;

  const WarehouseConfig config_;
  Clock& clock_;
  const std::string schema_;  // quoted
  std::string url_;           // with the password parameter when configured
  std::unique_ptr<store::postgres::ConnectionPool> pool_;
  bool prepared_ = false;
  std::map<Table, std::string> upsert_sql_;
  std::atomic<int64_t> binary_copies_{0};
};

// A failed connection to the warehouse (`s`: the pool's "cannot connect to
// PostgreSQL at user@host:port/db: …", after `attempts` tries) as one line
// that says what to check: "warehouse unreachable: PostgreSQL at … (connection
// refused; 4 attempts) — check the connection's url and that the database
// server is running" (Network), "warehouse login refused by … — check the user
// in the connection's url and the password in its secret" (Authentication,
// also for an unknown role), or a missing database (Validation, pg:3D000).
Status ConnectFailure(const Status& s, int attempts);

// True for statuses whose SQLSTATE blames the row's data (classes 22, 23)
// or a value PostgreSQL text cannot carry.
bool IsRowLevelError(const Status& s);

}  // namespace es::supabase
