// Shared by the PgWarehouse translation units (pg_warehouse.cpp: set-up,
// the per-page path, deletes; pg_warehouse_bulk.cpp: the COPY paths). Not a
// public interface.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "connectors/supabase/pg_warehouse.h"

namespace es::supabase {

inline constexpr size_t kCopyChunkBytes = 1 << 20;
inline constexpr size_t kBulkFallbackChunk = 500;
inline constexpr size_t kMinRowsPerPartition = 5000;
// Batches from this size into an empty table take the first-load path.
inline constexpr size_t kMinFirstLoadRows = 1000;

struct PgWarehouse::Batch {
  const std::vector<Row>* rows = nullptr;
  std::vector<size_t> unique;       // last occurrence of each key, input order
  std::vector<std::string> hashes;  // by input index (filled for `unique`)
  std::unordered_map<std::string, size_t> by_key;

  static std::string Key(const std::string& source, const std::string& source_id) {
    std::string k = source;
    k += '\x1f';
    k += source_id;
    return k;
  }
};

// Checks that every row belongs to `table`; fills the last occurrence of
// each key (input order), its content hash and the key → index map.
Status FillBatch(Table table, const std::vector<Row>& rows, std::vector<size_t>* unique,
                 std::vector<std::string>* hashes, std::unordered_map<std::string, size_t>* by_key,
                 std::string (*key)(const std::string&, const std::string&));
// Marks the rows a merge returned (source, source_id, inserted) inserted or
// updated; the others stay unchanged.
void ApplyReturned(const store::postgres::PgResult& r, const std::unordered_map<std::string, size_t>& by_key,
                   UpsertResult* out);
// Counts the outcomes into inserted/updated/unchanged/failed.
void Tally(UpsertResult* out);

}  // namespace es::supabase
