#include "support/sync_fixture.h"

#include "connectors/woo/client.h"
#include "mapping/transformer_config.h"
#include "store/factory/open_store.h"

namespace es::testing {

SyncFixture::SyncFixture(FixtureOptions options) : options_(std::move(options)) {}

SyncFixture::~SyncFixture() {
  orchestrator_.reset();
  transport_.reset();  // closes keep-alive connections so the servers stop at once
  if (woo_) woo_->Stop();
  if (qbo_) qbo_->Stop();
}

Status SyncFixture::Start() {
  woo_ = std::make_unique<woo::sandbox::Server>(options_.woo);
  qbo_ = std::make_unique<qbo::sandbox::Server>(options_.qbo);
  ES_RETURN_IF_ERROR(woo_->Start(0));
  ES_RETURN_IF_ERROR(qbo_->Start(0));
  auto store = store::OpenStore(options_.store_url);
  if (!store.ok()) return store.status();
  store_ = std::move(*store);
  transport_ = http::MakeCurlTransport();
  engine::EngineOptions eo;
  if (options_.fast_retries) {
    eo.retry.initial_ms = 5;
    eo.retry.max_ms = 50;
    eo.retry.rate_limit_default_ms = 50;
    eo.retry.max_retries = 6;
  }
  orchestrator_ = std::make_unique<engine::Orchestrator>(*store_, *transport_, SystemClock::Get(), platforms::Registry(), eo);

  int64_t now = SystemClock::Get().NowMillis();
  ES_RETURN_IF_ERROR(store_->PutTenant({kTenant, "Test tenant", now}));
  store::Connection w;
  w.tenant_id = kTenant;
  w.id = "woo";
  w.kind = "woo";
  w.config = {{"base_url", woo_->base_url()}};
  w.secret = DumpJson({{"consumer_key", options_.woo.consumer_key}, {"consumer_secret", options_.woo.consumer_secret}});
  ES_RETURN_IF_ERROR(store_->PutConnection(w));
  auto tokens = qbo_->IssueTokens();
  store::Connection q;
  q.tenant_id = kTenant;
  q.id = "qbo";
  q.kind = "qbo";
  q.config = {{"api_base", qbo_->base_url()},
              {"token_url", qbo_->token_url()},
              {"realm_id", options_.qbo.realm_id},
              {"client_id", options_.qbo.client_id}};
  q.secret = DumpJson({{"client_secret", options_.qbo.client_secret},
                       {"access_token", tokens.access_token},
                       {"refresh_token", tokens.refresh_token},
                       {"access_expires_at_ms", now + tokens.expires_in_s * 1000},
                       {"refresh_expires_at_ms", now + tokens.refresh_expires_in_s * 1000}});
  ES_RETURN_IF_ERROR(store_->PutConnection(q));
  if (!options_.transformer_config.empty())
    ES_RETURN_IF_ERROR(store_->PutTransformerConfig(kTenant, "qbo", options_.transformer_config));
  return Status::Ok();
}

Result<engine::RunReport> SyncFixture::Sync(engine::SyncRequest request, engine::CrashHook crash) {
  request.tenant_id = kTenant;
  if (request.source_connection.empty()) request.source_connection = "woo";
  if (request.target_connection.empty()) request.target_connection = "qbo";
  return orchestrator_->Run(request, {}, std::move(crash));
}

Result<engine::ReconcileReport> SyncFixture::Reconcile() {
  engine::EngineOptions eo;
  return engine::Reconcile(platforms::Registry(), *store_, *transport_, SystemClock::Get(), kTenant, "woo", "qbo", eo);
}

int64_t SyncFixture::QboDocumentCount() const {
  return qbo_->CountEntities("Invoice") + qbo_->CountEntities("SalesReceipt");
}

std::set<std::string> SyncFixture::DuplicateDocNumbers() const {
  std::map<std::string, int> seen;
  for (const char* type : {"Invoice", "SalesReceipt"})
    for (const auto& doc : qbo_->AllEntities(type)) ++seen[GetStringOr(doc, "DocNumber")];
  std::set<std::string> dups;
  for (const auto& [dn, n] : seen)
    if (n > 1) dups.insert(dn);
  return dups;
}

std::map<std::string, std::string> SyncFixture::SyncedWooOrders() {
  mapping::TransformerConfig config;
  if (!options_.transformer_config.empty()) {
    auto c = mapping::TransformerConfig::FromJson(options_.transformer_config);
    if (c.ok()) config = *c;
  }
  woo::Credentials creds;
  creds.base_url = woo_->base_url();
  creds.consumer_key = options_.woo.consumer_key;
  creds.consumer_secret = options_.woo.consumer_secret;
  woo::Client client(creds, *transport_, SystemClock::Get());
  std::map<std::string, std::string> out;
  woo::ListQuery q;
  q.statuses = config.order_statuses;
  for (int page = 1;; ++page) {
    q.page = page;
    auto res = client.ListOrders(q);
    if (!res.ok()) break;
    for (const auto& o : res->items) out[o.source_id] = o.total.ToString();
    if (!res->HasMore()) break;
  }
  return out;
}

}  // namespace es::testing
