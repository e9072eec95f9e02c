import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type Database } from "../../../../../db/client";
import { appendEventLog, readEventLogRange } from "../../../../../db/repositories/event-log";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { checkBackup, parseThresholds } from "../../../../../server/domain/diagnostics/index";
import { verifyEventLogChain } from "../../../../../server/domain/event-log/index";
import { BackupFailure, BackupInputError, createBackup } from "../../../../../server/services/backup/index";
import { readLastBackup } from "../../../../../server/services/diagnostics/gather";
import { createScratchPostgres, openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * `aforo backup` (A30-LOG-01 category 1 "respaldos de información", A30-DIAG-01 backup age) on
 * PGlite and PostgreSQL: the service against a seeded database, then the real CLI.
 */
const run = promisify(execFile);
const BIN = path.resolve(__dirname, "../../../../../server/cli/bin.mjs");
const NOW = new Date("2026-11-05T16:00:00.000Z");
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

async function aforo(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: "warn", ...env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

interface BackupEntry {
  id: number;
  username: string;
  category: number;
  event_type: number;
  description: string;
  details: { event: string; file: string; bytes: number; sha256: string; engine: string };
}

async function backupEntries(db: Database): Promise<BackupEntry[]> {
  const rows = await db.query<BackupEntry & { id: string | number; details: BackupEntry["details"] | string }>(
    "select id, username, category, event_type, description, details from event_log where category = 1 and details->>'event' = 'backup' order by id",
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), details: typeof r.details === "string" ? JSON.parse(r.details) : r.details }));
}

async function eventLogCount(db: Pick<Database, "query">): Promise<number> {
  const [row] = await db.query<{ n: string | number }>("select count(*) as n from event_log");
  return Number(row!.n);
}

async function seed(db: Database): Promise<void> {
  await seedCatalogs(db);
  await seedDemo(db, DEMO_SITE, { now: new Date(NOW.getTime() - 86_400_000) });
  for (let i = 0; i < 3; i++) {
    await db.transaction((tx) =>
      appendEventLog(tx, { time: new Date(NOW.getTime() + i * 1000), username: "sistema", category: 5, eventType: 5, description: `Evento previo ${i + 1}` }),
    );
  }
}

