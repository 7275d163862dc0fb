#include "connectors/qbo/webhooks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "common/crypto.h"

namespace es::qbo {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Intuit's published vector (Java SDK test; reference §9.1).
constexpr char kIntuitToken[] = "b5771f19b12ddb4bcdb9f08bdc50bc63878a";
constexpr char kIntuitBody[] =
    R"({"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":[{"name":"Customer","id":"1","operation":"Create","lastUpdated":"2015-10-05T14:42:19-0700"}]}}]})";
constexpr char kIntuitSignature[] = "JC2GUwciPmRBwEO7WvrRmKqu9tGOKL8FFallocTFi8Q=";

constexpr char kLegacySample[] = R"({ "eventNotifications": [ {
    "realmId": "9341453052144620",
    "dataChangeEvent": { "entities": [
      { "name": "Invoice",  "id": "145", "operation": "Update", "lastUpdated": "2026-03-02T18:04:11.000Z" },
      { "name": "Customer", "id": "58",  "operation": "Merge",  "deletedId": "57", "lastUpdated": "2026-03-02T18:05:40.000Z" } ] } } ] })";

constexpr char kCloudSample[] = R"([ { "specversion": "1.0",
    "id": "3f0c6e1a-7d1e-4b9e-9a65-2b1f7c4d9e10",
    "source": "intuit.abc",
    "type": "qbo.invoice.updated.v1",
    "datacontenttype": "application/json",
    "time": "2026-03-02T18:04:11.281934211Z",
    "intuitentityid": "145",
    "intuitaccountid": "9341453052144620",
    "data": {} },
  { "specversion": "1.0", "id": "e2", "source": "intuit.abc", "type": "qbo.customer.created.v1",
    "time": "2026-03-02T18:05:00Z", "intuitentityid": "59", "intuitaccountid": "1234567890", "data": {} } ])";

std::string CloudEvent(const std::string& type, const std::string& extra = "") {
  return R"({"specversion":"1.0","id":"ev-1","source":"intuit.x","type":")" + type +
         R"(","time":"2026-03-02T18:04:11Z","intuitentityid":"7","intuitaccountid":"123")" + extra + "}";
}

void ExpectValidation(const Result<std::vector<EntityChange>>& r, const std::string& what) {
  ASSERT_FALSE(r.ok()) << "expected failure: " << what;
  EXPECT_TRUE(r.status().IsValidation()) << r.status().ToString();
  EXPECT_THAT(r.status().message(), HasSubstr(what));
}

TEST(QboWebhookSignature, MatchesIntuitsPublishedVector) {
  EXPECT_TRUE(VerifyWebhookSignature(kIntuitBody, kIntuitSignature, kIntuitToken).ok());
  EXPECT_TRUE(VerifyWebhookSignature(kIntuitBody, std::string(" ") + kIntuitSignature + "\n", kIntuitToken).ok());
}

TEST(QboWebhookSignature, RejectsAnyChange) {
  std::string body = kIntuitBody;
  Status s = VerifyWebhookSignature(body + " ", kIntuitSignature, kIntuitToken);
  EXPECT_TRUE(s.IsAuthentication());
  EXPECT_EQ(s.message(), "webhook signature mismatch");
  s = VerifyWebhookSignature(body, kIntuitSignature, "another-token");
  EXPECT_TRUE(s.IsAuthentication());
  EXPECT_THAT(s.message(), Not(HasSubstr("another-token")));
  EXPECT_THAT(VerifyWebhookSignature(body, "", kIntuitToken).message(), HasSubstr("missing intuit-signature"));
  EXPECT_THAT(VerifyWebhookSignature(body, kIntuitSignature, "").message(), HasSubstr("not configured"));
  std::string wrong = kIntuitSignature;
  wrong[3] = wrong[3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyWebhookSignature(body, wrong, kIntuitToken).ok());
}

