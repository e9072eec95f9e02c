import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type Database } from "../../../db/client";
import { raiseAlarm } from "../../../db/repositories/alarms";
import { appendEventLog } from "../../../db/repositories/event-log";
import { seedCatalogs } from "../../../db/seed/catalogs";
import { seedDemo } from "../../../db/seed/demo";
import { DEMO_SITE } from "../../../server/contracts/demo-site";
import { startScheduler } from "../../../server/jobs/scheduler";
import { createLogger } from "../../../server/platform/logger";
import { eventLogJobs, processTamperAttempts, runIntegrityCheck, TAMPER_CHANNEL, TAMPER_JOB, verifyEventLog } from "../../../server/services/event-log/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../helpers/test-db";

/**
 * Tamper drills (A30-LOG-06/07, A30-ALM-03, A30-STO-02, A30-REC-04) on PGlite and PostgreSQL
 * (TEST_DATABASE_URL connects as the superuser `postgres`): the database keeps every original row,
 * each attempt becomes exactly one bitácora entry of type 13 plus one alarm of type 3, TRUNCATE is
 * refused and still detected, and what a superuser does with the triggers disabled is found by
 * the hash chain and the numbering check — also by the real `aforo bitacora verify`.
 */
const run = promisify(execFile);
const BIN = path.resolve(__dirname, "../../../server/cli/bin.mjs");
const NOW = new Date("2026-11-05T16:00:00.000Z");

async function aforo(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: "warn", ...env }, timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function appendEntries(db: Database, n: number, from = 0): Promise<void> {
  for (let i = 0; i < n; i++) {
    await db.transaction((tx) =>
      appendEventLog(tx, { time: new Date(NOW.getTime() + (from + i) * 1000), username: "sistema", category: 5, eventType: 5, description: `Evento de prueba ${from + i + 1}` }),
    );
  }
}

interface TamperEntry {
  id: number;
  event_type: number;
  category: number;
  component: string;
  description: string;
  details: { table: string; operation: string; targetNumber?: number; attempts: number; attemptedChanges?: Record<string, Record<string, { stored: unknown; attempted: unknown }>> };
}

async function tamperEntriesAfter(db: Database, afterId: number): Promise<TamperEntry[]> {
  const rows = await db.query<TamperEntry & { id: string | number; details: TamperEntry["details"] | string }>(
    "select id, event_type, category, component, description, details from event_log where id > $1 and event_type = 13 order by id",
    [afterId],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), details: typeof r.details === "string" ? JSON.parse(r.details) : r.details }));
}

async function type3AlarmsAfter(db: Database, afterId: number): Promise<{ id: number; component: string; event_log_id: number; sat_event_code: number }[]> {
  const rows = await db.query<{ id: string | number; component: string; event_log_id: string | number; sat_event_code: number }>(
    "select id, component, event_log_id, sat_event_code from alarms where id > $1 and type = 3 order by id",
    [afterId],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), event_log_id: Number(r.event_log_id) }));
}

async function maxId(db: Database, table: "event_log" | "alarms"): Promise<number> {
  const [row] = await db.query<{ m: string | number | null }>(`select max(id) as m from ${table}`);
  return Number(row?.m ?? 0);
}

async function expectFailure(db: Database, sql: string, pattern: RegExp): Promise<void> {
  let failure: Error | null = null;
  try {
    await db.query(sql);
  } catch (error) {
    failure = error as Error;
  }
  expect(failure, `se esperaba el rechazo de: ${sql}`).not.toBeNull();
  expect(failure!.message).toMatch(pattern);
}

