// SyncStateStore: what a sync run reads and leaves behind — tenants,
// connections, transformer configs, id mappings, write intents, cursors and
// run locks. Part of StateStore (store/store.h); the contract there applies.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/records.h"

namespace es::store {

class SyncStateStore {
 public:
  virtual ~SyncStateStore() = default;

  virtual Status PutTenant(const Tenant& t) = 0;
  virtual Result<std::optional<Tenant>> GetTenant(const std::string& id) = 0;
  // Every tenant, ordered by id.
  virtual Result<std::vector<Tenant>> ListTenants() = 0;
  // Removes the tenant and every row it owns, in one transaction: its
  // connections, transformer configs, id mappings, write intents, runs and
  // their record results, failed records, cursors, locks, audit entries,
  // OAuth states, sync requests and webhook deliveries and settings (see
  // kTenantTables in records.h). Other tenants are untouched. NotFound when
  // there is no such tenant.
  virtual Status DeleteTenant(const std::string& id) = 0;

  virtual Status PutConnection(const Connection& c) = 0;
  virtual Result<std::optional<Connection>> GetConnection(const std::string& tenant, const std::string& id) = 0;
  virtual Result<std::vector<Connection>> ListConnections(const std::string& tenant) = 0;
  // NotFound when there is no such connection.
  virtual Status DeleteConnection(const std::string& tenant, const std::string& id) = 0;

  // Per (tenant, target connection) TransformerConfig as JSON (mapping/transformer_config.h).
  virtual Status PutTransformerConfig(const std::string& tenant, const std::string& connection, const Json& config) = 0;
  virtual Result<std::optional<Json>> GetTransformerConfig(const std::string& tenant, const std::string& connection) = 0;

  virtual Status PutMapping(const IdMapping& m) = 0;
  virtual Result<std::optional<IdMapping>> GetMapping(const std::string& tenant, const std::string& target_connection,
                                                      const std::string& entity, const std::string& source_id) = 0;
  // The mappings of several source ids in one query (a page's worth); ids
  // without a mapping are simply absent. Order unspecified; an empty id list
  // is an empty answer.
  virtual Result<std::vector<IdMapping>> GetMappings(const std::string& tenant, const std::string& target_connection,
                                                     const std::string& entity,
                                                     const std::vector<std::string>& source_ids) = 0;
  // The mapping whose target record is `target_id` (reverse lookup, e.g. for
  // a target-side webhook); nullopt when the engine wrote no such record.
  virtual Result<std::optional<IdMapping>> FindMappingByTarget(const std::string& tenant,
                                                               const std::string& target_connection,
                                                               const std::string& entity,
                                                               const std::string& target_id) = 0;
  virtual Result<int64_t> CountMappings(const std::string& tenant, const std::string& target_connection,
                                        const std::string& entity) = 0;

  // Written before an external create; see WriteIntent.
  virtual Status PutIntent(const WriteIntent& w) = 0;
  // Several intents in one transaction (all or nothing): the intents of a
  // batch of creates, durable before the batch is sent.
  virtual Status PutIntents(const std::vector<WriteIntent>& intents) = 0;
  virtual Status ClearIntent(const std::string& tenant, const std::string& target_connection,
                             const std::string& entity, const std::string& source_id) = 0;
  virtual Result<std::optional<WriteIntent>> GetIntent(const std::string& tenant, const std::string& target_connection,
                                                       const std::string& entity, const std::string& source_id) = 0;
  // Every intent still recorded toward `target_connection` (normally few:
  // the leftovers of interrupted writes), in no particular order.
  virtual Result<std::vector<WriteIntent>> ListIntents(const std::string& tenant,
                                                       const std::string& target_connection) = 0;

  // Cursor per (tenant, source connection, target connection, entity).
  virtual Status PutCursor(const std::string& tenant, const std::string& source_connection,
                           const std::string& target_connection, const std::string& entity,
                           const std::string& value) = 0;
  virtual Result<std::optional<std::string>> GetCursor(const std::string& tenant, const std::string& source_connection,
                                                       const std::string& target_connection, const std::string& entity) = 0;

  // One page's mappings, cleared intents, failed-queue changes, results and
  // cursor in one transaction (see PageWrites): all or nothing. Validation as
  // for the single calls; NotFound when a result names an unknown run.
  virtual Status CommitPage(const PageWrites& page) = 0;

  // Run lock per (tenant, lock key). Succeeds when free, held by `owner`, or
  // its lease expired. Returns Conflict naming the holder otherwise.
  virtual Status AcquireLock(const std::string& tenant, const std::string& key, const std::string& owner,
                             int64_t now_ms, int64_t lease_ms) = 0;
  virtual Status ReleaseLock(const std::string& tenant, const std::string& key, const std::string& owner) = 0;
  // The lock's current row (expired leases included); nullopt when free.
  virtual Result<std::optional<LockHolder>> GetLock(const std::string& tenant, const std::string& key) = 0;
};

}  // namespace es::store
