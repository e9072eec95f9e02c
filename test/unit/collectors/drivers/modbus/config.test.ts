import { describe, expect, it } from "vitest";
import {
  ModbusConfigError,
  parseModbusConfig,
  planDevice,
  planReads,
  type ModbusItemConfig,
  type ReadPlanLimits,
} from "../../../../../collectors/drivers/modbus/config";
import { demoModbusCollectorConfig, siteModbusRegisterMap } from "../../../../../collectors/simulators/modbus-site-server";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";

const LIMITS: ReadPlanLimits = { maxRegistersPerRequest: 125, maxBitsPerRequest: 2000, mergeGap: 0 };

function item(tag: string, address: number, type: ModbusItemConfig["type"] = "float32", table: ModbusItemConfig["table"] = "holding"): ModbusItemConfig {
  return { tag, table, address, type, order: "ABCD", scale: 1, offset: 0 };
}

function device(items: unknown[], extra: Record<string, unknown> = {}): unknown {
  return { kind: "modbus", devices: [{ key: "D1", host: "127.0.0.1", unitId: 1, pollGroups: [{ intervalMs: 1000, items }], ...extra }] };
}

describe("Modbus connection config", () => {
  it("fills the defaults: port 502, timeout 1000 ms, order ABCD, scale 1, offset 0, bool for bit tables", () => {
    const config = parseModbusConfig(
      device([
        { tag: "A/B/level_mm", table: "input", address: 0, type: "float32" },
        { tag: "A/B/run", table: "coil", address: 5 },
      ]),
    );
    const d = config.devices[0]!;
    expect(d).toMatchObject({ port: 502, timeoutMs: 1000, maxRegistersPerRequest: 125, maxBitsPerRequest: 2000, mergeGap: 0 });
    expect(d.pollGroups[0]!.items).toEqual([
      { tag: "A/B/level_mm", table: "input", address: 0, type: "float32", order: "ABCD", scale: 1, offset: 0 },
      { tag: "A/B/run", table: "coil", address: 5, type: "bool", order: "ABCD", scale: 1, offset: 0 },
    ]);
    // Parsing the parsed form again is a no-op (the driver accepts either).
    expect(parseModbusConfig(config)).toEqual(config);
  });

  it("lists every bad key at once, in Spanish", () => {
    const input = {
      kind: "modbus",
      devices: [
        {
          key: "D1",
          host: "127.0.0.1",
          unitId: 256,
          pollGroups: [
            {
              intervalMs: 1000,
              items: [
                { tag: "T/1", table: "holding", address: 0 },
                { tag: "T/2", table: "coil", address: 0, type: "float32" },
                { tag: "T/3", table: "input", address: 65533, type: "float64" },
                { tag: "T/1", table: "input", address: 0, type: "bool" },
              ],
            },
          ],
        },
        { key: "D1", host: "127.0.0.1", port: 70000, unitId: 1, pollGroups: [] },
      ],
    };
    let error: unknown;
    try {
      parseModbusConfig(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModbusConfigError);
    const issues = (error as ModbusConfigError).issues.join("\n");
    expect(issues).toMatch(/devices\.0\.unitId/);
    expect(issues).toMatch(/devices\.1\.port/);
    expect(issues).toMatch(/devices\.1\.pollGroups/);
    // Cross-field checks run only once the shapes are valid; check them on a shape-valid copy.
    const shapeValid = structuredClone(input);
    shapeValid.devices[0]!.unitId = 1;
    shapeValid.devices[1] = { ...shapeValid.devices[1]!, port: 502, pollGroups: [{ intervalMs: 1000, items: [{ tag: "T/9", table: "holding", address: 0, type: "uint16" }] }] } as never;
    const second = (() => {
      try {
        parseModbusConfig(shapeValid);
        return [];
      } catch (e) {
        return (e as ModbusConfigError).issues;
      }
    })();
    expect(second).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/items\.0\.type: indique el tipo del valor/),
        expect.stringMatching(/items\.1\.type: la tabla coil solo admite el tipo bool/),
        expect.stringMatching(/items\.2\.address: float64 en 65533 excede la dirección 65535/),
        expect.stringMatching(/items\.3\.type: bool solo aplica a las tablas coil y discrete/),
        expect.stringMatching(/items\.3\.tag: etiqueta repetida: T\/1/),
        expect.stringMatching(/devices\.1\.key: clave de dispositivo repetida: D1/),
      ]),
    );
  });
});

