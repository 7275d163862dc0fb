R"es_asset(// EasySale Sync dashboard: the shell (API calls with the CSRF header, the
// router, sign-in, formatting helpers, tables with pages). Pages register in
// ES.pages from pages_*.js. No framework, no build step.
"use strict";
const ES = (window.ES = { pages: {}, me: null, csrf: "", currency: "USD", tz: undefined });

// ---- DOM helpers (text is always set as text, never parsed as HTML) -------
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
ES.h = h;
let uid = 0;
ES.id = (p) => `${p}-${++uid}`;

ES.toast = (msg) => {
  const box = document.getElementById("toast");
  const d = h("div", {}, msg);
  box.append(d);
  setTimeout(() => d.remove(), 6000);
};

function cookie(name) {
  for (const part of document.cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return "";
}

// ---- API -------------------------------------------------------------------
// Resolves to {status, data}; never throws for HTTP errors. A 401 while signed
// in shows the sign-in page.
ES.api = async (method, path, body) => {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = ES.csrf || cookie("es_csrf");
  let res;
  try {
    res = await fetch(path, { method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    return { status: 0, data: { error: { category: "network", message: "the server cannot be reached" } } };
  }
  let data = null;
  const text = await res.text();
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
  if (res.status === 401 && ES.me && !path.startsWith("/auth/")) {
    ES.me = null;
    showSignIn("Your session ended: sign in again.");
  }
  return { status: res.status, data };
};
ES.errorText = (r) => {
  const d = r.data || {};
  if (d.error && typeof d.error === "object") return d.error.message || d.error.category;
  if (typeof d.error === "string") return d.message || d.error;
  return `request failed (${r.status})`;
};

// ---- formatting: every time and amount on the dashboard goes through these two,
// in the tenant's time zone and currency (ES.applySettings) ----------------------
ES.money = (amount, currency) => {
  if (amount === undefined || amount === null || amount === "") return "";
  const n = Number(amount);
  if (!Number.isFinite(n)) return String(amount);
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: currency || ES.currency }).format(n);
  } catch (e) { return `${amount} ${currency || ES.currency}`; }
};
ES.time = (iso) => {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "numeric",
    minute: "2-digit", second: "2-digit", timeZone: ES.tz, timeZoneName: "short" }).format(d);
};
// The tenant's settings (GET /api/v1/settings): an unknown zone or currency
// falls back to the browser's zone and the shop's currency.
ES.applySettings = (s) => {
  ES.tz = undefined;
  try { if (s && s.timezone) { new Intl.DateTimeFormat(undefined, { timeZone: s.timezone }); ES.tz = s.timezone; } } catch (e) { /* keep the browser's */ }
  try { if (s && s.currency) { new Intl.NumberFormat(undefined, { style: "currency", currency: s.currency }); ES.currency = s.currency; } } catch (e) { /* keep */ }
};
ES.badge = (status) => {
  const s = String(status || "");
  const cls = /^(ok|succeeded|created|updated|linked|connected|enabled|would_create|would_update)$/.test(s) ? "ok"
    : /^(error|failed|partial|crashed|abandoned)$/.test(s) ? "err" : /running|stopping|disabled/.test(s) ? "warn" : "";
  return h("span", { class: `badge ${cls}` }, s.replace(/_/g, " "));
};

// ---- form helpers: labelled fields with errors next to them ---------------------
// field("Label", inputElement, "hint") → wrapper; setError(input, msg) shows msg under it.
ES.field = (label, input, hint) => {
  if (!input.id) input.id = ES.id("f");
  const err = h("div", { class: "error", id: `${input.id}-err`, role: "alert" });
  const describedBy = [`${input.id}-err`];
  let hintEl = null;
  if (hint) {
    hintEl = h("div", { class: "hint", id: `${input.id}-hint` }, hint);
    describedBy.push(hintEl.id);
  }
  input.setAttribute("aria-describedby", describedBy.join(" "));
  return h("div", { class: "field" }, h("label", { for: input.id }, label), input, hintEl, err);
};
ES.setError = (input, msg) => {
  const err = document.getElementById(`${input.id}-err`);
  if (err) err.textContent = msg || "";
  if (msg) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
};
ES.clearErrors = (form) => form.querySelectorAll("[aria-invalid]").forEach((i) => ES.setError(i, ""));
ES.input = (attrs) => h("input", Object.assign({ type: "text" }, attrs));
ES.select = (attrs, options, value) => {
  const s = h("select", attrs);
  for (const o of options) {
    const [v, label] = Array.isArray(o) ? o : [o, o];
    s.append(h("option", { value: v, selected: v === value }, label));
  }
  return s;
};

