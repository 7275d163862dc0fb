// The plan of a dry run and counted nouns, as `sync`, `reconcile` and `demo` print them.
#include "cli/run_summary.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace es::cli {
namespace {

Json Preview(const std::string& op, const std::string& entity, const std::string& source, const std::string& type,
             const std::string& id, const std::string& reason) {
  Json p = {{"operation", op}, {"entity", entity}, {"source_id", source}, {"target_type", type}, {"reason", reason}};
  if (!id.empty()) p["target_id"] = id;
  return p;
}

std::vector<std::string> LinesOf(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Document types and ids longer than a fixed column ("RefundReceipt",
// "SalesReceipt 1186") still leave every REASON in one column, two spaces
// after the widest target.
TEST(PlanTable, ColumnsFitTheirWidestCell) {
  engine::RunReport r;
  r.previews.push_back(Preview("create", "customer", "2", "Customer", "", "new customer"));
  r.previews.push_back(Preview("update", "order", "477", "SalesReceipt", "1186", "lines changed"));
  r.previews.push_back(Preview("refund", "refund", "441", "RefundReceipt", "", "refund of 144.41"));
  std::vector<std::string> lines = LinesOf(PlanTable(r).Render());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].rfind("OP      ENTITY    SOURCE ID  TARGET             REASON", 0), 0u) << lines[0];
  size_t reason = lines[0].find("REASON");
  EXPECT_EQ(lines[1].find("new customer"), reason) << lines[1];
  EXPECT_EQ(lines[2].find("lines changed"), reason) << lines[2];
  EXPECT_EQ(lines[3].find("refund of 144.41"), reason) << lines[3];
  EXPECT_NE(lines[2].find("SalesReceipt 1186  lines changed"), std::string::npos) << lines[2];
}

TEST(LifecycleLine, CountsRefundsAndPaymentsInTheRightNumber) {
  engine::RunReport r;
  EXPECT_EQ(LifecycleLine(r), "") << "a run that changed no booked document says nothing";
  r.counts["order"].updated = 3;
  r.counts["order"].voided = 1;
  r.counts["order"].deleted = 1;
  r.counts["refund"].created = 1;
  r.counts["payment"].linked = 1;
  EXPECT_EQ(LifecycleLine(r),
            "documents: 3 updated, 2 voided, 1 refund, 1 payment; 1 found in the target and linked (not created again)");
  r.counts["refund"].created = 44;
  r.counts["payment"].linked = 0;
  EXPECT_EQ(LifecycleLine(r), "documents: 3 updated, 2 voided, 44 refunds, 0 payments");
}

TEST(Counted, SingularForOneAndPluralOtherwise) {
  EXPECT_EQ(Counted(1, "customer"), "1 customer");
  EXPECT_EQ(Counted(0, "customer"), "0 customers");
  EXPECT_EQ(Counted(6, "address change"), "6 address changes");
  EXPECT_EQ(Counted(1, "most recent run", "most recent runs"), "1 most recent run");
  EXPECT_EQ(Counted(2, "entry", "entries"), "2 entries");
}

}  // namespace
}  // namespace es::cli
