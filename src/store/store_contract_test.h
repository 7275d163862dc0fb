// The StateStore contract as one parameterised GoogleTest suite.
//
// Every StateStore implementation runs the same tests. To use it, include this
// header in exactly ONE .cpp of a test binary (it defines TEST_Ps) and
// instantiate it with harnesses for your backend:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
//       ::testing::Values(StoreContractParam{"memory", [] { return MakeMyHarness(); }}),
//       StoreContractParamName);
//
// A StoreHarness owns one fresh, empty database for the duration of a test
// (created in its constructor, dropped in its destructor). Open() returns a
// new migrated handle on that database; when persistent() is true, handles
// opened one after another (or at once) see the same data, and the tests for
// reopening, separate handles and kill -9 run; otherwise they are skipped.
// Open() must be safe to call in a forked child process.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/store.h"
#include "store/store_test_harness.h"

namespace es::store::contract {

class StoreContractTest : public ::testing::TestWithParam<StoreContractParam> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make_harness();
    ASSERT_NE(harness_, nullptr);
    Result<std::unique_ptr<StateStore>> s = harness_->Open();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  void TearDown() override {
    store_.reset();
    harness_.reset();
  }

  StateStore& store() { return *store_; }
  StoreHarness& harness() { return *harness_; }
  // Closes the fixture's handle (e.g. before fork) and opens a fresh one.
  void CloseStore() { store_.reset(); }
  void ReopenStore() {
    store_.reset();
    Result<std::unique_ptr<StateStore>> s = harness_->Open();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  // Sample values (public so backend-specific tests can use them too).
 public:
  static IdMapping Mapping(const std::string& tenant, const std::string& source_id, const std::string& target_id,
                           const std::string& entity = "customer") {
    IdMapping m;
    m.tenant_id = tenant;
    m.source_connection = "woo-main";
    m.target_connection = "qbo-main";
    m.entity = entity;
    m.source_id = source_id;
    m.target_id = target_id;
    m.target_type = "Customer";
    m.sync_token = "0";
    m.fingerprint = "fp-" + source_id;
    m.updated_at_ms = 1'767'225'600'000;
    return m;
  }

  static SyncRun Run(const std::string& tenant, const std::string& id, int64_t started_ms,
                     RunStatus status = RunStatus::kRunning) {
    SyncRun r;
    r.id = id;
    r.tenant_id = tenant;
    r.source_connection = "woo-main";
    r.target_connection = "qbo-main";
    r.entities = {"customer", "item", "order"};
    r.mode = "incremental";
    r.status = status;
    r.triggered_by = "cli";
    r.started_at_ms = started_ms;
    return r;
  }

  static FailedRecord Failed(const std::string& tenant, const std::string& source_id, int64_t at_ms) {
    FailedRecord f;
    f.tenant_id = tenant;
    f.source_connection = "woo-main";
    f.target_connection = "qbo-main";
    f.entity = "order";
    f.source_id = source_id;
    f.category = "validation";
    f.code = "6000";
    f.message = "Business Validation Error";
    f.first_failed_at_ms = at_ms;
    f.last_attempt_at_ms = at_ms;
    f.run_id = "run-1";
    return f;
  }

  static RecordResult Result1(const std::string& tenant, const std::string& run_id, const std::string& source_id,
                              const std::string& action = "created") {
    RecordResult r;
    r.run_id = run_id;
    r.tenant_id = tenant;
    r.entity = "order";
    r.source_id = source_id;
    r.action = action;
    r.target_id = "T" + source_id;
    r.message = "ok";
    r.duration_us = 1234;
    r.at_ms = 1'767'225'600'500;
    return r;
  }

 protected:
  std::unique_ptr<StoreHarness> harness_;
  std::unique_ptr<StateStore> store_;
};

}  // namespace es::store::contract

#include "store/store_contract_crud_tests.h"        // IWYU pragma: export
#include "store/store_contract_robustness_tests.h"  // IWYU pragma: export
#include "store/store_contract_server_tests.h"      // IWYU pragma: export
#include "store/store_contract_webhook_tests.h"     // IWYU pragma: export
#include "store/store_contract_user_tests.h"        // IWYU pragma: export
#include "store/store_contract_twoway_tests.h"      // IWYU pragma: export
#include "store/store_contract_mapping_tests.h"     // IWYU pragma: export
#include "store/store_contract_notify_tests.h"      // IWYU pragma: export
#include "store/store_contract_batch_tests.h"       // IWYU pragma: export
#include "store/store_contract_job_tests.h"         // IWYU pragma: export
#include "store/store_contract_jobcancel_tests.h"   // IWYU pragma: export
#include "store/store_contract_budget_tests.h"      // IWYU pragma: export
#include "store/store_contract_schedule_tests.h"    // IWYU pragma: export
#include "store/store_contract_confirm_tests.h"     // IWYU pragma: export
#include "store/store_contract_safety_tests.h"      // IWYU pragma: export
#include "store/store_contract_settings_tests.h"    // IWYU pragma: export
