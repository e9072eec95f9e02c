import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { SiteModelHandle } from "../../../../collectors/simulators/opcua-site-server";
import { createPrng } from "../../../../collectors/simulators/prng";
import { createSiteModel, stepSiteModel, type SiteEvent, type SiteModelState } from "../../../../collectors/simulators/site-model";
import {
  startModbusSiteServer,
  type ModbusModelSource,
  type ModbusRegisterPoint,
  type ModbusSiteServer,
} from "../../../../collectors/simulators/modbus-site-server";
import { ModbusTcpLink } from "../../../../collectors/drivers/modbus/transport";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";

/**
 * The Modbus simulator's registers follow the site model: totalizers accumulate exactly the
 * volume of the operations through each meter (A30-MS-20), and a model shared with another
 * simulator (the OPC UA one) is shown as is.
 */

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

// Compile-time: the OPC UA simulator's model handle can feed the Modbus simulator.
const _shareable = (handle: SiteModelHandle): ModbusModelSource => handle;
void _shareable;

describe("Modbus site simulator ⇄ site model", () => {
  let sim: ModbusSiteServer | null = null;
  afterEach(async () => {
    await sim?.stop();
    sim = null;
  });

  it("A30-MS-20 a hose totalizer's increase equals the volume of that hose's sales (± 0.001 L)", async () => {
    sim = await startModbusSiteServer({ site: DEMO_SITE, port: 0, tickMs: 0, seed: 5, logger });
    const ended: SiteEvent[] = [];
    sim.model.onEvents((events) => ended.push(...events.filter((e) => e.type === "operation-end")));
    const totals = sim.map.points.filter((p) => p.source.kind === "meter" && p.source.variable === "volume_total_l");
    const nets = sim.map.points.filter((p) => p.source.kind === "meter" && p.source.variable === "net_volume_total_l");
    const opening = new Map(totals.map((p) => [p.tag, sim!.pointValue(p)]));
    const openingNet = new Map(nets.map((p) => [p.tag, sim!.pointValue(p)]));
    for (let i = 0; i < 240; i += 1) sim.model.advance(30); // two simulated hours

    const elementOf = (p: ModbusRegisterPoint): string => (p.source.kind === "meter" ? p.source.elementKey : "");
    let sales = 0;
    for (const p of totals) {
      const element = elementOf(p);
      const done = ended.filter((e) => e.type === "operation-end" && e.elementKey === element);
      const active = sim.model.state.operations.find((o) => o.elementKey === element);
      const soldL = done.reduce((sum, e) => sum + (e.type === "operation-end" ? e.grossVolumeL : 0), 0) + (active?.movedGrossL ?? 0);
      sales += done.length;
      expect(Math.abs(sim.pointValue(p) - opening.get(p.tag)! - soldL)).toBeLessThanOrEqual(0.001);
    }
    for (const p of nets) {
      const element = elementOf(p);
      const doneMl = ended.reduce((sum, e) => sum + (e.type === "operation-end" && e.elementKey === element ? e.netVolumeMl : 0), 0);
      const activeMl = sim.model.state.operations.find((o) => o.elementKey === element)?.movedNetMl ?? 0;
      expect(Math.abs(sim.pointValue(p) - openingNet.get(p.tag)! - (doneMl + activeMl) / 1000)).toBeLessThanOrEqual(0.001);
    }
    expect(sales).toBeGreaterThan(10);
  });

  it("shows a model it does not own (shared with the OPC UA simulator) and refuses to step it", async () => {
    const rng = createPrng(9);
    let state: SiteModelState = createSiteModel(DEMO_SITE, { startTimeMs: Date.UTC(2026, 10, 1, 18), rng });
    const listeners = new Set<(events: SiteEvent[]) => void>();
    const source: ModbusModelSource = {
      get state() {
        return state;
      },
      onEvents(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    sim = await startModbusSiteServer({ site: DEMO_SITE, port: 0, model: source, logger });
    const level = sim.map.points.find((p) => p.tag === "TDA-0001/TQS-TDA-0002/level_mm")!;
    expect(sim.pointValue(level)).toBe(state.tanks[4]!.measured.level_mm);
    for (let i = 0; i < 60; i += 1) {
      const result = stepSiteModel(state, 60, rng);
      state = result.state;
      for (const listener of listeners) listener(result.events);
    }
    expect(sim.pointValue(level)).toBe(state.tanks[4]!.measured.level_mm);
    expect(() => sim!.model.advance(1)).toThrow(/el modelo es compartido/);
    await sim.stop();
    expect(listeners.size).toBe(0); // detached on stop
    sim = null;
  });

  it("accepts writes (FC 05/06/16) only in the scratch area, and applies exception and delay faults per unit", async () => {
    sim = await startModbusSiteServer({ site: DEMO_SITE, port: 0, tickMs: 0, logger });
    const link = new ModbusTcpLink({ host: "127.0.0.1", port: sim.port, timeoutMs: 1000, logger });
    link.open();
    const deadline = Date.now() + 3000;
    while (link.status.state !== "connected" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    try {
      expect(await link.request(2, { functionCode: 0x10, address: 1000, values: [0x414c, 0x0000] })).toMatchObject({ kind: "write-multiple", quantity: 2 });
      expect(await link.request(2, { functionCode: 0x06, address: 1002, value: 7 })).toMatchObject({ kind: "write-single", value: 7 });
      expect(await link.request(2, { functionCode: 0x05, address: 3, value: true })).toMatchObject({ kind: "write-single", value: 0xff00 });
      expect(await link.request(2, { functionCode: 0x03, address: 1000, quantity: 3 })).toMatchObject({ registers: [0x414c, 0, 7] });
      expect(await link.request(2, { functionCode: 0x01, address: 0, quantity: 5 })).toMatchObject({ bits: [false, false, false, true, false] });
      // Measured values are read-only (A30-MS-17): writing a totalizer is an illegal address.
      expect(await link.request(2, { functionCode: 0x06, address: 0, value: 0 })).toMatchObject({ kind: "exception", exceptionCode: 2 });
      // Another unit's scratch area is its own.
      expect(await link.request(3, { functionCode: 0x03, address: 1000, quantity: 1 })).toMatchObject({ registers: [0] });

      sim.setUnitFault(2, { kind: "exception", code: 6 });
      expect(await link.request(2, { functionCode: 0x03, address: 0, quantity: 4 })).toMatchObject({ kind: "exception", exceptionCode: 6, message: "dispositivo esclavo ocupado" });
      sim.setUnitFault(2, { kind: "delay", ms: 150 });
      const started = performance.now();
      expect(await link.request(2, { functionCode: 0x03, address: 0, quantity: 4 })).toMatchObject({ kind: "registers" });
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      sim.setUnitFault(2, null);
      expect(sim.stats.exceptions).toBe(2);
    } finally {
      await link.close();
    }
  });
});
