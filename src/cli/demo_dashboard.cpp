#include "cli/demo_dashboard.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/crypto.h"
#include "server/api_auth.h"
#include "server/log.h"
#include "server/server_config.h"

namespace es::cli {
namespace {

// A loopback port that was free a moment ago (the redirect URI needs it
// before the server starts).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof(a);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace

Status DemoDashboard::Start(store::StateStore& store, http::Transport& transport, const std::string& tenant,
                            const qbo::sandbox::Server& qbo, int port, const std::string& log_path) {
  // The owner's only, like the store beside it (an older demo's file is narrowed).
  const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd >= 0) (void)::fchmod(fd, 0600);
  log_ = fd < 0 ? nullptr : ::fdopen(fd, "a");
  if (log_ == nullptr) {
    if (fd >= 0) ::close(fd);
    return Status::Internal("cannot open the server log " + log_path);
  }
  std::FILE* log = log_;
  server::SetLogSink([log](const std::string& line) {
    std::fprintf(log, "%s\n", line.c_str());
    std::fflush(log);
  });
  server::ServerConfig config;
  config.host = "127.0.0.1";
  config.port = port > 0 ? port : FreePort();
  config.master_key_hex = crypto::RandomHex(32);
  config.jwt_secret = crypto::RandomHex(32);
  config.allow_private_targets = true;
  config.qbo_client_id = qbo.options().client_id;
  config.qbo_client_secret = qbo.options().client_secret;
  config.qbo_authorize_url = qbo.authorize_url();
  config.qbo_token_url = qbo.token_url();
  config.qbo_api_base = qbo.base_url();
  config.oauth_redirect_uri = "http://127.0.0.1:" + std::to_string(config.port) + "/oauth/qbo/callback";
  ES_ASSIGN_OR_RETURN(server::ServerKeys keys, server::BuildServerKeys(config, &SystemClock::Get()));
  server_ = std::make_unique<server::HttpServer>(config, store, std::move(keys), transport, SystemClock::Get());
  // Seal the tenant's credentials with this server's key.
  store::StateStore& sealed = *server_->context().store;
  ES_ASSIGN_OR_RETURN(auto connections, store.ListConnections(tenant));
  for (const auto& c : connections) ES_RETURN_IF_ERROR(sealed.PutConnection(c));
  const int64_t now = SystemClock::Get().NowMillis();
  ES_RETURN_IF_ERROR(server::AddUser(sealed, tenant, kUser, "admin", crypto::RandomHex(24), now));
  ES_ASSIGN_OR_RETURN(std::string token, server::IssueSignInLink(sealed, tenant, kUser, now));
  ES_RETURN_IF_ERROR(server_->Start());
  base_url_ = server_->base_url();
  sign_in_url_ = base_url_ + "/auth/link?token=" + token;
  return Status::Ok();
}

void DemoDashboard::Stop() {
  if (server_) server_->Stop();
  server_.reset();
  if (log_ != nullptr) {
    server::SetLogSink(nullptr);
    std::fclose(log_);
    log_ = nullptr;
  }
}

}  // namespace es::cli
