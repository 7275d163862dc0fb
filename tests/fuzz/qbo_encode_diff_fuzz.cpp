// Differential fuzz of the QBO encoders (connectors/qbo/codec.h): for an
// entity built from the input's bytes, the text encoder (Encode…Text, a
// streaming writer) must give exactly DumpJson(Encode…(x)) (the nlohmann tree
// encoder), and that text must parse back to the same JSON value. Any
// difference aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../support/qbo_random_docs.h"
#include "common/json.h"
#include "connectors/qbo/codec.h"

namespace {

// The choices come from the input, byte by byte; zeros once it runs out.
struct BytesDraw {
  const uint8_t* data;
  size_t size;
  uint32_t Int(uint32_t max) {
    uint32_t v = 0;
    for (uint32_t span = max; span > 0 && size > 0; span >>= 8) {
      v = (v << 8) | *data++;
      --size;
    }
    return max == UINT32_MAX ? v : v % (max + 1);
  }
};

[[noreturn]] void Mismatch(const char* what, const std::string& tree, const std::string& text) {
  fprintf(stderr, "qbo_encode_diff_fuzz: %s differs\n tree: %s\n text: %s\n", what, tree.c_str(), text.c_str());
  abort();
}

void Same(const char* what, const es::Json& tree, const std::string& text) {
  std::string dumped = es::DumpJson(tree);
  if (dumped != text) Mismatch(what, dumped, text);
  auto a = es::ParseJson(text);
  auto b = es::ParseJson(dumped);
  if (!a.ok() || !b.ok() || *a != *b) Mismatch(what, dumped, text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  BytesDraw draw{data + 1, size - 1};
  es::qbo::testing::RandomDocs<BytesDraw> gen(draw);
  switch (data[0] % 4) {
    case 0: {
      auto d = gen.Document();
      Same("SalesDocument", es::qbo::EncodeSalesDocument(d), es::qbo::EncodeSalesDocumentText(d));
      break;
    }
    case 1: {
      auto c = gen.CustomerOf();
      Same("Customer", es::qbo::EncodeCustomer(c), es::qbo::EncodeCustomerText(c));
      break;
    }
    case 2: {
      auto i = gen.ItemOf();
      Same("Item", es::qbo::EncodeItem(i), es::qbo::EncodeItemText(i));
      break;
    }
    default: {
      auto p = gen.PaymentOf();
      Same("Payment", es::qbo::EncodePayment(p), es::qbo::EncodePaymentText(p));
      break;
    }
  }
  return 0;
}
