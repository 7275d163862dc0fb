// Flows of the woo → qbo route: customers, products (items, one per simple
// product and per variation) and orders (Invoice or SalesReceipt, with the
// customer and items resolved first, and a Payment when an invoiced order
// is paid later).
#pragma once

#include <memory>

#include "engine/flow.h"

namespace es::engine {

std::unique_ptr<Flow> MakeWooQboCustomersFlow();
std::unique_ptr<Flow> MakeWooQboProductsFlow();
std::unique_ptr<Flow> MakeWooQboOrdersFlow();

}  // namespace es::engine
