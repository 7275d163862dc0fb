// URL helpers: RFC 3986 percent-encoding, query strings and URL parsing.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace es::http {

using Params = std::vector<std::pair<std::string, std::string>>;

// Encodes every byte except ALPHA / DIGIT / "-" / "." / "_" / "~".
std::string PercentEncode(std::string_view s);
// Decodes %XX escapes; with plus_as_space, '+' becomes ' ' (form encoding).
std::string PercentDecode(std::string_view s, bool plus_as_space = false);
// "a=1&b=x%20y" with PercentEncode on keys and values, in the given order.
std::string BuildQuery(const Params& params);
// Splits "a=1&b=2" (decoding '+' as space).
Params ParseQuery(std::string_view query);

struct Url {
  std::string scheme;  // "http" / "https"
  std::string host;
  int port = 0;        // explicit or the scheme's default
  std::string path;    // "/wp-json/wc/v3/orders", never empty
  std::string query;   // without '?'
  // scheme://host[:port] (port omitted when default).
  std::string Origin() const;
};

Result<Url> ParseUrl(std::string_view url);
// Joins a base ("http://h:1/x/") and a path ("/v3/...") without doubling '/'.
std::string JoinUrl(std::string_view base, std::string_view path);

}  // namespace es::http
