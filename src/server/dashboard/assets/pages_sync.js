R"es_asset(// Dashboard pages about runs: overview (recent activity), Sync now (with
// live progress and the dry-run plan), history (filters, export) and the
// failed queue grouped by root cause (retry one / group / all).
"use strict";
(() => {
const { h, api } = ES;
const ENTITIES = ["customers", "products", "orders"];
const ACTIVE = /^(queued|running|stopping)$/;

function runRow(r) {
  const t = r.totals || {};
  return { id: r.id, r, started: r.startedAt, status: r.status, mode: `${r.mode}${r.dryRun ? " (dry run)" : ""}`,
    entities: (r.entities || []).join(", "), created: t.created, updated: t.updated, skipped: t.skipped, failed: t.failed };
}
const RUN_COLUMNS = [
  { label: "Started", get: (x) => ES.time(x.started) },
  { label: "Status", get: (x) => ES.badge(x.status) },
  { label: "Mode", get: (x) => x.mode },
  { label: "Entities", get: (x) => x.entities },
  { label: "Created", num: true, get: (x) => x.created },
  { label: "Updated", num: true, get: (x) => x.updated },
  { label: "Unchanged", num: true, get: (x) => x.skipped },
  { label: "Failed", num: true, get: (x) => x.failed },
  { label: "Run", get: (x) => h("a", { href: `#/sync/${encodeURIComponent(x.id)}` }, "details") },
];

// ---- overview: connections at a glance, recent runs, recent record activity ----
ES.pages.overview = {
  title: "Overview",
  async render(el) {
    const [conns, runs, failed, hist] = await Promise.all([api("GET", "/api/v1/connections"),
      api("GET", "/api/v1/runs?limit=10"), api("GET", "/api/v1/failed?limit=1000"), api("GET", "/api/v1/history?limit=10")]);
    const cards = h("div", { class: "grid" });
    for (const c of (conns.data && conns.data.connections) || []) {
      const st = (c.status && c.status.status) || (c.enabled ? "unknown" : "disabled");
      cards.append(h("div", { class: "card" }, h("strong", {}, c.name), " ", ES.badge(st), h("div", { class: "muted" }, `${c.kind} · ${c.id}`)));
    }
    const nFailed = ((failed.data && failed.data.failed) || []).length;
    cards.append(h("div", { class: "card" }, h("strong", {}, "Failed records"), " ",
      h("span", { class: `badge ${nFailed ? "err" : "ok"}` }, String(nFailed)), " ", h("a", { href: "#/failed" }, "open the queue")));
    el.append(cards, h("h2", {}, "Recent runs"),
      ES.table(RUN_COLUMNS, ((runs.data && runs.data.runs) || []).map(runRow), { empty: "No runs yet: start one under Sync now." }),
      h("h2", {}, "Recent activity"),
      ES.table(HISTORY_COLUMNS, (hist.data && hist.data.entries) || [], { empty: "No records synced yet." }));
  },
};

// ---- sync now ------------------------------------------------------------------
function planTable(previews) {
  const rows = (previews || []).map((p) => ({ p }));
  const amount = (p) => {
    const pl = p.payload || {};
    const v = pl.TotalAmt !== undefined ? pl.TotalAmt : pl.Amount;
    return v === undefined ? "" : ES.money(v, pl.CurrencyRef && pl.CurrencyRef.value);
  };
  return ES.table([
    { label: "Operation", get: (x) => ES.badge(x.p.operation) },
    { label: "Entity", get: (x) => x.p.entity },
    { label: "Source id", get: (x) => x.p.source_id },
    { label: "QuickBooks type", get: (x) => x.p.target_type || "" },
    { label: "Amount", num: true, get: (x) => amount(x.p) },
    { label: "Why", get: (x) => x.p.reason || "" },
    { label: "Payload", get: (x) => h("details", {}, h("summary", {}, "preview"), h("pre", {}, JSON.stringify(x.p.payload, null, 2))) },
  ], rows, { pageSize: 20, caption: "What the run would write", empty: "The dry run would write nothing." });
}

function progressOf(run) {
  if (!ACTIVE.test(run.status || "running")) return 100;
  let done = 0, total = 0;
  for (const p of Object.values(run.progress || {})) { done += p.done || 0; total += p.total || 0; }
  return total > 0 ? Math.min(99, Math.floor((100 * done) / total)) : 0;
}

async function watchRun(box, id) {
  const bar = h("div");
  bar.style.width = "0%";
  const label = h("span", { id: "run-progress" }, "0 %");
  const status = h("span", { id: "run-status" });
  const counts = h("div", { class: "kv" });
  const result = h("div");
  box.replaceChildren(h("h2", {}, `Run ${id}`),
    h("div", { class: "progress", role: "progressbar", "aria-label": "Run progress", "aria-valuemin": 0, "aria-valuemax": 100 }, bar),
    h("p", {}, label, " · ", status), counts, result);
  const bar_el = box.querySelector(".progress");
  for (;;) {
    const r = await api("GET", `/api/v1/runs/${encodeURIComponent(id)}`);
    if (r.status !== 200) { result.replaceChildren(h("p", { class: "form-error", role: "alert" }, ES.errorText(r))); return; }
    const run = r.data;
    const pct = progressOf(run);
    bar.style.width = `${pct}%`;
    bar_el.setAttribute("aria-valuenow", pct);
    label.textContent = `${pct} %`;
    status.replaceChildren(ES.badge(run.status));
    const t = run.totals || {};
    counts.replaceChildren(...["fetched", "created", "updated", "skipped", "failed"].flatMap((k) => [h("span", {}, k), h("span", {}, String(t[k] || 0))]));
    if (!ACTIVE.test(run.status || "running")) {
      if (run.error) result.append(h("p", { class: "form-error" }, run.error));
      if (run.dryRun) result.append(h("h2", {}, "Dry-run plan"), planTable(run.previews));
      if (t.failed) result.append(h("p", {}, h("a", { href: "#/failed" }, `${t.failed} record(s) failed: see the failed queue`)));
      return run;
    }
    if (!document.body.contains(box)) return run;
    await new Promise((res) => setTimeout(res, 600));
  }
}

ES.pages.sync = {
  title: "Sync now",
  async render(el, [runId]) {
    const out = h("div", { class: "card", id: "run-box", "aria-live": "polite" });
    if (runId) { el.append(out); watchRun(out, runId); return; }
    const conns = await api("GET", "/api/v1/connections");
    const list = (conns.data && conns.data.connections) || [];
    const source = ES.select({ name: "source" }, list.filter((c) => c.kind === "woo").map((c) => [c.id, c.name]));
    const target = ES.select({ name: "target" }, list.filter((c) => c.kind !== "woo").map((c) => [c.id, c.name]));
    const boxes = ENTITIES.map((e) => h("label", {}, h("input", { type: "checkbox", name: "entity", value: e, checked: true }), e));
    const mode = ES.select({ name: "mode" }, [["incremental", "Incremental (changes since the last run)"], ["full", "Full (everything)"]], "incremental");
    const dry = h("input", { type: "checkbox", name: "dryRun", id: "dry-run", checked: true });
    const formError = h("div", { class: "form-error", role: "alert" });
    const form = h("form", { class: "card", novalidate: true },
      h("div", { class: "row" }, ES.field("From", source), ES.field("To", target), ES.field("Mode", mode)),
      h("fieldset", {}, h("legend", {}, "Entities"), h("div", { class: "checks" }, boxes)),
      h("div", { class: "checks" }, h("label", { for: "dry-run" }, dry, "Dry run: show what would be written, write nothing")),
      formError, h("button", { type: "submit", id: "start-sync" }, "Start"));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      formError.textContent = "";
      const entities = boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
      if (!entities.length) { formError.textContent = "Pick at least one entity."; return; }
      const body = { source: source.value, target: target.value, entities, mode: mode.value, dryRun: dry.checked };
      const r = await ES.withConfirmation("POST", "/api/v1/sync", body, el);
      if (r.cancelled) return;
      if (r.status !== 202) { formError.textContent = ES.errorText(r); return; }
      history.replaceState(null, "", `#/sync/${encodeURIComponent(r.data.runId)}`);
      watchRun(out, r.data.runId);
    });
    el.append(form, out);
  },
};

