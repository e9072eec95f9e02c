import { describe, expect, it } from "vitest";
import {
  decodeMbapHeader,
  decodeRequest,
  decodeResponse,
  decodeValue,
  encodeExceptionResponse,
  encodeRequest,
  encodeResponse,
  encodeValue,
  exceptionName,
  isGatewayException,
  nextFrameLength,
  packBits,
  scaleValue,
  unpackBits,
  type ModbusByteOrder,
  type ModbusRequest,
  type ModbusValueType,
} from "../../../../../collectors/drivers/modbus/codec";
import { createPrng } from "../../../../../collectors/simulators/prng";
import { QUALITY_BAD, QUALITY_GOOD } from "../../../../../server/contracts/measurement";

const bytes = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ""), "hex");

/**
 * Every type in every order, as literal registers (computed independently with Python's struct:
 * struct.pack('>f', 12.75).hex() == '414c0000', then the word/byte swaps).
 */
const VALUE_VECTORS: ReadonlyArray<{ type: ModbusValueType; value: number; registers: Record<ModbusByteOrder, number[]> }> = [
  { type: "int16", value: -1234, registers: { ABCD: [0xfb2e], CDAB: [0xfb2e], BADC: [0x2efb], DCBA: [0x2efb] } },
  { type: "uint16", value: 54321, registers: { ABCD: [0xd431], CDAB: [0xd431], BADC: [0x31d4], DCBA: [0x31d4] } },
  { type: "int32", value: -123456789, registers: { ABCD: [0xf8a4, 0x32eb], CDAB: [0x32eb, 0xf8a4], BADC: [0xa4f8, 0xeb32], DCBA: [0xeb32, 0xa4f8] } },
  { type: "uint32", value: 3000000000, registers: { ABCD: [0xb2d0, 0x5e00], CDAB: [0x5e00, 0xb2d0], BADC: [0xd0b2, 0x005e], DCBA: [0x005e, 0xd0b2] } },
  { type: "float32", value: 12.75, registers: { ABCD: [0x414c, 0x0000], CDAB: [0x0000, 0x414c], BADC: [0x4c41, 0x0000], DCBA: [0x0000, 0x4c41] } },
  {
    type: "float64",
    value: 123456789.125,
    registers: {
      ABCD: [0x419d, 0x6f34, 0x5480, 0x0000],
      CDAB: [0x0000, 0x5480, 0x6f34, 0x419d],
      BADC: [0x9d41, 0x346f, 0x8054, 0x0000],
      DCBA: [0x0000, 0x8054, 0x346f, 0x9d41],
    },
  },
];
const ORDERS: ModbusByteOrder[] = ["ABCD", "CDAB", "BADC", "DCBA"];

describe("Modbus register values (every type × every order)", () => {
  for (const vector of VALUE_VECTORS) {
    for (const order of ORDERS) {
      it(`${vector.type} ${order}: ${vector.value} ⇄ [${vector.registers[order].map((r) => `0x${r.toString(16).padStart(4, "0")}`).join(", ")}]`, () => {
        const registers = vector.registers[order];
        expect(decodeValue(registers, 0, vector.type, order)).toBe(vector.value);
        // Also at an offset inside a longer block, as a merged read delivers it.
        expect(decodeValue([0xdead, ...registers, 0xbeef], 1, vector.type, order)).toBe(vector.value);
        expect(encodeValue(vector.value, vector.type, order)).toEqual(registers);
      });
    }
  }

  it("decodes float32 12.75 from the literal bytes of a whole FC 03 response (0x414C0000)", () => {
    const request: ModbusRequest = { functionCode: 0x03, address: 0, quantity: 2 };
    const frame = bytes("0007 0000 0007 01 03 04 414C 0000");
    const decoded = decodeResponse(frame, { transactionId: 7, unitId: 1, request });
    expect(decoded.ok).toBe(true);
    if (!decoded.ok || decoded.value.response.kind !== "registers") throw new Error("no registers");
    expect(decoded.value.response.registers).toEqual([0x414c, 0x0000]);
    expect(decodeValue(decoded.value.response.registers, 0, "float32", "ABCD")).toBe(12.75);
  });

  it("returns NaN for a slice shorter than the type (never reads past the block)", () => {
    expect(decodeValue([0x414c], 0, "float32")).toBeNaN();
    expect(decodeValue([0x414c, 0, 0], 1, "float64")).toBeNaN();
  });

  it("rejects integers that do not fit when encoding", () => {
    expect(() => encodeValue(70000, "uint16")).toThrow(RangeError);
    expect(() => encodeValue(-1, "uint32")).toThrow(RangeError);
    expect(() => encodeValue(Number.NaN, "int16")).toThrow(RangeError);
  });
});

