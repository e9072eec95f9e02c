import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { veederRootConfigSchema, type VeederRootConfigInput } from "../../../../collectors/drivers/veeder-root/config";
import {
  createVeederRootDriver,
  type AtgDelivery,
  type VeederRootDriver,
  type VeederRootOutage,
} from "../../../../collectors/drivers/veeder-root/veeder-root-driver";
import {
  demoVeederRootCollectorConfig,
  startVeederRootConsole,
  type VeederRootConsole,
  type VeederRootConsoleOptions,
} from "../../../../collectors/simulators/veeder-root-console";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { QUALITY_BAD, QUALITY_GOOD, type Reading } from "../../../../server/contracts/measurement";

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
/** Frozen model: the console's own timer never steps it; tests step it with `model.advance`. */
const FROZEN_TICK_MS = 3_600_000;
const TAGS_PER_TANK = 7;
const EDS_TANKS = 3;

async function waitFor<T>(probe: () => T | null | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timeout (${timeoutMs} ms) waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Harness {
  console: VeederRootConsole;
  driver: VeederRootDriver;
  readings: Reading[];
  deliveries: AtgDelivery[];
  outages: VeederRootOutage[];
  good(): Reading[];
  bad(): Reading[];
  /** Latest GOOD value per tag. */
  latest(): Map<string, number>;
}

let cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function startConsole(options: Partial<VeederRootConsoleOptions> = {}): Promise<VeederRootConsole> {
  const tls = await startVeederRootConsole({ site: DEMO_SITE, port: 0, tickMs: FROZEN_TICK_MS, seed: 3, logger, ...options });
  cleanups.push(() => tls.stop());
  return tls;
}

async function start(options: { console?: Partial<VeederRootConsoleOptions>; driver?: Partial<VeederRootConfigInput> } = {}): Promise<Harness> {
  const tls = await startConsole(options.console);
  const base = demoVeederRootCollectorConfig(DEMO_SITE, tls.port);
  const config = veederRootConfigSchema.parse({
    ...base,
    pollIntervalMs: 150,
    timeoutMs: 400,
    deliveryPollIntervalMs: 250,
    maxBackoffMs: 300,
    failuresBeforeDisconnect: 3,
    ...options.driver,
  });
  const readings: Reading[] = [];
  const deliveries: AtgDelivery[] = [];
  const outages: VeederRootOutage[] = [];
  const driver = createVeederRootDriver({
    config,
    logger,
    initialBackoffMs: 50,
    onDelivery: (d) => deliveries.push(d),
    onOutage: (o) => outages.push(o),
  });
  cleanups.push(() => driver.stop());
  await driver.start((batch) => readings.push(...batch));
  return {
    console: tls,
    driver,
    readings,
    deliveries,
    outages,
    good: () => readings.filter((r) => r.quality === QUALITY_GOOD),
    bad: () => readings.filter((r) => r.quality === QUALITY_BAD),
    latest: () => new Map(readings.filter((r) => r.quality === QUALITY_GOOD).map((r) => [r.tag, r.value])),
  };
}

/** The console's current answer for every tag, as the TLS sends it (IEEE-754 single). */
function expectedFloat32(tls: VeederRootConsole): Map<string, number> {
  const expected = new Map<string, number>();
  for (const row of tls.inventory()) {
    const prefix = tls.tanks.find((t) => t.tankNumber === row.tankNumber)!.tagPrefix;
    const put = (variable: string, value: number | null): void => {
      expected.set(`${prefix}/${variable}`, Math.fround(value ?? Number.NaN));
    };
    put("level_mm", row.heightMm);
    put("temperature_c", row.temperatureC);
    put("water_level_mm", row.waterMm);
    put("volume_l", row.volumeL);
    put("tc_volume_l", row.tcVolumeL);
    put("ullage_l", row.ullageL);
    put("water_volume_l", row.waterVolumeL);
  }
  return expected;
}

/** Waits until `count` more GOOD readings arrived than now. */
async function moreGood(h: Harness, count: number, what: string): Promise<void> {
  const before = h.good().length;
  await waitFor(() => h.good().length >= before + count, 10_000, what);
}

describe("Veeder-Root TLS driver against the simulated console (real socket)", () => {
  it("A30-MS-13 reads the seven variables of each EDS-0001 tank; values equal the model's as float32", async () => {
    const h = await start();
    await waitFor(() => h.driver.status.state === "connected", 10_000, "connected");
    await moreGood(h, EDS_TANKS * TAGS_PER_TANK, "one full inventory");
    const expected = expectedFloat32(h.console);
    expect(expected.size).toBe(EDS_TANKS * TAGS_PER_TANK);
    const latest = h.latest();
    expect([...latest.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [tag, value] of expected) expect(latest.get(tag), tag).toBe(value);
    // Sanity against the physical model itself (gross volume, level in the tank's range).
    const tank1 = h.console.model.state.tanks.find((t) => t.spec.tankKey === "TQS-EDS-0001")!;
    expect(latest.get("EDS-0001/TQS-EDS-0001/volume_l")).toBeCloseTo(tank1.truth.grossVolumeL, 0);
    expect(latest.get("EDS-0001/TQS-EDS-0001/level_mm")).toBeCloseTo(tank1.measured.level_mm, 2);
    // The model moves; the next polls follow it.
    h.console.model.advance(120);
    await moreGood(h, 2 * EDS_TANKS * TAGS_PER_TANK, "polls after the step");
    const moved = expectedFloat32(h.console);
    for (const [tag, value] of moved) expect(h.latest().get(tag), tag).toBe(value);
    expect(h.driver.stats).toMatchObject({ checksumErrors: 0, parseErrors: 0, timeouts: 0 });
    expect(h.bad()).toHaveLength(0);
  });

  it("A30-REC-01 announces a tanker delivery from the model exactly once, with the console's values", async () => {
    const h = await start({
      console: { modelConfig: { deliveryThresholdFraction: 0.5, deliveryLeadTimeS: [1, 2], deliveryDurationS: 600, deliveryVolumeL: 5000 } },
    });
    await waitFor(() => h.driver.stats.deliveryPolls >= 1 && h.driver.status.state === "connected", 10_000, "first delivery poll");
    expect(h.deliveries).toHaveLength(0);
    // Tank 2 (Premium, 48 % full) is below the threshold: a tanker is ordered, arrives and discharges.
    // One-second steps until the discharge starts, so the console's start values lag it by ≤ 1 s.
    const discharging = (): boolean => h.console.model.state.operations.some((op) => op.operation === "tanker-delivery");
    for (let i = 0; i < 30 && !discharging(); i += 1) h.console.model.advance(1);
    expect(discharging()).toBe(true);
    for (let i = 0; i < 15 && h.console.deliveries().length === 0; i += 1) h.console.model.advance(60);
    const stored = h.console.deliveries();
    expect(stored).toHaveLength(1);
    const truth = stored[0]!;
    expect(truth.tankNumber).toBe(2);
    await waitFor(() => h.deliveries.length >= 1, 10_000, "onDelivery");
    const polls = h.driver.stats.deliveryPolls;
    await waitFor(() => h.driver.stats.deliveryPolls >= polls + 4, 10_000, "four more delivery polls");
    expect(h.deliveries).toHaveLength(1);
    const delivery = h.deliveries[0]!;
    const minute = (ms: number): number => Math.floor(ms / 60_000) * 60_000;
    expect(delivery).toMatchObject({
      key: `2@${truth.startStamp}`,
      tankNumber: 2,
      tagPrefix: "EDS-0001/TQS-EDS-0002",
      productCode: "2",
      source: { kind: "veeder-root-tls", host: "127.0.0.1", port: h.console.port },
      startStamp: truth.startStamp,
      endStamp: truth.endStamp,
      units: "metric",
    });
    expect(delivery.raw).toMatch(new RegExp(`^${truth.startStamp}${truth.endStamp}0A[0-9A-F]{80}$`));
    expect(delivery.startTime.getTime()).toBe(minute(truth.startTimeMs));
    expect(delivery.endTime.getTime()).toBe(minute(truth.endTimeMs));
    for (const field of [
      "startVolumeL",
      "startTcVolumeL",
      "startWaterMm",
      "startTemperatureC",
      "startHeightMm",
      "endVolumeL",
      "endTcVolumeL",
      "endWaterMm",
      "endTemperatureC",
      "endHeightMm",
    ] as const) {
      expect(delivery[field], field).toBe(Math.fround(truth[field]));
    }
    // About 5,000 L went in (sales from the Premium hoses continue during the drop).
    expect(delivery.endVolumeL - delivery.startVolumeL).toBeGreaterThan(4_500);
    expect(delivery.endVolumeL - delivery.startVolumeL).toBeLessThan(5_100);
    expect(h.driver.stats.deliveriesAnnounced).toBe(1);
  });

  it("A30-MS-15 a corrupt checksum stores nothing from that poll, is counted, and the link recovers", async () => {
    const h = await start();
    await waitFor(() => h.driver.status.state === "connected", 10_000, "connected");
    await moreGood(h, EDS_TANKS * TAGS_PER_TANK, "first inventory");
    h.console.setFault({ kind: "corrupt-checksum" });
    await waitFor(() => h.driver.stats.checksumErrors >= 1, 10_000, "first checksum error");
    const goodAtFirstError = h.good().length;
    await waitFor(() => h.driver.stats.checksumErrors >= 6, 10_000, "six checksum errors");
    // No value of a corrupt response became a reading.
    expect(h.good().length).toBe(goodAtFirstError);
    expect(h.driver.status.state).toBe("disconnected");
    expect(h.driver.status.detail).toContain("suma de verificación incorrecta");
    // One BAD reading per tag, once for the whole outage.
    expect(h.bad()).toHaveLength(EDS_TANKS * TAGS_PER_TANK);
    expect(new Set(h.bad().map((r) => r.tag)).size).toBe(EDS_TANKS * TAGS_PER_TANK);
    h.console.setFault(null);
    await waitFor(() => h.driver.status.state === "connected", 10_000, "recovery");
    await moreGood(h, EDS_TANKS * TAGS_PER_TANK, "readings after recovery");
    expect(h.bad()).toHaveLength(EDS_TANKS * TAGS_PER_TANK);
    expect(h.driver.stats.consecutiveFailures).toBe(0);
    const latest = h.latest();
    for (const [tag, value] of expectedFloat32(h.console)) expect(latest.get(tag), tag).toBe(value);
  });

  it("A30-MS-15 console killed and restarted: BAD once, then the driver reconnects by itself", async () => {
    const h = await start();
    await waitFor(() => h.driver.status.state === "connected", 10_000, "connected");
    await moreGood(h, EDS_TANKS * TAGS_PER_TANK, "first inventory");
    const port = h.console.port;
    await h.console.stop();
    await waitFor(() => h.driver.status.state === "disconnected", 10_000, "disconnected");
    await sleep(800); // several refused reconnections and failed polls
    expect(h.bad()).toHaveLength(EDS_TANKS * TAGS_PER_TANK);
    const goodBeforeRestart = h.good().length;
    const restarted = await startConsole({ port });
    expect(restarted.port).toBe(port);
    await waitFor(() => h.driver.status.state === "connected", 10_000, "reconnected");
    await waitFor(() => h.good().length >= goodBeforeRestart + EDS_TANKS * TAGS_PER_TANK, 10_000, "readings after restart");
    expect(h.bad()).toHaveLength(EDS_TANKS * TAGS_PER_TANK);
    expect(restarted.stats.connections).toBeGreaterThanOrEqual(1);
    // A30-MS-15: one interruption, reported at detection and on restoration with its duration.
    expect(h.outages).toHaveLength(2);
    expect(h.outages[0]).toMatchObject({ end: null, durationMs: null });
    expect(h.outages[1]!.start).toEqual(h.outages[0]!.start);
    expect(h.outages[1]!.durationMs).toBeGreaterThanOrEqual(800);
    expect(h.driver.lastOutage).toEqual(h.outages[1]);
    expect(h.driver.currentOutage).toBeNull();
    // The BAD markers carry the outage's start time.
    expect(new Set(h.bad().map((r) => r.time.getTime()))).toEqual(new Set([h.outages[0]!.start.getTime()]));
  });

  it("survives line noise, slow and missing replies and a dropped connection", async () => {
    const h = await start();
    await waitFor(() => h.driver.status.state === "connected", 10_000, "connected");
    await moreGood(h, EDS_TANKS * TAGS_PER_TANK, "first inventory");

    // Noise before SOH: discarded and logged, the answer behind it is used.
    h.console.setFault({ kind: "garbage" }, 3);
    await waitFor(() => h.console.stats.faultsApplied >= 3, 10_000, "noisy replies");
    await moreGood(h, EDS_TANKS * TAGS_PER_TANK, "readings after noise");
    expect(h.driver.stats.discardedBytes).toBeGreaterThanOrEqual(3 * 9);
    expect(h.driver.stats.failedRequests).toBe(0);

    // A reply slower than timeoutMs and two swallowed commands: timeouts, no disconnection.
    h.console.setFault({ kind: "slow-reply", delayMs: 700 }, 1);
    await waitFor(() => h.driver.stats.timeouts >= 1, 10_000, "timeout on the slow reply");
    await moreGood(h, EDS_TANKS * TAGS_PER_TANK, "readings after the slow reply");
    h.console.setFault({ kind: "no-reply" }, 2);
    await waitFor(() => h.driver.stats.timeouts >= 3, 10_000, "timeouts on missing replies");
    await moreGood(h, EDS_TANKS * TAGS_PER_TANK, "readings after missing replies");

    // The console drops the connection once.
    const connections = h.console.stats.connections;
    h.console.setFault({ kind: "close-connection" }, 1);
    await waitFor(() => h.console.stats.connections > connections, 10_000, "reconnection");
    await moreGood(h, EDS_TANKS * TAGS_PER_TANK, "readings after the reconnection");

    expect(h.driver.status.state).toBe("connected");
    expect(h.bad()).toHaveLength(0);
    expect(h.outages).toHaveLength(0);
    expect(h.driver.stats.checksumErrors).toBe(0);
    const latest = h.latest();
    for (const [tag, value] of expectedFloat32(h.console)) expect(latest.get(tag), tag).toBe(value);
  });

  it("reads a console programmed in US units (gal, in, °F) behind an RS-232 security code", async () => {
    const h = await start({ console: { units: "us", securityCode: "AFORO1" }, driver: { units: "us", securityCode: "AFORO1" } });
    await waitFor(() => h.driver.status.state === "connected", 10_000, "connected");
    await moreGood(h, EDS_TANKS * TAGS_PER_TANK, "one full inventory");
    const latest = h.latest();
    for (const row of h.console.inventory()) {
      const prefix = h.console.tanks.find((t) => t.tankNumber === row.tankNumber)!.tagPrefix;
      const pairs: Array<[string, number | null]> = [
        ["volume_l", row.volumeL],
        ["tc_volume_l", row.tcVolumeL],
        ["level_mm", row.heightMm],
        ["water_level_mm", row.waterMm],
        ["temperature_c", row.temperatureC],
        ["water_volume_l", row.waterVolumeL],
      ];
      for (const [variable, expected] of pairs) {
        const actual = latest.get(`${prefix}/${variable}`)!;
        // float32 keeps 24 significant bits: relative error ≤ 2⁻²⁴, plus the °F offset for temperatures.
        const tolerance = Math.abs(expected ?? 0) * 2 ** -23 + (variable === "temperature_c" ? 1e-4 : 1e-9);
        expect(Math.abs(actual - (expected ?? 0)), variable).toBeLessThanOrEqual(tolerance);
      }
    }
  });

  it("gets no answer with a wrong security code and reports the link down", async () => {
    const h = await start({ console: { securityCode: "AFORO1" }, driver: { securityCode: "OTRO22" } });
    await waitFor(() => h.driver.status.state === "disconnected", 10_000, "disconnected");
    expect(h.driver.stats.timeouts).toBeGreaterThanOrEqual(3);
    expect(h.good()).toHaveLength(0);
    expect(h.bad()).toHaveLength(EDS_TANKS * TAGS_PER_TANK);
  });
});