// ---- history -------------------------------------------------------------------
const HISTORY_COLUMNS = [
  { label: "When", get: (x) => ES.time(x.at) },
  { label: "Entity", get: (x) => x.entity },
  { label: "Source id", get: (x) => x.sourceId },
  { label: "Result", get: (x) => ES.badge(x.status) },
  { label: "QuickBooks id", get: (x) => x.targetId || "" },
  { label: "Message", get: (x) => x.message || "" },
  { label: "Run", get: (x) => h("a", { href: `#/sync/${encodeURIComponent(x.runId)}` }, x.dryRun ? "dry run" : "run") },
];

ES.pages.history = {
  title: "History",
  async render(el) {
    const params = new URLSearchParams(location.hash.split("?")[1] || "");
    const entity = ES.select({ name: "entity" }, [["", "Any"], ["customer", "Customers"], ["item", "Products"], ["order", "Orders"], ["refund", "Refunds"], ["payment", "Payments"]], params.get("entity") || "");
    const status = ES.select({ name: "status" }, [["", "Any"], "created", "updated", "linked", "skipped", "failed", "voided", "deleted"], params.get("status") || "");
    const from = ES.input({ type: "date", name: "from", value: params.get("from") || "" });
    const to = ES.input({ type: "date", name: "to", value: params.get("to") || "" });
    const results = h("div");
    const exports = h("p", { class: "row" });
    const load = async () => {
      const q = new URLSearchParams();
      if (entity.value) q.set("entity", entity.value);
      if (status.value) q.set("status", status.value);
      if (from.value) q.set("from", from.value);
      if (to.value) q.set("to", `${to.value}T23:59:59Z`);
      q.set("limit", "1000");
      const r = await api("GET", `/api/v1/history?${q}`);
      results.replaceChildren(r.status === 200 ? ES.table(HISTORY_COLUMNS, r.data.entries || [], { empty: "No records match." })
        : h("p", { class: "form-error", role: "alert" }, ES.errorText(r)));
      q.delete("limit");
      exports.replaceChildren(h("a", { href: `/api/v1/history/export?format=csv&${q}`, download: "history.csv" }, "Export CSV"),
        h("a", { href: `/api/v1/history/export?format=json&${q}`, download: "history.json" }, "Export JSON"));
    };
    const form = h("form", { class: "card row", role: "search" }, ES.field("Entity", entity), ES.field("Result", status),
      ES.field("From", from), ES.field("To", to), h("div", { class: "field" }, h("button", { type: "submit" }, "Filter")));
    form.addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
    el.append(form, exports, results);
    await load();
  },
};

