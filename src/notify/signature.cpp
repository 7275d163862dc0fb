#include "notify/signature.h"

#include "common/crypto.h"

namespace es::notify {

std::string SignBody(std::string_view secret, std::string_view body) {
  return "sha256=" + crypto::Hex(crypto::HmacSha256(secret, body));
}

bool VerifySignature(std::string_view secret, std::string_view body, std::string_view header) {
  if (secret.empty()) return false;
  return crypto::ConstantTimeEquals(SignBody(secret, body), header);
}

}  // namespace es::notify
