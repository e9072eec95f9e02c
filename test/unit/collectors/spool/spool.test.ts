import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeRecord } from "../../../../collectors/spool/record";
import {
  openSpool,
  spoolDirFor,
  SpoolFullError,
  SpoolLockedError,
  type Spool,
  type SpoolEvent,
  type SpoolOptions,
} from "../../../../collectors/spool/spool";
import { columnsToReadings } from "../../../../collectors/spool/record";
import type { Reading } from "../../../../server/contracts/measurement";

const T0 = Date.parse("2026-11-01T12:00:00.000Z");
const TAG = "EDS-0001/TQS-EDS-0001/level_mm";

function reading(i: number, tag = TAG): Reading {
  return { tag, time: new Date(T0 + i * 1000), value: 1000 + i / 8, quality: 0 };
}
function range(from: number, count: number): Reading[] {
  return Array.from({ length: count }, (_, k) => reading(from + k));
}

let dir: string;
const open: Spool[] = [];
async function spoolAt(options: Partial<SpoolOptions> = {}): Promise<Spool & { events: SpoolEvent[] }> {
  const events: SpoolEvent[] = [];
  const spool = await openSpool({ dir, initialSequence: 1, ...options, onEvent: (event) => events.push(event) });
  open.push(spool);
  return Object.assign(spool, { events });
}
async function closeAll(): Promise<void> {
  while (open.length > 0) await open.pop()!.close();
}
async function readAll(spool: Spool, after: number): Promise<Reading[]> {
  const out: Reading[] = [];
  for (;;) {
    const records = await spool.read(after, 1000);
    if (records.length === 0) return out;
    for (const record of records) out.push(...columnsToReadings(record.columns));
    after = records[records.length - 1]!.sequence;
  }
}
function segmentFiles(): string[] {
  return readdirSync(dir).filter((name) => name.startsWith("seg-") && name.endsWith(".log")).sort();
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "aforo-spool-unit-"));
});
afterEach(async () => {
  await closeAll();
  rmSync(dir, { recursive: true, force: true });
});

describe("spool: append, group commit, read (A30-MS-16)", () => {
  it("resolves an append once its record is durable, numbers records consecutively and reads them back in order", async () => {
    const spool = await spoolAt();
    const first = await spool.append(range(0, 3));
    expect(first).toEqual({ firstSequence: 1, lastSequence: 1 });
    const second = await spool.append(range(3, 2));
    expect(second).toEqual({ firstSequence: 2, lastSequence: 2 });
    const records = await spool.read(0, 100);
    expect(records.map((r) => [r.sequence, r.count])).toEqual([
      [1, 3],
      [2, 2],
    ]);
    expect(await readAll(spool, 0)).toEqual(range(0, 5));
    expect(spool.status()).toMatchObject({ lastSequence: 2, committedSequence: 0, pendingRecords: 2, pendingReadings: 5, stagedReadings: 0 });
  });

  it("group commit: appends of one event-loop turn share one record and one fsync", async () => {
    const spool = await spoolAt();
    const promises = Array.from({ length: 200 }, (_, i) => spool.append([reading(i)]));
    expect(spool.status().stagedReadings).toBe(200);
    const receipts = await Promise.all(promises);
    expect(new Set(receipts.map((r) => r.lastSequence)).size).toBe(1);
    expect(spool.status()).toMatchObject({ lastSequence: 1, pendingReadings: 200, stagedReadings: 0 });
    expect(await readAll(spool, 0)).toEqual(range(0, 200));
  });

  it("splits a group into records of at most maxRecordReadings", async () => {
    const spool = await spoolAt({ maxRecordReadings: 5 });
    expect(await spool.append(range(0, 12))).toEqual({ firstSequence: 1, lastSequence: 3 });
    expect((await spool.read(0, 100)).map((r) => r.count)).toEqual([5, 5, 2]);
    // read() stops at maxReadings (whole records, at least one).
    expect((await spool.read(0, 7)).map((r) => r.sequence)).toEqual([1]);
    expect((await spool.read(0, 10)).map((r) => r.sequence)).toEqual([1, 2]);
    expect((await spool.read(0, 1)).map((r) => r.sequence)).toEqual([1]);
  });

  it("a brand-new spool starts its sequence at the clock (× 1000) so a wiped spool never reuses sequences", async () => {
    const before = Date.now() * 1000;
    const spool = await spoolAt({ initialSequence: undefined });
    const { firstSequence } = await spool.append([reading(0)]);
    expect(firstSequence).toBeGreaterThanOrEqual(before);
    expect(firstSequence).toBeLessThanOrEqual(Date.now() * 1000);
    expect(Number.isSafeInteger(firstSequence)).toBe(true);
  });

  it("spoolDirFor places a collector's spool under <dataDir>/spool/<key> and refuses path tricks", () => {
    expect(spoolDirFor("/data", "OPCUA-EDS-0001")).toBe(path.join("/data", "spool", "OPCUA-EDS-0001"));
    expect(() => spoolDirFor("/data", "../etc")).toThrow();
  });
});

