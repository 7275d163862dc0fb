// A local Supabase REST (PostgREST) server on top of a real PostgreSQL
// database, for tests, the conformance suite (supabase-js) and benchmarks.
// No PostgREST binary exists on this machine; this implements exactly the
// protocol subset the warehouse connector and supabase-js's basic calls use:
//
//   GET    /rest/v1/<table>?select=a,b|*&<col>=<op>.<value>…&order=&limit=&offset=
//          ops: eq neq gt gte lt lte like ilike in is, each optionally not.
//          Prefer: count=exact fills Content-Range's total. At most
//          max_rows rows per answer (Supabase's default 1000).
//   POST   /rest/v1/<table>[?on_conflict=a,b][&columns=…] with a JSON object
//          or array; Prefer: resolution=merge-duplicates|ignore-duplicates,
//          return=minimal|representation. 201 when a row was inserted, 200
//          for an upsert that inserted none.
//   DELETE /rest/v1/<table>?<filters> (Prefer: return=representation).
//
// Auth as Supabase's gateway does: `apikey` must equal the service key
// (401 {message,hint} otherwise); an `Authorization: Bearer` token, when
// sent, must equal it too (401 PGRST301). Accept-Profile/Content-Profile
// must name the served schema (406 PGRST106). Errors have PostgREST's shape
// {code, details, hint, message} with its SQLSTATE → HTTP status table;
// unknown tables answer 404 PGRST205, unknown columns 400 PGRST204.
// Values are always sent to PostgreSQL as parameters, identifiers are
// checked against the catalogue and quoted.
//
// Thread-safe; Start() returns once the socket accepts connections; Stop()
// (also run by the destructor) joins the server thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace es::supabase::sandbox {

struct Options {
  std::string pg_url;                           // postgres://… of the real database
  std::string service_key = "sb_secret_sandbox_service_key";
  std::string schema = "warehouse";             // the one exposed schema
  bool migrate = false;                         // apply the warehouse migrations at Start()
  int max_rows = 1000;
  int pool_connections = 4;
};

class RestServer {
 public:
  explicit RestServer(Options options);
  ~RestServer();
  RestServer(const RestServer&) = delete;
  RestServer& operator=(const RestServer&) = delete;

  // Connects to PostgreSQL (and migrates when asked), binds host:port
  // (0 = a free port) and starts serving.
  Status Start(int port, const std::string& host = "127.0.0.1");
  void Stop();
  int port() const;
  // "http://127.0.0.1:PORT" — the Supabase project URL (REST under /rest/v1).
  std::string base_url() const;
  uint64_t requests_served() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace es::supabase::sandbox