describe("scaling and quality", () => {
  it("applies value × scale + offset", () => {
    const scaled = scaleValue(1234, 0.1, -10);
    expect(scaled.quality).toBe(QUALITY_GOOD);
    expect(scaled.value).toBeCloseTo(113.4, 12);
    expect(scaleValue(500, 2, 1)).toEqual({ value: 1001, quality: QUALITY_GOOD });
  });

  it("turns NaN and ±Inf (float32 0x7FC00000, 0x7F800000, 0xFF800000) into BAD with the fallback value", () => {
    const nan = decodeValue([0x7fc0, 0x0000], 0, "float32");
    const inf = decodeValue([0x7f80, 0x0000], 0, "float32");
    const negInf = decodeValue([0xff80, 0x0000], 0, "float32");
    expect(scaleValue(nan, 1, 0, 42)).toEqual({ value: 42, quality: QUALITY_BAD });
    expect(scaleValue(inf)).toEqual({ value: 0, quality: QUALITY_BAD });
    expect(scaleValue(negInf, 2, 5, 7)).toEqual({ value: 7, quality: QUALITY_BAD });
    // A scale that overflows a finite double is BAD too.
    expect(scaleValue(1e308, 10).quality).toBe(QUALITY_BAD);
  });
});

describe("requests (literal examples of Modbus Application Protocol V1.1b3 §6)", () => {
  const cases: Array<[string, ModbusRequest, string]> = [
    ["FC 01 read coils 20–38 (§6.1)", { functionCode: 0x01, address: 0x13, quantity: 0x13 }, "01 0013 0013"],
    ["FC 02 read discrete inputs 197–218 (§6.2)", { functionCode: 0x02, address: 0xc4, quantity: 0x16 }, "02 00C4 0016"],
    ["FC 03 read holding registers 108–110 (§6.3)", { functionCode: 0x03, address: 0x6b, quantity: 3 }, "03 006B 0003"],
    ["FC 04 read input register 9 (§6.4)", { functionCode: 0x04, address: 0x08, quantity: 1 }, "04 0008 0001"],
    ["FC 05 write coil 173 ON (§6.5)", { functionCode: 0x05, address: 0xac, value: true }, "05 00AC FF00"],
    ["FC 06 write register 2 = 3 (§6.6)", { functionCode: 0x06, address: 0x01, value: 3 }, "06 0001 0003"],
    ["FC 16 write registers 2–3 (§6.12)", { functionCode: 0x10, address: 0x01, values: [0x000a, 0x0102] }, "10 0001 0002 04 000A 0102"],
  ];
  for (const [title, request, pdu] of cases) {
    it(`${title} encodes and decodes`, () => {
      const pduBytes = bytes(pdu);
      const frame = encodeRequest(0x1234, 0x11, request);
      expect(frame).toEqual(Buffer.concat([bytes(`1234 0000 ${(pduBytes.length + 1).toString(16).padStart(4, "0")} 11`), pduBytes]));
      const decoded = decodeRequest(frame);
      expect(decoded).toEqual({
        ok: true,
        value: { kind: "request", header: { transactionId: 0x1234, protocolId: 0, length: pduBytes.length + 1, unitId: 0x11 }, request },
      });
    });
  }

  it("refuses to encode more than 125 registers or 2000 bits, or an address range past 65535", () => {
    expect(() => encodeRequest(1, 1, { functionCode: 0x03, address: 0, quantity: 126 })).toThrow(/cantidad de registros inválida: 126/);
    expect(() => encodeRequest(1, 1, { functionCode: 0x01, address: 0, quantity: 2001 })).toThrow(/cantidad de bits inválida: 2001/);
    expect(() => encodeRequest(1, 1, { functionCode: 0x04, address: 65535, quantity: 2 })).toThrow(/excede la dirección 65535/);
    expect(() => encodeRequest(1, 1, { functionCode: 0x03, address: 0, quantity: 0 })).toThrow(RangeError);
    expect(() => encodeRequest(1, 256, { functionCode: 0x03, address: 0, quantity: 1 })).toThrow(/id de unidad inválido/);
    expect(encodeRequest(1, 1, { functionCode: 0x03, address: 0, quantity: 125 })).toHaveLength(12);
    expect(encodeRequest(1, 1, { functionCode: 0x01, address: 0, quantity: 2000 })).toHaveLength(12);
  });

  it("server side: unknown function → exception 01, bad quantity / byte count → 03, range past 65535 → 02", () => {
    const unknown = decodeRequest(bytes("0001 0000 0002 01 2B"));
    expect(unknown).toMatchObject({ ok: true, value: { kind: "exception", functionCode: 0x2b, exceptionCode: 1 } });
    const tooMany = decodeRequest(bytes("0001 0000 0006 01 03 0000 007E"));
    expect(tooMany).toMatchObject({ ok: true, value: { kind: "exception", functionCode: 3, exceptionCode: 3 } });
    const tooManyBits = decodeRequest(bytes("0001 0000 0006 01 01 0000 07D1"));
    expect(tooManyBits).toMatchObject({ ok: true, value: { kind: "exception", exceptionCode: 3 } });
    const pastEnd = decodeRequest(bytes("0001 0000 0006 01 04 FFFF 0002"));
    expect(pastEnd).toMatchObject({ ok: true, value: { kind: "exception", exceptionCode: 2 } });
    const badCoilValue = decodeRequest(bytes("0001 0000 0006 01 05 0001 1234"));
    expect(badCoilValue).toMatchObject({ ok: true, value: { kind: "exception", exceptionCode: 3 } });
    const fc16Mismatch = decodeRequest(bytes("0001 0000 000B 01 10 0001 0002 03 000A 0102"));
    expect(fc16Mismatch).toMatchObject({ ok: true, value: { kind: "exception", exceptionCode: 3 } });
  });
});

