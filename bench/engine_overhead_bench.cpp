// Engine overhead (SPEC §4): CPU per typical order for decode (Woo JSON →
// canonical) + transform (canonical → QBO document) + encode (QBO JSON
// text). Run: build/engine_overhead_bench
//
// BM_DecodeTransformEncode / BM_DecodeOnly use the one-pass decode the sync
// uses (simdjson on-demand straight into the model, DecodeOrderList on a
// page of 100 orders, per order); the *Tree variants parse an nlohmann tree
// first (ParseJson + DecodeOrder(Json), the decode before it) and encode
// through an nlohmann tree (EncodeSalesDocument + DumpJson, the encode before
// EncodeSalesDocumentText).
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "common/json.h"
#include "connectors/qbo/codec.h"
#include "connectors/woo/codec.h"
#include "mapping/qbo_transform.h"

namespace es {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string& OrderText() {
  static const std::string text = ReadFile(std::string(ES_WOO_TESTDATA) + "/order_full.json");
  return text;
}

// A page of 100 copies of the order, as GET /orders returns them.
const std::string& PageText() {
  static const std::string text = [] {
    std::string page = "[";
    for (int i = 0; i < 100; ++i) page += (i ? "," : "") + OrderText();
    return page + "]";
  }();
  return text;
}

// The QBO body as the sync sends it: straight to text (EncodeSalesDocumentText).
std::string EncodeText(const qbo::SalesDocument& doc) { return qbo::EncodeSalesDocumentText(doc); }
// Through an nlohmann tree and DumpJson (the same text; what it did before).
std::string EncodeTree(const qbo::SalesDocument& doc) { return DumpJson(qbo::EncodeSalesDocument(doc)); }

template <typename Decode, typename Encode = decltype(&EncodeText)>
void TransformEncode(benchmark::State& state, Decode&& decode, Encode encode = &EncodeText) {
  mapping::TransformerConfig config;
  config.doc_number_prefix = "WC-";
  config.custom_fields = {{"1", "Woo order", "number"}};
  size_t bytes = 0;
  for (auto _ : state) {
    std::vector<model::Order> orders = decode();
    if (orders.empty()) {
      state.SkipWithError("the order did not decode");
      break;
    }
    for (const model::Order& order : orders) {
      mapping::ResolvedRefs refs;
      refs.customer_id = "58";
      for (const auto& l : order.lines) refs.item_ids[mapping::LineItemKey(l)] = "21";
      refs.fee_item_id = "30";
      auto doc = mapping::OrderToSalesDocument(order, refs, config);
      static const qbo::SalesDocument kEmpty;
      std::string out = encode(doc.ok() ? *doc : kEmpty);  // both lvalues: no copy
      bytes += out.size();
      benchmark::DoNotOptimize(out);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

std::vector<model::Order> PageOrders() {
  auto list = woo::DecodeOrderList(PageText());
  return list.ok() ? std::move(list->items) : std::vector<model::Order>{};
}

std::vector<model::Order> TreeOrder() {
  auto j = ParseJson(OrderText());
  if (!j.ok()) return {};
  auto order = woo::DecodeOrder(*j);
  if (!order.ok()) return {};
  return {std::move(*order)};
}

// Per order: the page of 100 is decoded per iteration, so divide by 100.
void BM_DecodeTransformEncode(benchmark::State& state) {
  TransformEncode(state, PageOrders);
  state.counters["us/order"] = benchmark::Counter(static_cast<double>(state.iterations()) * 100,
                                                  benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_DecodeTransformEncode)->Unit(benchmark::kMillisecond);

void BM_DecodeOnly(benchmark::State& state) {
  for (auto _ : state) {
    auto list = woo::DecodeOrderList(PageText());
    benchmark::DoNotOptimize(list);
  }
  state.counters["us/order"] = benchmark::Counter(static_cast<double>(state.iterations()) * 100,
                                                  benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_DecodeOnly)->Unit(benchmark::kMillisecond);

void BM_DecodeTransformEncodeTree(benchmark::State& state) { TransformEncode(state, TreeOrder, &EncodeTree); }
BENCHMARK(BM_DecodeTransformEncodeTree)->Unit(benchmark::kMicrosecond);

void BM_DecodeOnlyTree(benchmark::State& state) {
  for (auto _ : state) {
    auto j = ParseJson(OrderText());
    auto order = woo::DecodeOrder(*j);
    benchmark::DoNotOptimize(order);
  }
}
BENCHMARK(BM_DecodeOnlyTree)->Unit(benchmark::kMicrosecond);

// The parts of the one-pass decode: the transform and encode alone (the
// order is copied per iteration, as the decode would produce it).
void BM_TransformEncodeOnly(benchmark::State& state) {
  static const std::vector<model::Order> orders = TreeOrder();
  TransformEncode(state, [] { return orders; });
}
BENCHMARK(BM_TransformEncodeOnly)->Unit(benchmark::kMicrosecond);

void BM_TransformEncodeOnlyTree(benchmark::State& state) {
  static const std::vector<model::Order> orders = TreeOrder();
  TransformEncode(state, [] { return orders; }, &EncodeTree);
}
BENCHMARK(BM_TransformEncodeOnlyTree)->Unit(benchmark::kMicrosecond);

// The encoders alone, on the transformed order.
const qbo::SalesDocument& Document() {
  static const qbo::SalesDocument doc = [] {
    mapping::TransformerConfig config;
    config.doc_number_prefix = "WC-";
    config.custom_fields = {{"1", "Woo order", "number"}};
    model::Order order = TreeOrder().at(0);
    mapping::ResolvedRefs refs;
    refs.customer_id = "58";
    for (const auto& l : order.lines) refs.item_ids[mapping::LineItemKey(l)] = "21";
    refs.fee_item_id = "30";
    auto d = mapping::OrderToSalesDocument(order, refs, config);
    return d.ok() ? *d : qbo::SalesDocument{};
  }();
  return doc;
}

void BM_TransformOnly(benchmark::State& state) {
  static const model::Order order = TreeOrder().at(0);
  mapping::TransformerConfig config;
  config.doc_number_prefix = "WC-";
  config.custom_fields = {{"1", "Woo order", "number"}};
  mapping::ResolvedRefs refs;
  refs.customer_id = "58";
  for (const auto& l : order.lines) refs.item_ids[mapping::LineItemKey(l)] = "21";
  refs.fee_item_id = "30";
  for (auto _ : state) {
    auto doc = mapping::OrderToSalesDocument(order, refs, config);
    benchmark::DoNotOptimize(doc);
  }
}
BENCHMARK(BM_TransformOnly)->Unit(benchmark::kMicrosecond);

void BM_EncodeText(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(EncodeText(Document()));
}
BENCHMARK(BM_EncodeText)->Unit(benchmark::kMicrosecond);

void BM_EncodeTree(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(EncodeTree(Document()));
}
BENCHMARK(BM_EncodeTree)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace es
