// StoreHarness: how the StateStore contract suite (store_contract_test.h)
// gets databases from a backend. Test-only.
//
// A harness owns one fresh, empty database for the duration of a test
// (created in its constructor, dropped in its destructor). Open() returns a
// new migrated handle on that database; when persistent() is true, handles
// opened one after another (or at once) see the same data. Open() must be
// safe to call in a forked child process.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "store/store.h"

namespace es::store::contract {

class StoreHarness {
 public:
  virtual ~StoreHarness() = default;
  virtual Result<std::unique_ptr<StateStore>> Open() = 0;
  virtual bool persistent() const = 0;
};

struct StoreContractParam {
  std::string name;  // test-name suffix: letters, digits, underscores
  std::function<std::unique_ptr<StoreHarness>()> make_harness;
};

inline void PrintTo(const StoreContractParam& p, std::ostream* os) { *os << p.name; }

inline std::string StoreContractParamName(const ::testing::TestParamInfo<StoreContractParam>& info) {
  return info.param.name;
}

}  // namespace es::store::contract