TEST(QboWebhookParse, LegacyFormat) {
  auto r = ParseWebhookPayload(kLegacySample);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  const EntityChange& inv = (*r)[0];
  EXPECT_EQ(inv.realm_id, "9341453052144620");
  EXPECT_EQ(inv.entity, "Invoice");
  EXPECT_EQ(inv.id, "145");
  EXPECT_EQ(inv.operation, "Update");
  EXPECT_EQ(inv.last_updated, "2026-03-02T18:04:11.000Z");
  EXPECT_EQ(inv.deleted_id, "");
  EXPECT_EQ(inv.event_id.rfind("legacy-", 0), 0u);
  EXPECT_EQ(inv.event_id.size(), 7u + 32u);
  const EntityChange& merge = (*r)[1];
  EXPECT_EQ(merge.operation, "Merge");
  EXPECT_EQ(merge.deleted_id, "57");
  EXPECT_NE(inv.event_id, merge.event_id);
  // The legacy event id is stable across deliveries (dedupe key).
  auto again = ParseWebhookPayload(kLegacySample);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].event_id, inv.event_id);
}

TEST(QboWebhookParse, IntuitVectorBodyParses) {
  auto r = ParseWebhookPayload(kIntuitBody);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].entity, "Customer");
  EXPECT_EQ((*r)[0].operation, "Create");
  EXPECT_EQ((*r)[0].last_updated, "2015-10-05T14:42:19-0700");
}

TEST(QboWebhookParse, CloudEventsWithMixedRealms) {
  auto r = ParseWebhookPayload(kCloudSample);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].realm_id, "9341453052144620");
  EXPECT_EQ((*r)[0].entity, "Invoice");
  EXPECT_EQ((*r)[0].id, "145");
  EXPECT_EQ((*r)[0].operation, "Update");
  EXPECT_EQ((*r)[0].event_id, "3f0c6e1a-7d1e-4b9e-9a65-2b1f7c4d9e10");
  EXPECT_EQ((*r)[0].last_updated, "2026-03-02T18:04:11.281934211Z");
  EXPECT_EQ((*r)[1].realm_id, "1234567890");
  EXPECT_EQ((*r)[1].entity, "Customer");
  EXPECT_EQ((*r)[1].operation, "Create");
  EXPECT_EQ((*r)[1].event_id, "e2");
}

TEST(QboWebhookParse, CloudEventsActionsMapToLegacyOperations) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"created", "Create"}, {"updated", "Update"}, {"deleted", "Delete"}, {"merged", "Merge"},
      {"voided", "Void"},    {"void", "Void"},      {"emailed", "Emailed"}};
  for (const auto& [action, op] : cases) {
    auto r = ParseWebhookPayload("[" + CloudEvent("qbo.invoice." + action + ".v1") + "]");
    ASSERT_TRUE(r.ok()) << action << ": " << r.status().ToString();
    EXPECT_EQ((*r)[0].operation, op) << action;
  }
}

TEST(QboWebhookParse, CloudEventsEntityCasing) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"invoice", "Invoice"},         {"salesreceipt", "SalesReceipt"},   {"creditmemo", "CreditMemo"},
      {"refundreceipt", "RefundReceipt"}, {"paymentmethod", "PaymentMethod"}, {"customer", "Customer"},
      {"item", "Item"},               {"payment", "Payment"},             {"account", "Account"},
      {"vendor", "Vendor"},           {"taxagency", "TaxAgency"},         {"journalentry", "JournalEntry"}};
  for (const auto& [lower, cased] : cases) {
    auto r = ParseWebhookPayload("[" + CloudEvent("qbo." + lower + ".created.v1") + "]");
    ASSERT_TRUE(r.ok()) << lower << ": " << r.status().ToString();
    EXPECT_EQ((*r)[0].entity, cased);
  }
  EXPECT_EQ(CanonicalEntityName("SALESRECEIPT"), "SalesReceipt");
  EXPECT_EQ(CanonicalEntityName("widget"), "");
  EXPECT_EQ(OperationForAction("Voided"), "Void");
  EXPECT_EQ(OperationForAction("archived"), "");
}

TEST(QboWebhookParse, CloudEventMergeCarriesDeletedIdFromData) {
  auto r = ParseWebhookPayload("[" + CloudEvent("qbo.customer.merged.v1", R"(,"data":{"deletedId":"57"})") + "]");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)[0].deleted_id, "57");
}

