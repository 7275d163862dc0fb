// Every platform the product ships, and the routes between them. The engine
// knows none of them; the CLI and the server hand this registry to it.
// Adding a platform: a folder src/connectors/<kind>/sync with a function
// returning its engine::Platform, one Register line and its routes below
// (docs/adding-a-platform.md).
#pragma once

#include "engine/connector.h"

namespace es::platforms {

// Built on first use; read-only afterwards (thread-safe).
const engine::Registry& Registry();

}  // namespace es::platforms