describe("responses", () => {
  it("FC 01: coils 20–38 = CD 6B 05 unpack LSB first (§6.1 example)", () => {
    const request: ModbusRequest = { functionCode: 0x01, address: 0x13, quantity: 19 };
    const decoded = decodeResponse(bytes("0001 0000 0006 11 01 03 CD 6B 05"), { transactionId: 1, unitId: 0x11, request });
    if (!decoded.ok || decoded.value.response.kind !== "bits") throw new Error(JSON.stringify(decoded));
    const bits = decoded.value.response.bits.map((b) => (b ? 1 : 0)).join("");
    // 0xCD = 1100 1101 → coils 20..27 = 1,0,1,1,0,0,1,1; 0x6B → 28..35; 0x05 → 36..38 = 1,0,1.
    expect(bits).toBe("10110011" + "11010110" + "101");
    expect(packBits(decoded.value.response.bits)).toEqual(Uint8Array.of(0xcd, 0x6b, 0x05));
    expect(unpackBits(Uint8Array.of(0x01), 1)).toEqual([true]);
  });

  it("FC 02 and FC 04 examples (§6.2, §6.4)", () => {
    const di = decodeResponse(bytes("0002 0000 0006 01 02 03 AC DB 35"), {
      transactionId: 2,
      unitId: 1,
      request: { functionCode: 0x02, address: 0xc4, quantity: 22 },
    });
    expect(di.ok && di.value.response.kind === "bits" && di.value.response.bits.length).toBe(22);
    const ir = decodeResponse(bytes("0003 0000 0005 01 04 02 000A"), { transactionId: 3, unitId: 1, request: { functionCode: 0x04, address: 8, quantity: 1 } });
    expect(ir).toMatchObject({ ok: true, value: { response: { kind: "registers", functionCode: 4, registers: [10] } } });
  });

  it("write responses echo the request and are checked against it", () => {
    const single = { functionCode: 0x06, address: 1, value: 3 } as const;
    expect(decodeResponse(bytes("0004 0000 0006 01 06 0001 0003"), { transactionId: 4, unitId: 1, request: single })).toMatchObject({ ok: true });
    expect(decodeResponse(bytes("0004 0000 0006 01 06 0001 0004"), { transactionId: 4, unitId: 1, request: single })).toMatchObject({
      ok: false,
      error: { code: "value" },
    });
    const multiple = { functionCode: 0x10, address: 1, values: [1, 2] } as const;
    expect(decodeResponse(bytes("0005 0000 0006 01 10 0001 0002"), { transactionId: 5, unitId: 1, request: multiple })).toMatchObject({
      ok: true,
      value: { response: { kind: "write-multiple", quantity: 2 } },
    });
    const coil = { functionCode: 0x05, address: 0xac, value: true } as const;
    expect(decodeResponse(bytes("0006 0000 0006 01 05 00AC FF00"), { transactionId: 6, unitId: 1, request: coil })).toMatchObject({ ok: true });
  });

  it("server encodes what the client decodes (round trip of every kind)", () => {
    const read = { functionCode: 0x03, address: 10, quantity: 3 } as const;
    const frame = encodeResponse(9, 2, { kind: "registers", functionCode: 0x03, registers: [1, 0xffff, 0x8000] });
    expect(decodeResponse(frame, { transactionId: 9, unitId: 2, request: read })).toMatchObject({
      ok: true,
      value: { response: { registers: [1, 0xffff, 0x8000] } },
    });
    const bitsFrame = encodeResponse(9, 2, { kind: "bits", functionCode: 0x02, bits: [true, false, true, true, false, false, false, false, true] });
    expect(bitsFrame.subarray(7)).toEqual(bytes("02 02 0D 01"));
  });
});