describe("read plan: merging into as few requests as possible", () => {
  it("merges adjacent items of one table into one request", () => {
    const blocks = planReads([item("a", 0), item("b", 2), item("c", 4, "float64")], LIMITS);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ table: "holding", functionCode: 3, address: 0, quantity: 8 });
    expect(blocks[0]!.items.map((p) => [p.item.tag, p.offset])).toEqual([
      ["a", 0],
      ["b", 2],
      ["c", 4],
    ]);
  });

  it("shares overlapping registers (one value read as two types / two tags)", () => {
    const blocks = planReads([item("whole", 10, "float32"), item("high", 10, "uint16"), item("low", 11, "uint16")], LIMITS);
    expect(blocks).toEqual([
      expect.objectContaining({ address: 10, quantity: 2, items: expect.arrayContaining([expect.objectContaining({ offset: 1 })]) }),
    ]);
    expect(blocks[0]!.items).toHaveLength(3);
  });

  it("keeps a hole unread unless mergeGap allows spanning it", () => {
    const items = [item("a", 0), item("b", 5)];
    expect(planReads(items, LIMITS).map((b) => [b.address, b.quantity])).toEqual([
      [0, 2],
      [5, 2],
    ]);
    expect(planReads(items, { ...LIMITS, mergeGap: 3 }).map((b) => [b.address, b.quantity])).toEqual([[0, 7]]);
    expect(planReads(items, { ...LIMITS, mergeGap: 2 }).map((b) => [b.address, b.quantity])).toEqual([
      [0, 2],
      [5, 2],
    ]);
  });

  it("never exceeds 125 registers per request ([AP] §6.3) and never splits a value", () => {
    // 70 float32 = 140 registers → 62 values (124 registers) + 8 values (16 registers).
    const items = Array.from({ length: 70 }, (_, i) => item(`f${i}`, i * 2));
    const blocks = planReads(items, LIMITS);
    expect(blocks.map((b) => [b.address, b.quantity])).toEqual([
      [0, 124],
      [124, 16],
    ]);
    // A float64 that would cross the limit starts the next block.
    const edge = planReads([item("a", 0, "uint16"), item("b", 122, "float64")], { ...LIMITS, mergeGap: 125 });
    expect(edge.map((b) => [b.address, b.quantity])).toEqual([
      [0, 1],
      [122, 4],
    ]);
    const full = planReads([item("a", 0, "uint16"), item("b", 121, "float64")], { ...LIMITS, mergeGap: 125 });
    expect(full.map((b) => [b.address, b.quantity])).toEqual([[0, 125]]);
  });

  it("honours a device limit below the protocol's, and 2000 bits per request for coils (§6.1)", () => {
    const items = Array.from({ length: 10 }, (_, i) => item(`f${i}`, i * 2));
    expect(planReads(items, { ...LIMITS, maxRegistersPerRequest: 8 }).map((b) => b.quantity)).toEqual([8, 8, 4]);
    const coils = Array.from({ length: 2001 }, (_, i) => item(`c${i}`, i, "bool", "coil"));
    expect(planReads(coils, LIMITS).map((b) => [b.functionCode, b.address, b.quantity])).toEqual([
      [1, 0, 2000],
      [1, 2000, 1],
    ]);
    expect(() => planReads([item("wide", 0, "float64")], { ...LIMITS, maxRegistersPerRequest: 2 })).toThrow(/ocupa 4 registros y el dispositivo admite 2/);
  });

  it("separates tables (one function code per request) and sorts by address", () => {
    const blocks = planReads(
      [item("h2", 2), item("i0", 0, "float32", "input"), item("h0", 0), item("d0", 0, "bool", "discrete")],
      LIMITS,
    );
    expect(blocks.map((b) => [b.functionCode, b.address, b.quantity, b.items.map((p) => p.item.tag).join(",")])).toEqual([
      [2, 0, 1, "d0"],
      [3, 0, 4, "h0,h2"],
      [4, 0, 2, "i0"],
    ]);
  });

  it("the demo simulator's map needs 2 requests per dispenser, 2 per duct meter, 1 per tank gauge", () => {
    const map = siteModbusRegisterMap(DEMO_SITE);
    expect(map.devices.map((d) => `${d.unitId}:${d.key}:${d.order}`)).toEqual([
      "1:EDS-0001/ATG:ABCD",
      "2:EDS-0001/SMD-DISP-0001:ABCD",
      "3:EDS-0001/SMD-DISP-0002:ABCD",
      "4:EDS-0001/SMD-DISP-0003:ABCD",
      "5:EDS-0001/SMD-DISP-0004:ABCD",
      "6:TDA-0001/ATG:ABCD",
      "7:TDA-0001/SMD-DUC-TRA-0001:CDAB",
      "8:TDA-0001/SMD-DUC-CAR-0001:CDAB",
    ]);
    const config = demoModbusCollectorConfig(DEMO_SITE, 5020, { tanks: true });
    const perDevice = config.devices.map((d) => planDevice(d).flat().map((b) => `${b.functionCode}:${b.address}+${b.quantity}`).join(" "));
    expect(perDevice).toEqual([
      "4:0+24",
      "2:0+2 3:0+20",
      "2:0+2 3:0+20",
      "2:0+2 3:0+20",
      "2:0+2 3:0+20",
      "4:0+48",
      "2:0+1 3:0+10",
      "2:0+1 3:0+10",
    ]);
    // Without tanks (default): the OPC UA gateway already publishes them.
    expect(demoModbusCollectorConfig(DEMO_SITE, 5020).devices.map((d) => d.unitId)).toEqual([2, 3, 4, 5, 7, 8]);
  });
});
