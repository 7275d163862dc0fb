// The dashboard in a real browser: Debian's chromium, headless, driven by
// puppeteer-core, against `easysale-sync serve` and both sandboxes (real
// processes). One scenario, step by step, each step asserting what the page
// shows, with a screenshot of every page under build/browser-artifacts/
// (or $ES_ARTIFACTS).
//
// Run: EASYSALE_BIN=/path/to/easysale-sync node --test   (ctest: browser_test)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startConfirmed, startEnv } from "./support.mjs";

const TENANT = "shop";
const EMAIL = "admin@shop.test";

let env, page, base, browser, cli, shot, go, text, woo, qbo, PASSWORD;

// Clicks `selector` and, when the API asks for a confirmation (409
// confirmation_required: more than 10 records), confirms the plan it shows.
async function startRun(selector) {
  await startConfirmed(page, selector);
}

async function waitRunDone() {
  await page.waitForFunction(() => {
    const s = document.querySelector("#run-status")?.textContent || "";
    return s && !/queued|running|stopping/.test(s);
  }, { timeout: 60000 });
  assert.equal(await text("#run-progress"), "100 %");
  return text("#run-status");
}

before(async () => {
  env = await startEnv({ tenant: TENANT, email: EMAIL, wooArgs: ["--orders", "24", "--customers", "8", "--products", "6"] });
  ({ page, base, browser, cli, shot, go, text, woo, qbo } = env);
  PASSWORD = env.password;
});

after(async () => {
  if (env) await env.stop();
});

test("sign in: a wrong password is refused next to the form, the right one opens the overview", async () => {
  await page.goto(base, { waitUntil: "networkidle0" });
  await page.waitForSelector("form.signin");
  const skip = await page.evaluate(() => { document.activeElement.blur(); return document.querySelector(".skip").textContent; });
  assert.equal(skip, "Skip to content");
  await shot("01-sign-in");
  await page.type("input[name=tenant]", TENANT);
  await page.type("input[name=email]", EMAIL);
  await page.type("input[name=password]", "not the password");
  await page.click("form.signin button[type=submit]");
  await page.waitForFunction(() => document.querySelector(".signin .form-error")?.textContent.includes("Wrong tenant"));
  await page.type("input[name=password]", PASSWORD);
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("#page-title")?.textContent === "Overview");
  assert.match(await text("#who"), /admin@shop\.test · shop \(admin\)/);
  const cookies = browser.cookies ? await browser.cookies() : await page.cookies();
  const session = cookies.find((c) => c.name === "es_session");
  assert.ok(session && session.httpOnly && session.sameSite === "Strict", JSON.stringify(session));
  await shot("02-overview");
});

test("connections: add the WooCommerce store with the form and test it", async () => {
  await go("connections", "Connections");
  await page.$eval("#new-id", (e) => { e.value = "woo"; });
  await page.type("#new-name", "Sandbox shop");
  await page.type("#new-base-url", woo.url);
  await page.type("#new-key", woo.consumer_key);
  await page.type("#new-secret", woo.consumer_secret);
  await page.click("#add-connection");
  await page.waitForSelector('.conn[data-id="woo"]', { timeout: 20000 });
  await page.click("#test-woo");
  await page.waitForFunction(() => document.querySelector('.conn[data-id="woo"] .test-result')?.textContent.startsWith("Works"), { timeout: 20000 });
  // Credentials are write-only: the form shows a mask, never the secret.
  const html = await page.content();
  assert.ok(!html.includes(woo.consumer_secret), "the consumer secret is on the page");
  await shot("03-connections-woo");
});

test("connections: connect QuickBooks through the OAuth flow and come back", async () => {
  await page.select("#new-kind", "qbo");
  await page.$eval("#new-id", (e) => { e.value = "qbo"; });
  await Promise.all([page.waitForNavigation({ waitUntil: "networkidle0" }), page.click("#add-connection")]);
  await page.waitForSelector("#oauth-result", { timeout: 20000 });
  assert.match(await text("#oauth-result"), new RegExp(`Company ${qbo.realm_id} is connected`));
  assert.equal(new URL(page.url()).search, "", "the code stays in the address bar");
  await shot("04-oauth-callback");
  await page.click("#oauth-back");
  await page.waitForSelector('.conn[data-id="qbo"]', { timeout: 15000 });
  assert.match(await text('.conn[data-id="qbo"]'), new RegExp(`Company ${qbo.realm_id} connected`));
});

