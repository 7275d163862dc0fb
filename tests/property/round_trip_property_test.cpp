// SPEC §4 round trip: the customer, the line items (SKU, quantity, unit
// price) and the total of every WooCommerce order can be recovered from the
// QBO document it became.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "connectors/qbo/codec.h"
#include "connectors/woo/client.h"
#include "mapping/qbo_transform.h"
#include "support/sync_fixture.h"

namespace es::testing {
namespace {

RC_GTEST_PROP(RoundTrip, CustomerLinesAndTotalSurviveTheTrip, ()) {
  FixtureOptions o;
  o.woo.seed = *rc::gen::inRange<uint64_t>(1, 1'000'000);
  o.woo.orders = *rc::gen::inRange(1, 40);
  o.woo.customers = *rc::gen::inRange(1, 8);
  o.woo.products = *rc::gen::inRange(1, 8);
  o.qbo.throttle = false;
  SyncFixture f(o);
  RC_ASSERT(f.Start().ok());
  auto run = f.Sync();
  RC_ASSERT(run.ok());
  RC_ASSERT(run->run.totals.failed == 0);

  // QBO side: documents by Id, items by Id → Sku, customers by Id.
  std::map<std::string, Json> docs, items, customers;
  // Ids are numbered per entity type, so documents are keyed by type and Id.
  for (const char* type : {"Invoice", "SalesReceipt"})
    for (auto& d : f.qbo().AllEntities(type)) docs[std::string(type) + "/" + GetStringOr(d, "Id")] = d;
  for (auto& i : f.qbo().AllEntities("Item")) items[GetStringOr(i, "Id")] = i;
  for (auto& c : f.qbo().AllEntities("Customer")) customers[GetStringOr(c, "Id")] = c;

  woo::Credentials creds;
  creds.base_url = f.woo().base_url();
  creds.consumer_key = o.woo.consumer_key;
  creds.consumer_secret = o.woo.consumer_secret;
  woo::Client client(creds, f.transport(), SystemClock::Get());
  mapping::TransformerConfig config;
  woo::ListQuery q;
  q.statuses = config.order_statuses;
  for (int page = 1;; ++page) {
    q.page = page;
    auto res = client.ListOrders(q);
    RC_ASSERT(res.ok());
    for (const auto& order : res->items) {
      auto m = f.store().GetMapping(SyncFixture::kTenant, "qbo", "order", order.source_id);
      RC_ASSERT(m.ok() && m->has_value());
      auto dit = docs.find((*m)->target_type + "/" + (*m)->target_id);
      RC_ASSERT(dit != docs.end());
      auto doc = qbo::DecodeSalesDocument(dit->second, (*m)->target_type == "Invoice" ? qbo::SalesDocKind::kInvoice
                                                                                    : qbo::SalesDocKind::kSalesReceipt);
      RC_ASSERT(doc.ok());
      // Total.
      RC_ASSERT(doc->total_amt.has_value());
      RC_ASSERT(*doc->total_amt == order.total.ToDecimal());
      // Customer: the document's customer is the one mapped for the order's customer.
      auto cm = f.store().GetMapping(SyncFixture::kTenant, "qbo", "customer",
                                     mapping::OrderCustomer(order, config).source_id);
      RC_ASSERT(cm.ok() && cm->has_value());
      RC_ASSERT(doc->customer.value == (*cm)->target_id);
      RC_ASSERT(customers.count(doc->customer.value) == 1u);
      // Lines: one item line per order line, in order, with SKU, quantity and unit price.
      std::vector<const qbo::Line*> item_lines;
      for (const auto& l : doc->lines)
        if (l.kind == qbo::LineKind::kSalesItem && l.item.value != config.shipping_item_id && l.qty &&
            items.count(l.item.value) && GetStringOr(items[l.item.value], "Name") != config.fee_item_name)
          item_lines.push_back(&l);
      RC_ASSERT(item_lines.size() == order.lines.size());
      for (size_t i = 0; i < order.lines.size(); ++i) {
        const auto& wl = order.lines[i];
        const auto& ql = *item_lines[i];
        RC_ASSERT(GetStringOr(items[ql.item.value], "Sku") == wl.sku);
        RC_ASSERT(*ql.qty == wl.quantity);
        RC_ASSERT(ql.unit_price.has_value());
        RC_ASSERT(*ql.unit_price == wl.UnitPrice());
      }
    }
    if (!res->HasMore()) break;
  }
}

}  // namespace
}  // namespace es::testing
