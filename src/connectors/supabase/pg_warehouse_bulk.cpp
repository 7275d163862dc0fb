// The COPY paths of PgWarehouse: the first load into an empty table and the
// keys-then-changed-rows merge (see pg_warehouse.h). Rows go in PostgreSQL's
// binary COPY format when every value has a binary form here
// (copy_binary.h; config.binary_copy), else as text COPY.
#include <algorithm>
#include <thread>

#include "connectors/supabase/copy_binary.h"
#include "connectors/supabase/pg_warehouse_internal.h"
#include "connectors/supabase/rows.h"

namespace es::supabase {

using store::postgres::CallKind;
using store::postgres::Params;
using store::postgres::PgResult;
using store::postgres::PgSession;

namespace {

// Streams the data `next` appends (COPY text or binary) into `copy_sql` (… FROM STDIN).
Status CopyIn(PGconn* conn, const std::string& copy_sql, const std::function<bool(std::string*)>& next,
              const store::postgres::SecretScrubber& scrub) {
  PGresult* started = PQexec(conn, copy_sql.c_str());
  if (PQresultStatus(started) != PGRES_COPY_IN) {
    Status e = store::postgres::ErrorFromResult(started, conn, scrub);
    PQclear(started);
    return e;
  }
  PQclear(started);
  std::string buf;
  buf.reserve(kCopyChunkBytes + 64 * 1024);
  bool send_failed = false, more = true;
  while (more && !send_failed) {
    more = next(&buf);
    if (buf.size() >= kCopyChunkBytes || (!more && !buf.empty())) {
      if (PQputCopyData(conn, buf.data(), static_cast<int>(buf.size())) != 1) send_failed = true;
      buf.clear();
    }
  }
  if (PQputCopyEnd(conn, send_failed ? "client failed to send data" : nullptr) != 1) send_failed = true;
  Status copied;
  while (PGresult* r = PQgetResult(conn)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && copied.ok()) copied = store::postgres::ErrorFromResult(r, conn, scrub);
    PQclear(r);
  }
  if (!copied.ok()) return copied;
  if (send_failed) return store::postgres::ErrorFromResult(nullptr, conn, scrub);
  return Status::Ok();
}

// Whether every row of `which` has a binary COPY form (all columns + hash).
bool AllBinary(const TableSpec& spec, const PgWarehouse::Batch& b, const std::vector<size_t>& which) {
  std::string scratch;
  for (size_t idx : which) {
    scratch.clear();
    const std::string_view hash[1] = {b.hashes[idx]};
    if (!AppendBinaryRow(&scratch, spec.columns, (*b.rows)[idx].values, hash)) return false;
  }
  return true;
}

// Feeds CopyIn with rows `which` of the batch (every column, then
// content_hash), binary or text, appending to the caller's buffer: no
// allocation per row.
class RowFeed {
 public:
  RowFeed(const TableSpec& spec, const PgWarehouse::Batch& b, const std::vector<size_t>& which, bool binary)
      : spec_(spec), b_(b), which_(which), binary_(binary) {}
  bool operator()(std::string* buf) {
    if (binary_ && k_ == 0) AppendBinaryCopyHeader(buf);
    if (k_ < which_.size()) {
      const size_t idx = which_[k_];
      const Row& row = (*b_.rows)[idx];
      if (binary_) {
        const std::string_view hash[1] = {b_.hashes[idx]};
        (void)AppendBinaryRow(buf, spec_.columns, row.values, hash);  // checked by AllBinary
      } else {
        for (const auto& v : row.values) {
          AppendCopyValue(buf, v);
          buf->push_back('\t');
        }
        *buf += b_.hashes[idx];
        buf->push_back('\n');
      }
      ++k_;
    }
    if (k_ < which_.size()) return true;
    if (binary_) AppendBinaryCopyTrailer(buf);
    return false;
  }

 private:
  const TableSpec& spec_;
  const PgWarehouse::Batch& b_;
  const std::vector<size_t>& which_;
  const bool binary_;
  size_t k_ = 0;
};

}  // namespace