describe.each(testEngines)("append-only registers on %s (tamper drills)", (engine) => {
  let t: TestDatabase;
  let db: Database;
  let operationId: number;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    db = t.db;
    await seedCatalogs(db);
    await seedDemo(db, DEMO_SITE, { now: NOW });
    await appendEntries(db, 5);
    await db.transaction(async (tx) => {
      const entry = await appendEventLog(tx, { time: NOW, username: "sistema", category: 4, eventType: 4, description: "Falla de comunicación", component: "CANAL:OPCUA-EDS-0001" });
      await raiseAlarm(tx, { time: NOW, occurredAt: NOW, component: "CANAL:OPCUA-EDS-0001", type: 5, severity: "high", description: "Problemas de comunicación", eventLogId: entry.id });
    });
    const [tank] = await db.query<{ id: number; installation_id: number }>("select id, installation_id from tanks where key = 'TQS-EDS-0001'");
    const [op] = await db.query<{ id: string | number }>(
      `insert into operations (installation_id, number, type, element_type, tank_id, product_key, start_at, end_at, net_volume, unit, reference_temperature_c, origin)
       values ($1, 1, 'reception', 'tank', $2, 'PR07', $3, $3, 20000, 'UM03', 20, 'automatic') returning id`,
      [tank!.installation_id, tank!.id, NOW],
    );
    operationId = Number(op!.id);
  });

  afterAll(async () => {
    await t?.close();
  });

  it("A30-LOG-07: UPDATE event_log leaves the entry unchanged and yields one type-13 entry with the target number and one alarm type 3", async () => {
    const [before] = await db.query<{ description: string; hash: string }>("select description, hash from event_log where id = 3");
    const lastEntry = await maxId(db, "event_log");
    const lastAlarm = await maxId(db, "alarms");
    await db.query("update event_log set description = 'Evento alterado' where id = 3");
    const [after] = await db.query<{ description: string; hash: string }>("select description, hash from event_log where id = 3");
    expect(after).toEqual(before);

    expect(await processTamperAttempts(db, NOW)).toEqual({ entries: 1, attempts: 1 });
    const entries = await tamperEntriesAfter(db, lastEntry);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ event_type: 13, category: 2, component: "event_log:3" });
    expect(entries[0]!.description).toContain("Intento de modificación de la entrada 3 de la bitácora");
    expect(entries[0]!.details).toMatchObject({ table: "event_log", operation: "UPDATE", targetNumber: 3 });
    expect(entries[0]!.details.attemptedChanges!["3"]!.description).toEqual({ stored: "Evento de prueba 3", attempted: "Evento alterado" });
    const alarms = await type3AlarmsAfter(db, lastAlarm);
    expect(alarms).toEqual([{ id: lastAlarm + 1, component: "event_log:3", event_log_id: entries[0]!.id, sat_event_code: 13 }]);

    // Exactly once: a second run finds nothing new.
    expect(await processTamperAttempts(db, NOW)).toEqual({ entries: 0, attempts: 0 });
  });

  it("A30-LOG-07: DELETE FROM event_log keeps the entry and yields one entry + one alarm", async () => {
    const lastEntry = await maxId(db, "event_log");
    const lastAlarm = await maxId(db, "alarms");
    await db.query("delete from event_log where id = 2");
    expect(await db.query("select id from event_log where id = 2")).toHaveLength(1);
    await processTamperAttempts(db, NOW);
    const entries = await tamperEntriesAfter(db, lastEntry);
    expect(entries.map((e) => [e.component, e.details.operation, e.details.targetNumber])).toEqual([["event_log:2", "DELETE", 2]]);
    expect(entries[0]!.description).toContain("Intento de eliminación de la entrada 2 de la bitácora");
    expect(await type3AlarmsAfter(db, lastAlarm)).toHaveLength(1);
  });

  it("A30-ALM-03: UPDATE and DELETE on alarms keep the alarm and each yields one entry + one alarm type 3", async () => {
    const [before] = await db.query<Record<string, unknown>>("select * from alarms where id = 1");
    const lastEntry = await maxId(db, "event_log");
    const lastAlarm = await maxId(db, "alarms");
    await db.query("update alarms set description = 'Sin novedad' where id = 1");
    await db.query("delete from alarms where id = 1");
    const [after] = await db.query<Record<string, unknown>>("select * from alarms where id = 1");
    expect(after).toEqual(before);
    expect(await processTamperAttempts(db, NOW)).toEqual({ entries: 2, attempts: 2 });
    const entries = await tamperEntriesAfter(db, lastEntry);
    expect(entries.map((e) => [e.component, e.details.operation])).toEqual([
      ["alarms:1", "UPDATE"],
      ["alarms:1", "DELETE"],
    ]);
    expect((await type3AlarmsAfter(db, lastAlarm)).map((a) => a.event_log_id)).toEqual(entries.map((e) => e.id));
  });

  it("A30-STO-02: UPDATE and DELETE on operations keep the fiscal record (corrections are new versions)", async () => {
    const [before] = await db.query<Record<string, unknown>>("select * from operations where id = $1", [operationId]);
    const lastEntry = await maxId(db, "event_log");
    const lastAlarm = await maxId(db, "alarms");
    await db.query(`update operations set net_volume = 1 where id = ${operationId}`);
    await db.query(`delete from operations where id = ${operationId}`);
    const [after] = await db.query<Record<string, unknown>>("select * from operations where id = $1", [operationId]);
    expect(after).toEqual(before);
    await processTamperAttempts(db, NOW);
    const entries = await tamperEntriesAfter(db, lastEntry);
    expect(entries.map((e) => [e.component, e.details.operation, e.details.targetNumber])).toEqual([
      ["operations:1", "UPDATE", 1],
      ["operations:1", "DELETE", 1],
    ]);
    expect(await type3AlarmsAfter(db, lastAlarm)).toHaveLength(2);
  });

  it("one statement touching many rows is one attempt entry listing every target", async () => {
    const lastEntry = await maxId(db, "event_log");
    await db.query("delete from event_log where id <= 4");
    expect(await db.query("select id from event_log where id <= 4")).toHaveLength(4);
    await processTamperAttempts(db, NOW);
    const entries = await tamperEntriesAfter(db, lastEntry);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ component: "event_log", details: { operation: "DELETE", attempts: 4 } });
    expect(entries[0]!.description).toContain("Intento de eliminación de 4 registros de la bitácora");
  });

  it("TRUNCATE on event_log, alarms and operations is refused and each refusal is detected by the job (one entry + one alarm)", async () => {
    const counts = async () => Object.fromEntries(await Promise.all(["event_log", "alarms", "operations"].map(async (tb) => [tb, (await db.query<{ n: number }>(`select count(*)::int as n from ${tb}`))[0]!.n])));
    const before = await counts();
    const lastEntry = await maxId(db, "event_log");
    const lastAlarm = await maxId(db, "alarms");
    await expectFailure(db, "truncate event_log cascade", /TRUNCATE sobre \w+ rechazado/);
    await expectFailure(db, "truncate alarms cascade", /TRUNCATE sobre \w+ rechazado/);
    await expectFailure(db, "truncate operations cascade", /TRUNCATE sobre \w+ rechazado/);
    expect(await counts()).toEqual(before);
    expect(await processTamperAttempts(db, NOW)).toEqual({ entries: 3, attempts: 3 });
    const entries = await tamperEntriesAfter(db, lastEntry);
    expect(entries.map((e) => e.details.operation)).toEqual(["TRUNCATE", "TRUNCATE", "TRUNCATE"]);
    expect(entries.every((e) => e.description.includes("(TRUNCATE)"))).toBe(true);
    expect(await type3AlarmsAfter(db, lastAlarm)).toHaveLength(3);
    expect(await processTamperAttempts(db, NOW)).toEqual({ entries: 0, attempts: 0 });
  });

  it("A30-REC-04: record_sequences only moves forward; a rewind, a key change or a delete is refused and detected", async () => {
    const [seq] = await db.query<{ last_value: string | number }>("select last_value from record_sequences where register = 'event_log'");
    const lastEntry = await maxId(db, "event_log");
    await expectFailure(db, "update record_sequences set last_value = 1 where register = 'event_log'", /numeración consecutiva/);
    await expectFailure(db, "update record_sequences set installation_id = 5 where register = 'event_log'", /numeración consecutiva/);
    await expectFailure(db, "delete from record_sequences where register = 'alarm'", /numeración consecutiva/);
    const [same] = await db.query<{ last_value: string | number }>("select last_value from record_sequences where register = 'event_log'");
    expect(Number(same!.last_value)).toBe(Number(seq!.last_value));
    await processTamperAttempts(db, NOW);
    const entries = await tamperEntriesAfter(db, lastEntry);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ component: "record_sequences", details: { operation: "REFUSED", attempts: 3 } });
  });

  it("the staging of attempts is itself append-only: changing it is refused and detected", async () => {
    const lastEntry = await maxId(db, "event_log");
    const [before] = await db.query<{ n: number }>("select count(*)::int as n from tamper_attempts");
    await expectFailure(db, "delete from tamper_attempts", /DELETE sobre tamper_attempts rechazado/);
    await expectFailure(db, "update tamper_attempt_entries set alarm_id = null", /UPDATE sobre tamper_attempt_entries rechazado/);
    await expectFailure(db, "truncate tamper_attempts cascade", /TRUNCATE sobre \w+ rechazado/);
    const [after] = await db.query<{ n: number }>("select count(*)::int as n from tamper_attempts");
    expect(after!.n).toBe(before!.n);
    await processTamperAttempts(db, NOW);
    const entries = await tamperEntriesAfter(db, lastEntry);
    expect(entries.map((e) => [e.details.table, e.details.operation]).sort()).toEqual(
      [
        ["tamper_attempts", "REFUSED"],
        ["tamper_attempt_entries", "REFUSED"],
        ["tamper_attempts", "TRUNCATE"],
      ].sort(),
    );
  });

  it("the scheduled job, woken by NOTIFY, records an attempt without waiting for its tick", async () => {
    const scheduler = startScheduler(
      eventLogJobs(db).map((job) => ({ ...job, runAtStart: false, everyMs: 3_600_000 })),
      { logger: createLogger("silent"), now: () => NOW },
    );
    const unlisten = await db.listen(TAMPER_CHANNEL, () => void scheduler.runNow(TAMPER_JOB));
    try {
      const lastEntry = await maxId(db, "event_log");
      await db.query("update event_log set username = 'otro' where id = 5");
      await expect.poll(async () => (await tamperEntriesAfter(db, lastEntry)).map((e) => e.component), { timeout: 5_000, interval: 100 }).toEqual(["event_log:5"]);
    } finally {
      await unlisten();
      await scheduler.stop();
    }
  });

  it("A30-LOG-06: after all the drills the chain (attempt entries included) still verifies", async () => {
    const result = await verifyEventLog(db);
    expect(result).toMatchObject({ ok: true, firstBad: null });
    expect(result.entries).toBe(await maxId(db, "event_log"));
  });
});

