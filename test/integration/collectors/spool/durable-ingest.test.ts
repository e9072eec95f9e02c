import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type Database } from "../../../../db/client";
import { storeSpoolRecords, type BatchRef, type ChecksumMismatch } from "../../../../collectors/forwarder/forwarder";
import { openMeasurementSink, type MeasurementSink, type MeasurementSinkDb } from "../../../../collectors/sink/measurement-sink";
import { decodeRecord, encodeRecord } from "../../../../collectors/spool/record";
import { openSpool } from "../../../../collectors/spool/spool";
import { readingsChecksum, streamReadings } from "../../../helpers/deterministic-readings";
import { startTcpProxy, type TcpProxy } from "../../../helpers/tcp-proxy";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../helpers/test-db";

/**
 * Store-and-forward end to end against real databases (A30-MS-14, A30-MS-16): replayed batches,
 * a database outage during ingest, and kill -9 of the collector process.
 */

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const CHILD = path.join(REPO, "test/helpers/spool-ingest-child.ts");
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch {
      // best effort
    }
  }
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function storedRows(db: Pick<Database, "query">, prefix: string) {
  return db.query<{ tag: string; time: Date; value: number }>("select tag, time, value from measurements where tag like $1 order by tag, time", [`${prefix}/%`]);
}

async function batchRows(db: Pick<Database, "query">, collectorKey: string) {
  return db.query<{ sequence: string; row_count: number; checksum: string }>(
    "select sequence::text as sequence, row_count, checksum from collector_batches where collector_key = $1 order by sequence",
    [collectorKey],
  );
}

