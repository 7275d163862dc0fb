#include <cstdio>

#include "cli/commands.h"

namespace es::cli {
namespace {
int g_exit_code = 0;
}  // namespace

void SetExitCode(int code) { g_exit_code = code; }

int Main(int argc, char** argv) {
  CLI::App app{"EasySale Sync: keeps WooCommerce, QuickBooks Online and a PostgreSQL warehouse consistent."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "easysale-sync 0.1.0");
  AddDemoCommand(app);
  AddSyncCommand(app);
  AddStatusCommand(app);
  AddReconcileCommand(app);
  AddTenantCommands(app);
  AddConnectionCommands(app);
  AddKeyCommand(app);
  AddConfigCommands(app);
  AddSandboxCommand(app);
  AddServeCommand(app);
  AddTokenCommand(app);
  AddRunsCommands(app);
  AddWorkerCommands(app);
  AddScheduleCommands(app);
  AddUserCommands(app);
  AddConflictsCommands(app);
  AddMappingCommands(app);
  AddNotifyCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and --version exit 0; every other parse error is bad input.
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return g_exit_code;
}

}  // namespace es::cli
