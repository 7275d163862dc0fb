// Helpers shared by the API route files: masking of credentials, JSON views
// of store records, and parsing of common query parameters. Pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "common/json.h"
#include "common/status.h"
#include "server/connectivity.h"
#include "store/store.h"

namespace es::server {

// Credentials as the API shows them: every string value masked ("••••"),
// identifiers that are not secret on their own (consumer_key, client_id)
// reduced to a hint ("ck_…3f2a" when at least 12 characters); numbers (token
// expiry times) kept. Never contains a secret value. `secret` is the
// plaintext JSON of Connection.secret; anything unreadable gives {}.
Json MaskCredentials(const std::string& secret);

// A URL with any user name/password replaced by the mask
// ("https://••••@shop.example/"); other text unchanged.
std::string MaskUrlUserinfo(const std::string& url);

// {"id","kind","name","enabled","config" (URLs without userinfo),"credentials"(masked),"updatedAt",
//  "connected" (QBO: tokens present), "status" (when given)}.
Json ConnectionJson(const store::Connection& c, const ProbeResult* status = nullptr);

Json RunJson(const store::SyncRun& r);
Json FailedJson(const store::FailedRecord& f);
Json HistoryJson(const store::HistoryEntry& h);
Json AuditJson(const store::AuditEntry& e);

// Ids of connections: 1–64 of [A-Za-z0-9._-], starting with a letter or digit.
bool ValidId(const std::string& id);

// A time filter: "" → 0; Unix milliseconds (digits) or ISO-8601
// ("2026-01-31", "2026-01-31T10:00:00Z"). Validation names `name`.
Result<int64_t> ParseTimeParam(const std::string& text, const std::string& name);
// A positive integer no larger than `max`; "" → `fallback`.
Result<int64_t> ParseCountParam(const std::string& text, const std::string& name, int64_t fallback, int64_t max);

// The from/to/limit query parameters of a list route.
struct ListWindow {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  int limit = 0;
};
Result<ListWindow> ParseListWindow(const std::string& from, const std::string& to, const std::string& limit,
                                   int64_t default_limit, int64_t max_limit);

// Route entity names ("orders") for an entity given as a route or store name
// ("order"), for the pair's connector kinds; Validation when unknown.
Result<std::string> RouteEntity(const std::string& source_kind, const std::string& target_kind,
                                const std::string& entity);

// The tenant's only enabled connection of `kind` ("woo", "qbo"); Validation
// naming `field` when there is none or more than one (the caller must name it).
Result<std::string> DefaultConnection(store::StateStore& store, const std::string& tenant, const std::string& kind,
                                      const char* field);

}  // namespace es::server
