#include "cli/confirm_prompt.h"

#include <cctype>
#include <cstdlib>
#include <string>

#include "cli/cli_common.h"
#include "common/clock.h"
#include "engine/sync_plan.h"
#include "engine/sync_types.h"
#include "server/mapping_preview.h"

namespace es::cli {
namespace {

void PrintEntities(const engine::PlanSummary& plan, FILE* out) {
  for (const auto& [entity, by_op] : plan.ops) {
    std::string line;
    for (const auto& [op, n] : by_op) {
      if (op == "skip" || op == "fail") continue;
      if (!line.empty()) line += ", ";
      line += op + " " + std::to_string(n);
    }
    if (!line.empty()) fprintf(out, "  %-10s %s\n", engine::RouteEntity(entity).c_str(), line.c_str());
  }
}

void PrintSummary(const engine::PlanSummary& plan, FILE* out) {
  fprintf(out, "This sync would write %lld records:\n", static_cast<long long>(plan.touched));
  PrintEntities(plan, out);
  if (plan.destructive > 0)
    fprintf(out, "WARNING: %lld of them void, delete or overwrite records in the target.\n",
            static_cast<long long>(plan.destructive));
}

// One line from `in`; true for "y" or "yes" (any case).
bool AskYes(const char* question, FILE* in, FILE* out) {
  fprintf(out, "%s [y/N] ", question);
  fflush(out);
  char buf[64];
  if (fgets(buf, sizeof buf, in) == nullptr) {
    fprintf(out, "\n");
    return false;
  }
  std::string answer;
  for (const char* p = buf; *p != '\0'; ++p)
    if (!std::isspace(static_cast<unsigned char>(*p))) answer.push_back(static_cast<char>(std::tolower(*p)));
  return answer == "y" || answer == "yes";
}

}  // namespace

bool AssumeYesFromEnv() {
  const char* v = std::getenv("EASYSALE_YES");
  if (v == nullptr) return false;
  const std::string s = v;
  return s == "1" || s == "yes" || s == "true";
}

int ConfirmSync(engine::Orchestrator& orchestrator, store::StateStore& store, http::Transport& transport,
                const engine::SyncRequest& request, bool interactive, FILE* in, FILE* out) {
  if (interactive) fprintf(out, "Planning the sync (nothing is written)...\n");
  auto plan = engine::PlanSync(orchestrator.registry(), store, transport, SystemClock::Get(), orchestrator.options(),
                               request);
  if (!plan.ok()) return Fail("planning the sync", plan.status());
  if (!plan->NeedsConfirmation()) return 0;
  if (!interactive) {
    fprintf(stderr,
            "error: this sync would write %lld records%s; add --yes to run it without a terminal to confirm\n",
            static_cast<long long>(plan->touched), plan->destructive > 0 ? " (some destructively)" : "");
    return 2;
  }
  PrintSummary(*plan, out);
  return AskToProceed(*plan, in, out);
}

int AskToProceed(const engine::PlanSummary& plan, FILE* in, FILE* out) {
  if (!AskYes("Proceed?", in, out)) {
    fprintf(out, "Nothing written.\n");
    return 1;
  }
  if (plan.destructive > 0 &&
      !AskYes(("Really void, delete or overwrite " + std::to_string(plan.destructive) + " records?").c_str(), in,
              out)) {
    fprintf(out, "Nothing written.\n");
    return 1;
  }
  return 0;
}

int ConfirmMappingChange(store::StateStore& store, const std::string& tenant, const std::string& name,
                         const mapping::FieldMap& map, bool interactive, FILE* in, FILE* out) {
  auto plan = server::MappingChangePlan(store, tenant, map);
  if (!plan.ok()) return Fail("counting the records mapping '" + name + "' applies to", plan.status());
  if (!plan->NeedsConfirmation()) return 0;
  const std::string what = "mapping '" + name + "' applies to " + std::to_string(plan->touched) + " " +
                           map.entity + " records already synced";
  if (!interactive) {
    fprintf(stderr, "error: %s; add --yes to change it without a terminal to confirm\n", what.c_str());
    return 2;
  }
  fprintf(out, "Changing %s: their next sync writes them with this version.\n", what.c_str());
  PrintEntities(*plan, out);
  return AskToProceed(*plan, in, out);
}

}  // namespace es::cli
