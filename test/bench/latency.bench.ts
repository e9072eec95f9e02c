/**
 * npm run bench:latency — live-value latency: OPC UA sourceTimestamp → socket.io client (JSON).
 *
 * Synthetic OPC UA server (BENCH_TAGS = 10 000 tags, each changing at BENCH_RATE_HZ = 1) → collector
 * process (driver → spool → forwarder: COPY + NOTIFY after commit) → PostgreSQL → realtime gateway
 * (server/realtime/gateway.ts: LISTEN aforo_measurements → socket.io room per installation, on a
 * plain http server, authenticated with a session cookie made by next-auth/jwt `encode`) →
 * socket.io client subscribed to the installation. For every tuple received the latency is
 * receipt time − the reading's source time (one machine, one clock).
 * Prints p50/p99 (target p99 < 250 ms) and the collector's RSS at 10 000 tags (target < 200 MB).
 * Knobs: BENCH_WARMUP_S (5), BENCH_WINDOW_S (15), BENCH_PUBLISHING_MS (100).
 * PostgreSQL as in ingest.bench.ts (BENCH_DATABASE_URL / TEST_DATABASE_URL / .ci/db-local.sh).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { io as connect, type Socket } from "socket.io-client";
import { migrateDatabase, openDatabase } from "../../db/client";
import type { MeasurementsPayload } from "../../server/contracts/realtime";
import { createLogger } from "../../server/platform/logger";
import { startRealtimeGateway } from "../../server/realtime/gateway";
import { benchPostgres } from "../helpers/bench-postgres";
import { spawnBenchCollector, spawnSyntheticOpcuaServer, type JsonLineChild } from "../helpers/bench-processes";
import { LatencyHistogram } from "../helpers/latency-histogram";
import { createScratchPostgres } from "../helpers/test-db";
import { createTestSession } from "../helpers/sessions";
import { seedCatalogs } from "../../db/seed/catalogs";

const TAGS = Number(process.env.BENCH_TAGS ?? 10_000);
const RATE_HZ = Number(process.env.BENCH_RATE_HZ ?? 1);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 5);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 15);
const PUBLISHING_MS = Number(process.env.BENCH_PUBLISHING_MS ?? 100);
const PREFIX = "SYN-0001";
const SECRET = "bench-secret-bench-secret-bench-secret-0123456789";
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: unknown): number => Math.round((Number(bytes) / 1024 / 1024) * 10) / 10;

const started = Date.now();
const server = benchPostgres();
const children: JsonLineChild[] = [];
let exitCode = 0;
try {
  const scratch = await createScratchPostgres(server.url, "aforo_bench_latency");
  const db = await openDatabase({ databaseUrl: scratch.url, applicationName: "aforo-bench-gateway" });
  const httpServer = http.createServer();
  let socket: Socket | null = null;
  let gateway: Awaited<ReturnType<typeof startRealtimeGateway>> | null = null;
  try {
    await migrateDatabase(db);
    gateway = await startRealtimeGateway({
      httpServer,
      db,
      authSecret: SECRET,
      logger: createLogger("silent"),
      now: () => new Date(),
      idleTimeoutS: 600,
      installationExists: async (key) => key === PREFIX,
    });
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    await seedCatalogs(db);
    const { cookie } = await createTestSession(db, { username: "operador", role: "operador", secret: SECRET });
    const client = connect(url, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false });
    socket = client;
    await new Promise<void>((resolve, reject) => {
      client.on("connect", () => resolve());
      client.on("connect_error", reject);
    });
    const ack = (await client.emitWithAck("subscribe", { installationKey: PREFIX })) as { ok: boolean };
    if (!ack.ok) throw new Error(`suscripción rechazada: ${JSON.stringify(ack)}`);

    const latency = new LatencyHistogram();
    let received = 0;
    let measuring = false;
    client.on("measurements", (payload: MeasurementsPayload) => {
      const now = Date.now();
      received += payload.v.length;
      if (!measuring) return;
      for (const [, isoTime] of payload.v) latency.add(now - Date.parse(isoTime));
    });

    const simulator = spawnSyntheticOpcuaServer({ tags: TAGS, rateHz: RATE_HZ, slices: 10, prefix: PREFIX });
    children.push(simulator);
    const ready = await simulator.next((line) => typeof line.endpointUrl === "string", 120_000, "el endpoint");
    const collector = await spawnBenchCollector({ endpointUrl: String(ready.endpointUrl), tags: TAGS, prefix: PREFIX, databaseUrl: scratch.url, publishingIntervalMs: PUBLISHING_MS });
    children.push(collector);
    await collector.next((line) => line.event === "started", 60_000, "el arranque del colector");
    await collector.next((line) => line.event === "tick" && Number(line.stored) >= TAGS, 120_000, "el primer valor de cada etiqueta");
    const subscribedS = (Date.now() - started) / 1000;
    await sleep(WARMUP_S * 1000);
    collector.send("measure");
    measuring = true;
    const receivedAtStart = received;
    const windowStart = Date.now();
    await sleep(WINDOW_S * 1000);
    measuring = false;
    const windowS = (Date.now() - windowStart) / 1000;
    collector.send("report");
    const report = await collector.next((line) => line.event === "report", 30_000, "el informe del colector");
    const summary = latency.summary();
    const rssMb = mb(report.rssMaxBytes);
    const result = {
      benchmark: "latency",
      node: process.version,
      cpus: os.cpus().length,
      tags: TAGS,
      rateHz: RATE_HZ,
      p50Ms: summary.p50Ms,
      p99Ms: summary.p99Ms,
      collectorRssMb: rssMb,
      targets: { p99Ms: 250, collectorRssMb: 200 },
      met: { p99: summary.p99Ms !== null && summary.p99Ms < 250, collectorRss: rssMb < 200 },
      socket: { ...summary, receivedPerSecond: Math.round((received - receivedAtStart) / windowS) },
      ingest: { lag: report.lag, valuesPerSecond: report.valuesPerSecond },
      collector: { rssMb: mb(report.rssBytes), rssMaxMb: rssMb, rssAfterImportsMb: mb(report.baselineRssBytes), heapUsedMb: mb(report.heapUsedBytes), publishingIntervalMs: PUBLISHING_MS },
      window: { seconds: Math.round(windowS * 10) / 10, warmupSeconds: WARMUP_S },
      subscribedAfterS: Math.round(subscribedS * 10) / 10,
      postgresSource: server.source,
      durationS: 0,
    };
    collector.send("stop");
    await collector.next(() => false, 15_000, "la salida").catch(() => undefined);
    result.durationS = Math.round((Date.now() - started) / 100) / 10;
    console.log(JSON.stringify(result, null, 2));
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    socket?.disconnect();
    await gateway?.close();
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
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
