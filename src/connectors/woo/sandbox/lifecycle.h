// Order lifecycle writes of the WooCommerce sandbox: refunds, line-item
// edits, trash and permanent deletion, on StoreData under the store lock
// (callers: Api for the REST routes and the Server's test hooks).
//
// They follow WooCommerce (reference woocommerce.md §3.2, §5.2 and
// "Observed on the same real store, second round"):
// - A refund is its own object with negative line amounts; the order's
//   `total` is unchanged, its `refunds` summary gains the refund, its status
//   becomes "refunded" only when nothing refundable remains, and its
//   date_modified moves (wc_create_refund sets it). Errors carry Woo's codes
//   (see CreateRefund).
// - Line-item edits recompute the totals; whether date_modified moves is the
//   caller's decision (the REST route leaves it, as the real store does).
// - Trash sets status "trash" (the order stays readable, lists skip it
//   unless asked for status=trash) and announces order.deleted; permanent
//   deletion removes the order and its refunds and announces nothing.
#pragma once

#include <cstdint>

#include "common/json.h"
#include "common/status.h"
#include "connectors/woo/sandbox/store.h"

namespace es::woo::sandbox {

// A strictly increasing write time: max(now, last write + 1); records it.
int64_t NextWriteTime(StoreData& d, int64_t now_s);

// total − Σ refund amounts, in minor units.
int64_t RemainingRefund(const Order& order, const StoreData& d);

// The sellable product (simple or variation) a line item names by
// variation_id, product_id or sku; Validation with Woo's code otherwise.
Result<const Product*> ResolveLineProduct(const StoreData& d, const Json& item, const std::string& where);

// POST orders/{order_id}/refunds. Body (WooCommerce's fields):
//   amount (string or number; when absent, Σ refund_total + Σ refund_tax of
//   line_items when every item gives refund_total), reason, api_refund
//   (default true: the gateway refunds — stripe and paypal can; bacs, cod,
//   cheque cannot, and no payment method means no gateway), api_restock
//   (default true: refunded quantities go back to stock of products that
//   manage stock, when the order had reduced it — paid or on-hold),
//   meta_data [{key, value}], line_items [{id (order item: product, shipping
//   or fee line), quantity, refund_total (excluding tax), refund_tax [{id
//   (tax rate id), refund_total}]}]. refunded_by is always 1 (the API user),
//   as WooCommerce ignores the field.
// Errors (Status::code() is Woo's code):
//   woocommerce_rest_invalid_order_id        unknown order
//   woocommerce_rest_invalid_order_refund    amount ≤ 0 (Woo refuses < 0;
//                                            the sandbox also refuses 0)
//   woocommerce_rest_cannot_create_order_refund  "Invalid refund amount."
//       (more than remains), a gateway that cannot refund, or a line item
//       that is not on the order or asks for more quantity, amount or tax
//       than remains (WooCommerce skips unknown ids silently and does not
//       check per line; the sandbox refuses so client bugs show)
//   rest_invalid_param                       a malformed field
// Returns the refund id; records an order.updated change.
Result<int64_t> CreateRefund(StoreData& d, int64_t order_id, const Json& body, int64_t now_s);

// Applies the `line_items` of PUT orders/{id} to `o` and recomputes every
// total with PriceOrder, keeping the ids of the items that stay:
//   {id, quantity: 0} (or product_id: null) removes the item;
//   {id, quantity: n} sets the quantity, repriced at the line's unit price
//     (WooCommerce keeps the stored line total unless one is sent);
//   {id, subtotal|total: "x"} sets the line amount before discounts,
//     excluding tax (orders with prices excluding tax only);
//   an item without id is added like on POST /orders.
// An id not on the order → woocommerce_rest_invalid_item_id. All-or-nothing.
// Does not touch date_modified or record a change.
Status EditLineItems(StoreData& d, Order& o, const Json& items);

// Moves an order to the trash (status "trash", date_modified moves, an
// order.deleted change). NotFound woocommerce_rest_shop_order_invalid_id;
// Conflict woocommerce_rest_already_trashed when already there.
Status TrashOrder(StoreData& d, int64_t id, int64_t now_s);
// Removes an order and its refunds for good (no change recorded: Woo's
// order.deleted is bound to trash only). NotFound as above.
Status DeleteOrder(StoreData& d, int64_t id);

}  // namespace es::woo::sandbox
