import { createHash } from "node:crypto";
import type { Quality, Reading } from "../../server/contracts/measurement";
import { crc32 } from "./crc32";

/**
 * On-disk framing of one spool record (pure: buffers in, buffers out).
 *
 * A record is one batch of readings with its sequence number. Little-endian throughout:
 *
 *   frame   = magic u32 ("AFS1") | payloadLength u32 | crc32(payload) u32 | payload
 *   payload = version u8 (1) | reserved u8 ×3 | sequence u64 | count u32 | reading × count
 *   reading = timeMs f64 | value f64 | quality u8 | tagLength u16 | tag (UTF-8, tagLength bytes)
 *
 * The magic and the CRC make a torn write (process killed or power lost mid-`write`) or a
 * corrupted sector detectable on recovery: a frame is complete only if its header is whole, its
 * length fits in the file and its CRC matches. The SHA-256 of the payload is the batch checksum
 * stored in `collector_batches` (A30-MS-14: a replay carries the same checksum, a corrupted or
 * conflicting batch a different one).
 */

export const FRAME_MAGIC = 0x31534641; // "AFS1" read as little-endian u32
export const FRAME_HEADER_BYTES = 12;
export const PAYLOAD_HEADER_BYTES = 16;
export const RECORD_VERSION = 1;
/** Sanity bound of one payload; a larger length field is garbage, not a record. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
const READING_FIXED_BYTES = 8 + 8 + 1 + 2;
const MAX_TAG_BYTES = 0xffff;

/** Readings of one record, column by column (what the forwarder's unnest needs). */
export interface ReadingColumns {
  timeMs: number[];
  tag: string[];
  value: number[];
  quality: Quality[];
}

export interface DecodedRecord {
  sequence: number;
  columns: ReadingColumns;
  /** SHA-256 (hex) of the payload: the `collector_batches.checksum`. */
  checksum: string;
  payloadBytes: number;
}

/** Bytes one reading takes in a payload (the tag's UTF-8 length included). */
export function readingBytes(reading: Reading): number {
  return READING_FIXED_BYTES + Buffer.byteLength(reading.tag, "utf8");
}

/** Encodes readings as one framed record. `bodyBytes` = Σ readingBytes (pass it when known). */
export function encodeRecord(sequence: number, readings: readonly Reading[], bodyBytes?: number): Buffer {
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw new RangeError(`secuencia inválida: ${sequence}`);
  const body = bodyBytes ?? readings.reduce((sum, r) => sum + readingBytes(r), 0);
  const payloadLength = PAYLOAD_HEADER_BYTES + body;
  if (payloadLength > MAX_PAYLOAD_BYTES) throw new RangeError(`registro demasiado grande: ${payloadLength} bytes`);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadLength);
  const p = FRAME_HEADER_BYTES;
  frame.writeUInt8(RECORD_VERSION, p);
  frame.writeUInt8(0, p + 1);
  frame.writeUInt16LE(0, p + 2);
  frame.writeBigUInt64LE(BigInt(sequence), p + 4);
  frame.writeUInt32LE(readings.length, p + 12);
  let o = p + PAYLOAD_HEADER_BYTES;
  for (const reading of readings) {
    frame.writeDoubleLE(reading.time.getTime(), o);
    frame.writeDoubleLE(reading.value, o + 8);
    frame.writeUInt8(reading.quality, o + 16);
    const tagBytes = frame.write(reading.tag, o + READING_FIXED_BYTES, "utf8");
    if (tagBytes > MAX_TAG_BYTES) throw new RangeError(`etiqueta demasiado larga: ${reading.tag.slice(0, 40)}…`);
    frame.writeUInt16LE(tagBytes, o + 17);
    o += READING_FIXED_BYTES + tagBytes;
  }
  if (o !== frame.length) throw new Error(`tamaño de registro inconsistente (${o} ≠ ${frame.length})`);
  frame.writeUInt32LE(FRAME_MAGIC, 0);
  frame.writeUInt32LE(payloadLength, 4);
  frame.writeUInt32LE(crc32(frame, p, frame.length), 8);
  return frame;
}

