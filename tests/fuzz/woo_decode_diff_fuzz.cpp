// Differential fuzz of the WooCommerce decoders (connectors/woo/codec.h): the
// one-pass decode from text (simdjson on-demand, codec_tape.h) must give
// exactly what ParseJson + the Json decoders give for every input — the same
// record, or the same error message (a text ParseJson refuses must be refused
// too; the wording of JSON syntax errors may differ). For an array, the list
// decode must give the same records and failures, and each record's raw text
// must parse to the same JSON as the element. Any difference aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/json.h"
#include "connectors/woo/codec.h"
#include "connectors/woo/codec_tape.h"

namespace {

[[noreturn]] void Mismatch(const char* what, const std::string& detail) {
  fprintf(stderr, "woo_decode_diff_fuzz: %s differs: %s\n", what, detail.c_str());
  abort();
}

template <typename T>
void Same(const char* what, const es::Result<T>& old_r, const es::Result<T>& new_r) {
  if (old_r.ok() != new_r.ok())
    Mismatch(what, old_r.ok() ? "new failed: " + new_r.status().ToString() : "old failed: " + old_r.status().ToString());
  if (!old_r.ok()) {
    if (old_r.status().ToString() != new_r.status().ToString())
      Mismatch(what, old_r.status().ToString() + " vs " + new_r.status().ToString());
    return;
  }
  if (!(*old_r == *new_r)) Mismatch(what, "decoded records differ");
}

template <typename T, typename OldF, typename NewF>
void SameList(const char* what, const es::Json& arr, const es::Result<es::woo::DecodedList<T>>& list, OldF&& old_decode,
              NewF&& check_raw) {
  if (!list.ok()) Mismatch(what, "list failed: " + list.status().ToString());
  size_t item = 0, failure = 0;
  for (const es::Json& e : arr) {
    es::Result<T> r = old_decode(e);
    if (r.ok()) {
      if (item >= list->items.size() || !(list->items[item] == *r)) Mismatch(what, "list record differs");
      check_raw(list->raw[item], e);
      ++item;
    } else {
      if (failure >= list->failures.size() || list->failures[failure].reason != r.status().message())
        Mismatch(what, "list failure differs: " + r.status().message());
      ++failure;
    }
  }
  if (item != list->items.size() || failure != list->failures.size()) Mismatch(what, "list sizes differ");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto j = es::ParseJson(text);
  es::woo::detail::Tape tape;
  es::Status parsed = tape.Parse(text);
  if (!j.ok()) {
    if (parsed.ok()) Mismatch("acceptance", "ParseJson refused (" + j.status().message() + "), the tape accepted");
    if (es::woo::DecodeOrderText(text).ok()) Mismatch("acceptance", "DecodeOrderText accepted invalid JSON");
    return 0;
  }
  if (!parsed.ok()) Mismatch("acceptance", "ParseJson accepted, the tape refused: " + parsed.message());
  const es::woo::detail::TapeNode& root = tape.root();
  Same("order", es::woo::DecodeOrder(*j), es::woo::DecodeOrder(root));
  Same("refund", es::woo::DecodeRefund(*j, "1", "USD"), es::woo::DecodeRefund(root, "1", "USD"));
  Same("customer", es::woo::DecodeCustomer(*j), es::woo::DecodeCustomer(root));
  Same("product", es::woo::DecodeProduct(*j, "USD"), es::woo::DecodeProduct(root, "USD"));
  Same("variation", es::woo::DecodeVariation(*j, "7", "JPY"), es::woo::DecodeVariation(root, "7", "JPY"));
  Same("order text", es::woo::DecodeOrder(*j), es::woo::DecodeOrderText(text));

  auto check_raw = [](const std::string& raw, const es::Json& element) {
    auto back = es::ParseJson(raw);
    if (!back.ok() || *back != element) Mismatch("raw text", raw.substr(0, 200));
  };
  if (j->is_array()) {
    SameList<es::model::Order>("order list", *j, es::woo::DecodeOrderList(text),
                               [](const es::Json& e) { return es::woo::DecodeOrder(e); }, check_raw);
    SameList<es::model::Product>("product list", *j, es::woo::DecodeProductList(text, "USD"),
                                 [](const es::Json& e) { return es::woo::DecodeProduct(e, "USD"); }, check_raw);
  } else if (es::woo::DecodeOrderList(text).status().code() != "not_array") {
    Mismatch("order list", "a non-array body must fail with not_array");
  }
  return 0;
}
