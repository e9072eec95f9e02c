/**
 * npm run bench:e2e — OPC UA → collector → PostgreSQL+TimescaleDB, sustained (prints JSON).
 *
 * Three processes, as deployed: a synthetic OPC UA server (BENCH_TAGS = 10 000 Double tags, every
 * tag pushed by exception with setValueFromSource, updates spread over 10 ticks per period), a
 * collector (OPC UA driver → disk spool with fsync → forwarder with COPY, test/helpers/
 * bench-collector-child.ts) and this orchestrator. Two measurement windows, after the subscription
 * is up and a warm-up:
 *   1. nominal: every tag at BENCH_RATE_HZ (1 Hz) — 10 000 values/s;
 *   2. load: every tag at BENCH_LOAD_RATE_HZ (3 Hz) — 30 000 values/s offered, since 10 000 tags
 *      at 1 Hz cannot show the 20 000 values/s target.
 * Each reports values/s committed to `measurements` and the ingest lag (OPC UA sourceTimestamp →
 * COMMIT of the row) p50/p99, plus the collector's RSS. Top-level `valuesPerSecond` and
 * `ingestLagP99Ms` are the load window's (targets ≥ 20 000 values/s, p99 < 1 s on 2 cores).
 * Knobs: BENCH_WARMUP_S (5), BENCH_WINDOW_S (8 per window), BENCH_PUBLISHING_MS (100: the
 * driver's OPC UA publishing interval). PostgreSQL as in ingest.bench.ts.
 */
import os from "node:os";
import { migrateDatabase, openDatabase } from "../../db/client";
import { benchPostgres } from "../helpers/bench-postgres";
import { spawnBenchCollector, spawnSyntheticOpcuaServer, type JsonLineChild } from "../helpers/bench-processes";
import { createScratchPostgres } from "../helpers/test-db";

const TAGS = Number(process.env.BENCH_TAGS ?? 10_000);
const RATE_HZ = Number(process.env.BENCH_RATE_HZ ?? 1);
const LOAD_RATE_HZ = Number(process.env.BENCH_LOAD_RATE_HZ ?? 3);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 5);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 8);
const PUBLISHING_MS = Number(process.env.BENCH_PUBLISHING_MS ?? 100);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: unknown): number => Math.round((Number(bytes) / 1024 / 1024) * 10) / 10;

const started = Date.now();
const server = benchPostgres();
const children: JsonLineChild[] = [];
let exitCode = 0;
try {
  const scratch = await createScratchPostgres(server.url, "aforo_bench_e2e");
  const db = await openDatabase({ databaseUrl: scratch.url, applicationName: "aforo-bench" });
  try {
    const capabilities = await migrateDatabase(db);
    const simulator = spawnSyntheticOpcuaServer({ tags: TAGS, rateHz: RATE_HZ, slices: 10 });
    children.push(simulator);
    const ready = await simulator.next((line) => typeof line.endpointUrl === "string", 120_000, "el endpoint");
    const simulatorReadyS = (Date.now() - started) / 1000;
    const collector = await spawnBenchCollector({ endpointUrl: String(ready.endpointUrl), tags: TAGS, databaseUrl: scratch.url, publishingIntervalMs: PUBLISHING_MS });
    children.push(collector);
    await collector.next((line) => line.event === "started", 60_000, "el arranque del colector");
    // Subscribed once every tag has been stored at least once (the initial values).
    await collector.next((line) => line.event === "tick" && Number(line.stored) >= TAGS, 120_000, "el primer valor de cada etiqueta");
    const subscribedS = (Date.now() - started) / 1000;
    await sleep(WARMUP_S * 1000);
    const publishedAt = (): { published: number; atMs: number } => {
      const tick = [...simulator.lines].reverse().find((line) => typeof line.published === "number");
      return { published: Number(tick?.published ?? 0), atMs: Date.now() };
    };
    let reports = 0;
    async function measureWindow(rateHz: number) {
      collector.send("measure");
      const start = publishedAt();
      await sleep(WINDOW_S * 1000);
      collector.send("report");
      const end = publishedAt();
      reports += 1;
      const wanted = reports;
      let seen = 0;
      const report = await collector.next((line) => line.event === "report" && ++seen === wanted, 30_000, "el informe");
      const lag = report.lag as { p50Ms: number | null; p99Ms: number | null };
      return {
        rateHz,
        offeredValuesPerSecond: TAGS * rateHz,
        simulatorPublishedPerSecond: Math.round((end.published - start.published) / ((end.atMs - start.atMs) / 1000)),
        receivedPerSecond: Number(report.receivedPerSecond),
        valuesPerSecond: Number(report.valuesPerSecond),
        ingestLagP50Ms: lag.p50Ms,
        ingestLagP99Ms: lag.p99Ms,
        lag: report.lag,
        collectorRssMaxMb: mb(report.rssMaxBytes),
        windowS: report.windowS,
        databaseBatches: report.databaseBatches,
        pendingAtEnd: report.pendingAtEnd,
        failedAttempts: report.failedAttempts,
        baselineRssBytes: report.baselineRssBytes,
      };
    }
    const nominal = await measureWindow(RATE_HZ);
    simulator.send(`rate ${LOAD_RATE_HZ}`);
    await sleep(3000);
    const load = await measureWindow(LOAD_RATE_HZ);
    const lastSimulatorTick = [...simulator.lines].reverse().find((line) => typeof line.published === "number");
    const [{ n: rows } = { n: 0 }] = await db.query<{ n: number }>("select count(*)::int as n from measurements");
    const result = {
      benchmark: "e2e",
      node: process.version,
      cpus: os.cpus().length,
      tags: TAGS,
      valuesPerSecond: load.valuesPerSecond,
      ingestLagP50Ms: load.ingestLagP50Ms,
      ingestLagP99Ms: load.ingestLagP99Ms,
      collectorRssMb: nominal.collectorRssMaxMb,
      targets: { valuesPerSecond: 20_000, ingestLagP99Ms: 1000 },
      met: { valuesPerSecond: load.valuesPerSecond >= 20_000, ingestLagP99: load.ingestLagP99Ms !== null && load.ingestLagP99Ms < 1000 },
      nominal: { ...nominal, baselineRssBytes: undefined },
      load: { ...load, baselineRssBytes: undefined },
      collector: { rssAfterImportsMb: mb(nominal.baselineRssBytes), publishingIntervalMs: PUBLISHING_MS },
      simulator: { published: lastSimulatorTick?.published ?? null, rssMb: mb(lastSimulatorTick?.rssBytes), readyAfterS: Math.round(simulatorReadyS * 10) / 10 },
      subscribedAfterS: Math.round(subscribedS * 10) / 10,
      rowsInDatabase: rows,
      timescaledb: capabilities,
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
