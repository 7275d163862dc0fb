// Flows of the woo → supabase route (SPEC F4): WooCommerce records into the
// warehouse tables (supabase/warehouse.h) — customers; products with their
// variations; orders with order_lines, payments and, when the tenant's
// state store maps the order to a QBO document, invoices and id_mappings;
// refunds. Each record's raw Woo JSON goes into the row's raw column.
//
// A page is fetched, turned into rows and upserted; each record is recorded
// as created (inserted), updated (content changed) or skipped (unchanged),
// or failed with the reason (decode error, a value the warehouse refuses) —
// a failed record never stops the run. A run fails only when the warehouse
// itself cannot be used (missing tables in read_only mode, authentication,
// the server unreachable after retries) or Woo cannot be read. Incremental
// runs use a modified_after cursor per entity (products, orders, refunds),
// moved only after the page is in the warehouse. Each flow ends with a
// sync_logs row. Dry runs write nothing and return row previews.
#pragma once

#include <memory>

#include "engine/flow.h"

namespace es::engine {

std::unique_ptr<Flow> MakeWooSupabaseCustomersFlow();
std::unique_ptr<Flow> MakeWooSupabaseProductsFlow();
std::unique_ptr<Flow> MakeWooSupabaseOrdersFlow();
std::unique_ptr<Flow> MakeWooSupabaseRefundsFlow();

}  // namespace es::engine
