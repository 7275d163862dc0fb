// What the operator commands share: the --store/--tenant/--json options,
// opening the state store, and printing an error with the exit code it
// deserves (2 for bad input or an unknown name, 1 otherwise).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/status.h"
#include "engine/connector.h"
#include "store/store.h"

namespace es::cli {

struct Common {
  std::string store_url = "sqlite://.easysale/state.db";
  std::string tenant = "default";
  bool json = false;
};

void AddCommon(CLI::App* cmd, Common& c);

// "a,b,,c" -> {"a","b","c"}.
std::vector<std::string> SplitList(const std::string& s);

// Prints "error: <what>: <status>" to stderr; returns the exit code.
int Fail(const std::string& what, const Status& s);

// Opens (and migrates) the store; on failure prints the error, sets *rc and
// returns null.
std::unique_ptr<store::StateStore> Open(const Common& c, int* rc);

// Engine options for a CLI run: EASYSALE_LOCK_LEASE_MS shortens the run
// lock's lease (tests that kill the process use it).
engine::EngineOptions CliEngineOptions();

}  // namespace es::cli
