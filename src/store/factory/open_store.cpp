#include "store/factory/open_store.h"

#include <sys/stat.h>

#include <filesystem>
#include <system_error>

#include "store/postgres/pg_url.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace es::store {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";

// Parses the query of a sqlite:// URL ("synchronous=full|normal").
// Never echoes the URL: store URLs may carry credentials.
Status ApplySqliteQuery(std::string_view query, sqlite::SqliteOptions& options) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (key == "synchronous" && value == "full") {
      options.full_sync = true;
    } else if (key == "synchronous" && value == "normal") {
      options.full_sync = false;
    } else if (key == "synchronous") {
      return Status::Validation("sqlite store option 'synchronous' must be 'normal' or 'full'");
    } else {
      return Status::Validation("unknown sqlite store option '" + std::string(key) +
                                "' (supported: synchronous=normal|full)");
    }
  }
  return Status::Ok();
}

Status EnsureParentDirectory(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    return Status::Validation("cannot create state store directory '" + parent.string() + "': " + ec.message());
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<StateStore>> OpenStore(const std::string& url) {
  if (url.empty()) return Status::Validation("state store URL is empty");
  std::string path;
  sqlite::SqliteOptions options;
  if (url.rfind(kSqliteScheme, 0) == 0) {
    std::string_view rest = std::string_view(url).substr(kSqliteScheme.size());
    size_t q = rest.find('?');
    if (q != std::string_view::npos) {
      ES_RETURN_IF_ERROR(ApplySqliteQuery(rest.substr(q + 1), options));
      rest = rest.substr(0, q);
    }
    // "sqlite:///abs" leaves "/abs"; "sqlite://rel" leaves "rel".
    path = std::string(rest);
    if (path.empty()) return Status::Validation("state store URL 'sqlite://' names no database file");
  } else if (postgres::IsPostgresUrl(url)) {
    // PostgresStore keeps the URL's password out of its messages.
    ES_ASSIGN_OR_RETURN(std::unique_ptr<postgres::PostgresStore> store, postgres::PostgresStore::Open(url));
    ES_RETURN_IF_ERROR(store->Migrate());
    return std::unique_ptr<StateStore>(std::move(store));
  } else if (size_t sep = url.find("://"); sep != std::string::npos) {
    // Only the scheme is echoed: the rest may hold a password.
    const std::string scheme = url.substr(0, sep);
    return Status::Validation("no store driver for scheme '" + scheme + "' (supported: sqlite, postgres)");
  } else {
    path = url;  // a plain file path, or ":memory:"
  }

  if (path == ":memory:") {
    ES_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteStore> store, sqlite::SqliteStore::Open(path, options));
    ES_RETURN_IF_ERROR(store->Migrate());
    return std::unique_ptr<StateStore>(std::move(store));
  }
  // Credentials and business data: the directories and files created here
  // (the database and its -wal/-shm, which SQLite gives the database's
  // mode) are the owner's only; a file an older version left readable by
  // others is narrowed to 0600.
  const mode_t old_mask = ::umask(077);
  Status dir = EnsureParentDirectory(path);
  auto opened = dir.ok() ? sqlite::SqliteStore::Open(path, options) : Result<std::unique_ptr<sqlite::SqliteStore>>(dir);
  ::umask(old_mask);
  ES_RETURN_IF_ERROR(opened.status());
  std::unique_ptr<sqlite::SqliteStore> store = std::move(*opened);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string file = path + suffix;
    struct stat st;
    if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) (void)::chmod(file.c_str(), 0600);
  }
  ES_RETURN_IF_ERROR(store->Migrate());
  return std::unique_ptr<StateStore>(std::move(store));
}

}  // namespace es::store
