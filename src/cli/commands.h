// The `easysale-sync` command line. Each command registers itself on the
// CLI11 app; main.cpp only calls Main(). Commands print human text by
// default and one JSON object with --json; errors go to stderr with a
// non-zero exit code.
#pragma once

#include <CLI/CLI.hpp>

namespace es::cli {

int Main(int argc, char** argv);

void AddSandboxCommand(CLI::App& app);
void AddDemoCommand(CLI::App& app);
void AddSyncCommand(CLI::App& app);         // sync
void AddStatusCommand(CLI::App& app);       // status
void AddReconcileCommand(CLI::App& app);    // reconcile [--fix [--yes]]
void AddConnectionCommands(CLI::App& app);  // connection add|list|test
void AddTenantCommands(CLI::App& app);      // tenant add|list|remove
void AddKeyCommand(CLI::App& app);          // key generate
void AddConfigCommands(CLI::App& app);      // config set|show
void AddServeCommand(CLI::App& app);  // serve (HTTP API)
void AddTokenCommand(CLI::App& app);  // token (JWT for the API)
void AddRunsCommands(CLI::App& app);  // runs list|stop
void AddWorkerCommands(CLI::App& app);  // worker, jobs list|show|enqueue
void AddScheduleCommands(CLI::App& app);  // schedule add|list|remove|next|run-now
void AddUserCommands(CLI::App& app);  // user add|list|remove (dashboard sign-in)
void AddConflictsCommands(CLI::App& app);  // conflicts list|resolve|policy
void AddMappingCommands(CLI::App& app);  // mapping validate|preview|import|export|list|versions|rollback
void AddNotifyCommands(CLI::App& app);  // notify set|show|test

// Exit code a command's callback sets (CLI11 callbacks return void).
void SetExitCode(int code);

}  // namespace es::cli
