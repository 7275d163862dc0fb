#include "cli/signals.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "cli/run_summary.h"

namespace es::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
std::atomic<int> g_count{0};
std::atomic<bool> g_installed{false};
pthread_t g_main_thread;
bool g_tty = false;

void Say(const char* text) {
  size_t n = 0;
  while (text[n] != '\0') ++n;
  ssize_t rc = write(STDERR_FILENO, text, n);
  (void)rc;
}

void OnSignal(int sig) {
  const int saved_errno = errno;
  if (!pthread_equal(pthread_self(), g_main_thread)) {
    // Wake the main thread (it may sit in a blocking write); it counts.
    pthread_kill(g_main_thread, sig);
    errno = saved_errno;
    return;
  }
  if (g_count.fetch_add(1) >= 1) {
    if (g_tty) Say("\ninterrupted again: quitting now\n");
    _exit(128 + sig);
  }
  g_signal.store(sig);
  g_stop.store(true);
  if (g_tty) Say("\nstopping after the write in hand (Ctrl-C again to quit at once)\n");
  errno = saved_errno;
}

}  // namespace

std::atomic<bool>& InstallStopSignals() {
  if (g_installed.exchange(true)) return g_stop;
  g_main_thread = pthread_self();
  g_tty = isatty(STDERR_FILENO) != 0;
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking write or sleep returns EINTR
  // A background job of a script starts with SIGINT ignored so that the
  // terminal's Ctrl-C does not reach it; it stays ignored.
  struct sigaction previous {};
  if (sigaction(SIGINT, nullptr, &previous) != 0 || previous.sa_handler != SIG_IGN) sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return g_stop;
}

void WaitForStopSignal() {
  auto& stop = InstallStopSignals();
  while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

bool StopRequested() { return g_stop.load(); }

int StopSignal() { return g_signal.load(); }

int StopExitCode() {
  const int sig = g_signal.load();
  return sig > 0 ? 128 + sig : 1;
}

void DetachStalledStdout() {
  struct stat st {};
  if (fstat(STDOUT_FILENO, &st) != 0 || !S_ISFIFO(st.st_mode)) return;
  const int flags = fcntl(STDOUT_FILENO, F_GETFL);
  if (flags >= 0) (void)fcntl(STDOUT_FILENO, F_SETFL, flags | O_NONBLOCK);
}

void SayStopped(const std::string& line) {
  clearerr(stdout);
  const bool written = fputs(line.c_str(), stdout) >= 0 && fputc('\n', stdout) != EOF && fflush(stdout) == 0;
  if (written && ferror(stdout) == 0) return;
  clearerr(stdout);
  fprintf(stderr, "%s\n", line.c_str());
  fflush(stderr);
}

void PrintStopped(const store::SyncRun& run, const std::string& again) {
  char seconds[32];
  snprintf(seconds, sizeof(seconds), "%.1f s", static_cast<double>(run.finished_at_ms - run.started_at_ms) / 1000.0);
  // The same counts as `status` (orders a filter left out are "not synced", not "unchanged").
  SayStopped("stopped: run " + run.id + " after " + seconds + " — " + RunOutcome(run) +
             ", all recorded — run `easysale-sync " + again + "` again to carry on");
}

}  // namespace es::cli
