/**
 * npm run bench:collector-rss — resident memory of the collector at 10 000 tags (target < 200 MB).
 *
 * A synthetic OPC UA server (BENCH_TAGS = 10 000 Double tags, BENCH_RATE_HZ = 1, pushed by
 * exception) → the benchmark collector (OPC UA driver → fsync'd spool → forwarder with COPY →
 * PostgreSQL/TimescaleDB, test/helpers/bench-collector-child.ts) run from its esbuild bundle on
 * plain `node` (collectors/build/bundle.mjs; BENCH_COLLECTOR_TSX=1 runs it under tsx instead;
 * BENCH_COLLECTOR_NODE_ARGS adds V8 flags). After every tag has been stored once and a warm-up,
 * the collector's process.memoryUsage() is sampled every second for BENCH_WINDOW_S (30) s: the
 * report gives RSS right after loading the modules, median and maximum RSS in the window, and
 * the heap/external split, plus the live memory after a full GC at the end (--expose-gc).
 * PostgreSQL as in ingest.bench.ts.
 */
import os from "node:os";
import { migrateDatabase, openDatabase } from "../../db/client";
import { benchPostgres } from "../helpers/bench-postgres";
import { collectorNodeArgs, spawnBenchCollector, spawnSyntheticOpcuaServer, type JsonLineChild } from "../helpers/bench-processes";
import { createScratchPostgres } from "../helpers/test-db";

const TAGS = Number(process.env.BENCH_TAGS ?? 10_000);
const RATE_HZ = Number(process.env.BENCH_RATE_HZ ?? 1);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 5);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 30);
const PUBLISHING_MS = Number(process.env.BENCH_PUBLISHING_MS ?? 100);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: unknown): number => Math.round((Number(bytes) / 1024 / 1024) * 10) / 10;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const started = Date.now();
const server = benchPostgres();
const children: JsonLineChild[] = [];
let exitCode = 0;
try {
  const scratch = await createScratchPostgres(server.url, "aforo_bench_rss");
  const db = await openDatabase({ databaseUrl: scratch.url, applicationName: "aforo-bench" });
  try {
    await migrateDatabase(db);
    const simulator = spawnSyntheticOpcuaServer({ tags: TAGS, rateHz: RATE_HZ, slices: 10 });
    children.push(simulator);
    const ready = await simulator.next((line) => typeof line.endpointUrl === "string", 120_000, "el endpoint");
    const collector = await spawnBenchCollector({ endpointUrl: String(ready.endpointUrl), tags: TAGS, databaseUrl: scratch.url, publishingIntervalMs: PUBLISHING_MS });
    children.push(collector);
    const startedLine = await collector.next((line) => line.event === "started", 60_000, "el arranque del colector");
    await collector.next((line) => line.event === "tick" && Number(line.stored) >= TAGS, 120_000, "el primer valor de cada etiqueta");
    await sleep(WARMUP_S * 1000);
    const from = collector.lines.length;
    await sleep(WINDOW_S * 1000);
    const ticks = collector.lines.slice(from).filter((line) => line.event === "tick");
    const series = (key: string): number[] => ticks.map((tick) => Number(tick[key]));
    collector.send("memory");
    const memory = await collector.next((line) => line.event === "memory", 30_000, "la memoria tras GC");
    const first = ticks[0]!;
    const last = ticks.at(-1)!;
    const after = memory.afterGc as Record<string, number> | null;
    const result = {
      benchmark: "collector-rss",
      node: process.version,
      cpus: os.cpus().length,
      runner: process.env.BENCH_COLLECTOR_TSX === "1" ? "tsx" : "bundle (plain node)",
      nodeArgs: collectorNodeArgs(),
      tags: TAGS,
      rateHz: RATE_HZ,
      rssAfterImportsMb: mb(startedLine.baselineRssBytes),
      rssMedianMb: mb(median(series("rssBytes"))),
      rssMaxMb: mb(Math.max(...series("rssBytes"))),
      target: { rssMb: 200 },
      met: Math.max(...series("rssBytes")) < 200 * 1024 * 1024,
      heapUsedMedianMb: mb(median(series("heapUsedBytes"))),
      heapTotalMedianMb: mb(median(series("heapTotalBytes"))),
      externalMedianMb: mb(median(series("externalBytes"))),
      arrayBuffersMedianMb: mb(median(series("arrayBuffersBytes"))),
      afterFullGc: after ? { rssMb: mb(after.rss), heapUsedMb: mb(after.heapUsed), heapTotalMb: mb(after.heapTotal), externalMb: mb(after.external) } : "run with BENCH_COLLECTOR_NODE_ARGS=--expose-gc",
      valuesPerSecond: Math.round((Number(last.stored) - Number(first.stored)) / Math.max(1, ticks.length - 1)),
      pendingAtEnd: last.pending,
      samples: ticks.length,
      postgresSource: server.source,
      durationS: 0,
    };
    collector.send("stop");
    await collector.next(() => false, 15_000, "la salida").catch(() => undefined);
    result.durationS = Math.round((Date.now() - started) / 100) / 10;
    console.log(JSON.stringify(result, null, 2));
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    await db.close();
    await scratch.drop();
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  server.release();
}
process.exit(exitCode);
