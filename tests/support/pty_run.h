// Running the easysale-sync binary on a pseudo-terminal, for the commands
// that ask before they write ("Proceed? [y/N]"): the child sees a terminal
// on stdin/stdout/stderr and EASYSALE_YES is removed from its environment.
#pragma once

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace es::test {

struct PtyRun {
  int exit_code = -1;
  std::string output;  // everything the terminal showed
};

// Runs `binary args` without EASYSALE_YES; once `prompt` shows, types
// `answer` and a newline. Gives up after 120 s.
inline PtyRun RunOnTerminal(const std::string& binary, const std::string& args, const std::string& prompt,
                            const std::string& answer) {
  PtyRun r;
  // Built before the fork: the child of a threaded process only execs.
  const std::string cmd = "env -u EASYSALE_YES " + binary + " " + args;
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) return r;
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  bool answered = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{master, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO: the child closed the terminal
    r.output.append(buf, static_cast<size_t>(n));
    if (!answered && r.output.find(prompt) != std::string::npos) {
      const std::string line = answer + "\n";
      if (write(master, line.data(), line.size()) != static_cast<ssize_t>(line.size())) break;
      answered = true;
    }
  }
  int status = 0;
  if (waitpid(pid, &status, 0) == pid && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  close(master);
  return r;
}

}  // namespace es::test
