// Fidelity of the Supabase REST sandbox (src/connectors/supabase/sandbox),
// checked with Supabase's official JavaScript client (@supabase/supabase-js,
// which speaks PostgREST through postgrest-js): select with filters, upsert
// with onConflict, counts, and the error shapes and status codes for a wrong
// key, a missing table, constraint violations and a wrong schema.
//
// Needs a PostgreSQL server: run under scripts/with-postgres.sh, which sets
// EASYSALE_TEST_PG_URL. The sandbox binary is SUPABASE_SANDBOX_BIN (default:
// build/supabase-rest-sandbox), started as
//   supabase-rest-sandbox --port 0 --pg $EASYSALE_TEST_PG_URL --service-key K --schema S --migrate
// which prints `listening on http://127.0.0.1:PORT`. Skipped when either is missing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { createClient } from "@supabase/supabase-js";

const here = path.dirname(fileURLToPath(import.meta.url));
const bin =
  process.env.SUPABASE_SANDBOX_BIN ??
  [path.resolve(here, "../../build/supabase-rest-sandbox"), path.resolve(here, "../../build/src/supabase-rest-sandbox")].find(
    (p) => existsSync(p),
  );
const pgUrl = process.env.EASYSALE_TEST_PG_URL;
const skip = !pgUrl ? "EASYSALE_TEST_PG_URL is not set (run under scripts/with-postgres.sh)" : !bin ? "supabase-rest-sandbox not built" : false;

const KEY = "sb_secret_conformance_key";
const SCHEMA = `conf_${process.pid}`;
let child;
let baseUrl;

function startSandbox() {
  return new Promise((resolve, reject) => {
    child = spawn(bin, ["--port", "0", "--pg", pgUrl, "--service-key", KEY, "--schema", SCHEMA, "--migrate"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`sandbox did not start in 20 s: ${out}${err}`)), 20000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening on (https?:\/\/\S+)/);
      if (m) {
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

function client(key = KEY, schema = SCHEMA) {
  return createClient(baseUrl, key, {
    db: { schema },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
}

function order(id, total, status = "completed") {
  return {
    source: "conf/woo",
    source_id: String(id),
    number: String(id),
    status,
    currency: "USD",
    total,
    raw: { id, total, note: "quotes \" and \\ backslashes" },
    content_hash: `h-${id}-${total}-${status}`,
  };
}

before(async () => {
  if (skip) return;
  baseUrl = await startSandbox();
});

after(() => {
  if (child) child.kill("SIGTERM");
});

test("upsert with onConflict inserts, then merges on (source, source_id)", { skip }, async () => {
  const db = client();
  const first = await db
    .from("orders")
    .upsert([order(1, "29.35"), order(2, "0.10"), order(3, "1200.00")], { onConflict: "source,source_id" })
    .select("source_id,total,status");
  assert.equal(first.error, null, JSON.stringify(first.error));
  assert.equal(first.status, 201);
  assert.deepEqual(
    first.data.map((r) => r.source_id).sort(),
    ["1", "2", "3"],
  );
  const again = await db
    .from("orders")
    .upsert([order(1, "29.35", "refunded")], { onConflict: "source,source_id" })
    .select("source_id,status");
  assert.equal(again.error, null, JSON.stringify(again.error));
  assert.equal(again.status, 200, "an upsert that inserts nothing answers 200");
  assert.deepEqual(again.data, [{ source_id: "1", status: "refunded" }]);
  const minimal = await db.from("orders").upsert([order(4, "5.00")], { onConflict: "source,source_id" });
  assert.equal(minimal.error, null, JSON.stringify(minimal.error));
  assert.equal(minimal.status, 201);
  assert.equal(minimal.data, null);
});

test("select with eq, in, order, limit and an exact count", { skip }, async () => {
  const db = client();
  const one = await db.from("orders").select("source_id,total,raw").eq("source", "conf/woo").eq("source_id", "1");
  assert.equal(one.error, null, JSON.stringify(one.error));
  assert.equal(one.data.length, 1);
  assert.equal(Number(one.data[0].total).toFixed(2), "29.35");
  assert.equal(one.data[0].raw.note, 'quotes " and \\ backslashes');
  const some = await db
    .from("orders")
    .select("source_id", { count: "exact" })
    .eq("source", "conf/woo")
    .in("source_id", ["2", "3", "4"])
    .order("source_id", { ascending: false })
    .limit(2);
  assert.equal(some.error, null, JSON.stringify(some.error));
  assert.equal(some.count, 3);
  assert.deepEqual(some.data, [{ source_id: "4" }, { source_id: "3" }]);
  const none = await db.from("orders").select("*").eq("source", "nobody");
  assert.equal(none.error, null);
  assert.deepEqual(none.data, []);
});

test("a wrong key is refused with 401 before anything runs", { skip }, async () => {
  const res = await client("sb_secret_wrong").from("orders").select("*");
  assert.equal(res.status, 401);
  assert.equal(res.data, null);
  assert.match(res.error.message, /Invalid API key/);
});

test("an unknown table answers 404 PGRST205 in PostgREST's error shape", { skip }, async () => {
  const res = await client().from("no_such_table").select("*");
  assert.equal(res.status, 404);
  assert.equal(res.error.code, "PGRST205");
  assert.ok("details" in res.error && "hint" in res.error, JSON.stringify(res.error));
  assert.match(res.error.message, /Could not find the table/);
});

test("constraint violations carry their SQLSTATE and HTTP status", { skip }, async () => {
  const db = client();
  const duplicate = await db.from("orders").insert([order(1, "1.00")]);
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.error.code, "23505");
  const { content_hash, ...noHash } = order(9, "1.00");
  const notNull = await db.from("orders").insert([noHash]);
  assert.equal(notNull.status, 400);
  assert.equal(notNull.error.code, "23502");
  const badNumber = await db.from("orders").insert([order(10, "twelve")]);
  assert.equal(badNumber.status, 400);
  assert.equal(badNumber.error.code, "22P02");
  const badColumn = await db.from("orders").upsert([{ ...order(11, "1.00"), colour: "red" }], { onConflict: "source,source_id" });
  assert.equal(badColumn.status, 400);
  assert.equal(badColumn.error.code, "PGRST204");
});

test("a schema the API does not expose answers 406 PGRST106", { skip }, async () => {
  const res = await client(KEY, "public").from("orders").select("*");
  assert.equal(res.status, 406);
  assert.equal(res.error.code, "PGRST106");
});
