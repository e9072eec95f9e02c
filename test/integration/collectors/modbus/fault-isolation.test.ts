import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModbusDriver, type ModbusDeviceStatus, type ModbusDriver } from "../../../../collectors/drivers/modbus/modbus-driver";
import { demoModbusCollectorConfig, startModbusSiteServer, type ModbusSiteServer } from "../../../../collectors/simulators/modbus-site-server";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import type { Site } from "../../../../server/contracts/site";
import { QUALITY_BAD, QUALITY_GOOD, type Reading } from "../../../../server/contracts/measurement";
import { freePort, sleep, startBlackHole, waitFor } from "./peers";

/**
 * (c) One dead device must not delay another (research anchors §2.2: a Modbus queue that stalls
 * on one slave timeout). Four ways to be dead, all in the same driver as one healthy dispenser:
 *   - a unit id on the simulator's port that never answers (fault "dead", socket stays open),
 *   - a port where nothing listens (connection refused),
 *   - a server that accepts the connection and never replies (hung device),
 *   - a unit id the gateway does not know (exception 0A, immediate).
 * The healthy device's readings must keep their interval while the others time out and reconnect.
 */

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
const INTERVAL_MS = 200;
const TIMEOUT_MS = 300;
/** Timer jitter of a loaded CI machine; the dead devices' 300 ms timeouts must not show up here. */
const SLACK_MS = 100;
const HEALTHY_TAG = "EDS-0001/DISP-0001-MGA-0001/volume_total_l";