test("sync now: a dry run shows the plan as a table", async () => {
  await go("sync", "Sync now");
  await page.select("select[name=mode]", "full");
  assert.equal(await page.$eval("#dry-run", (e) => e.checked), true);
  await startRun("#start-sync");
  assert.match(await waitRunDone(), /succeeded/);
  await page.waitForSelector("#run-box table");
  const plan = await page.$$eval("#run-box tbody tr", (rows) => rows.map((r) => r.textContent));
  assert.ok(plan.length > 0, "empty plan");
  assert.ok(plan.some((r) => /Customer/.test(r)), plan.slice(0, 5).join("\n"));
  // 24 orders, their customers and items: more than one page of 20 rows.
  const pager = await text("#run-box .pager span");
  assert.ok(Number(pager.match(/\((\d+) rows\)/)[1]) >= 24, pager);
  assert.match(await text("#run-box caption"), /What the run would write/);
  await shot("05-sync-dry-run-plan");
});

test("settings: the TransformerConfig form saves a shipping item QuickBooks does not have", async () => {
  await go("settings", "Settings");
  await page.waitForSelector("#config-form");
  await page.$eval("input[name=shipping_item_id]", (e) => { e.value = "999999"; });
  await page.click("#save-config");
  await page.waitForFunction(() => document.querySelector("#toast")?.textContent.includes("Settings saved."));
  await shot("06-settings");
});

test("sync now: a real run reaches 100 % and reports the failures", async () => {
  await go("sync", "Sync now");
  await page.select("select[name=mode]", "full");
  await page.click("#dry-run");
  await startRun("#start-sync");
  assert.match(await waitRunDone(), /partial/);
  await shot("07-sync-run");
});

let failedBefore = 0;
test("failed queue: the failures are grouped by cause", async () => {
  await go("failed", "Failed records");
  await page.waitForSelector(".failed-group");
  const groups = await page.$$eval(".failed-group h2", (hs) => hs.map((h) => h.textContent));
  assert.ok(groups.some((g) => /order: validation/.test(g)), groups.join("\n"));
  failedBefore = Number((await text("#retry-all")).match(/\((\d+)\)/)[1]);
  assert.ok(failedBefore >= 1);
  await shot("08-failed-grouped");
});

test("retry one: after fixing the setting the record syncs and leaves the queue", async () => {
  await go("settings", "Settings");
  await page.waitForSelector("#config-form");
  await page.$eval("input[name=shipping_item_id]", (e) => { e.value = "SHIPPING_ITEM_ID"; });
  await page.click("#save-config");
  await page.waitForFunction(() => document.querySelector("#toast")?.textContent.includes("Settings saved."));
  await go("failed", "Failed records");
  await page.waitForSelector(".retry-one");
  await page.click(".retry-one");
  await page.waitForSelector("#retry-started a");
  await page.click("#retry-started a");
  assert.match(await waitRunDone(), /succeeded/);
  await go("failed", "Failed records");
  await page.waitForSelector("#retry-all");
  const after = Number((await text("#retry-all")).match(/\((\d+)\)/)[1]);
  assert.equal(after, failedBefore - 1);
});

test("history: entries with filters and CSV/JSON export links", async () => {
  await go("history", "History");
  await page.waitForSelector("main tbody tr");
  await page.select("select[name=entity]", "order");
  await page.click("form[role=search] button[type=submit]");
  await page.waitForFunction(() => [...document.querySelectorAll("main tbody tr")].every((r) => r.children[1].textContent === "order"));
  const csv = await page.$eval('a[download="history.csv"]', (a) => a.getAttribute("href"));
  assert.match(csv, /format=csv&entity=order/);
  const res = await page.evaluate(async (u) => { const r = await fetch(u); return { status: r.status, type: r.headers.get("content-type"), body: await r.text() }; }, csv);
  assert.equal(res.status, 200);
  assert.match(res.type, /text\/csv/);
  assert.ok(res.body.split("\n").length > 2);
  await shot("09-history");
});

