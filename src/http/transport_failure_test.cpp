// DescribeTransportFailure: curl's words for a failed request in a user's.
#include <gtest/gtest.h>

#include "http/transport.h"

namespace es::http {
namespace {

TEST(TransportFailure, NamesEachReasonConnectorsTellTheUser) {
  using Kind = TransportFailure::Kind;
  struct Case {
    Status status;
    Kind kind;
    std::string text;
  } cases[] = {
      {Status::Network("GET request failed: Failed to connect to 127.0.0.1 port 9: Couldn't connect to server",
                       "transport"),
       Kind::kRefused, "connection refused"},
      {Status::Network("POST request failed: Operation too slow", "timeout"), Kind::kTimeout, "timed out"},
      {Status::Network("GET request failed: Could not resolve host: shop.invalid", "transport"), Kind::kUnknownHost,
       "host name not found"},
      {Status::Network("GET request failed: OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number",
                       "transport"),
       Kind::kNotTls, "TLS failure: the server there does not speak TLS"},
      {Status::Network("GET request failed: SSL certificate problem: self-signed certificate", "transport"),
       Kind::kTls, "TLS failure: SSL certificate problem: self-signed certificate"},
      {Status::Network("GET request failed: Empty reply from server", "transport"), Kind::kDropped,
       "connection dropped"},
      {Status::Network("GET request failed: something else", "transport"), Kind::kOther, "something else"},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(IsTransportFailure(c.status)) << c.status.message();
    TransportFailure f = DescribeTransportFailure(c.status);
    EXPECT_EQ(f.kind, c.kind) << c.status.message();
    EXPECT_EQ(f.text, c.text) << c.status.message();
  }
  EXPECT_FALSE(IsTransportFailure(Status::Network("HTTP 503", "http_503")));
  EXPECT_FALSE(IsTransportFailure(Status::Validation("refused target", "transport")));
}

}  // namespace
}  // namespace es::http
