// Reconcile, tenant settings, users and keyboard use of the dashboard in a
// real browser (Debian's chromium, headless, puppeteer-core) against
// `easysale-sync serve` and both sandboxes as processes. Orders placed in
// the WooCommerce sandbox after the sync (through its REST API) show up on
// the reconcile page as missing in QuickBooks with their difference. Screenshots 40-… under build/browser-artifacts/ (or
// $ES_ARTIFACTS).
//
// Run: EASYSALE_BIN=/path/to/easysale-sync node --test   (ctest: browser_test)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { placeOrders, startConfirmed, startEnv } from "./support.mjs";

const TENANT = "books";
const EMAIL = "owner@books.test";
const CLERK = "clerk@books.test";
const CLERK_PASSWORD = "clerk-" + randomBytes(6).toString("hex");

let env, page, base, cli, shot, text, go;
const signIn = (email, password) => env.signIn(email, password);

before(async () => {
  env = await startEnv({ tenant: TENANT, email: EMAIL,
    wooArgs: ["--orders", "45", "--customers", "6", "--products", "5"] });
  ({ page, base, cli, shot, text, go } = env);
  const { woo, qbo } = env;
  cli(["connection", "add", "--tenant", TENANT, "--id", "woo", "--kind", "woo", "--name", "Shop",
    "--config", JSON.stringify({ base_url: woo.url }),
    "--secret", JSON.stringify({ consumer_key: woo.consumer_key, consumer_secret: woo.consumer_secret })]);
  cli(["connection", "add", "--tenant", TENANT, "--id", "qbo", "--kind", "qbo", "--name", "Books",
    "--config", JSON.stringify({ api_base: qbo.url, token_url: qbo.token_url, realm_id: qbo.realm_id, client_id: qbo.client_id }),
    "--secret", JSON.stringify({ client_secret: qbo.client_secret, access_token: qbo.access_token,
      refresh_token: qbo.refresh_token, access_expires_at_ms: 0 })]);
});

after(async () => {
  if (env) await env.stop();
});

test("sign in and run a full sync", async () => {
  await signIn(EMAIL, env.password);
  await go("sync", "Sync now");
  await page.select("select[name=mode]", "full");
  await page.click("#dry-run");
  // An order placed while the plan is on screen changes the plan: the
  // confirmation is refused and the new plan shown to confirm instead.
  await page.click("#start-sync");
  await page.waitForSelector("#confirm-run", { timeout: 20000 });
  await placeOrders(env.woo, 1);
  await page.click("#confirm-run");
  await page.waitForFunction(() => /plan changed since you confirmed it/.test(
    document.querySelector("[role=alertdialog]")?.textContent || ""), { timeout: 20000 });
  await shot("40a-sync-plan-changed");
  await startConfirmed(page, "#confirm-run");
  try {
    await page.waitForFunction(() => /succeeded|partial|failed/.test(document.querySelector("#run-status")?.textContent || ""), { timeout: 90000 });
  } finally {
    await shot("40-sync-done");
  }
  assert.match(await text("#run-status"), /succeeded/);
});

