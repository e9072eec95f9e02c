import { describe, expect, it } from "vitest";
import {
  buildCommand,
  checksumOf,
  decodeHexFloat,
  encodeHexFloat,
  extractCommand,
  extractFrame,
  formatDeliveryResponse,
  formatInventoryResponse,
  frameComputerResponse,
  parseDeliveryResponse,
  parseInventoryResponse,
  printable,
  unrecognisedCommandResponse,
  validateFrame,
  type ParseResult,
} from "../../../../../collectors/drivers/veeder-root/parse";
import {
  DELIVERY_METRIC_ALL_TANKS,
  FLOAT_VECTORS,
  INVENTORY_METRIC_ALL_TANKS,
  INVENTORY_TANK_2_NO_DATA,
  INVENTORY_US_TANK_1,
  UNRECOGNISED_COMMAND,
  wire,
} from "../../../../fixtures/veeder-root/tls-responses";

const METRIC_201 = { units: "metric", functionCode: "i20100" } as const;
const METRIC_202 = { units: "metric", functionCode: "i20200" } as const;

function value<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`se esperaba éxito: ${result.error.code} ${result.error.message}`);
  return result.value;
}

function errorCode<T>(result: ParseResult<T>): string {
  expect(result.ok).toBe(false);
  return result.ok ? "" : result.error.code;
}

