#include "notify/smtp.h"

#include <curl/curl.h>

#include <cstring>
#include <ctime>
#include <memory>

#include "common/crypto.h"
#include "http/target_guard.h"

namespace es::notify {
namespace {

bool HasLineBreak(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

// "Sun, 06 Dec 2026 16:20:00 +0000".
std::string RfcDate(int64_t now_ms) {
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
           kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

// A subject with non-ASCII bytes as an RFC 2047 encoded word.
std::string EncodeSubject(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return "=?UTF-8?B?" + crypto::Base64Encode(s) + "?=";
  }
  return s;
}

struct Upload {
  std::string data;
  size_t offset = 0;
};

size_t ReadBody(char* buffer, size_t size, size_t nitems, void* user) {
  auto* u = static_cast<Upload*>(user);
  const size_t n = std::min(size * nitems, u->data.size() - u->offset);
  memcpy(buffer, u->data.data() + u->offset, n);
  u->offset += n;
  return n;
}

struct SocketGuard {
  bool public_only = false;
  bool refused = false;
  http::AddressClass refused_class = http::AddressClass::kPublic;
};

curl_socket_t OpenSocket(void* user, curlsocktype purpose, struct curl_sockaddr* address) {
  auto* guard = static_cast<SocketGuard*>(user);
  if (guard->public_only && purpose == CURLSOCKTYPE_IPCXN) {
    const http::AddressClass c = http::ClassifyAddress(&address->addr);
    if (c != http::AddressClass::kPublic) {
      guard->refused = true;
      guard->refused_class = c;
      return CURL_SOCKET_BAD;
    }
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

Result<std::string> RenderMail(const MailMessage& m, int64_t now_ms) {
  if (HasLineBreak(m.from) || HasLineBreak(m.subject)) {
    return Status::Validation("mail From and Subject must be single lines");
  }
  if (m.to.empty()) return Status::Validation("mail has no recipient");
  std::string to;
  for (const std::string& a : m.to) {
    if (HasLineBreak(a)) return Status::Validation("mail recipients must be single lines");
    to += (to.empty() ? "" : ", ") + a;
  }
  std::string domain = m.from.substr(m.from.find('@') + 1);
  std::string out;
  out += "Date: " + RfcDate(now_ms) + "\r\n";
  out += "From: " + m.from + "\r\n";
  out += "To: " + to + "\r\n";
  out += "Subject: " + EncodeSubject(m.subject) + "\r\n";
  out += "Message-ID: <" + crypto::RandomHex(12) + "@" + domain + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: 8bit\r\n";
  out += "\r\n";
  // Normalise every line break to CRLF.
  for (size_t i = 0; i < m.body.size(); ++i) {
    const char c = m.body[i];
    if (c == '\r') {
      if (i + 1 < m.body.size() && m.body[i + 1] == '\n') ++i;
      out += "\r\n";
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out.push_back(c);
    }
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

Status CurlMailSender::Send(const SmtpRelay& relay, const MailMessage& message, int64_t now_ms) {
  const bool smtps = relay.url.rfind("smtps://", 0) == 0;
  if (!smtps && relay.url.rfind("smtp://", 0) != 0) {
    return Status::Validation("SMTP relay URL must start with smtp:// or smtps://");
  }
  Upload upload;
  ES_ASSIGN_OR_RETURN(upload.data, RenderMail(message, now_ms));
  std::unique_ptr<CURL, CurlDeleter> h(curl_easy_init());
  if (!h) return Status::Internal("curl_easy_init failed");
  std::unique_ptr<curl_slist, ListDeleter> rcpt;
  for (const std::string& a : message.to) {
    curl_slist* l = curl_slist_append(rcpt.get(), ("<" + a + ">").c_str());
    if (l == nullptr) return Status::Internal("curl_slist_append failed");
    rcpt.release();
    rcpt.reset(l);
  }
  SocketGuard guard;
  guard.public_only = relay.public_addresses_only;
  char errbuf[CURL_ERROR_SIZE] = {0};
  const std::string from = "<" + message.from + ">";
  CURL* c = h.get();
  curl_easy_setopt(c, CURLOPT_URL, relay.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadBody);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload.data.size()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(relay.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<int64_t>(relay.timeout.count(), 10'000)));
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, OpenSocket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &guard);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  if (relay.starttls && !smtps) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!relay.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, relay.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, relay.password.c_str());
  }
  if (relay.insecure_skip_tls_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return Status::Ok();
  if (guard.refused) {
    return Status::Validation(std::string("SMTP relay refused: the host resolves to a ") +
                                  http::AddressClassName(guard.refused_class) +
                                  " address; only public hosts are allowed unless the operator allows internal ones",
                              "private_target");
  }
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  std::string what = errbuf[0] ? errbuf : curl_easy_strerror(rc);
  if (code > 0) what += " (SMTP " + std::to_string(code) + ")";
  if (rc == CURLE_LOGIN_DENIED) return Status::Authentication("SMTP relay refused the login: " + what);
  return Status::Network("sending mail failed: " + what, rc == CURLE_OPERATION_TIMEDOUT ? "timeout" : "smtp");
}

}  // namespace es::notify
