// The Supabase / PostgreSQL warehouse (SPEC F4): the writer interface the
// woo → supabase flows use, and the row and result types it speaks.
//
// A Row is one record of one warehouse table (schema.h lists the tables and
// their columns): parsed values as text in the table's column order (NULL
// = std::nullopt) with the record's raw source JSON in the `raw` column.
// Money and quantities travel as exact decimal text (es::Decimal / Money
// rendering), never as binary floating point. Every table is keyed by
// (source, source_id); writing a row whose content hash equals the stored
// one changes nothing and reports kUnchanged.
//
// Two implementations (OpenWarehouse picks by config mode):
//   direct  libpq: per-batch upsert (unnest arrays), or for batches of
//           `bulk_threshold` rows and more COPY into a temporary table and one
//           merge statement; migrations applied unless read_only.
//   rest    the Supabase REST (PostgREST) protocol: reads the stored hashes
//           of a batch, then POSTs only new and changed rows with
//           Prefer: resolution=merge-duplicates; never changes the schema.
//
// Failure model: a row the database refuses (constraint, bad value) fails
// alone, with the reason, in its RowOutcome; the batch goes on. Whole-batch
// failures (authentication, missing table, the server unreachable after
// retries) are returned as the Status of the call. Connection losses are
// retried (reconnect + rerun the batch; the upsert is idempotent).
// Statuses never contain the password or the service key.
//
// Thread-safety: a writer is used by one flow at a time (not thread-safe).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "connectors/supabase/schema.h"
#include "http/transport.h"

namespace es::supabase {

struct Row {
  Table table = Table::kCustomers;
  // One value per column of Spec(table).columns, in that order.
  std::vector<std::optional<std::string>> values;

  const std::string& source() const;
  const std::string& source_id() const;
};

struct RowOutcome {
  enum class Kind { kInserted, kUpdated, kUnchanged, kFailed };
  Kind kind = Kind::kUnchanged;
  Status error;  // kFailed only: why the database refused the row
};

struct UpsertResult {
  std::vector<RowOutcome> outcomes;  // same order as the input rows
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t failed = 0;
  bool bulk = false;  // went through COPY + merge
  int64_t changed() const { return inserted + updated; }
};

struct WarehouseConfig {
  std::string mode = "direct";   // "direct" | "rest"
  std::string url;               // direct: postgres://… (password may also come from `password`)
  std::string password;          // direct: overrides the URL's password when set
  std::string rest_url;          // rest: project URL, e.g. https://<ref>.supabase.co
  std::string service_key;       // rest: secret key (sb_secret_…) or service_role JWT
  std::string schema = "warehouse";
  bool read_only = false;        // never apply migrations; only check the schema
  int bulk_threshold = 1000;     // direct: batches of this many rows or more use COPY + merge
  int bulk_parallelism = 2;      // direct: connections a large bulk batch is split over
  bool binary_copy = true;       // direct: bulk rows in binary COPY format (text when false or not encodable)
  int rest_batch_rows = 500;     // rest: rows per POST
  int max_attempts = 4;          // per batch, on connection/network errors
  int64_t retry_initial_ms = 200;

  // From a connection's config JSON and secret JSON (see docs/formats/warehouse.md).
  // Errors name the connection and the field, never a secret.
  static Result<WarehouseConfig> FromJson(const Json& config, const Json& secret, const std::string& connection_id);
};

class WarehouseWriter {
 public:
  virtual ~WarehouseWriter() = default;

  // Makes the warehouse ready: applies pending migrations (direct, not
  // read_only) or checks that the schema version and every table are there.
  // Idempotent and cheap after the first success.
  virtual Status Prepare() = 0;

  // Upserts `rows` (all of one table) on (source, source_id). A source id
  // given twice counts once (the last one wins; the earlier ones report
  // kUnchanged).
  virtual Result<UpsertResult> Upsert(Table table, const std::vector<Row>& rows) = 0;

  // Deletes the rows of `table` from `source` whose `parent_column` is one
  // of `parent_ids` and whose source_id is not in `keep_ids` (e.g. order
  // lines that disappeared from their order). Returns the number deleted.
  virtual Result<int64_t> DeleteStale(Table table, const std::string& source, const std::string& parent_column,
                                      const std::vector<std::string>& parent_ids,
                                      const std::vector<std::string>& keep_ids) = 0;

  // Rows of `table` from `source` (all sources when empty).
  virtual Result<int64_t> CountRows(Table table, const std::string& source) = 0;

  // Cheap authenticated round trip, for "test connection".
  virtual Status Ping() = 0;

  virtual std::string_view mode() const = 0;
};

// Builds the writer for `config`. Does not connect (Prepare/Ping/Upsert do).
// `transport` (rest mode) and `clock` must outlive the writer.
Result<std::unique_ptr<WarehouseWriter>> OpenWarehouse(const WarehouseConfig& config, http::Transport& transport,
                                                       Clock& clock);

// Content hash of a row: hex SHA-256 over its table and values.
std::string ContentHash(const Row& row);

// Splits the password out of a postgres://user:password@host/db URL, so
// that the URL can be stored as (non-secret) config and the password as a
// credential: returns {URL without the password, percent-decoded password}
// ("" when the URL has none).
std::pair<std::string, std::string> SplitPostgresPassword(const std::string& url);

}  // namespace es::supabase