/** Replaces the character at `index` of a fixture (keeps its checksum, so the frame is corrupt). */
function alter(text: string, index: number, replacement: string): string {
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

describe("Veeder-Root TLS commands (manual §5.0)", () => {
  it("builds <SOH>i20100, per-tank variants and the security-code prefix", () => {
    expect(printable(buildCommand("201"))).toBe("<SOH>i20100");
    expect(printable(buildCommand("202"))).toBe("<SOH>i20200");
    expect(printable(buildCommand("201", 3))).toBe("<SOH>i20103");
    expect(printable(buildCommand("202", 12, "ABC123"))).toBe("<SOH>ABC123i20212");
  });

  it("reads commands on the console side, skipping noise and a trailing CR/LF", () => {
    const bytes = wire("xx\u0001i20100\r\n\u0001i202");
    const first = extractCommand(bytes);
    expect(first.command).toEqual({ securityCode: "", functionCode: "i20100" });
    expect(first.consumed).toBe(11);
    const second = extractCommand(bytes.subarray(first.consumed));
    expect(second.command).toBeNull();
    expect(second.consumed).toBe(0);
    expect(extractCommand(wire("\u0001SECRETi20101")).command).toEqual({ securityCode: "", functionCode: "SECRET" });
    expect(extractCommand(wire("\u0001SECRETi20101"), 6).command).toEqual({ securityCode: "SECRET", functionCode: "i20101" });
  });
});

describe("Veeder-Root TLS checksum and floats (manual §6.1, §6.3)", () => {
  it("reproduces the manual's own example: FF1B is the checksum of <SOH>9999", () => {
    expect(checksumOf(wire("\u00019999"))).toBe(0xff1b);
    expect(printable(unrecognisedCommandResponse())).toBe(printable(wire(UNRECOGNISED_COMMAND)));
  });

  it("sum of the message bytes plus the checksum is zero modulo 2^16, parity bit ignored", () => {
    const frame = wire(INVENTORY_METRIC_ALL_TANKS);
    const tag = frame.length - 7; // "&&CCCC<ETX>"
    const sum = frame.subarray(0, tag + 2).reduce((acc, byte) => acc + byte, 0);
    const checksum = Number.parseInt(INVENTORY_METRIC_ALL_TANKS.slice(-5, -1), 16);
    expect((sum + checksum) & 0xffff).toBe(0);
    const withParity = wire("\u00019999").map((byte) => byte | 0x80);
    expect(checksumOf(withParity)).toBe(0xff1b);
  });

  it("decodes the published float vectors and round-trips singles", () => {
    for (const [hex, expected] of FLOAT_VECTORS) {
      expect(decodeHexFloat(hex)).toBe(Math.fround(expected));
      expect(encodeHexFloat(expected)).toBe(hex);
    }
    expect(decodeHexFloat("00000000")).toBe(0);
    expect(decodeHexFloat("????????")).toBeNull();
    expect(decodeHexFloat("12G45678")).toBeUndefined();
    expect(decodeHexFloat("7F800000")).toBeUndefined(); // +Infinity is not a measurement
    expect(decodeHexFloat("7FC00000")).toBeUndefined(); // NaN
    expect(encodeHexFloat(null)).toBe("????????");
  });
});

describe("Veeder-Root TLS framing", () => {
  it("cuts SOH…ETX out of a stream and reports the noise before SOH", () => {
    const stream = wire(`\u00ffNOISE\r\n${UNRECOGNISED_COMMAND}tail`);
    const { frame, discarded, rest } = extractFrame(stream);
    expect(printable(frame!)).toBe("<SOH>9999FF1B<ETX>");
    expect(printable(discarded)).toBe("<0xff>NOISE<CR><LF>");
    expect(printable(rest)).toBe("tail");
  });

  it("keeps a partial frame and drops a stray SOH superseded by a later one", () => {
    const partial = extractFrame(wire("junk\u0001i20100261101"));
    expect(partial.frame).toBeNull();
    expect(printable(partial.discarded)).toBe("junk");
    expect(printable(partial.rest)).toBe("<SOH>i20100261101");
    const stray = extractFrame(wire(`\u0001garbage${UNRECOGNISED_COMMAND}`));
    expect(printable(stray.frame!)).toBe("<SOH>9999FF1B<ETX>");
    expect(printable(stray.discarded)).toBe("<SOH>garbage");
  });
});

describe("Veeder-Root TLS function 201 (in-tank inventory)", () => {
  it("parses the metric three-tank report field by field", () => {
    const report = value(parseInventoryResponse(wire(INVENTORY_METRIC_ALL_TANKS), METRIC_201));
    expect(report.functionCode).toBe("i20100");
    expect(report.consoleTime).toEqual({ year: 2026, month: 11, day: 1, hour: 14, minute: 5 });
    expect(report.tanks).toHaveLength(3);
    expect(report.tanks[0]).toEqual({
      tankNumber: 1,
      productCode: "1",
      status: 0,
      deliveryInProgress: false,
      leakTestInProgress: false,
      invalidFuelHeight: false,
      volumeL: 25012.5,
      tcVolumeL: 24950.75,
      ullageL: 35000.25,
      heightMm: 1762.375,
      waterMm: 12.5,
      temperatureC: 20.25,
      waterVolumeL: 180,
      fieldCount: 7,
    });
    expect(report.tanks[1]).toMatchObject({ tankNumber: 2, status: 1, deliveryInProgress: true, volumeL: 18000, waterVolumeL: 60.25 });
    expect(report.tanks[2]).toMatchObject({ tankNumber: 3, heightMm: 1800, temperatureC: 21, waterVolumeL: 210.5 });
  });

  it("converts a US-units console to litres, millimetres and °C", () => {
    const report = value(parseInventoryResponse(wire(INVENTORY_US_TANK_1), { units: "us", functionCode: "i20101" }));
    const tank = report.tanks[0]!;
    expect(tank.volumeL).toBeCloseTo(5000 * 3.785411784, 9);
    expect(tank.tcVolumeL).toBeCloseTo(4975.5 * 3.785411784, 9);
    expect(tank.ullageL).toBeCloseTo(4870.25 * 3.785411784, 9);
    expect(tank.heightMm).toBeCloseTo(1231.9, 9);
    expect(tank.waterMm).toBeCloseTo(19.05, 9);
    expect(tank.temperatureC).toBeCloseTo(20, 9);
    expect(tank.waterVolumeL).toBeCloseTo(12.5 * 3.785411784, 9);
    // The same bytes read as metric are taken literally: the setting must match the console.
    const asMetric = value(parseInventoryResponse(wire(INVENTORY_US_TANK_1), { units: "metric", functionCode: "i20101" }));
    expect(asMetric.tanks[0]!.temperatureC).toBe(68);
  });

  it("§7.0: a tank filled with question marks has no values (null), the others parse", () => {
    const report = value(parseInventoryResponse(wire(INVENTORY_TANK_2_NO_DATA), METRIC_201));
    expect(report.tanks.map((t) => t.tankNumber)).toEqual([1, 2]);
    expect(report.tanks[0]!.volumeL).toBe(25012.5);
    expect(report.tanks[1]).toMatchObject({ volumeL: null, heightMm: null, temperatureC: null, waterVolumeL: null });
  });

  it("rejects a corrupted data character: checksum mismatch, no values", () => {
    const corrupt = alter(INVENTORY_METRIC_ALL_TANKS, 40, "F");
    const result = parseInventoryResponse(wire(corrupt), METRIC_201);
    expect(errorCode(result)).toBe("bad-checksum");
    expect(result.ok ? "" : result.error.message).toMatch(/suma de verificación incorrecta: recibida D48F, calculada [0-9A-F]{4}/);
  });

  it("rejects a wrong checksum value", () => {
    const wrong = INVENTORY_METRIC_ALL_TANKS.replace("&&D48F", "&&D48E");
    expect(errorCode(parseInventoryResponse(wire(wrong), METRIC_201))).toBe("bad-checksum");
  });

  it("rejects a frame without SOH or without ETX", () => {
    expect(errorCode(parseInventoryResponse(wire(INVENTORY_METRIC_ALL_TANKS.slice(1)), METRIC_201))).toBe("missing-soh");
    expect(errorCode(parseInventoryResponse(wire(INVENTORY_METRIC_ALL_TANKS.slice(0, -1)), METRIC_201))).toBe("missing-etx");
  });

  it("rejects a truncated report even when its checksum is consistent", () => {
    // A console that stopped mid-record but still framed what it sent: re-frame the first 40 data characters.
    const data = INVENTORY_METRIC_ALL_TANKS.slice(7, 7 + 10 + 40);
    const truncated = frameComputerResponse("i20100", data);
    const result = parseInventoryResponse(truncated, METRIC_201);
    expect(errorCode(result)).toBe("truncated");
    expect(result.ok ? "" : result.error.message).toContain("datos truncados");
    expect(errorCode(parseInventoryResponse(frameComputerResponse("i20100", "26110114"), METRIC_201))).toBe("truncated");
    expect(errorCode(parseInventoryResponse(wire("\u0001i201\u0003"), METRIC_201))).toBe("truncated");
  });

  it("rejects a response without the && checksum tag", () => {
    const noTag = INVENTORY_METRIC_ALL_TANKS.replace("&&D48F", "");
    expect(errorCode(parseInventoryResponse(wire(noTag), METRIC_201))).toBe("missing-checksum");
  });

  it("rejects the answer to another function", () => {
    const result = parseInventoryResponse(wire(DELIVERY_METRIC_ALL_TANKS), METRIC_201);
    expect(errorCode(result)).toBe("wrong-function");
    expect(result.ok ? "" : result.error.message).toBe("la respuesta es de la función «i20200», se esperaba «i20100»");
    expect(errorCode(parseInventoryResponse(wire(INVENTORY_US_TANK_1), METRIC_201))).toBe("wrong-function");
  });

  it("rejects non-hex float fields, re-framed with a valid checksum", () => {
    const data = INVENTORY_US_TANK_1.slice(7, -7).replace("459C4000", "459C4Z00");
    const result = parseInventoryResponse(frameComputerResponse("i20101", data), { units: "us", functionCode: "i20101" });
    expect(errorCode(result)).toBe("bad-field");
    expect(result.ok ? "" : result.error.message).toContain("tanque 01, campo 1 (volumen): «459C4Z00»");
  });

  it("rejects a bad date stamp and a non-decimal tank number", () => {
    const badDate = INVENTORY_US_TANK_1.slice(7, -7).replace("2611011405", "2613011405");
    expect(errorCode(parseInventoryResponse(frameComputerResponse("i20101", badDate), { units: "us", functionCode: "i20101" }))).toBe(
      "bad-field",
    );
    const badTank = INVENTORY_US_TANK_1.slice(7, -7).replace(/^(\d{10})01/, "$1A1");
    expect(errorCode(parseInventoryResponse(frameComputerResponse("i20101", badTank), { units: "us", functionCode: "i20101" }))).toBe(
      "bad-field",
    );
  });

  it("reports the 9999 refusal (verbatim manual example) as an unrecognised command", () => {
    const result = parseInventoryResponse(wire(UNRECOGNISED_COMMAND), METRIC_201);
    expect(errorCode(result)).toBe("unrecognised-command");
    expect(result.ok ? "" : result.error.message).toBe("la consola no reconoce el comando «i20100» (respuesta 9999)");
  });

  it("ignores fields beyond the seven it knows (newer firmware)", () => {
    const eight = "2611011405" + "011000008" + "46C36900".repeat(7) + "3F800000";
    const report = value(parseInventoryResponse(frameComputerResponse("i20100", eight), METRIC_201));
    expect(report.tanks[0]).toMatchObject({ fieldCount: 8, volumeL: 25012.5, waterVolumeL: 25012.5 });
    const six = "2611011405" + "011000006" + "46C36900".repeat(6);
    expect(errorCode(parseInventoryResponse(frameComputerResponse("i20100", six), METRIC_201))).toBe("truncated");
  });

  it("never throws on arbitrary bytes", () => {
    const samples = ["", "\u0001", "\u0003", "\u0001&&\u0003", "\u0001i20100&&0000\u0003", "\u0001i20100??????????&&ZZZZ\u0003"];
    for (const sample of samples) {
      expect(() => parseInventoryResponse(wire(sample), METRIC_201)).not.toThrow();
      expect(parseInventoryResponse(wire(sample), METRIC_201).ok).toBe(false);
    }
    let seed = 7;
    for (let i = 0; i < 500; i += 1) {
      const bytes = new Uint8Array(1 + (i % 90)).map(() => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed & 0xff;
      });
      expect(() => parseDeliveryResponse(bytes, METRIC_202)).not.toThrow();
    }
  });
});

