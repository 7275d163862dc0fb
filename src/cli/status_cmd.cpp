// `status`: recent runs and failed records of a tenant.
#include <cstdio>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "server/status_page.h"

namespace es::cli {
namespace {

int RunStatusCmd(const Common& c) {
  int rc = 0;
  auto store = OpenForTenant(c, &rc);
  if (!store) return rc;
  Json s = server::StatusJson(*store, c.tenant);
  if (c.json) {
    printf("%s\n", DumpJson(s).c_str());
    return 0;
  }
  printf("Tenant %s — last %zu runs:\n", c.tenant.c_str(), s["runs"].size());
  for (const auto& r : s["runs"]) {
    printf("  %s  %-9s %-11s fetched %lld created %lld updated %lld unchanged %lld failed %lld %s\n",
           r["started_at"].get<std::string>().c_str(), r["status"].get<std::string>().c_str(),
           r["mode"].get<std::string>().c_str(), static_cast<long long>(r["fetched"].get<int64_t>()),
           static_cast<long long>(r["created"].get<int64_t>()), static_cast<long long>(r["updated"].get<int64_t>()),
           static_cast<long long>(r["skipped"].get<int64_t>()), static_cast<long long>(r["failed"].get<int64_t>()),
           r["error"].get<std::string>().c_str());
  }
  printf("Failed records: %zu\n", s["failed"].size());
  for (const auto& f : s["failed"])
    printf("  %s %s [%s] %s (retries %lld)\n", f["entity"].get<std::string>().c_str(),
           f["source_id"].get<std::string>().c_str(), f["category"].get<std::string>().c_str(),
           f["message"].get<std::string>().c_str(), static_cast<long long>(f["retry_count"].get<int64_t>()));
  return 0;
}

}  // namespace

void AddStatusCommand(CLI::App& app) {
  auto status = std::make_shared<Common>();
  auto* st = app.add_subcommand("status", "Recent runs and failed records of a tenant");
  AddCommon(st, *status);
  st->callback([status] { SetExitCode(RunStatusCmd(*status)); });

}

}  // namespace es::cli
