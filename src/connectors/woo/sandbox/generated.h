// Orders computed from the seed on demand, so that a sandbox store can hold a
// million orders without holding them (Options::generate_orders).
//
// Order i (0 ≤ i < count) is drawn from its own generator seeded with
// (seed, i), against the catalogue (customers, products, rates, coupons) and
// a pool of guests made once: the same seed always gives the same order, on
// any page, in any process. Ids: order i is first_id + 3·i (its refunds take
// the next two ids); its items take ids from item_base + kItemStride·i.
// Orders are created at evenly spaced times over the 90 days before the
// store's epoch, so id order is date order.
//
// The index keeps per order only what lists filter and sort on (created,
// modified, status: 24 bytes). Building it generates every order once (at
// start). An order written through the API or a test hook is first copied
// into StoreData::orders / refunds (Materialize) and is from then on read
// and listed from there; orders created later get ids after the generated
// ones. Not thread-safe by itself: callers hold the Store lock (Write for
// Materialize).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "connectors/woo/sandbox/seed.h"
#include "connectors/woo/sandbox/store.h"

namespace es::woo::sandbox {

class GeneratedOrders {
 public:
  static constexpr int64_t kItemStride = 256;

  struct Slot {
    int64_t created = 0;
    int64_t modified = 0;
    uint8_t status = 0;    // index into OrderStatuses()
    bool written = false;  // copied into StoreData::orders
  };

  // A store of `options.orders` generated orders: the catalogue of
  // GenerateCatalog(options) and the index of every order (customers'
  // is_paying and products' total_sales counted as GenerateStore does).
  static StoreData Generate(const SeedOptions& options);

  int64_t count() const { return static_cast<int64_t>(slots_.size()); }
  // Index of a generated order id, or -1 (refund ids and others).
  int64_t IndexOf(int64_t id) const;
  int64_t IdAt(int64_t i) const { return first_id_ + 3 * i; }
  const Slot& slot(int64_t i) const { return slots_[static_cast<size_t>(i)]; }
  // Generated order i exactly as at start (its writes are in StoreData::orders).
  BuiltOrder Build(const StoreData& d, int64_t i) const;
  // A StoreData holding only order i as generated and its refunds, with what
  // rendering needs (currency, time zone, rates): for reads of an order
  // never written.
  StoreData Scratch(const StoreData& d, int64_t i) const;
  // Copies generated order `id` (if it is one, not yet copied) into
  // d.orders / d.refunds, so that a write can change it. Returns whether `id`
  // is a generated order.
  static bool Materialize(StoreData& d, int64_t id);
  // Whether `id` is a generated order that was never written.
  static bool Pristine(const StoreData& d, int64_t id);
  // Generated orders copied by Materialize so far (deleted ones included).
  int64_t written() const { return written_; }

 private:
  uint64_t seed_ = 0;
  int64_t first_id_ = 0;
  int64_t item_base_ = 0;
  int64_t start_ = 0, span_ = 0;
  std::vector<model::Address> guests_;
  std::vector<Slot> slots_;
  int64_t written_ = 0;
};

}  // namespace es::woo::sandbox
