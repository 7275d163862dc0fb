#include "common/crypto.h"

#include <gtest/gtest.h>

#include <vector>

namespace es::crypto {
namespace {

TEST(Crypto, HmacSha256MatchesIntuitsPublishedWebhookVector) {
  // Test vector of the QuickBooks webhook signature (verifier token, body → signature).
  std::string body =
      R"({"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":[{"name":"Customer","id":"1","operation":"Create","lastUpdated":"2015-10-05T14:42:19-0700"}]}}]})";
  EXPECT_EQ(Base64Encode(HmacSha256("b5771f19b12ddb4bcdb9f08bdc50bc63878a", body)),
            "JC2GUwciPmRBwEO7WvrRmKqu9tGOKL8FFallocTFi8Q=");
}

TEST(Crypto, Base64RoundTripsAndRejectsJunk) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", std::string("\0\xff\x10", 3)}) {
    auto back = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
  }
  EXPECT_FALSE(Base64Decode("abc").ok());
  EXPECT_FALSE(Base64Decode("a*c=").ok());
}

TEST(Crypto, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(Crypto, RandomValuesLookRight) {
  EXPECT_EQ(RandomHex(16).size(), 32u);
  EXPECT_NE(RandomHex(16), RandomHex(16));
  std::string u = Uuid4();
  EXPECT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_EQ(Hex(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace es::crypto