describe.each(testEngines)("superuser edits with triggers disabled on %s (A30-LOG-06)", (engine) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await appendEntries(t.db, 12);
  });

  afterAll(async () => {
    await t?.close();
  });

  it("an edited description is found at that entry; the check raises one alarm type 3 per break", async () => {
    await t.db.query("alter table event_log disable trigger all");
    await t.db.query("update event_log set description = 'Descripción alterada' where id = 7");
    await t.db.query("alter table event_log enable trigger all");
    expect(await t.db.query("select 1 from tamper_attempts")).toHaveLength(0); // the trigger was bypassed
    const result = await verifyEventLog(t.db, 5); // pages of 5: the break is in the second page
    expect(result).toMatchObject({ ok: false, entries: 7, firstBad: 7 });

    if (t.url) {
      const cli = await aforo(["bitacora", "verify"], { DATABASE_URL: t.url });
      expect(cli.code).toBe(1);
      expect(JSON.parse(cli.stdout)).toEqual({ ok: false, entries: 7, firstBad: 7 });
      expect(cli.stderr).toContain("entrada 7");
    }

    const first = await runIntegrityCheck(t.db, NOW);
    expect(first).toMatchObject({ ok: false, firstBad: 7, newAlarm: true });
    const second = await runIntegrityCheck(t.db, NOW);
    expect(second).toMatchObject({ ok: false, firstBad: 7, newAlarm: false, alarmId: first.alarmId });
    const alarms = await t.db.query<{ type: number; component: string; source_key: string; event_log_id: string | number }>(
      "select type, component, source_key, event_log_id from alarms",
    );
    expect(alarms).toEqual([{ type: 3, component: "event_log:7", source_key: "bitacora-chain:7", event_log_id: expect.anything() }]);
    const [entry] = await t.db.query<{ event_type: number; description: string }>("select event_type, description from event_log where id = $1", [
      Number(alarms[0]!.event_log_id),
    ]);
    expect(entry).toMatchObject({ event_type: 13, description: expect.stringContaining("entrada 7") });
  });
});

