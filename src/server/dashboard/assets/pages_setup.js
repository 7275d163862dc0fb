R"es_asset(// Dashboard pages that set things up: connections (status, Test, masked
// write-only credentials, QuickBooks Connect), settings (the TransformerConfig
// as a form), schedules and the mapping editor with a live preview.
"use strict";
(() => {
const { h, api } = ES;
const isAdmin = () => ES.me && ES.me.role === "admin";
const errorBox = () => h("div", { class: "form-error", role: "alert" });

// Puts an API validation message next to the field it names, else in `fallback`.
function placeError(msg, fields, fallback) {
  for (const [key, input] of Object.entries(fields)) {
    if (msg.includes(key)) { ES.setError(input, msg); input.focus(); return; }
  }
  fallback.textContent = msg;
}

async function connectQbo(id, where) {
  const r = await api("POST", "/api/v1/oauth/qbo/start", { connection: id });
  if (r.status !== 200) { where.textContent = ES.errorText(r); return; }
  location.assign(r.data.authorizeUrl);
}

// ---- connections ------------------------------------------------------------------
function credentialForm(c) {
  const names = c.kind === "woo" ? ["consumer_key", "consumer_secret"] : ["client_secret"];
  const masked = c.credentials || {};
  const inputs = {};
  const err = errorBox();
  const form = h("form", { class: "creds", novalidate: true }, h("h3", {}, "Credentials"),
    h("p", { class: "muted" }, "Stored encrypted and never shown again. Leave a field empty to keep it."));
  for (const n of names) {
    inputs[n] = ES.input({ type: "password", name: n, autocomplete: "off", placeholder: masked[n] ? String(masked[n]) : "not set" });
    form.append(ES.field(n.replace(/_/g, " "), inputs[n]));
  }
  form.append(err, h("button", { type: "submit", class: "secondary" }, "Save credentials"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    ES.clearErrors(form);
    err.textContent = "";
    const body = {};
    for (const [n, i] of Object.entries(inputs)) if (i.value) body[n] = i.value;
    if (!Object.keys(body).length) { err.textContent = "Nothing to save."; return; }
    const r = await api("PUT", `/api/v1/connections/${encodeURIComponent(c.id)}/credentials`, body);
    if (r.status !== 200) { placeError(ES.errorText(r), inputs, err); return; }
    for (const [n, i] of Object.entries(inputs)) { i.value = ""; i.placeholder = (r.data.credentials || r.data)[n] || i.placeholder; }
    ES.toast("Credentials saved.");
  });
  return form;
}

function connectionCard(c) {
  const st = (c.status && c.status.status) || (c.enabled ? "unknown" : "disabled");
  const status = h("span", { class: "conn-status", id: `status-${c.id}` }, ES.badge(st));
  const result = h("div", { class: "test-result", "aria-live": "polite" });
  const test = h("button", { class: "secondary", id: `test-${c.id}`, onclick: async () => {
    result.textContent = "Testing…";
    const r = await api("POST", `/api/v1/connections/${encodeURIComponent(c.id)}/test`);
    const s = r.data && r.data.status;
    if (r.status === 200 && s) {
      status.replaceChildren(ES.badge(s.status));
      result.replaceChildren(s.status === "ok" ? h("span", {}, `Works (${s.latencyMs} ms).`)
        : h("span", { class: "form-error" }, `${s.category || "error"}: ${s.message || s.status}`));
    } else result.replaceChildren(h("span", { class: "form-error" }, ES.errorText(r)));
  } }, "Test");
  const card = h("div", { class: "card conn", "data-id": c.id },
    h("h2", {}, c.name, " ", status),
    h("div", { class: "muted" }, `${c.kind === "woo" ? "WooCommerce" : c.kind === "qbo" ? "QuickBooks Online" : c.kind} · id ${c.id}`),
    c.kind === "woo" && c.config ? h("div", { class: "muted" }, c.config.base_url || "") : null,
    c.kind === "qbo" ? h("div", {}, c.connected ? `Company ${c.config.realm_id || ""} connected` : "Not connected to QuickBooks yet") : null,
    h("div", { class: "row" }, test), result);
  if (isAdmin()) {
    const row = card.querySelector(".row");
    row.append(h("button", { class: "secondary", onclick: async () => {
      const r = await api("POST", `/api/v1/connections/${encodeURIComponent(c.id)}/${c.enabled ? "disable" : "enable"}`);
      if (r.status === 200) window.dispatchEvent(new HashChangeEvent("hashchange"));
      else result.replaceChildren(h("span", { class: "form-error" }, ES.errorText(r)));
    } }, c.enabled ? "Disable" : "Enable"));
    if (c.kind === "qbo") {
      row.append(h("button", { id: `connect-${c.id}`, onclick: () => connectQbo(c.id, result) }, c.connected ? "Reconnect QuickBooks" : "Connect QuickBooks"));
    }
    row.append(h("button", { class: "secondary", id: `delete-${c.id}`, onclick: async (ev) => {
      // A second click confirms: the connection's id maps and cursors go with it.
      if (ev.target.dataset.armed !== "1") {
        ev.target.dataset.armed = "1";
        ev.target.textContent = "Click again to delete";
        return;
      }
      const r = await api("DELETE", `/api/v1/connections/${encodeURIComponent(c.id)}`);
      if (r.status < 300) window.dispatchEvent(new HashChangeEvent("hashchange"));
      else result.replaceChildren(h("span", { class: "form-error" }, ES.errorText(r)));
    } }, "Delete"));
    card.append(renameForm(c), credentialForm(c));
  }
  return card;
}

// Renames a connection (PATCH /connections/{id}); the error shows at the field.
function renameForm(c) {
  const name = ES.input({ name: "name", id: `rename-${c.id}`, value: c.name || "" });
  const form = h("form", { class: "row", novalidate: true },
    ES.field("Name", name), h("button", { type: "submit", class: "secondary" }, "Rename"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await api("PATCH", `/api/v1/connections/${encodeURIComponent(c.id)}`, { name: name.value.trim() });
    if (r.status === 200) { ES.toast("Connection renamed."); window.dispatchEvent(new HashChangeEvent("hashchange")); }
    else ES.setError(name, ES.errorText(r));
  });
  return form;
}

function addConnectionForm() {
  const kind = ES.select({ name: "kind", id: "new-kind" }, [["woo", "WooCommerce store"], ["qbo", "QuickBooks Online company"]], "woo");
  const id = ES.input({ name: "id", id: "new-id", value: "woo" });
  const name = ES.input({ name: "name", id: "new-name" });
  const baseUrl = ES.input({ name: "base_url", id: "new-base-url", type: "url", placeholder: "https://shop.example" });
  const key = ES.input({ name: "consumer_key", id: "new-key", type: "password", autocomplete: "off" });
  const secret = ES.input({ name: "consumer_secret", id: "new-secret", type: "password", autocomplete: "off" });
  const err = errorBox();
  const wooOnly = h("div", {}, ES.field("Store URL", baseUrl), h("div", { class: "row" }, ES.field("Consumer key", key), ES.field("Consumer secret", secret)));
  const submit = h("button", { type: "submit", id: "add-connection" }, "Add and test");
  const form = h("form", { class: "card", novalidate: true, "data-admin": true }, h("h2", {}, "Add a connection"),
    h("div", { class: "row" }, ES.field("Kind", kind), ES.field("Id", id, "letters, digits, . _ -"), ES.field("Name", name)),
    wooOnly, err, submit);
  kind.addEventListener("change", () => {
    wooOnly.hidden = kind.value !== "woo";
    submit.textContent = kind.value === "woo" ? "Add and test" : "Connect QuickBooks";
    if (id.value === "woo" || id.value === "qbo") id.value = kind.value;
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    ES.clearErrors(form);
    err.textContent = "";
    if (!id.value.trim()) { ES.setError(id, "Enter an id."); id.focus(); return; }
    if (kind.value === "qbo") return connectQbo(id.value.trim(), err);
    let bad = false;
    for (const [el, msg] of [[baseUrl, "Enter the store's URL."], [key, "Enter the consumer key."], [secret, "Enter the consumer secret."]]) {
      if (!el.value.trim()) { ES.setError(el, msg); bad = true; }
    }
    if (bad) return;
    const r = await api("POST", "/api/v1/connections", { id: id.value.trim(), kind: "woo", name: name.value.trim() || undefined,
      config: { base_url: baseUrl.value.trim() }, credentials: { consumer_key: key.value, consumer_secret: secret.value }, enabled: true });
    if (r.status !== 201) { placeError(ES.errorText(r), { base_url: baseUrl, consumer: key, "'id'": id, connection: id }, err); return; }
    ES.toast(`Connection ${r.data.id} added.`);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  });
  return form;
}

ES.pages.connections = {
  title: "Connections",
  async render(el) {
    const r = await api("GET", "/api/v1/connections");
    if (r.status !== 200) { el.append(h("p", { class: "form-error", role: "alert" }, ES.errorText(r))); return; }
    const list = r.data.connections || [];
    const grid = h("div", { class: "grid" }, list.map(connectionCard));
    if (!list.length) el.append(h("p", { class: "muted" }, "No connections yet."));
    el.append(grid);
    if (isAdmin()) el.append(addConnectionForm());
    // Live status: the server's probe cache, refreshed every 15 s.
    ES.every(15000, async () => {
      const again = await api("GET", "/api/v1/connections");
      for (const c of (again.data && again.data.connections) || []) {
        const badge = document.getElementById(`status-${c.id}`);
        if (badge) badge.replaceChildren(ES.badge((c.status && c.status.status) || (c.enabled ? "unknown" : "disabled")));
      }
    });
  },
};

// ---- settings: the TransformerConfig as a form -------------------------------------------
const ORDER_STATUSES = ["pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed"];

function rowsEditor(legend, columns, rows, max) {
  const body = h("div");
  const add = (values = {}) => {
    if (max && body.children.length >= max) return;
    const inputs = columns.map(([key, label]) => ES.input({ name: key, value: values[key] || "", "aria-label": label, placeholder: label }));
    const line = h("div", { class: "row editor-row" }, inputs.map((i) => h("div", { class: "field" }, i)),
      h("div", { class: "field" }, h("button", { type: "button", class: "secondary", onclick: () => line.remove() }, "Remove")));
    line._inputs = inputs;
    body.append(line);
  };
  rows.forEach(add);
  const fs = h("fieldset", {}, h("legend", {}, legend), body,
    h("button", { type: "button", class: "secondary", onclick: () => add() }, "Add a row"));
  fs.values = () => [...body.children].map((line) => Object.fromEntries(columns.map(([k], i) => [k, line._inputs[i].value.trim()])));
  return fs;
}

ES.pages.settings = {
  title: "Settings",
  async render(el) {
    const conns = await api("GET", "/api/v1/connections");
    const targets = ((conns.data && conns.data.connections) || []).filter((c) => c.kind === "qbo");
    if (!targets.length) { el.append(h("p", { class: "muted" }, "Add a QuickBooks connection first.")); return; }
    const pick = ES.select({ id: "settings-target" }, targets.map((c) => [c.id, c.name]), targets[0].id);
    const holder = h("div");
    el.append(h("div", { class: "card" }, h("p", {}, "How orders become QuickBooks documents (the TransformerConfig of a QuickBooks connection)."), ES.field("QuickBooks connection", pick)), holder);
    const load = async () => {
      const r = await api("GET", `/api/v1/connections/${encodeURIComponent(pick.value)}/transformer-config`);
      if (r.status !== 200) { holder.replaceChildren(h("p", { class: "form-error" }, ES.errorText(r))); return; }
      holder.replaceChildren(configForm(pick.value, r.data.config || {}));
    };
    pick.addEventListener("change", load);
    await load();
  },
};

function configForm(id, cfg) {
  const f = {};
  const text = (k, label, hint) => { f[k] = ES.input({ name: k, value: cfg[k] ?? "" }); return ES.field(label, f[k], hint); };
  const choice = (k, label, options) => { f[k] = ES.select({ name: k }, options, cfg[k]); return ES.field(label, f[k]); };
  f.payment_terms_days = ES.input({ name: "payment_terms_days", type: "number", min: 0, max: 365, value: cfg.payment_terms_days ?? 30 });
  const taxes = rowsEditor("Tax mappings (WooCommerce tax class → QuickBooks tax code)", [["tax_class", "Woo tax class (empty = standard)"], ["tax_code", "QuickBooks tax code"]],
    Object.entries(cfg.tax_codes || {}).map(([tax_class, tax_code]) => ({ tax_class, tax_code })));
  const customs = rowsEditor("Custom fields (at most 3)", [["definition_id", "QuickBooks definition id"], ["name", "Name"], ["source", "Woo field"]], cfg.custom_fields || [], 3);
  const statuses = ORDER_STATUSES.map((s) => h("label", {}, h("input", { type: "checkbox", value: s, checked: (cfg.order_statuses || []).includes(s) }), s));
  const err = errorBox();
  const form = h("form", { class: "card", novalidate: true, id: "config-form" },
    h("h2", {}, "Documents"),
    h("div", { class: "row" },
      choice("document_policy", "Document policy", [["receipt_when_paid", "Sales receipt when paid, else invoice"], ["always_invoice", "Always an invoice"], ["always_receipt", "Always a sales receipt"]]),
      choice("doc_number_policy", "Document number", [["order_number", "Order number"], ["order_id", "Order id"]]),
      text("doc_number_prefix", "Number prefix"),
      ES.field("Payment terms (days)", f.payment_terms_days)),
    h("div", { class: "row" },
      choice("cancelled_policy", "Cancelled orders", [["void", "Void the document"], ["delete", "Delete the document"], ["leave", "Leave it"]]),
      choice("guest_policy", "Guest orders", [["per_email", "One customer per email"], ["single_customer", "One shared customer"]]),
      text("guest_customer_name", "Shared guest customer")),
    h("fieldset", {}, h("legend", {}, "Order statuses to sync"), h("div", { class: "checks" }, statuses)),
    h("h2", {}, "Items and shipping"),
    h("div", { class: "row" }, text("shipping_item_id", "Shipping item id"),
      choice("item_type", "Type of new items", ["NonInventory", "Service", "Inventory"]),
      text("fee_item_name", "Fee item"), text("refund_item_name", "Refund item")),
    h("h2", {}, "Taxes"),
    h("div", { class: "row" }, text("default_tax_code", "Default tax code"), text("non_taxable_code", "Non-taxable code"), text("txn_tax_code", "Combined tax code (optional)")),
    taxes, customs,
    h("details", {}, h("summary", {}, "Accounts"), h("div", { class: "row" }, text("income_account_id", "Income account id"),
      text("expense_account_id", "Expense account id"), text("asset_account_id", "Asset account id"),
      text("deposit_account_id", "Deposit account id"), text("refund_account_id", "Refund account id"))),
    err, h("button", { type: "submit", id: "save-config", "data-admin": true }, "Save settings"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    ES.clearErrors(form);
    err.textContent = "";
    const out = Object.assign({}, cfg);
    for (const [k, i] of Object.entries(f)) out[k] = i.value;
    out.payment_terms_days = Number(f.payment_terms_days.value);
    if (!Number.isInteger(out.payment_terms_days) || out.payment_terms_days < 0) {
      ES.setError(f.payment_terms_days, "Enter a whole number of days."); return;
    }
    out.tax_codes = {};
    for (const t of taxes.values()) if (t.tax_code) out.tax_codes[t.tax_class] = t.tax_code;
    out.custom_fields = customs.values().filter((c) => c.definition_id || c.name || c.source);
    out.order_statuses = statuses.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
    const r = await api("PUT", `/api/v1/connections/${encodeURIComponent(id)}/transformer-config`, out);
    if (r.status !== 200) { placeError(ES.errorText(r), f, err); return; }
    ES.toast("Settings saved.");
  });
  return form;
}

// ---- schedules (contract: /api/v1/schedules) ----------------------------------------
ES.pages.schedules = {
  title: "Schedules",
  async render(el) {
    const r = await api("GET", "/api/v1/schedules");
    if (r.status === 404) { el.append(h("p", { class: "muted", id: "not-available" }, "Schedules are not available on this server.")); return; }
    if (r.status !== 200) { el.append(h("p", { class: "form-error" }, ES.errorText(r))); return; }
    const list = Array.isArray(r.data) ? r.data : r.data.schedules || [];
    el.append(ES.table([
      { label: "Name", get: (s) => s.name }, { label: "When (cron)", get: (s) => s.cron }, { label: "Time zone", get: (s) => s.timezone },
      { label: "Entities", get: (s) => (s.entities || []).join(", ") }, { label: "Mode", get: (s) => s.mode },
      { label: "Enabled", get: (s) => ES.badge(s.enabled ? "enabled" : "disabled") },
      { label: "", get: (s) => isAdmin() ? h("div", { class: "row" },
        h("button", { class: "secondary", onclick: async () => {
          const body = { name: s.name, cron: s.cron, timezone: s.timezone, entities: s.entities, mode: s.mode, enabled: !s.enabled };
          const u = await api("PUT", `/api/v1/schedules/${encodeURIComponent(s.id)}`, body);
          if (u.status < 300) window.dispatchEvent(new HashChangeEvent("hashchange")); else ES.toast(ES.errorText(u));
        } }, s.enabled ? "Pause" : "Resume"),
        h("button", { class: "secondary", onclick: async () => {
          const d = await api("DELETE", `/api/v1/schedules/${encodeURIComponent(s.id)}`);
          if (d.status < 300) window.dispatchEvent(new HashChangeEvent("hashchange")); else ES.toast(ES.errorText(d));
        } }, "Delete")) : "" },
    ], list, { empty: "No schedules." }));
    if (!isAdmin()) return;
    const name = ES.input({ name: "name" });
    const cron = ES.input({ name: "cron", placeholder: "0 * * * *" });
    const tz = ES.input({ name: "timezone", value: Intl.DateTimeFormat().resolvedOptions().timeZone });
    const mode = ES.select({ name: "mode" }, ["incremental", "full"], "incremental");
    const ents = ["customers", "products", "orders"].map((e) => h("label", {}, h("input", { type: "checkbox", value: e, checked: true }), e));
    const err = errorBox();
    const form = h("form", { class: "card", novalidate: true, "data-admin": true }, h("h2", {}, "Add a schedule"),
      h("div", { class: "row" }, ES.field("Name", name), ES.field("Cron", cron, "minute hour day-of-month month day-of-week"), ES.field("Time zone", tz), ES.field("Mode", mode)),
      h("fieldset", {}, h("legend", {}, "Entities"), h("div", { class: "checks" }, ents)), err, h("button", { type: "submit" }, "Add"));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      ES.clearErrors(form);
      err.textContent = "";
      const body = { name: name.value.trim(), cron: cron.value.trim(), timezone: tz.value.trim(), mode: mode.value, enabled: true,
        entities: ents.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value) };
      const res = await api("POST", "/api/v1/schedules", body);
      if (res.status === 400 && res.data && res.data.error === "invalid_cron") { ES.setError(cron, `${res.data.field}: ${res.data.message}`); cron.focus(); return; }
      if (res.status >= 300) { placeError(ES.errorText(res), { name, timezone: tz, cron }, err); return; }
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    });
    el.append(form);
  },
};