TEST(QboWebhookParse, SingleCloudEventObjectAndNumericIds) {
  auto r = ParseWebhookPayload(
      R"({"specversion":"1.0","id":"x1","type":"qbo.item.updated.v1","intuitentityid":12,"intuitaccountid":99})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].id, "12");
  EXPECT_EQ((*r)[0].realm_id, "99");
  EXPECT_EQ((*r)[0].last_updated, "");
}

TEST(QboWebhookParse, EmptyDeliveries) {
  auto r = ParseWebhookPayload("[]");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  r = ParseWebhookPayload(R"({"eventNotifications":[]})");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(QboWebhookParse, DocumentLevelErrors) {
  ExpectValidation(ParseWebhookPayload(""), "empty webhook body");
  ExpectValidation(ParseWebhookPayload("   \n"), "empty webhook body");
  ExpectValidation(ParseWebhookPayload("{\"eventNotifications\":"), "invalid JSON at line 1, column");
  auto r = ParseWebhookPayload("{\"realm\": private-name}");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), Not(HasSubstr("private-name")));
  ExpectValidation(ParseWebhookPayload(R"({"hello":1})"), "unrecognised webhook payload");
  ExpectValidation(ParseWebhookPayload("42"), "unrecognised webhook payload");
  ExpectValidation(ParseWebhookPayload(R"([{"id":"1"}])"), "array elements are not CloudEvents");
  ExpectValidation(ParseWebhookPayload(R"({"eventNotifications":{}})"), "eventNotifications must be an array");
  WebhookLimits small;
  small.max_body_bytes = 100;
  ExpectValidation(ParseWebhookPayload(kLegacySample, nullptr, small), "exceeds the limit");
  ExpectValidation(ParseWebhookPayload(std::string(100, '[') + std::string(100, ']')), "nested deeper");
}

TEST(QboWebhookParse, MalformedCloudEvents) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {CloudEvent("qbo.invoice.updated"), "malformed type"},
      {CloudEvent("qbo.invoice.updated.v1.extra"), "malformed type"},
      {CloudEvent("xyz.invoice.updated.v1"), "malformed type"},
      {CloudEvent("qbo..updated.v1"), "malformed type"},
      {CloudEvent("qbo.invoice.updated.v2"), "unsupported event version"},
      {CloudEvent("qbo.widget.updated.v1"), "unknown entity 'widget'"},
      {CloudEvent("qbo.invoice.archived.v1"), "unknown action 'archived'"},
      {R"({"specversion":"1.0","type":"qbo.invoice.updated.v1","intuitentityid":"1","intuitaccountid":"2"})",
       "missing id"},
      {R"({"specversion":"1.0","id":"a","type":"qbo.invoice.updated.v1","intuitaccountid":"2"})",
       "missing intuitentityid"},
      {R"({"specversion":"1.0","id":"a","type":"qbo.invoice.updated.v1","intuitentityid":"1"})",
       "missing intuitaccountid"},
      {R"({"specversion":"0.3","id":"a","type":"qbo.invoice.updated.v1","intuitentityid":"1","intuitaccountid":"2"})",
       "unsupported specversion"},
      {R"({"specversion":"1.0","id":{"x":1},"type":"qbo.invoice.updated.v1","intuitentityid":"1","intuitaccountid":"2"})",
       "id must be a string"},
      {R"({"specversion":"1.0","id":"has space","type":"qbo.invoice.updated.v1","intuitentityid":"1","intuitaccountid":"2"})",
       "malformed id"},
  };
  for (const auto& [event, reason] : cases) {
    // Second position, so that format detection succeeds on the first.
    ExpectValidation(ParseWebhookPayload("[" + CloudEvent("qbo.invoice.created.v1") + "," + event + "]"),
                     "event 2: " + reason);
  }
  ExpectValidation(ParseWebhookPayload("[" + CloudEvent("qbo.invoice.created.v1") + ",17]"),
                   "event 2: not a JSON object");
  ExpectValidation(ParseWebhookPayload("[" + CloudEvent("qbo.invoice.created.v1") + R"(,{"type":"x"}])"),
                   "event 2: missing specversion");
}

