// Test harnesses that run the StateStore contract suite on SQLite: a private
// in-memory database, and a database file in a fresh temporary directory
// (removed afterwards). Test-only; used by sqlite_store_test.cpp and by the
// factory tests.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"
#include "store/store_test_harness.h"

namespace es::store::sqlite {

// A fresh empty directory under the GoogleTest temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("es_store_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class SqliteMemoryHarness final : public contract::StoreHarness {
 public:
  Result<std::unique_ptr<StateStore>> Open() override {
    ES_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> s, SqliteStore::Open(":memory:"));
    ES_RETURN_IF_ERROR(s->Migrate());
    return std::unique_ptr<StateStore>(std::move(s));
  }
  bool persistent() const override { return false; }
};

// Opens the file through `open` (SqliteStore::Open + Migrate by default).
class SqliteFileHarness final : public contract::StoreHarness {
 public:
  using Opener = std::function<Result<std::unique_ptr<StateStore>>(const std::string& path)>;
  explicit SqliteFileHarness(Opener open = {}) : open_(std::move(open)) {}

  Result<std::unique_ptr<StateStore>> Open() override {
    const std::string path = (dir_.path() / "state.db").string();
    if (open_) return open_(path);
    ES_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> s, SqliteStore::Open(path));
    ES_RETURN_IF_ERROR(s->Migrate());
    return std::unique_ptr<StateStore>(std::move(s));
  }
  bool persistent() const override { return true; }
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
  Opener open_;
};

}  // namespace es::store::sqlite