// One transaction: (1) COPY the keys and content hashes of `which` into a
// temporary table and find the rows that are new or differ; (2) COPY only
// those rows into a second temporary table and merge them with one
// INSERT … ON CONFLICT … DO UPDATE … WHERE the hash differs. Re-runs of
// unchanged data stop after step 1 and never parse their raw JSON.
Status PgWarehouse::RunBulk(Table table, const Batch& batch, const std::vector<size_t>& which, UpsertResult* out) {
  const TableSpec& spec = Spec(table);
  const std::string target = schema_ + "." + QuoteIdent(spec.name);
  const std::string keys = "es_keys_" + spec.name, stage = "es_stage_" + spec.name;
  std::string cols;
  for (const auto& c : spec.columns) cols += QuoteIdent(c.name) + ", ";
  cols += "content_hash";
  const std::string create_keys = "CREATE TEMP TABLE " + keys +
                                  " (ord integer, source text, source_id text, content_hash text) ON COMMIT DROP";
  const std::string changed_sql = "SELECT k.ord FROM " + keys + " k LEFT JOIN " + target +
                                  " t ON t.source = k.source AND t.source_id = k.source_id "
                                  "WHERE t.content_hash IS DISTINCT FROM k.content_hash ORDER BY k.ord";
  const std::string create_stage =
      "CREATE TEMP TABLE " + stage + " ON COMMIT DROP AS SELECT " + cols + " FROM " + target + " WITH NO DATA";
  const std::string merge = MergeSql(table, "SELECT " + cols + ", now() FROM " + stage);
  const auto& scrub = pool_->scrubber();
  return pool_->Run(CallKind::kTransaction, "warehouse bulk upsert " + spec.name, [&](PgSession& s) -> Status {
    for (size_t idx : which) out->outcomes[idx] = {};
    ES_RETURN_IF_ERROR(s.Script(create_keys.c_str()));
    size_t k = 0;
    ES_RETURN_IF_ERROR(CopyIn(s.conn(), "COPY " + keys + " FROM STDIN", [&](std::string* buf) {
      if (k >= which.size()) return false;
      const size_t idx = which[k];
      const Row& row = (*batch.rows)[idx];
      *buf += std::to_string(k);
      buf->push_back('\t');
      AppendCopyValue(buf, row.values[0]);
      buf->push_back('\t');
      AppendCopyValue(buf, row.values[1]);
      buf->push_back('\t');
      *buf += batch.hashes[idx];
      buf->push_back('\n');
      return ++k < which.size();
    }, scrub));
    ES_ASSIGN_OR_RETURN(PgResult changed, s.Exec(changed_sql));
    if (changed.rows() == 0) return Status::Ok();
    std::vector<size_t> todo;
    todo.reserve(static_cast<size_t>(changed.rows()));
    for (int i = 0; i < changed.rows(); ++i) todo.push_back(which[static_cast<size_t>(changed.Int(i, 0))]);
    ES_RETURN_IF_ERROR(s.Script(create_stage.c_str()));
    const bool binary = config_.binary_copy && AllBinary(spec, batch, todo);
    if (binary) ++binary_copies_;
    ES_RETURN_IF_ERROR(CopyIn(s.conn(),
                              "COPY " + stage + " (" + cols + ") FROM STDIN" + (binary ? " WITH (FORMAT binary)" : ""),
                              RowFeed(spec, batch, todo, binary), scrub));
    ES_ASSIGN_OR_RETURN(PgResult merged, s.Exec(merge));
    ApplyReturned(merged, batch.by_key, out);
    return Status::Ok();
  });
}

Result<bool> PgWarehouse::RunFirstLoad(Table table, const Batch& batch, UpsertResult* out) {
  const TableSpec& spec = Spec(table);
  const std::string target = schema_ + "." + QuoteIdent(spec.name);
  const std::string any_row = "SELECT EXISTS (SELECT 1 FROM " + target + ")";
  bool empty = false;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "warehouse first-load check", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(any_row));
    empty = r.rows() == 1 && !r.Bool(0, 0);
    return Status::Ok();
  }));
  if (!empty) return false;
  std::string cols;
  for (const auto& c : spec.columns) cols += QuoteIdent(c.name) + ", ";
  cols += "content_hash";
  // The primary key and the secondary (non-unique) indexes: built again after
  // the load, each in one sorted pass instead of one insertion per row.
  const std::string primary =
      "SELECT quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint "
      "WHERE conrelid = $1::regclass AND contype = 'p'";
  const std::string secondary =
      "SELECT pg_get_indexdef(i.indexrelid), quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
      "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE i.indrelid = $1::regclass AND NOT i.indisprimary AND NOT i.indisunique";
  const auto& scrub = pool_->scrubber();
  const bool binary = config_.binary_copy && AllBinary(spec, batch, batch.unique);
  if (binary) ++binary_copies_;
  bool loaded = false;
  const std::string what = "warehouse first load " + spec.name;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kTransaction, what, [&](PgSession& s) -> Status {
    loaded = false;
    ES_RETURN_IF_ERROR(s.Script(("LOCK TABLE " + target + " IN ACCESS EXCLUSIVE MODE").c_str()));
    ES_ASSIGN_OR_RETURN(PgResult again, s.Exec(any_row));
    if (again.rows() != 1 || again.Bool(0, 0)) return Status::Ok();  // someone else loaded it meanwhile
    ES_ASSIGN_OR_RETURN(PgResult indexes, s.Exec(secondary, Params().Text(target)));
    ES_ASSIGN_OR_RETURN(PgResult pk, s.Exec(primary, Params().Text(target)));
    std::vector<std::string> rebuild;
    for (int i = 0; i < indexes.rows(); ++i) {
      rebuild.push_back(indexes.Text(i, 0));
      ES_RETURN_IF_ERROR(s.Script(("DROP INDEX " + indexes.Text(i, 1)).c_str()));
    }
    for (int i = 0; i < pk.rows(); ++i) {
      ES_RETURN_IF_ERROR(s.Script(("ALTER TABLE " + target + " DROP CONSTRAINT " + pk.Text(i, 0)).c_str()));
      rebuild.insert(rebuild.begin(),
                     "ALTER TABLE " + target + " ADD CONSTRAINT " + pk.Text(i, 0) + " " + pk.Text(i, 1));
    }
    ES_RETURN_IF_ERROR(CopyIn(s.conn(),
                              "COPY " + target + " (" + cols + ") FROM STDIN" + (binary ? " WITH (FORMAT binary)" : ""),
                              RowFeed(spec, batch, batch.unique, binary), scrub));
    ES_RETURN_IF_ERROR(s.Script("SET LOCAL maintenance_work_mem = '256MB'"));
    for (const std::string& def : rebuild) ES_RETURN_IF_ERROR(s.Script(def.c_str()));
    loaded = true;
    return Status::Ok();
  }));
  if (!loaded) return false;
  for (size_t idx : batch.unique) out->outcomes[idx].kind = RowOutcome::Kind::kInserted;
  return true;
}