test("reconcile: orders placed after the sync show their difference, paged, and one is fixed", async () => {
  await placeOrders(env.woo, 3);
  await go("reconcile", "Reconcile");
  // Compare (again) until the new orders show as missing in QuickBooks.
  for (let i = 0; i < 20; i++) {
    await page.waitForSelector("#rec-mismatches", { timeout: 20000 });
    if (Number(await text("#rec-mismatches")) > 0 && (await page.$(".rec-fix-one"))) break;
    await new Promise((r) => setTimeout(r, 700));
    await page.click("#rec-load");
    await page.waitForFunction(() => !document.querySelector("#rec-results")?.textContent.startsWith("Comparing"));
  }
  const rows = await page.$$eval("#rec-results tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  const row = rows.find((r) => r[2] === "missing");
  assert.ok(row, `no order missing in QuickBooks among ${JSON.stringify(rows)}`);
  const [, , , doc, woo, qbo, diff] = row;
  assert.equal(doc, "none");
  assert.equal(qbo, "");
  const amount = (s) => Number(s.replace(/[^0-9.-]/g, ""));
  assert.ok(amount(woo) > 0, woo);
  assert.equal(amount(diff), -amount(woo), `difference ${diff} for a WooCommerce total of ${woo}`);
  assert.ok(Number(await text("#rec-orders")) > 0);
  assert.notEqual(amount(await text("#rec-difference")), 0);
  await shot("41-reconcile-mismatches");

  // Every order, 25 to a page.
  await page.select("#rec-status", "all");
  await page.click("#rec-load");
  await page.waitForSelector("#rec-page", { timeout: 20000 });
  assert.match(await text("#rec-page"), /^Page 1 of \d+/);
  await page.click("#rec-next");
  await page.waitForFunction(() => /^Page 2 of/.test(document.querySelector("#rec-page")?.textContent || ""), { timeout: 20000 });
  await shot("42-reconcile-all-page-2");

  // Fix one missing order: one repair needs no confirmation and runs as a job.
  await page.select("#rec-status", "missing");
  await page.click("#rec-load");
  await page.waitForSelector(".rec-fix-one", { timeout: 20000 });
  await page.click(".rec-fix-one");
  await page.waitForSelector("#rec-fix-started", { timeout: 20000 });
  assert.match(await text("#rec-fix-started"), /Repairing 1 order/);
  await shot("43-reconcile-fix-started");
});

test("settings: a wrong time zone is named next to its field; Asia/Tokyo shows every time in Tokyo", async () => {
  await go("settings", "Settings");
  await page.waitForSelector("#tenant-form");
  await page.type("#tz", "Mars/Olympus_Mons");
  await page.click("#save-tenant");
  await page.waitForFunction(() => document.querySelector("#tz-err")?.textContent.includes("Mars/Olympus_Mons"));
  assert.equal(await page.$eval("#tz", (e) => e.getAttribute("aria-invalid")), "true");
  await shot("44-settings-invalid-time-zone");
  await page.$eval("#tz", (e) => { e.value = ""; });
  await page.type("#tz", "Asia/Tokyo");
  await page.click("#save-tenant");
  await page.waitForFunction(() => document.querySelector("#toast")?.textContent.includes("Time zone and currency saved."));
  assert.match(await text("#tz-now"), /GMT\+9/);
  await go("overview", "Overview");
  await page.waitForSelector("main tbody tr");
  const started = await page.$eval("main tbody tr td", (td) => td.textContent);
  assert.match(started, /GMT\+9/, `the run's start is shown as ${started}`);
  await shot("45-times-in-tokyo");
});

test("users: add a user, refuse to remove the last admin, remove the user", async () => {
  await go("users", "Users");
  await page.type("#user-email", CLERK);
  await page.type("#user-password", "short");
  await page.click("#add-user");
  await page.waitForFunction(() => document.querySelector("#user-password-err")?.textContent.includes("8 characters"));
  await page.$eval("#user-password", (e) => { e.value = ""; });
  await page.type("#user-password", CLERK_PASSWORD);
  await page.click("#add-user");
  await page.waitForSelector(`.user-remove[data-email="${CLERK}"]`, { timeout: 15000 });
  await shot("46-users");
  await page.click(`.user-remove[data-email="${EMAIL}"]`);
  await page.click(`.user-remove[data-email="${EMAIL}"]`);
  await page.waitForSelector("#users-error");
  assert.match(await text("#users-error"), /last admin/);
  await shot("47-users-last-admin");
  await page.click(`.user-remove[data-email="${CLERK}"]`);
  await page.click(`.user-remove[data-email="${CLERK}"]`);
  await page.waitForFunction((e) => !document.querySelector(`.user-remove[data-email="${e}"]`), { timeout: 15000 }, CLERK);
  assert.match(await text("#users-note"), /removed/);
});

test("keyboard: the skip link comes first, Tab reaches every nav entry with a visible focus", async () => {
  await page.goto(`${base}/#/overview`, { waitUntil: "networkidle0" });
  await page.waitForFunction(() => document.querySelector("#page-title")?.textContent === "Overview");
  // The skip link is the first thing Tab reaches; start there.
  const first = await page.evaluate(() => {
    const skip = document.querySelector(".skip");
    const tabbable = document.querySelector("a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])");
    skip.focus();
    return tabbable === skip;
  });
  assert.ok(first, "the skip link is not the first focusable element");
  const nav = await page.$$eval("#nav a", (as) => as.filter((a) => a.offsetParent !== null).map((a) => a.getAttribute("href")));
  const seen = [await page.evaluate(() => ({ cls: document.activeElement.className }))];
  for (let i = 0; i < nav.length + 1; i++) {
    await page.keyboard.press("Tab");
    seen.push(await page.evaluate(() => {
      const a = document.activeElement;
      const style = getComputedStyle(a);
      return { href: a.getAttribute("href"), cls: a.className, outline: style.outlineStyle, width: style.outlineWidth };
    }));
  }
  assert.equal(seen[0].cls, "skip", JSON.stringify(seen[0]));
  assert.deepEqual(seen.slice(1, 1 + nav.length).map((s) => s.href), nav);
  assert.ok(seen.slice(1, 1 + nav.length).every((s) => s.outline !== "none" && s.width !== "0px"), JSON.stringify(seen));
  await shot("48-keyboard-focus");
  // Enter on the reconcile entry opens it.
  await page.evaluate(() => document.querySelector('#nav a[href="#/reconcile"]').focus());
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("#page-title")?.textContent === "Reconcile");
});

test("a user (not an admin) sees no admin controls", async () => {
  cli(["user", "add", "--tenant", TENANT, "--email", CLERK, "--role", "user", "--password-stdin"], `${CLERK_PASSWORD}\n`);
  await page.click("#sign-out");
  await page.waitForSelector("form.signin");
  await signIn(CLERK, CLERK_PASSWORD);
  assert.equal(await page.$eval('#nav a[href="#/users"]', (a) => a.offsetParent === null), true, "the Users entry is shown");
  await go("reconcile", "Reconcile");
  await page.waitForSelector("#rec-mismatches", { timeout: 20000 });
  assert.equal(await page.$("#rec-fix"), null);
  assert.equal(await page.$(".rec-fix-one"), null);
  await go("settings", "Settings");
  await page.waitForSelector("#tenant-form");
  assert.equal(await page.$("#save-tenant"), null);
  assert.equal(await page.$eval("#tz", (e) => e.disabled), true);
  const status = await page.evaluate(async () => (await fetch("/api/v1/users")).status);
  assert.equal(status, 403);
  await shot("49-user-view");
});