TEST(QboWebhookParse, MalformedLegacyEntities) {
  auto legacy = [](const std::string& entity) {
    return R"({"eventNotifications":[{"realmId":"1","dataChangeEvent":{"entities":[)" + entity + "]}}]}";
  };
  ExpectValidation(ParseWebhookPayload(legacy(R"({"id":"1","operation":"Create"})")), "entity 1: missing name");
  ExpectValidation(ParseWebhookPayload(legacy(R"({"name":"Invoice","operation":"Create"})")), "missing id");
  ExpectValidation(ParseWebhookPayload(legacy(R"({"name":"Invoice","id":"1"})")), "missing operation");
  ExpectValidation(ParseWebhookPayload(legacy(R"({"name":"Invoice","id":"1","operation":"Archive"})")),
                   "unknown operation 'Archive'");
  ExpectValidation(ParseWebhookPayload(legacy(R"({"name":"In voice","id":"1","operation":"Create"})")),
                   "malformed name");
  ExpectValidation(ParseWebhookPayload(R"({"eventNotifications":[{"dataChangeEvent":{"entities":[]}}]})"),
                   "notification 1: missing realmId");
  ExpectValidation(ParseWebhookPayload(R"({"eventNotifications":[{"realmId":"1"}]})"),
                   "notification 1: missing dataChangeEvent.entities");
  // Unknown-but-plausible legacy entity names pass through with their casing.
  auto r = ParseWebhookPayload(legacy(R"({"name":"NewThing","id":"1","operation":"create"})"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)[0].entity, "NewThing");
  EXPECT_EQ((*r)[0].operation, "Create");
  r = ParseWebhookPayload(legacy(R"({"name":"salesreceipt","id":"1","operation":"Void"})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].entity, "SalesReceipt");
}

TEST(QboWebhookParse, RejectedListSkipsBadEventsAndKeepsGoodOnes) {
  std::string body = "[" + CloudEvent("qbo.invoice.created.v1") + "," + CloudEvent("qbo.widget.created.v1") + "," +
                     CloudEvent("qbo.customer.updated.v1") + ",\"junk\"]";
  std::vector<std::string> rejected;
  auto r = ParseWebhookPayload(body, &rejected);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].entity, "Invoice");
  EXPECT_EQ((*r)[1].entity, "Customer");
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_THAT(rejected[0], HasSubstr("event 2: unknown entity"));
  EXPECT_THAT(rejected[1], HasSubstr("event 4: not a JSON object"));

  rejected.clear();
  std::string legacy = R"({"eventNotifications":[{"realmId":"1","dataChangeEvent":{"entities":[
      {"name":"Invoice","id":"1","operation":"Create"},{"name":"Invoice","operation":"Create"}]}},
      {"dataChangeEvent":{}},
      {"realmId":"2","dataChangeEvent":{"entities":[{"name":"Item","id":"9","operation":"Update"}]}}]})";
  r = ParseWebhookPayload(legacy, &rejected);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].realm_id, "1");
  EXPECT_EQ((*r)[1].realm_id, "2");
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_THAT(rejected[0], HasSubstr("notification 1 entity 2: missing id"));
  EXPECT_THAT(rejected[1], HasSubstr("notification 2: missing realmId"));
}

TEST(QboWebhookParse, LegacyEventIdsDifferByEveryField) {
  auto id_of = [](const std::string& realm, const std::string& name, const std::string& id, const std::string& op,
                  const std::string& ts) {
    std::string body = R"({"eventNotifications":[{"realmId":")" + realm +
                       R"(","dataChangeEvent":{"entities":[{"name":")" + name + R"(","id":")" + id +
                       R"(","operation":")" + op + R"(","lastUpdated":")" + ts + R"("}]}}]})";
    auto r = ParseWebhookPayload(body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? (*r)[0].event_id : std::string();
  };
  std::set<std::string> ids = {id_of("1", "Invoice", "5", "Update", "t1"), id_of("2", "Invoice", "5", "Update", "t1"),
                               id_of("1", "Customer", "5", "Update", "t1"), id_of("1", "Invoice", "6", "Update", "t1"),
                               id_of("1", "Invoice", "5", "Create", "t1"), id_of("1", "Invoice", "5", "Update", "t2")};
  EXPECT_EQ(ids.size(), 6u);
}

}  // namespace
}  // namespace es::qbo
