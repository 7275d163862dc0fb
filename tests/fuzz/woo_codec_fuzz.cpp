// Fuzzes the WooCommerce codec (connectors/woo/codec.h): any JSON text as an
// order (with its refunds, shipping, fee and tax lines), a refund, a customer,
// a product and a variation. Each decode must yield a record or a Status —
// never a crash, an overflow or undefined behaviour (ASan/UBSan abort).
#include <cstdint>
#include <string>

#include "common/json.h"
#include "connectors/woo/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;
  auto j = es::ParseJson(std::string(reinterpret_cast<const char*>(data), size));
  if (!j.ok()) return 0;
  auto order = es::woo::DecodeOrder(*j);
  if (order.ok()) (void)order->RefundedTotal();
  auto refund = es::woo::DecodeRefund(*j, "1", "USD");
  if (refund.ok()) (void)refund->RefundedTax();
  (void)es::woo::DecodeCustomer(*j);
  (void)es::woo::DecodeProduct(*j, "USD");
  (void)es::woo::DecodeVariation(*j, "7", "USD");
  return 0;
}
