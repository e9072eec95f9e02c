import { execFile } from "node:child_process";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startModbusSiteServer, type ModbusRegisterPoint, type ModbusSiteServer } from "../../../../collectors/simulators/modbus-site-server";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { mbpoll, requireMbpoll } from "./peers";

/**
 * (b) An independent client (mbpoll, C / libmodbus) reads Aforo's Modbus simulator: the values
 * must be what the simulator's model holds. The simulator is stepped by hand (tickMs 0) so the
 * registers cannot change between mbpoll's read and the comparison.
 */

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

function point(sim: ModbusSiteServer, tag: string): ModbusRegisterPoint {
  const found = sim.map.points.find((p) => p.tag === tag);
  if (!found) throw new Error(`punto desconocido: ${tag}`);
  return found;
}

/** mbpoll prints floats with %g (6 significant digits). */
function expectSameFloat32(text: string, value: number): void {
  const printed = Number(text);
  expect(Number.isFinite(printed)).toBe(true);
  expect(Math.abs(printed - Math.fround(value))).toBeLessThanOrEqual(Math.abs(value) * 5e-6 + 1e-6);
}

describe("mbpoll (libmodbus) ⇄ Aforo's Modbus site simulator", () => {
  let sim: ModbusSiteServer;

  // In beforeEach, not beforeAll: a missing peer must FAIL every test (a failed beforeAll only
  // marks them skipped) with the instruction to run .ci/provision-peers.sh.
  beforeEach(() => requireMbpoll());

  beforeAll(async () => {
    sim = await startModbusSiteServer({ site: DEMO_SITE, port: 0, tickMs: 0, seed: 7, logger });
    // One simulated hour, then on until a hose and a duct are both delivering.
    sim.model.advance(3600);
    for (let i = 0; i < 3600; i += 1) {
      const ops = sim.model.state.operations;
      if (ops.some((o) => o.operation === "sale") && ops.some((o) => o.elementKey.startsWith("DUC-"))) break;
      sim.model.advance(1);
    }
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it("tank gauges: float32 big-endian input registers (-t 3:float -B) equal the model's measured values", async () => {
    for (const installation of DEMO_SITE.installations) {
      const unit = sim.map.devices.find((d) => d.installationKey === installation.key && d.kind === "tank-gauge")!;
      const count = installation.tanks.length * 8;
      const values = await mbpoll(sim.port, unit.unitId, "3:float", 0, count / 2, ["-B"]);
      for (const p of sim.map.points.filter((x) => x.unitId === unit.unitId)) {
        const tank = sim.model.state.tanks.find((t) => p.source.kind === "tank" && t.spec.tankKey === p.source.tankKey)!;
        expect(p.source.kind).toBe("tank");
        if (p.source.kind !== "tank") continue;
        expectSameFloat32(values.get(p.address)!, tank.measured[p.source.variable]);
      }
    }
  });

  it("dispensers: the float64 totalizer's raw registers (-t 4:hex) decode, outside Aforo's codec, to the model's totalizer", async () => {
    const sale = sim.model.state.operations.find((o) => o.operation === "sale");
    expect(sale).toBeDefined();
    const tags = DEMO_SITE.installations[0]!.dispensers.flatMap((d) => d.hoses.map((h) => `EDS-0001/${h.key}`));
    let sawMovement = false;
    for (const tag of tags) {
      const total = point(sim, `${tag}/volume_total_l`);
      const flow = point(sim, `${tag}/flow_lpm`);
      const running = point(sim, `${tag}/in_operation`);
      const hex = await mbpoll(sim.port, total.unitId, "4:hex", total.address, 4);
      const raw = Buffer.alloc(8);
      for (let i = 0; i < 4; i += 1) raw.writeUInt16BE(Number.parseInt(hex.get(total.address + i)!, 16), i * 2);
      expect(raw.readDoubleBE(0)).toBe(sim.pointValue(total));
      const flowText = await mbpoll(sim.port, flow.unitId, "4:float", flow.address, 1, ["-B"]);
      expectSameFloat32(flowText.get(flow.address)!, sim.pointValue(flow));
      const bit = await mbpoll(sim.port, running.unitId, "1", running.address, 1);
      expect(Number(bit.get(running.address))).toBe(sim.pointValue(running));
      if (sim.pointValue(running) === 1) {
        sawMovement = true;
        expect(sim.pointValue(flow)).toBeGreaterThan(0);
      }
    }
    expect(sawMovement).toBe(true);
    // A totalizer is the starting value plus every litre sold through the hose (never below).
    const first = point(sim, `${tags[0]}/volume_total_l`);
    expect(sim.pointValue(first)).toBeGreaterThanOrEqual(1_000_000.25);
  });

  it("duct flow computers: word-swapped (CDAB) float32 is mbpoll's default word order (-t 4:float without -B)", async () => {
    for (const duct of ["DUC-TRA-0001", "DUC-CAR-0001"]) {
      const flow = point(sim, `TDA-0001/${duct}/flow_lpm`);
      expect(flow.order).toBe("CDAB");
      const values = await mbpoll(sim.port, flow.unitId, "4:float", flow.address, 1);
      expectSameFloat32(values.get(flow.address)!, sim.pointValue(flow));
    }
    const active = sim.model.state.operations.find((o) => o.elementKey.startsWith("DUC-"));
    expect(active && sim.pointValue(point(sim, `TDA-0001/${active.elementKey}/flow_lpm`))).toBeCloseTo(active!.flowLpm, 3);
  });

  it("answers exceptions libmodbus understands: 0A for an unknown unit, 02 for an unmapped address", async () => {
    const run = (args: string[]): Promise<string> =>
      new Promise((resolve) => execFile("mbpoll", args, { timeout: 10_000 }, (_e, out, err) => resolve(`${out}\n${err}`)));
    const base = ["-m", "tcp", "-t", "3:float", "-B", "-0", "-c", "1", "-p", String(sim.port), "-1"];
    expect(await run([...base, "-a", "99", "-r", "0", "127.0.0.1"])).toMatch(/Gateway path unavailable/);
    expect(await run([...base, "-a", "1", "-r", "500", "127.0.0.1"])).toMatch(/Illegal data address/);
  });

  it("a frozen unit keeps answering its old values while the model moves on", async () => {
    const level = point(sim, "EDS-0001/TQS-EDS-0001/level_mm");
    sim.setUnitFault(level.unitId, { kind: "frozen" });
    const before = sim.pointValue(level);
    sim.model.advance(600);
    const tank = sim.model.state.tanks[0]!;
    expect(tank.measured.level_mm).not.toBe(before);
    const values = await mbpoll(sim.port, level.unitId, "3:float", level.address, 1, ["-B"]);
    expectSameFloat32(values.get(level.address)!, before);
    sim.setUnitFault(level.unitId, null);
    const live = await mbpoll(sim.port, level.unitId, "3:float", level.address, 1, ["-B"]);
    expectSameFloat32(live.get(level.address)!, tank.measured.level_mm);
  });
});
