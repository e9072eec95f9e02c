import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type Database } from "../../../../db/client";
import { loadTankMeasurementConfigs } from "../../../../db/repositories/tank-readings";
import { seedCatalogs } from "../../../../db/seed/catalogs";
import { seedDemo } from "../../../../db/seed/demo";
import { openTankAuditJournal } from "../../../../collectors/pipeline/audit-journal";
import { computeDerived, indexTankConfigs, type TankValues } from "../../../../collectors/pipeline/tank-state";
import { createTankPipeline } from "../../../../collectors/pipeline/tank-pipeline";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import type { TankVariable } from "../../../../server/contracts/site";
import { createLogger } from "../../../../server/platform/logger";
import { tankAuditStep } from "../../../helpers/tank-audit-steps";
import { startTcpProxy, type TcpProxy } from "../../../helpers/tcp-proxy";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../helpers/test-db";

/**
 * The pipeline's audit rows (tank_readings: gross/net volume with every input, A30-MS-18) go
 * through an fsync'd journal, not memory (A30-MS-16): they survive a database outage and a
 * kill -9 of the collector, and reach the database exactly once.
 */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const CHILD = path.join(REPO, "test/helpers/tank-audit-child.ts");
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const SEED_NOW = new Date("2026-11-25T12:00:00Z");

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

