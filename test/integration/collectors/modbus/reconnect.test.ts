import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createModbusDriver, type ModbusDriver } from "../../../../collectors/drivers/modbus/modbus-driver";
import { demoModbusCollectorConfig, startModbusSiteServer, type ModbusSiteServer } from "../../../../collectors/simulators/modbus-site-server";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { QUALITY_BAD, QUALITY_GOOD, type Reading } from "../../../../server/contracts/measurement";
import type { DriverStatus } from "../../../../collectors/drivers/driver";
import { sleep, waitFor } from "./peers";

/**
 * (d) The demo collector config generated from the simulator's register map reads every point
 * with the simulator's exact values; the driver survives a simulator restart and a network blip
 * by itself (research anchors §2.2: collectors that need a manual redeploy after a restart).
 */

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

describe("Modbus driver ⇄ simulator: demo config, restart and network blip", () => {
  let sim: ModbusSiteServer | null = null;
  let driver: ModbusDriver | null = null;

  afterAll(async () => {
    await driver?.stop();
    await sim?.stop();
  });

  it("reads the demo register map exactly, reconnects after a restart and after dropped connections", async () => {
    sim = await startModbusSiteServer({ site: DEMO_SITE, port: 0, tickMs: 0, seed: 11, logger });
    sim.model.advance(1800);
    const port = sim.port;
    const config = demoModbusCollectorConfig(DEMO_SITE, port, { intervalMs: 200, timeoutMs: 500, tanks: true });
    const tags = config.devices.flatMap((d) => d.pollGroups.flatMap((g) => g.items.map((i) => i.tag)));
    expect(tags).toHaveLength(sim.map.points.length);

    const readings: Reading[] = [];
    const driverStatuses: DriverStatus[] = [];
    driver = createModbusDriver({ config, logger, initialBackoffMs: 100, maxBackoffMs: 500 });
    driver.onStatus((status) => driverStatuses.push(status));
    await driver.start((batch) => readings.push(...batch));

    const latest = (tag: string): Reading | undefined => {
      for (let i = readings.length - 1; i >= 0; i -= 1) if (readings[i]!.tag === tag) return readings[i];
      return undefined;
    };
    await waitFor(() => tags.every((tag) => latest(tag)?.quality === QUALITY_GOOD), 5000, "todas las etiquetas del mapa");
    expect(driver.status.state).toBe("connected");

    // Values equal the simulator's (model frozen by tickMs 0): float64 exactly, float32 to single precision.
    for (const point of sim.map.points) {
      const expected = sim.pointValue(point);
      const got = latest(point.tag)!.value;
      if (point.type === "float32") expect({ tag: point.tag, value: got }).toEqual({ tag: point.tag, value: Math.fround(expected) });
      else expect({ tag: point.tag, value: got }).toEqual({ tag: point.tag, value: expected });
    }

    // ── restart: stop the simulator, wait, start a new one on the same port ──
    const beforeStop = readings.length;
    await sim.stop();
    sim = null;
    await waitFor(() => driver!.deviceStatuses().every((s) => s.state === "disconnected"), 3000, "todos los dispositivos desconectados");
    expect(driver.status.state).toBe("disconnected");
    await sleep(1500); // several failed reconnection attempts (backoff 100 → 500 ms)
    const duringOutage = readings.slice(beforeStop);
    expect(duringOutage.every((r) => r.quality === QUALITY_BAD)).toBe(true);
    // Exactly one BAD reading per tag for the whole outage.
    expect(duringOutage.map((r) => r.tag).sort()).toEqual([...tags].sort());
    const refused = driver.deviceStatuses()[0]!;
    expect(refused.detail).toMatch(/conexión perdida con 127\.0\.0\.1:\d+|el dispositivo cerró la conexión|restableció/);
    expect(refused.lastError).toMatch(/conexión rechazada/);

    const restartedAtMs = performance.now();
    sim = await startModbusSiteServer({ site: DEMO_SITE, port, tickMs: 0, seed: 11, logger });
    sim.model.advance(60);
    const afterRestart = readings.length;
    await waitFor(
      () => tags.every((tag) => readings.slice(afterRestart).some((r) => r.tag === tag && r.quality === QUALITY_GOOD)),
      5000,
      "lecturas buenas de todas las etiquetas tras el reinicio",
    );
    const recoveryMs = performance.now() - restartedAtMs;
    expect(driver.status.state).toBe("connected");
    expect(driver.deviceStatuses().every((s) => s.state === "connected")).toBe(true);
    // The order per tag survives the outage: BAD marks the gap, then good values resume.
    for (const tag of tags) {
      const times = readings.filter((r) => r.tag === tag).map((r) => r.time.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }

    // ── network blip: every connection reset, server still up ──
    const beforeBlip = readings.length;
    const blipAtMs = performance.now();
    sim.dropConnections();
    await waitFor(
      () => tags.every((tag) => readings.slice(beforeBlip).some((r) => r.tag === tag && r.quality === QUALITY_GOOD)),
      5000,
      "lecturas buenas tras el corte de conexiones",
    );
    const blipRecoveryMs = performance.now() - blipAtMs;
    expect(driver.deviceStatuses().every((s) => s.state === "connected")).toBe(true);
    const badAfterBlip = readings.slice(beforeBlip).filter((r) => r.quality === QUALITY_BAD);
    expect(badAfterBlip.length).toBeLessThanOrEqual(tags.length);

    console.log(
      JSON.stringify({
        figure: "modbus-reconnect",
        devices: config.devices.length,
        tags: tags.length,
        restartRecoveryMs: Math.round(recoveryMs),
        blipRecoveryMs: Math.round(blipRecoveryMs),
        statusChanges: driverStatuses.map((s) => s.state).join(">"),
      }),
    );
    expect(recoveryMs).toBeLessThan(2000);

    // ── stop releases everything; no reading after stop() resolves ──
    await driver.stop();
    const atStop = readings.length;
    await sleep(500);
    expect(readings.length).toBe(atStop);
    expect(driver.status.state).toBe("stopped");
    driver = null;
  });
});