Result<UpsertResult> PgWarehouse::BulkUpsert(Table table, const std::vector<Row>& rows) {
  ES_RETURN_IF_ERROR(Prepare());
  UpsertResult out;
  out.outcomes.resize(rows.size());
  out.bulk = true;
  if (rows.empty()) return out;
  Batch b;
  b.rows = &rows;
  ES_RETURN_IF_ERROR(FillBatch(table, rows, &b.unique, &b.hashes, &b.by_key, &Batch::Key));
  if (b.unique.size() >= kMinFirstLoadRows) {
    bool first = false;
    Status fs = Retrying("warehouse first load", [&] {
      ES_ASSIGN_OR_RETURN(first, RunFirstLoad(table, b, &out));
      return Status::Ok();
    });
    if (!fs.ok() && !IsRowLevelError(fs)) return Translate(table, fs);
    if (fs.ok() && first) {
      Tally(&out);
      return out;
    }
    // Not empty, or a row refused (the load rolled back): the merge path below.
  }
  // Partitions by key go through their own connections at once (keys are
  // unique after deduplication, so the partitions never touch one row).
  const size_t parts = b.unique.size() >= kMinRowsPerPartition * 2
                           ? static_cast<size_t>(std::max(1, config_.bulk_parallelism))
                           : 1;
  std::vector<std::vector<size_t>> partition(parts);
  // Contiguous ranges: each partition's keys stay together in the indexes.
  for (size_t k = 0; k < b.unique.size(); ++k) partition[k * parts / b.unique.size()].push_back(b.unique[k]);
  std::vector<Status> results(parts);
  {
    std::vector<std::thread> workers;
    for (size_t p = 1; p < parts; ++p)
      workers.emplace_back([&, p] {
        results[p] = Retrying("warehouse bulk upsert", [&] { return RunBulk(table, b, partition[p], &out); });
      });
    results[0] = Retrying("warehouse bulk upsert", [&] { return RunBulk(table, b, partition[0], &out); });
    for (auto& w : workers) w.join();
  }
  Status s;
  for (const Status& r : results)
    if (!r.ok() && (s.ok() || (IsRowLevelError(s) && !IsRowLevelError(r)))) s = r;
  if (!s.ok()) {
    if (!IsRowLevelError(s)) return Translate(table, s);
    // Some row is refused: find it through the batch path, chunk by chunk.
    for (size_t start = 0; start < b.unique.size(); start += kBulkFallbackChunk) {
      std::vector<size_t> chunk(b.unique.begin() + static_cast<std::ptrdiff_t>(start),
                                b.unique.begin() + static_cast<std::ptrdiff_t>(std::min(start + kBulkFallbackChunk,
                                                                                        b.unique.size())));
      Status cs = Retrying("warehouse upsert", [&] { return RunBatch(table, b, chunk, &out); });
      if (cs.ok()) continue;
      if (!IsRowLevelError(cs)) return Translate(table, cs);
      Status fatal;
      RowByRow(table, b, chunk, &out, &fatal);
      if (!fatal.ok()) return fatal;
    }
  }
  Tally(&out);
  return out;
}

}  // namespace es::supabase
