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

inline std::string WooConnectionArgs(const woo::sandbox::Server& woo) {
  const Json config = {{"base_url", woo.base_url()}};
  const Json secret = {{"consumer_key", woo.options().consumer_key},
                       {"consumer_secret", woo.options().consumer_secret}};
  return " --id woo --kind woo --config " + Quote(DumpJson(config)) + " --secret " + Quote(DumpJson(secret));
}

// `tokens` as qbo.IssueTokens() gave them (the user connected the app).
inline std::string QboConnectionArgs(const qbo::sandbox::Server& qbo, const qbo::sandbox::Server::Tokens& tokens) {
  const auto& o = qbo.options();
  const Json config = {{"api_base", qbo.base_url()}, {"token_url", qbo.token_url()}, {"realm_id", o.realm_id},
                       {"client_id", o.client_id}};
  const Json secret = {{"client_secret", o.client_secret}, {"access_token", tokens.access_token},
                       {"refresh_token", tokens.refresh_token}, {"access_expires_at_ms", 0}};
  return " --id qbo --kind qbo --config " + Quote(DumpJson(config)) + " --secret " + Quote(DumpJson(secret));
}

}  // namespace es::test