describe("exception responses ([AP] §7)", () => {
  const names: Array<[number, string]> = [
    [1, "función ilegal"],
    [2, "dirección de datos ilegal"],
    [3, "valor de datos ilegal"],
    [4, "falla del dispositivo esclavo"],
    [6, "dispositivo esclavo ocupado"],
    [11, "el dispositivo destino del gateway no respondió"],
  ];
  for (const [code, name] of names) {
    it(`code ${code} → "${name}"`, () => {
      const request: ModbusRequest = { functionCode: 0x03, address: 0, quantity: 1 };
      const frame = encodeExceptionResponse(0x0102, 1, 0x03, code);
      expect(frame).toEqual(bytes(`0102 0000 0003 01 83 ${code.toString(16).padStart(2, "0")}`));
      const decoded = decodeResponse(frame, { transactionId: 0x0102, unitId: 1, request });
      expect(decoded).toEqual({
        ok: true,
        value: {
          header: { transactionId: 0x0102, protocolId: 0, length: 3, unitId: 1 },
          response: { kind: "exception", functionCode: 3, exceptionCode: code, message: name },
        },
      });
    });
  }

  it("names unknown codes and classifies gateway exceptions as the device being down", () => {
    expect(exceptionName(0x0a)).toBe("ruta del gateway no disponible");
    expect(exceptionName(0x42)).toBe("excepción desconocida 0x42");
    expect(isGatewayException(0x0a)).toBe(true);
    expect(isGatewayException(0x0b)).toBe(true);
    expect(isGatewayException(0x02)).toBe(false);
  });
});