test("overview and schedules pages", async () => {
  await go("overview", "Overview");
  await page.waitForSelector("main table");
  await shot("10-overview-after-sync");
  await go("schedules", "Schedules");
  const status = await page.evaluate(async () => (await fetch("/api/v1/schedules")).status);
  if (status === 404) assert.match(await text("#not-available"), /not available/);
  else {
    // The tenant has no schedule yet: the list says so (or shows its table).
    await page.waitForSelector("main table, main p.muted");
    assert.match(await text("main"), /No schedules\.|Cron|cron/);
  }
  await shot("11-schedules");
  // Add a nightly schedule through the form, then pause it.
  await page.type("form input[name=name]", "nightly");
  await page.type("form input[name=cron]", "0 2 * * *");
  await page.$eval("form input[name=timezone]", (e) => { e.value = "Europe/Berlin"; });
  await page.click("form button[type=submit]");
  await page.waitForFunction(() => [...document.querySelectorAll("main tbody tr")].some((r) => r.textContent.includes("nightly")), { timeout: 15000 });
  await page.evaluate(() => [...document.querySelectorAll("main tbody tr button")].find((b) => b.textContent === "Pause").click());
  await page.waitForFunction(() => [...document.querySelectorAll("main tbody tr")].some((r) => r.textContent.includes("nightly") && r.textContent.includes("disabled")), { timeout: 15000 });
  const saved = await page.evaluate(async () => (await (await fetch("/api/v1/schedules")).json()));
  const nightly = (saved.schedules || saved).find((x) => x.name === "nightly");
  assert.equal(nightly.enabled, false);
  assert.equal(nightly.timezone, "Europe/Berlin");
  await shot("11b-schedule-paused");
});

test("mappings: edit a mapping and see the preview change", async (t) => {
  await go("mappings", "Mappings");
  const status = await page.evaluate(async () => (await fetch("/api/v1/mappings")).status);
  await shot("12-mappings");
  if (status === 404) {
    t.skip("the mappings API answers 404 on this server (the mapping engine is not part of this build)");
    return;
  }
  await page.waitForSelector(".mapping-link");
  await page.click(".mapping-link");
  await page.waitForSelector("#preview-output");
  await page.waitForFunction(() => document.querySelector("#preview-output").textContent.length > 2, { timeout: 20000 });
  const before = await text("#preview-output");
  // Change the first default value or concat prefix of the mapping.
  const changed = await page.$eval("#mapping-json", (ta) => {
    const m = JSON.parse(ta.value);
    let done = false;
    const walk = (o) => {
      if (done || !o || typeof o !== "object") return;
      for (const k of Object.keys(o)) {
        if (!done && (k === "default" || k === "prefix") && typeof o[k] !== "object") { o[k] = "BROWSER-TEST"; done = true; }
        else walk(o[k]);
      }
    };
    walk(m);
    ta.value = JSON.stringify(m, null, 2);
    ta.dispatchEvent(new Event("input"));
    return done;
  });
  if (!changed) {
    t.skip("the first mapping has no default value or prefix to change");
    return;
  }
  await page.waitForFunction((b) => document.querySelector("#preview-output").textContent !== b, { timeout: 20000 }, before);
  await shot("13-mapping-preview");
  // Saving changes how every order already in QuickBooks is written on its
  // next sync: with more than 10 of them the plan is shown and the save waits
  // for the confirmation (the failures above may leave 10 or fewer).
  const synced = await page.evaluate(async () => {
    const r = await (await fetch("/api/v1/history?entity=order&status=created&limit=500")).json();
    return (r.entries || []).length;
  });
  await page.click("#save-mapping");
  await page.waitForFunction(() => document.querySelector("#confirm-run") ||
    document.getElementById("toast")?.textContent.includes("Mapping saved"), { timeout: 15000 });
  if (await page.$("#confirm-run")) {
    assert.match(await text("[role=alertdialog]"), /order/);
    await shot("13b-mapping-confirm");
    await page.click("#confirm-run");
    await page.waitForFunction(() => document.getElementById("toast")?.textContent.includes("Mapping saved"), { timeout: 15000 });
  } else {
    assert.ok(synced <= 10, `${synced} orders synced, yet the save did not ask for a confirmation`);
  }
});

test("connections: rename one", async () => {
  await go("connections", "Connections");
  await page.waitForSelector("#rename-woo");
  await page.$eval("#rename-woo", (e) => { e.value = ""; });
  await page.type("#rename-woo", "Main shop");
  await page.evaluate(() => document.querySelector("#rename-woo").form.requestSubmit());
  await page.waitForFunction(() => document.querySelector('.conn[data-id="woo"] h2')?.textContent.includes("Main shop"), { timeout: 15000 });
});

test("phone width: the pages stay readable", async () => {
  await page.setViewport({ width: 390, height: 844 });
  await go("connections", "Connections");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
  await shot("14-connections-phone");
  await page.setViewport({ width: 1280, height: 800 });
});

test("sign out: the session ends", async () => {
  await page.click("#sign-out");
  await page.waitForFunction(() => document.querySelector(".signin .form-error")?.textContent.includes("signed out"));
  const status = await page.evaluate(async () => (await fetch("/api/v1/session")).status);
  assert.equal(status, 401);
  await shot("15-signed-out");
});
