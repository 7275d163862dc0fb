// The operations pages of the dashboard in a real browser (Debian's
// chromium, headless, puppeteer-core) against `easysale-sync serve` and both
// sandboxes: jobs (a queued job cancelled), conflicts (a sync policy saved
// with the form, a real conflict resolved), notifications (saved, an error
// next to its field, tested against a local receiver), sandbox mode (on →
// banner on every page → off), webhooks, runs and the audit log showing the
// actions. Screenshots 20-… under $ES_ARTIFACTS.
//
// Run: EASYSALE_BIN=/path/to/easysale-sync node --test   (ctest: browser_test)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { startEnv } from "./support.mjs";

let env, page;
let qboItem;  // the QuickBooks item changed to make a conflict
const hooks = [];  // notification webhooks received
let receiver, receiverUrl;

// The QuickBooks sandbox's REST API with the access token it printed.
async function qboApi(method, path, body) {
  const res = await fetch(`${env.qbo.url}/v3/company/${env.qbo.realm_id}/${path}`, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { Authorization: `Bearer ${env.qbo.access_token}`, Accept: "application/json", "Content-Type": "application/json" },
  });
  const data = await res.json();
  assert.equal(res.status, 200, JSON.stringify(data));
  return data;
}

before(async () => {
  env = await startEnv({ wooArgs: ["--orders", "2", "--customers", "2", "--products", "6"] });
  page = env.page;
  const { cli, woo, qbo, tenant } = env;
  cli(["connection", "add", "--tenant", tenant, "--id", "woo", "--kind", "woo", "--config", JSON.stringify({ base_url: woo.url }),
    "--secret", JSON.stringify({ consumer_key: woo.consumer_key, consumer_secret: woo.consumer_secret })]);
  cli(["connection", "add", "--tenant", tenant, "--id", "qbo", "--kind", "qbo",
    "--config", JSON.stringify({ api_base: qbo.url, token_url: qbo.token_url, realm_id: qbo.realm_id, client_id: qbo.client_id }),
    "--secret", JSON.stringify({ client_secret: qbo.client_secret, access_token: qbo.access_token, refresh_token: qbo.refresh_token,
      access_expires_at_ms: Date.now() + 50 * 60 * 1000 })]);
  // Items as Inventory items, so QuickBooks keeps their stock; then the products go across once.
  cli(["config", "set", "--tenant", tenant, JSON.stringify({ item_type: "Inventory", income_account_id: "2", expense_account_id: "3", asset_account_id: "4" })]);
  cli(["sync", "--tenant", tenant, "--entities", "products", "--yes"]);
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => { hooks.push({ headers: req.headers, body }); res.writeHead(200).end("ok"); });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${receiver.address().port}/hooks`;
  await env.signIn();
});

after(async () => {
  if (receiver) receiver.close();
  if (env) await env.stop();
});

const waitText = (sel, re, timeout = 15000) =>
  page.waitForFunction((s, src) => new RegExp(src).test(document.querySelector(s)?.textContent || ""), { timeout }, sel, re.source);
const toast = (re) => waitText("#toast", re);

test("jobs: a queued job is listed with its filter, cancelled with its button, and never runs", async () => {
  const queued = JSON.parse(env.cli(["jobs", "enqueue", "--tenant", env.tenant, "--entities", "customers", "--delay-ms", "3600000", "--json"]));
  assert.equal(queued.status, "queued");
  await env.go("jobs", "Jobs");
  await page.select("#filter-status", "queued");
  await page.waitForSelector(`#cancel-${queued.id}`);
  await env.shot("20-jobs-queued");
  await page.click(`#cancel-${queued.id}`);
  await toast(new RegExp(`Job ${queued.id} cancelled`));
  await page.waitForFunction((id) => !document.querySelector(`#cancel-${id}`), {}, queued.id);
  await page.select("#filter-status", "cancelled");
  await page.waitForSelector(`a[href="#/jobs/${queued.id}"]`);
  await page.click(`a[href="#/jobs/${queued.id}"]`);
  await waitText("#job-status", /cancelled/);
  assert.match(await env.text("#job-detail"), /Attempts0 of 5/);
  assert.match(await env.text("#job-detail"), /cancelled by admin@shop\.test/);
  assert.equal(await page.$(`#cancel-${queued.id}`), null, "a cancelled job offers no Cancel");
  await env.shot("21-job-detail-cancelled");
  const shown = JSON.parse(env.cli(["jobs", "show", "--tenant", env.tenant, queued.id]));
  assert.equal(shown.status, "cancelled");
  assert.equal(shown.attempts, 0);
});

