#include "cli/cli_common.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <strings.h>
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

// "error: <what>: [<category> <code>] <message>": the category only when it
// says more than the message (not for bad input or unknown names), and
// `what` left out when the message already starts with it, so that no
// prefix is printed twice.
int Fail(const std::string& what, const Status& s) {
  const std::string& msg = s.message();
  bool repeats = msg.size() >= what.size() && strncasecmp(msg.c_str(), what.c_str(), what.size()) == 0 &&
                 (msg.size() == what.size() || strchr(" :'(", msg[what.size()]) != nullptr);
  std::string line = "error: ";
  if (!repeats && !what.empty()) line += what + ": ";
  if (!s.IsValidation() && !s.IsNotFound())
    line += "[" + std::string(CategoryName(s.category())) + (s.code().empty() ? "" : " " + s.code()) + "] ";
  else if (!s.code().empty())
    line += "[" + s.code() + "] ";
  line += msg;
  fprintf(stderr, "%s\n", line.c_str());
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
