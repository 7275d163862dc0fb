#include "server/auth/password.h"

#include <sodium.h>

#include <mutex>

namespace es::auth {
namespace {

bool Init() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

}  // namespace

Status CheckPasswordPolicy(std::string_view password) {
  if (password.size() < 8) return Status::Validation("password must be at least 8 characters");
  if (password.size() > 1024) return Status::Validation("password must be at most 1024 characters");
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password, HashCost cost) {
  ES_RETURN_IF_ERROR(CheckPasswordPolicy(password));
  if (!Init()) return Status::Internal("libsodium failed to initialise");
  const unsigned long long ops =
      cost == HashCost::kMinimum ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  const size_t mem = cost == HashCost::kMinimum ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  if (!Init() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  if (password.empty() || password.size() > 1024) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void VerifyNoUser(std::string_view password) {
  static std::once_flag once;
  static std::string dummy;
  std::call_once(once, [] {
    auto h = HashPassword("no-such-user-placeholder");
    if (h.ok()) dummy = *h;
  });
  (void)VerifyPassword(dummy, password.empty() ? std::string_view("x") : password);
}

}  // namespace es::auth