describe("Modbus fault isolation: a dead device never stalls a healthy one", () => {
  let sim: ModbusSiteServer;
  let blackHole: Awaited<ReturnType<typeof startBlackHole>>;
  let driver: ModbusDriver | null = null;

  beforeAll(async () => {
    sim = await startModbusSiteServer({ site: DEMO_SITE, port: 0, tickMs: 100, speed: 60, seed: 3, logger });
    blackHole = await startBlackHole();
  });

  afterAll(async () => {
    await driver?.stop();
    await sim?.stop();
    await blackHole?.stop();
  });

  it("A30-MS-19 keeps the healthy device's interval while four dead ones report BAD once and say why (A30-MS-15)", async () => {
    const refusedPort = await freePort();
    const dispenser = (key: string, port: number, unitId: number) => ({
      key,
      host: "127.0.0.1",
      port,
      unitId,
      timeoutMs: TIMEOUT_MS,
      pollGroups: [
        {
          intervalMs: INTERVAL_MS,
          items: [
            { tag: `${key}/volume_total_l`, table: "holding" as const, address: 0, type: "float64" as const },
            { tag: `${key}/flow_lpm`, table: "holding" as const, address: 8, type: "float32" as const },
          ],
        },
      ],
    });
    const healthy = {
      ...dispenser("healthy", sim.port, 2),
      pollGroups: [
        {
          intervalMs: INTERVAL_MS,
          items: [
            { tag: HEALTHY_TAG, table: "holding" as const, address: 0, type: "float64" as const },
            { tag: "EDS-0001/DISP-0001-MGA-0001/in_operation", table: "discrete" as const, address: 0 },
          ],
        },
      ],
    };
    sim.setUnitFault(3, { kind: "dead" }); // SMD-DISP-0002

    const arrivals: Array<{ atMs: number; reading: Reading }> = [];
    const statusLog: ModbusDeviceStatus[] = [];
    driver = createModbusDriver({
      config: {
        kind: "modbus",
        devices: [
          healthy,
          dispenser("dead-unit", sim.port, 3),
          dispenser("refused", refusedPort, 1),
          dispenser("black-hole", blackHole.port, 1),
          dispenser("unknown-unit", sim.port, 99),
        ],
      },
      logger,
      initialBackoffMs: 100,
      maxBackoffMs: 800,
    });
    driver.onDeviceStatus((status) => statusLog.push(status));
    const startedMs = performance.now();
    await driver.start((batch) => {
      const atMs = performance.now();
      for (const reading of batch) arrivals.push({ atMs, reading });
    });
    expect(performance.now() - startedMs).toBeLessThan(50); // start returns at once

    await sleep(4000);

    const healthyTimes = arrivals.filter((a) => a.reading.tag === HEALTHY_TAG).map((a) => a.atMs);
    expect(arrivals.filter((a) => a.reading.tag === HEALTHY_TAG).every((a) => a.reading.quality === QUALITY_GOOD)).toBe(true);
    const firstGoodMs = healthyTimes[0]! - startedMs;
    const gaps = healthyTimes.slice(1).map((t, i) => t - healthyTimes[i]!);
    const maxGapMs = Math.max(...gaps);
    console.log(
      JSON.stringify({
        figure: "modbus-healthy-device-during-dead-device-outage",
        intervalMs: INTERVAL_MS,
        deadDevices: 4,
        windowMs: 4000,
        readings: healthyTimes.length,
        firstReadingMs: Math.round(firstGoodMs),
        maxGapMs: Math.round(maxGapMs),
        meanGapMs: Math.round(gaps.reduce((a, b) => a + b, 0) / gaps.length),
        blackHoleConnections: blackHole.connections(),
      }),
    );
    expect(firstGoodMs).toBeLessThan(INTERVAL_MS);
    expect(healthyTimes.length).toBeGreaterThanOrEqual(Math.floor(4000 / INTERVAL_MS) - 1);
    expect(maxGapMs).toBeLessThanOrEqual(INTERVAL_MS + SLACK_MS);

    const statuses = Object.fromEntries(driver.deviceStatuses().map((s) => [s.key, s]));
    expect(statuses.healthy).toMatchObject({ state: "connected", detail: null });
    expect(statuses.healthy!.counters.timeouts).toBe(0);
    expect(statuses["dead-unit"]).toMatchObject({ state: "disconnected", detail: expect.stringMatching(/sin respuesta de la unidad 3 en 300 ms/) });
    expect(statuses.refused).toMatchObject({ state: "disconnected", detail: expect.stringMatching(/conexión rechazada \(nadie escucha en 127\.0\.0\.1:\d+\)/) });
    expect(statuses["black-hole"]).toMatchObject({ state: "disconnected", detail: expect.stringMatching(/sin respuesta de la unidad 1 en 300 ms/) });
    expect(statuses["unknown-unit"]).toMatchObject({ state: "disconnected", detail: expect.stringMatching(/excepción 10 \(ruta del gateway no disponible\)/) });
    // The black hole and the dead unit keep being retried, with backoff (not hammered).
    expect(statuses["black-hole"]!.counters.connects).toBeGreaterThanOrEqual(2);
    expect(statuses["black-hole"]!.counters.connects).toBeLessThanOrEqual(8);
    expect(driver.status.state).toBe("disconnected");
    expect(driver.status.detail).toMatch(/sin comunicación con 4 de 5 dispositivos Modbus/);

    // Exactly one BAD reading per tag of each dead device (once per outage), none for the healthy one.
    for (const key of ["dead-unit", "refused", "black-hole", "unknown-unit"]) {
      for (const variable of ["volume_total_l", "flow_lpm"]) {
        const tag = `${key}/${variable}`;
        const forTag = arrivals.filter((a) => a.reading.tag === tag);
        expect({ tag, bad: forTag.filter((a) => a.reading.quality === QUALITY_BAD).length, total: forTag.length }).toEqual({ tag, bad: 1, total: 1 });
      }
    }

    // The dead unit comes back: it is found again within the capped backoff and reads good values.
    sim.setUnitFault(3, null);
    await waitFor(() => driver!.deviceStatuses().find((s) => s.key === "dead-unit")?.state === "connected", 3000, "reconexión de la unidad 3");
    await waitFor(
      () => arrivals.some((a) => a.reading.tag === "dead-unit/volume_total_l" && a.reading.quality === QUALITY_GOOD),
      2000,
      "una lectura buena de la unidad 3",
    );
    const recovered = arrivals.filter((a) => a.reading.tag === "dead-unit/volume_total_l" && a.reading.quality === QUALITY_GOOD).at(-1)!;
    // DISP-0002 hose 1's totalizer: its fixed start (3rd meter: 3 000 000.25 L) plus what it sold.
    expect(recovered.reading.value).toBeGreaterThanOrEqual(3_000_000.25);
    expect(statusLog.some((s) => s.key === "dead-unit" && s.state === "connected")).toBe(true);
  });

  it("A30-MS-19 with 16 dispensers, one going silent leaves the other 15 without a gap > 1 polling interval", async () => {
    // The demo service station with 16 dispensers (2 hoses each) behind one gateway port.
    const station = DEMO_SITE.installations[0]!;
    const site: Site = {
      ...DEMO_SITE,
      installations: [
        {
          ...station,
          dispensers: Array.from({ length: 16 }, (_, i) => {
            const key = `DISP-${String(i + 1).padStart(4, "0")}`;
            return { key, measurementSystemKey: `SMD-${key}`, hoses: [{ key: `${key}-MGA-0001`, tankKey: "TQS-EDS-0001" }, { key: `${key}-MGA-0002`, tankKey: "TQS-EDS-0003" }] };
          }),
        },
      ],
    };
    const big = await startModbusSiteServer({ site, port: 0, tickMs: 200, seed: 16, logger });
    const config = demoModbusCollectorConfig(site, big.port, { intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS });
    expect(config.devices).toHaveLength(16);
    const victim = config.devices[6]!; // SMD-DISP-0007
    const arrivals = new Map<string, number[]>();
    const bad = new Map<string, number>();
    const bigDriver = createModbusDriver({ config, logger, initialBackoffMs: 100, maxBackoffMs: 800 });
    try {
      await bigDriver.start((batch) => {
        const atMs = performance.now();
        for (const r of batch) {
          if (r.quality === QUALITY_BAD) bad.set(r.tag, (bad.get(r.tag) ?? 0) + 1);
          else if (r.tag.endsWith("-MGA-0001/volume_total_l")) arrivals.set(r.tag, [...(arrivals.get(r.tag) ?? []), atMs]);
        }
      });
      await waitFor(() => bigDriver.status.state === "connected", 3000, "16 dispensarios conectados");
      await sleep(1000);
      const cutAtMs = performance.now();
      big.setUnitFault(victim.unitId, { kind: "dead" });
      await sleep(3000);

      const victimStatus = bigDriver.deviceStatuses().find((s) => s.key === victim.key)!;
      expect(victimStatus).toMatchObject({ state: "disconnected", detail: expect.stringMatching(/sin respuesta de la unidad 8 en 300 ms/) });
      expect(bigDriver.status.detail).toMatch(/sin comunicación con 1 de 16 dispositivos Modbus: EDS-0001\/SMD-DISP-0007/);
      const victimTags = victim.pollGroups.flatMap((g) => g.items.map((i) => i.tag));
      expect(victimTags.map((tag) => bad.get(tag) ?? 0)).toEqual(victimTags.map(() => 1));

      let worstGapMs = 0;
      let checked = 0;
      for (const device of config.devices) {
        if (device.key === victim.key) continue;
        const tag = device.pollGroups[0]!.items[0]!.tag;
        const times = (arrivals.get(tag) ?? []).filter((t) => t >= cutAtMs - INTERVAL_MS);
        expect(times.length).toBeGreaterThanOrEqual(Math.floor(3000 / INTERVAL_MS) - 1);
        for (let i = 1; i < times.length; i += 1) worstGapMs = Math.max(worstGapMs, times[i]! - times[i - 1]!);
        expect(bad.get(tag)).toBeUndefined();
        checked += 1;
      }
      expect(checked).toBe(15);
      console.log(JSON.stringify({ figure: "modbus-16-dispensers-one-silent", intervalMs: INTERVAL_MS, healthyDevices: checked, worstGapMs: Math.round(worstGapMs) }));
      expect(worstGapMs).toBeLessThanOrEqual(INTERVAL_MS + SLACK_MS);
    } finally {
      await bigDriver.stop();
      await big.stop();
    }
  });
});
