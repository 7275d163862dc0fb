// A self-signed TLS certificate generated in memory at start-up (EC P-256,
// SHA-256, valid from one hour ago for 30 days, SAN IP:127.0.0.1 and
// DNS:localhost plus the listening host). For the local sandbox only:
// clients must skip verification. Owns its OpenSSL objects.
#pragma once

#include <memory>
#include <string>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/status.h"

namespace es::woo::sandbox {

struct SelfSignedCert {
  struct CertFree { void operator()(X509* x) const { X509_free(x); } };
  struct KeyFree { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
  std::unique_ptr<X509, CertFree> cert;
  std::unique_ptr<EVP_PKEY, KeyFree> key;
};

Result<SelfSignedCert> MakeSelfSignedCert(const std::string& host);

}  // namespace es::woo::sandbox
