// PostgreSQL connection URLs: recognising them, and keeping their password
// out of every message.
//
// A store URL looks like postgres://user:password@host:port/db?options=…
// (also postgresql://). The password may sit in the userinfo part or in a
// `password=` query parameter. SecretScrubber remembers both spellings
// (as written and percent-decoded) and replaces them in any text — libpq's
// connection errors, our own messages — before that text becomes a Status.
// RedactUrl gives a printable form with the password replaced by "***".
// All functions are pure; SecretScrubber is immutable after construction and
// safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace es::store::postgres {

// True for "postgres://…" and "postgresql://…" (scheme compared case-insensitively).
bool IsPostgresUrl(std::string_view url);

// The URL with any password (userinfo or `password=` parameter) replaced by "***".
std::string RedactUrl(std::string_view url);

class SecretScrubber {
 public:
  SecretScrubber() = default;
  // Collects the password spellings found in `url` (none for a URL without one).
  explicit SecretScrubber(std::string_view url);

  // `text` with every occurrence of a collected secret replaced by "***".
  std::string Scrub(std::string text) const;
  bool empty() const { return secrets_.empty(); }

 private:
  std::vector<std::string> secrets_;  // longest first
};

}  // namespace es::store::postgres
