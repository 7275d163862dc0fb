// StateStore contract, field mappings block (migration 0011_mappings):
// versions numbered per (tenant, name), newest wins, history kept, lists of
// the newest of each name, tenant isolation. Included by
// store_contract_test.h only; see there for how to use it.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/store.h"

namespace es::store::contract {

namespace mapping_contract {
inline MappingVersion Version(const std::string& tenant, const std::string& name, const std::string& note,
                              int64_t at_ms = 1'000) {
  MappingVersion v;
  v.tenant_id = tenant;
  v.name = name;
  v.version = 99;  // ignored: the store numbers versions
  v.entity = "order";
  v.document = Json{{"name", name}, {"rules", Json::array({{{"source", "billing.email"}, {"note", note}}})}};
  v.author = "user-1";
  v.note = note;
  v.created_at_ms = at_ms;
  return v;
}
}  // namespace mapping_contract

TEST_P(StoreContractTest, MappingVersionsAreNumberedAndKept) {
  using mapping_contract::Version;
  auto none = store().GetMappingVersion("t1", "order", 0);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());
  for (int i = 1; i <= 3; ++i) {
    auto v = store().AddMappingVersion(Version("t1", "order", "v" + std::to_string(i), 1'000 * i));
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(*v, i);
  }
  auto newest = store().GetMappingVersion("t1", "order", 0);
  ASSERT_TRUE(newest.ok() && newest->has_value());
  EXPECT_EQ((*newest)->version, 3);
  EXPECT_EQ((*newest)->note, "v3");
  EXPECT_EQ((*newest)->entity, "order");
  EXPECT_EQ((*newest)->author, "user-1");
  EXPECT_EQ((*newest)->created_at_ms, 3'000);
  EXPECT_EQ((*newest)->document, Version("t1", "order", "v3").document);
  auto second = store().GetMappingVersion("t1", "order", 2);
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->note, "v2");
  auto missing = store().GetMappingVersion("t1", "order", 7);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  auto all = store().ListMappingVersions("t1", "order");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].version, 3);
  EXPECT_EQ((*all)[2].version, 1);
}

TEST_P(StoreContractTest, MappingListsTheNewestOfEachNamePerTenant) {
  using mapping_contract::Version;
  ASSERT_TRUE(store().AddMappingVersion(Version("t1", "order", "a")).ok());
  ASSERT_TRUE(store().AddMappingVersion(Version("t1", "order", "b")).ok());
  ASSERT_TRUE(store().AddMappingVersion(Version("t1", "alt", "c")).ok());
  auto other = store().AddMappingVersion(Version("t2", "order", "other tenant"));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*other, 1);  // numbered per tenant
  auto list = store().ListMappings("t1");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "alt");
  EXPECT_EQ((*list)[1].name, "order");
  EXPECT_EQ((*list)[1].version, 2);
  EXPECT_EQ((*list)[1].note, "b");
  auto t2 = store().ListMappingVersions("t2", "order");
  ASSERT_TRUE(t2.ok());
  ASSERT_EQ(t2->size(), 1u);
  EXPECT_EQ((*t2)[0].note, "other tenant");
  auto none = store().ListMappings("t3");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreContractTest, MappingRequiresItsKeys) {
  using mapping_contract::Version;
  MappingVersion v = Version("", "order", "x");
  EXPECT_EQ(store().AddMappingVersion(v).status().category(), ErrorCategory::kValidation);
  v = Version("t1", "", "x");
  EXPECT_EQ(store().AddMappingVersion(v).status().category(), ErrorCategory::kValidation);
  v = Version("t1", "order", "x");
  v.entity.clear();
  EXPECT_EQ(store().AddMappingVersion(v).status().category(), ErrorCategory::kValidation);
  EXPECT_FALSE(store().GetMappingVersion("t1", "order", -1).ok());
}

}  // namespace es::store::contract
