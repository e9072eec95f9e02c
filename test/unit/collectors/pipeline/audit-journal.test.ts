import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { NewTankReading } from "../../../../db/repositories/tank-readings";
import { decodeAuditFrame, encodeAuditFrame, openTankAuditJournal, scanAuditFrames, type AuditJournalDb } from "../../../../collectors/pipeline/audit-journal";

const row = (i: number): NewTankReading => ({
  tankId: 1 + (i % 3),
  measurementSystemId: 7,
  time: new Date(Date.UTC(2026, 10, 25, 18, 0, i)),
  levelMm: 1000 + i,
  waterLevelMm: 10,
  temperatureC: 20.5,
  densityKgM3: 742.1,
  baseDensityKgM3: 745,
  pressureKpa: null,
  grossVolumeL: 20000 + i,
  waterVolumeL: 50,
  netVolumeL: 19900 + i,
  vcf: 0.99876,
  referenceTemperatureC: 20,
  strappingTableId: 3,
  algorithmId: "vcf-api11.1",
  algorithmVersion: "1.0.0",
  source: "SME → x",
  raw: { levelMm: 1000 + i },
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "aforo-journal-unit-"));
  dirs.push(dir);
  return dir;
}

/** A database double that records the rows of each committed transaction (or refuses while down). */
function recordingDb() {
  const committed: NewTankReading[][] = [];
  let down = false;
  const db = {
    query: async () => [],
    transaction: async (fn: (tx: { query: (text: string, params?: unknown[]) => Promise<unknown[]> }) => Promise<unknown>) => {
      if (down) throw new Error("base de datos inalcanzable");
      const rows: NewTankReading[] = [];
      const result = await fn({
        query: async (_text: string, params?: unknown[]) => {
          rows.push({ tankId: params![0], time: new Date(params![2] as string), netVolumeL: params![11] } as unknown as NewTankReading);
          return [1];
        },
      });
      committed.push(rows);
      return result;
    },
  } as unknown as AuditJournalDb;
  return { db, committed, setDown: (value: boolean) => (down = value) };
}

describe("tank audit journal (A30-MS-16)", () => {
  it("frames round-trip; a torn or corrupted tail is not a frame", () => {
    const a = encodeAuditFrame([row(1), row(2)]);
    const b = encodeAuditFrame([row(3)]);
    const buffer = Buffer.concat([a, b]);
    const scan = scanAuditFrames(buffer);
    expect(scan.frames.map((f) => f.rows)).toEqual([2, 1]);
    expect(decodeAuditFrame(buffer, scan.frames[0]!)).toEqual([row(1), row(2)]);
    expect(scanAuditFrames(buffer.subarray(0, buffer.length - 3)).frames).toHaveLength(1);
    const corrupted = Buffer.from(buffer);
    corrupted[a.length + 20]! ^= 0xff;
    expect(scanAuditFrames(corrupted).end).toBe(a.length);
  });

  it("keeps rows on disk while the database refuses them, stores them once it answers, then empties the file", async () => {
    const dir = tempDir();
    const { db, committed, setDown } = recordingDb();
    const journal = await openTankAuditJournal({ dir, db });
    setDown(true);
    await journal.append([row(1), row(2)]);
    await journal.append([row(3)]);
    await expect(journal.flush()).rejects.toThrow(/inalcanzable/);
    expect(journal.pending()).toBe(3);
    expect(readFileSync(path.join(dir, "journal.log")).length).toBeGreaterThan(0);
    setDown(false);
    await journal.flush();
    expect(journal.pending()).toBe(0);
    expect(committed.flat().map((r) => r.netVolumeL)).toEqual([19901, 19902, 19903]);
    expect(readFileSync(path.join(dir, "journal.log")).length).toBe(0);
    await journal.close();
  });

  it("after a crash: a torn tail is cut, rows after the cursor are sent again, rows before it are not", async () => {
    const dir = tempDir();
    const first = recordingDb();
    const journal = await openTankAuditJournal({ dir, db: first.db, maxFlushRows: 2 });
    first.setDown(true);
    await journal.append([row(1), row(2)]);
    await journal.append([row(3), row(4)]);
    await journal.close();
    // Simulate: the first frame was stored and the cursor moved, then kill -9 mid-write of a frame.
    writeFileSync(path.join(dir, "cursor.json"), JSON.stringify({ offset: encodeAuditFrame([row(1), row(2)]).length }));
    appendFileSync(path.join(dir, "journal.log"), encodeAuditFrame([row(5)]).subarray(0, 10));
    const second = recordingDb();
    const reopened = await openTankAuditJournal({ dir, db: second.db });
    expect(reopened.pending()).toBe(2);
    await reopened.flush();
    expect(second.committed.flat().map((r) => r.netVolumeL)).toEqual([19903, 19904]);
    await reopened.close();
  });

  it("a cursor that is not on a frame boundary is distrusted: everything is sent again (the unique key drops repeats)", async () => {
    const dir = tempDir();
    const { db } = recordingDb();
    const journal = await openTankAuditJournal({ dir, db });
    await journal.append([row(1)]);
    await journal.close();
    writeFileSync(path.join(dir, "cursor.json"), JSON.stringify({ offset: 5 }));
    const reopened = await openTankAuditJournal({ dir, db });
    expect(reopened.pending()).toBe(1);
    await reopened.close();
  });
});
