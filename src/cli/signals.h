// Ctrl-C / SIGTERM handling for long-running commands.
#pragma once

#include <atomic>

namespace es::cli {

// Installs SIGINT/SIGTERM handlers that set the returned flag.
std::atomic<bool>& InstallStopSignals();
// Sleeps until SIGINT or SIGTERM arrives.
void WaitForStopSignal();

}  // namespace es::cli
