// The `connection add` arguments that point a tenant at the sandboxes:
// connection ids "woo" and "qbo", their config and secret as JSON, quoted for
// the shell command lines of tests/support/cli_run.h.
#pragma once

#include <string>

#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"
#include "support/cli_run.h"

namespace es::test {

// The settings of connection "woo" (config, secret) and "qbo" (config,
// secret with `tokens` as qbo.IssueTokens() gave them: the user connected the app).
inline Json WooConnectionConfig(const woo::sandbox::Server& woo) { return {{"base_url", woo.base_url()}}; }
inline Json WooConnectionSecret(const woo::sandbox::Server& woo) {
  return {{"consumer_key", woo.options().consumer_key}, {"consumer_secret", woo.options().consumer_secret}};
}
inline Json QboConnectionConfig(const qbo::sandbox::Server& qbo) {
  const auto& o = qbo.options();
  return {{"api_base", qbo.base_url()}, {"token_url", qbo.token_url()}, {"realm_id", o.realm_id},
          {"client_id", o.client_id}};
}
inline Json QboConnectionSecret(const qbo::sandbox::Server& qbo, const qbo::sandbox::Server::Tokens& tokens) {
  return {{"client_secret", qbo.options().client_secret}, {"access_token", tokens.access_token},
          {"refresh_token", tokens.refresh_token}, {"access_expires_at_ms", 0}};
}

inline std::string WooConnectionArgs(const woo::sandbox::Server& woo) {
  return " --id woo --kind woo --config " + Quote(DumpJson(WooConnectionConfig(woo))) + " --secret " +
         Quote(DumpJson(WooConnectionSecret(woo)));
}

inline std::string QboConnectionArgs(const qbo::sandbox::Server& qbo, const qbo::sandbox::Server::Tokens& tokens) {
  return " --id qbo --kind qbo --config " + Quote(DumpJson(QboConnectionConfig(qbo))) + " --secret " +
         Quote(DumpJson(QboConnectionSecret(qbo, tokens)));
}

}  // namespace es::test
