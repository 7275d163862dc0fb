// WarehouseTarget planning and applying against a scripted writer and a
// recording SyncContext (no database), and the platform's settings checks.
#include "connectors/supabase/sync/warehouse_target.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "connectors/supabase/sync/supabase_platform.h"
#include "store/factory/open_store.h"

namespace es::supabase {
namespace {

using engine::OpKind;
using engine::PlanOp;
using ::testing::HasSubstr;

// Answers every row with the outcome scripted for its source id (inserted
// when none) and remembers what it was asked.
class ScriptedWriter final : public WarehouseWriter {
 public:
  std::map<std::string, RowOutcome::Kind> outcome;  // by row source id
  std::vector<std::pair<Table, std::vector<std::string>>> upserts;
  std::vector<std::string> stale_parents, stale_keep;
  Status fail_table;  // returned for every upsert when set

  Status Prepare() override { return Status::Ok(); }
  Result<UpsertResult> Upsert(Table table, const std::vector<Row>& rows) override {
    if (!fail_table.ok()) return fail_table;
    UpsertResult r;
    std::vector<std::string> ids;
    for (const Row& row : rows) {
      ids.push_back(row.source_id());
      RowOutcome o;
      auto it = outcome.find(row.source_id());
      o.kind = it == outcome.end() ? RowOutcome::Kind::kInserted : it->second;
      if (o.kind == RowOutcome::Kind::kFailed) o.error = Status::Validation("violates check constraint \"nope\"");
      r.outcomes.push_back(o);
    }
    upserts.emplace_back(table, ids);
    return r;
  }
  Result<int64_t> DeleteStale(Table table, const std::string& source, const std::string& parent_column,
                              const std::vector<std::string>& parent_ids,
                              const std::vector<std::string>& keep_ids) override {
    EXPECT_EQ(table, Table::kOrderLines);
    EXPECT_EQ(source, "t1/woo");
    EXPECT_EQ(parent_column, "order_id");
    stale_parents = parent_ids;
    stale_keep = keep_ids;
    return 0;
  }
  Result<int64_t> CountRows(Table, const std::string&) override { return 0; }
  Status Ping() override { return Status::Ok(); }
  std::string_view mode() const override { return "scripted"; }
};

class RecordingContext final : public engine::SyncContext {
 public:
  explicit RecordingContext(bool dry_run) {
    info_.tenant_id = "t1";
    info_.source_connection = "woo";
    info_.target_connection = "wh";
    info_.run_id = "run1";
    info_.dry_run = dry_run;
  }
  std::map<std::pair<std::string, std::string>, store::IdMapping> mappings;
  std::vector<std::string> log;  // "done create order 5", "skipped order_line 5:1 unchanged", …

  const engine::RunInfo& run() const override { return info_; }
  Clock& clock() override { return SystemClock::Get(); }
  Result<std::optional<store::IdMapping>> Mapping(const std::string& entity, const std::string& id) override {
    auto it = mappings.find({entity, id});
    if (it == mappings.end()) return std::optional<store::IdMapping>();
    return std::optional<store::IdMapping>(it->second);
  }
  Result<std::optional<store::IdMapping>> MappingByTarget(const std::string&, const std::string&) override {
    return std::optional<store::IdMapping>();
  }
  bool HadIntent(const std::string&, const std::string&) override { return false; }
  Status Intend(const PlanOp&, const std::string&) override { return Status::Ok(); }
  Status Done(const PlanOp& op, const engine::Written& w) override {
    log.push_back(std::string("done ") + engine::OpKindName(op.kind) + " " + op.entity + " " + op.source_id);
    store::IdMapping m;
    m.entity = op.entity;
    m.source_id = op.source_id;
    m.target_id = w.target_id;
    m.target_type = w.target_type;
    m.fingerprint = w.fingerprint;
    mappings[{op.entity, op.source_id}] = m;
    return Status::Ok();
  }
  void Failed(const PlanOp& op, const Status& s) override {
    log.push_back("failed " + op.entity + " " + op.source_id + ": " + s.message());
  }
  void Skipped(const PlanOp& op) override { log.push_back("skipped " + op.entity + " " + op.source_id + " " + op.reason); }
  bool Crash(const char*) override { return false; }
  bool Stopping() const override { return false; }

 private:
  engine::RunInfo info_;
};

model::Order PaidOrder(const std::string& id, int lines) {
  model::Order o;
  o.source_id = id;
  o.number = id;
  o.status = model::OrderStatus::kProcessing;
  o.currency = "USD";
  o.created_at_ms = o.modified_at_ms = 1'700'000'000'000;
  for (int i = 1; i <= lines; ++i) {
    model::LineItem l;
    l.source_id = std::to_string(i);
    l.product_id = "10";
    l.name = "Mug";
    l.quantity = Decimal::FromInt(1);
    l.subtotal = l.total = model::Money(500, "USD");
    l.subtotal_tax = l.total_tax = model::Money(0, "USD");
    o.lines.push_back(l);
  }
  o.total = model::Money(500 * lines, "USD");
  o.payment.method = "bacs";
  o.payment.paid_at_ms = 1'700'000'100'000;
  return o;
}

engine::SourceRecord Rec(model::Order o) {
  engine::SourceRecord r;
  r.source_id = o.source_id;
  r.raw = {{"id", std::stoll(o.source_id)}, {"line_items", Json::array()}};
  r.value = std::move(o);
  return r;
}

struct Harness {
  std::unique_ptr<store::StateStore> store;
  ScriptedWriter* writer = nullptr;
  std::unique_ptr<WarehouseTarget> target;

