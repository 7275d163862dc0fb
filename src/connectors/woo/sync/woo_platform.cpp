#include "connectors/woo/sync/woo_platform.h"

#include <set>

#include "common/crypto.h"
#include "connectors/woo/codec.h"
#include "connectors/woo/sync/woo_product_target.h"
#include "connectors/woo/webhooks.h"

namespace es::woo {
namespace {

// Every status, trash included: an order cancelled, refunded or trashed after
// it was booked must still be seen (a list of "wanted" statuses hides it).
const std::vector<std::string> kAllOrderStatuses = {"pending",   "processing", "on-hold", "completed", "cancelled",
                                                    "refunded",  "failed",     "trash"};

std::vector<int64_t> NumericIds(const std::vector<std::string>& ids) {
  std::vector<int64_t> out;
  for (const auto& id : ids)
    if (!id.empty() && id.size() < 18 && id.find_first_not_of("0123456789") == std::string::npos)
      out.push_back(std::stoll(id));
  return out;
}

bool Wanted(const engine::FetchRequest& r, const std::string& id) {
  if (r.ids.empty()) return true;
  for (const auto& w : r.ids)
    if (w == id) return true;
  return false;
}

template <typename T>
void TakeFailures(const Page<T>& page, std::vector<engine::SourceFailure>* out) {
  for (const auto& f : page.failures) out->push_back({f.source_id, f.reason});
}

// Store entity of a webhook resource; "" when it starts no sync.
std::string WebhookEntity(const std::string& resource) {
  if (resource == "order") return "order";
  if (resource == "product") return "item";
  if (resource == "customer") return "customer";
  return "";
}

WebhookHeaders HeadersOf(const engine::HeaderLookup& header) {
  return WebhookHeaders::FromLookup([&](std::string_view name) { return header(name); });
}

engine::WebhookHandler Webhooks() {
  engine::WebhookHandler h;
  h.secret_key = "webhook_secret";
  h.is_ping = [](const engine::HeaderLookup& header, std::string_view body) { return IsPing(HeadersOf(header), body); };
  h.verify = [](const engine::HeaderLookup& header, std::string_view body, const std::string& secret) {
    return VerifyWebhookSignature(body, HeadersOf(header).signature, secret);
  };
  h.parse = [](const engine::HeaderLookup& header, std::string_view body,
               const store::Connection&) -> Result<engine::WebhookReceipt> {
    ES_ASSIGN_OR_RETURN(WebhookEvent ev, ParseWebhook(HeadersOf(header), body));
    engine::WebhookReceipt out;
    out.delivery_id = ev.delivery_id;
    engine::WebhookChange c;
    // WooCommerce derives the delivery id from the webhook id and the current
    // second, so distinct deliveries of one webhook within a second share it:
    // the body hash tells them apart while an exact replay keeps its key.
    c.dedupe_key = ev.delivery_id + ":" + crypto::Hex(crypto::Sha256(body)).substr(0, 32);
    c.topic = ev.topic;
    c.entity = ev.event == "deleted" ? "" : WebhookEntity(ev.resource);
    c.record_id = ev.resource_id;
    c.detail = {{"webhookId", ev.webhook_id}, {"wooDeliveryId", ev.delivery_id}};
    out.changes.push_back(std::move(c));
    return out;
  };
  return h;
}

}  // namespace

Result<Credentials> CredentialsOf(const store::Connection& c, const Json& secret) {
  Credentials w;
  w.base_url = GetStringOr(c.config, "base_url");
  if (w.base_url.empty()) return engine::MissingSetting(c, "base_url", "config");
  std::string auth = GetStringOr(c.config, "auth", "auto");
  if (auth == "auto") w.auth = AuthMode::kAuto;
  else if (auth == "basic") w.auth = AuthMode::kBasic;
  else if (auth == "oauth1") w.auth = AuthMode::kOAuth1;
  else if (auth == "query") w.auth = AuthMode::kQueryString;
  else return Status::Validation("connection '" + c.id + "': auth '" + auth + "' is not auto, basic, oauth1 or query");
  w.insecure_skip_tls_verify = GetBoolOr(c.config, "insecure_skip_tls_verify", false);
  w.consumer_key = GetStringOr(secret, "consumer_key");
  w.consumer_secret = GetStringOr(secret, "consumer_secret");
  if (w.consumer_key.empty()) return engine::MissingSetting(c, "consumer_key", "credentials");
  if (w.consumer_secret.empty()) return engine::MissingSetting(c, "consumer_secret", "credentials");
  return w;
}

WooSource::WooSource(std::unique_ptr<Client> client) : client_(std::move(client)) {}

// Customers too: WooCommerce has no date filter for them, so an incremental
// walk lists them newest registration first and stops at the first one
// registered before the start (see Customers()).
bool WooSource::SupportsModifiedAfter(const std::string&) const { return true; }

Result<engine::SourcePage> WooSource::Fetch(const engine::FetchRequest& r) {
  ListQuery q;
  q.page = r.page;
  q.orderby = "id";
  q.include = NumericIds(r.ids);
  if (!r.ids.empty() && q.include.empty()) return engine::SourcePage{};  // no id WooCommerce could have
  if (!r.modified_after.empty() && SupportsModifiedAfter(r.entity)) {
    q.modified_after = r.modified_after;
    if (!q.modified_after.empty() && q.modified_after.back() == 'Z') q.modified_after.pop_back();  // dates_are_gmt
    q.orderby = "modified";
    if (r.entity == "customer") {
      q.orderby = "registered_date";
      q.order = "desc";
    }
  }
  if (r.entity == "customer") return Customers(r, q);
  if (r.entity == "item") return Products(r, q);
  if (r.entity == "order") return Orders(r, q, false);
  if (r.entity == "refund") return Orders(r, q, true);
  return Status::Validation("WooCommerce cannot deliver '" + r.entity + "'");
}

// With a start (`modified_after`, incremental runs) the list comes newest
// registration first: the walk keeps the customers registered or modified
// since the start and ends at the first customer registered before it, so a
// run with no new customer costs one request. The pages up to there come
// back as one page, so that the cursor (the newest modification) moves only
// once all of them are in. Edits to older customers reach the engine through
// customer.updated webhooks and full runs (WooCommerce cannot list customers
// by modification date).
Result<engine::SourcePage> WooSource::Customers(const engine::FetchRequest& r, ListQuery q) {
  constexpr int kMaxNewPages = 100;
  const int64_t since = q.modified_after.empty() ? 0 : ParseWooDate(q.modified_after);
  engine::SourcePage out;
  for (int n = 0;; ++n) {
    ES_ASSIGN_OR_RETURN(auto page, client_->ListCustomers(q));
    out.total = page.total;
    out.has_more = page.HasMore();
    TakeFailures(page, &out.failures);
    bool older_reached = false;
    for (size_t i = 0; i < page.items.size(); ++i) {
      model::Customer& c = page.items[i];
      if (!Wanted(r, c.source_id)) continue;
      if (since > 0 && c.created_at_ms < since) older_reached = true;
      if (since > 0 && std::max(c.created_at_ms, c.modified_at_ms) < since) continue;
      engine::SourceRecord rec;
      rec.source_id = c.source_id;
      rec.modified_at_ms = c.modified_at_ms;
      rec.raw_text = std::move(page.raw[i]);
      rec.value = std::move(c);
      out.records.push_back(std::move(rec));
    }
    if (since == 0) return out;
    if (older_reached || !out.has_more || page.items.empty() || n + 1 >= kMaxNewPages) break;
    ++q.page;
  }
  out.has_more = false;
  return out;
}

Result<engine::SourcePage> WooSource::Products(const engine::FetchRequest& r, const ListQuery& q) {
  ES_ASSIGN_OR_RETURN(auto page, client_->ListProducts(q));
  engine::SourcePage out;
  out.total = page.total;
  out.has_more = page.HasMore();
  TakeFailures(page, &out.failures);
  for (size_t i = 0; i < page.items.size(); ++i) {
    model::Product& p = page.items[i];
    if (p.kind == model::ProductKind::kGrouped) continue;  // sells nothing itself
    if (p.kind != model::ProductKind::kVariable) {
      if (!Wanted(r, p.source_id)) continue;
      engine::SourceRecord rec;
      rec.source_id = p.source_id;
      rec.modified_at_ms = p.modified_at_ms;
      rec.raw_text = std::move(page.raw[i]);
      rec.value = std::move(p);
      out.records.push_back(std::move(rec));
      continue;
    }
    // A variable product sells through its variations: each is a record.
    ListQuery vq;
    vq.orderby = "id";
    for (int vp = 1;; ++vp) {
      vq.page = vp;
      auto vars = client_->ListVariations(p.source_id, vq);
      if (!vars.ok()) return vars.status().WithContext("fetching the variations of product " + p.source_id);
      TakeFailures(*vars, &out.failures);
      for (size_t k = 0; k < vars->items.size(); ++k) {
        model::Product& v = vars->items[k];
        if (!Wanted(r, v.source_id) && !Wanted(r, p.source_id)) continue;
        v.name = p.name;  // item names append the options
        engine::SourceRecord rec;
        rec.source_id = v.source_id;
        rec.modified_at_ms = std::max(v.modified_at_ms, p.modified_at_ms);
        rec.raw_text = std::move(vars->raw[k]);
        rec.value = std::move(v);
        out.records.push_back(std::move(rec));
      }
      if (!vars->HasMore() || vars->items.empty()) break;
    }
  }
  return out;
}

Result<engine::SourcePage> WooSource::Orders(const engine::FetchRequest& r, ListQuery q, bool refunds_as_records) {
  q.statuses = kAllOrderStatuses;
  ES_ASSIGN_OR_RETURN(auto page, client_->ListOrders(q));
  engine::SourcePage out;
  out.total = page.total;
  out.has_more = page.HasMore();
  TakeFailures(page, &out.failures);
  for (size_t i = 0; i < page.items.size(); ++i) {
    model::Order& o = page.items[i];
    if (!Wanted(r, o.source_id)) continue;
    std::vector<engine::SourceRecord> refunds;
    if (!o.refunds.empty()) ES_RETURN_IF_ERROR(OrderRefunds(o, &refunds, &out.failures));
    if (refunds_as_records) {
      for (auto& rf : refunds) {
        rf.modified_at_ms = o.modified_at_ms;
        out.records.push_back(std::move(rf));
      }
      continue;
    }
    engine::SourceRecord rec;
    rec.source_id = o.source_id;
    rec.modified_at_ms = o.modified_at_ms;
    for (auto& rf : refunds)
      if (const model::Refund* m = rf.refund()) rec.refunds.push_back(*m);
    rec.raw_text = std::move(page.raw[i]);
    rec.value = std::move(o);
    out.records.push_back(std::move(rec));
  }
  return out;
}

Status WooSource::OrderRefunds(const model::Order& o, std::vector<engine::SourceRecord>* out,
                               std::vector<engine::SourceFailure>* failures) {
  const std::string path = "orders/" + o.source_id + "/refunds";
  for (int page = 1; page <= 100; ++page) {
    ES_ASSIGN_OR_RETURN(auto resp, client_->Get(path, {{"per_page", "100"}, {"page", std::to_string(page)}}));
    auto list = DecodeRefundList(resp.body, o.source_id, o.currency);
    if (!list.ok()) {
      failures->push_back({o.source_id, "the refunds of order " + o.source_id + " are not a JSON array"});
      return Status::Ok();
    }
    for (auto& f : list->failures)
      failures->push_back({f.source_id.empty() ? o.source_id : f.source_id,
                           "refund of order " + o.source_id + ": " + f.reason});
    for (size_t i = 0; i < list->items.size(); ++i) {
      model::Refund& decoded = list->items[i];
      engine::SourceRecord rec;
      rec.source_id = decoded.source_id;
      rec.modified_at_ms = decoded.created_at_ms;
      rec.raw_text = std::move(list->raw[i]);
      rec.value = std::move(decoded);
      out->push_back(std::move(rec));
    }
    if (list->count < 100 || resp.Header("X-WP-TotalPages") == std::to_string(page)) break;
  }
  // Oldest first, whatever order the store lists them in.
  std::sort(out->begin(), out->end(), [](const engine::SourceRecord& a, const engine::SourceRecord& b) {
    return a.modified_at_ms != b.modified_at_ms ? a.modified_at_ms < b.modified_at_ms : a.source_id < b.source_id;
  });
  return Status::Ok();
}

engine::Platform WooPlatform() {
  engine::Platform p;
  p.kind = "woo";
  p.title = "WooCommerce";
  p.reads = {"customer", "item", "order", "refund"};
  auto client_for = [](const engine::ConnectorEnv& env, const store::Connection& c) -> Result<std::unique_ptr<Client>> {
    ES_ASSIGN_OR_RETURN(Json secret, engine::ConnectionSecret(c));
    ES_ASSIGN_OR_RETURN(Credentials creds, CredentialsOf(c, secret));
    if (env.options.insecure_skip_tls_verify) creds.insecure_skip_tls_verify = true;
    return std::make_unique<Client>(creds, env.transport, env.clock);
  };
  // As a target: stock and prices of items from another platform (woo_product_target.h).
  p.writes = {"item"};
  p.make_target = [](const engine::ConnectorEnv& env, const store::Connection& c,
                     const Json& target_config) -> Result<std::unique_ptr<engine::Target>> {
    (void)target_config;
    ES_ASSIGN_OR_RETURN(Json secret, engine::ConnectionSecret(c));
    ES_ASSIGN_OR_RETURN(Credentials creds, CredentialsOf(c, secret));
    if (env.options.insecure_skip_tls_verify) creds.insecure_skip_tls_verify = true;
    auto client = std::make_unique<Client>(creds, env.transport, env.clock);
    auto writer = std::make_unique<BatchWriter>(creds, env.transport, env.clock);
    return std::unique_ptr<engine::Target>(
        std::make_unique<WooProductTarget>(std::move(client), std::move(writer), env.store, env.tenant));
  };
  p.make_source = [client_for](const engine::ConnectorEnv& env,
                               const store::Connection& c) -> Result<std::unique_ptr<engine::Source>> {
    ES_ASSIGN_OR_RETURN(auto client, client_for(env, c));
    return std::unique_ptr<engine::Source>(std::make_unique<WooSource>(std::move(client)));
  };
  // One line saying what to fix; the status keeps its kind and code.
  p.probe = [client_for](const engine::ConnectorEnv& env, const store::Connection& c) -> Status {
    ES_ASSIGN_OR_RETURN(auto client, client_for(env, c));
    Status s = client->Ping();
    if (s.ok()) return s;
    const std::string base = GetStringOr(c.config, "base_url");
    if (s.IsAuthentication()) {
      const size_t at = s.message().find("HTTP ");
      const std::string http = at == std::string::npos ? "401" : s.message().substr(at + 5, 3);
      return Status::Authentication("WooCommerce rejected the key (" + http + ") — check consumer_key/consumer_secret",
                                    s.code());
    }
    if (s.IsNotFound())
      return Status::NotFound("no WooCommerce REST API at " + base + " (404) — check base_url", s.code());
    if (s.IsNetwork()) return Status::Network("cannot reach WooCommerce at " + base + ": " + s.message(), s.code());
    return s;
  };
  p.webhooks = Webhooks();
  p.validate_ids = [](const std::vector<std::string>& ids) -> Status {
    for (const auto& id : ids)
      if (id.empty() || id.size() >= 18 || id.find_first_not_of("0123456789") != std::string::npos)
        return Status::Validation("--ids: '" + id + "' is not a WooCommerce id (expected digits)");
    return Status::Ok();
  };
  p.validate = [](const Json& config, const Json& secret) -> Status {
    ES_RETURN_IF_ERROR(
        engine::CheckSettingsKeys(config, {"base_url", "auth", "insecure_skip_tls_verify", "currency"}, "config"));
    ES_RETURN_IF_ERROR(engine::CheckSettingsKeys(secret, {"consumer_key", "consumer_secret", "webhook_secret"}, "secret"));
    std::string base = GetStringOr(config, "base_url");
    if (base.empty()) return Status::Validation("config: 'base_url' is required (e.g. https://shop.example)");
    auto url = http::ParseUrl(base);
    if (!url.ok() || (url->scheme != "http" && url->scheme != "https") || url->host.empty())
      return Status::Validation("config: 'base_url' must be an http:// or https:// URL with a host, not '" + base + "'");
    std::string auth = GetStringOr(config, "auth", "auto");
    if (auth != "auto" && auth != "basic" && auth != "oauth1" && auth != "query")
      return Status::Validation("config: 'auth' must be auto, basic, oauth1 or query, not '" + auth + "'");
    if (GetStringOr(secret, "consumer_key").empty()) return Status::Validation("secret: 'consumer_key' is required");
    if (GetStringOr(secret, "consumer_secret").empty())
      return Status::Validation("secret: 'consumer_secret' is required");
    return Status::Ok();
  };
  return p;
}

}  // namespace es::woo
