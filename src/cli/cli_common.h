// What the operator commands share: the --data/--store/--tenant/--json
// options, opening the state store, checking that the tenant and the
// connections a command names exist, and printing an error with the exit
// code it deserves (2 for bad input or an unknown name, 1 otherwise).
//
// The store: --store URL (EASYSALE_STORE_URL) wins; otherwise the SQLite file
// <data>/state.db in the data directory (--data DIR, EASYSALE_DATA, default
// per user: $XDG_DATA_HOME/easysale-sync or ~/.local/share/easysale-sync),
// created 0700. Credentials are sealed with the master key the server uses
// (EASYSALE_MASTER_KEY, EASYSALE_MASTER_KEY_FILE or <data>/master.key, see
// server::LoadMasterKey), so the CLI and `serve` share one store format.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/status.h"
#include "engine/connector.h"
#include "engine/orchestrator.h"
#include "http/transport.h"
#include "store/store.h"

namespace es::cli {

struct Common {
  std::string store_url;  // empty = sqlite://<data>/state.db
  std::string data_dir;   // empty = server::DefaultDataDir()
  std::string tenant = "default";
  bool json = false;
};

// --store, --data, --tenant and --json.
void AddCommon(CLI::App* cmd, Common& c);
// --store and --data only (commands without a tenant).
void AddStoreOptions(CLI::App* cmd, Common& c);

// The data directory `c` selects (not created).
std::string DataDir(const Common& c);

// "a,b,,c" -> {"a","b","c"}.
std::vector<std::string> SplitList(const std::string& s);

// Prints "error: <what>: <status>" to stderr; returns the exit code.
int Fail(const std::string& what, const Status& s);
// Prints "error: <message>" to stderr; returns the exit code of `s`.
int FailLine(const Status& s);

// kWrite: the command stores new credentials, which are sealed or refused.
enum class Credentials { kRead, kWrite };

// Opens (and migrates) the store, sealing and opening credentials when a
// master key is found; on failure prints the error, sets *rc and returns
// null. With kWrite a missing master key is an error (rc 2) saying how to
// make one. Without a key, credentials stored unsealed (by older versions)
// are read as they are, and reading sealed ones fails naming the connection
// and the missing key.
std::unique_ptr<store::StateStore> Open(const Common& c, int* rc, Credentials credentials = Credentials::kRead);

// Open also says what is wrong with credentials that the master key found
// does not open (rc 2, naming the connection) instead of a decryption
// error, and still lists such connections (their credentials left sealed).

// Open, then checks that c.tenant exists: an unknown tenant is an error
// (rc 2) naming it, the known tenants and `tenant add`.
std::unique_ptr<store::StateStore> OpenForTenant(const Common& c, int* rc,
                                                 Credentials credentials = Credentials::kRead);

// Checks that every id in `ids` is a connection of c.tenant; on the first
// unknown one prints an error naming it and the tenant's connections and
// returns rc 2; 0 when all exist.
int RequireConnections(store::StateStore& store, const Common& c, const std::vector<std::string>& ids);

// The CLI11 check of an `--ids` value: a comma list with at least one id and
// no empty item ("--ids ," or "--ids ''" would otherwise mean "every record").
CLI::Validator IdListValidator();

// The platform's validate_ids for the source connection `source` (when it
// has one): rc 2 with its message for ids the platform cannot have, else 0.
int CheckSourceIds(store::StateStore& store, const Common& c, const std::string& source,
                   const std::vector<std::string>& ids);

// A transport for runs between `connections`: the TLS certificates of a
// connection that sets "insecure_skip_tls_verify": true (local sandboxes
// with self-signed certificates) are not verified — requests to the
// origins of the URLs in its settings only; every other request is
// verified. A one-line warning names the connection and those origins.
std::unique_ptr<http::Transport> TransportFor(store::StateStore& store, const Common& c,
                                              const std::vector<std::string>& connections);
// The same for `tenant`, the warning only when `warn` is set.
std::unique_ptr<http::Transport> TransportFor(store::StateStore& store, const std::string& tenant,
                                              const std::vector<std::string>& connections, bool warn);

// Engine options for a CLI run: EASYSALE_LOCK_LEASE_MS shortens the run
// lock's lease (tests that kill the process use it).
engine::EngineOptions CliEngineOptions();

// What one run in this process needs, set up in one call by `sync` and by
// each job of `worker`: a transport for the run's connections (TransportFor)
// and an orchestrator writing through `store` with `options` (CliEngineOptions()).
// `store` must outlive it; the orchestrator goes before the transport.
struct RunEngine {
  std::unique_ptr<http::Transport> transport;
  std::unique_ptr<engine::Orchestrator> orchestrator;
};
RunEngine MakeRunEngine(store::StateStore& store, const std::string& tenant,
                        const std::vector<std::string>& connections, bool warn_insecure = true,
                        engine::EngineOptions options = CliEngineOptions());

}  // namespace es::cli
