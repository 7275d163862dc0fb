#include "connectors/woo/sandbox/generated.h"

#include <algorithm>

namespace es::woo::sandbox {
namespace {

constexpr int64_t kDay = 86'400;

uint64_t OrderSeed(uint64_t seed, int64_t i) {
  return (seed * 0x9E3779B97F4A7C15ull) ^ (static_cast<uint64_t>(i + 1) * 0xD1B54A32D192ED03ull);
}

}  // namespace

StoreData GeneratedOrders::Generate(const SeedOptions& options) {
  Rng rng(options.seed);
  StoreData d = GenerateCatalog(options, rng);
  auto g = std::make_shared<GeneratedOrders>();
  const int64_t n = std::max(0, options.orders);
  g->seed_ = options.seed;
  g->guests_ = MakeGuests(rng, static_cast<size_t>(std::clamp<int64_t>(n / 12, 4, 10'000)));
  g->first_id_ = d.next_post_id;
  g->item_base_ = d.next_item_id;
  g->start_ = d.epoch - 90 * kDay;
  g->span_ = 90 * kDay - 3600;
  g->slots_.resize(static_cast<size_t>(n));
  const auto& statuses = OrderStatuses();
  for (int64_t i = 0; i < n; ++i) {
    BuiltOrder b = g->Build(d, i);
    Slot& s = g->slots_[static_cast<size_t>(i)];
    s.created = b.order.created;
    s.modified = b.order.modified;
    s.status = static_cast<uint8_t>(std::find(statuses.begin(), statuses.end(), b.order.status) - statuses.begin());
    CountOrder(d, b.order);
  }
  d.next_post_id = g->first_id_ + 3 * n;
  d.next_item_id = g->item_base_ + kItemStride * n;
  d.last_write = std::max(d.last_write, d.epoch);
  d.generated = std::move(g);
  return d;
}

int64_t GeneratedOrders::IndexOf(int64_t id) const {
  if (id < first_id_ || (id - first_id_) % 3 != 0) return -1;
  const int64_t i = (id - first_id_) / 3;
  return i < count() ? i : -1;
}

BuiltOrder GeneratedOrders::Build(const StoreData& d, int64_t i) const {
  Rng rng(OrderSeed(seed_, i));
  const auto& statuses = OrderStatuses();
  // The first orders cover every status; the rest follow realistic weights.
  std::string status = i < static_cast<int64_t>(statuses.size()) ? statuses[static_cast<size_t>(i)] : PickStatus(rng);
  const int64_t created = start_ + (count() > 0 ? span_ * i / count() : 0);
  int64_t post_id = IdAt(i);
  int64_t item_id = item_base_ + kItemStride * i;
  BuiltOrder b = BuildOrder(d, rng, guests_, created, status, d.epoch, &post_id, &item_id);
  return b;
}

StoreData GeneratedOrders::Scratch(const StoreData& d, int64_t i) const {
  StoreData s;
  s.currency = d.currency;
  s.epoch = d.epoch;
  s.utc_offset_s = d.utc_offset_s;
  s.tax_rates = d.tax_rates;
  BuiltOrder b = Build(d, i);
  for (auto& f : b.refunds) s.refunds[f.id] = std::move(f);
  s.orders[b.order.id] = std::move(b.order);
  return s;
}

bool GeneratedOrders::Materialize(StoreData& d, int64_t id) {
  if (!d.generated) return false;
  GeneratedOrders& g = *d.generated;
  const int64_t i = g.IndexOf(id);
  if (i < 0) return false;
  Slot& s = g.slots_[static_cast<size_t>(i)];
  if (s.written) return true;
  BuiltOrder b = g.Build(d, i);
  for (auto& f : b.refunds) d.refunds[f.id] = std::move(f);
  d.orders[id] = std::move(b.order);
  s.written = true;
  ++g.written_;
  return true;
}

bool GeneratedOrders::Pristine(const StoreData& d, int64_t id) {
  if (!d.generated) return false;
  const int64_t i = d.generated->IndexOf(id);
  return i >= 0 && !d.generated->slot(i).written;
}

}  // namespace es::woo::sandbox
