// Ctrl-C / SIGTERM handling for long-running commands.
//
// The first SIGINT or SIGTERM sets the stop flag (commands then finish or
// abandon the write in hand, record the run as stopped and exit with
// StopExitCode()); when stderr is a terminal it also says so and how to quit
// at once. A second one ends the process on the spot with _exit (the store
// stays consistent: every write is recorded before and after it is made,
// and the next run finds the dead run and carries on). SIGPIPE is ignored,
// so a closed pipe on stdout is a write error, not a kill. A signal that
// lands on another thread is passed on to the thread that installed the
// handlers, so a main thread blocked in write() on a full pipe wakes up.
// SIGINT ignored on entry (a background job of a script) stays ignored.
#pragma once

#include <atomic>
#include <string>

#include "store/store.h"

namespace es::cli {

// Installs the handlers (idempotent) and returns the stop flag.
std::atomic<bool>& InstallStopSignals();
// Sleeps until SIGINT or SIGTERM arrives.
void WaitForStopSignal();
// Whether a stop was asked for (without installing the handlers).
bool StopRequested();
// The signal that set the stop flag (0 when none).
int StopSignal();
// 128 + that signal (130 for SIGINT, 143 for SIGTERM); 1 when none.
int StopExitCode();
// After a stop: makes a pipe on stdout non-blocking, so a reader that stopped
// reading cannot hold the process; later writes to it may be lost.
void DetachStalledStdout();

// Prints the one line that says a command stopped on stdout; when stdout is
// gone or stalled (`cmd | tee` where tee died with the same Ctrl-C), on
// stderr instead, so that the line is not lost.
void SayStopped(const std::string& line);

// The one line a stopped run gets (through SayStopped): "stopped: run <id> after 12.3 s
// — <its outcome, as `status` counts it>, all recorded — run `easysale-sync <again>` again
// to carry on".
void PrintStopped(const store::SyncRun& run, const std::string& again);

}  // namespace es::cli
