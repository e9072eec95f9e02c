/**
 * npm run bench:ingest — measurement ingest throughput per engine.
 *
 * Writes N readings (36 tags × N/36 seconds) through the collector's sink (raw `unnest` batches,
 * the production path) and, for comparison, through drizzle's `insert().values()` (ORM
 * row-mapping). PGlite always (in memory and on disk); PostgreSQL/TimescaleDB when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL is set (`npm run db:local` prints one). Prints JSON.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrateDatabase, openDatabase, type Database } from "../../db/client";
import { measurements } from "../../db/schema/index";
import { createMeasurementSink } from "../../collectors/sink/measurement-sink";
import type { Reading } from "../../server/contracts/measurement";
import { createScratchPostgres } from "../helpers/test-db";

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const TAGS = 36;

function readings(count: number, offsetS: number): Reading[] {
  const out: Reading[] = [];
  const t0 = Date.UTC(2026, 10, 1) + offsetS * 1000;
  for (let i = 0; i < count; i++) {
    out.push({ tag: `BENCH/TQS-${String(i % TAGS).padStart(4, "0")}/level_mm`, time: new Date(t0 + Math.floor(i / TAGS) * 1000), value: 1000 + (i % 997) / 10, quality: 0 });
  }
  return out;
}

async function viaSink(db: Database, rows: Reading[]): Promise<number> {
  const sink = createMeasurementSink(db, { maxBatch: 5000, flushIntervalMs: 60_000 });
  const started = performance.now();
  for (let i = 0; i < rows.length; i += 5000) {
    sink.push(rows.slice(i, i + 5000));
    await sink.flush();
  }
  await sink.close();
  return rows.length / ((performance.now() - started) / 1000);
}

async function viaOrm(db: Database, rows: Reading[]): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < rows.length; i += 1000) {
    await db.orm.insert(measurements).values(rows.slice(i, i + 1000)).onConflictDoNothing();
  }
  return rows.length / ((performance.now() - started) / 1000);
}

async function bench(engine: string, open: () => Promise<{ db: Database; cleanup: () => Promise<void> }>) {
  const { db, cleanup } = await open();
  try {
    await migrateDatabase(db);
    const sinkRows = readings(ROWS, 0);
    const sinkRate = await viaSink(db, sinkRows);
    const ormRows = readings(Math.min(ROWS, 50_000), 10_000_000);
    const ormRate = await viaOrm(db, ormRows);
    const [count] = await db.query<{ n: number }>("select count(*)::int as n from measurements");
    return {
      engine,
      timescaledb: db.capabilities,
      rows: ROWS,
      sinkRowsPerS: Math.round(sinkRate),
      ormRows: ormRows.length,
      ormRowsPerS: Math.round(ormRate),
      speedup: Number((sinkRate / ormRate).toFixed(2)),
      stored: count!.n,
    };
  } finally {
    await cleanup();
  }
}

const results = [];
results.push(await bench("pglite-memory", async () => {
  const db = await openDatabase();
  return { db, cleanup: () => db.close() };
}));
const dir = mkdtempSync(path.join(tmpdir(), "aforo-bench-"));
results.push(await bench("pglite-file", async () => {
  const db = await openDatabase({ dataDir: dir });
  return { db, cleanup: async () => { await db.close(); rmSync(dir, { recursive: true, force: true }); } };
}));
const baseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (baseUrl) {
  results.push(await bench("postgres", async () => {
    const scratch = await createScratchPostgres(baseUrl, "aforo_bench");
    const db = await openDatabase({ databaseUrl: scratch.url });
    return { db, cleanup: async () => { await db.close(); await scratch.drop(); } };
  }));
}
console.log(JSON.stringify({ benchmark: "ingest", node: process.version, cpus: (await import("node:os")).cpus().length, results }, null, 2));
