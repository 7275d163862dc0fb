#include "connectors/qbo/request_id.h"

#include <gtest/gtest.h>

namespace es::qbo {
namespace {

TEST(QboRequestId, DeterministicAndBounded) {
  std::string a = MakeRequestId("t1", "9341453052144620", "Invoice", "1042", "create");
  EXPECT_EQ(a, MakeRequestId("t1", "9341453052144620", "Invoice", "1042", "create"));
  EXPECT_EQ(a.size(), kMaxRequestIdLength);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  std::string b = MakeRequestId("t1", "9341453052144620", "Invoice", "1042", "create", kMaxBatchRequestIdLength);
  EXPECT_EQ(b.size(), 36u);
  EXPECT_EQ(a.substr(0, 36), b);
  EXPECT_EQ(MakeRequestId("t", "r", "e", "s", "o", 100).size(), 64u);
}

TEST(QboRequestId, EveryPartMatters) {
  std::string base = MakeRequestId("t1", "r1", "Invoice", "1042", "create");
  EXPECT_NE(base, MakeRequestId("t2", "r1", "Invoice", "1042", "create"));
  EXPECT_NE(base, MakeRequestId("t1", "r2", "Invoice", "1042", "create"));
  EXPECT_NE(base, MakeRequestId("t1", "r1", "SalesReceipt", "1042", "create"));
  EXPECT_NE(base, MakeRequestId("t1", "r1", "Invoice", "1043", "create"));
  EXPECT_NE(base, MakeRequestId("t1", "r1", "Invoice", "1042", "update:1"));
  // Length prefixes keep shifted boundaries apart.
  EXPECT_NE(MakeRequestId("ab", "c", "", "", ""), MakeRequestId("a", "bc", "", "", ""));
  EXPECT_NE(MakeRequestId("a|1:b", "", "", "", ""), MakeRequestId("a", "b", "", "", ""));
}

}  // namespace
}  // namespace es::qbo