async function waitFor(probe: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timeout (${timeoutMs} ms) esperando ${what}`);
    await sleep(25);
  }
}

describe.each(testEngines)("store-and-forward spool on %s", (engine) => {
  it("A30-MS-14: a replayed collector batch (same sequence and checksum) is stored once and reported; another checksum is a transmission error", async () => {
    const t: TestDatabase = await openTestDatabase(engine);
    cleanups.push(() => t.close());
    const spoolDir = tempDir("aforo-spool-replay-");
    const key = "REPLAY-0001";
    const replays: BatchRef[] = [];
    const mismatches: ChecksumMismatch[] = [];
    const options = {
      spoolDir,
      collectorKey: key,
      maxBatch: 100,
      spool: { initialSequence: 1000 },
      onReplay: (batch: BatchRef) => replays.push(batch),
      onChecksumMismatch: (batch: ChecksumMismatch) => mismatches.push(batch),
    };
    const readings = streamReadings("RPL-0001", 0, 250, 10);
    let sink: MeasurementSink = await openMeasurementSink(t.db, options);
    await sink.push(readings);
    await sink.flush();
    await sink.close();
    expect(replays).toEqual([]);
    const cursorFile = path.join(spoolDir, "cursor.json");
    expect(JSON.parse(readFileSync(cursorFile, "utf8"))).toMatchObject({ committedSequence: 1002 });

    // The crash window: the batches were committed but the cursor was not saved. Put the cursor
    // back, as a kill -9 between COMMIT and the cursor's rename leaves it, and restart.
    writeFileSync(cursorFile, JSON.stringify({ version: 1, committedSequence: 999 }));
    writeFileSync(path.join(spoolDir, "seg-keep"), ""); // unrelated file: ignored by recovery
    sink = await openMeasurementSink(t.db, options);
    cleanups.push(() => sink.close());
    await sink.flush();
    expect(replays.map((r) => [r.sequence, r.rowCount])).toEqual([
      [1000, 100],
      [1001, 100],
      [1002, 50],
    ]);
    expect(sink.stats()).toMatchObject({ replays: 3, written: 0, pending: 0 });
    const rows = await storedRows(t.db, "RPL-0001");
    expect(rows).toHaveLength(250);
    expect(readingsChecksum(rows)).toBe(readingsChecksum(readings));
    const batches = await batchRows(t.db, key);
    expect(batches.map((b) => [b.sequence, b.row_count])).toEqual([
      ["1000", 100],
      ["1001", 100],
      ["1002", 50],
    ]);

    // Same (collector, sequence), different content: stored (nothing is lost) and reported.
    const other = streamReadings("RPL-0001", 250, 260, 10);
    const record = { ...decodeRecord(encodeRecord(1001, other)), count: other.length };
    const outcome = await storeSpoolRecords(t.db, key, [record]);
    expect(outcome.replays).toEqual([]);
    expect(outcome.mismatches).toEqual([expect.objectContaining({ sequence: 1001, storedChecksum: batches[1]!.checksum, checksum: record.checksum })]);
    expect(await storedRows(t.db, "RPL-0001")).toHaveLength(260);
    // And the very same record again is a replay.
    const again = { ...decodeRecord(encodeRecord(1000, readings.slice(0, 100))), count: 100 };
    expect((await storeSpoolRecords(t.db, key, [again])).replays).toHaveLength(1);
  });

  it("a (tag, time) already stored is ignored: the fast path (COPY on PostgreSQL, plain insert on PGlite) falls back to on conflict do nothing", async () => {
    const t = await openTestDatabase(engine);
    cleanups.push(() => t.close());
    const sink = await openMeasurementSink(t.db, { spoolDir: tempDir("aforo-spool-dup-"), collectorKey: "DUP-0001", databaseUrl: t.url ?? undefined });
    cleanups.push(() => sink.close());
    await sink.push(streamReadings("DUP-0001", 0, 100, 10));
    await sink.flush();
    // A driver re-delivering part of what it sent (reconnect), plus new readings; and a batch
    // with a duplicate inside itself.
    await sink.push(streamReadings("DUP-0001", 50, 150, 10));
    await sink.flush();
    await sink.push([...streamReadings("DUP-0001", 150, 160, 10), ...streamReadings("DUP-0001", 155, 160, 10)]);
    await sink.flush();
    const rows = await storedRows(t.db, "DUP-0001");
    expect(rows).toHaveLength(160);
    expect(readingsChecksum(rows)).toBe(readingsChecksum(streamReadings("DUP-0001", 0, 160, 10)));
    expect(sink.stats()).toMatchObject({ written: 215, failedAttempts: 0, replays: 0, pending: 0 });
    expect((await batchRows(t.db, "DUP-0001")).map((b) => b.row_count)).toEqual([100, 100, 15]);
  });

  it("A30-MS-16: with the database down during ingest, readings keep being spooled and all arrive after recovery, exactly once", async () => {
    const spoolDir = tempDir("aforo-spool-outage-");
    const key = "OUTAGE-0001";
    const prefix = "OUT-0001";
    let db: MeasurementSinkDb;
    let databaseUrl: string | undefined;
    let check: Pick<Database, "query">;
    let goDown: () => Promise<void>;
    let comeBack: () => Promise<void>;
    if (engine === "postgres") {
      // A relay between the collector and PostgreSQL: cutting it resets every connection and
      // refuses new ones, exactly what the collector sees when the database host is down.
      const t = await openTestDatabase("postgres");
      cleanups.push(() => t.close());
      const target = new URL(t.url!);
      const proxy: TcpProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
      cleanups.push(() => proxy.close());
      const viaProxy = await openDatabase({ databaseUrl: proxy.rewriteUrl(t.url!) });
      cleanups.push(() => viaProxy.close());
      db = viaProxy;
      // The forwarder's own COPY connection goes through the relay too.
      databaseUrl = proxy.rewriteUrl(t.url!);
      check = t.db;
      goDown = () => proxy.cut();
      comeBack = () => proxy.restore();
    } else {
      // PGlite lives in the process: the outage is the database being closed and reopened.
      const dataDir = tempDir("aforo-pglite-outage-");
      let current = await openDatabase({ dataDir });
      await migrateDatabase(current);
      cleanups.push(() => current.close());
      db = {
        query: (text, params) => current.query(text, params),
        transaction: (fn) => current.transaction(fn),
      };
      check = db;
      goDown = () => current.close();
      comeBack = async () => {
        current = await openDatabase({ dataDir });
      };
    }

    const sink = await openMeasurementSink(db, { spoolDir, collectorKey: key, databaseUrl, maxBatch: 500, maxRetryDelayMs: 400 });
    cleanups.push(() => sink.close());
    let generated = 0;
    let maxPendingDuringOutage = 0;
    let down = false;
    const started = Date.now();
    while (Date.now() - started < 4000) {
      const elapsed = Date.now() - started;
      if (!down && elapsed > 700 && elapsed < 2500) {
        await goDown();
        down = true;
      } else if (down && elapsed >= 2500) {
        await comeBack();
        down = false;
      }
      await sink.push(streamReadings(prefix, generated, generated + 50));
      generated += 50;
      if (down) maxPendingDuringOutage = Math.max(maxPendingDuringOutage, sink.stats().pending);
      await sleep(10);
    }
    if (down) await comeBack();
    await waitFor(() => sink.stats().pending === 0, 30_000, "que el spool se vacíe");
    await sink.flush();

    expect(maxPendingDuringOutage).toBeGreaterThan(1000);
    expect(sink.stats().failedAttempts).toBeGreaterThan(0);
    const rows = await storedRows(check, prefix);
    expect(rows).toHaveLength(generated);
    expect(readingsChecksum(rows)).toBe(readingsChecksum(streamReadings(prefix, 0, generated)));
    const batches = await batchRows(check, key);
    // Every reading went in exactly one collector batch, whatever was retried or replayed.
    expect(batches.reduce((sum, b) => sum + b.row_count, 0)).toBe(generated);
    expect(new Set(batches.map((b) => b.sequence)).size).toBe(batches.length);
  });

  it("A30-MS-16: kill -9 of the collector mid-stream (database cut meanwhile on PostgreSQL): every acknowledged reading is stored exactly once", async () => {
    const spoolDir = tempDir("aforo-spool-kill-");
    const ackLog = path.join(tempDir("aforo-spool-kill-log-"), "acks.log");
    const key = "KILL-0001";
    const prefix = "KIL-0001";
    const total = 20_000;
    let childDb: { databaseUrl?: string; pgliteDir?: string };
    let proxy: TcpProxy | null = null;
    let t: TestDatabase | null = null;
    let pgliteDir: string | null = null;
    if (engine === "postgres") {
      const scratch = await openTestDatabase("postgres");
      t = scratch;
      cleanups.push(() => scratch.close());
      const target = new URL(scratch.url!);
      const relay = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
      proxy = relay;
      cleanups.push(() => relay.close());
      childDb = { databaseUrl: relay.rewriteUrl(scratch.url!) };
    } else {
      // PGlite cannot be shared by two processes: only the child opens it; the test reads it
      // after the child has exited.
      pgliteDir = tempDir("aforo-pglite-kill-");
      const setup = await openDatabase({ dataDir: pgliteDir });
      await migrateDatabase(setup);
      await setup.close();
      childDb = { pgliteDir };
    }

    const acks = (): number[] =>
      existsSync(ackLog)
        ? readFileSync(ackLog, "utf8")
            .split("\n")
            .filter((line) => line.startsWith("ack "))
            .map((line) => Number(line.slice(4)))
        : [];
    const lastAck = (): number => acks().at(-1) ?? -1;
    const children: ChildProcess[] = [];
    let lastStderr = "";
    cleanups.push(() => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    function startChild(from: number, intervalMs: number): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
      const config = { spoolDir, collectorKey: key, ...childDb, prefix, tags: 25, from, to: total, chunk: 100, intervalMs, ackLog, maxBatch: 500 };
      const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
        cwd: REPO,
        env: { ...process.env, AFORO_SPOOL_CHILD: JSON.stringify(config) },
        stdio: ["ignore", "ignore", "pipe"],
      });
      children.push(child);
      let stderr = "";
      child.stderr!.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        lastStderr = stderr;
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
        child.on("exit", (code, signal) => resolve({ code, signal, stderr })),
      );
      return { child, exited };
    }

    const first = startChild(0, 4);
    await waitFor(() => lastAck() >= 4000 || first.child.exitCode !== null, 60_000, "4000 lecturas confirmadas");
    if (proxy) {
      await proxy.cut();
      const before = lastAck();
      await waitFor(() => lastAck() >= before + 2000 || first.child.exitCode !== null, 30_000, "lecturas confirmadas sin base de datos");
    }
    expect(first.child.exitCode, lastStderr).toBeNull();
    first.child.kill("SIGKILL");
    const killed = await first.exited;
    expect(killed.signal).toBe("SIGKILL");
    const ackedBeforeKill = lastAck();
    expect(ackedBeforeKill).toBeGreaterThan(3000);
    expect(ackedBeforeKill).toBeLessThan(total - 1);

    // What the killed collector left in its spool (recovery runs here: torn tail truncated).
    const inspect = await openSpool({ dir: spoolDir });
    const leftInSpool = inspect.status();
    await inspect.close();
    if (proxy) expect(leftInSpool.pendingReadings).toBeGreaterThanOrEqual(2000);

    const second = startChild(ackedBeforeKill + 1, 1);
    if (proxy) {
      await waitFor(() => acks().length > 0 && readFileSync(ackLog, "utf8").split("\n").filter((l) => l.startsWith("start ")).length === 2, 30_000, "el reinicio");
      await sleep(1500);
      await proxy.restore();
    }
    const result = await second.exited;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(readFileSync(ackLog, "utf8")).toMatch(/\ndone \d+\n$/);

    let check: Database;
    if (t) check = t.db;
    else {
      check = await openDatabase({ dataDir: pgliteDir! });
      cleanups.push(() => check.close());
    }
    const rows = await storedRows(check, prefix);
    const expected = streamReadings(prefix, 0, total);
    // Acknowledged before the kill: all there, each once, with its value.
    const indexOf = new Map(expected.map((r, i) => [`${r.tag}|${r.time.getTime()}`, i]));
    const ackedRows = rows.filter((row) => (indexOf.get(`${row.tag}|${row.time.getTime()}`) ?? Infinity) <= ackedBeforeKill);
    expect(ackedRows).toHaveLength(ackedBeforeKill + 1);
    expect(readingsChecksum(ackedRows)).toBe(readingsChecksum(expected.slice(0, ackedBeforeKill + 1)));
    // And the whole stream, count and checksum equal to the generator's log.
    expect(rows).toHaveLength(total);
    expect(readingsChecksum(rows)).toBe(readingsChecksum(expected));
    const batches = await batchRows(check, key);
    expect(batches.reduce((sum, b) => sum + b.row_count, 0)).toBeGreaterThanOrEqual(total);
  }, 120_000);
});
