// HTTP transport: the one way connectors reach the network.
//
// HttpTransport is an interface so that tests can inject failures and so
// that the sandboxes and real APIs are reached the same way. Send() returns
// a response for every HTTP status (4xx/5xx included); only transport
// failures (DNS, refused, reset, timeout) become a Network status.
// Implementations are thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace es::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  std::string url;  // absolute: scheme://host[:port]/path?query
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{120'000};
  // Refuse to connect to loopback, private, link-local and other non-public
  // addresses (checked on the address actually connected to; see
  // http/target_guard.h). The curl transport fails such a request with
  // Validation, code "private_target".
  bool public_addresses_only = false;
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;
  // Case-insensitive header lookup; empty when absent.
  std::string Header(std::string_view name) const;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual Result<Response> Send(const Request& request) = 0;
};

struct CurlOptions {
  // Only for the local sandboxes' self-signed certificates.
  bool insecure_skip_tls_verify = false;
  std::chrono::milliseconds connect_timeout{10'000};
};

// libcurl-backed transport with keep-alive connection reuse.
std::unique_ptr<Transport> MakeCurlTransport(CurlOptions options = {});

std::string_view FindHeader(const Headers& headers, std::string_view name);

// A request that could not be made at all: Network with code "transport" or
// "timeout" (the message "<METHOD> request failed: <curl's words>").
bool IsTransportFailure(const Status& s);

// Why, in a user's words, for a connector's one line "<platform> unreachable
// at <url> (<text>) — <what to check>": "timed out", "connection refused",
// "host name not found", "TLS failure: the server there does not speak TLS"
// (kNotTls: https to a plain-HTTP port), "TLS failure: <curl's words>"
// (kTls: a certificate or handshake problem), "connection dropped", or
// curl's words as they are (kOther). Matching ignores case.
struct TransportFailure {
  enum class Kind { kTimeout, kRefused, kUnknownHost, kNotTls, kTls, kDropped, kOther };
  Kind kind = Kind::kOther;
  std::string text;
};
TransportFailure DescribeTransportFailure(const Status& s);

}  // namespace es::http
