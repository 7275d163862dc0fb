// StateStore contract, tenant settings block (migration
// 0014_tenant_settings): one row per tenant, replaced by Put, the currency
// seen on orders kept apart from the chosen one. Included by
// store_contract_test.h only; see there for how to use it.
#pragma once

#include <gtest/gtest.h>

#include "store/store.h"

namespace es::store::contract {

TEST_P(StoreContractTest, TenantSettingsArePerTenantAndKeepTheSeenCurrency) {
  auto none = store().GetTenantSettings("t1");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());

  ASSERT_TRUE(store().SetSeenCurrency("t1", "EUR", 500).ok());
  auto seen = store().GetTenantSettings("t1");
  ASSERT_TRUE(seen.ok() && seen->has_value());
  EXPECT_EQ((*seen)->seen_currency, "EUR");
  EXPECT_EQ((*seen)->timezone, "");

  TenantSettings s;
  s.tenant_id = "t1";
  s.timezone = "Europe/Berlin";
  s.currency = "CHF";
  s.seen_currency = "ignored";
  s.updated_by = "alice";
  s.updated_at_ms = 1'000;
  ASSERT_TRUE(store().PutTenantSettings(s).ok());
  s.timezone = "America/New_York";
  s.currency = "";
  s.updated_at_ms = 2'000;
  ASSERT_TRUE(store().PutTenantSettings(s).ok());
  ASSERT_TRUE(store().SetSeenCurrency("t1", "GBP", 3'000).ok());

  auto got = store().GetTenantSettings("t1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->timezone, "America/New_York");
  EXPECT_EQ((*got)->currency, "");
  EXPECT_EQ((*got)->seen_currency, "GBP");
  EXPECT_EQ((*got)->updated_by, "alice");
  EXPECT_EQ((*got)->updated_at_ms, 2'000);

  auto other = store().GetTenantSettings("t2");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
  EXPECT_TRUE(store().PutTenantSettings(TenantSettings{}).IsValidation());
  EXPECT_TRUE(store().SetSeenCurrency("t1", "", 1).IsValidation());
}

}  // namespace es::store::contract
