// Start-up shared by the browser tests: both sandboxes and `easysale-sync
// serve` as real processes on free ports, a tenant with an admin user, and
// headless chromium (puppeteer-core) with helpers for screenshots,
// navigation and text. Each test file gets its own data directory and
// processes; stop() ends them.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { createHmac, randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import path from "node:path";
import puppeteer from "puppeteer-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const bin =
  process.env.EASYSALE_BIN ??
  [path.resolve(here, "../../build/easysale-sync"), path.resolve(here, "../../build/src/easysale-sync")].find((p) => existsSync(p)) ??
  "easysale-sync";
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const artifacts = process.env.ES_ARTIFACTS ?? path.resolve(here, "../../build/browser-artifacts");

const keyValues = (text) => Object.fromEntries(text.split("\n").map((l) => l.match(/^(\w+)=(.*)$/)).filter(Boolean).map((m) => [m[1], m[2].trim()]));

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Starts the environment: env.woo / env.qbo (the sandboxes' printed keys),
// env.base (the server), env.page (1280×800), env.cli(args, input).
export async function startEnv({ tenant = "shop", email = "admin@shop.test", wooArgs = [] } = {}) {
  assert.ok(existsSync(bin), `no binary at ${bin}`);
  mkdirSync(artifacts, { recursive: true });
  const env = { tenant, email, password: "browser-test-" + randomBytes(6).toString("hex"), children: [], woo: {}, qbo: {} };
  env.dataDir = mkdtempSync(path.join(tmpdir(), "es-browser-"));
  env.masterKey = randomBytes(32).toString("hex");
  const cliEnv = { ...process.env, EASYSALE_MASTER_KEY: env.masterKey, EASYSALE_YES: "1" };

  env.startProcess = (args, extra, ready) => new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...extra } });
    env.children.push(child);
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start in 30 s: ${out}${err}`)), 30000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const found = ready(out);
      if (found) { clearTimeout(timer); resolve(found); }
    });
    child.stderr.on("data", (chunk) => (err += chunk));
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`${args[0]} exited with ${code}: ${err}`)); });
  });
  env.cli = (args, input) => {
    const r = spawnSync(bin, [...args, "--data", env.dataDir], { input, encoding: "utf8", env: cliEnv });
    assert.equal(r.status, 0, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };

  Object.assign(env.woo, await env.startProcess(["sandbox", "woo", "--port", "0", ...wooArgs], {},
    (out) => { const m = out.match(/listening on (\S+)/); const kv = keyValues(out); return m && kv.orders ? { url: m[1], ...kv } : null; }));
  Object.assign(env.qbo, await env.startProcess(["sandbox", "qbo", "--port", "0", "--no-throttle"], {},
    (out) => { const m = out.match(/listening on (\S+)/); const kv = keyValues(out); return m && kv.refresh_token ? { url: m[1], ...kv } : null; }));

  env.cli(["tenant", "add", tenant]);
  env.cli(["user", "add", "--tenant", tenant, "--email", email, "--role", "admin", "--password-stdin"], `${env.password}\n`);
  const port = await freePort();
  env.base = `http://127.0.0.1:${port}`;
  await env.startProcess(["serve", "--port", String(port), "--data", env.dataDir], {
    EASYSALE_MASTER_KEY: env.masterKey,
    EASYSALE_JWT_SECRET: randomBytes(32).toString("hex"),
    EASYSALE_ALLOW_PRIVATE_TARGETS: "1",
    EASYSALE_QBO_CLIENT_ID: env.qbo.client_id,
    EASYSALE_QBO_CLIENT_SECRET: env.qbo.client_secret,
    EASYSALE_QBO_AUTHORIZE_URL: `${env.qbo.url}/connect/oauth2`,
    EASYSALE_QBO_TOKEN_URL: env.qbo.token_url,
    EASYSALE_QBO_API_BASE: env.qbo.url,
    EASYSALE_OAUTH_REDIRECT_URI: `${env.base}/oauth/qbo/callback`,
  }, (out) => out.includes("serving on"));

  const args = ["--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"];
  if (process.getuid && process.getuid() === 0) args.push("--no-sandbox");
  env.browser = await puppeteer.launch({ executablePath: chromium, headless: true, args });
  const page = (env.page = await env.browser.newPage());
  await page.setViewport({ width: 1280, height: 800 });
  page.on("pageerror", (e) => console.error("page error:", e.message));

  env.shot = (name) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
  env.text = (sel) => page.$eval(sel, (e) => e.textContent);
  // Follows the nav link to #/hash and waits for the page title.
  env.go = async (hash, title) => {
    await page.click(`#nav a[href="#/${hash}"]`);
    await page.waitForFunction((t) => document.querySelector("#page-title")?.textContent === t, { timeout: 15000 }, title);
  };
  // Signs in as the admin, or as another user of the tenant.
  env.signIn = async (user = email, password = env.password) => {
    await page.goto(env.base, { waitUntil: "networkidle0" });
    await page.waitForSelector("form.signin");
    await page.$eval("input[name=tenant]", (e, t) => { e.value = t; }, tenant);
    await page.type("input[name=email]", user);
    await page.type("input[name=password]", password);
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector("#page-title")?.textContent === "Overview", { timeout: 15000 });
  };
  env.stop = async () => {
    if (env.browser) await env.browser.close();
    for (const c of env.children) c.kill("SIGTERM");
    rmSync(env.dataDir, { recursive: true, force: true });
  };
  return env;
}

