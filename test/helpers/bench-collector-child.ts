/**
 * A collector process for the benchmarks: OPC UA driver → durable sink (spool + forwarder with
 * COPY) → PostgreSQL, the production path, alone in its process so that its RSS is its own.
 * It reports its resident memory right after loading its modules (`baselineRssBytes`) too.
 *
 *   node --import tsx test/helpers/bench-collector-child.ts '<json config>'
 *
 * stdout, one JSON object per line:
 *   {"event":"started"}
 *   {"event":"tick","rssBytes":…,"pushed":…,"stored":…,"pending":…,"driver":"connected"}   every second
 *   {"event":"report",…}   answer to the stdin command `report`
 * stdin commands (one per line): `measure` (start the measurement window: lag histogram and
 * counters reset), `report`, `stop` (stop the driver, close the sink, exit), `memory` (prints
 * `{"event":"memory",…}`: process.memoryUsage() before and — when run with --expose-gc — after a
 * full GC, to tell live memory from garbage), `heap-snapshot PATH` (v8.writeHeapSnapshot).
 * Ingest lag = wall clock right after COMMIT − the reading's OPC UA sourceTimestamp.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { writeHeapSnapshot } from "node:v8";
import { createInterface } from "node:readline";
import os from "node:os";
import path from "node:path";
import { createOpcuaDriver } from "../../collectors/drivers/opcua/opcua-driver";
import { openMeasurementSink } from "../../collectors/sink/measurement-sink";
import { LatencyHistogram } from "./latency-histogram";
import { syntheticTags } from "./synthetic-opcua-server";

interface CollectorChildConfig {
  endpointUrl: string;
  tags: number;
  prefix?: string;
  databaseUrl: string;
  collectorKey?: string;
  samplingIntervalMs?: number;
  publishingIntervalMs?: number;
  queueSize?: number;
  maxBatch?: number;
}

const config = JSON.parse(process.argv[2] ?? "{}") as CollectorChildConfig;
const baselineRssBytes = process.memoryUsage().rss;
const print = (value: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};

const spoolRoot = mkdtempSync(path.join(os.tmpdir(), "aforo-bench-collector-"));
// Only the database URL: the forwarder opens its own connection (COPY), so this process loads
// neither the ORM nor PGlite — a collector as deployed at a site.
const lag = new LatencyHistogram();
let stored = 0;
let storedInWindow = 0;
let pushed = 0;
let pushedInWindow = 0;
let measuring = false;
let windowStartMs = 0;
let rssMaxInWindow = 0;
let batchesInWindow = 0;

const sink = await openMeasurementSink(null, {
  spoolDir: path.join(spoolRoot, "spool", config.collectorKey ?? "BENCH-OPCUA"),
  collectorKey: config.collectorKey ?? "BENCH-OPCUA",
  databaseUrl: config.databaseUrl,
  maxBatch: config.maxBatch ?? 10_000,
  onStored: (event) => {
    stored += event.rows;
    if (!measuring) return;
    storedInWindow += event.rows;
    batchesInWindow += 1;
    for (const record of event.records) for (const ms of record.columns.timeMs) lag.add(event.committedAtMs - ms);
  },
});
const driver = createOpcuaDriver({
  endpointUrl: config.endpointUrl,
  tags: syntheticTags(config.tags, config.prefix),
  samplingIntervalMs: config.samplingIntervalMs ?? 0,
  publishingIntervalMs: config.publishingIntervalMs ?? 100,
  queueSize: config.queueSize ?? 5,
  pkiDir: path.join(os.tmpdir(), "aforo-opcua-pki", "bench-collector"),
  requestTimeoutMs: 60_000,
});
await driver.start((readings) => {
  pushed += readings.length;
  if (measuring) pushedInWindow += readings.length;
  void sink.push(readings);
});
print({ event: "started", pid: process.pid, baselineRssBytes });

const ticker = setInterval(() => {
  const rss = process.memoryUsage().rss;
  if (measuring) rssMaxInWindow = Math.max(rssMaxInWindow, rss);
  const stats = sink.stats();
  const memory = process.memoryUsage();
  print({ event: "tick", rssBytes: rss, heapTotalBytes: memory.heapTotal, heapUsedBytes: memory.heapUsed, externalBytes: memory.external, arrayBuffersBytes: memory.arrayBuffers, pushed, stored, pending: stats.pending, driver: driver.status.state, failedAttempts: stats.failedAttempts });
}, 1000);

async function stop(): Promise<void> {
  clearInterval(ticker);
  await driver.stop().catch(() => undefined);
  await sink.close().catch(() => undefined);
  rmSync(spoolRoot, { recursive: true, force: true });
  process.exit(0);
}

createInterface({ input: process.stdin }).on("line", (line) => {
  const command = line.trim();
  if (command === "measure") {
    measuring = true;
    windowStartMs = Date.now();
    lag.reset();
    storedInWindow = 0;
    pushedInWindow = 0;
    batchesInWindow = 0;
    rssMaxInWindow = process.memoryUsage().rss;
  } else if (command === "report") {
    const windowS = (Date.now() - windowStartMs) / 1000;
    const stats = sink.stats();
    print({
      event: "report",
      windowS: Math.round(windowS * 10) / 10,
      pushedInWindow,
      storedInWindow,
      valuesPerSecond: Math.round(storedInWindow / windowS),
      receivedPerSecond: Math.round(pushedInWindow / windowS),
      databaseBatches: batchesInWindow,
      lag: lag.summary(),
      rssBytes: process.memoryUsage().rss,
      rssMaxBytes: Math.max(rssMaxInWindow, process.memoryUsage().rss),
      baselineRssBytes,
      heapUsedBytes: process.memoryUsage().heapUsed,
      pendingAtEnd: stats.pending,
      failedAttempts: stats.failedAttempts,
      spool: stats.spool ? { usedBytes: stats.spool.usedBytes, segments: stats.spool.segments } : null,
    });
  } else if (command === "memory") {
    const before = process.memoryUsage();
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    print({ event: "memory", before, afterGc: gc ? process.memoryUsage() : null });
  } else if (command.startsWith("heap-snapshot ")) {
    print({ event: "heap-snapshot", file: writeHeapSnapshot(command.slice("heap-snapshot ".length).trim()) });
  } else if (command === "stop") {
    void stop();
  }
});
process.on("SIGTERM", () => void stop());