  Harness() {
    auto opened = store::OpenStore(":memory:");
    EXPECT_TRUE(opened.ok());
    store = std::move(opened).value();
    auto w = std::make_unique<ScriptedWriter>();
    writer = w.get();
    target = std::make_unique<WarehouseTarget>(std::move(w), *store, "t1", SystemClock::Get());
  }
};

std::vector<std::string> Ops(const engine::Plan& plan) {
  std::vector<std::string> out;
  for (const PlanOp& op : plan.ops)
    out.push_back(std::string(engine::OpKindName(op.kind)) + " " + op.entity + " " + op.source_id + " @" +
                  op.record_id + " " + op.target_type);
  return out;
}

TEST(WarehouseTarget, PlansLinesBeforeTheirOrderThenPaymentAndQboRows) {
  Harness h;
  store::Connection qbo;
  qbo.tenant_id = "t1";
  qbo.id = "qbo";
  qbo.kind = "qbo";
  ASSERT_TRUE(h.store->PutConnection(qbo).ok());
  store::IdMapping m;
  m.tenant_id = "t1";
  m.source_connection = "woo";
  m.target_connection = "qbo";
  m.entity = "order";
  m.source_id = "5";
  m.target_type = "Invoice";
  m.target_id = "130";
  ASSERT_TRUE(h.store->PutMapping(m).ok());
  RecordingContext ctx(false);
  auto plan = h.target->PlanPage("order", {Rec(PaidOrder("5", 2))}, ctx);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_THAT(Ops(*plan), ::testing::ElementsAre("update order_line 5:1 @5 order_lines", "update order_line 5:2 @5 order_lines",
                                                 "update order 5 @5 orders", "update payment 5 @5 payments",
                                                 "update invoice 5:qbo @5 invoices",
                                                 "update id_mapping order:5:qbo @5 id_mappings"));
  EXPECT_EQ(plan->ops[2].payload["total"], "10.00");
  EXPECT_FALSE(plan->ops[2].payload.contains("raw"));
  EXPECT_EQ(plan->estimated_requests, 6);  // five tables and the stale-line clean-up
}

TEST(WarehouseTarget, AppliesOutcomesAndFailsAnOrderWithARefusedLine) {
  Harness h;
  RecordingContext ctx(false);
  auto plan = h.target->PlanPage("order", {Rec(PaidOrder("5", 1)), Rec(PaidOrder("6", 2)), Rec(PaidOrder("7", 1))}, ctx);
  ASSERT_TRUE(plan.ok());
  h.writer->outcome["6:2"] = RowOutcome::Kind::kFailed;
  h.writer->outcome["5:1"] = RowOutcome::Kind::kUnchanged;
  h.writer->outcome["5"] = RowOutcome::Kind::kUpdated;
  ASSERT_TRUE(h.target->Apply(*plan, ctx).ok());
  EXPECT_THAT(ctx.log, ::testing::ElementsAre(
                           "skipped order_line 5:1 unchanged", "done create order_line 6:1",
                           "failed order_line 6:2: violates check constraint \"nope\"", "done create order_line 7:1",
                           "failed order 6: order_line 6:2: violates check constraint \"nope\"",
                           "done update order 5", "done create order 7", "skipped payment 6 order 6 was not written",
                           "done update payment 5", "done create payment 7"));
  // Order 6 was never sent; the clean-up covers the stored orders only.
  ASSERT_EQ(h.writer->upserts.size(), 3u);
  EXPECT_THAT(h.writer->upserts[1].second, ::testing::ElementsAre("5", "7"));
  EXPECT_THAT(h.writer->stale_parents, ::testing::ElementsAre("5", "7"));
  EXPECT_THAT(h.writer->stale_keep, ::testing::ElementsAre("5:1", "7:1"));
  // Written rows are mapped with their content hash.
  const store::IdMapping& seven = ctx.mappings[std::make_pair(std::string("order"), std::string("7"))];
  EXPECT_EQ(seven.target_type, "orders");
  for (const PlanOp& op : plan->ops)
    if (op.entity == "order" && op.source_id == "7") {
      EXPECT_EQ(seven.fingerprint, op.fingerprint);
    }
}

TEST(WarehouseTarget, DryRunPredictsFromTheIdMap) {
  Harness h;
  RecordingContext ctx(false);
  auto first = h.target->PlanPage("order", {Rec(PaidOrder("5", 1)), Rec(PaidOrder("6", 1))}, ctx);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(h.target->Apply(*first, ctx).ok());
  RecordingContext dry(true);
  dry.mappings = ctx.mappings;
  model::Order changed = PaidOrder("6", 1);
  changed.billing.email = "new@example.com";
  auto plan = h.target->PlanPage("order", {Rec(PaidOrder("5", 1)), Rec(changed), Rec(PaidOrder("8", 1))}, dry);
  ASSERT_TRUE(plan.ok());
  std::map<std::string, std::string> order_ops;
  for (const PlanOp& op : plan->ops)
    if (op.entity == "order") order_ops[op.source_id] = std::string(engine::OpKindName(op.kind)) + " " + op.reason;
  EXPECT_EQ(order_ops["5"], "skip unchanged");
  EXPECT_EQ(order_ops["6"], "update content changed");
  EXPECT_EQ(order_ops["8"], "create new row");
}

TEST(WarehouseTarget, ARecordWhoseRowsCannotBeBuiltFailsAlone) {
  Harness h;
  RecordingContext ctx(false);
  model::Order kwd = PaidOrder("9", 1);
  kwd.currency = "KWD";
  kwd.total = model::Money(29355, "KWD");
  auto plan = h.target->PlanPage("order", {Rec(kwd), Rec(PaidOrder("10", 1))}, ctx);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->ops[0].kind, OpKind::kFail);
  EXPECT_EQ(plan->ops[0].source_id, "9");
  EXPECT_THAT(plan->ops[0].error.message(), HasSubstr("more than 2 decimals"));
  ASSERT_TRUE(h.target->Apply(*plan, ctx).ok());
  EXPECT_THAT(ctx.log, ::testing::Contains("done create order 10"));
  for (const auto& line : ctx.log) EXPECT_THAT(line, ::testing::Not(HasSubstr(" 9")));
}

TEST(WarehouseTarget, AWholeBatchFailureStopsTheRun) {
  Harness h;
  RecordingContext ctx(false);
  auto plan = h.target->PlanPage("order", {Rec(PaidOrder("5", 1))}, ctx);
  ASSERT_TRUE(plan.ok());
  h.writer->fail_table = Status::Authentication("warehouse login refused");
  Status s = h.target->Apply(*plan, ctx);
  EXPECT_EQ(s.category(), ErrorCategory::kAuthentication);
  EXPECT_THAT(s.message(), HasSubstr("writing order_lines"));
  EXPECT_TRUE(ctx.log.empty());
}

TEST(SupabasePlatform, ValidateNamesTheKey) {
  auto check = [](const Json& config, const Json& secret) { return ValidateWarehouseSettings(config, secret); };
  EXPECT_TRUE(check({{"url", "postgres://etl@db:5432/a"}}, {{"password", "pw"}}).ok());
  EXPECT_TRUE(check({{"mode", "rest"}, {"rest_url", "https://abc.supabase.co"}}, {{"service_key", "sb_secret_x"}}).ok());
  EXPECT_THAT(check(Json::object(), Json::object()).message(), HasSubstr("config: 'url' is missing"));
  EXPECT_THAT(check({{"mode", "rest"}, {"rest_url", "https://abc.supabase.co"}}, Json::object()).message(),
              HasSubstr("secret: 'service_key' is missing"));
  EXPECT_THAT(check({{"url", "postgres://db/a"}, {"colour", 1}}, Json::object()).message(),
              HasSubstr("config: unknown key 'colour'"));
  EXPECT_THAT(check({{"url", "postgres://db/a"}}, {{"token", "x"}}).message(), HasSubstr("secret: unknown key 'token'"));
  EXPECT_THAT(check({{"url", "mysql://db/a"}}, Json::object()).message(), HasSubstr("config: 'url' must start with"));
  EXPECT_THAT(check({{"url", "postgres://db/a"}, {"bulk_threshold", "many"}}, Json::object()).message(),
              HasSubstr("config: 'bulk_threshold' must be a whole number"));
  EXPECT_THAT(check({{"url", "postgres://db/a"}, {"schema", "a-b"}}, Json::object()).message(),
              HasSubstr("config: 'schema' must be letters"));
  Status pw = check({{"url", "postgres://etl:hunter2@db/a"}}, Json::object());
  EXPECT_THAT(pw.message(), HasSubstr("config: 'url' must not hold the password"));
  EXPECT_THAT(pw.message(), ::testing::Not(HasSubstr("hunter2")));
}

TEST(SupabasePlatform, ConfigOfAConnectionAndItsKind) {
  store::Connection c;
  c.id = "wh";
  c.kind = "supabase";
  c.config = {{"url", "postgres://etl@db/a"}, {"schema", "dw"}};
  c.secret = DumpJson({{"password", "pw"}});
  auto cfg = WarehouseConfigOf(c);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->password, "pw");
  EXPECT_EQ(cfg->schema, "dw");
  c.kind = "qbo";
  EXPECT_THAT(WarehouseConfigOf(c).status().message(), HasSubstr("not supabase"));
  engine::Platform p = SupabasePlatform();
  EXPECT_EQ(p.kind, "supabase");
  EXPECT_EQ(p.writes, (std::vector<std::string>{"customer", "item", "order", "refund"}));
  EXPECT_TRUE(p.make_target && p.probe && p.validate);
  EXPECT_FALSE(p.make_source);
}

}  // namespace
}  // namespace es::supabase
