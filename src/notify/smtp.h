// Sending one e-mail through an SMTP relay with libcurl (SPEC F12).
//
// smtp://host[:port] (default 25) speaks plain SMTP, upgraded with STARTTLS
// when `starttls` is set (the send fails if the relay does not offer it);
// smtps://host[:port] (default 465) is TLS from the first byte. AUTH is used
// when a username is given. Certificates are verified unless
// insecure_skip_tls_verify (local test relays only).
//
// The message is plain UTF-8 text with RFC 5322 headers (Date, From, To,
// Subject, Message-ID, MIME-Version, Content-Type); line breaks become CRLF
// and libcurl escapes lines starting with a dot. Header values must not
// contain line breaks (Validation).
//
// Failures: Network (refused, timeout, TLS, the relay's 4xx/5xx answer, with
// curl's description) or Validation (bad addresses, a non-public address
// when public_addresses_only, code "private_target"). No message ever
// contains the password. Thread-safe (each call uses its own curl handle).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace es::notify {

struct SmtpRelay {
  std::string url;  // smtp:// or smtps://
  std::string username;
  std::string password;
  bool starttls = false;
  bool insecure_skip_tls_verify = false;
  // Refuse to connect to loopback/private/link-local addresses (checked on
  // the address actually connected to; see http/target_guard.h).
  bool public_addresses_only = false;
  std::chrono::milliseconds timeout{15'000};
};

struct MailMessage {
  std::string from;
  std::vector<std::string> to;
  std::string subject;
  std::string body;  // plain text
};

// The message as sent (headers + CRLF body); Validation for line breaks in
// header values. `now_ms` stamps the Date header.
Result<std::string> RenderMail(const MailMessage& message, int64_t now_ms);

// Mail transport, injectable for tests of the notifier.
class MailSender {
 public:
  virtual ~MailSender() = default;
  virtual Status Send(const SmtpRelay& relay, const MailMessage& message, int64_t now_ms) = 0;
};

// The libcurl implementation.
class CurlMailSender final : public MailSender {
 public:
  Status Send(const SmtpRelay& relay, const MailMessage& message, int64_t now_ms) override;
};

}  // namespace es::notify
