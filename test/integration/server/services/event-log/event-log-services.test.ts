import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../../../db/client";
import { raiseAlarm } from "../../../../../db/repositories/alarms";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import {
  addUserEntry,
  consultEventLog,
  createForeignSessionMonitor,
  eventLogQuerySchema,
  isForeignSession,
  newEntrySchema,
  runIntegrityCheck,
  verifyEventLog,
} from "../../../../../server/services/event-log/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const NOW = new Date("2026-11-05T16:00:00.000Z");

async function userId(db: Database, username: string): Promise<number> {
  const [row] = await db.query<{ id: number }>("select id from users where username = $1", [username]);
  return Number(row!.id);
}

describe.each(testEngines)("bitácora services on %s", (engine) => {
  let t: TestDatabase;
  let db: Database;
  const actors: Record<string, { userId: number; username: string }> = {};

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    db = t.db;
    await seedCatalogs(db);
    await seedDemo(db, DEMO_SITE, { now: NOW });
    for (const username of ["admin", "supervisor", "operador", "auditor"]) actors[username] = { userId: await userId(db, username), username };
  });

  afterAll(async () => {
    await t?.close();
  });

  it("A30-LOG-03: each of the four profiles consults the bitácora and each consultation is a category-5 entry with the user", async () => {
    for (const username of ["admin", "supervisor", "operador", "auditor"]) {
      const page = await consultEventLog(db, actors[username]!, eventLogQuerySchema.parse({}), NOW);
      expect(page.entries[0]).toMatchObject({ number: page.reviewEntry, username, description: "Revisión de bitácora", category: 5 });
    }
    const rows = await db.query<{ username: string; category: number; event_type: number }>(
      "select username, category, event_type from event_log where description = 'Revisión de bitácora' order by id",
    );
    expect(rows).toEqual(["admin", "supervisor", "operador", "auditor"].map((username) => ({ username, category: 5, event_type: 5 })));
  });

  it("A30-LOG-02: an Operador registers an unclassified ('otro') entry carrying the user's name", async () => {
    const input = newEntrySchema.parse({ description: "Se retiró el sello del dispensario 3 para mantenimiento" });
    const { number } = await addUserEntry(db, actors.operador!, input, NOW);
    const [row] = await db.query<{ username: string; user_id: number; category: number | null; event_type: number; details: unknown }>(
      "select username, user_id, category, event_type, details from event_log where id = $1",
      [number],
    );
    expect(row).toMatchObject({ username: "operador", user_id: actors.operador!.userId, category: null, event_type: 5 });
  });

  it("A30-LOG-09: a cause entry linked to an alarm is stored in event_log_links", async () => {
    const alarm = await db.transaction((tx) =>
      raiseAlarm(tx, { time: NOW, occurredAt: NOW, component: "SMD-DISP-0003", type: 8, severity: "high", description: "Falla de energía" }),
    );
    const input = newEntrySchema.parse({ category: 5, description: "Causa probable: corte de CFE en la zona", link: { kind: "cause", alarmId: alarm.id } });
    const { number } = await addUserEntry(db, actors.supervisor!, input, NOW);
    expect(await db.query("select event_log_id, kind, alarm_id from event_log_links")).toEqual([
      { event_log_id: engine === "postgres" ? String(number) : number, kind: "cause", alarm_id: engine === "postgres" ? String(alarm.id) : alarm.id },
    ]);
    expect(() => newEntrySchema.parse({ description: "sin destino", link: { kind: "cause" } })).toThrow(/exactamente uno/);
    expect(() => newEntrySchema.parse({ category: 7, description: "inconsistencia manual" })).toThrow(/categoría 7/);
  });

  it("A30-LOG-11: an Administrador registers the verification of provider EVA9612104R6 as a category-6 entry", async () => {
    const input = newEntrySchema.parse({
      kind: "verification",
      date: "2026-11-05",
      authority: "proveedor_autorizado",
      name: "Verificadora Ejemplo SA de CV",
      rfc: "eva9612104r6",
      folio: "DICT-2026-0042",
      scope: "Sistemas de medición y programas informáticos",
    });
    const { number } = await addUserEntry(db, actors.admin!, input, NOW);
    const page = await consultEventLog(db, actors.auditor!, eventLogQuerySchema.parse({ category: "6" }), NOW);
    expect(page.entries).toHaveLength(1);
    expect(page.entries[0]).toMatchObject({ number, category: 6, username: "admin", description: expect.stringContaining("RFC EVA9612104R6") });
    expect(page.entries[0]!.details).toMatchObject({ visit: { rfc: "EVA9612104R6", folio: "DICT-2026-0042" } });
    expect(() => newEntrySchema.parse({ ...input, rfc: "NO-ES-RFC" })).toThrow(/RFC inválido/);
  });

  it("A30-LOG-03/04: filters by category 'otro', user, text and date range; every entry has its six fields", async () => {
    const otro = await consultEventLog(db, actors.admin!, eventLogQuerySchema.parse({ category: "otro" }), NOW);
    expect(otro.entries.map((e) => e.description)).toEqual(["Se retiró el sello del dispensario 3 para mantenimiento"]);
    const byUser = await consultEventLog(db, actors.admin!, eventLogQuerySchema.parse({ user: "SUPERVISOR" }), NOW);
    expect(new Set(byUser.entries.map((e) => e.username))).toEqual(new Set(["supervisor"]));
    const byText = await consultEventLog(db, actors.admin!, eventLogQuerySchema.parse({ q: "corte de cfe" }), NOW);
    expect(byText.entries.map((e) => e.description)).toEqual(["Causa probable: corte de CFE en la zona"]);
    const noneBefore = await consultEventLog(db, actors.admin!, eventLogQuerySchema.parse({ to: "2026-11-04" }), NOW);
    expect(noneBefore.total).toBe(0);
    const sameDay = await consultEventLog(db, actors.admin!, eventLogQuerySchema.parse({ from: "2026-11-05", to: "2026-11-05", pageSize: "3", page: "2" }), NOW);
    expect(sameDay.entries).toHaveLength(3);
    expect(sameDay.total).toBeGreaterThan(6);
    for (const entry of sameDay.entries) {
      expect(entry.number).toBeGreaterThan(0);
      expect(entry.date).toBe("2026-11-05");
      expect(entry.hour).toBe("10:00:00");
      expect(entry.username.length).toBeGreaterThan(0);
      expect(entry.eventType).toBeGreaterThan(0);
      expect(entry.eventTypeLabel.length).toBeGreaterThan(0);
      expect(entry.description.length).toBeGreaterThan(1);
    }
    expect(() => eventLogQuerySchema.parse({ category: "9" })).toThrow(/categoría 1 a 7/);
  });

  it("A30-LOG-05: a verification a user asks for is itself an entry; the chain stays intact", async () => {
    const result = await runIntegrityCheck(db, NOW, actors.supervisor!);
    expect(result).toMatchObject({ ok: true, firstBad: null, alarmId: null });
    const [last] = await db.query<{ username: string; description: string }>("select username, description from event_log order by id desc limit 1");
    expect(last).toMatchObject({ username: "supervisor", description: expect.stringContaining("Verificación de integridad de la bitácora: correcta") });
    expect((await verifyEventLog(db)).ok).toBe(true);
  });

  it("A30-LOG-08: Aforo's own application names are not foreign sessions", () => {
    for (const name of ["aforo", "aforo-server", "aforo-cli", "aforo-collector"]) expect(isForeignSession(name)).toBe(false);
    for (const name of ["psql", "", null, "pgAdmin 4", "aforox"]) expect(isForeignSession(name)).toBe(true);
  });

  // PostgreSQL only: PGlite is embedded in the server process, there is no other means of access (db/README.md).
  if (engine === "postgres") it("A30-LOG-08: a psql session that reads operations is one category-2 entry with role and client address, within one poll", async () => {
    const monitor = createForeignSessionMonitor(db);
    expect(await monitor.poll(NOW)).toEqual([]); // only Aforo's pool is connected
    const psql = new pg.Client({ connectionString: t.url!, application_name: "psql" });
    await psql.connect();
    try {
      await psql.query("select count(*) from operations");
      const found = await monitor.poll(NOW);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ role: "postgres", applicationName: "psql", clientAddr: "127.0.0.1" });
      expect(await monitor.poll(NOW)).toEqual([]);
      // A second monitor (a restarted server) does not record the same session again.
      expect(await createForeignSessionMonitor(db).poll(NOW)).toEqual([]);
    } finally {
      await psql.end();
    }
    const rows = await db.query<{ category: number; component: string; description: string; details: Record<string, unknown> }>(
      "select category, component, description, details from event_log where category = 2 and component = 'UCC'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.description).toContain("rol postgres, aplicación psql, desde 127.0.0.1");
    expect(rows[0]!.details).toMatchObject({ role: "postgres", applicationName: "psql", clientAddr: "127.0.0.1" });
  });
});
