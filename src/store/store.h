// StateStore: everything the engine remembers between runs.
//
// One interface, composed of parts that each read on one screen:
//   SyncStateStore     tenants, connections, configs, id mappings, write
//                      intents, cursors, run locks   (sync_state_store.h)
//   RunStore           runs, record results, the failed queue (run_store.h)
//   ServerStore        audit log, OAuth states, idempotency keys, history
//                                                    (server_store.h)
//   WebhookQueueStore  webhook deliveries and the per-tenant switch
//   MappingStore       versions of field mappings (mapping_store.h)
//                                                    (webhook_queue_store.h)
//   JobStore           the durable job queue          (job_store.h)
//   QboBudgetStore     request budgets of target accounts shared by every
//                      process                       (qbo_budget_store.h)
//   ScheduleStore      cron schedules of sync runs  (schedule_store.h)
//   UserStore          dashboard users and sign-in sessions (user_store.h)
//   TwoWayStore        two-way sync state, policies, conflicts
//                                                    (two_way_store.h)
//   ConfirmationStore  confirmation tokens and the per-tenant sandbox mode
//                                                    (confirmation_store.h)
//   NotificationStore  notification settings, rate limits, sent log
//                                                    (notification_store.h)
//   SafetyStore        retention of webhook deliveries (safety_store.h)
//   SettingsStore      per-tenant time zone and currency (settings_store.h)
// Two implementations share one SQL layer (store/sql): SQLite and
// PostgreSQL.
//
// Every method is scoped by tenant. Writes are durable when the call returns
// (the engine relies on this for crash safety: a mapping recorded before a
// cursor moves survives a kill -9). Implementations are thread-safe; failures
// return Status values and never leave a half-applied change (each method is
// one transaction).
#pragma once

#include <map>
#include <memory>

#include "store/job_store.h"
#include "store/qbo_budget_store.h"
#include "store/confirmation_store.h"
#include "store/notification_store.h"
#include "store/records.h"
#include "store/run_store.h"
#include "store/safety_store.h"
#include "store/schedule_store.h"
#include "store/settings_store.h"
#include "store/server_store.h"
#include "store/sync_state_store.h"
#include "store/user_store.h"
#include "store/two_way_store.h"
#include "store/webhook_queue_store.h"
#include "store/mapping_store.h"

namespace es::store {

class StateStore : public SyncStateStore,
                   public RunStore,
                   public ServerStore,
                   public WebhookQueueStore,
                   public JobStore,
                   public QboBudgetStore,
                   public ScheduleStore,
                   public UserStore,
                   public TwoWayStore,
                   public MappingStore,
                   public ConfirmationStore,
                   public NotificationStore,
                   public SafetyStore,
                   public SettingsStore {
 public:
  ~StateStore() override = default;

  // Applies pending migrations (idempotent). Called once at start-up.
  virtual Status Migrate() = 0;
  virtual int SchemaVersion() = 0;
};

}  // namespace es::store
