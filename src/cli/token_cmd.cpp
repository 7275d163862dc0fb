// `easysale-sync token`: issues a signed JWT for set-up and tests.
//
// HS256 with EASYSALE_JWT_SECRET, or RS256 with --private-key-file /
// EASYSALE_JWT_PRIVATE_KEY_FILE. iss / aud default to EASYSALE_JWT_ISSUER /
// EASYSALE_JWT_AUDIENCE so the token matches the server's configuration.
// Prints the token alone on stdout.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/commands.h"
#include "common/clock.h"
#include "server/auth/jwt.h"
#include "server/server_config.h"

namespace es::cli {
namespace {

struct TokenArgs {
  std::string tenant;
  std::string user;
  std::string role = "user";
  int64_t ttl_s = 3600;
  std::string issuer;
  std::string audience;
  std::string private_key_file;
};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

int RunToken(const TokenArgs& a) {
  auto role = auth::ParseRole(a.role);
  if (!role.has_value()) {
    fprintf(stderr, "error: --role must be admin or user\n");
    return 2;
  }
  if (a.ttl_s <= 0 || a.ttl_s > 366LL * 24 * 3600) {
    fprintf(stderr, "error: --ttl must be between 1 second and one year\n");
    return 2;
  }
  auth::SignerConfig sc;
  const std::string key_file = a.private_key_file.empty() ? Env("EASYSALE_JWT_PRIVATE_KEY_FILE") : a.private_key_file;
  if (!key_file.empty()) {
    auto pem = server::ReadTextFile(key_file);
    if (!pem.ok()) {
      fprintf(stderr, "error: private key: %s\n", pem.status().message().c_str());
      return 2;
    }
    sc.algorithm = auth::JwtAlgorithm::kRS256;
    sc.rs256_private_key_pem = *pem;
  } else {
    sc.hs256_secret = Env("EASYSALE_JWT_SECRET");
    if (sc.hs256_secret.size() < 32) {
      fprintf(stderr, "error: set EASYSALE_JWT_SECRET (at least 32 bytes) or pass --private-key-file\n");
      return 2;
    }
  }
  auth::Claims claims;
  claims.sub = a.user;
  claims.tenant = a.tenant;
  claims.role = *role;
  const int64_t now = SystemClock::Get().NowSeconds();
  claims.iat = now;
  claims.nbf = now;
  claims.exp = now + a.ttl_s;
  claims.iss = a.issuer.empty() ? Env("EASYSALE_JWT_ISSUER") : a.issuer;
  std::string aud = a.audience.empty() ? Env("EASYSALE_JWT_AUDIENCE") : a.audience;
  if (!aud.empty()) claims.aud = {aud};
  auto token = auth::Sign(claims, sc);
  if (!token.ok()) {
    fprintf(stderr, "error: %s\n", token.status().message().c_str());
    return 2;
  }
  fprintf(stdout, "%s\n", token->c_str());
  return 0;
}

}  // namespace

void AddTokenCommand(CLI::App& app) {
  auto args = std::make_shared<TokenArgs>();
  CLI::App* cmd = app.add_subcommand("token", "print a signed JWT for the HTTP API (set-up and tests)");
  cmd->add_option("--tenant", args->tenant, "tenant id (claim tenant_id)")->required();
  cmd->add_option("--user", args->user, "user id (claim sub)")->required();
  cmd->add_option("--role", args->role, "admin or user")->check(CLI::IsMember({"admin", "user"}));
  cmd->add_option("--ttl", args->ttl_s, "lifetime in seconds (default 3600)");
  cmd->add_option("--issuer", args->issuer, "iss claim (default EASYSALE_JWT_ISSUER)");
  cmd->add_option("--audience", args->audience, "aud claim (default EASYSALE_JWT_AUDIENCE)");
  cmd->add_option("--private-key-file", args->private_key_file, "RSA private key PEM: sign with RS256");
  cmd->callback([args] { SetExitCode(RunToken(*args)); });
}

}  // namespace es::cli