test("conflicts: the sync policy form saves a manual two-way policy for products", async () => {
  await env.go("conflicts", "Conflicts");
  await page.waitForSelector("#policy-form");
  // Keyboard: the fields follow each other in tab order.
  await page.focus("#policy-entity");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "policy-direction");
  await page.select("#policy-entity", "products");
  await page.select("#policy-direction", "both");
  await page.select("#policy-truth", "qbo");
  await page.select("#policy-strategy", "manual");
  await page.click("#save-policy");
  await toast(/Policy for products saved/);
  await page.waitForFunction(() => [...document.querySelectorAll("table td")].some((td) => td.textContent === "manual"));
  assert.equal(await page.$eval("#policy-strategy", (s) => s.value), "manual");
  await env.shot("22-sync-policies");
});

test("conflicts: a price changed in QuickBooks waits in the review queue with both values; taking the shop's value queues a run", async () => {
  const items = (await qboApi("GET", `query?query=${encodeURIComponent("select * from Item maxresults 1000")}`)).QueryResponse.Item || [];
  qboItem = items.find((i) => i.Type === "Inventory" && i.Sku);
  assert.ok(qboItem, `no inventory item with a SKU in QuickBooks: ${items.length} items`);
  await qboApi("POST", "item", { Id: qboItem.Id, SyncToken: qboItem.SyncToken, sparse: true, UnitPrice: 47.25 });
  // The way back (QuickBooks → shop): both sides differ and neither was synced two-way, so a conflict; manual: nothing moves.
  env.cli(["sync", "--tenant", env.tenant, "--source", "qbo", "--target", "woo", "--entities", "products", "--mode", "full", "--yes"]);
  await env.go("overview", "Overview");
  await env.go("conflicts", "Conflicts");
  await page.waitForSelector(".conflict");
  const cards = await page.$$eval(".conflict", (cs) => cs.map((c) => ({ id: c.id, text: c.textContent })));
  const mine = cards.find((c) => c.text.includes("47.25"));
  assert.ok(mine, cards.map((c) => c.text).join("\n"));
  assert.match(mine.text, /WooCommerce \(woo\)/);
  assert.match(mine.text, /QuickBooks \(qbo\)/);
  assert.match(mine.text, /open/);
  await env.shot("23-conflict-review");
  const id = mine.id.replace("conflict-", "");
  await page.click(`#${mine.id} button[data-take="woo"]`);
  await waitText(`#conflict-result-${id}`, /Resolved: WooCommerce's value stands/);
  assert.ok(await page.$(`#conflict-result-${id} a[href^="#/sync/"]`), "no link to the run");
  await env.shot("24-conflict-resolved");
  // The run the resolve queued is picked up by the server's workers and finishes.
  const runHref = await page.$eval(`#conflict-result-${id} a[href^="#/sync/"]`, (a) => a.getAttribute("href"));
  const deadline = Date.now() + 20000;
  let run = {};
  while (Date.now() < deadline && !/succeeded|partial|failed/.test(run.status || "")) {
    await new Promise((r) => setTimeout(r, 300));
    run = await page.evaluate(async (rid) => (await ES.api("GET", `/api/v1/runs/${rid}`)).data, runHref.replace("#/sync/", ""));
  }
  assert.equal(run.status, "succeeded", JSON.stringify(run));
  assert.deepEqual([run.source, run.target, run.entities], ["woo", "qbo", ["products"]]);
  await page.select("#filter-status", "resolved_manual");
  await waitText(`#${mine.id}`, /resolved manual/);
  assert.match(await env.text(`#${mine.id}`), /WooCommerce's value taken by admin@shop\.test/);
});

test("notifications: a bad URL is refused next to its field; saved settings keep the secret hidden; Test reaches the webhook", async () => {
  await env.go("notifications", "Notifications");
  await page.waitForSelector("#notify-form");
  await page.type("#notify-webhook-url", "ftp://nowhere.example/x");
  await page.type("#notify-webhook-secret", "hook-secret-never-shown");
  await page.click("#save-notify");
  await page.waitForFunction(() => (document.querySelector("#notify-webhook-url-err")?.textContent || "").includes("webhook.url"));
  assert.equal(await page.$eval("#notify-webhook-url", (e) => e.getAttribute("aria-invalid")), "true");
  await env.shot("25-notifications-error");
  await page.$eval("#notify-webhook-url", (e) => { e.value = ""; });
  await page.type("#notify-webhook-url", receiverUrl);
  await page.$eval("#notify-rate", (e) => { e.value = "30"; });
  await page.click("#save-notify");
  await toast(/Notification settings saved/);
  await page.waitForFunction(() => (document.querySelector("#notify-webhook-secret")?.placeholder || "").includes("set"));
  assert.equal(await page.$eval("#notify-rate", (e) => e.value), "30");
  assert.ok(!(await page.content()).includes("hook-secret-never-shown"), "the secret is on the page");
  await page.click("#test-notify");
  await waitText("#notify-test-result", /Webhooksent/);
  assert.ok(hooks.length >= 1, "the receiver got nothing");
  assert.match(JSON.stringify(hooks.at(-1).headers), /x-easysale-signature/);
  await env.shot("26-notifications-tested");
});

test("sandbox mode: switched on, a banner shows on every page; switched off, it goes", async () => {
  await env.go("sandbox", "Sandbox mode");
  assert.match(await env.text("#sandbox-explain"), /QuickBooks sandbox company/);
  assert.equal(await page.$eval("#sandbox-banner", (b) => b.hidden), true);
  await page.click("#sandbox-switch");
  await toast(/Sandbox mode on/);
  await page.waitForFunction(() => !document.querySelector("#sandbox-banner").hidden);
  await waitText("#sandbox-state", /on/);
  await env.shot("27-sandbox-on");
  await env.go("jobs", "Jobs");
  await page.waitForFunction(() => !document.querySelector("#sandbox-banner").hidden);
  assert.match(await env.text("#sandbox-banner"), /Sandbox mode is on/);
  await env.shot("28-sandbox-banner-jobs");
  await env.go("sandbox", "Sandbox mode");
  await page.click("#sandbox-switch");
  await toast(/Sandbox mode off/);
  await page.waitForFunction(() => document.querySelector("#sandbox-banner").hidden);
  await waitText("#sandbox-state", /off/);
});

test("webhooks: endpoints are listed and the switch turns them off and on", async () => {
  await env.go("webhooks", "Webhooks");
  await waitText("#webhooks-state", /enabled/);
  assert.match(await page.content(), /\/webhooks\/woo\/shop\/woo/);
  await page.click("#toggle-webhooks");
  await waitText("#webhooks-state", /disabled/);
  await env.shot("29-webhooks-off");
  await page.click("#toggle-webhooks");
  await waitText("#webhooks-state", /enabled/);
});

test("runs: the runs are listed with their status and a link to each", async () => {
  await env.go("runs", "Runs");
  await page.waitForSelector("main table tbody tr");
  const rows = await page.$$eval("main table tbody tr", (rs) => rs.map((r) => r.textContent));
  assert.ok(rows.length >= 3, rows.join("\n"));
  assert.ok(rows.some((r) => /qbo → woo/.test(r)), rows.join("\n"));
  await env.shot("30-runs");
});

test("audit log: every action above is there, and the filter narrows it", async () => {
  await env.go("audit", "Audit log");
  await page.waitForSelector("#audit-list table");
  const all = await env.text("#audit-list");
  for (const a of ["job.cancel", "sync_policy.set", "conflict.resolve", "notifications.update", "notifications.test", "sandbox_mode.set", "webhooks.disable"])
    assert.ok(all.includes(a), `${a} missing in the audit log`);
  await env.shot("31-audit");
  await page.type("#audit-action", "job.cancel");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll("#audit-list tbody tr").length === 1);
  assert.match(await env.text("#audit-list tbody"), /admin@shop\.test/);
});

test("phone width: the conflicts page fits 390 px without sideways scrolling", async () => {
  await page.setViewport({ width: 390, height: 844 });
  await env.go("conflicts", "Conflicts");
  await page.select("#filter-status", "");
  await page.waitForSelector(".conflict");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 392, `the page is ${width} px wide`);
  await env.shot("32-conflicts-phone");
  await page.setViewport({ width: 1280, height: 800 });
});
