// StateStore contract, users block (migration 0012_users): users per tenant
// (upsert, list, delete with their sessions), sessions looked up by hash
// only while unexpired, single-use deletion, purge, and tenant isolation.
// Included by store_contract_test.h only; see there for how to use it.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "store/store.h"

namespace es::store::contract {

namespace user_contract {
inline User AUser(const std::string& tenant, const std::string& email, const std::string& role = "admin") {
  return User{tenant, email, role, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA", 1'000, 1'000};
}
inline UserSession ASession(const std::string& hash, const std::string& tenant, const std::string& user,
                            int64_t expires_ms, const std::string& kind = "session") {
  return UserSession{hash, tenant, user, "admin", kind, "csrf-" + hash, 1'000, expires_ms};
}
}  // namespace user_contract

TEST_P(StoreContractTest, UsersArePerTenantAndUpsertedByEmail) {
  using namespace user_contract;
  ASSERT_TRUE(store().PutUser(AUser("t1", "ann@shop.test")).ok());
  ASSERT_TRUE(store().PutUser(AUser("t1", "bob@shop.test", "user")).ok());
  ASSERT_TRUE(store().PutUser(AUser("t2", "ann@shop.test", "user")).ok());
  User changed = AUser("t1", "ann@shop.test", "user");
  changed.password_hash = "$argon2id$new";
  changed.updated_at_ms = 2'000;
  ASSERT_TRUE(store().PutUser(changed).ok());

  auto ann = store().GetUser("t1", "ann@shop.test");
  ASSERT_TRUE(ann.ok() && ann->has_value()) << ann.status().ToString();
  EXPECT_EQ((*ann)->role, "user");
  EXPECT_EQ((*ann)->password_hash, "$argon2id$new");
  EXPECT_EQ((*ann)->created_at_ms, 1'000);
  EXPECT_EQ((*ann)->updated_at_ms, 2'000);
  auto list = store().ListUsers("t1");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].email, "ann@shop.test");
  EXPECT_EQ((*list)[1].email, "bob@shop.test");
  auto none = store().GetUser("t3", "ann@shop.test");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  EXPECT_TRUE(store().PutUser(AUser("t1", "x@shop.test", "owner")).IsValidation());
  EXPECT_TRUE(store().PutUser(AUser("", "x@shop.test")).IsValidation());
  User no_hash = AUser("t1", "x@shop.test");
  no_hash.password_hash.clear();
  EXPECT_TRUE(store().PutUser(no_hash).IsValidation());
}

TEST_P(StoreContractTest, SessionsLiveUntilExpiryAndDeleteOnce) {
  using namespace user_contract;
  ASSERT_TRUE(store().PutUser(AUser("t1", "ann@shop.test")).ok());
  ASSERT_TRUE(store().PutSession(ASession("h1", "t1", "ann@shop.test", 10'000)).ok());
  ASSERT_TRUE(store().PutSession(ASession("h2", "t1", "ann@shop.test", 20'000, "link")).ok());
  EXPECT_TRUE(store().PutSession(ASession("h1", "t1", "ann@shop.test", 30'000)).IsConflict());
  EXPECT_TRUE(store().PutSession(ASession("h9", "t1", "ann@shop.test", 30'000, "forever")).IsValidation());

  auto live = store().GetSession("h1", 9'999);
  ASSERT_TRUE(live.ok() && live->has_value()) << live.status().ToString();
  EXPECT_EQ((*live)->tenant_id, "t1");
  EXPECT_EQ((*live)->user_id, "ann@shop.test");
  EXPECT_EQ((*live)->role, "admin");
  EXPECT_EQ((*live)->kind, "session");
  EXPECT_EQ((*live)->csrf_token, "csrf-h1");
  auto expired = store().GetSession("h1", 10'000);
  ASSERT_TRUE(expired.ok());
  EXPECT_FALSE(expired->has_value());

  auto first = store().DeleteSession("h2");
  auto second = store().DeleteSession("h2");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*second);

  auto purged = store().PurgeSessions(10'000);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1);
  auto gone = store().GetSession("h1", 0);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

TEST_P(StoreContractTest, DeletingAUserEndsTheirSessionsAndTenantDeletionRemovesBoth) {
  using namespace user_contract;
  ASSERT_TRUE(store().PutTenant({"t1", "Shop", 1}).ok());
  ASSERT_TRUE(store().PutUser(AUser("t1", "ann@shop.test")).ok());
  ASSERT_TRUE(store().PutUser(AUser("t1", "bob@shop.test")).ok());
  ASSERT_TRUE(store().PutSession(ASession("ha", "t1", "ann@shop.test", 50'000)).ok());
  ASSERT_TRUE(store().PutSession(ASession("hb", "t1", "bob@shop.test", 50'000)).ok());
  ASSERT_TRUE(store().DeleteUser("t1", "ann@shop.test").ok());
  EXPECT_TRUE(store().DeleteUser("t1", "ann@shop.test").IsNotFound());
  EXPECT_FALSE(store().GetSession("ha", 1)->has_value());
  EXPECT_TRUE(store().GetSession("hb", 1)->has_value());

  ASSERT_TRUE(store().DeleteTenant("t1").ok());
  EXPECT_FALSE(store().GetSession("hb", 1)->has_value());
  EXPECT_FALSE(store().GetUser("t1", "bob@shop.test")->has_value());
}

}  // namespace es::store::contract
