// ProgressBar and TextTable: what the terminal shows.
#include "cli/progress.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/signals.h"
#include "cli/text_table.h"

namespace es::cli {
namespace {

std::string ReadAll(FILE* f) {
  fflush(f);
  rewind(f);
  std::string out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

engine::Progress Page(const std::string& entity, int64_t done, int64_t total,
                      std::map<std::string, engine::EntityCounts> counts) {
  engine::Progress p;
  p.entity = entity;
  p.done = done;
  p.total = total;
  p.counts = std::move(counts);
  return p;
}

// Customers read 80/80, then orders whose guests add 23 more customers: the
// customer line ends at what the run created (103), not at what it read.
TEST(ProgressBar, CountsWhatTheRunWroteIncludingCustomersOfOrders) {
  FILE* f = tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressBar bar("sync", f, 0);
    engine::EntityCounts customers;
    customers.fetched = 80;
    customers.created = 80;
    bar.Update(Page("customer", 80, 80, {{"customer", customers}}));
    customers.created = 103;
    engine::EntityCounts orders;
    orders.fetched = 300;
    orders.created = 218;
    orders.skipped = 82;
    engine::EntityCounts refunds;
    refunds.created = 4;
    bar.Update(Page("order", 300, 300, {{"customer", customers}, {"order", orders}, {"refund", refunds}}));
    EXPECT_EQ(ReadAll(f), "") << "nothing before Finish when not a terminal";
    bar.Finish();
  }
  std::string out = ReadAll(f);
  fclose(f);
  EXPECT_NE(out.find("customer  [########################] 80/80 read  103 created\n"), std::string::npos) << out;
  EXPECT_NE(out.find("order     [########################] 300/300 read  218 created\n"), std::string::npos) << out;
  EXPECT_NE(out.find("refund"), std::string::npos) << out;
  EXPECT_NE(out.find("4 created"), std::string::npos) << out;
  EXPECT_EQ(out.find('\033'), std::string::npos) << "no terminal codes in a pipe";
  // Finish printed the lines exactly once.
  EXPECT_EQ(out.find("103 created"), out.rfind("103 created"));
}

TEST(ProgressBar, RedrawsInPlaceOnATerminalAndSaysWhatADryRunWouldDo) {
  FILE* f = tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressBar bar("sync", f, 1);
  bar.set_dry_run(true);
  engine::EntityCounts items;
  items.fetched = 10;
  items.created = 4;
  items.updated = 1;
  bar.Update(Page("item", 5, 10, {{"item", items}}));
  bar.Update(Page("item", 10, 10, {{"item", items}}));
  bar.Finish();
  std::string out = ReadAll(f);
  fclose(f);
  EXPECT_NE(out.find("[############............] 5/10 read  4 to create, 1 to update"), std::string::npos) << out;
  EXPECT_NE(out.find("\033[1A"), std::string::npos) << "second draw moves up over the first";
  ASSERT_EQ(bar.Lines().size(), 1u);
  EXPECT_NE(bar.Lines()[0].find("10/10 read"), std::string::npos);
}

// Ctrl-C prints its note below the bars; the next draw starts under the
// note instead of moving up over it (in a child process: the stop flag is
// process-wide).
TEST(ProgressBarDeathTest, AfterCtrlCTheBarsAreDrawnBelowTheStopNote) {
  EXPECT_EXIT(
      {
        FILE* f = tmpfile();
        ProgressBar bar("sync", f, 1);
        engine::EntityCounts items;
        bar.Update(Page("item", 5, 10, {{"item", items}}));
        bar.Update(Page("item", 6, 10, {{"item", items}}));
        const long before = ftell(f);
        InstallStopSignals();
        raise(SIGINT);
        bar.Update(Page("item", 7, 10, {{"item", items}}));
        std::string out = ReadAll(f);
        const bool moved_up_before = out.substr(0, static_cast<size_t>(before)).find("\033[1A") != std::string::npos;
        const bool moved_up_after = out.substr(static_cast<size_t>(before)).find("\033[1A") != std::string::npos;
        const bool drawn_after = out.find("7/10 read", static_cast<size_t>(before)) != std::string::npos;
        exit(StopRequested() && moved_up_before && !moved_up_after && drawn_after ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

// An incremental run: the shop lists 80 customers, 1 changed since the last
// run is read. Once the run moves on to items, the customer bar is full
// ("1/1 read"), not stuck at "1/80" as if the listing had stopped.
TEST(ProgressBar, ABarIsFullOnceTheRunMovesOnToTheNextEntity) {
  FILE* f = tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressBar bar("sync", f, 0);
  engine::EntityCounts customers;
  customers.fetched = 1;
  customers.skipped = 1;
  bar.Update(Page("customer", 1, 80, {{"customer", customers}}));
  ASSERT_EQ(bar.Lines().size(), 1u);
  EXPECT_NE(bar.Lines()[0].find("] 1/80 read"), std::string::npos) << "still reading: " << bar.Lines()[0];
  engine::EntityCounts items;
  items.fetched = 2;
  bar.Update(Page("item", 2, 5, {{"customer", customers}, {"item", items}}));
  std::vector<std::string> lines = bar.Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("[########################] 1/1 read"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("] 2/5 read"), std::string::npos) << "the current listing keeps its total: " << lines[1];
  bar.Update(Page("item", 5, 5, {{"customer", customers}, {"item", items}}));
  EXPECT_NE(bar.Lines()[0].find("1/1 read"), std::string::npos) << bar.Lines()[0];
  EXPECT_NE(bar.Lines()[1].find("5/5 read"), std::string::npos) << bar.Lines()[1];
  bar.Finish();
  fclose(f);
}

TEST(TextTable, PadsColumnsAndRightAlignsNumbers) {
  TextTable t({"ENTITY", "CREATED", "NOTE"});
  t.AddRow({"customer", "103", "ok"});
  t.AddRow({"order", "7", "état"});
  EXPECT_EQ(t.Render("  "),
            "  ENTITY    CREATED  NOTE\n"
            "  customer      103  ok\n"
            "  order           7  état\n");
}

}  // namespace
}  // namespace es::cli
