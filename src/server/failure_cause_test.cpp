// Grouping failed records by cause: ids, amounts and request ids do not split a cause.
#include "server/failure_cause.h"

#include <gtest/gtest.h>

namespace es::server {
namespace {

store::FailedRecord Failure(const std::string& message, const std::string& entity = "order") {
  store::FailedRecord f;
  f.entity = entity;
  f.category = "validation";
  f.code = "2500";
  f.message = message;
  return f;
}

TEST(FailureCause, RequestIdsAndBatchItemsDoNotSplitACause) {
  const char* tail = ": Invalid Reference Id: a line TaxCodeRef must be TAX or NON in a US company";
  EXPECT_EQ(FailureCauseKey(Failure(std::string("QBO POST SalesReceipt: intuit_tid 1-414caf96-e54210765379b14e") + tail)),
            FailureCauseKey(Failure(std::string("QBO POST SalesReceipt: intuit_tid 1-197fc9f9-7861040b4bc6f514") + tail)));
  EXPECT_EQ(FailureCauseKey(Failure(std::string("QBO batch item 'b1'") + tail)),
            FailureCauseKey(Failure(std::string("QBO batch item 'b17'") + tail)));
  EXPECT_EQ(FailureCauseKey(Failure(std::string("refund 168: QBO batch item 'b0'") + tail)),
            FailureCauseKey(Failure(std::string("refund 201: QBO batch item 'b2'") + tail)));
  EXPECT_EQ(FailureCauseKey(Failure("total 12.61 differs from 12.60")),
            FailureCauseKey(Failure("total 7.00 differs from 7.01")));
}

TEST(FailureCause, DifferentCausesStayApart) {
  EXPECT_NE(FailureCauseKey(Failure("customer not resolved")), FailureCauseKey(Failure("item not resolved")));
  EXPECT_NE(FailureCauseKey(Failure("customer not resolved")),
            FailureCauseKey(Failure("customer not resolved", "refund")));
  store::FailedRecord other = Failure("customer not resolved");
  other.code = "6000";
  EXPECT_NE(FailureCauseKey(Failure("customer not resolved")), FailureCauseKey(other));
  // Words without digits are the cause itself.
  EXPECT_NE(FailureCauseKey(Failure("QBO POST Invoice: duplicate")),
            FailureCauseKey(Failure("QBO POST SalesReceipt: duplicate")));
}

}  // namespace
}  // namespace es::server
