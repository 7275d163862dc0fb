#include "store/postgres/postgres_store.h"

namespace es::store::postgres {

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& url) {
  return Open(url, PostgresOptions{});
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& url, const PostgresOptions& options) {
  ES_ASSIGN_OR_RETURN(std::unique_ptr<ConnectionPool> pool, ConnectionPool::Open(url, options));
  auto exec = std::make_unique<PgExecutor>(std::move(pool));
  PgExecutor& pg = *exec;
  return std::unique_ptr<PostgresStore>(new PostgresStore(std::move(exec), pg));
}

}  // namespace es::store::postgres