async function waitFor(probe: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timeout (${timeoutMs} ms) esperando ${what}`);
    await sleep(25);
  }
}

interface AuditRow {
  tank_key: string;
  time: Date;
  gross_volume_l: number;
  net_volume_l: number;
  level_mm: number;
}

async function storedAuditRows(db: Pick<Database, "query">): Promise<AuditRow[]> {
  return db.query<AuditRow>(
    "select k.key as tank_key, r.time, r.gross_volume_l, r.net_volume_l, r.level_mm from tank_readings r join tanks k on k.id = r.tank_id order by k.key, r.time",
  );
}

function auditChecksum(rows: Array<{ tankKey: string; timeMs: number; gross: number; net: number; level: number }>): string {
  const lines = rows.map((r) => `${r.tankKey}|${r.timeMs}|${r.gross.toFixed(3)}|${r.net.toFixed(3)}|${r.level.toFixed(3)}`).sort();
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

/** What the database must hold for steps [0, steps): computed here with the pipeline's pure part. */
async function expectedAudit(db: Pick<Database, "query">, steps: number) {
  const configs = await loadTankMeasurementConfigs(db as Database);
  const byTag = indexTankConfigs(configs);
  const rows: Array<{ tankKey: string; timeMs: number; gross: number; net: number; level: number }> = [];
  for (let step = 0; step < steps; step++) {
    const values = new Map<number, TankValues>();
    for (const reading of tankAuditStep(configs, step)) {
      const entry = byTag.get(reading.tag)!;
      const tankValues = values.get(entry.config.tankId) ?? {};
      tankValues[entry.variable as TankVariable] = { value: reading.value, time: reading.time, quality: reading.quality };
      values.set(entry.config.tankId, tankValues);
    }
    for (const config of configs) {
      const tankValues = values.get(config.tankId)!;
      const derived = computeDerived(config, tankValues, tankValues.level_mm!.time);
      if (!derived.result.ok) throw new Error(`${config.tankKey}: ${derived.result.error.message}`);
      rows.push({ tankKey: config.tankKey, timeMs: derived.time.getTime(), gross: derived.result.value.grossVolumeL, net: derived.result.value.netVolumeL, level: tankValues.level_mm!.value });
    }
  }
  return { rows, tanks: configs.length };
}

describe.each(testEngines)("tank-pipeline audit rows through the durable journal on %s (A30-MS-16, A30-MS-18)", (engine) => {
  it("A30-MS-16: rows computed while the database is down wait on disk and are stored once it is back", async () => {
    const t: TestDatabase = await openTestDatabase(engine);
    cleanups.push(() => t.close());
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: SEED_NOW });
    let down = false;
    const flaky: Database = {
      ...t.db,
      query: async (text, params) => {
        if (down) throw new Error("connect ECONNREFUSED (base de datos inalcanzable)");
        return t.db.query(text, params);
      },
      transaction: async (fn) => {
        if (down) throw new Error("connect ECONNREFUSED (base de datos inalcanzable)");
        return t.db.transaction(fn);
      },
    };
    const configs = await loadTankMeasurementConfigs(t.db);
    const journalDir = tempDir("aforo-audit-journal-");
    const journal = await openTankAuditJournal({ dir: journalDir, db: flaky });
    const pipeline = createTankPipeline({ db: flaky, configs, logger: createLogger("silent"), auditIntervalMs: 1000, flushIntervalMs: 50, journal });
    down = true;
    for (let step = 0; step < 20; step++) pipeline.process(tankAuditStep(configs, step));
    await pipeline.whenDurable();
    await expect(pipeline.flush()).rejects.toThrow(/inalcanzable/);
    // On disk, not in the database: the journal holds every row of the outage.
    expect(pipeline.stats().auditRowsPending).toBe(20 * configs.length);
    expect((await storedAuditRows(t.db)).length).toBe(0);
    expect(readFileSync(path.join(journalDir, "journal.log")).length).toBeGreaterThan(0);
    down = false;
    await expect.poll(() => pipeline.stats().auditRowsPending, { timeout: 10_000, interval: 50 }).toBe(0);
    await pipeline.close();
    const rows = await storedAuditRows(t.db);
    const expected = await expectedAudit(t.db, 20);
    expect(rows).toHaveLength(20 * expected.tanks);
    expect(auditChecksum(rows.map((r) => ({ tankKey: r.tank_key, timeMs: new Date(r.time).getTime(), gross: r.gross_volume_l, net: r.net_volume_l, level: r.level_mm })))).toBe(
      auditChecksum(expected.rows),
    );
    // Emptied once stored.
    expect(readFileSync(path.join(journalDir, "journal.log")).length).toBe(0);
  });

  it("A30-MS-16: kill -9 of the collector during a database outage — every acknowledged tank_readings row is stored exactly once (count and checksum)", async () => {
    const journalDir = tempDir("aforo-audit-kill-");
    const ackLog = path.join(tempDir("aforo-audit-kill-log-"), "acks.log");
    const total = 120;
    let childDb: { databaseUrl?: string; pgliteDir?: string };
    let proxy: TcpProxy | null = null;
    let t: TestDatabase | null = null;
    let pgliteDir: string | null = null;
    if (engine === "postgres") {
      const scratch = await openTestDatabase("postgres");
      t = scratch;
      cleanups.push(() => scratch.close());
      await seedCatalogs(scratch.db);
      await seedDemo(scratch.db, DEMO_SITE, { now: SEED_NOW });
      const target = new URL(scratch.url!);
      const relay = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
      proxy = relay;
      cleanups.push(() => relay.close());
      childDb = { databaseUrl: relay.rewriteUrl(scratch.url!) };
    } else {
      // PGlite is embedded: no outage to simulate, only the kill; the test reads it after the child exits.
      pgliteDir = tempDir("aforo-audit-pglite-");
      const setup = await openDatabase({ dataDir: pgliteDir });
      await migrateDatabase(setup);
      await seedCatalogs(setup);
      await seedDemo(setup, DEMO_SITE, { now: SEED_NOW });
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
    function startChild(from: number, intervalMs: number) {
      const config = { journalDir, ...childDb, from, to: total, intervalMs, ackLog };
      const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
        cwd: REPO,
        env: { ...process.env, AFORO_TANK_AUDIT_CHILD: JSON.stringify(config) },
        stdio: ["ignore", "ignore", "pipe"],
      });
      children.push(child);
      let stderr = "";
      child.stderr!.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        lastStderr = stderr;
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stderr })));
      return { child, exited };
    }

    const first = startChild(0, 40);
    await waitFor(() => lastAck() >= 15 || first.child.exitCode !== null, 60_000, "15 pasos confirmados");
    if (proxy) {
      await proxy.cut();
      const before = lastAck();
      await waitFor(() => lastAck() >= before + 25 || first.child.exitCode !== null, 30_000, "pasos confirmados sin base de datos");
    }
    expect(first.child.exitCode, lastStderr).toBeNull();
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    const ackedBeforeKill = lastAck();
    expect(ackedBeforeKill).toBeLessThan(total - 1);

    const configCount = DEMO_SITE.installations.reduce((n, installation) => n + installation.tanks.length, 0);
    if (proxy) {
      // What the killed collector left on disk: at least the rows of the outage's acknowledged steps.
      const inspect = await openTankAuditJournal({ dir: journalDir, db: t!.db });
      expect(inspect.pending()).toBeGreaterThanOrEqual(25 * configCount);
      await inspect.close();
      expect((await storedAuditRows(t!.db)).length).toBeLessThan((ackedBeforeKill + 1) * configCount);
    }

    const second = startChild(ackedBeforeKill + 1, 5);
    if (proxy) {
      await waitFor(() => readFileSync(ackLog, "utf8").split("\n").filter((l) => l.startsWith("start ")).length === 2, 30_000, "el reinicio");
      await sleep(1000);
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
    const rows = await storedAuditRows(check);
    const expected = await expectedAudit(check, total);
    expect(expected.tanks).toBe(configCount);
    // Each (tank, time) once: nothing acknowledged lost, nothing replayed twice.
    expect(rows).toHaveLength(total * configCount);
    expect(new Set(rows.map((r) => `${r.tank_key}|${new Date(r.time).getTime()}`)).size).toBe(rows.length);
    expect(auditChecksum(rows.map((r) => ({ tankKey: r.tank_key, timeMs: new Date(r.time).getTime(), gross: r.gross_volume_l, net: r.net_volume_l, level: r.level_mm })))).toBe(
      auditChecksum(expected.rows),
    );
  }, 120_000);
});
