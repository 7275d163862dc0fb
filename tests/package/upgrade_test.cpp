// Upgrade: a state store written by the previous release (its migrations and
// its data, checked in as an SQL dump of a real store) opened by this build.
// Opening migrates it forward; every row of every table must still be there
// with the same values, and the store must read it through its own API.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "store/factory/open_store.h"

namespace es {
namespace {

using Rows = std::vector<std::string>;  // one text line per row, columns joined

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Db {
 public:
  explicit Db(const std::string& path) { sqlite3_open(path.c_str(), &db_); }
  ~Db() { sqlite3_close(db_); }
  bool Exec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (err != nullptr) {
      ADD_FAILURE() << err;
      sqlite3_free(err);
    }
    return rc == SQLITE_OK;
  }
  std::vector<std::vector<std::string>> Query(const std::string& sql) {
    std::vector<std::vector<std::string>> out;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sqlite3_errmsg(db_) << " in " << sql;
      return out;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const unsigned char* t = sqlite3_column_text(st, i);
        row.push_back(t == nullptr ? "<null>" : reinterpret_cast<const char*>(t));
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return out;
  }
  // Every table and its columns (the fixture's, so later migrations may add columns).
  std::map<std::string, std::vector<std::string>> Tables() {
    std::map<std::string, std::vector<std::string>> out;
    for (auto& t : Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
      for (auto& c : Query("SELECT name FROM pragma_table_info('" + t[0] + "')")) out[t[0]].push_back(c[0]);
    }
    return out;
  }
  Rows Dump(const std::string& table, const std::vector<std::string>& columns) {
    std::string cols;
    for (const auto& c : columns) cols += (cols.empty() ? "" : ", ") + ("quote(\"" + c + "\")");
    Rows out;
    for (auto& r : Query("SELECT " + cols + " FROM \"" + table + "\" ORDER BY 1, 2")) {
      std::string line;
      for (auto& v : r) line += v + "|";
      out.push_back(line);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

TEST(UpgradeTest, StoreOfThePreviousReleaseKeepsEveryRow) {
  const std::string sql = ReadAll(ES_UPGRADE_FIXTURE);
  ASSERT_FALSE(sql.empty()) << "fixture " << ES_UPGRADE_FIXTURE;
  const auto dir = std::filesystem::path(::testing::TempDir()) / ("es_upgrade_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "state.db").string();

  std::map<std::string, std::vector<std::string>> tables;
  std::map<std::string, Rows> before;
  int64_t before_version = 0;
  size_t total = 0;
  {
    Db db(path);
    ASSERT_TRUE(db.Exec(sql));
    tables = db.Tables();
    for (const auto& [t, cols] : tables) {
      before[t] = db.Dump(t, cols);
      total += before[t].size();
    }
    before_version = std::stoll(db.Query("SELECT MAX(version) FROM schema_migrations")[0][0]);
  }
  ASSERT_GE(tables.size(), 10u);
  ASSERT_EQ(before_version, 4) << "the fixture is the store of the release with migrations 0001-0004";
  // Every data table of that release holds rows, so "kept" means something.
  for (const char* t : {"tenants", "connections", "id_mappings", "sync_runs", "record_results", "cursors",
                        "failed_records", "audit_log", "webhook_deliveries", "webhook_settings",
                        "transformer_configs", "sync_requests"}) {
    EXPECT_FALSE(before[t].empty()) << "fixture table " << t << " is empty";
  }

  {
    auto store = store::OpenStore("sqlite://" + path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_GE((*store)->SchemaVersion(), before_version);
    // The store reads the old rows through its own API.
    auto conns = (*store)->ListConnections("demo");
    ASSERT_TRUE(conns.ok()) << conns.status().ToString();
    EXPECT_EQ(conns->size(), before["connections"].size());
    store::RunFilter f;
    f.tenant_id = "demo";
    f.limit = 1000;
    auto runs = (*store)->ListRuns(f);
    ASSERT_TRUE(runs.ok()) << runs.status().ToString();
    EXPECT_FALSE(runs->empty());
  }

  Db after(path);
  size_t kept = 0;
  for (const auto& [t, cols] : tables) {
    Rows now = after.Dump(t, cols);
    if (t == "schema_migrations") {
      // Forward only: the old versions stay, new ones may follow.
      for (const auto& row : before[t]) EXPECT_TRUE(std::find(now.begin(), now.end(), row) != now.end()) << row;
      kept += before[t].size();
      continue;
    }
    EXPECT_EQ(now, before[t]) << "table " << t;
    kept += std::min(now.size(), before[t].size());
  }
  EXPECT_EQ(kept, total);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace es
