R"es_asset(// Dashboard pages for the books and the tenant: reconcile (every order's
// WooCommerce total against its QuickBooks document, paged by the API, with
// the repairs behind a Fix button), the tenant's time zone and currency (the
// first section of Settings) and the users of the tenant (admins only).
"use strict";
(() => {
const { h, api } = ES;
const isAdmin = () => Boolean(ES.me && ES.me.role === "admin");

// An API error next to the field it names ({"field"} or the field's name
// quoted in the message), else in `fallback`.
function showError(r, fields, fallback) {
  const msg = ES.errorText(r);
  const named = r.data && typeof r.data.field === "string" ? r.data.field : "";
  for (const [key, input] of Object.entries(fields)) {
    if (key === named || (!named && msg.includes(`'${key}'`))) { ES.setError(input, msg); input.focus(); return; }
  }
  fallback.textContent = msg;
}

// ---- reconcile --------------------------------------------------------------------
const PAGE = 25;
const REC_COLUMNS = [
  { label: "Order", get: (x) => x.number || x.orderId },
  { label: "Date", get: (x) => ES.time(x.createdAt) },
  { label: "Status", get: (x) => ES.badge(x.status) },
  { label: "QuickBooks document", get: (x) => (x.docType ? `${x.docType} ${x.docId}` : "none") },
  { label: "WooCommerce total", num: true, get: (x) => ES.money(x.wooTotal, x.currency) },
  { label: "QuickBooks total", num: true, get: (x) => ES.money(x.qboTotal, x.currency) },
  { label: "Difference", num: true, get: (x) => h("span", { class: `difference${x.difference && Number(x.difference) !== 0 ? " off" : ""}` }, ES.money(x.difference, x.currency)) },
  { label: "Details", get: (x) => x.message || "" },
];

ES.pages.reconcile = {
  title: "Reconcile",
  async render(el) {
    const status = ES.select({ name: "status", id: "rec-status" },
      [["mismatch", "Mismatches"], ["missing", "Missing in QuickBooks"], ["all", "All orders"]], "mismatch");
    const from = ES.input({ type: "date", name: "from", id: "rec-from" });
    const to = ES.input({ type: "date", name: "to", id: "rec-to" });
    const formError = h("div", { class: "form-error", role: "alert" });
    const summary = h("div", { id: "rec-summary", class: "grid summary" });
    const note = h("div", { id: "rec-note", "aria-live": "polite" });
    const results = h("div", { id: "rec-results" });
    const fix = h("button", { id: "rec-fix", "data-admin": true, disabled: true }, "Fix all mismatches");
    let offset = 0;
    let busy = false;

    const period = () => { const b = {}; if (from.value) b.from = from.value; if (to.value) b.to = to.value; return b; };
    const started = (r) => {
      if (r.cancelled) return;
      if (r.status === 202) {
        note.replaceChildren(h("p", { id: "rec-fix-started" }, `Repairing ${r.data.repairs} order(s). `,
          h("a", { href: `#/sync/${encodeURIComponent(r.data.runId)}` }, "Watch the run")));
      } else if (r.status === 200) note.replaceChildren(h("p", {}, "Nothing needs repair."));
      else note.replaceChildren(h("p", { class: "form-error", role: "alert" }, ES.errorText(r)));
    };
    const repair = async (body) => started(await ES.withConfirmation("POST", "/api/v1/reconcile/fix", body, note));

    const load = async () => {
      if (busy) return;
      busy = true;
      ES.clearErrors(form);
      formError.textContent = "";
      results.replaceChildren(h("p", { class: "muted" }, "Comparing every order with QuickBooks…"));
      const q = new URLSearchParams(Object.assign({ status: status.value, limit: PAGE, offset }, period()));
      const r = await api("GET", `/api/v1/reconcile?${q}`);
      busy = false;
      if (r.status !== 200) { results.replaceChildren(); showError(r, { from, to, status }, formError); return; }
      const s = r.data.summary;
      const cur = s.currency || undefined;
      const card = (label, value, id) => h("div", { class: "card stat" }, h("div", { class: "muted" }, label), h("strong", { id }, String(value)));
      summary.replaceChildren(card("Orders compared", s.orders, "rec-orders"), card("Matched", s.matched, "rec-matched"),
        card("Mismatches", s.mismatches, "rec-mismatches"), card("Missing in QuickBooks", s.missing, "rec-missing"),
        card("WooCommerce total", ES.money(s.wooTotal, cur), "rec-woo-total"), card("QuickBooks total", ES.money(s.qboTotal, cur), "rec-qbo-total"),
        card("Difference", ES.money(s.difference, cur), "rec-difference"));
      fix.disabled = !s.repairs;
      fix.textContent = s.repairs ? `Fix ${s.repairs} mismatch${s.repairs === 1 ? "" : "es"}` : "Nothing to fix";
      const columns = isAdmin() ? REC_COLUMNS.concat([{ label: "", get: (x) => (x.repair
        ? h("button", { class: "secondary rec-fix-one", "aria-label": `Fix order ${x.number || x.orderId}`, onclick: () => repair({ orderIds: [x.orderId] }) }, "Fix")
        : "") }]) : REC_COLUMNS;
      const rows = r.data.orders || [];
      const total = r.data.total || 0;
      const pages = Math.max(1, Math.ceil(total / PAGE));
      const page = Math.floor(offset / PAGE);
      const empty = status.value === "all" ? "No orders in this period." : "No mismatches: every order matches QuickBooks.";
      results.replaceChildren(ES.table(columns, rows, { pageSize: PAGE, empty, caption: `${total} order(s)` }));
      if (pages > 1) {
        const move = (d) => { offset = Math.max(0, offset + d * PAGE); load(); };
        results.append(h("nav", { class: "pager", "aria-label": "Pages of orders" },
          h("button", { class: "secondary", id: "rec-prev", disabled: page === 0, onclick: () => move(-1) }, "Previous"),
          h("span", { id: "rec-page" }, `Page ${page + 1} of ${pages} (${total} orders)`),
          h("button", { class: "secondary", id: "rec-next", disabled: page >= pages - 1, onclick: () => move(1) }, "Next")));
      }
    };

    fix.addEventListener("click", () => repair(period()));
    const form = h("form", { class: "card row", role: "search", id: "rec-form", novalidate: true },
      ES.field("Show", status), ES.field("Orders from", from), ES.field("Orders to", to),
      h("div", { class: "field" }, h("button", { type: "submit", id: "rec-load" }, "Compare")), formError);
    form.addEventListener("submit", (ev) => { ev.preventDefault(); offset = 0; load(); });
    el.append(h("p", { class: "muted" }, "Each order's amount net of refunds in WooCommerce against its QuickBooks document net of credits."),
      form, summary, isAdmin() ? h("div", { class: "row" }, fix) : null, note, results);
    await load();
  },
};

// ---- tenant settings: a section at the top of Settings -----------------------------
async function tenantSettings() {
  const box = h("section", { class: "card", id: "tenant-settings", "aria-labelledby": "tenant-settings-title" },
    h("h2", { id: "tenant-settings-title" }, "Time zone and currency"));
  const r = await api("GET", "/api/v1/settings");
  if (r.status !== 200) { box.append(h("p", { class: "form-error", role: "alert" }, ES.errorText(r))); return box; }
  const s = r.data;
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const list = h("datalist", { id: "tz-list" }, zones.map((z) => h("option", { value: z })));
  const tz = ES.input({ id: "tz", name: "timezone", list: "tz-list", value: s.timezone || "", autocomplete: "off",
    placeholder: Intl.DateTimeFormat().resolvedOptions().timeZone, disabled: !isAdmin() });
  const currency = ES.input({ id: "currency", name: "currency", value: s.currencySource === "setting" ? s.currency : "",
    maxlength: 3, placeholder: s.seenCurrency || "USD", disabled: !isAdmin() });
  const now = h("p", { id: "tz-now" });
  const showNow = () => now.replaceChildren(`Times are shown like this: ${ES.time(new Date().toISOString())}; money like this: ${ES.money(1234.5)}.`);
  showNow();
  const formError = h("div", { class: "form-error", role: "alert" });
  const form = h("form", { novalidate: true, id: "tenant-form" },
    h("div", { class: "row" },
      ES.field("Time zone", tz, "An IANA name such as Europe/Berlin; empty: this browser's time zone."), list,
      ES.field("Currency", currency, `ISO 4217 code such as EUR; empty: the shop's currency${s.seenCurrency ? ` (${s.seenCurrency})` : ""}.`)),
    now, formError,
    isAdmin() ? h("button", { type: "submit", id: "save-tenant" }, "Save time zone and currency")
      : h("p", { class: "muted" }, "Only an admin can change these."));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    ES.clearErrors(form);
    formError.textContent = "";
    const res = await api("PUT", "/api/v1/settings", { timezone: tz.value.trim(), currency: currency.value.trim() });
    if (res.status !== 200) { showError(res, { timezone: tz, currency }, formError); return; }
    ES.applySettings(res.data);
    showNow();
    ES.toast("Time zone and currency saved.");
  });
  box.append(form);
  return box;
}

