// Dialect: how one neutral SQL text becomes SQLite or PostgreSQL SQL.
//
// The store's queries and migrations are written once, in PostgreSQL's
// parameter style ($1, $2, …) with a few tokens for what the two dialects
// spell differently. Render() rewrites them:
//
//   token            SQLite                            PostgreSQL
//   $N               ?N                                $N
//   {C}              (nothing: BINARY is byte order)   COLLATE "C"
//   {SKIP_LOCKED}    (nothing: BEGIN IMMEDIATE locks)  FOR UPDATE SKIP LOCKED
//   {SEQ}            INTEGER NOT NULL PRIMARY KEY      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY
//   {BYTES}          BLOB                              BYTEA
//   {BOOL}           INTEGER                           BOOLEAN
//
// Upserts use the syntax both accept (INSERT … ON CONFLICT (…) DO UPDATE SET
// x = excluded.x), as does UPDATE … RETURNING. A '$' or '{' inside a string
// literal is not allowed in neutral SQL (none is needed: values are bound).
// An unknown {TOKEN} is left as is, so the database reports it.
#pragma once

#include <string>
#include <string_view>

namespace es::store::sql {

enum class Dialect { kSqlite, kPostgres };

const char* DialectName(Dialect d);

// The SQL text for `d` (see the table above).
std::string Render(std::string_view neutral, Dialect d);

}  // namespace es::store::sql
