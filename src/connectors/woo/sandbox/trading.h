// A "week of trading" for the WooCommerce sandbox: deterministic changes to
// existing orders (and a few new ones) of the kinds a real shop sees after
// its orders were first synced, so the sync engine's lifecycle handling
// (updates, refunds, cancellations, trash) can be tested and demoed.
//
// Every change goes through the same code as the REST API (Api), so it
// obeys the same rules and raises the same webhooks. Orders are picked with
// the seeded generator among those where the change is valid, each order at
// most once per call; a kind gets fewer orders than asked when the store has
// too few candidates (the summary says what happened). The same store state,
// seed and options always pick the same orders and make the same changes
// (only the dates follow the clock).
#pragma once

#include <cstdint>
#include <vector>

#include "connectors/woo/sandbox/api.h"
#include "connectors/woo/sandbox/store.h"

namespace es::woo::sandbox {

struct TradingOptions {
  // Line edits on processing/completed orders without refunds: even-numbered
  // ones add 1 to a line's quantity, odd-numbered ones raise a line's price
  // by 10 %, at least one cent (orders with prices excluding tax). As on the real store these
  // PUT line_items edits leave date_modified unless edits_touch_modified.
  int line_edits = 3;
  bool edits_touch_modified = false;
  int address_changes = 1;   // billing address_1/city/postcode change (date_modified moves)
  // Partial refunds of one unit of one line (with its taxes) on
  // processing/completed orders without refunds; the first one also
  // refunds the shipping line when such an order exists.
  int partial_refunds = 3;
  int full_refunds = 2;      // every line, shipping and fee: status → refunded
  int cancellations = 2;     // processing orders without refunds → cancelled
  int late_payments = 3;     // pending/on-hold → paid (set_paid + transaction_id): processing
  int trashed = 1;           // pending, failed or cancelled orders moved to the trash
  int new_orders = 5;        // AddRandomOrder-style new orders
};

struct TradingSummary {
  std::vector<int64_t> line_edits;       // order ids, in the order applied
  std::vector<int64_t> address_changes;
  std::vector<int64_t> partial_refunds;  // order ids; refund ids in partial_refund_ids (same index)
  std::vector<int64_t> partial_refund_ids;
  int64_t shipping_refund_order = 0;     // the partial refund order whose shipping was refunded (0 = none)
  std::vector<int64_t> full_refunds;
  std::vector<int64_t> full_refund_ids;
  std::vector<int64_t> cancellations;
  std::vector<int64_t> late_payments;
  std::vector<int64_t> trashed;
  std::vector<int64_t> new_orders;
};

// Runs the week against `store` through `api` (each change takes the store
// lock on its own). `now_s` is the write time of the first change.
TradingSummary SimulateTrading(Store& store, Api& api, uint64_t seed, const TradingOptions& options, int64_t now_s);

}  // namespace es::woo::sandbox