// ---- mapping editor with preview (contract: /api/v1/mappings) ---------------------------
ES.pages.mappings = {
  title: "Mappings",
  async render(el, [name]) {
    const r = await api("GET", "/api/v1/mappings");
    if (r.status === 404) { el.append(h("p", { class: "muted", id: "not-available" }, "Field mappings are not available on this server.")); return; }
    if (r.status !== 200) { el.append(h("p", { class: "form-error" }, ES.errorText(r))); return; }
    const list = (Array.isArray(r.data) ? r.data : r.data.mappings || []).map((m) => (typeof m === "string" ? { name: m } : m));
    el.append(h("nav", { class: "row", "aria-label": "Mappings" }, list.map((m) => h("a", { href: `#/mappings/${encodeURIComponent(m.name)}`, class: "mapping-link" }, m.name))));
    if (!name) { el.append(h("p", { class: "muted" }, list.length ? "Pick a mapping to edit." : "No mappings.")); return; }
    const path = `/api/v1/mappings/${encodeURIComponent(name)}`;
    const got = await api("GET", path);
    if (got.status !== 200) { el.append(h("p", { class: "form-error" }, ES.errorText(got))); return; }
    const wrapped = got.data && typeof got.data.mapping === "object";
    const mapping = wrapped ? got.data.mapping : got.data;
    const editor = h("textarea", { id: "mapping-json", spellcheck: "false" }, JSON.stringify(mapping, null, 2));
    const sourceId = ES.input({ id: "preview-source", name: "sourceId", placeholder: "a real record id (empty = a sample)" });
    const errors = h("ul", { class: "form-error", id: "mapping-errors", role: "alert" });
    const sample = h("pre", { id: "preview-sample" });
    const output = h("pre", { id: "preview-output" });
    const preview = async () => {
      errors.replaceChildren();
      let m;
      try { m = JSON.parse(editor.value); ES.setError(editor, ""); } catch (e) { ES.setError(editor, `Not valid JSON: ${e.message}`); return; }
      const body = { mapping: m };
      if (sourceId.value.trim()) body.sourceId = sourceId.value.trim();
      const p = await api("POST", `${path}/preview`, body);
      if (p.status !== 200) { errors.replaceChildren(h("li", {}, ES.errorText(p))); return; }
      sample.textContent = JSON.stringify(p.data.sample, null, 2);
      output.textContent = JSON.stringify(p.data.output, null, 2);
      errors.replaceChildren(...(p.data.errors || []).map((e) => h("li", {}, `${e.path}: ${e.message}`)));
    };
    let timer;
    editor.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(preview, 400); });
    sourceId.addEventListener("change", preview);
    const saveErr = errorBox();
    const save = h("button", { id: "save-mapping", "data-admin": true, disabled: !isAdmin(), onclick: async () => {
      let m;
      try { m = JSON.parse(editor.value); } catch (e) { ES.setError(editor, `Not valid JSON: ${e.message}`); return; }
      const res = await ES.withConfirmation("PUT", path, wrapped ? { mapping: m } : m, el);
      if (res.cancelled) return;
      if (res.status === 400 && res.data && res.data.error === "invalid_mapping") {
        errors.replaceChildren(...(res.data.errors || []).map((e) => h("li", {}, `${e.path}: ${e.message}`))); return;
      }
      if (res.status >= 300) { saveErr.textContent = ES.errorText(res); return; }
      ES.toast("Mapping saved as a new version.");
    } }, "Save");
    const versions = h("div");
    const vr = await api("GET", `${path}/versions`);
    if (vr.status === 200) {
      const vs = Array.isArray(vr.data) ? vr.data : vr.data.versions || [];
      versions.append(h("h2", {}, "Versions"), ES.table([
        { label: "Version", num: true, get: (v) => v.version },
        { label: "Saved", get: (v) => ES.time(v.createdAt || v.at) },
        { label: "By", get: (v) => v.createdBy || v.user || "" },
        { label: "", get: (v) => isAdmin() ? h("button", { class: "secondary", onclick: async () => {
          const rb = await ES.withConfirmation("POST", `${path}/rollback`, { version: v.version }, el);
          if (rb.cancelled) return;
          if (rb.status < 300) window.dispatchEvent(new HashChangeEvent("hashchange")); else ES.toast(ES.errorText(rb));
        } }, "Roll back to this") : "" },
      ], vs, { pageSize: 10 }));
    }
    el.append(h("div", { class: "split" },
      h("div", { class: "card" }, h("h2", {}, `Mapping “${name}”`), ES.field("Mapping (JSON)", editor, "The preview updates as you type."),
        ES.field("Preview with record", sourceId), h("div", { class: "row" }, save, h("button", { class: "secondary", onclick: preview }, "Preview")), saveErr),
      h("div", { class: "card" }, h("h2", {}, "Preview"), errors, h("h3", {}, "Source record"), sample, h("h3", {}, "Output"), output)),
      versions);
    await preview();
  },
};
})();
)es_asset"