describe("malformed frames give a clear error and never throw", () => {
  const request: ModbusRequest = { functionCode: 0x03, address: 0, quantity: 3 };
  const expectError = (frame: Buffer, code: string, message: RegExp, transactionId = 1, unitId = 1): void => {
    const decoded = decodeResponse(frame, { transactionId, unitId, request });
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.error.code).toBe(code);
    expect(decoded.error.message).toMatch(message);
  };

  it("short frame", () => {
    expectError(bytes("0001 0000 00"), "short-frame", /trama de 5 bytes: el mínimo es 8/);
    expectError(bytes("0001 0000 0001 01"), "short-frame", /mínimo/);
  });

  it("length field that disagrees with the bytes present", () => {
    expectError(bytes("0001 0000 000A 01 03 06 0001 0002 0003"), "length-mismatch", /longitud MBAP dice 10 bytes y siguen 9/);
    expectError(bytes("0001 0000 0008 01 03 06 0001 0002 0003"), "length-mismatch", /dice 8 bytes y siguen 9/);
  });

  it("protocol id other than 0", () => {
    expectError(bytes("0001 0001 0009 01 03 06 0001 0002 0003"), "protocol-id", /identificador de protocolo 1/);
  });

  it("byte count inconsistent with the quantity, or with the bytes present", () => {
    expectError(bytes("0001 0000 0007 01 03 04 0001 0002"), "byte-count", /conteo de bytes 4; para 3 registros se esperaban 6/);
    expectError(bytes("0001 0000 0007 01 03 06 0001 0002"), "byte-count", /dice 6 y llegaron 4/);
    expectError(bytes("0001 0000 0002 01 03"), "short-frame", /sin conteo de bytes/);
  });

  it("wrong transaction id, unit id or function code", () => {
    expectError(bytes("0002 0000 0009 01 03 06 0001 0002 0003"), "transaction-id", /id de transacción 2 .* se esperaba 1/);
    expectError(bytes("0001 0000 0009 07 03 06 0001 0002 0003"), "unit-id", /unidad 7; se esperaba la unidad 1/);
    expectError(bytes("0001 0000 0009 01 04 06 0001 0002 0003"), "function-code", /0x04 .* se esperaba 0x03/);
    expectError(bytes("0001 0000 0004 01 83 02 00"), "length-mismatch", /excepción con 2 bytes/);
  });

  it("stream framing: incomplete, complete, and out-of-step headers", () => {
    expect(nextFrameLength(bytes("0001 0000 00"))).toEqual({ kind: "incomplete" });
    expect(nextFrameLength(bytes("0001 0000 0006 01 03 00"))).toEqual({ kind: "incomplete" });
    expect(nextFrameLength(bytes("0001 0000 0003 01 83 02 FFFF"))).toEqual({ kind: "frame", length: 9 });
    expect(nextFrameLength(bytes("0001 0000 0000 01"))).toMatchObject({ kind: "invalid", error: { code: "length-mismatch" } });
    expect(nextFrameLength(bytes("0001 0000 0100 01"))).toMatchObject({ kind: "invalid", error: { message: /fuera de rango: 256/ } });
    expect(nextFrameLength(bytes("4854 5450 2F31"))).toMatchObject({ kind: "invalid", error: { code: "protocol-id" } });
    expect(decodeMbapHeader(Buffer.alloc(261))).toMatchObject({ ok: false, error: { code: "frame-too-long" } });
  });

  it("random bytes never throw (10 000 seeded frames through every decoder)", () => {
    const rng = createPrng(20260310);
    const requests: ModbusRequest[] = [
      { functionCode: 0x01, address: 0, quantity: 10 },
      { functionCode: 0x03, address: 0, quantity: 3 },
      { functionCode: 0x06, address: 1, value: 3 },
      { functionCode: 0x10, address: 1, values: [1, 2] },
    ];
    let errors = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const length = Math.floor(rng.next() * 20);
      const frame = Buffer.alloc(length);
      for (let j = 0; j < length; j += 1) frame[j] = Math.floor(rng.next() * 256);
      // Make a share of them plausible so the deeper checks run too.
      if (length >= 8 && rng.next() < 0.7) {
        frame.writeUInt16BE(0, 2);
        frame.writeUInt16BE(length - 6, 4);
        frame[0] = 0;
        frame[1] = 1;
        frame[6] = 1;
      }
      const request = requests[i % requests.length]!;
      expect(() => {
        const result = decodeResponse(frame, { transactionId: 1, unitId: 1, request });
        if (!result.ok) errors += 1;
        decodeRequest(frame);
        nextFrameLength(frame);
      }).not.toThrow();
    }
    expect(errors).toBeGreaterThan(0);
  });
});