describe("Veeder-Root TLS function 202 (delivery report)", () => {
  it("parses deliveries per tank with start/end stamps and the ten values", () => {
    const report = value(parseDeliveryResponse(wire(DELIVERY_METRIC_ALL_TANKS), METRIC_202));
    expect(report.consoleTime).toEqual({ year: 2026, month: 11, day: 1, hour: 14, minute: 5 });
    expect(report.tanks.map((t) => [t.tankNumber, t.deliveries.length])).toEqual([
      [1, 2],
      [2, 0],
      [3, 1],
    ]);
    expect(report.tanks[0]!.deliveries[0]).toEqual({
      start: { year: 2026, month: 11, day: 1, hour: 9, minute: 5 },
      end: { year: 2026, month: 11, day: 1, hour: 9, minute: 41 },
      startStamp: "2611010905",
      endStamp: "2611010941",
      startVolumeL: 9500.5,
      startTcVolumeL: 9450,
      startWaterMm: 12.5,
      startTemperatureC: 20,
      endVolumeL: 29400,
      endTcVolumeL: 29260.75,
      endWaterMm: 12.75,
      endTemperatureC: 19.5,
      startHeightMm: 905,
      endHeightMm: 2010.5,
      fieldCount: 10,
      raw:
        "2611010905" + "2611010941" + "0A" + "46147200" + "4613A800" + "41480000" + "41A00000" + "46E5B000" + "46E49980" +
        "414C0000" + "419C0000" + "44624000" + "44FB5000",
    });
    expect(report.tanks[0]!.deliveries[1]).toMatchObject({ startStamp: "2610311020", startVolumeL: 8000, endHeightMm: 1950.25 });
    expect(report.tanks[2]!.deliveries[0]).toMatchObject({ startStamp: "2611011210", endVolumeL: 31000, endTcVolumeL: 30880.5 });
  });

  it("rejects a corrupted delivery report and a truncated delivery", () => {
    const corrupt = alter(DELIVERY_METRIC_ALL_TANKS, 60, DELIVERY_METRIC_ALL_TANKS[60] === "0" ? "1" : "0");
    expect(errorCode(parseDeliveryResponse(wire(corrupt), METRIC_202))).toBe("bad-checksum");
    const data = DELIVERY_METRIC_ALL_TANKS.slice(7, -7);
    const cut = frameComputerResponse("i20200", data.slice(0, 10 + 5 + 22 + 8 * 6));
    const result = parseDeliveryResponse(cut, METRIC_202);
    expect(errorCode(result)).toBe("truncated");
    expect(result.ok ? "" : result.error.message).toContain("tanque 01, entrega 1, campo 7 (agua final)");
  });

  it("refuses question marks in a stored delivery", () => {
    const data = DELIVERY_METRIC_ALL_TANKS.slice(7, -7).replace("46147200", "????????");
    expect(errorCode(parseDeliveryResponse(frameComputerResponse("i20200", data), METRIC_202))).toBe("bad-field");
  });
});

