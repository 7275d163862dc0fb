// The safety-net options shared by `serve` and `worker`
// (docs/safety-nets.md).
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>

#include "cli/cli_common.h"
#include "safety/safety_net.h"

namespace es::cli {

struct SafetyArgs {
  int64_t interval_s = 15 * 60;       // 0 = no polls and no webhook checks
  int64_t recheck_hours = 72;         // recent orders re-read by incremental runs
  int64_t retention_days = 30;        // finished webhook deliveries; 0 = kept
  bool no_webhook_check = false;
  bool no_document_check = false;
  int64_t settle_s = 120;             // QBO changes younger than this wait for the next check

  safety::SafetyOptions Options() const {
    safety::SafetyOptions o;
    o.interval_ms = interval_s * 1000;
    o.check_webhooks = !no_webhook_check;
    o.check_qbo_documents = !no_document_check;
    o.documents.settle_ms = settle_s * 1000;
    o.retention_ms = retention_days * 24 * 3600 * 1000;
    // The document check asks QuickBooks as the runs do: on each realm's
    // budget, shared by every process on the state store.
    o.requests = CliEngineOptions();
    return o;
  }
  int64_t RecheckWindowMs() const { return recheck_hours * 3600 * 1000; }
};

inline void AddSafetyOptions(CLI::App* cmd, SafetyArgs& a) {
  cmd->add_option("--safety-interval", a.interval_s,
                  "seconds between safety-net passes (incremental poll per connection pair, webhook check); "
                  "0 = off (default 900)")
      ->envname("EASYSALE_SAFETY_INTERVAL")
      ->check(CLI::Range(int64_t{0}, int64_t{7 * 86400}));
  cmd->add_option("--recheck-window", a.recheck_hours,
                  "hours of recent orders an incremental run re-reads and compares by content (default 72)")
      ->envname("EASYSALE_RECHECK_WINDOW_HOURS")
      ->check(CLI::Range(int64_t{0}, int64_t{24 * 90}));
  cmd->add_option("--webhook-retention", a.retention_days,
                  "days finished webhook deliveries are kept; 0 = forever (default 30)")
      ->envname("EASYSALE_WEBHOOK_RETENTION_DAYS")
      ->check(CLI::Range(int64_t{0}, int64_t{3650}));
  cmd->add_flag("--no-webhook-check", a.no_webhook_check, "do not check (and re-enable) the shops' webhooks");
  cmd->add_option("--document-settle", a.settle_s,
                  "seconds a QuickBooks change must be old before the document check judges it (default 120)")
      ->check(CLI::Range(int64_t{0}, int64_t{3600}));
  cmd->add_flag("--no-document-check", a.no_document_check,
                "do not look for QuickBooks documents edited or deleted outside the sync (CDC)");
}

}  // namespace es::cli
