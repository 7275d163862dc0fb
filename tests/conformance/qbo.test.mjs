// Fidelity of the QuickBooks Online sandbox, checked with Intuit's official
// OAuth client (intuit-oauth) and the most used community client
// (node-quickbooks), both pointed at the sandbox instead of Intuit's hosts.
//
// Run: EASYSALE_BIN=/path/to/easysale-sync npm test
// The sandbox is started as `$EASYSALE_BIN sandbox qbo --port 0`, which
// prints `listening on http://127.0.0.1:PORT` plus `realm_id=…`,
// `client_id=…`, `client_secret=…`, `access_token=…`, `refresh_token=…`
// lines when ready, and stops on SIGTERM.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import OAuthClient from "intuit-oauth";
import QuickBooks from "node-quickbooks";

const here = path.dirname(fileURLToPath(import.meta.url));
const bin =
  process.env.EASYSALE_BIN ??
  [path.resolve(here, "../../build/src/easysale-sync"), path.resolve(here, "../../build/easysale-sync")].find((p) =>
    existsSync(p),
  ) ??
  "easysale-sync";
const REDIRECT = "https://app.example/qbo/callback";

let child;
let baseUrl;
const info = {};

function startSandbox() {
  return new Promise((resolve, reject) => {
    child = spawn(bin, ["sandbox", "qbo", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`sandbox did not start in 20 s: ${out}${err}`)), 20000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      for (const line of out.split("\n")) {
        const kv = line.match(/^(\w+)=(.*)$/);
        if (kv) info[kv[1]] = kv[2].trim();
      }
      const m = out.match(/listening on (https?:\/\/\S+)/);
      if (m && info.refresh_token && info.realm_id) {
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

before(async () => {
  baseUrl = await startSandbox();
  // Point both official clients at the sandbox.
  OAuthClient.environment.sandbox = `${baseUrl}/`;
  QuickBooks.TOKEN_URL = `${baseUrl}/oauth2/v1/tokens/bearer`;
  QuickBooks.REVOKE_URL = `${baseUrl}/oauth2/v1/tokens/revoke`;
});

after(() => {
  if (child) {
    child.removeAllListeners("exit");
    child.kill("SIGTERM");
  }
});

function oauthClient() {
  const c = new OAuthClient({
    clientId: info.client_id,
    clientSecret: info.client_secret,
    environment: "sandbox",
    redirectUri: REDIRECT,
  });
  c.setAuthorizeURLs({
    authorizeEndpoint: `${baseUrl}/connect/oauth2`,
    tokenEndpoint: `${baseUrl}/oauth2/v1/tokens/bearer`,
    revokeEndpoint: `${baseUrl}/oauth2/v1/tokens/revoke`,
    userInfoEndpoint: `${baseUrl}/v1/openid_connect/userinfo`,
  });
  return c;
}

function qbo(token = info.access_token) {
  const q = new QuickBooks(
    info.client_id,
    info.client_secret,
    token,
    false, // no OAuth 1.0a token secret
    info.realm_id,
    true, // sandbox
    false, // debug
    75, // minorversion
    "2.0",
    info.refresh_token,
  );
  q.endpoint = `${baseUrl}/v3/company/`;
  return q;
}

// node-quickbooks is callback based: (err, body). Resolves with the body or
// rejects with {err, body} so tests can look at the Fault. On HTTP errors the
// client passes the axios error (the body is in err.response.data); a Fault
// inside a 200 comes back as the error itself. A 429 (Fault 3001, the
// sandbox enforces 10 requests/s) is retried after a pause, as a well-behaved
// client would.
async function call(client, method, ...args) {
  for (let attempt = 0; ; attempt++) {
    // node-quickbooks mutates its arguments (it deletes requestId), so each
    // attempt gets a fresh copy.
    const fresh = structuredClone(args);
    const outcome = await new Promise((resolve) => {
      client[method](...fresh, (err, body) => resolve({ err, body }));
    });
    if (!outcome.err) return outcome.body;
    const data = outcome.err?.response?.data ?? outcome.body ?? outcome.err;
    if (outcome.err?.response?.status === 429 && attempt < 5) {
      assert.equal(faultCode(data), "3001");
      await new Promise((r) => setTimeout(r, 1100));
      continue;
    }
    throw { err: outcome.err, body: data };
  }
}

async function fault(promise) {
  try {
    await promise;
  } catch (e) {
    return e.body;
  }
  assert.fail("expected a Fault");
}

function faultCode(body) {
  return body?.Fault?.Error?.[0]?.code;
}

test("intuit-oauth: authorize redirect, code exchange, refresh rotation", async () => {
  const client = oauthClient();
  const uri = client.authorizeUri({ scope: [OAuthClient.scopes.Accounting], state: "csrf-123" });
  assert.ok(uri.startsWith(`${baseUrl}/connect/oauth2?`));
  const res = await fetch(uri, { redirect: "manual" });
  assert.equal(res.status, 302);
  const location = res.headers.get("location");
  assert.ok(location.startsWith(`${REDIRECT}?code=`), location);
  const callback = new URL(location);
  assert.equal(callback.searchParams.get("state"), "csrf-123");
  assert.equal(callback.searchParams.get("realmId"), info.realm_id);

  const auth = await client.createToken(location);
  const first = auth.getJson();
  assert.equal(first.token_type, "bearer");
  assert.equal(first.expires_in, 3600);
  assert.equal(first.x_refresh_token_expires_in, 8726400);
  assert.ok(client.isAccessTokenValid());
  assert.equal(client.getToken().realmId, info.realm_id);

  // The code is single use.
  await assert.rejects(client.createToken(location), (e) => e.error === "invalid_grant");

  // The access token opens the API.
  const company = await client.makeApiCall({
    url: `${baseUrl}/v3/company/${info.realm_id}/companyinfo/${info.realm_id}?minorversion=75`,
  });
  assert.equal(company.json.CompanyInfo.Country, "US");

  // Rotation: every refresh hands out a new refresh token; the old one dies.
  const oldRefresh = first.refresh_token;
  const refreshed = (await client.refresh()).getJson();
  assert.notEqual(refreshed.refresh_token, oldRefresh);
  assert.notEqual(refreshed.access_token, first.access_token);
  await assert.rejects(client.refreshUsingToken(oldRefresh), (e) => e.error === "invalid_grant");
  const again = (await client.refreshUsingToken(refreshed.refresh_token)).getJson();
  assert.ok(again.refresh_token);

  // A wrong client secret is refused.
  const bad = new OAuthClient({ clientId: info.client_id, clientSecret: "nope", environment: "sandbox", redirectUri: REDIRECT });
  await assert.rejects(bad.refreshUsingToken(again.refresh_token), (e) => e.error === "invalid_client");
});

test("node-quickbooks: customers, duplicate names, query escaping, requestid", async () => {
  const q = qbo();
  const name = "O'Brien & Sons \\ 100% Ünïcødé";
  const created = await call(q, "createCustomer", {
    DisplayName: name,
    PrimaryEmailAddr: { Address: "obrien@example.com" },
  });
  assert.equal(created.DisplayName, name);
  assert.equal(typeof created.Id, "string");
  assert.equal(created.SyncToken, "0");

  const dup = await fault(call(q, "createCustomer", { DisplayName: name.toUpperCase() }));
  assert.equal(faultCode(dup), "6240");
  assert.match(dup.Fault.Error[0].Detail, new RegExp(`Id=${created.Id}`));

  // node-quickbooks builds the statement itself (escaping ' and URL-encoding).
  const found = await call(q, "findCustomers", [{ field: "DisplayName", value: name, operator: "=" }]);
  assert.equal(found.QueryResponse.Customer.length, 1);
  assert.equal(found.QueryResponse.Customer[0].Id, created.Id);
  const like = await call(q, "findCustomers", [{ field: "DisplayName", value: "o'brien%", operator: "LIKE" }]);
  assert.equal(like.QueryResponse.Customer.length, 1);
  const none = await call(q, "findCustomers", [{ field: "DisplayName", value: "nobody'; --", operator: "=" }]);
  assert.deepEqual(none.QueryResponse, {});
  const count = await call(q, "findCustomers", { count: true });
  assert.equal(count.QueryResponse.totalCount, 1);

  // Sparse update with SyncToken; a stale token is Fault 5010.
  const updated = await call(q, "updateCustomer", { Id: created.Id, SyncToken: "0", sparse: true, CompanyName: "OBS Ltd" });
  assert.equal(updated.SyncToken, "1");
  const stale = await fault(call(q, "updateCustomer", { Id: created.Id, SyncToken: "0", sparse: true, Notes: "late" }));
  assert.equal(faultCode(stale), "5010");

  // requestid: the retry returns the first answer and creates nothing.
  const a = await call(q, "createCustomer", { DisplayName: "Idempotent Ida", requestId: "conf-req-1" });
  const b = await call(q, "createCustomer", { DisplayName: "Idempotent Ida", requestId: "conf-req-1" });
  assert.equal(a.Id, b.Id);
  const ida = await call(q, "findCustomers", [{ field: "DisplayName", value: "Idempotent Ida", operator: "=" }]);
  assert.equal(ida.QueryResponse.Customer.length, 1);
});

test("node-quickbooks: invoice totals, read back, payment, batch, CDC, void, delete", async () => {
  const q = qbo();
  const since = new Date(Date.now() - 60_000);
  const customer = await call(q, "createCustomer", { DisplayName: "Invoice Buyer" });
  const item = await call(q, "createItem", {
    Name: "Hoodie - Blue - M",
    Sku: "HD-BL-M",
    Type: "NonInventory",
    Taxable: true,
    IncomeAccountRef: { value: "2" },
  });
  assert.equal(item.IncomeAccountRef.name, "Sales of Product Income");

  const invoice = await call(q, "createInvoice", {
    CustomerRef: { value: customer.Id },
    DocNumber: "WC-1042",
    Line: [
      {
        Amount: 9.99,
        DetailType: "SalesItemLineDetail",
        SalesItemLineDetail: { ItemRef: { value: item.Id }, Qty: 3, UnitPrice: 3.33, TaxCodeRef: { value: "TAX" } },
      },
      { Amount: 5.0, DetailType: "SalesItemLineDetail", SalesItemLineDetail: { ItemRef: { value: "SHIPPING_ITEM_ID" } } },
    ],
    TxnTaxDetail: { TxnTaxCodeRef: { value: "2" }, TotalTax: 0.83 },
    CustomField: [{ DefinitionId: "1", StringValue: "woo:1042" }],
  });
  assert.equal(invoice.TotalAmt, 15.82);
  assert.equal(invoice.Balance, 15.82);
  assert.equal(invoice.TxnTaxDetail.TotalTax, 0.83);
  assert.equal(invoice.Line.find((l) => l.DetailType === "SubTotalLineDetail").Amount, 9.99);
  assert.equal(invoice.CustomField[0].Name, "Order #");

  const read = await call(q, "getInvoice", invoice.Id);
  assert.equal(read.Id, invoice.Id);
  assert.equal(read.DocNumber, "WC-1042");
  const byDoc = await call(q, "findInvoices", [{ field: "DocNumber", value: "WC-1042", operator: "=" }]);
  assert.equal(byDoc.QueryResponse.Invoice.length, 1);

  const payment = await call(q, "createPayment", {
    CustomerRef: { value: customer.Id },
    TotalAmt: 15.82,
    Line: [{ Amount: 15.82, LinkedTxn: [{ TxnId: invoice.Id, TxnType: "Invoice" }] }],
  });
  assert.equal(payment.UnappliedAmt, 0);
  const paid = await call(q, "getInvoice", invoice.Id);
  assert.equal(paid.Balance, 0);
  assert.equal(paid.LinkedTxn[0].TxnId, payment.Id);
  const over = await fault(
    call(q, "createPayment", {
      CustomerRef: { value: customer.Id },
      TotalAmt: 1,
      Line: [{ Amount: 1, LinkedTxn: [{ TxnId: invoice.Id, TxnType: "Invoice" }] }],
    }),
  );
  assert.equal(faultCode(over), "6000");

  // Batch: creates, a stale update and a query in one request.
  const items = [];
  for (let i = 0; i < 28; i++) items.push({ bId: `c${i}`, operation: "create", Customer: { DisplayName: `Batch Customer ${i}` } });
  items.push({ bId: "stale", operation: "update", Invoice: { Id: invoice.Id, SyncToken: "0", sparse: true, PrivateNote: "x" } });
  items.push({ bId: "q", Query: "select * from Item where Sku = 'HD-BL-M'" });
  const batch = await call(q, "batch", items);
  assert.equal(batch.BatchItemResponse.length, 30);
  const byId = Object.fromEntries(batch.BatchItemResponse.map((r) => [r.bId, r]));
  assert.equal(byId.c0.Customer.DisplayName, "Batch Customer 0");
  assert.equal(byId.stale.Fault.Error[0].code, "5010");
  assert.equal(byId.q.QueryResponse.Item[0].Id, item.Id);
  items.push({ bId: "too-many", operation: "create", Customer: { DisplayName: "One Too Many" } });
  const tooMany = await fault(call(q, "batch", items));
  assert.ok(faultCode(tooMany));

  // Void, then delete a second invoice; CDC reports the deletion as a stub.
  const second = await call(q, "createInvoice", {
    CustomerRef: { value: customer.Id },
    Line: [{ Amount: 20, DetailType: "SalesItemLineDetail", SalesItemLineDetail: { ItemRef: { value: item.Id } } }],
  });
  const voided = await call(q, "voidInvoice", { Id: second.Id, SyncToken: second.SyncToken });
  assert.equal(voided.Invoice.TotalAmt, 0);
  assert.equal(voided.Invoice.PrivateNote, "Voided");
  const deleted = await call(q, "deleteInvoice", { Id: second.Id, SyncToken: voided.Invoice.SyncToken });
  assert.equal(deleted.Invoice.status, "Deleted");
  const cdc = await call(q, "changeDataCapture", ["Invoice", "Customer"], since);
  const lists = cdc.CDCResponse[0].QueryResponse;
  const invoices = lists.find((l) => l.Invoice).Invoice;
  assert.ok(invoices.some((i) => i.Id === second.Id && i.status === "Deleted"));
  assert.ok(lists.find((l) => l.Customer).Customer.length >= 29);
});

test("node-quickbooks: bad bearer is a 401 gateway fault; query limits are Fault 4001", async () => {
  const bad = await fault(call(qbo("not-a-token"), "getCompanyInfo", info.realm_id));
  assert.equal(bad.fault.error[0].code, "3200");
  assert.equal(bad.fault.type, "AUTHENTICATION");
  const q = qbo();
  const tooMany = await fault(call(q, "findCustomers", [{ field: "limit", value: 1500 }]));
  assert.equal(faultCode(tooMany), "4001");
  const info2 = await call(q, "getCompanyInfo", info.realm_id);
  assert.equal(info2.CompanyName, "EasySale Sandbox Company");
  const prefs = await call(q, "getPreferences");
  assert.equal(prefs.SalesFormsPrefs.AllowShipping, true);
});
