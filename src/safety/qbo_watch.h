// QboWatch: finds documents the engine wrote to QuickBooks that someone
// else changed or deleted there (docs/safety-nets.md), by change data
// capture: GET /cdc for Invoice, SalesReceipt, CreditMemo, RefundReceipt and
// Payment since the connection's CDC cursor (reference quickbooks-online.md
// §6: 30 days back at most, deletions as "Deleted" stubs).
//
// A CDC row is ours when the id map has a mapping to it (a document the
// engine deleted itself — mapping fingerprint "deleted" — is not reported;
// a change younger than settle_ms waits for the next check). Then:
//  - a "Deleted" stub: the mapping is marked deleted (fingerprint
//    "deleted", as for a document the engine deleted itself), so later runs
//    skip the record instead of updating a document that is gone or
//    silently booking it again; the record goes to the failed queue
//    (category conflict, code qbo_document_deleted) with a message naming
//    the document and the order, and a "qbo_document_changed" notification
//    goes out;
//  - a row whose SyncToken is the one the engine last wrote: our own write;
//    its content hash is remembered as the baseline (DocumentHash);
//  - another SyncToken: its content hash (the document without the fields
//    QuickBooks moves itself: balances, linked transactions, metadata) is
//    compared with the baseline. Equal: QuickBooks' own bookkeeping (e.g.
//    our payment applied to the invoice) — the baseline moves on, nothing is
//    reported. Different: someone edited it — failed queue (code
//    qbo_document_changed) and a notification; for an order document the
//    mapping's fingerprint is cleared, so the next run writes the shop's
//    content again (the shop is the source of truth of the one-way route)
//    and that write clears the entry. A document first seen already changed by someone else,
//    or rewritten by the engine since its baseline, is taken as the new
//    baseline (the watch cannot know what was written).
// The cursor (the CDC answer's time minus a margin) moves only after every
// row was handled; the first check looks back `first_lookback_ms`.
//
// The CDC request goes the way every run's QuickBooks requests go
// (qbo::OpenQboSession): through the realm's gateway, on the realm's shared
// budget (backfill lane), so it is paced with the runs and workers of every
// process on the store, and a 429 is handled there (the whole realm backs
// off; the request is asked again by the retry policy).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "engine/connector.h"
#include "http/transport.h"
#include "notify/event.h"
#include "store/store.h"

namespace es::safety {

// The entities watched, and the store entities their mappings are kept under.
const std::vector<std::string>& WatchedDocumentTypes();
std::vector<std::string> MappingEntitiesOf(const std::string& doc_type);

// The content hash compared between checks (see above).
std::string WatchedContentHash(const Json& document);

struct DocumentFinding {
  std::string kind;  // "deleted" | "changed"
  std::string doc_type, doc_id;
  std::string entity, source_id, source_connection;
  std::string message;
};

struct CdcCheckResult {
  std::string tenant_id;
  std::string connection_id;
  int rows = 0;   // CDC rows of watched types
  int ours = 0;   // of them, documents in the id map
  int deferred = 0;  // changed less than settle_ms ago: left for the next check
  std::vector<DocumentFinding> findings;
  std::string error;  // no secrets
  Json ToJson() const;
};

struct QboWatchOptions {
  int64_t first_lookback_ms = 24LL * 3600 * 1000;
  int64_t margin_ms = 5 * 60 * 1000;  // overlap between checks
  // Changes younger than this are left for the next check: a run may have
  // written the document and not yet recorded the new SyncToken.
  int64_t settle_ms = 2 * 60 * 1000;
};

class QboWatch {
 public:
  // `requests`: the options runs are opened with (retry policy, where the
  // realm budgets are, whether they are shared through the store).
  QboWatch(store::StateStore& store, http::Transport& transport, Clock& clock, notify::EventSink* events,
           QboWatchOptions options = {}, engine::EngineOptions requests = {});
  // One check of one QBO connection (its credentials readable in `store`).
  CdcCheckResult Check(const store::Connection& qbo);

 private:
  void Report(const store::Connection& qbo, const store::IdMapping& m, DocumentFinding f, CdcCheckResult& out);

  store::StateStore& store_;
  http::Transport& transport_;
  Clock& clock_;
  notify::EventSink* events_;
  const QboWatchOptions options_;
  const engine::EngineOptions requests_;
};

}  // namespace es::safety
