import { describe, expect, it } from "vitest";
import { crc32 } from "../../../../collectors/spool/crc32";
import { checkFrame, columnsToReadings, decodeRecord, encodeRecord, FRAME_HEADER_BYTES } from "../../../../collectors/spool/record";
import type { Reading } from "../../../../server/contracts/measurement";

const T0 = Date.parse("2026-11-01T12:00:00.000Z");

function readings(n: number): Reading[] {
  return Array.from({ length: n }, (_, i) => ({
    tag: i % 2 ? `EDS-0001/TQS-EDS-000${i % 4}/level_mm` : "EDS-0001/TQS-EDS-0001/temperatura_ñ_°C",
    time: new Date(T0 + i * 1000 + 0.5),
    value: i === 3 ? -0 : 1000.125 + i,
    quality: (i % 3) as 0 | 1 | 2,
  }));
}

describe("spool CRC-32 (IEEE)", () => {
  it("matches the standard check value and zlib's results", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
    expect(crc32(Buffer.from("The quick brown fox jumps over the lazy dog"))).toBe(0x414fa339);
  });

  it("can run over pieces (seed = previous result)", () => {
    const bytes = Buffer.from("Aforo spool, controles volumétricos");
    expect(crc32(bytes, 10, bytes.length, crc32(bytes, 0, 10))).toBe(crc32(bytes));
  });
});

describe("spool record framing", () => {
  it("round-trips sequence, tags (UTF-8), times, values and qualities", () => {
    const input = readings(7);
    const frame = encodeRecord(1_764_000_000_000_123, input);
    const check = checkFrame(frame, 0);
    expect(check).toEqual({ ok: true, sequence: 1_764_000_000_000_123, count: 7, frameBytes: frame.length });
    const record = decodeRecord(frame);
    expect(record.sequence).toBe(1_764_000_000_000_123);
    expect(columnsToReadings(record.columns)).toEqual(input);
    expect(record.checksum).toMatch(/^[0-9a-f]{64}$/);
    // Same content → same checksum (a replay); another sequence → another payload.
    expect(decodeRecord(encodeRecord(1_764_000_000_000_123, input)).checksum).toBe(record.checksum);
    expect(decodeRecord(encodeRecord(1_764_000_000_000_124, input)).checksum).not.toBe(record.checksum);
  });

  it("detects every kind of incomplete or damaged frame", () => {
    const frame = encodeRecord(5, readings(3));
    expect(checkFrame(frame.subarray(0, FRAME_HEADER_BYTES - 1), 0)).toEqual({ ok: false, reason: "truncated-header" });
    expect(checkFrame(frame.subarray(0, frame.length - 1), 0)).toEqual({ ok: false, reason: "truncated-payload" });
    const flipped = Buffer.from(frame);
    flipped[frame.length - 3]! ^= 0x01;
    expect(checkFrame(flipped, 0)).toEqual({ ok: false, reason: "bad-crc" });
    expect(checkFrame(Buffer.alloc(64), 0)).toEqual({ ok: false, reason: "bad-magic" });
    const badLength = Buffer.from(frame);
    badLength.writeUInt32LE(0xffffffff, 4);
    expect(checkFrame(badLength, 0)).toEqual({ ok: false, reason: "bad-length" });
    expect(() => decodeRecord(flipped)).toThrow(/bad-crc/);
  });

  it("frames can be concatenated and checked one after another", () => {
    const a = encodeRecord(1, readings(2));
    const b = encodeRecord(2, readings(4));
    const both = Buffer.concat([a, b]);
    const first = checkFrame(both, 0);
    expect(first.ok && first.frameBytes).toBe(a.length);
    expect(checkFrame(both, a.length)).toMatchObject({ ok: true, sequence: 2, count: 4 });
  });
});
