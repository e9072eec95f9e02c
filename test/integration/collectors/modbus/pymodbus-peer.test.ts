import { readFileSync } from "node:fs";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createModbusDriver, type ModbusDriver } from "../../../../collectors/drivers/modbus/modbus-driver";
import { ModbusTcpLink } from "../../../../collectors/drivers/modbus/transport";
import type { ModbusConnectionConfigInput } from "../../../../collectors/drivers/modbus/config";
import { QUALITY_BAD, QUALITY_GOOD, type Reading } from "../../../../server/contracts/measurement";
import { PYMODBUS_POINTS_FILE, startPymodbusPeer, waitFor, type PymodbusPeer } from "./peers";

/**
 * (a) Aforo's driver against an independent Modbus TCP server: Debian's pymodbus 3.0 under
 * /usr/bin/python3, whose registers are encoded by Python's struct module from
 * test/fixtures/modbus/pymodbus-points.json. Every value must come back exactly.
 */

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

interface FixturePoint {
  tag: string;
  table: "holding" | "input" | "coil" | "discrete";
  address: number;
  type: "bool" | "int16" | "uint16" | "int32" | "uint32" | "float32" | "float64";
  order: "ABCD" | "CDAB" | "BADC" | "DCBA";
  value: number;
}
const FIXTURE = JSON.parse(readFileSync(PYMODBUS_POINTS_FILE, "utf8")) as { units: Record<string, FixturePoint[]> };

describe("Modbus driver ⇄ pymodbus (independent peer)", () => {
  let peer: PymodbusPeer;
  let driver: ModbusDriver | null = null;
  let peerError: unknown = null;

  beforeAll(async () => {
    try {
      peer = await startPymodbusPeer();
    } catch (error) {
      peerError = error;
    }
  });
  // A missing peer must FAIL every test (a failed beforeAll only marks them skipped), with the
  // instruction to run .ci/provision-peers.sh.
  beforeEach(() => {
    if (peerError) throw peerError;
  });

  afterAll(async () => {
    await driver?.stop();
    await peer?.stop();
  });

  it("reads every type in every order exactly, reports exceptions per block, and a silent unit as down", async () => {
    const devices: NonNullable<ModbusConnectionConfigInput["devices"]> = Object.entries(FIXTURE.units).map(([unit, points]) => ({
      key: `py-${unit}`,
      host: "127.0.0.1",
      port: peer.port,
      unitId: Number(unit),
      timeoutMs: 500,
      pollGroups: [
        {
          intervalMs: 200,
          items: points.map(({ tag, table, address, type, order }) => ({ tag, table, address, type, order })),
        },
      ],
    }));
    // Scaling, and two tags over the same register (shared by the merged read).
    devices[0]!.pollGroups.push({
      intervalMs: 200,
      items: [{ tag: "PY/U1/uint16_scaled", table: "holding", address: 0, type: "uint16", scale: 0.01, offset: -100 }],
    });
    // Address 250 is past the peer's 200-register tables: exception 02 for that block only.
    devices[0]!.pollGroups.push({ intervalMs: 200, items: [{ tag: "PY/U1/missing", table: "holding", address: 250, type: "uint16" }] });
    // Unit 3 does not exist: pymodbus 3.0 drops such requests without answering.
    devices.push({
      key: "py-3",
      host: "127.0.0.1",
      port: peer.port,
      unitId: 3,
      timeoutMs: 300,
      pollGroups: [{ intervalMs: 200, items: [{ tag: "PY/U3/float32", table: "holding", address: 0, type: "float32" }] }],
    });

    const readings: Reading[] = [];
    driver = createModbusDriver({ config: { kind: "modbus", devices }, logger, initialBackoffMs: 100, maxBackoffMs: 1000 });
    await driver.start((batch) => readings.push(...batch));

    const expectedTags = [...Object.values(FIXTURE.units).flat().map((p) => p.tag), "PY/U1/uint16_scaled"];
    const latest = (tag: string): Reading | undefined => readings.filter((r) => r.tag === tag).at(-1);
    await waitFor(() => expectedTags.every((tag) => latest(tag)?.quality === QUALITY_GOOD), 10_000, "una lectura buena de cada punto de pymodbus");

    for (const point of Object.values(FIXTURE.units).flat()) {
      expect({ tag: point.tag, value: latest(point.tag)?.value }).toEqual({ tag: point.tag, value: point.value });
    }
    expect(latest("PY/U1/uint16_scaled")?.value).toBeCloseTo(54321 * 0.01 - 100, 10);

    await waitFor(() => driver!.deviceStatuses().find((s) => s.key === "py-3")?.state === "disconnected", 5000, "py-3 desconectado");
    const statuses = Object.fromEntries(driver.deviceStatuses().map((s) => [s.key, s]));
    expect(statuses["py-1"]).toMatchObject({ state: "connected", detail: null });
    expect(statuses["py-1"]!.lastError).toMatch(/excepción 2 \(dirección de datos ilegal\) de la unidad 1 al leer holding 250/);
    expect(statuses["py-2"]).toMatchObject({ state: "connected" });
    expect(statuses["py-3"]!.detail).toMatch(/sin respuesta de la unidad 3 en 300 ms/);
    expect(driver.status.state).toBe("disconnected");
    expect(driver.status.detail).toMatch(/sin comunicación con 1 de 3 dispositivos Modbus: py-3/);

    // One BAD reading for the unreadable block and one for the silent unit — not one per poll.
    const bad = (tag: string): number => readings.filter((r) => r.tag === tag && r.quality === QUALITY_BAD).length;
    expect(bad("PY/U1/missing")).toBe(1);
    expect(bad("PY/U3/float32")).toBe(1);
    expect(readings.some((r) => r.tag === "PY/U1/missing" && r.quality === QUALITY_GOOD)).toBe(false);
    // Readings of one tag are in time order.
    for (const tag of expectedTags) {
      const times = readings.filter((r) => r.tag === tag).map((r) => r.time.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });

  it("sustains sequential reads against pymodbus (figure: reads/s, one request outstanding)", async () => {
    const link = new ModbusTcpLink({ host: "127.0.0.1", port: peer.port, timeoutMs: 1000, logger });
    link.open();
    await waitFor(() => link.status.state === "connected", 5000, "enlace conectado");
    const count = 1000;
    const started = performance.now();
    for (let i = 0; i < count; i += 1) {
      const response = await link.request(1, { functionCode: 0x03, address: 40, quantity: 16 });
      if (response.kind !== "registers") throw new Error(`respuesta inesperada: ${response.kind}`);
    }
    const elapsedMs = performance.now() - started;
    const readsPerSecond = Math.round((count * 1000) / elapsedMs);
    console.log(JSON.stringify({ figure: "modbus-reads-per-second-vs-pymodbus", count, registersPerRead: 16, elapsedMs: Math.round(elapsedMs), readsPerSecond }));
    expect(link.stats).toMatchObject({ requests: count, responses: count, timeouts: 0, unmatchedFrames: 0, protocolErrors: 0 });
    await link.close();
    expect(readsPerSecond).toBeGreaterThan(100);
  });
});
