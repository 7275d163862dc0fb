// Notifications from CLI commands (sync, check): a notify::Notifier over the
// command's store with its own transport and SMTP sender. The operator's own
// command may reach internal hosts (a local relay), unlike the server, whose
// tenants are confined to public ones.
#pragma once

#include <memory>

#include "common/clock.h"
#include "http/transport.h"
#include "notify/notifier.h"
#include "store/store.h"

namespace es::cli {

class CliNotifier {
 public:
  explicit CliNotifier(store::StateStore& store);
  notify::Notifier& notifier() { return *notifier_; }

 private:
  std::unique_ptr<http::Transport> transport_;
  notify::CurlMailSender mail_;
  std::unique_ptr<notify::Notifier> notifier_;
};

}  // namespace es::cli
