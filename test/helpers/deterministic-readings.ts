import { createHash } from "node:crypto";
import type { Reading } from "../../server/contracts/measurement";

/**
 * A deterministic reading stream for store-and-forward tests (the "simulator's log"): reading `i`
 * is always the same (tag, time, value, quality), so a test can recompute what a killed child
 * process acknowledged and compare the database against it by count and checksum (A30-MS-16).
 */

export const STREAM_T0_MS = Date.parse("2026-11-01T00:00:00.000Z");

export function streamTag(prefix: string, i: number, tags: number): string {
  return `${prefix}/TQS-${String(i % tags).padStart(4, "0")}/level_mm`;
}

export function streamReading(prefix: string, i: number, tags = 25): Reading {
  return {
    tag: streamTag(prefix, i, tags),
    time: new Date(STREAM_T0_MS + Math.floor(i / tags) * 1000),
    value: Math.round((1000 + 500 * Math.sin(i / 7) + i / 1000) * 1000) / 1000,
    quality: i % 11 === 0 ? 1 : 0,
  };
}

export function streamReadings(prefix: string, from: number, to: number, tags = 25): Reading[] {
  const out: Reading[] = [];
  for (let i = from; i < to; i++) out.push(streamReading(prefix, i, tags));
  return out;
}

/** Order-independent checksum over (tag, time, value): SHA-256 of the sorted canonical lines. */
export function readingsChecksum(rows: ReadonlyArray<{ tag: string; time: Date; value: number }>): string {
  const lines = rows.map((r) => `${r.tag}|${r.time.toISOString()}|${r.value}`).sort();
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}
