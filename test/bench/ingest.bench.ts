/**
 * npm run bench:ingest — durable ingest throughput vs. raw COPY (prints JSON on stdout).
 *
 * A pre-generated stream of readings (BENCH_TAGS tags × BENCH_ROWS/BENCH_TAGS seconds) goes
 * through the collector's production path — disk spool (CRC-framed records, fsync per group) →
 * forwarder (one transaction per batch: collector_batches row + unnest insert + rollup mark,
 * NOTIFY after commit, cursor fsync'd) — into the `measurements` hypertable of
 * PostgreSQL+TimescaleDB. The same rows are then loaded with a plain `COPY … FROM STDIN` (text
 * format, sent with pg's client — collectors/forwarder/pg-copy.ts —, data pre-encoded) into an identical hypertable
 * (`like measurements including all`, same 1-day chunks) in the same run: `ratio` =
 * rowsPerSecond / rawCopyRowsPerSecond (target ≥ 0.6).
 *
 * PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL, else `.ci/db-local.sh` (started and
 * stopped by this run if it was not running). Each run works in a scratch database that is
 * dropped at the end. A PGlite figure (same path, file-backed PGlite) is printed too.
 *
 * Knobs: BENCH_ROWS (300000), BENCH_TAGS (1000), BENCH_PUSH_CHUNK (readings per push, 2000),
 * BENCH_MAX_BATCH (readings per spool record / database batch, 10000), BENCH_ROUNDS (3: COPY and
 * spool alternate, best of each compared), BENCH_PGLITE_ROWS (100000).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { migrateDatabase, openDatabase, type Database } from "../../db/client";
import { openMeasurementSink } from "../../collectors/sink/measurement-sink";
import type { Reading } from "../../server/contracts/measurement";
import { benchPostgres } from "../helpers/bench-postgres";
import { copyFromStdin, copyTextField } from "../../collectors/forwarder/pg-copy";
import { createScratchPostgres } from "../helpers/test-db";

const ROWS = Number(process.env.BENCH_ROWS ?? 300_000);
const TAGS = Number(process.env.BENCH_TAGS ?? 1000);
const PUSH_CHUNK = Number(process.env.BENCH_PUSH_CHUNK ?? 2000);
const MAX_BATCH = Number(process.env.BENCH_MAX_BATCH ?? 10_000);
const PGLITE_ROWS = Number(process.env.BENCH_PGLITE_ROWS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const T0 = Date.UTC(2026, 10, 1);

function generate(count: number, tags: number): Reading[] {
  const out: Reading[] = new Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = {
      tag: `BENCH/TQS-${String(i % tags).padStart(5, "0")}/level_mm`,
      time: new Date(T0 + Math.floor(i / tags) * 1000),
      value: 1000 + (i % 997) / 10,
      quality: 0,
    };
  }
  return out;
}

/** Spool → forwarder → database, the way a driver feeds it: pushes of PUSH_CHUNK, each awaited (durable). */
async function viaSpool(db: Database, rows: readonly Reading[], databaseUrl?: string) {
  const spoolDir = mkdtempSync(path.join(tmpdir(), "aforo-bench-spool-"));
  try {
    const sink = await openMeasurementSink(db, {
      spoolDir,
      collectorKey: "BENCH-0001",
      databaseUrl,
      maxBatch: MAX_BATCH,
      spool: { maxBytes: 8 * 1024 * 1024 * 1024, segmentBytes: 64 * 1024 * 1024 },
    });
    const started = performance.now();
    let firstDurableMs = 0;
    for (let i = 0; i < rows.length; i += PUSH_CHUNK) {
      await sink.push(rows.slice(i, i + PUSH_CHUNK));
      if (i === 0) firstDurableMs = performance.now() - started;
    }
    const spooledMs = performance.now() - started;
    await sink.flush();
    const seconds = (performance.now() - started) / 1000;
    const stats = sink.stats();
    await sink.close();
    return {
      rowsPerSecond: Math.round(rows.length / seconds),
      seconds: round(seconds, 3),
      spoolOnlyRowsPerSecond: Math.round(rows.length / (spooledMs / 1000)),
      firstPushDurableMs: round(firstDurableMs, 2),
      spoolRecords: stats.forwarder?.records ?? null,
      databaseBatches: stats.batches,
      written: stats.written,
      replays: stats.replays,
      notifications: stats.notifications,
    };
  } finally {
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

/** The same rows with a plain COPY FROM STDIN into an identical hypertable (data pre-encoded). */
async function rawCopy(url: string, db: Database, rows: readonly Reading[]) {
  await db.query("create table measurements_copy (like measurements including all)");
  const hypertable = Boolean(db.capabilities?.hypertable);
  if (hypertable) {
    await db.query("select create_hypertable('measurements_copy', by_range('time', interval '1 day'), create_default_indexes => false)");
  }
  const indexes = await db.query<{ indexdef: string }>("select indexdef from pg_indexes where tablename = 'measurements_copy' order by indexname");
  const chunks: Buffer[] = [];
  let lines: string[] = [];
  let bytes = 0;
  for (const r of rows) {
    const line = `${r.time.toISOString()}\t${copyTextField(r.tag)}\t${r.value}\t${r.quality}\n`;
    lines.push(line);
    bytes += line.length;
    if (bytes >= 1 << 20) {
      chunks.push(Buffer.from(lines.join("")));
      lines = [];
      bytes = 0;
    }
  }
  if (lines.length > 0) chunks.push(Buffer.from(lines.join("")));
  const client = new pg.Client({ connectionString: url, application_name: "aforo-bench-copy" });
  await client.connect();
  try {
    const started = performance.now();
    const copied = await copyFromStdin(client, "copy measurements_copy (time, tag, value, quality) from stdin", chunks);
    const seconds = (performance.now() - started) / 1000;
    return { rowsPerSecond: Math.round(copied / seconds), seconds: round(seconds, 3), rows: copied, hypertable, indexes: indexes.map((i) => i.indexdef.replace(/ ON public\.\S+/, "")) };
  } finally {
    await client.end();
  }
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

async function count(db: Database, table: string): Promise<number> {
  return (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;
}

const rows = generate(ROWS, TAGS);
const result: Record<string, unknown> = {
  benchmark: "ingest",
  node: process.version,
  cpus: os.cpus().length,
  rows: ROWS,
  tags: TAGS,
  pushChunk: PUSH_CHUNK,
  maxBatch: MAX_BATCH,
};

const server = benchPostgres();
try {
  // Rounds alternate COPY and the spool path, each in a fresh scratch database (fresh, empty
  // hypertables), so that both see the same machine load; the best round of each is compared.
  const rounds: Array<{ spool: Awaited<ReturnType<typeof viaSpool>>; copy: Awaited<ReturnType<typeof rawCopy>> }> = [];
  let capabilities: unknown = null;
  let settings: Record<string, string> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const scratch = await createScratchPostgres(server.url, "aforo_bench");
    const db = await openDatabase({ databaseUrl: scratch.url, applicationName: "aforo-bench" });
    try {
      capabilities = await migrateDatabase(db);
      settings = Object.fromEntries(
        (await db.query<{ name: string; setting: string }>("select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'server_version') order by name")).map((s) => [s.name, s.setting]),
      );
      const copy = await rawCopy(scratch.url, db, rows);
      const spool = await viaSpool(db, rows, scratch.url);
      const stored = await count(db, "measurements");
      const copied = await count(db, "measurements_copy");
      if (stored !== ROWS || copied !== ROWS) throw new Error(`filas: spool ${stored}, copy ${copied}, esperadas ${ROWS}`);
      rounds.push({ spool, copy });
    } finally {
      await db.close();
      await scratch.drop();
    }
  }
  const bestSpool = Math.max(...rounds.map((r) => r.spool.rowsPerSecond));
  const bestCopy = Math.max(...rounds.map((r) => r.copy.rowsPerSecond));
  Object.assign(result, {
    rowsPerSecond: bestSpool,
    rawCopyRowsPerSecond: bestCopy,
    ratio: round(bestSpool / bestCopy, 3),
    target: { ratio: 0.6 },
    rounds: rounds.map((r) => ({ rowsPerSecond: r.spool.rowsPerSecond, rawCopyRowsPerSecond: r.copy.rowsPerSecond, ratio: round(r.spool.rowsPerSecond / r.copy.rowsPerSecond, 3) })),
    postgres: {
      source: server.source,
      settings,
      timescaledb: capabilities,
      spoolPath: rounds.at(-1)!.spool,
      rawCopy: rounds.at(-1)!.copy,
    },
  });
} finally {
  server.release();
}

// PGlite (embedded default): same spool path, file-backed database.
{
  const dir = mkdtempSync(path.join(tmpdir(), "aforo-bench-pglite-"));
  const db = await openDatabase({ dataDir: dir });
  try {
    await migrateDatabase(db);
    const spool = await viaSpool(db, rows.slice(0, PGLITE_ROWS));
    if ((await count(db, "measurements")) !== PGLITE_ROWS) throw new Error("PGlite: filas incompletas");
    result.pglite = { rows: PGLITE_ROWS, rowsPerSecond: spool.rowsPerSecond, spoolPath: spool };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(JSON.stringify(result, null, 2));