describe("spool: recovery after kill -9 / power loss", () => {
  it("keeps every complete record and truncates a torn tail written by hand", async () => {
    let spool = await spoolAt();
    await spool.append(range(0, 4));
    await spool.append(range(4, 4));
    await spool.append(range(8, 4));
    await closeAll();
    const [segment] = segmentFiles();
    const file = path.join(dir, segment!);
    const completeSize = statSync(file).size;
    // The next record, cut in the middle of its payload (as a killed write leaves it).
    const next = encodeRecord(4, range(12, 4));
    appendFileSync(file, next.subarray(0, next.length - 17));
    expect(statSync(file).size).toBeGreaterThan(completeSize);

    spool = await spoolAt();
    expect(statSync(file).size).toBe(completeSize);
    expect(spool.events).toContainEqual(expect.objectContaining({ type: "torn-tail", segment, offset: completeSize, truncatedBytes: next.length - 17 }));
    expect(spool.events).toContainEqual(expect.objectContaining({ type: "recovered", pendingRecords: 3, pendingReadings: 12, nextSequence: 4 }));
    expect(await readAll(spool, 0)).toEqual(range(0, 12));
    // Appending continues after the last complete record, with the next sequence.
    expect(await spool.append(range(12, 2))).toEqual({ firstSequence: 4, lastSequence: 4 });
    expect(await readAll(spool, 0)).toEqual(range(0, 14));
  });

  it("truncates a torn frame header and zero-filled garbage (power loss) too", async () => {
    let spool = await spoolAt();
    await spool.append(range(0, 2));
    await closeAll();
    const file = path.join(dir, segmentFiles()[0]!);
    const size = statSync(file).size;
    appendFileSync(file, Buffer.from([0x41, 0x46, 0x53]));
    spool = await spoolAt();
    expect(statSync(file).size).toBe(size);
    await closeAll();
    appendFileSync(file, Buffer.alloc(4096));
    spool = await spoolAt();
    expect(statSync(file).size).toBe(size);
    expect(await readAll(spool, 0)).toEqual(range(0, 2));
  });

  it("a record with a bad CRC in an older segment is set aside in a .corrupt file, never silently dropped", async () => {
    let spool = await spoolAt({ segmentBytes: 256, maxBytes: 64 * 1024 });
    for (let i = 0; i < 6; i++) await spool.append(range(i * 4, 4));
    await closeAll();
    const segments = segmentFiles();
    expect(segments.length).toBeGreaterThan(2);
    const victim = path.join(dir, segments[0]!);
    const bytes = readFileSync(victim);
    bytes[bytes.length - 5]! ^= 0xff;
    writeFileSync(victim, bytes);
    spool = await spoolAt({ segmentBytes: 256, maxBytes: 64 * 1024 });
    const corrupt = spool.events.find((e) => e.type === "corrupt");
    expect(corrupt).toBeDefined();
    expect(corrupt!.type === "corrupt" && existsSync(corrupt!.quarantineFile)).toBe(true);
    // Everything else is still there, in order.
    const recovered = await readAll(spool, 0);
    expect(recovered.length).toBeGreaterThanOrEqual(20);
    expect(recovered.length).toBeLessThan(24);
  });
});