// Clicks `selector` (a button that starts a run) and confirms each plan the
// API asks about (409 confirmation_required: more than 10 records; asked
// again when new orders changed the plan in between) until the run shows.
export async function startConfirmed(page, selector) {
  await page.click(selector);
  for (let asked = 0; asked < 5; asked++) {
    await page.waitForSelector("#run-status, #confirm-run", { timeout: 20000 });
    const confirm = await page.$("#confirm-run");
    if (!confirm) return;
    await confirm.click();
    await page.waitForFunction(() => !document.querySelector("#confirm-run") || document.querySelector("#run-status"),
      { timeout: 20000 });
  }
  throw new Error("the plan kept changing: asked 5 times to confirm");
}

// RFC 3986 percent-encoding, as OAuth 1.0a signs it.
const enc = (v) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

// A call to the WooCommerce sandbox's REST API (`path` under /wp-json/wc/v3),
// signed with OAuth 1.0a as WooCommerce expects over http; the parsed answer.
export async function wooRest(woo, method, path, body) {
  const url = `${woo.url}/wp-json/wc/v3${path}`;
  const params = { oauth_consumer_key: woo.consumer_key, oauth_nonce: randomBytes(16).toString("hex"),
    oauth_signature_method: "HMAC-SHA1", oauth_timestamp: String(Math.floor(Date.now() / 1000)) };
  const pairs = Object.entries(params).map(([k, v]) => [enc(k), enc(v)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const base = [method, enc(url), enc(pairs.map(([k, v]) => `${k}=${v}`).join("&"))].join("&");
  params.oauth_signature = createHmac("sha1", `${woo.consumer_secret}&`).update(base).digest("base64");
  const query = Object.entries(params).map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&");
  const r = await fetch(`${url}?${query}`, { method, headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await r.json();
  assert.ok(r.ok, `${method} ${path}: HTTP ${r.status} ${JSON.stringify(data)}`);
  return data;
}

// Places `count` paid orders in the WooCommerce sandbox, as shoppers would.
export async function placeOrders(woo, count) {
  const products = await wooRest(woo, "GET", "/products");
  const simple = products.find((p) => p.type === "simple") || products[0];
  for (let i = 0; i < count; i++) {
    await wooRest(woo, "POST", "/orders", { status: "processing", set_paid: true,
      billing: { first_name: "Ada", last_name: "Shopper", email: `ada${i}@example.com`, country: "US", state: "CA" },
      line_items: [{ product_id: simple.id, quantity: i + 1 }] });
  }
}
