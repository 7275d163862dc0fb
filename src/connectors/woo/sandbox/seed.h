// Deterministic generation of a realistic WooCommerce store for the sandbox.
//
// The same SeedOptions always produce the same StoreData (own PRNG, no
// unordered iteration, dates relative to a fixed epoch derived from the
// seed). The store has registered customers and guests (some guests repeat
// an email, a few orders have a null billing email), simple and variable
// products (SKUs unique; rarely a product without one), orders in every
// status with taxes at several rates (incl. zero-rate and two stacked
// rates), shipping, fees, coupons, prices including tax for some orders,
// and partial and full refunds. Totals come from PriceOrder (pricing.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "connectors/woo/sandbox/store.h"

namespace es::woo::sandbox {

struct SeedOptions {
  uint64_t seed = 42;
  int customers = 80;
  int products = 30;
  int orders = 300;
  std::string currency = "USD";
};

// SplitMix64: small, fast and identical on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  int64_t Range(int64_t lo, int64_t hi);  // inclusive
  bool Chance(int per_mille);
  size_t Index(size_t n);
  std::string Alnum(size_t n);
  std::string Hex(size_t n);

 private:
  uint64_t state_;
};

// The fixed "now" of a seeded store: 2026-01-01T00:00:00Z minus (seed % 60) days.
int64_t SeedEpoch(uint64_t seed);

StoreData GenerateStore(const SeedOptions& options);

// The store without orders: tax rates, coupons, customers and products, as
// GenerateStore makes them from `rng` (seeded with options.seed).
StoreData GenerateCatalog(const SeedOptions& options, Rng& rng);

// ---- The pieces GenerateStore uses for orders, shared with generated.h.
// Guest billing addresses (distinct emails; some repeat across orders).
std::vector<model::Address> MakeGuests(Rng& rng, size_t n);
// The generated order statuses, and one drawn with the store's weights.
const std::vector<std::string>& OrderStatuses();
std::string PickStatus(Rng& rng);

struct BuiltOrder {
  Order order;
  std::vector<Refund> refunds;  // oldest first (order.refund_ids)
};
// One order created at `created` (dates clamped to `limit`), priced, with its
// refunds, drawn from `rng` against the catalogue of `d` without changing
// `d`: ids come from *next_post_id (the order, then its refunds) and
// *next_item_id.
BuiltOrder BuildOrder(const StoreData& d, Rng& rng, const std::vector<model::Address>& guests, int64_t created,
                      const std::string& status, int64_t limit, int64_t* next_post_id, int64_t* next_item_id);
// What an order adds to the store's other records: paying customer,
// products' total_sales, last_write.
void CountOrder(StoreData& d, const Order& o);

// Appends one random order created at `now` (Unix s) with the same generator
// (deterministic for a given store state and seed); returns its id.
int64_t AddRandomOrder(StoreData& data, uint64_t seed, int64_t now);

}  // namespace es::woo::sandbox