export type FrameCheck =
  | { ok: true; sequence: number; count: number; frameBytes: number }
  | { ok: false; reason: "truncated-header" | "bad-magic" | "bad-length" | "truncated-payload" | "bad-crc" | "bad-version" };

/**
 * Checks the frame that starts at `offset` of `bytes` (the bytes up to the end of the file):
 * complete, CRC-valid, known version. Does not decode the readings.
 */
export function checkFrame(bytes: Uint8Array, offset: number): FrameCheck {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (offset + FRAME_HEADER_BYTES > view.length) return { ok: false, reason: "truncated-header" };
  if (view.readUInt32LE(offset) !== FRAME_MAGIC) return { ok: false, reason: "bad-magic" };
  const payloadLength = view.readUInt32LE(offset + 4);
  if (payloadLength < PAYLOAD_HEADER_BYTES || payloadLength > MAX_PAYLOAD_BYTES) return { ok: false, reason: "bad-length" };
  const start = offset + FRAME_HEADER_BYTES;
  const end = start + payloadLength;
  if (end > view.length) return { ok: false, reason: "truncated-payload" };
  if (crc32(view, start, end) !== view.readUInt32LE(offset + 8)) return { ok: false, reason: "bad-crc" };
  if (view.readUInt8(start) !== RECORD_VERSION) return { ok: false, reason: "bad-version" };
  const sequence = Number(view.readBigUInt64LE(start + 4));
  const count = view.readUInt32LE(start + 12);
  return { ok: true, sequence, count, frameBytes: FRAME_HEADER_BYTES + payloadLength };
}

/** Decodes the (already checked) frame at `offset`; throws if it is not a valid frame. */
export function decodeRecord(bytes: Buffer, offset = 0): DecodedRecord {
  const check = checkFrame(bytes, offset);
  if (!check.ok) throw new Error(`registro del spool inválido en ${offset}: ${check.reason}`);
  const start = offset + FRAME_HEADER_BYTES;
  const end = offset + check.frameBytes;
  const columns: ReadingColumns = { timeMs: new Array(check.count), tag: new Array(check.count), value: new Array(check.count), quality: new Array(check.count) };
  let o = start + PAYLOAD_HEADER_BYTES;
  for (let i = 0; i < check.count; i++) {
    if (o + READING_FIXED_BYTES > end) throw new Error(`registro ${check.sequence}: lecturas truncadas`);
    columns.timeMs[i] = bytes.readDoubleLE(o);
    columns.value[i] = bytes.readDoubleLE(o + 8);
    columns.quality[i] = bytes.readUInt8(o + 16) as Quality;
    const tagLength = bytes.readUInt16LE(o + 17);
    const tagStart = o + READING_FIXED_BYTES;
    if (tagStart + tagLength > end) throw new Error(`registro ${check.sequence}: etiqueta truncada`);
    columns.tag[i] = bytes.toString("utf8", tagStart, tagStart + tagLength);
    o = tagStart + tagLength;
  }
  if (o !== end) throw new Error(`registro ${check.sequence}: ${end - o} bytes sobrantes`);
  const checksum = createHash("sha256").update(bytes.subarray(start, end)).digest("hex");
  return { sequence: check.sequence, columns, checksum, payloadBytes: end - start };
}

/** Columns → readings (tests, notifications). */
export function columnsToReadings(columns: ReadingColumns): Reading[] {
  const out: Reading[] = new Array(columns.tag.length);
  for (let i = 0; i < columns.tag.length; i++) {
    out[i] = { tag: columns.tag[i]!, time: new Date(columns.timeMs[i]!), value: columns.value[i]!, quality: columns.quality[i]! };
  }
  return out;
}