// ---- tables with pages ---------------------------------------------------------
// columns: [{label, get(row) → text|Node, num?}]; pageSize rows per page.
ES.table = (columns, rows, opts = {}) => {
  const pageSize = opts.pageSize || 25;
  const wrap = h("div", { class: "table-block" });
  let page = 0;
  const render = () => {
    wrap.replaceChildren();
    if (!rows.length) {
      wrap.append(h("p", { class: "muted" }, opts.empty || "Nothing to show."));
      return;
    }
    const pages = Math.ceil(rows.length / pageSize);
    const slice = rows.slice(page * pageSize, (page + 1) * pageSize);
    const table = h("table", {},
      opts.caption ? h("caption", { class: "muted" }, opts.caption) : null,
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : "" }, c.label)))),
      h("tbody", {}, slice.map((r) => h("tr", {}, columns.map((c) => h("td", { class: c.num ? "num" : "" }, c.get(r)))))));
    wrap.append(h("div", { class: "table-wrap" }, table));
    if (pages > 1) {
      const prev = h("button", { class: "secondary", disabled: page === 0, onclick: () => { page--; render(); } }, "Previous");
      const next = h("button", { class: "secondary", disabled: page >= pages - 1, onclick: () => { page++; render(); } }, "Next");
      wrap.append(h("nav", { class: "pager", "aria-label": "Pages" }, prev,
        h("span", {}, `Page ${page + 1} of ${pages} (${rows.length} rows)`), next));
    }
  };
  render();
  return wrap;
};

// ---- confirmation flow of the API (409 confirmation_required) --------------------
// Sends the request; when the API asks for a confirmation, shows its plan in
// `where` and resends with the token once the user confirms. When the plan
// changed in between (new orders arrived), the API refuses that token: the
// new plan is shown and confirmed the same way.
ES.withConfirmation = async (method, path, body, where, changed = false) => {
  const r = await ES.api(method, path, body);
  if (r.status !== 409 || !r.data || r.data.error !== "confirmation_required") return r;
  return new Promise((resolve) => {
    const plan = r.data.plan || {};
    const rows = Object.entries(plan).map(([k, v]) => ({ k, v: typeof v === "object" ? JSON.stringify(v) : String(v) }));
    const box = h("div", { class: "card", role: "alertdialog", "aria-label": "Confirm" },
      h("h2", {}, "Please confirm"),
      h("p", {}, changed ? "The plan changed since you confirmed it (new records arrived). The new plan:"
        : "This touches many records. Plan:"),
      ES.table([{ label: "Item", get: (x) => x.k }, { label: "Value", get: (x) => x.v }], rows),
      h("p", { class: "muted" }, r.data.expiresAt ? `The confirmation expires ${ES.time(r.data.expiresAt)}.` : ""));
    const yes = h("button", { id: "confirm-run", onclick: async () => {
      box.remove();
      const sent = await ES.api(method, path, Object.assign({}, body, { confirmationToken: r.data.confirmationToken },
        r.data.confirmDestructive ? { confirmDestructive: true } : {}));
      const stale = sent.status === 409 && sent.data && sent.data.reason === "other_plan";
      resolve(stale ? await ES.withConfirmation(method, path, body, where, true) : sent);
    } }, "Confirm and run");
    const no = h("button", { class: "secondary", onclick: () => { box.remove(); resolve({ status: 0, cancelled: true, data: {} }); } }, "Cancel");
    box.append(h("div", { class: "row" }, yes, no));
    where.prepend(box);
    yes.focus();
  });
};

