// Fidelity of the WooCommerce sandbox, checked with WooCommerce's official
// JavaScript client (@woocommerce/woocommerce-rest-api). Over http:// that
// client signs every request with OAuth 1.0a (HMAC-SHA256, params in the
// query string), exactly as it would against a real store.
//
// Run: EASYSALE_BIN=/path/to/easysale-sync npm test
// The sandbox is started as `$EASYSALE_BIN sandbox woo --port 0 --seed 7`,
// which prints `listening on http://127.0.0.1:PORT` when ready and stops on
// SIGTERM.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import WooPackage from "@woocommerce/woocommerce-rest-api";

const WooCommerceRestApi = WooPackage.default ?? WooPackage;
const here = path.dirname(fileURLToPath(import.meta.url));
const bin =
  process.env.EASYSALE_BIN ??
  [path.resolve(here, "../../build/src/easysale-sync"), path.resolve(here, "../../build/easysale-sync")].find((p) =>
    existsSync(p),
  ) ??
  "easysale-sync";
const KEY = "ck_sandbox_key";
const SECRET = "cs_sandbox_secret";

let child;
let baseUrl;

function startSandbox() {
  return new Promise((resolve, reject) => {
    child = spawn(bin, ["sandbox", "woo", "--port", "0", "--seed", "7"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`sandbox did not start in 20 s: ${out}${err}`)), 20000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening on (https?:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr.on("data", (chunk) => (err += chunk));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited early with code ${code}: ${err}`));
    });
  });
}

function api(secret = SECRET) {
  return new WooCommerceRestApi({ url: baseUrl, consumerKey: KEY, consumerSecret: secret, version: "wc/v3" });
}

// "27.94" → 2794 without floating point.
function cents(text) {
  assert.equal(typeof text, "string", `money must be a string, got ${JSON.stringify(text)}`);
  assert.match(text, /^-?\d+\.\d{2}$/);
  const negative = text.startsWith("-");
  const [whole, frac] = text.replace("-", "").split(".");
  const value = Number(whole) * 100 + Number(frac);
  return negative ? -value : value;
}

async function expectError(promise, status, code) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e.response, `expected an HTTP error, got ${e}`);
    assert.equal(e.response.status, status);
    assert.equal(e.response.data.code, code);
    return e.response;
  }
  assert.fail(`expected HTTP ${status} ${code}`);
}

before(async () => {
  if (bin.includes("/") && !existsSync(bin)) throw new Error(`EASYSALE_BIN not found: ${bin}`);
  baseUrl = await startSandbox();
  assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
});

after(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
});

test("orders page 1 with per_page=100 reports totals in headers", async () => {
  const res = await api().get("orders", { per_page: 100, page: 1 });
  assert.equal(res.status, 200);
  assert.equal(res.data.length, 100);
  const total = Number(res.headers["x-wp-total"]);
  const pages = Number(res.headers["x-wp-totalpages"]);
  assert.ok(total > 100, `x-wp-total ${total}`);
  assert.equal(pages, Math.ceil(total / 100));
  assert.match(res.headers["link"], /rel="next"/);
  assert.doesNotMatch(res.headers["link"], /rel="prev"/);
});

test("paginating every page returns each order once, with consistent totals", async () => {
  const first = await api().get("orders", { per_page: 100, page: 1, orderby: "id", order: "asc" });
  const total = Number(first.headers["x-wp-total"]);
  const pages = Number(first.headers["x-wp-totalpages"]);
  const ids = new Set();
  for (let page = 1; page <= pages; page++) {
    const res = page === 1 ? first : await api().get("orders", { per_page: 100, page, orderby: "id", order: "asc" });
    for (const o of res.data) {
      assert.ok(!ids.has(o.id), `order ${o.id} seen twice`);
      ids.add(o.id);
      // Woo's types: money as strings, line price as a number, dates without offset.
      if (o.line_items.length) assert.equal(typeof o.line_items[0].price, "number");
      assert.match(o.date_created_gmt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      let sum = cents(o.total_tax);
      let tax = 0;
      for (const l of o.line_items) {
        sum += cents(l.total);
        tax += cents(l.total_tax);
      }
      for (const s of o.shipping_lines) {
        sum += cents(s.total);
        tax += cents(s.total_tax);
      }
      for (const f of o.fee_lines) {
        sum += cents(f.total);
        tax += cents(f.total_tax);
      }
      assert.equal(sum, cents(o.total), `order ${o.id}: total`);
      assert.equal(tax, cents(o.total_tax), `order ${o.id}: total_tax`);
      for (const r of o.refunds) assert.ok(cents(r.total) < 0, "refund totals are negative in the order");
    }
  }
  assert.equal(ids.size, total);
  const past = await api().get("orders", { per_page: 100, page: pages + 1 });
  assert.equal(past.status, 200);
  assert.deepEqual(past.data, []);
  assert.equal(Number(past.headers["x-wp-total"]), total);
});

test("status filter, single and comma list", async () => {
  const completed = await api().get("orders", { status: "completed", per_page: 100 });
  assert.ok(completed.data.length > 0);
  for (const o of completed.data) assert.equal(o.status, "completed");
  const two = await api().get("orders", { status: "processing,on-hold", per_page: 100 });
  assert.ok(two.data.length > 0);
  for (const o of two.data) assert.ok(["processing", "on-hold"].includes(o.status), o.status);
  const all = await api().get("orders", { per_page: 1 });
  assert.ok(Number(two.headers["x-wp-total"]) < Number(all.headers["x-wp-total"]));
});

test("modified_after with dates_are_gmt is exclusive and ordered", async () => {
  const oldest = await api().get("orders", { orderby: "modified", order: "asc", per_page: 1 });
  const cut = oldest.data[0].date_modified_gmt;
  const res = await api().get("orders", { modified_after: cut, dates_are_gmt: true, orderby: "modified", order: "asc", per_page: 100 });
  assert.equal(res.status, 200);
  let prev = "";
  for (const o of res.data) {
    assert.ok(o.date_modified_gmt > cut);
    assert.ok(o.date_modified_gmt >= prev);
    prev = o.date_modified_gmt;
  }
});

test("get one order, its refunds, customers and products", async () => {
  const list = await api().get("orders", { status: "refunded", per_page: 1 });
  const id = list.data[0].id;
  const one = await api().get(`orders/${id}`);
  assert.equal(one.status, 200);
  assert.equal(one.data.id, id);
  assert.equal(one.data.status, "refunded");
  assert.equal(one.data._links.self[0].href, `${baseUrl}/wp-json/wc/v3/orders/${id}`);
  const refunds = await api().get(`orders/${id}/refunds`);
  const refunded = refunds.data.reduce((s, r) => s + cents(r.amount), 0);
  assert.equal(refunded, cents(one.data.total));

  const customers = await api().get("customers", { per_page: 5 });
  assert.equal(customers.data.length, 5);
  assert.ok(customers.data[0].email.includes("@"));
  const variable = await api().get("products", { type: "variable", per_page: 1 });
  const product = variable.data[0];
  const variations = await api().get(`products/${product.id}/variations`);
  assert.equal(variations.data.length, product.variations.length);
});

test("a partial refund with a line item, then an over-refund refused", async () => {
  const list = await api().get("orders", { status: "completed", per_page: 20 });
  const order = list.data.find((o) => o.refunds.length === 0 && o.line_items.some((l) => l.quantity >= 2));
  assert.ok(order, "a completed order without refunds and a line of 2 or more");
  const line = order.line_items.find((l) => l.quantity >= 2);
  const unit = Math.floor(cents(line.total) / line.quantity);
  const text = (c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;
  const created = await api().post(`orders/${order.id}/refunds`, {
    amount: text(unit),
    reason: "One returned",
    api_refund: false,
    line_items: [{ id: line.id, quantity: 1, refund_total: text(unit) }],
  });
  assert.equal(created.status, 201);
  assert.equal(created.data.amount, text(unit));
  assert.equal(created.data.line_items[0].quantity, -1);
  assert.equal(cents(created.data.line_items[0].total), -unit);
  const after = await api().get(`orders/${order.id}`);
  assert.equal(after.data.status, "completed", "a partial refund leaves the status");
  assert.equal(after.data.total, order.total, "the order total is not reduced");
  assert.equal(after.data.refunds[0].id, created.data.id);
  assert.equal(cents(after.data.refunds[0].total), -unit);

  const over = await expectError(
    api().post(`orders/${order.id}/refunds`, { amount: order.total, api_refund: false }),
    500,
    "woocommerce_rest_cannot_create_order_refund",
  );
  assert.equal(over.data.message, "Invalid refund amount.");
  assert.equal(over.data.data, 500);
});

test("a missing order is a 404 with Woo's code", async () => {
  const res = await expectError(api().get("orders/99999999"), 404, "woocommerce_rest_shop_order_invalid_id");
  assert.equal(res.data.message, "Invalid ID.");
  assert.equal(res.data.data.status, 404);
  await expectError(api().get("nothing-here"), 404, "rest_no_route");
});

test("a wrong secret is refused with 401", async () => {
  const res = await expectError(api("cs_wrong").get("orders"), 401, "woocommerce_rest_authentication_error");
  assert.equal(res.data.message, "Invalid signature - provided signature does not match.");
});

test("per_page outside 1..100 is a 400 rest_invalid_param", async () => {
  const res = await expectError(api().get("orders", { per_page: 0 }), 400, "rest_invalid_param");
  assert.equal(res.data.data.params.per_page, "per_page must be between 1 (inclusive) and 100 (inclusive)");
});

test("creating and updating an order through the client", async () => {
  const products = await api().get("products", { type: "simple", per_page: 2 });
  const created = await api().post("orders", {
    billing: { first_name: "Conformance", last_name: "Test", email: "conformance@example.com", country: "US", state: "TX" },
    line_items: [{ product_id: products.data[0].id, quantity: 2 }],
    shipping_lines: [{ method_id: "flat_rate", method_title: "Flat rate", total: "5.00" }],
    set_paid: true,
  });
  assert.equal(created.status, 201);
  assert.equal(created.data.status, "processing");
  assert.ok(created.data.date_paid_gmt);
  const updated = await api().put(`orders/${created.data.id}`, { status: "completed" });
  assert.equal(updated.data.status, "completed");
  assert.ok(updated.data.date_modified_gmt >= created.data.date_modified_gmt);
});