// ---- failed queue grouped by root cause -----------------------------------------------
// The message with ids and numbers masked, so records failing for one
// reason share a group.
ES.causeOf = (f) => `${f.category} · ${f.code || "-"} · ${String(f.message || "").replace(/[0-9a-f]{8,}|\d+(\.\d+)?/gi, "#")}`;

ES.pages.failed = {
  title: "Failed records",
  async render(el) {
    const r = await api("GET", "/api/v1/failed?limit=10000");
    if (r.status !== 200) { el.append(h("p", { class: "form-error", role: "alert" }, ES.errorText(r))); return; }
    const failed = r.data.failed || [];
    const note = h("div", { "aria-live": "polite" });
    const groups = new Map();
    for (const f of failed) {
      const key = `${f.entity} | ${ES.causeOf(f)}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(f);
    }
    const started = (res) => {
      if (res.cancelled) return;
      if (res.status === 202) {
        const id = res.data.runId || (res.data.runs && res.data.runs[0] && res.data.runs[0].runId);
        note.replaceChildren(h("p", { id: "retry-started" }, "Retry started. ", id ? h("a", { href: `#/sync/${encodeURIComponent(id)}` }, "Watch the run") : ""));
      } else note.replaceChildren(h("p", { class: "form-error", role: "alert" }, ES.errorText(res)));
    };
    const all = h("button", { id: "retry-all", "data-admin": true, disabled: !failed.length || ES.me.role !== "admin",
      onclick: async () => started(await ES.withConfirmation("POST", "/api/v1/failed/retry-all", {}, el)) }, `Retry all (${failed.length})`);
    el.append(h("div", { class: "row" }, all), note);
    if (!failed.length) el.append(h("p", { class: "muted", id: "no-failed" }, "No failed records."));
    for (const [key, list] of [...groups.entries()].sort((a, b) => b[1].length - a[1].length)) {
      const f0 = list[0];
      const group = h("div", { class: "card failed-group" },
        h("h2", {}, `${list.length} × ${f0.entity}: ${f0.category}${f0.code ? ` (${f0.code})` : ""}`),
        h("p", { class: "cause" }, f0.message),
        h("button", { class: "secondary retry-group", onclick: async () => started(await ES.withConfirmation("POST", "/api/v1/sync",
          { source: f0.source, target: f0.target, entities: [f0.entity], ids: list.map((f) => f.sourceId), mode: "full" }, el)) },
          `Retry this group (${list.length})`),
        ES.table([
          { label: "Source id", get: (x) => x.sourceId },
          { label: "Message", get: (x) => x.message },
          { label: "Tries", num: true, get: (x) => x.retryCount },
          { label: "Last try", get: (x) => ES.time(x.lastAttemptAt) },
          { label: "", get: (x) => h("button", { class: "secondary retry-one", "aria-label": `Retry ${x.entity} ${x.sourceId}`,
            onclick: async () => started(await api("POST", "/api/v1/failed/retry", { target: x.target, entity: x.entity, sourceId: x.sourceId })) }, "Retry") },
        ], list, { pageSize: 10 }));
      group.dataset.cause = key;
      el.append(group);
    }
  },
};
})();
)es_asset"
