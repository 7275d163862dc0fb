// ServerConfig: everything `easysale-sync serve` needs, from a JSON config
// file plus environment overrides (docs/server.md lists every key).
//
// Precedence: built-in defaults < config file < environment < command-line
// flags (the CLI applies flags after LoadServerConfig). Unknown keys in the
// file are refused so a typo does not silently fall back to a default.
//
// ServerKeys turns the key material of a config into the objects the server
// uses: the SecretBox (master key: EASYSALE_MASTER_KEY = 64 hex characters,
// or a key file) and the JwtVerifier (EASYSALE_JWT_SECRET for HS256, at least
// 32 bytes, and/or EASYSALE_JWT_PUBLIC_KEY_FILE for RS256). A missing or
// malformed key is a Validation error naming the variable, never echoing
// the key. Values are plain data; copy freely.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/secret_box.h"
#include "common/status.h"
#include "server/auth/jwt.h"

namespace es::server {

struct ServerConfig {
  // Listening and storage.
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string data_dir;   // EASYSALE_DATA; SQLite state at <data_dir>/state.db when store_url is empty;
                          // empty = DefaultDataDir()
  std::string store_url;  // sqlite://… or postgres://…; wins over data_dir

  // Key material (secrets: never logged or returned).
  std::string master_key_hex;   // EASYSALE_MASTER_KEY
  std::string master_key_file;  // EASYSALE_MASTER_KEY_FILE; else <data_dir>/master.key when present
  std::string jwt_secret;       // EASYSALE_JWT_SECRET (HS256)
  std::string jwt_public_key_file;  // EASYSALE_JWT_PUBLIC_KEY_FILE (RS256, SubjectPublicKeyInfo PEM)
  std::string jwt_issuer;       // EASYSALE_JWT_ISSUER; empty = not checked
  std::string jwt_audience;     // EASYSALE_JWT_AUDIENCE; empty = not checked
  int64_t jwt_leeway_s = 60;
  std::string metrics_token;    // EASYSALE_METRICS_TOKEN: bearer for /metrics across all tenants

  // QuickBooks OAuth 2.0 connect flow.
  std::string oauth_redirect_uri;  // EASYSALE_OAUTH_REDIRECT_URI (must match the Intuit app)
  int64_t oauth_state_ttl_s = 300;
  std::string qbo_client_id;      // EASYSALE_QBO_CLIENT_ID
  std::string qbo_client_secret;  // EASYSALE_QBO_CLIENT_SECRET
  std::string qbo_authorize_url = "https://appcenter.intuit.com/connect/oauth2";
  std::string qbo_token_url = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer";
  std::string qbo_api_base = "https://quickbooks.api.intuit.com";
  std::string qbo_scope = "com.intuit.quickbooks.accounting";

  // Limits and timings.
  size_t max_body_bytes = 1u << 20;  // larger request bodies get 413
  int max_concurrent_runs = 4;       // more concurrent sync runs get 429
  double api_rate_per_s = 50;        // per tenant, token bucket
  double api_burst = 200;
  int64_t probe_ttl_s = 30;          // connectivity probe cache
  int64_t probe_timeout_ms = 5000;
  int64_t token_refresh_margin_s = 900;  // refresh QBO tokens this long before expiry, before a run
  // Operations touching more records need a confirmation token
  // (confirmations.h); -1 turns confirmations off.
  int64_t confirm_above = 10;
  int http_threads = 8;
  bool insecure_skip_tls_verify = false;  // local sandboxes with self-signed certificates only

  // Slow and hostile clients (server/http_gate.h): a worker thread only takes
  // a request whose head (and first 64 KiB of body) has arrived.
  int64_t keep_alive_timeout_ms = 5000;    // idle connection waiting for its next request
  int64_t header_timeout_ms = 10000;       // first byte → complete request head
  int64_t body_timeout_ms = 30000;         // complete head → complete body
  int max_connections_per_client = 32;     // per client address; 0 = no limit (behind a proxy)
  int max_connections = 1024;              // open connections in all

  // Outbound targets (SSRF guard, http/target_guard.h): connections may only
  // point at public hosts unless the operator allows internal ones.
  bool allow_private_targets = false;         // EASYSALE_ALLOW_PRIVATE_TARGETS=1 (demo, local sandboxes)
  std::vector<std::string> allowed_targets;   // "host" / "host:port" exceptions
};

// Reads an environment variable; returns nullopt when unset. Tests inject one.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
EnvLookup ProcessEnv();

// Defaults, then `config_file` (JSON; "" = none), then the environment.
Result<ServerConfig> LoadServerConfig(const std::string& config_file, const EnvLookup& env = ProcessEnv());

// The per-user data directory shared by the CLI and the server, whatever the
// current directory: $EASYSALE_DATA, else $XDG_DATA_HOME/easysale-sync, else
// $HOME/.local/share/easysale-sync (".easysale-sync" when HOME is unset too).
std::string DefaultDataDir(const EnvLookup& env = ProcessEnv());

// Creates `dir` (and missing parents) with mode 0700; an existing directory
// is left as it is. Validation naming the directory on failure.
Status PrepareDataDir(const std::string& dir);

// The key file `easysale-sync key generate` writes and LoadMasterKey finds.
std::string MasterKeyPath(const std::string& data_dir);

// The store URL the config selects: store_url, else
// sqlite://<data_dir or DefaultDataDir()>/state.db (creating the directory 0700).
Result<std::string> ResolveStoreUrl(const ServerConfig& config);

// The master key that seals connection credentials, for the CLI and the
// server alike: `hex` (EASYSALE_MASTER_KEY), else the file `file`
// (EASYSALE_MASTER_KEY_FILE), else MasterKeyPath(data_dir) when that file
// exists. NotFound when none is given (the message says how to make one);
// Validation naming the variable or file when one is malformed or unreadable.
// Never echoes key material.
Result<std::unique_ptr<SecretBox>> LoadMasterKey(const std::string& hex, const std::string& file,
                                                 const std::string& data_dir);

struct ServerKeys {
  std::unique_ptr<SecretBox> box;
  std::unique_ptr<auth::JwtVerifier> verifier;
};

// Builds the SecretBox and the JwtVerifier; `clock` must outlive the verifier.
Result<ServerKeys> BuildServerKeys(const ServerConfig& config, const Clock* clock);

// Reads a whole file (for key files); errors name the path only.
Result<std::string> ReadTextFile(const std::string& path);

}  // namespace es::server
