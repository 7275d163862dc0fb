// `key generate`: writes a new master key (64 hex characters) to
// <data>/master.key, mode 0600. The CLI and `serve` find it there when
// neither EASYSALE_MASTER_KEY nor EASYSALE_MASTER_KEY_FILE is set
// (server::LoadMasterKey). An existing key file is never replaced: the
// credentials sealed with it could not be opened any more.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "common/crypto.h"
#include "server/server_config.h"

namespace es::cli {
namespace {

int RunKeyGenerate(const Common& c) {
  const std::string dir = DataDir(c);
  Status made = server::PrepareDataDir(dir);
  if (!made.ok()) return FailLine(made);
  const std::string path = server::MasterKeyPath(dir);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) {
    fprintf(stderr, "error: %s already exists; it seals the stored credentials, so it is not replaced\n",
            path.c_str());
    return 2;
  }
  if (fd < 0) {
    fprintf(stderr, "error: cannot create %s: %s\n", path.c_str(), std::strerror(errno));
    return 1;
  }
  const std::string key = crypto::RandomHex(32) + "\n";
  bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());
    fprintf(stderr, "error: cannot write %s\n", path.c_str());
    return 1;
  }
  printf("master key written to %s (mode 0600); keep a copy elsewhere: without it the stored credentials "
         "cannot be read\n",
         path.c_str());
  return 0;
}

}  // namespace

void AddKeyCommand(CLI::App& app) {
  auto* key = app.add_subcommand("key", "The master key that seals stored credentials");
  key->require_subcommand(1);
  auto gen = std::make_shared<Common>();
  auto* kg = key->add_subcommand("generate", "Write a new master key to <data>/master.key (0600)");
  AddStoreOptions(kg, *gen);
  kg->callback([gen] { SetExitCode(RunKeyGenerate(*gen)); });
}

}  // namespace es::cli