describe("spool: rotation, cursor, deletion", () => {
  it("rotates segments by size, reads across them, and deletes fully consumed segments after commit", async () => {
    const spool = await spoolAt({ segmentBytes: 512, maxBytes: 64 * 1024 });
    for (let i = 0; i < 20; i++) await spool.append(range(i * 3, 3));
    const segments = segmentFiles();
    expect(segments.length).toBeGreaterThan(3);
    expect(spool.status().segments).toBe(segments.length);
    expect(await readAll(spool, 0)).toEqual(range(0, 60));
    // Segment names carry their first sequence.
    expect(segments[0]).toBe(`seg-${"1".padStart(20, "0")}.log`);

    await spool.commit(10);
    const after = segmentFiles();
    expect(after.length).toBeLessThan(segments.length);
    expect(await readAll(spool, 10)).toEqual(range(30, 30));
    expect(spool.status()).toMatchObject({ committedSequence: 10, pendingRecords: 10, pendingReadings: 30 });
    await spool.commit(20);
    expect(spool.status()).toMatchObject({ pendingRecords: 0, pendingReadings: 0 });
    // Only the active segment may remain.
    expect(segmentFiles().length).toBeLessThanOrEqual(1);
  });

  it("persists the cursor atomically: after reopening only uncommitted records are read", async () => {
    let spool = await spoolAt();
    for (let i = 0; i < 5; i++) await spool.append(range(i * 2, 2));
    await spool.commit(3);
    const cursor = JSON.parse(readFileSync(path.join(dir, "cursor.json"), "utf8")) as { committedSequence: number };
    expect(cursor.committedSequence).toBe(3);
    expect(existsSync(path.join(dir, "cursor.json.tmp"))).toBe(false);
    await closeAll();
    spool = await spoolAt();
    expect(spool.status()).toMatchObject({ committedSequence: 3, lastSequence: 5, pendingRecords: 2, pendingReadings: 4 });
    expect(await readAll(spool, spool.status().committedSequence)).toEqual(range(6, 4));
    await expect(spool.commit(99)).rejects.toThrow(/más allá/);
  });

  it("keeps numbering after every segment was consumed and deleted (the cursor holds the sequence)", async () => {
    let spool = await spoolAt({ segmentBytes: 256, maxBytes: 64 * 1024 });
    for (let i = 0; i < 8; i++) await spool.append(range(i * 4, 4));
    await spool.commit(8);
    await closeAll();
    spool = await spoolAt({ segmentBytes: 256, maxBytes: 64 * 1024 });
    expect(segmentFiles()).toEqual([]);
    expect(await spool.append([reading(100)])).toEqual({ firstSequence: 9, lastSequence: 9 });
  });

  it("a second owner is refused while the first lives; a dead owner's lock is taken over", async () => {
    await spoolAt();
    await expect(openSpool({ dir })).rejects.toBeInstanceOf(SpoolLockedError);
    await closeAll();
    writeFileSync(path.join(dir, "spool.lock"), JSON.stringify({ pid: 2 ** 22 + 12345, bootId: null }));
    const spool = await spoolAt();
    expect(spool.status().state).toBe("ok");
    await closeAll();
    // A container restarted: the collector has its old pid again; the lock is its previous life's.
    writeFileSync(path.join(dir, "spool.lock"), JSON.stringify({ pid: process.pid, bootId: null }));
    expect((await spoolAt()).status().state).toBe("ok");
  });
});

describe("spool: bounded size", () => {
  it("warns at the high-water mark, refuses (whole append, clear error, status) when full, and accepts again once drained", async () => {
    const spool = await spoolAt({ maxBytes: 8 * 1024, segmentBytes: 1024, highWaterRatio: 0.8 });
    let accepted = 0;
    let refusal: unknown = null;
    for (let i = 0; i < 1000 && !refusal; i++) {
      try {
        await spool.append(range(accepted, 10));
        accepted += 10;
      } catch (error) {
        refusal = error;
      }
    }
    expect(refusal).toBeInstanceOf(SpoolFullError);
    expect((refusal as Error).message).toMatch(/^spool lleno: .* 10 lecturas rechazadas/);
    expect(spool.events.filter((e) => e.type === "high-water")).toHaveLength(1);
    const highWater = spool.events.find((e) => e.type === "high-water")!;
    expect(highWater.type === "high-water" && highWater.ratio).toBeGreaterThanOrEqual(0.8);
    expect(spool.status()).toMatchObject({ state: "full", refusedReadings: 10 });
    expect(spool.status().usedBytes).toBeLessThanOrEqual(8 * 1024);
    // Synchronous refusal: nothing of the refused append was accepted.
    expect(() => spool.append(range(accepted, 10))).toThrow(SpoolFullError);
    expect(await readAll(spool, 0)).toEqual(range(0, accepted));

    await spool.commit(spool.status().lastSequence);
    expect(spool.status().state).toBe("ok");
    expect(spool.events.at(-1)).toMatchObject({ type: "normal" });
    await spool.append(range(accepted, 10));
    expect(spool.status().pendingReadings).toBe(10);
  });
});
