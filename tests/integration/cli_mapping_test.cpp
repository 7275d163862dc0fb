// `easysale-sync mapping …` through the real binary: validation errors one
// per line naming the rule, a preview on an order fetched from the Woo
// sandbox, an imported mapping reaching the QBO sandbox's documents, and a
// rollback bringing the previous mapping back.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"
#include "support/cli_run.h"

namespace es::testing {
namespace {

es::test::CliRun RunCommand(const std::string& args) { return es::test::RunCli(ES_BINARY, args); }
using es::test::Quote;

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::filesystem::path WriteFile(const std::string& name, const Json& doc) {
  auto path = std::filesystem::temp_directory_path() / ("es-mapping-" + std::to_string(getpid()) + "-" + name);
  std::ofstream(path) << DumpJson(doc);
  return path;
}

Json Mapping(const std::string& note_prefix) {
  return {{"name", "order"},
          {"entity", "order"},
          {"target", "qbo"},
          {"rules", Json::array({
                        {{"source", "billing.email"},
                         {"target", "CustomField.1"},
                         {"label", "Email"},
                         {"transforms", Json::array({{{"op", "upper"}}})}},
                        {{"source", Json::array({"number", "billing.last_name"})},
                         {"target", "PrivateNote"},
                         {"transforms", Json::array({{{"op", "concat"}, {"separator", " / "}, {"prefix", note_prefix}}})}},
                    })}};
}

// The order documents in the QBO sandbox, by DocNumber.
std::map<std::string, Json> Documents(const qbo::sandbox::Server& qbo) {
  std::map<std::string, Json> out;
  for (const char* kind : {"Invoice", "SalesReceipt"})
    for (const Json& d : qbo.AllEntities(kind)) out[d.value("DocNumber", std::string())] = d;
  return out;
}

std::string CustomField(const Json& doc, const std::string& id) {
  if (!doc.contains("CustomField")) return "";
  for (const Json& f : doc["CustomField"])
    if (f.value("DefinitionId", std::string()) == id) return f.value("StringValue", std::string());
  return "";
}

TEST(CliMapping, ValidateReportsEachErrorNamingTheRule) {
  Json bad = {{"name", "order"},
              {"entity", "order"},
              {"target", "qbo"},
              {"rules", Json::array({{{"source", "billing.emial"}, {"target", "PrivateNote"}},
                                     {{"source", "id"}, {"target", "CustomerMemo"},
                                      {"transforms", Json::array({{{"op", "shout"}}})}},
                                     {{"source", "id"}, {"target", "CustomField.1"}},
                                     {{"source", "id"}, {"target", "CustomField.2"}},
                                     {{"source", "id"}, {"target", "CustomField.3"}},
                                     {{"source", "id"}, {"target", "CustomField.4"}}})}};
  auto file = WriteFile("bad.json", bad);
  auto r = RunCommand("mapping validate " + file.string());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("\nrules[0].source: 'billing.emial': unknown field 'billing.emial'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\nrules[1].transforms[0].op: unknown transform 'shout'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\nrules[5].target: more than 3 QBO custom fields"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("3 errors"), std::string::npos) << r.err;

  auto good = WriteFile("good.json", Mapping("Order "));
  r = RunCommand("mapping validate " + good.string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("valid: mapping 'order'"), std::string::npos);
  std::filesystem::remove(file);
  std::filesystem::remove(good);
}

TEST(CliMapping, PreviewImportSyncAndRollback) {
  woo::sandbox::Options wo;
  wo.orders = 6;
  wo.seed = 21;
  woo::sandbox::Server woo(wo);
  qbo::sandbox::Options qo;
  qbo::sandbox::Server qbo(qo);
  ASSERT_TRUE(woo.Start(0).ok());
  ASSERT_TRUE(qbo.Start(0).ok());
  auto tokens = qbo.IssueTokens();
  auto db = std::filesystem::temp_directory_path() / ("es-cli-mapping-" + std::to_string(getpid()) + ".db");
  std::filesystem::remove(db);
  const std::string store = "--store sqlite://" + db.string() + " --tenant shop1";
  setenv("EASYSALE_MASTER_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 1);
  ASSERT_EQ(RunCommand("tenant add shop1 --store sqlite://" + db.string()).exit_code, 0);
  Json woo_config = {{"base_url", woo.base_url()}};
  Json woo_secret = {{"consumer_key", wo.consumer_key}, {"consumer_secret", wo.consumer_secret}};
  auto r = RunCommand("connection add " + store + " --id woo --kind woo --config " + Quote(DumpJson(woo_config)) +
                      " --secret " + Quote(DumpJson(woo_secret)));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json qbo_config = {{"api_base", qbo.base_url()}, {"token_url", qbo.token_url()}, {"realm_id", qo.realm_id},
                     {"client_id", qo.client_id}};
  Json qbo_secret = {{"client_secret", qo.client_secret}, {"access_token", tokens.access_token},
                     {"refresh_token", tokens.refresh_token}, {"access_expires_at_ms", 0}};
  r = RunCommand("connection add " + store + " --id qbo --kind qbo --config " + Quote(DumpJson(qbo_config)) +
                 " --secret " + Quote(DumpJson(qbo_secret)));
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // Preview on the newest order of the Woo sandbox.
  auto v1 = WriteFile("v1.json", Mapping("Order "));
  r = RunCommand("mapping preview " + store + " --json " + v1.string());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto preview = ParseJson(r.out);
  ASSERT_TRUE(preview.ok()) << r.out;
  const Json& values = (*preview)["sample"]["values"];
  const std::string email = values["billing.email"].get<std::string>();
  ASSERT_NE(email.find('@'), std::string::npos);
  EXPECT_EQ(CustomField((*preview)["output"], "1"), Upper(email).substr(0, 31));
  const std::string last = values["billing.last_name"].get<std::string>();
  EXPECT_EQ((*preview)["output"]["PrivateNote"],
            "Order " + values["number"].get<std::string>() + (last.empty() ? "" : " / " + last));
  EXPECT_TRUE((*preview)["errors"].empty());
  const std::string sample_id = (*preview)["sample"]["sourceId"].get<std::string>();
  // Text form, one order by id.
  r = RunCommand("mapping preview " + store + " --order " + sample_id + " " + v1.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("billing.email = \"" + email + "\""), std::string::npos) << r.out;

  // Import, sync, and the documents carry the mapped values.
  r = RunCommand("mapping import " + store + " " + v1.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("version 1"), std::string::npos);
  r = RunCommand("sync " + store + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto docs = Documents(qbo);
  ASSERT_FALSE(docs.empty());
  for (const auto& [number, doc] : docs) {
    const std::string cf = CustomField(doc, "1");
    EXPECT_NE(cf.find('@'), std::string::npos) << number;
    EXPECT_EQ(cf, Upper(cf)) << number;
    EXPECT_EQ(doc.value("PrivateNote", std::string()).rfind("Order " + number, 0), 0u)
        << number << ": " << doc.value("PrivateNote", std::string());
  }

  // A second version changes the note; rolling back to 1 brings the first back.
  auto v2 = WriteFile("v2.json", Mapping("Woo "));
  ASSERT_EQ(RunCommand("mapping import " + store + " " + v2.string()).exit_code, 0);
  r = RunCommand("sync " + store + " --mode full --json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& [number, doc] : Documents(qbo))
    EXPECT_EQ(doc.value("PrivateNote", std::string()).rfind("Woo " + number, 0), 0u) << number;
  r = RunCommand("mapping rollback " + store + " order 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("version 3"), std::string::npos) << r.out;
  r = RunCommand("mapping versions " + store + " order --json");
  ASSERT_EQ(r.exit_code, 0);
  auto versions = ParseJson(r.out);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[0]["note"], "rollback to 1");
  r = RunCommand("mapping export " + store + " order");
  ASSERT_EQ(r.exit_code, 0);
  auto exported = ParseJson(r.out);
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(*exported, Mapping("Order "));
  r = RunCommand("sync " + store + " --mode full --json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& [number, doc] : Documents(qbo))
    EXPECT_EQ(doc.value("PrivateNote", std::string()).rfind("Order " + number, 0), 0u) << number;

  std::filesystem::remove(v1);
  std::filesystem::remove(v2);
  std::filesystem::remove(db);
}

}  // namespace
}  // namespace es::testing
