#include "cli/cli_common.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "store/factory/open_store.h"

namespace es::cli {

void AddCommon(CLI::App* cmd, Common& c) {
  cmd->add_option("--store", c.store_url, "state store URL")->envname("EASYSALE_STORE_URL");
  cmd->add_option("--tenant", c.tenant, "tenant id");
  cmd->add_flag("--json", c.json, "print JSON");
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

int Fail(const std::string& what, const Status& s) {
  fprintf(stderr, "error: %s: %s\n", what.c_str(), s.ToString().c_str());
  return s.IsValidation() || s.IsNotFound() ? 2 : 1;
}

std::unique_ptr<store::StateStore> Open(const Common& c, int* rc) {
  auto s = store::OpenStore(c.store_url);
  if (!s.ok()) {
    *rc = Fail("opening the state store", s.status());
    return nullptr;
  }
  return std::move(*s);
}

engine::EngineOptions CliEngineOptions() {
  engine::EngineOptions options;
  if (const char* lease = getenv("EASYSALE_LOCK_LEASE_MS"); lease != nullptr && atoll(lease) > 0)
    options.lock_lease_ms = atoll(lease);
  return options;
}

}  // namespace es::cli