const settingsPage = ES.pages.settings;
if (settingsPage) {
  const renderConfig = settingsPage.render;
  settingsPage.render = async function render(el, args) {
    el.append(await tenantSettings());
    return renderConfig.call(this, el, args);
  };
}

// ---- users (admins) -------------------------------------------------------------------
ES.pages.users = {
  title: "Users",
  async render(el) {
    if (!isAdmin()) { el.append(h("p", { id: "users-admin-only" }, "Only an admin of the tenant manages its users.")); return; }
    const note = h("div", { id: "users-note", "aria-live": "polite" });
    const list = h("div", { id: "users-list" });
    const load = async () => {
      const r = await api("GET", "/api/v1/users");
      if (r.status !== 200) { list.replaceChildren(h("p", { class: "form-error", role: "alert" }, ES.errorText(r))); return; }
      list.replaceChildren(ES.table([
        { label: "Email", get: (u) => u.email },
        { label: "Role", get: (u) => u.role },
        { label: "Added", get: (u) => ES.time(u.createdAt) },
        { label: "", get: (u) => removeButton(u) },
      ], r.data.users || [], { empty: "No users yet." }));
    };
    const removeButton = (u) => {
      const b = h("button", { class: "secondary user-remove", "aria-label": `Remove ${u.email}`, "data-email": u.email }, "Remove");
      b.addEventListener("click", async () => {
        if (b.dataset.armed !== "1") {  // a second click confirms
          b.dataset.armed = "1";
          b.className = "danger user-remove";
          b.textContent = `Really remove ${u.email}?`;
          return;
        }
        const r = await api("DELETE", `/api/v1/users/${encodeURIComponent(u.email)}`);
        if (r.status === 204) { note.replaceChildren(h("p", {}, `${u.email} was removed and signed out.`)); await load(); return; }
        note.replaceChildren(h("p", { class: "form-error", role: "alert", id: "users-error" }, ES.errorText(r)));
        b.dataset.armed = "";
        b.className = "secondary user-remove";
        b.textContent = "Remove";
      });
      return b;
    };
    const email = ES.input({ id: "user-email", name: "email", type: "email", autocomplete: "off", required: true });
    const password = ES.input({ id: "user-password", name: "password", type: "password", autocomplete: "new-password", required: true });
    const role = ES.select({ id: "user-role", name: "role" }, [["user", "User (syncs, reads)"], ["admin", "Admin (also connections, settings, users)"]], "user");
    const formError = h("div", { class: "form-error", role: "alert" });
    const form = h("form", { class: "card", novalidate: true, id: "user-form" }, h("h2", {}, "Add a user"),
      h("div", { class: "row" }, ES.field("Email", email), ES.field("Password", password, "8 characters or more"), ES.field("Role", role)),
      formError, h("button", { type: "submit", id: "add-user" }, "Add user"));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      ES.clearErrors(form);
      formError.textContent = "";
      let bad = false;
      if (!email.value.trim()) { ES.setError(email, "Enter the user's email."); bad = true; }
      if (password.value.length < 8) { ES.setError(password, "Use at least 8 characters."); bad = true; }
      if (bad) return;
      const r = await api("POST", "/api/v1/users", { email: email.value.trim(), password: password.value, role: role.value });
      if (r.status !== 201 && r.status !== 200) { showError(r, { email, password, role }, formError); return; }
      password.value = "";
      email.value = "";
      note.replaceChildren(h("p", {}, `${r.data.email} ${r.data.replaced ? "updated" : "added"} as ${r.data.role}.`));
      await load();
    });
    el.append(form, note, list);
    await load();
  },
};
})();
)es_asset"