// ---- sign-in ---------------------------------------------------------------------
function showSignIn(message) {
  document.getElementById("nav").hidden = true;
  document.getElementById("who").replaceChildren();
  const main = document.getElementById("main");
  const tenant = ES.input({ name: "tenant", autocomplete: "organization", required: true });
  const email = ES.input({ name: "email", type: "email", autocomplete: "username", required: true });
  const password = ES.input({ name: "password", type: "password", autocomplete: "current-password", required: true });
  tenant.value = localStorage.getItem("es_tenant") || "";
  const formError = h("div", { class: "form-error", role: "alert" }, message || "");
  const form = h("form", { class: "card signin", novalidate: true },
    h("h1", {}, "Sign in"), formError,
    ES.field("Tenant", tenant), ES.field("Email", email), ES.field("Password", password),
    h("button", { type: "submit" }, "Sign in"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    ES.clearErrors(form);
    formError.textContent = "";
    let bad = false;
    for (const [el, name] of [[tenant, "tenant"], [email, "email"], [password, "password"]]) {
      if (!el.value.trim()) { ES.setError(el, `Enter your ${name}.`); bad = true; }
    }
    if (bad) return;
    const r = await ES.api("POST", "/auth/login", { tenant: tenant.value.trim(), email: email.value.trim(), password: password.value });
    if (r.status === 200) {
      localStorage.setItem("es_tenant", tenant.value.trim());
      await start();
      return;
    }
    password.value = "";
    if (r.status === 429) formError.textContent = "Too many failed sign-ins. Wait a few minutes and try again.";
    else if (r.status === 400 && /tenant|email|password/.exec(ES.errorText(r))) formError.textContent = ES.errorText(r);
    else formError.textContent = r.status === 401 ? "Wrong tenant, email or password." : ES.errorText(r);
    password.focus();
  });
  main.replaceChildren(form);
  (tenant.value ? email : tenant).focus();
}

async function signOut() {
  await ES.api("POST", "/auth/logout");
  ES.me = null;
  ES.csrf = "";
  history.replaceState(null, "", "/");
  showSignIn("You are signed out.");
}

// ---- router --------------------------------------------------------------------
let pollers = [];
ES.every = (ms, fn) => { const t = setInterval(fn, ms); pollers.push(t); return t; };
function stopPollers() { pollers.forEach(clearInterval); pollers = []; }

async function route() {
  if (!ES.me) return;
  stopPollers();
  const [name, ...rest] = (location.hash.replace(/^#\/?/, "") || "overview").split("/");
  const page = ES.pages[name] || ES.pages.overview;
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.getAttribute("href") === `#/${name}`) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const main = document.getElementById("main");
  main.replaceChildren(h("p", { class: "muted" }, "Loading…"));
  document.title = `${page.title} · EasySale Sync`;
  const el = h("section", { "aria-labelledby": "page-title" }, h("h1", { id: "page-title" }, page.title));
  try {
    await page.render(el, rest.map(decodeURIComponent));
  } catch (e) {
    el.append(h("p", { class: "form-error", role: "alert" }, `This page failed: ${e.message}`));
  }
  main.replaceChildren(el);
  main.focus();
}
window.addEventListener("hashchange", route);

async function finishOAuth() {
  const main = document.getElementById("main");
  const el = h("section", { class: "card" }, h("h1", {}, "Connecting QuickBooks…"));
  main.replaceChildren(el);
  const query = location.search;
  history.replaceState(null, "", "/oauth/qbo/callback");  // the code leaves the address bar
  const r = await ES.api("GET", `/api/v1/oauth/qbo/callback${query}`);
  el.replaceChildren();
  if (r.status === 200) {
    el.append(h("h1", {}, "QuickBooks is connected"),
      h("p", { id: "oauth-result" }, `Company ${r.data.realmId} is connected to “${r.data.connection.name}”.`));
  } else {
    el.append(h("h1", {}, "QuickBooks was not connected"), h("p", { id: "oauth-result", class: "form-error", role: "alert" }, ES.errorText(r)));
  }
  el.append(h("p", {}, h("a", { href: "/#/connections", id: "oauth-back" }, "Back to the dashboard")));
}

async function start() {
  const r = await ES.api("GET", "/api/v1/session");
  if (r.status !== 200) {
    ES.me = null;
    showSignIn();
    return;
  }
  ES.me = r.data;
  ES.csrf = r.data.csrfToken || cookie("es_csrf");
  document.body.dataset.role = ES.me.role;  // [data-admin] controls show for admins only (app.css)
  document.getElementById("nav").hidden = false;
  document.getElementById("who").replaceChildren(
    h("span", {}, `${ES.me.user} · ${ES.me.tenant} (${ES.me.role})`),
    h("button", { class: "secondary", id: "sign-out", onclick: signOut }, "Sign out"));
  const conns = await ES.api("GET", "/api/v1/connections");
  if (conns.status === 200) {
    for (const c of conns.data.connections || []) if (c.kind === "woo" && c.config && c.config.currency) ES.currency = c.config.currency;
  }
  ES.applySettings((await ES.api("GET", "/api/v1/settings")).data);
  if (location.pathname === "/oauth/qbo/callback") return finishOAuth();
  route();
}
ES.start = start;
document.addEventListener("DOMContentLoaded", start);
)es_asset"
