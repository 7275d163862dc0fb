R"es_asset(// Dashboard pages for operating the sync: runs (Stop), jobs (filters,
// detail, Cancel), conflicts (review queue, resolve) with the sync policies,
// notifications (write-only secrets, Test), webhooks, sandbox mode and the
// audit log. Also the sandbox banner: every API answer of a tenant in
// sandbox mode carries X-EasySale-Sandbox: on, and the banner follows it.
"use strict";
(() => {
const { h, api } = ES;
const isAdmin = () => ES.me && ES.me.role === "admin";
const errorBox = (id) => h("div", { class: "form-error", role: "alert", id });
const refresh = () => window.dispatchEvent(new HashChangeEvent("hashchange"));
const enc = encodeURIComponent;
const KIND = { woo: "WooCommerce", qbo: "QuickBooks" };

// ---- navigation entries and the sandbox banner ----------------------------------
const nav = document.getElementById("nav");
for (const [hash, label] of [["runs", "Runs"], ["jobs", "Jobs"], ["conflicts", "Conflicts"], ["notifications", "Notifications"],
  ["webhooks", "Webhooks"], ["sandbox", "Sandbox"], ["audit", "Audit"]]) nav.append(h("a", { href: `#/${hash}` }, label));

const banner = h("div", { id: "sandbox-banner", class: "sandbox-banner", role: "status", hidden: true },
  h("strong", {}, "Sandbox mode is on. "),
  "Runs write to the QuickBooks sandbox company and the warehouse's sandbox schema, not to your live books. ",
  h("a", { href: "#/sandbox" }, "Sandbox settings"));
document.querySelector("header.top").after(banner);
const showBanner = (on) => { banner.hidden = !on; };
const realFetch = window.fetch.bind(window);
window.fetch = async (input, init) => {
  const res = await realFetch(input, init);
  const url = typeof input === "string" ? input : input.url;
  if (url.startsWith("/auth/logout")) showBanner(false);
  else if (url.startsWith("/api/v1/") && res.ok) showBanner(res.headers.get("X-EasySale-Sandbox") === "on");
  return res;
};

function kv(pairs) {
  return h("dl", { class: "kv" }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== "")
    .flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}
const fail = (el, r) => el.append(h("p", { class: "form-error", role: "alert" }, ES.errorText(r)));
const runLink = (id) => (id ? h("a", { href: `#/sync/${enc(id)}` }, id) : "");

// A filter bar of selects; `onchange(values)` runs when one changes.
function filters(specs, onchange) {
  const inputs = {};
  const bar = h("form", { class: "row card filters", role: "search", "aria-label": "Filters" });
  for (const [name, label, options, value] of specs) {
    inputs[name] = ES.select({ name, id: `filter-${name}` }, options, value || "");
    inputs[name].addEventListener("change", () => onchange(values()));
    bar.append(ES.field(label, inputs[name]));
  }
  bar.addEventListener("submit", (ev) => { ev.preventDefault(); onchange(values()); });
  const values = () => Object.fromEntries(Object.entries(inputs).map(([k, i]) => [k, i.value]));
  return bar;
}
const query = (o) => Object.entries(o).filter(([, v]) => v).map(([k, v]) => `${k}=${enc(v)}`).join("&");

// ---- runs: every run with its status, Stop for a running one --------------------------
ES.pages.runs = {
  title: "Runs",
  async render(el) {
    const holder = h("div");
    const load = async (f) => {
      const r = await api("GET", `/api/v1/runs?limit=500&${query(f)}`);
      if (r.status !== 200) { holder.replaceChildren(); fail(holder, r); return; }
      holder.replaceChildren(ES.table([
        { label: "Started", get: (x) => ES.time(x.startedAt) },
        { label: "Status", get: (x) => ES.badge(x.status) },
        { label: "From → to", get: (x) => `${x.source} → ${x.target}` },
        { label: "Mode", get: (x) => `${x.mode}${x.dryRun ? " (dry run)" : ""}` },
        { label: "Entities", get: (x) => (x.entities || []).join(", ") },
        { label: "By", get: (x) => x.triggeredBy },
        { label: "Failed", num: true, get: (x) => (x.totals || {}).failed },
        { label: "Run", get: (x) => h("a", { href: `#/sync/${enc(x.id)}` }, "details") },
        { label: "", get: (x) => (x.status === "running" ? h("button", { class: "danger", "aria-label": `Stop run ${x.id}`, onclick: async (ev) => {
          ev.target.disabled = true;
          const s = await api("POST", `/api/v1/runs/${enc(x.id)}/stop`);
          ES.toast(s.status < 300 ? `Run ${x.id}: ${s.data.status}.` : ES.errorText(s));
          await load(f);
        } }, "Stop") : "") },
      ], r.data.runs || [], { empty: "No runs match." }));
    };
    el.append(h("p", { class: "muted" }, "Every sync run, newest first. A running run can be stopped: it ends after the record in hand."),
      filters([["status", "Status", [["", "Any"], "running", "succeeded", "partial", "failed", "stopped", "abandoned"]]], load), holder);
    await load({});
  },
};

// ---- jobs: the queue, a job's detail, Cancel for a queued one -----------------------------
const JOB_STATUSES = ["queued", "leased", "running", "succeeded", "failed", "abandoned", "cancelled"];
const JOB_KINDS = ["sync", "retry", "reconcile", "webhook-incremental"];

function cancelButton(job, after) {
  return h("button", { class: "danger", id: `cancel-${job.id}`, "aria-label": `Cancel job ${job.id}`, onclick: async (ev) => {
    ev.target.disabled = true;
    const r = await api("POST", `/api/v1/jobs/${enc(job.id)}/cancel`);
    if (r.status === 200) ES.toast(`Job ${job.id} cancelled: it will not run.`);
    else ES.toast(r.data && r.data.error === "job_not_cancellable" ? `Job ${job.id} is no longer queued: ${r.data.message}` : ES.errorText(r));
    await after();
  } }, "Cancel");
}

async function jobDetail(el, id) {
  const r = await api("GET", `/api/v1/jobs/${enc(id)}`);
  el.append(h("p", {}, h("a", { href: "#/jobs" }, "← All jobs")));
  if (r.status !== 200) return fail(el, r);
  const j = r.data;
  const card = h("div", { class: "card", id: "job-detail" },
    h("h2", {}, `Job ${j.id} `, h("span", { id: "job-status" }, ES.badge(j.status))),
    kv([["Kind", j.kind], ["Lane", j.lane], ["From → to", `${j.source} → ${j.target}`],
      ["Attempts", `${j.attempts} of ${j.maxAttempts}`], ["Worker (lease holder)", j.worker],
      ["Lease until", ES.time(j.leaseUntil)], ["Due from", ES.time(j.notBefore)], ["Queued", ES.time(j.createdAt)],
      ["Updated", ES.time(j.updatedAt)], ["Finished", ES.time(j.finishedAt)], ["Run", runLink(j.runId)],
      ["Deduplication key", j.dedupeKey], ["Error", j.error]]),
    h("details", {}, h("summary", {}, "Request"), h("pre", {}, JSON.stringify(j.request, null, 2))));
  if (j.status === "queued") card.append(h("div", { class: "row" }, cancelButton(j, refresh)));
  el.append(card);
}

ES.pages.jobs = {
  title: "Jobs",
  async render(el, [id]) {
    if (id) return jobDetail(el, id);
    const holder = h("div");
    const load = async (f) => {
      const r = await api("GET", `/api/v1/jobs?limit=1000&${query(f)}`);
      if (r.status !== 200) { holder.replaceChildren(); fail(holder, r); return; }
      holder.replaceChildren(ES.table([
        { label: "Queued", get: (j) => ES.time(j.createdAt) },
        { label: "Job", get: (j) => h("a", { href: `#/jobs/${enc(j.id)}` }, j.id.slice(0, 8)) },
        { label: "Kind", get: (j) => j.kind },
        { label: "Status", get: (j) => ES.badge(j.status) },
        { label: "Lane", get: (j) => j.lane },
        { label: "Attempts", num: true, get: (j) => `${j.attempts}/${j.maxAttempts}` },
        { label: "Run", get: (j) => runLink(j.runId) },
        { label: "", get: (j) => (j.status === "queued" ? cancelButton(j, () => load(f)) : "") },
      ], r.data.jobs || [], { empty: "No jobs match.", caption: "Newest first" }));
    };
    el.append(h("p", { class: "muted" }, "Every run the API, schedules, webhooks, retries or the command line queued for the workers. A job still queued can be cancelled."),
      filters([["status", "Status", [["", "Any"], ...JOB_STATUSES]], ["kind", "Kind", [["", "Any"], ...JOB_KINDS]]], load), holder);
    await load({});
  },
};

// ---- conflicts: review queue with both values, resolve; sync policies ---------------------
function valueList(v) {
  if (v === null || v === undefined) return h("span", { class: "muted" }, "no value");
  if (typeof v !== "object") return String(v);
  return kv(Object.entries(v).map(([k, x]) => [k, x === null ? "—" : typeof x === "object" ? JSON.stringify(x) : String(x)]));
}

function conflictCard(c) {
  const sides = c.sides || [];
  const side = (s) => h("div", { class: "card side" }, h("h3", {}, `${KIND[s.kind] || s.kind} (${s.connection})`),
    valueList(s.value), h("div", { class: "muted" }, `record ${s.recordId}${s.modifiedAt ? ` · changed ${ES.time(s.modifiedAt)}` : ""}`));
  const result = h("div", { class: "result", role: "status", id: `conflict-result-${c.id}` });
  const card = h("article", { class: "card conflict", id: `conflict-${c.id}`, "aria-label": `Conflict ${c.id}` },
    h("h2", {}, `${c.entity} ${c.recordKey} `, ES.badge(c.status)),
    h("p", { class: "muted" }, `Logged ${ES.time(c.createdAt)} · strategy ${c.strategy}${c.winner ? ` · ${KIND[c.winner] || c.winner}'s value taken` : ""}${c.resolvedBy ? ` by ${c.resolvedBy}` : ""}`),
    h("div", { class: "split" }, sides.map(side)), result);
  if (c.status === "open") {
    const buttons = sides.map((s) => h("button", { "data-take": s.kind, onclick: async () => {
      buttons.forEach((b) => (b.disabled = true));
      const r = await api("POST", `/api/v1/conflicts/${c.id}/resolve`, { take: s.kind });
      if (r.status === 202) {
        result.replaceChildren(`Resolved: ${KIND[s.kind] || s.kind}'s value stands. `,
          r.data.runId ? h("span", {}, "The run writing it across: ", runLink(r.data.runId)) : r.data.runError || "");
      } else {
        result.replaceChildren(h("span", { class: "form-error" }, ES.errorText(r)));
        buttons.forEach((b) => (b.disabled = false));
      }
    } }, `Take the ${KIND[s.kind] || s.kind} value`));
    card.append(h("div", { class: "row" }, buttons));
  }
  return card;
}

function policyForm(policies) {
  const byEntity = Object.fromEntries(policies.map((p) => [p.entity, p]));
  const f = {
    entity: ES.select({ name: "entity", id: "policy-entity" }, ["products", "customers", "orders", "refunds"], "products"),
    direction: ES.select({ name: "direction", id: "policy-direction" }, [["both", "Both ways"], ["woo->qbo", "WooCommerce → QuickBooks"], ["qbo->woo", "QuickBooks → WooCommerce"]], "both"),
    sourceOfTruth: ES.select({ name: "sourceOfTruth", id: "policy-truth" }, [["qbo", "QuickBooks"], ["woo", "WooCommerce"]], "qbo"),
    strategy: ES.select({ name: "strategy", id: "policy-strategy" }, [["source_wins", "Source of truth wins"], ["target_wins", "The other side wins"],
      ["newest_wins", "Newest change wins"], ["manual", "Ask me (review queue)"]], "source_wins"),
  };
  const fill = () => {
    const p = byEntity[f.entity.value];
    f.direction.value = p ? p.direction : "both";
    f.sourceOfTruth.value = p ? p.sourceOfTruth : "qbo";
    f.strategy.value = p ? p.strategy : "source_wins";
  };
  f.entity.addEventListener("change", fill);
  fill();
  const err = errorBox("policy-error");
  const form = h("form", { class: "card", id: "policy-form", novalidate: true }, h("h2", {}, "Set a policy"),
    h("div", { class: "row" }, ES.field("Entity", f.entity), ES.field("Direction", f.direction, "which way records may move"),
      ES.field("Source of truth", f.sourceOfTruth), ES.field("When both sides changed", f.strategy)),
    err, h("button", { type: "submit", id: "save-policy" }, "Save policy"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    ES.clearErrors(form);
    err.textContent = "";
    const r = await api("PUT", `/api/v1/sync-policies/${enc(f.entity.value)}`,
      { direction: f.direction.value, sourceOfTruth: f.sourceOfTruth.value, strategy: f.strategy.value });
    if (r.status === 200) { ES.toast(`Policy for ${r.data.entity} saved.`); refresh(); return; }
    if (r.data && r.data.field && f[r.data.field]) { ES.setError(f[r.data.field], r.data.message); f[r.data.field].focus(); return; }
    err.textContent = ES.errorText(r);
  });
  return form;
}

ES.pages.conflicts = {
  title: "Conflicts",
  async render(el) {
    const holder = h("div", { id: "conflict-list" });
    const load = async (f) => {
      const r = await api("GET", `/api/v1/conflicts?limit=200&${query(f)}`);
      if (r.status !== 200) { holder.replaceChildren(); fail(holder, r); return; }
      const list = r.data.conflicts || [];
      holder.replaceChildren(...(list.length ? list.map(conflictCard) : [h("p", { class: "muted" }, "No conflicts here.")]));
    };
    const pol = await api("GET", "/api/v1/sync-policies");
    const policies = (pol.data && pol.data.policies) || [];
    el.append(h("p", { class: "muted" }, "A conflict is a record changed on both sides since the last sync. With the strategy “Ask me” it waits here until you pick the value that stands; a run then writes it to the other side."),
      filters([["status", "Show", [["open", "Open"], ["resolved_manual", "Resolved by a person"], ["resolved", "Resolved by the strategy"], ["", "All"]], "open"]], load),
      holder, h("h2", { id: "policies" }, "Sync policies"),
      ES.table([{ label: "Entity", get: (p) => p.entity }, { label: "Direction", get: (p) => p.direction },
        { label: "Source of truth", get: (p) => KIND[p.sourceOfTruth] || p.sourceOfTruth }, { label: "Strategy", get: (p) => p.strategy.replace(/_/g, " ") },
        { label: "Changed", get: (p) => ES.time(p.updatedAt) }], policies, { empty: "No policies: every flow runs one way, as first set up." }));
    if (pol.status !== 200) fail(el, pol);
    if (isAdmin()) el.append(policyForm(policies));
    await load({ status: "open" });
  },
};

// ---- notifications: where alerts go (secrets write-only), Test ---------------------------
const NOTIFY_KINDS = [["run_failed", "A run failed"], ["auth_failed", "Credentials refused"], ["webhook_disabled", "A shop webhook was disabled"],
  ["failed_queue_growing", "The failed queue grows"]];

function notifyForm(s) {
  const w = s.webhook || {};
  const m = s.email || {};
  const f = {
    enabled: h("input", { type: "checkbox", id: "notify-enabled", checked: s.enabled !== false }),
    rateLimitMinutes: ES.input({ type: "number", min: 0, max: 1440, id: "notify-rate", value: s.rateLimitMinutes ?? 15 }),
    failedQueueThreshold: ES.input({ type: "number", min: 1, id: "notify-threshold", value: s.failedQueueThreshold ?? 25 }),
    "webhook.url": ES.input({ type: "url", id: "notify-webhook-url", value: w.url || "", placeholder: "https://ops.example/hooks/easysale" }),
    "webhook.secret": ES.input({ type: "password", id: "notify-webhook-secret", autocomplete: "new-password",
      placeholder: w.secretSet ? "•••• set (leave empty to keep)" : "" }),
    "email.smtpUrl": ES.input({ id: "notify-smtp", value: m.smtpUrl || "", placeholder: "smtps://relay.example:465" }),
    "email.from": ES.input({ type: "email", id: "notify-from", value: m.from || "" }),
    "email.to": ES.input({ id: "notify-to", value: (m.to || []).join(", ") }),
    "email.username": ES.input({ id: "notify-user", value: m.username || "", autocomplete: "off" }),
    "email.password": ES.input({ type: "password", id: "notify-password", autocomplete: "new-password",
      placeholder: m.passwordSet ? "•••• set (leave empty to keep)" : "" }),
    "email.starttls": h("input", { type: "checkbox", id: "notify-starttls", checked: !!m.starttls }),
  };
  const kinds = NOTIFY_KINDS.map(([k, label]) => h("label", {}, h("input", { type: "checkbox", value: k, checked: !(s.kinds || []).length || s.kinds.includes(k) }), label));
  const check = (input, label) => h("div", { class: "field" }, h("label", { class: "check" }, input, ` ${label}`));
  const err = errorBox("notify-error");
  const form = h("form", { class: "card", id: "notify-form", novalidate: true },
    check(f.enabled, "Send notifications"),
    h("div", { class: "row" }, ES.field("At most one per kind every (minutes)", f.rateLimitMinutes, "0 = no limit"),
      ES.field("Failed queue counts as growing at", f.failedQueueThreshold, "records")),
    h("fieldset", {}, h("legend", {}, "Kinds"), h("div", { class: "checks" }, kinds)),
    h("fieldset", {}, h("legend", {}, "Signed webhook"),
      h("div", { class: "row" }, ES.field("URL", f["webhook.url"], "empty = no webhook"),
        ES.field("Signing secret", f["webhook.secret"], w.secretSet ? "A secret is set; it is never shown." : "required with a URL"))),
    h("fieldset", {}, h("legend", {}, "E-mail"),
      h("div", { class: "row" }, ES.field("SMTP relay", f["email.smtpUrl"], "empty = no e-mail"), ES.field("From", f["email.from"]),
        ES.field("To", f["email.to"], "comma-separated addresses")),
      h("div", { class: "row" }, ES.field("User name", f["email.username"]),
        ES.field("Password", f["email.password"], m.passwordSet ? "A password is set; it is never shown." : "only when the relay asks"),
        check(f["email.starttls"], "Require STARTTLS"))),
    err, h("div", { class: "row" }, h("button", { type: "submit", id: "save-notify" }, "Save")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    ES.clearErrors(form);
    err.textContent = "";
    const rate = Number(f.rateLimitMinutes.value);
    if (!Number.isInteger(rate) || rate < 0) { ES.setError(f.rateLimitMinutes, "Enter a whole number of minutes."); f.rateLimitMinutes.focus(); return; }
    const threshold = Number(f.failedQueueThreshold.value);
    if (!Number.isInteger(threshold) || threshold < 1) { ES.setError(f.failedQueueThreshold, "Enter a whole number of records."); f.failedQueueThreshold.focus(); return; }
    const picked = kinds.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
    const body = { enabled: f.enabled.checked, rateLimitMinutes: rate, failedQueueThreshold: threshold,
      kinds: picked.length === NOTIFY_KINDS.length ? [] : picked };
    const url = f["webhook.url"].value.trim();
    if (url) {
      body.webhook = { url };
      if (f["webhook.secret"].value) body.webhook.secret = f["webhook.secret"].value;
    } else if (s.webhook) body.webhook = null;
    const smtp = f["email.smtpUrl"].value.trim();
    if (smtp) {
      body.email = { smtpUrl: smtp, from: f["email.from"].value.trim(), username: f["email.username"].value.trim(),
        to: f["email.to"].value.split(",").map((x) => x.trim()).filter(Boolean), starttls: f["email.starttls"].checked };
      if (f["email.password"].value) body.email.password = f["email.password"].value;
    } else if (s.email) body.email = null;
    const r = await api("PUT", "/api/v1/notifications", body);
    if (r.status === 200) { ES.toast("Notification settings saved."); refresh(); return; }
    const msg = ES.errorText(r);
    const key = Object.keys(f).sort((a, b) => b.length - a.length).find((k) => msg.includes(k));
    if (key) { ES.setError(f[key], msg); f[key].focus(); } else err.textContent = msg;
  });
  return form;
}

ES.pages.notifications = {
  title: "Notifications",
  async render(el) {
    const r = await api("GET", "/api/v1/notifications");
    if (r.status !== 200) return fail(el, r);
    el.append(h("p", { class: "muted" }, "Where EasySale tells you about failed runs, refused credentials and a growing failed queue. Secrets are write-only."));
    if (isAdmin()) {
      el.append(notifyForm(r.data.settings || {}));
      const out = h("div", { id: "notify-test-result", role: "status" });
      el.append(h("div", { class: "card" }, h("h2", {}, "Test"), h("p", { class: "muted" }, "Sends a test notification now to every target set above."),
        h("button", { class: "secondary", id: "test-notify", onclick: async (ev) => {
          ev.target.disabled = true;
          out.textContent = "Sending…";
          const t = await api("POST", "/api/v1/notifications/test");
          ev.target.disabled = false;
          if (t.status !== 200) { out.replaceChildren(h("span", { class: "form-error" }, ES.errorText(t))); return; }
          out.replaceChildren(kv([["Webhook", t.data.webhook === null ? "not set" : t.data.webhook], ["E-mail", t.data.email === null ? "not set" : t.data.email]]));
        } }, "Send a test"), out));
    } else {
      el.append(h("p", {}, "Only an admin can change these settings."));
    }
    el.append(h("h2", {}, "Recent notifications"), ES.table([
      { label: "Sent", get: (n) => ES.time(n.sentAt) }, { label: "Kind", get: (n) => n.kind }, { label: "Subject", get: (n) => n.subject },
      { label: "Webhook", get: (n) => n.webhook || "" }, { label: "E-mail", get: (n) => n.email || "" },
      { label: "Suppressed", get: (n) => (n.suppressed ? "yes (rate limit)" : "") }], r.data.recent || [], { empty: "None sent yet." }));
  },
};

// ---- webhooks: the switch, queue counts, endpoints, deliveries ----------------------------
ES.pages.webhooks = {
  title: "Webhooks",
  async render(el) {
    const r = await api("GET", "/api/v1/webhooks?limit=200");
    if (r.status !== 200) return fail(el, r);
    const d = r.data;
    const state = h("span", { id: "webhooks-state" }, ES.badge(d.enabled ? "enabled" : "disabled"));
    const card = h("div", { class: "card" }, h("p", {}, "Incoming webhooks from the shop and QuickBooks: ", state),
      h("p", { class: "muted" }, "While they are on, each change a platform reports is synced within seconds by an incremental run. Off: deliveries are answered but not synced."));
    if (isAdmin()) {
      card.append(h("button", { id: "toggle-webhooks", class: d.enabled ? "danger" : "", onclick: async () => {
        const s = await api("PUT", "/api/v1/webhooks/settings", { enabled: !d.enabled });
        if (s.status === 200) { ES.toast(`Webhooks ${s.data.enabled ? "on" : "off"}.`); refresh(); } else ES.toast(ES.errorText(s));
      } }, d.enabled ? "Turn webhooks off" : "Turn webhooks on"));
    }
    el.append(card, h("h2", {}, "Queue"), kv(Object.entries(d.counts || {}).map(([k, v]) => [k, String(v)])),
      h("h2", {}, "Endpoints"), h("p", { class: "muted" }, "Register these addresses in the platform's webhook settings."),
      ES.table([{ label: "Connection", get: (x) => x[0] }, { label: "Address", get: (x) => h("code", {}, location.origin + x[1]) }],
        Object.entries(d.endpoints || {}), { empty: "No connection receives webhooks." }),
      h("h2", {}, "Recent deliveries"), ES.table([
        { label: "Received", get: (x) => ES.time(x.receivedAt ? new Date(x.receivedAt).toISOString() : "") },
        { label: "Connection", get: (x) => x.connection }, { label: "Topic", get: (x) => x.topic },
        { label: "Record", get: (x) => `${x.entity} ${x.recordId}` }, { label: "Status", get: (x) => ES.badge(x.status) },
        { label: "Attempts", num: true, get: (x) => x.attempts }, { label: "Run", get: (x) => runLink(x.runId) },
        { label: "Error", get: (x) => x.error }], d.deliveries || [], { empty: "No deliveries yet." }));
  },
};

// ---- sandbox mode: the switch and what it changes ----------------------------------------
ES.pages.sandbox = {
  title: "Sandbox mode",
  async render(el) {
    const r = await api("GET", "/api/v1/sandbox-mode");
    if (r.status !== 200) return fail(el, r);
    const d = r.data;
    const sw = h("input", { type: "checkbox", role: "switch", id: "sandbox-switch", checked: d.enabled, disabled: !isAdmin(),
      "aria-describedby": "sandbox-explain" });
    const out = h("div", { role: "status", id: "sandbox-state" }, d.enabled ? "Sandbox mode is on." : "Sandbox mode is off: runs write to your live books.");
    sw.addEventListener("change", async () => {
      sw.disabled = true;
      const s = await api("PUT", "/api/v1/sandbox-mode", { enabled: sw.checked });
      if (s.status !== 200) { out.replaceChildren(h("span", { class: "form-error" }, ES.errorText(s))); sw.checked = !sw.checked; sw.disabled = false; return; }
      ES.toast(`Sandbox mode ${s.data.enabled ? "on" : "off"}.`);
      refresh();
    });
    el.append(h("div", { class: "card" },
      h("p", { id: "sandbox-explain" }, "Sandbox mode lets you try settings, mappings and schedules without touching your real accounting. While it is on, every run of this tenant writes to the QuickBooks sandbox company (Intuit's development host) and to the warehouse's sandbox schema instead of the live ones; the shop is read as usual. A banner on every page reminds you. Turn it off to write to your live books again."),
      h("label", { class: "check switch", for: "sandbox-switch" }, sw, " Sandbox mode"), out,
      isAdmin() ? null : h("p", { class: "muted" }, "Only an admin can switch it.")),
    h("h2", {}, "Where runs write now"),
    ES.table([{ label: "Connection", get: (x) => x[0] }, { label: "Writes to", get: (x) => x[1] }],
      [...Object.entries(d.qboApiBase || {}), ...Object.entries(d.warehouseSchemas || {}).map(([k, v]) => [k, `schema ${v}`])],
      { empty: "No QuickBooks or warehouse connection yet." }));
  },
};

// ---- audit log -------------------------------------------------------------------------------
ES.pages.audit = {
  title: "Audit log",
  async render(el) {
    const action = ES.input({ name: "action", id: "audit-action", placeholder: "e.g. job.cancel" });
    const user = ES.input({ name: "user", id: "audit-user", type: "email" });
    const holder = h("div", { id: "audit-list" });
    const load = async () => {
      const r = await api("GET", `/api/v1/audit?limit=1000&${query({ action: action.value.trim(), user: user.value.trim() })}`);
      if (r.status !== 200) { holder.replaceChildren(); fail(holder, r); return; }
      holder.replaceChildren(ES.table([
        { label: "When", get: (e) => ES.time(e.at) }, { label: "Who", get: (e) => e.userId }, { label: "Action", get: (e) => e.action },
        { label: "Target", get: (e) => e.target },
        { label: "Detail", get: (e) => (e.detail && Object.keys(e.detail).length ? h("code", {}, JSON.stringify(e.detail)) : "") },
      ], r.data.entries || [], { empty: "No entries match.", caption: "Newest first", pageSize: 20 }));
    };
    const form = h("form", { class: "row card", role: "search", "aria-label": "Filter the audit log" },
      ES.field("Action", action), ES.field("User", user), h("div", { class: "field" }, h("button", { type: "submit" }, "Filter")));
    form.addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
    el.append(h("p", { class: "muted" }, "Who changed what: every change made through the API, the dashboard or the command line."), form, holder);
    await load();
  },
};
})();
)es_asset"
