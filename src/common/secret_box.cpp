#include "common/secret_box.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "common/crypto.h"

namespace es {
namespace {

constexpr size_t kChunk = size_t{1} << 30;  // EVP lengths are int
constexpr size_t kMaxKeyFileBytes = 4096;
constexpr char kDecryptError[] = "secret could not be decrypted (wrong key or corrupted data)";

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

// OpenSSL failing on valid inputs is an impossible state: fail hard.
void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fatal: AES-256-GCM %s failed\n", what);
    std::abort();
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// Feeds `data` to EVP_*Update in int-sized chunks; `out` null for AAD.
template <typename UpdateFn>
bool UpdateChunked(UpdateFn update, EVP_CIPHER_CTX* ctx, unsigned char* out, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    size_t n = std::min(kChunk, data.size() - done);
    int outl = 0;
    if (update(ctx, out ? out + done : nullptr, &outl, Bytes(data) + done, static_cast<int>(n)) != 1) return false;
    done += n;
  }
  return true;
}

}  // namespace

SecretBox::~SecretBox() { OPENSSL_cleanse(key_.data(), key_.size()); }

Result<SecretBox> SecretBox::FromHexKey(std::string_view hex64) {
  if (hex64.size() != 2 * kKeyBytes) {
    return Status::Validation("master key must be 64 hex characters (32 bytes); got " +
                              std::to_string(hex64.size()) + " characters");
  }
  SecretBox box;
  for (size_t i = 0; i < kKeyBytes; ++i) {
    int hi = HexValue(hex64[2 * i]);
    int lo = HexValue(hex64[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Status::Validation("master key must contain only hex characters (0-9, a-f)");
    }
    box.key_[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return box;
}

Result<SecretBox> SecretBox::FromEnvironmentOrFile(const char* env_var, const char* file_env_var) {
  const char* direct = std::getenv(env_var);
  if (direct != nullptr && *direct != '\0') {
    auto box = FromHexKey(Trim(direct));
    if (!box.ok()) return box.status().WithContext(env_var);
    return box;
  }
  const char* path = file_env_var ? std::getenv(file_env_var) : nullptr;
  if (path == nullptr || *path == '\0') {
    std::string msg = std::string(env_var) + " is not set; expected 64 hex characters";
    if (file_env_var) msg += " (or set " + std::string(file_env_var) + " to a file containing them)";
    return Status::Validation(msg);
  }
  const std::string where = std::string(file_env_var) + " (" + path + ")";
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) {
    return Status::Validation(where + ": cannot read the key file: " + std::strerror(errno));
  }
  std::string content(kMaxKeyFileBytes + 1, '\0');
  size_t n = std::fread(content.data(), 1, content.size(), f);
  bool read_error = std::ferror(f) != 0;
  std::fclose(f);
  if (read_error) return Status::Validation(where + ": cannot read the key file");
  if (n > kMaxKeyFileBytes) return Status::Validation(where + ": the key file is too large to hold a key");
  content.resize(n);
  auto box = FromHexKey(Trim(content));
  OPENSSL_cleanse(content.data(), content.size());
  if (!box.ok()) return box.status().WithContext(where);
  return box;
}

std::string SecretBox::Seal(std::string_view plaintext, std::string_view associated_data) const {
  const std::string nonce = crypto::RandomBytes(kNonceBytes);
  std::string raw(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  std::memcpy(raw.data(), nonce.data(), kNonceBytes);
  auto* out = reinterpret_cast<unsigned char*>(raw.data());

  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  Check(ctx != nullptr, "context allocation");
  Check(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1, "init");
  Check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) == 1,
        "nonce length");
  Check(EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), out) == 1, "key setup");
  Check(UpdateChunked(EVP_EncryptUpdate, ctx.get(), nullptr, associated_data), "associated data");
  Check(UpdateChunked(EVP_EncryptUpdate, ctx.get(), out + kNonceBytes, plaintext), "encryption");
  int outl = 0;
  Check(EVP_EncryptFinal_ex(ctx.get(), out + kNonceBytes + plaintext.size(), &outl) == 1, "finalisation");
  Check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                            out + kNonceBytes + plaintext.size()) == 1,
        "tag");
  return std::string(kPrefix) + crypto::Base64Encode(raw);
}

Result<std::string> SecretBox::Open(std::string_view sealed, std::string_view associated_data) const {
  if (sealed.substr(0, kPrefix.size()) != kPrefix) {
    return Status::Validation("value is not a sealed secret (expected the esb1: prefix)");
  }
  // Only the canonical base64 text Seal writes: the decoder alone would also
  // take '=' inside the text, so one secret would have many spellings.
  const std::string_view body = sealed.substr(kPrefix.size());
  if (!LooksSealed(sealed)) return Status::Authentication(kDecryptError);
  auto raw = crypto::Base64Decode(body);
  if (!raw.ok() || raw->size() < kNonceBytes + kTagBytes || crypto::Base64Encode(*raw) != body) {
    return Status::Authentication(kDecryptError);
  }
  const size_t n = raw->size() - kNonceBytes - kTagBytes;
  std::string_view nonce(raw->data(), kNonceBytes);
  std::string_view ciphertext(raw->data() + kNonceBytes, n);
  std::string tag = raw->substr(kNonceBytes + n);
  std::string plain(n, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plain.data());

  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  Check(ctx != nullptr, "context allocation");
  Check(EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1, "init");
  Check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) == 1,
        "nonce length");
  Check(EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), Bytes(nonce)) == 1, "key setup");
  bool good = UpdateChunked(EVP_DecryptUpdate, ctx.get(), nullptr, associated_data) &&
              UpdateChunked(EVP_DecryptUpdate, ctx.get(), out, ciphertext) &&
              EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), tag.data()) == 1;
  int outl = 0;
  good = good && EVP_DecryptFinal_ex(ctx.get(), out + n, &outl) == 1;
  ERR_clear_error();
  if (!good) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return Status::Authentication(kDecryptError);
  }
  return plain;
}

bool SecretBox::LooksSealed(std::string_view text) {
  if (text.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view body = text.substr(kPrefix.size());
  if (body.empty() || body.size() % 4 != 0) return false;
  size_t pad = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c == '=') {
      if (i + 2 < body.size()) return false;  // '=' only in the last two places
      ++pad;
    } else if (pad > 0 || !(alnum || c == '+' || c == '/')) {
      return false;
    }
  }
  return body.size() / 4 * 3 - pad >= kNonceBytes + kTagBytes;
}

}  // namespace es
