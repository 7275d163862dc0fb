// CliStoreTest: a gtest fixture for running the real binary on a store that
// the test prepares in-process (SyncFixture: both sandboxes, tenant and
// connections in a SQLite file of the test's own directory), then changes
// (a connection's settings or credentials) to make the binary meet a fault.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/json.h"
#include "support/cli_run.h"
#include "support/sync_fixture.h"

namespace es::testing {

class CliStoreTest : public ::testing::Test {
 protected:
  // Starts the sandboxes and the store in a fresh directory named after
  // `prefix` and the test; `tweak` sets the fixture's options (sizes, seed,
  // faults) before it starts.
  void OpenStore(const std::string& prefix, const std::function<void(FixtureOptions&)>& tweak) {
    dir_ = std::filesystem::temp_directory_path() /
           (prefix + "-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    FixtureOptions o;
    o.qbo.throttle = false;
    o.store_url = "sqlite://" + (dir_ / "state.db").string();
    if (tweak) tweak(o);
    store_url_ = o.store_url;
    f_ = std::make_unique<SyncFixture>(o);
    ASSERT_TRUE(f_->Start().ok());
  }
  void TearDown() override {
    f_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // The binary's options for this store and tenant.
  std::string Store() const { return "--store " + store_url_ + " --tenant " + SyncFixture::kTenant; }

  // Runs the binary with `args`; stdout and stderr are kept apart.
  static es::test::CliRun RunCommand(const std::string& args) { return es::test::RunCli(ES_BINARY, args); }

  // Changes the stored connection `id`: these config keys and secret keys.
  void Edit(const std::string& id, const Json& config, const Json& secret) {
    auto c = f_->store().GetConnection(SyncFixture::kTenant, id);
    ASSERT_TRUE(c.ok() && c->has_value());
    store::Connection conn = **c;
    for (auto it = config.begin(); it != config.end(); ++it) conn.config[it.key()] = it.value();
    auto s = ParseJson(conn.secret);
    ASSERT_TRUE(s.ok());
    for (auto it = secret.begin(); it != secret.end(); ++it) (*s)[it.key()] = it.value();
    conn.secret = DumpJson(*s);
    ASSERT_TRUE(f_->store().PutConnection(conn).ok());
  }

  size_t FailedRecords() {
    auto failed = f_->store().ListFailed(SyncFixture::kTenant, 1000);
    return failed.ok() ? failed->size() : 9999;
  }

  // Lines of `text` that contain `word` (every line for an empty word).
  static std::vector<std::string> LinesWith(const std::string& text, const std::string& word = "") {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(start, end - start);
      if (!line.empty() && line.find(word) != std::string::npos) out.push_back(line);
      start = end + 1;
    }
    return out;
  }

  std::filesystem::path dir_;
  std::string store_url_;
  std::unique_ptr<SyncFixture> f_;
};

}  // namespace es::testing
