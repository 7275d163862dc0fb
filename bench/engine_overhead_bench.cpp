// Engine overhead (SPEC §4): CPU per typical order for decode (Woo JSON →
// canonical) + transform (canonical → QBO document) + encode (QBO JSON
// text). Run: build/bench/engine_overhead_bench
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

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

void BM_DecodeTransformEncode(benchmark::State& state) {
  mapping::TransformerConfig config;
  config.doc_number_prefix = "WC-";
  config.custom_fields = {{"1", "Woo order", "number"}};
  size_t bytes = 0;
  for (auto _ : state) {
    auto j = ParseJson(OrderText());
    auto order = woo::DecodeOrder(*j);
    if (!order.ok()) {
      state.SkipWithError(order.status().ToString().c_str());
      break;
    }
    mapping::ResolvedRefs refs;
    refs.customer_id = "58";
    for (const auto& l : order->lines) refs.item_ids[mapping::LineItemKey(l)] = "21";
    refs.fee_item_id = "30";
    auto doc = mapping::OrderToSalesDocument(*order, refs, config);
    std::string out = DumpJson(qbo::EncodeSalesDocument(doc.ok() ? *doc : qbo::SalesDocument{}));
    bytes += out.size();
    benchmark::DoNotOptimize(out);
  }
  state.counters["orders/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_DecodeTransformEncode)->Unit(benchmark::kMicrosecond);

void BM_DecodeOnly(benchmark::State& state) {
  for (auto _ : state) {
    auto j = ParseJson(OrderText());
    auto order = woo::DecodeOrder(*j);
    benchmark::DoNotOptimize(order);
  }
}
BENCHMARK(BM_DecodeOnly)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace es
