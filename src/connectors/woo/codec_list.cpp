// List bodies and single records from text, through the on-demand parse.
#include "connectors/woo/codec.h"
#include "connectors/woo/codec_tape.h"

namespace es::woo {
namespace {

using detail::Tape;
using detail::TapeNode;

// One parser per thread, reused: its buffers keep their capacity.
Tape& ThreadTape() {
  thread_local Tape tape;
  return tape;
}

std::string FailureId(const TapeNode& item) {
  const TapeNode* id = item.find("id");
  if (id != nullptr && (id->is_number() || id->is_string())) return id->scalar_text();
  return {};
}

template <typename T, typename F>
Result<DecodedList<T>> DecodeList(std::string_view body, F&& decode) {
  Tape& tape = ThreadTape();
  ES_RETURN_IF_ERROR(tape.Parse(body));
  const TapeNode& root = tape.root();
  if (!root.is_array())
    return Status::Validation(std::string("expected a JSON array, got ") + root.type_name(), "not_array");
  DecodedList<T> out;
  out.count = root.size();
  out.items.reserve(root.size());
  out.raw.reserve(root.size());
  const TapeNode* item = root.first();
  for (size_t i = 0; i < root.size(); ++i, item = item->next_sibling()) {
    Result<T> r = decode(*item);
    if (r.ok()) {
      out.items.push_back(std::move(r).value());
      out.raw.emplace_back(item->raw);
    } else {
      out.failures.push_back({FailureId(*item), r.status().message()});
    }
  }
  return out;
}

template <typename T, typename F>
Result<T> DecodeOne(std::string_view text, F&& decode) {
  Tape& tape = ThreadTape();
  ES_RETURN_IF_ERROR(tape.Parse(text));
  return decode(tape.root());
}

}  // namespace

Result<DecodedList<model::Order>> DecodeOrderList(std::string_view body) {
  return DecodeList<model::Order>(body, [](const TapeNode& j) { return DecodeOrder(j); });
}

Result<DecodedList<model::Customer>> DecodeCustomerList(std::string_view body) {
  return DecodeList<model::Customer>(body, [](const TapeNode& j) { return DecodeCustomer(j); });
}

Result<DecodedList<model::Product>> DecodeProductList(std::string_view body, const std::string& currency) {
  return DecodeList<model::Product>(body, [&](const TapeNode& j) { return DecodeProduct(j, currency); });
}

Result<DecodedList<model::Product>> DecodeVariationList(std::string_view body, const std::string& parent_id,
                                                        const std::string& currency) {
  return DecodeList<model::Product>(body,
                                    [&](const TapeNode& j) { return DecodeVariation(j, parent_id, currency); });
}

Result<DecodedList<model::Refund>> DecodeRefundList(std::string_view body, const std::string& order_id,
                                                    const std::string& currency) {
  return DecodeList<model::Refund>(body,
                                   [&](const TapeNode& j) { return DecodeRefund(j, order_id, currency); });
}

Result<model::Order> DecodeOrderText(std::string_view text) {
  return DecodeOne<model::Order>(text, [](const TapeNode& j) { return DecodeOrder(j); });
}

Result<model::Customer> DecodeCustomerText(std::string_view text) {
  return DecodeOne<model::Customer>(text, [](const TapeNode& j) { return DecodeCustomer(j); });
}

Result<model::Product> DecodeProductText(std::string_view text, const std::string& currency) {
  return DecodeOne<model::Product>(text, [&](const TapeNode& j) { return DecodeProduct(j, currency); });
}

}  // namespace es::woo
