#include <algorithm>
#include <cctype>

#include "http/transport.h"

namespace es::http {
namespace {

bool Has(const std::string& haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         }) != haystack.end();
}

}  // namespace

bool IsTransportFailure(const Status& s) {
  return s.IsNetwork() && (s.code() == "transport" || s.code() == "timeout");
}

TransportFailure DescribeTransportFailure(const Status& s) {
  std::string detail = s.message();
  if (size_t p = detail.find("request failed: "); p != std::string::npos) detail = detail.substr(p + 16);
  using Kind = TransportFailure::Kind;
  if (s.code() == "timeout" || Has(detail, "timed out")) return {Kind::kTimeout, "timed out"};
  if (Has(detail, "refused") || Has(detail, "couldn't connect")) return {Kind::kRefused, "connection refused"};
  if (Has(detail, "resolve")) return {Kind::kUnknownHost, "host name not found"};
  if (Has(detail, "wrong version number") || Has(detail, "packet length too long"))
    return {Kind::kNotTls, "TLS failure: the server there does not speak TLS"};
  if (Has(detail, "SSL") || Has(detail, "TLS") || Has(detail, "certificate"))
    return {Kind::kTls, "TLS failure: " + detail};
  if (Has(detail, "empty reply") || Has(detail, "reset")) return {Kind::kDropped, "connection dropped"};
  return {Kind::kOther, detail};
}

}  // namespace es::http
