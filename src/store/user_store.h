// UserStore: the dashboard's local users and their sign-in sessions
// (migration 0012_users; SPEC F15). Part of StateStore.
//
// Users are per tenant, keyed by (tenant, email); the email is the user id
// the API sees ("sub"). password_hash is an argon2id string from libsodium
// (server/auth/password.h) and is never shown anywhere.
//
// Sessions are keyed by the SHA-256 (hex) of a random cookie value: the store
// never holds a usable session id. A session carries the same claims as an
// API token (tenant, user, role) plus its CSRF token. kind "session" is a
// signed-in browser; kind "link" is a one-time sign-in link, consumed by
// DeleteSession (only one caller gets true).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace es::store {

struct User {
  std::string tenant_id;
  std::string email;          // lower case; the user id
  std::string role;           // "admin" | "user"
  std::string password_hash;  // argon2id ($argon2id$v=19$…)
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

struct UserSession {
  std::string id_hash;  // hex SHA-256 of the cookie value
  std::string tenant_id;
  std::string user_id;  // User::email
  std::string role;     // "admin" | "user", copied at sign-in
  std::string kind;     // "session" | "link"
  std::string csrf_token;
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
};

class UserStore {
 public:
  virtual ~UserStore() = default;

  // Inserts or replaces the user (tenant, email). role must be "admin" or
  // "user"; tenant, email and password_hash non-empty (Validation).
  virtual Status PutUser(const User& user) = 0;
  virtual Result<std::optional<User>> GetUser(const std::string& tenant, const std::string& email) = 0;
  // By email.
  virtual Result<std::vector<User>> ListUsers(const std::string& tenant) = 0;
  // Removes the user and every session of theirs; NotFound when unknown.
  virtual Status DeleteUser(const std::string& tenant, const std::string& email) = 0;

  // Conflict when id_hash exists.
  virtual Status PutSession(const UserSession& session) = 0;
  // The session when it exists and expires_at_ms > now_ms; nullopt otherwise.
  virtual Result<std::optional<UserSession>> GetSession(const std::string& id_hash, int64_t now_ms) = 0;
  // True when this call removed the session (false: it was not there).
  virtual Result<bool> DeleteSession(const std::string& id_hash) = 0;
  // Sessions that expired at or before `before_ms`; returns how many went.
  virtual Result<int64_t> PurgeSessions(int64_t before_ms) = 0;
};

}  // namespace es::store
