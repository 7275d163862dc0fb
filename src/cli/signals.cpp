#include "cli/signals.h"

#include <csignal>
#include <chrono>
#include <thread>

namespace es::cli {
namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop.store(true); }
}  // namespace

std::atomic<bool>& InstallStopSignals() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return g_stop;
}

void WaitForStopSignal() {
  auto& stop = InstallStopSignals();
  while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

}  // namespace es::cli
