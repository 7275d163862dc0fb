#include "connectors/woo/sandbox/tls.h"

#include <openssl/x509v3.h>

namespace es::woo::sandbox {

Result<SelfSignedCert> MakeSelfSignedCert(const std::string& host) {
  SelfSignedCert out;
  out.key.reset(EVP_EC_gen("P-256"));
  if (!out.key) return Status::Internal("sandbox TLS: could not generate a key");
  out.cert.reset(X509_new());
  X509* x = out.cert.get();
  if (!x) return Status::Internal("sandbox TLS: X509_new failed");
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400);
  X509_set_pubkey(x, out.key.get());
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("EasySale Sandbox"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  std::string san = "IP:127.0.0.1,DNS:localhost";
  bool is_ip = !host.empty() && host.find_first_not_of("0123456789.") == std::string::npos;
  if (!host.empty() && host != "127.0.0.1" && host != "localhost" && host != "0.0.0.0")
    san += (is_ip ? ",IP:" : ",DNS:") + host;
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str());
  if (!ext) return Status::Internal("sandbox TLS: bad subjectAltName");
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  if (X509_sign(x, out.key.get(), EVP_sha256()) == 0) return Status::Internal("sandbox TLS: signing failed");
  return out;
}

}  // namespace es::woo::sandbox
