// Schedules API (SPEC F8) and what a firing schedule starts.
//
//   GET    /api/v1/schedules        user   {"schedules":[Schedule…]}
//   POST   /api/v1/schedules        admin  201 Schedule
//   GET    /api/v1/schedules/{id}   user   Schedule
//   PUT    /api/v1/schedules/{id}   admin  200 Schedule (the whole definition)
//   DELETE /api/v1/schedules/{id}   admin  204
//
// Body: {"name","cron","timezone","entities":[…],"mode":"incremental|full",
// "enabled":bool} plus optional "source"/"target" connection ids (default:
// the tenant's only enabled WooCommerce / QuickBooks connection, resolved
// when the schedule fires). A bad expression is
// 400 {"error":"invalid_cron","field":"minute|hour|day-of-month|month|day-of-week","message"};
// an unknown zone 400 {"error":"invalid_timezone","field":"timezone","message"}.
// Changes go to the audit log (schedule.create / .update / .delete).
#pragma once

#include "common/status.h"
#include "schedule/scheduler.h"
#include "server/http_server.h"

namespace es::server {

void RegisterScheduleRoutes(ServerContext& ctx, Router& router);

// The scheduler's callback in `serve`: starts the schedule's sync run the
// way POST /api/v1/sync does (RunExecutor::Start) and puts the run id in
// d.started_id. Conflict when the pair's run lock is held, RateLimit when
// too many runs are active (both retried by the scheduler), Validation or
// NotFound when the connections or entities do not resolve.
Status StartScheduledRun(ServerContext& ctx, const schedule::DueSchedule& d);

}  // namespace es::server
