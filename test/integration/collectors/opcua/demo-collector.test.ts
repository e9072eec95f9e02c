import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpcuaDriver } from "../../../../collectors/drivers/opcua/opcua-driver";
import { startCollector, type RunningCollector } from "../../../../collectors/main";
import { siteOpcuaTags, startOpcuaSiteServer, type OpcuaSiteServer } from "../../../../collectors/simulators/opcua-site-server";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { MEASUREMENTS_CHANNEL, measurementNotificationSchema, type Reading } from "../../../../server/contracts/measurement";
import { TANK_VARIABLES, tagName } from "../../../../server/contracts/site";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../helpers/test-db";

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
const ALL_TAGS = siteOpcuaTags(DEMO_SITE);

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timeout (${timeoutMs} ms) waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

describe.each(testEngines)("OPC UA demo site → collector → measurements (%s)", (engine) => {
  let testDb: TestDatabase;
  let pkiRoot: string;
  let simulator: OpcuaSiteServer | null = null;
  let collector: RunningCollector | null = null;

  beforeAll(async () => {
    testDb = await openTestDatabase(engine);
    pkiRoot = await mkdtemp(path.join(os.tmpdir(), "aforo-opcua-test-"));
  });

  afterAll(async () => {
    await collector?.stop();
    await simulator?.stop();
    await testDb?.close();
    if (pkiRoot) await rm(pkiRoot, { recursive: true, force: true });
  });

  it("stores every demo tag, notifies listeners, and resumes after the OPC UA server restarts", async () => {
    const { db } = testDb;
    const notifications: string[] = [];
    const unlisten = await db.listen(MEASUREMENTS_CHANNEL, (payload) => notifications.push(payload));

    const simStarted = performance.now();
    simulator = await startOpcuaSiteServer({ site: DEMO_SITE, port: 0, host: "127.0.0.1", seed: 42, pkiDir: path.join(pkiRoot, "sim"), logger });
    const simulatorStartupMs = performance.now() - simStarted;
    expect(simulator.port).toBeGreaterThan(0);
    expect(simulator.endpointUrl).toBe(`opc.tcp://127.0.0.1:${simulator.port}`);
    expect(simulator.tags).toHaveLength(36);
    expect(simulator.tags[0]!.nodeId).toBe(`ns=${simulator.namespaceIndex};s=EDS-0001/TQS-EDS-0001/level_mm`);

    const collectorStarted = performance.now();
    collector = await startCollector({
      db,
      // The nsu= form: the driver resolves the namespace index from the server's NamespaceArray.
      tags: ALL_TAGS,
      endpointUrl: simulator.endpointUrl,
      logger,
      driver: { pkiDir: path.join(pkiRoot, "collector") },
      sink: { flushIntervalMs: 200 },
    });
    await waitFor(async () => (await db.query<{ n: number }>("select count(*)::int as n from measurements"))[0]!.n > 0, 15_000, "first row");
    const firstStoredMs = performance.now() - collectorStarted;
    await waitFor(
      async () => (await db.query<{ n: number }>("select count(distinct tag)::int as n from measurements where quality = 0"))[0]!.n === 36,
      15_000,
      "all 36 tags",
    );
    const allTagsMs = performance.now() - collectorStarted;

    // Stored values are the simulator's gauges: truth ± noise (plus at most a couple of ticks of movement).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const latest = await db.query<{ tag: string; value: number; quality: number; time: Date }>(
      "select distinct on (tag) tag, value, quality, time from measurements order by tag, time desc",
    );
    const byTag = new Map(latest.map((row) => [row.tag, row]));
    const state = simulator.model.state;
    for (const tank of state.tanks) {
      const tolerance = { level_mm: 3, temperature_c: 0.06, water_level_mm: 0.31, density_kg_m3: 0.06 } as const;
      const truth = {
        level_mm: tank.truth.levelMm,
        temperature_c: tank.truth.temperatureC,
        water_level_mm: tank.truth.waterLevelMm,
        density_kg_m3: tank.truth.densityKgM3,
      };
      for (const variable of TANK_VARIABLES) {
        const row = byTag.get(tagName(tank.spec.installationKey, tank.spec.tankKey, variable));
        expect(row, variable).toBeDefined();
        expect(row!.quality).toBe(0);
        expect(Math.abs(row!.value - truth[variable]), `${tank.spec.tankKey} ${variable}`).toBeLessThanOrEqual(tolerance[variable]);
        expect(Math.abs(row!.time.getTime() - state.timeMs)).toBeLessThan(5000);
      }
    }
    const dirty = await db.query<{ rollup: string; dirty_from: Date | null }>("select rollup, dirty_from from rollup_state order by rollup");
    expect(dirty.map((r) => r.rollup).sort()).toEqual(["1d", "1h", "1m"]);
    for (const row of dirty) expect(row.dirty_from).not.toBeNull();

    // NOTIFY: payloads with the latest value per tag.
    await waitFor(async () => notifications.length > 0, 5000, "a notification");
    const notified = new Set<string>();
    for (const payload of notifications) {
      expect(Buffer.byteLength(payload)).toBeLessThan(7900);
      for (const [tag, time, value, quality] of measurementNotificationSchema.parse(JSON.parse(payload)).v) {
        notified.add(tag);
        expect(Number.isNaN(Date.parse(time))).toBe(false);
        expect(Number.isFinite(value)).toBe(true);
        expect(quality).toBe(0);
      }
    }
    expect(notified.size).toBe(36);

    // Restart the server on the same port: the collector marks the gap and resumes.
    const port = simulator.port;
    const statuses: string[] = [];
    collector.driver.onStatus((status) => statuses.push(status.state));
    await simulator.stop();
    const stoppedAt = Date.now();
    await waitFor(async () => collector!.driver.status.state === "disconnected", 10_000, "disconnected status");
    await waitFor(
      async () =>
        (await db.query<{ n: number }>("select count(distinct tag)::int as n from measurements where quality = 2 and time >= $1", [new Date(stoppedAt - 1000)]))[0]!.n === 36,
      5000,
      "BAD readings marking the outage",
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const restartedAt = Date.now();
    simulator = await startOpcuaSiteServer({ site: DEMO_SITE, port, host: "127.0.0.1", seed: 43, pkiDir: path.join(pkiRoot, "sim"), logger });
    const serverUpAt = Date.now();
    await waitFor(
      async () => (await db.query<{ n: number }>("select count(*)::int as n from measurements where quality = 0 and time >= $1", [new Date(restartedAt)]))[0]!.n > 0,
      30_000,
      "first value after restart",
    );
    const reconnectMs = Date.now() - restartedAt;
    const reconnectAfterServerUpMs = Date.now() - serverUpAt;
    await waitFor(
      async () =>
        (await db.query<{ n: number }>("select count(distinct tag)::int as n from measurements where quality = 0 and time >= $1", [new Date(restartedAt)]))[0]!.n === 36,
      15_000,
      "all tags after restart",
    );
    expect(collector.driver.status.state).toBe("connected");
    expect(statuses).toContain("disconnected");
    expect(statuses.at(-1)).toBe("connected");

    const stats = collector.sink.stats();
    expect(stats.failedAttempts).toBe(0);
    await unlisten();
    await collector.stop();
    expect(collector.sink.stats().pending).toBe(0);
    collector = null;

    console.info(
      JSON.stringify({
        engine,
        simulatorStartupMs: Math.round(simulatorStartupMs),
        firstStoredMs: Math.round(firstStoredMs),
        allTagsStoredMs: Math.round(allTagsMs),
        reconnectAfterRestartMs: reconnectMs,
        reconnectAfterServerUpMs,
        rows: (await db.query<{ n: number }>("select count(*)::int as n from measurements"))[0]!.n,
        notifications: notifications.length,
      }),
    );
  });

  it("reads the simulator over Basic256Sha256 SignAndEncrypt", async () => {
    if (!simulator) throw new Error("simulator not running");
    const readings: Reading[] = [];
    const driver = createOpcuaDriver({
      endpointUrl: simulator.endpointUrl,
      tags: simulator.tags,
      securityMode: "SignAndEncrypt",
      securityPolicy: "Basic256Sha256",
      pkiDir: path.join(pkiRoot, "secure-collector"),
      // Demo simulator only: its certificate is trusted the first time it is seen.
      trustOnFirstUse: true,
      logger,
    });
    await driver.start((batch) => readings.push(...batch));
    try {
      await waitFor(async () => new Set(readings.filter((r) => r.quality === 0).map((r) => r.tag)).size === 36, 20_000, "36 tags over SignAndEncrypt");
      expect(driver.status.state).toBe("connected");
    } finally {
      await driver.stop();
    }
    const count = readings.length;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(readings.length).toBe(count);
  });

  it("starts before its server: reports BAD readings while it cannot connect, then reads once the server is up", async () => {
    const port = await freePort();
    const readings: Reading[] = [];
    const driver = createOpcuaDriver({
      endpointUrl: `opc.tcp://127.0.0.1:${port}`,
      tags: ALL_TAGS,
      pkiDir: path.join(pkiRoot, "early-collector"),
      maxBackoffMs: 2000,
      logger,
    });
    await driver.start((batch) => readings.push(...batch));
    let late: OpcuaSiteServer | null = null;
    try {
      await waitFor(async () => driver.status.state === "disconnected", 10_000, "disconnected status");
      expect(readings.filter((r) => r.quality === 2)).toHaveLength(36);
      late = await startOpcuaSiteServer({ site: DEMO_SITE, port, host: "127.0.0.1", seed: 7, pkiDir: path.join(pkiRoot, "sim"), logger });
      const upAt = Date.now();
      await waitFor(async () => new Set(readings.filter((r) => r.quality === 0).map((r) => r.tag)).size === 36, 20_000, "36 tags");
      console.info(JSON.stringify({ engine, firstConnectAfterServerUpMs: Date.now() - upAt }));
      expect(driver.status.state).toBe("connected");
    } finally {
      await driver.stop();
      await late?.stop();
    }
  });
});