describe.each(testEngines)("backup service on %s", (engine) => {
  let t: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seed(t.db);
    dir = mkdtempSync(path.join(tmpdir(), "aforo-backup-"));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("A30-LOG-01/A30-DIAG-01: writes a non-empty backup, records exactly one category-1 entry whose SHA-256 matches, and the backup check turns ok", async () => {
    const thresholds = parseThresholds({});
    expect(checkBackup(await readLastBackup(t.db), NOW, thresholds).state).toBe("unknown");
    const before = await eventLogCount(t.db);
    const file = path.join(dir, "respaldo-1.backup");

    const result = await createBackup(t.db, { out: file, databaseUrl: t.url ?? undefined, now: () => NOW });

    expect(result).toMatchObject({ ok: true, file, engine, eventLogId: before + 1 });
    const bytes = statSync(file).size;
    expect(bytes).toBeGreaterThan(1000);
    expect(result.bytes).toBe(bytes);
    expect(result.sha256).toBe(sha256(file));
    // PGlite: gzip tarball; PostgreSQL custom format starts with "PGDMP".
    const head = readFileSync(file).subarray(0, 5);
    if (engine === "pglite") expect([head[0], head[1]]).toEqual([0x1f, 0x8b]);
    else {
      expect(head.toString("latin1")).toBe("PGDMP");
      // A valid pg_dump archive: pg_restore lists the bitácora table in it.
      const { stdout } = await run("pg_restore", ["--list", file]);
      expect(stdout).toMatch(/TABLE DATA public event_log/);
    }
    // No temporary file left next to the backup.
    expect(readdirSync(dir)).toEqual(["respaldo-1.backup"]);

    expect(await eventLogCount(t.db)).toBe(before + 1);
    const entries = await backupEntries(t.db);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toEqual({
      id: result.eventLogId,
      username: "sistema",
      category: 1,
      event_type: 1,
      description: `Respaldo de información: respaldo-1.backup (${bytes} bytes, SHA-256 ${result.sha256})`,
      details: { event: "backup", file, bytes, sha256: result.sha256, engine },
    });
    // The entry is part of the hash chain (A30-LOG-06).
    expect(verifyEventLogChain(await readEventLogRange(t.db, 1, 10_000)).ok).toBe(true);

    // The diagnostics job's query now finds it: backup age 1 h → ok.
    const last = await readLastBackup(t.db);
    expect(last?.toISOString()).toBe(NOW.toISOString());
    const check = checkBackup(last, new Date(NOW.getTime() + 3_600_000), thresholds);
    expect(check.state).toBe("ok");
    expect(check.reason).toContain("1.0 h");
  }, 120_000);

  it("A30-LOG-01: refuses an existing file (unchanged, no entry), a directory and a missing --out; --force replaces the file", async () => {
    const file = path.join(dir, "existente.backup");
    writeFileSync(file, "no tocar");
    const before = await eventLogCount(t.db);

    await expect(createBackup(t.db, { out: file, databaseUrl: t.url ?? undefined })).rejects.toThrow(BackupInputError);
    await expect(createBackup(t.db, { out: file, databaseUrl: t.url ?? undefined })).rejects.toThrow(/ya existe.*--force/);
    await expect(createBackup(t.db, { out: dir, databaseUrl: t.url ?? undefined })).rejects.toThrow(/es una carpeta/);
    await expect(createBackup(t.db, { out: undefined, databaseUrl: t.url ?? undefined })).rejects.toThrow(/falta --out/);
    await expect(createBackup(t.db, { out: path.join(dir, "no-existe", "x.backup"), databaseUrl: t.url ?? undefined })).rejects.toThrow(/no existe/);
    expect(readFileSync(file, "utf8")).toBe("no tocar");
    expect(await eventLogCount(t.db)).toBe(before);

    const forced = await createBackup(t.db, { out: file, force: true, databaseUrl: t.url ?? undefined, now: () => NOW });
    expect(readFileSync(file, "utf8")).not.toBe("no tocar");
    expect(sha256(file)).toBe(forced.sha256);
    expect(await eventLogCount(t.db)).toBe(before + 1);
  }, 120_000);

  if (engine === "postgres") {
    it("A30-LOG-01: a missing or failing pg_dump fails clearly, leaves no file and writes no entry", async () => {
      const before = await eventLogCount(t.db);
      const file = path.join(dir, "sin-pgdump.backup");
      await expect(createBackup(t.db, { out: file, databaseUrl: t.url!, pgDumpCommand: "/nonexistent/pg_dump" })).rejects.toThrow(
        /no se encontró \/nonexistent\/pg_dump en el PATH/,
      );
      const badUrl = t.url!.replace(/\/[^/]+$/, "/aforo_no_existe_backup");
      const failure = await createBackup(t.db, { out: file, databaseUrl: badUrl }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(BackupFailure);
      expect((failure as Error).message).toMatch(/pg_dump falló.*no se modificó/);
      expect(readdirSync(dir)).not.toContain("sin-pgdump.backup");
      expect(readdirSync(dir).some((n) => n.endsWith(".partial"))).toBe(false);
      expect(await eventLogCount(t.db)).toBe(before);
    }, 120_000);
  }

  if (engine === "pglite") {
    it("A30-LOG-01: the PGlite dump is restorable (loadDataDir) with the same bitácora entries", async () => {
      const countAtDump = await eventLogCount(t.db);
      const file = path.join(dir, "restaurable.tar.gz");
      const result = await createBackup(t.db, { out: file, now: () => NOW });
      const restored = await PGlite.create({ loadDataDir: new File([readFileSync(file)], "restaurable.tar.gz", { type: "application/x-gzip" }) });
      try {
        const { rows: logRows } = await restored.query<{ n: string | number }>("select count(*) as n from event_log");
        expect(Number(logRows[0]!.n)).toBe(countAtDump);
        const { rows } = await restored.query<{ n: string | number }>("select count(*) as n from tanks");
        expect(Number(rows[0]!.n)).toBe(9);
        // The dump precedes its own entry.
        expect(await eventLogCount(t.db)).toBe(countAtDump + 1);
        expect(result.eventLogId).toBe(countAtDump + 1);
      } finally {
        await restored.close();
      }
    }, 120_000);
  }
});

describe("aforo backup (real CLI)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "aforo-backup-cli-"));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("A30-LOG-01: missing --out is bad input (exit 2)", async () => {
    const res = await aforo(["backup"], { AFORO_DATA_DIR: path.join(dir, "nunca"), DATABASE_URL: "" });
    expect(res.code).toBe(2);
    expect(JSON.parse(res.stdout).error).toMatch(/falta --out/);
  }, 120_000);

  it("A30-LOG-01: PGlite data dir — backup, JSON contract, entry recorded; an existing file is refused (exit 2) and left unchanged", async () => {
    const dataDir = path.join(dir, "data");
    const db = await openDatabase({ dataDir });
    await migrateDatabase(db);
    await seed(db);
    const before = await eventLogCount(db);
    await db.close();

    const file = path.join(dir, "cli.tar.gz");
    const res = await aforo(["backup", "--out", file], { AFORO_DATA_DIR: dataDir, DATABASE_URL: "" });
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toEqual({ ok: true, file, bytes: statSync(file).size, sha256: sha256(file), engine: "pglite", eventLogId: before + 1 });

    const content = readFileSync(file);
    const again = await aforo(["backup", "--out", file], { AFORO_DATA_DIR: dataDir, DATABASE_URL: "" });
    expect(again.code).toBe(2);
    expect(JSON.parse(again.stdout).error).toMatch(/ya existe/);
    expect(readFileSync(file).equals(content)).toBe(true);

    const check = await openDatabase({ dataDir });
    try {
      const entries = await backupEntries(check);
      expect(entries).toHaveLength(1);
      expect(entries[0]!.details).toEqual({ event: "backup", file, bytes: out.bytes, sha256: out.sha256, engine: "pglite" });
      expect(await eventLogCount(check)).toBe(before + 1);
    } finally {
      await check.close();
    }
  }, 240_000);

  it.runIf(Boolean(process.env.TEST_DATABASE_URL))(
    "A30-LOG-01: PostgreSQL — pg_dump backup recorded; without pg_dump on PATH it exits 1 with a Spanish message and writes nothing",
    async () => {
      const scratch = await createScratchPostgres(process.env.TEST_DATABASE_URL!, "aforo_bk");
      const db = await openDatabase({ databaseUrl: scratch.url });
      try {
        await migrateDatabase(db);
        await seed(db);
        const before = await eventLogCount(db);

        const missing = path.join(dir, "sin-path.backup");
        const fail = await aforo(["backup", "--out", missing], { DATABASE_URL: scratch.url, PATH: "/nonexistent" });
        expect(fail.code).toBe(1);
        expect(JSON.parse(fail.stdout).error).toMatch(/no se encontró pg_dump en el PATH/);
        expect(readdirSync(dir)).not.toContain("sin-path.backup");
        expect(await eventLogCount(db)).toBe(before);

        const file = path.join(dir, "pg.backup");
        const res = await aforo(["backup", "--out", file], { DATABASE_URL: scratch.url });
        expect(res.code, res.stderr + res.stdout).toBe(0);
        const out = JSON.parse(res.stdout);
        expect(out).toEqual({ ok: true, file, bytes: statSync(file).size, sha256: sha256(file), engine: "postgres", eventLogId: before + 1 });
        const entries = await backupEntries(db);
        expect(entries.map((e) => e.details)).toEqual([{ event: "backup", file, bytes: out.bytes, sha256: out.sha256, engine: "postgres" }]);
        expect(await readLastBackup(db)).not.toBeNull();
      } finally {
        await db.close();
        await scratch.drop();
      }
    },
    240_000,
  );
});
