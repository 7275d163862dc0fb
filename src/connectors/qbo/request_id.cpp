#include "connectors/qbo/request_id.h"

#include <initializer_list>

#include "common/crypto.h"

namespace es::qbo {

std::string MakeRequestId(std::string_view tenant, std::string_view realm, std::string_view entity,
                          std::string_view source_id, std::string_view op, size_t max_len) {
  std::string encoded = "es-qbo-requestid-v1";
  for (std::string_view part : {tenant, realm, entity, source_id, op}) {
    encoded += '|';
    encoded += std::to_string(part.size());
    encoded += ':';
    encoded.append(part.data(), part.size());
  }
  std::string hex = crypto::Hex(crypto::Sha256(encoded));
  if (hex.size() > max_len) hex.resize(max_len);
  return hex;
}

}  // namespace es::qbo