describe.each(testEngines)("entries deleted from the end with triggers disabled on %s (A30-LOG-06, A30-REC-04)", (engine) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await appendEntries(t.db, 6);
  });

  afterAll(async () => {
    await t?.close();
  });

  it("a truncated tail leaves an intact chain but is found against record_sequences; the alarm and its entry are still written and the gap stays reported", async () => {
    expect(await verifyEventLog(t.db)).toMatchObject({ ok: true, entries: 6 });
    await t.db.query("alter table event_log disable trigger all");
    await t.db.query("delete from event_log where id >= 5");
    await t.db.query("alter table event_log enable trigger all");
    expect(await verifyEventLog(t.db)).toMatchObject({ ok: false, entries: 4, firstBad: 5, reason: expect.stringContaining("faltan las entradas 5 a 6") });
    if (t.url) {
      const cli = await aforo(["bitacora", "verify"], { DATABASE_URL: t.url });
      expect(cli.code).toBe(1);
      expect(JSON.parse(cli.stdout)).toEqual({ ok: false, entries: 4, firstBad: 5 });
    }
    const check = await runIntegrityCheck(t.db, NOW);
    expect(check).toMatchObject({ ok: false, firstBad: 5, newAlarm: true });
    const alarms = await t.db.query<{ type: number; component: string; event_log_id: string | number | null }>("select type, component, event_log_id from alarms");
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ type: 3, component: "event_log:5" });
    // The writer chained the alarm's entry onto the last surviving entry (4), numbered 7: the
    // bitácora keeps working, and the missing 5–6 remain the first break for ever.
    expect(Number(alarms[0]!.event_log_id)).toBe(7);
    expect(await verifyEventLog(t.db)).toMatchObject({ ok: false, firstBad: 5, reason: expect.stringContaining("faltan las entradas 5 a 6") });
  });

  it("A30-REC-04: a forward jump of the counter (a gap opened through record_sequences) is passed by the guard but found by the verifier", async () => {
    await t.db.query("update record_sequences set last_value = last_value + 2 where register = 'event_log'");
    // Entries 1–4 and 7 (the alarm's) are stored; the counter now claims 9: the first break is still 5.
    expect(await verifyEventLog(t.db)).toMatchObject({ ok: false, entries: 4, firstBad: 5, reason: expect.stringContaining("faltan las entradas 5 a 6") });
  });
});

describe("aforo bitacora verify on the embedded database (AFORO_DATA_DIR)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "aforo-bitacora-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("prints the contract JSON: ok with exit 0, then firstBad of an edited entry with exit 1 (A30-LOG-06)", async () => {
    const db = await openDatabase({ dataDir });
    await migrateDatabase(db);
    await appendEntries(db, 4);
    await db.close();
    const ok = await aforo(["bitacora", "verify"], { AFORO_DATA_DIR: dataDir, DATABASE_URL: "" });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ ok: true, entries: 4, firstBad: null });

    const again = await openDatabase({ dataDir });
    await again.query("alter table event_log disable trigger aforo_append_only");
    await again.query("update event_log set description = 'Alterada' where id = 2");
    await again.close();
    const bad = await aforo(["bitacora", "verify"], { AFORO_DATA_DIR: dataDir, DATABASE_URL: "" });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toEqual({ ok: false, entries: 2, firstBad: 2 });
  });
});
