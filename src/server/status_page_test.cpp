// The demo's status page: counts as tables, what a filter left out, the
// failed queue grouped by cause, every value escaped.
#include "server/status_page.h"

#include <gtest/gtest.h>

namespace es::server {
namespace {

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

store::FailedRecord Failure(const std::string& id, const std::string& message, const std::string& category = "network") {
  store::FailedRecord f;
  f.entity = "order";
  f.source_id = id;
  f.category = category;
  f.message = message;
  return f;
}

Json Counts() {
  return {{"order", {{"fetched", 300}, {"created", 218}, {"skipped", 82}, {"failed", 0},
                     {"filtered", {{"status pending", 40}, {"status cancelled", 30}, {"status failed", 12}}}}},
          {"customer", {{"fetched", 80}, {"created", 103}, {"skipped", 0}}},
          {"refund", {{"created", 4}, {"linked", 1}}}};
}

TEST(StatusPage, NotSyncedNotesSayHowManyAndWhyPerEntity) {
  auto notes = NotSyncedNotes(Counts());
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "82 orders not synced: status pending 40, cancelled 30, failed 12");
  EXPECT_EQ(NotSynced(Counts()), 82);
  EXPECT_EQ(CountedWrites(Counts()), 218 + 103 + 4 + 1);
  EXPECT_EQ(EntityOrder(Counts()), (std::vector<std::string>{"customer", "order", "refund"}));
  EXPECT_TRUE(NotSyncedNotes(Json::object()).empty());
}

TEST(StatusPage, FailuresGroupByCauseWithExamples) {
  std::vector<store::FailedRecord> failed;
  for (int i = 0; i < 7; ++i)
    failed.push_back(Failure(std::to_string(100 + i), "writing to qbo: connection refused (port 9)"));
  failed.push_back(Failure("200", "order 200: customer not resolved", "validation"));
  failed.push_back(Failure("201", "order 201: customer not resolved", "validation"));
  Json groups = GroupFailures(failed, 3);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0]["count"], 7);
  EXPECT_EQ(groups[0]["category"], "network");
  EXPECT_EQ(groups[0]["examples"], Json({"100", "101", "102"}));
  EXPECT_EQ(groups[1]["count"], 2) << "messages differing only in ids are one cause";
}

TEST(StatusPage, RendersCountsAsTablesAndEscapesEverything) {
  Json run = {{"id", "1234abcd-<run>"},
              {"status", "succeeded"},
              {"mode", "full"},
              {"dry_run", false},
              {"started_at", "2026-12-06T10:00:00Z"},
              {"duration_ms", 4200},
              {"fetched", 380},
              {"created", 326},
              {"updated", 0},
              {"skipped", 82},
              {"failed", 0},
              {"writes", 326},
              {"counts", Counts()},
              {"not_synced_notes", NotSyncedNotes(Counts())},
              {"error", "<script>alert(1)</script>"}};
  Json dry = run;
  dry["id"] = "99990000-dry";
  dry["dry_run"] = true;
  dry["writes"] = 9;
  Json status = {{"tenant", "t&1"},
                 {"runs", {run, dry}},
                 {"failed_total", 7},
                 {"failed_groups", GroupFailures({Failure("5", "refused <x>"), Failure("6", "refused <x>")})}};
  Json extra = {{"first sync", DumpJson({{"customers", 103}, {"items", 30}})}, {"url", "http://a/?x=<1>"}};
  std::string h = RenderStatusHtml(status, extra);
  // The summary's objects are tables, not raw JSON.
  EXPECT_FALSE(Has(h, "{&quot;customers&quot;")) << h;
  EXPECT_TRUE(Has(h, "<tr><th>customers</th><td class=\"num\">103</td></tr>")) << h;
  EXPECT_TRUE(Has(h, "http://a/?x=&lt;1&gt;"));
  // Per-entity breakdown and the filter explained.
  EXPECT_TRUE(Has(h, "Latest run by entity"));
  EXPECT_TRUE(Has(h, "<td>customer</td><td class=\"num\">80</td><td class=\"num\">103</td>")) << h;
  EXPECT_TRUE(Has(h, "82 orders not synced: status pending 40, cancelled 30, failed 12"));
  EXPECT_TRUE(Has(h, "order_statuses"));
  // Dry runs are marked and not shown as writes.
  EXPECT_TRUE(Has(h, "dry run: 9 writes planned"));
  // Failed records grouped.
  EXPECT_TRUE(Has(h, "<td class=\"num\">2</td><td>order</td><td>network</td>")) << h;
  // Everything escaped.
  EXPECT_FALSE(Has(h, "<script>"));
  EXPECT_TRUE(Has(h, "&lt;script&gt;"));
  EXPECT_TRUE(Has(h, "t&amp;1"));
  EXPECT_FALSE(Has(h, "<x>"));
}

TEST(StatusPage, AnEmptyStatusRenders) {
  std::string h = RenderStatusHtml(Json{{"tenant", "t"}});
  EXPECT_TRUE(Has(h, "Failed records (0)"));
  EXPECT_TRUE(Has(h, "None."));
}

}  // namespace
}  // namespace es::server