describe("Veeder-Root TLS encoders (simulator)", () => {
  it("encode what the parser reads back, in either unit system", () => {
    const tank = {
      tankNumber: 2,
      productCode: "2",
      status: 1,
      volumeL: 18000,
      tcVolumeL: 17900.5,
      ullageL: 20000,
      heightMm: 1200.5,
      waterMm: 8,
      temperatureC: 19.5,
      waterVolumeL: 60.25,
    };
    const metric = formatInventoryResponse("i20102", "2611011405", [tank], "metric");
    expect(value(parseInventoryResponse(metric, { units: "metric", functionCode: "i20102" })).tanks[0]).toMatchObject({
      volumeL: 18000,
      heightMm: 1200.5,
      deliveryInProgress: true,
    });
    const us = formatInventoryResponse("i20102", "2611011405", [tank], "us");
    const back = value(parseInventoryResponse(us, { units: "us", functionCode: "i20102" })).tanks[0]!;
    expect(back.volumeL).toBeCloseTo(18000, 1);
    expect(back.heightMm).toBeCloseTo(1200.5, 3);
    expect(back.temperatureC).toBeCloseTo(19.5, 4);
    const delivery = {
      startStamp: "2611010905",
      endStamp: "2611010941",
      startVolumeL: 9500.5,
      startTcVolumeL: 9450,
      startWaterMm: 12.5,
      startTemperatureC: 20,
      endVolumeL: 29400,
      endTcVolumeL: 29260.75,
      endWaterMm: 12.75,
      endTemperatureC: 19.5,
      startHeightMm: 905,
      endHeightMm: 2010.5,
    };
    const framed = formatDeliveryResponse("i20201", "2611011405", [{ tankNumber: 1, productCode: "1", deliveries: [delivery] }], "metric");
    expect(value(parseDeliveryResponse(framed, { units: "metric", functionCode: "i20201" })).tanks[0]!.deliveries[0]).toMatchObject(delivery);
    expect(validateFrame(framed, "i20201").ok).toBe(true);
  });
});
