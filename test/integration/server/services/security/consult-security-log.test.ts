import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../../../db/client";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import {
  CSV_HEADER,
  exportSecurityLog,
  JSON_EXPORT_FIELDS,
  querySecurityLog,
  SECURITY_LOG_EXPORT_MAX_ROWS,
  SecurityLogExportTooLarge,
  securityLogFiltersSchema,
  type SecurityLogActor,
  type SecurityLogFiltersInput,
} from "../../../../../server/services/security/consult-security-log";
import { recordSecurityEvent } from "../../../../../server/services/security/security-log";
import { openSession } from "../../../../../server/services/security/sessions";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * A30-SEC-10 (30.6.2 VII) on PGlite and PostgreSQL: filtered, paged consultation newest first;
 * every consultation and export is itself one "log_view" entry with the actor; CSV export neutralises
 * formulas and escapes quotes, commas and newlines; filters are parameters (an injection string is
 * just a name nobody has); the table is append-only (UPDATE/DELETE leave the row and stage a tamper
 * attempt); exports above 100 000 rows are refused and the refusal is logged.
 */
const T0 = new Date("2026-11-05T16:00:00.000Z"); // 10:00 in Mexico City
const NOW = new Date("2026-11-05T17:00:00.000Z");
const minutes = (m: number) => new Date(T0.getTime() + m * 60_000);
const TRICKY_AGENT = '=HYPERLINK("http://malo.example"),dos\nlíneas';

const filters = (input: SecurityLogFiltersInput) => securityLogFiltersSchema.parse(input);

interface LogViewRow {
  id: number;
  username: string;
  user_id: number | null;
  ip: string | null;
  user_agent: string | null;
  session_id: string | null;
  outcome: string;
  detail: Record<string, unknown>;
}

async function logViewsAfter(db: Database, afterId: number): Promise<LogViewRow[]> {
  const rows = await db.query<LogViewRow & { id: string | number; detail: Record<string, unknown> | string }>(
    "select id, username, user_id, host(ip) as ip, user_agent, session_id, outcome, detail from security_log where event = 'log_view' and id > $1 order by id",
    [afterId],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), user_id: r.user_id === null ? null : Number(r.user_id), detail: typeof r.detail === "string" ? JSON.parse(r.detail) : r.detail }));
}

async function maxId(db: Database): Promise<number> {
  const [row] = await db.query<{ m: string | number | null }>("select max(id) as m from security_log");
  return Number(row?.m ?? 0);
}

async function countAll(db: Database): Promise<number> {
  const [row] = await db.query<{ n: string | number }>("select count(*) as n from security_log");
  return Number(row!.n);
}

/** RFC 4180 reader, to check the export round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

describe.each(testEngines)("security log consultation (A30-SEC-10) — %s", (engine) => {
  let t: TestDatabase;
  let db: Database;
  let actor: SecurityLogActor;
  let operadorId: number;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    db = t.db;
    await seedCatalogs(db);
    await seedDemo(db, DEMO_SITE, { now: minutes(-5000) });
    const users = await db.query<{ id: number; username: string }>("select id, username from users where username in ('admin', 'operador')");
    const adminId = Number(users.find((u) => u.username === "admin")!.id);
    operadorId = Number(users.find((u) => u.username === "operador")!.id);
    const sessionId = await openSession(db, { userId: adminId, ip: "192.168.10.7", userAgent: "Firefox de prueba", idleTimeoutS: 600 }, NOW);
    actor = { userId: adminId, username: "admin", ip: "192.168.10.7", userAgent: "Firefox de prueba", sessionId };

    const op = { username: "operador", userId: operadorId, ip: "10.0.0.5", userAgent: "Chrome operador" };
    await recordSecurityEvent(db, { event: "login_failed", outcome: "failure", ...op, userId: null, detail: { reason: "contraseña" } }, minutes(-2 * 1440)); // 11-03 10:00
    await recordSecurityEvent(db, { event: "login", outcome: "success", ...op }, minutes(-1440)); // 11-04 10:00
    await recordSecurityEvent(db, { event: "page_view", outcome: "success", ...op, detail: { path: "/tablero" } }, minutes(-60));
    await recordSecurityEvent(db, { event: "idle_logout", outcome: "info", ...op }, minutes(-30));
    await recordSecurityEvent(db, { event: "login", outcome: "success", username: "admin", userId: adminId, ip: "10.0.1.9" }, minutes(-10));
    await recordSecurityEvent(
      db,
      { event: "error", outcome: "error", username: "operador", userId: operadorId, ip: "10.0.0.5", userAgent: TRICKY_AGENT, detail: { message: 'falla "grave", línea 1\nlínea 2' } },
      minutes(-5),
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  it("filters by user (case-insensitive input), newest first, and records the consultation as one log_view with the actor", async () => {
    const before = await maxId(db);
    const page = await querySecurityLog(db, filters({ username: "OPERADOR" }), actor, NOW);
    expect(page.total).toBe(5);
    expect(page.page).toBe(1);
    expect(page.pageSize).toBe(100);
    expect(page.entries.map((e) => e.event)).toEqual(["error", "idle_logout", "page_view", "login", "login_failed"]);
    expect(page.entries.every((e) => e.username === "operador")).toBe(true);
    const times = page.entries.map((e) => Date.parse(e.time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const loginFailed = page.entries.at(-1)!;
    expect(loginFailed).toMatchObject({
      ip: "10.0.0.5",
      macAddress: "no disponible",
      userAgent: "Chrome operador",
      eventLabel: "Inicio de sesión fallido",
      outcome: "failure",
      outcomeLabel: "Fallo",
      localTime: "2026-11-03 10:00:00",
      detail: { reason: "contraseña" },
    });

    const views = await logViewsAfter(db, before);
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({
      username: "admin",
      user_id: actor.userId,
      ip: "192.168.10.7",
      user_agent: "Firefox de prueba",
      session_id: actor.sessionId,
      outcome: "success",
      detail: { filters: { username: "operador" }, page: 1, pageSize: 100, total: 5 },
    });
    // Exactly one new row in all: the consultation itself.
    expect(await maxId(db)).toBe(views[0]!.id);
  });

  it("filters by event, outcome, IP network and date range (local days, America/Mexico_City)", async () => {
    const before = await maxId(db);
    const logins = await querySecurityLog(db, filters({ event: "login" }), actor, NOW);
    expect(logins.entries.map((e) => [e.username, e.ip])).toEqual([
      ["admin", "10.0.1.9"],
      ["operador", "10.0.0.5"],
    ]);

    const failures = await querySecurityLog(db, filters({ outcome: "failure" }), actor, NOW);
    expect(failures.entries.map((e) => e.event)).toEqual(["login_failed"]);

    const network = await querySecurityLog(db, filters({ ip: "10.0.1.0/24" }), actor, NOW);
    expect(network.entries.map((e) => e.event)).toEqual(["login"]);
    const exactIp = await querySecurityLog(db, filters({ ip: "10.0.0.5", event: "login" }), actor, NOW);
    expect(exactIp.total).toBe(1);

    // 2026-11-04 local day only: the operador's log-in at 10:00 local.
    const day = await querySecurityLog(db, filters({ from: "2026-11-04", to: "2026-11-04" }), actor, NOW);
    expect(day.entries.map((e) => [e.event, e.localTime])).toEqual([["login", "2026-11-04 10:00:00"]]);
    // Instants [09:30, 09:55) local on 11-05, operador only: idle logout (09:30) in; the error at 09:55 out (exclusive end).
    const window = await querySecurityLog(db, filters({ from: "2026-11-05T09:30:00-06:00", to: "2026-11-05T09:55:00-06:00", username: "operador" }), actor, NOW);
    expect(window.entries.map((e) => e.event)).toEqual(["idle_logout"]);

    const views = await logViewsAfter(db, before);
    expect(views).toHaveLength(6);
    expect(views.every((v) => v.username === "admin" && v.user_id === actor.userId && v.session_id === actor.sessionId)).toBe(true);
    expect(views.map((v) => v.detail.filters)).toEqual([
      { event: "login" },
      { outcome: "failure" },
      { ip: "10.0.1.0/24" },
      { event: "login", ip: "10.0.0.5" },
      { from: "2026-11-04", to: "2026-11-04" },
      { from: "2026-11-05T09:30:00-06:00", to: "2026-11-05T09:55:00-06:00", username: "operador" },
    ]);
  });

  it("pages newest first without overlap; each page is one more log_view", async () => {
    const before = await maxId(db);
    const first = await querySecurityLog(db, filters({ username: "operador", pageSize: "2", page: "1" }), actor, NOW);
    const second = await querySecurityLog(db, filters({ username: "operador", pageSize: "2", page: "2" }), actor, NOW);
    const third = await querySecurityLog(db, filters({ username: "operador", pageSize: "2", page: "3" }), actor, NOW);
    const beyond = await querySecurityLog(db, filters({ username: "operador", pageSize: "2", page: "9" }), actor, NOW);
    expect([first.total, second.total, third.total, beyond.total]).toEqual([5, 5, 5, 5]);
    expect(first.entries.map((e) => e.event)).toEqual(["error", "idle_logout"]);
    expect(second.entries.map((e) => e.event)).toEqual(["page_view", "login"]);
    expect(third.entries.map((e) => e.event)).toEqual(["login_failed"]);
    expect(beyond.entries).toEqual([]);
    const views = await logViewsAfter(db, before);
    expect(views.map((v) => v.detail.page)).toEqual([1, 2, 3, 9]);
  });

  it("an SQL-injection string as the user filter is only a name: 0 rows, table intact", async () => {
    const rowsBefore = await countAll(db);
    const before = await maxId(db);
    for (const attack of ["admin' or '1'='1", "x'); drop table security_log; --", "' union select * from users --"]) {
      const page = await querySecurityLog(db, filters({ username: attack }), actor, NOW);
      expect(page).toMatchObject({ total: 0, entries: [] });
    }
    expect(await countAll(db)).toBe(rowsBefore + 3);
    const views = await logViewsAfter(db, before);
    expect(views.map((v) => v.detail.filters)).toEqual([
      { username: "admin' or '1'='1" },
      { username: "x'); drop table security_log; --" },
      { username: "' union select * from users --" },
    ]);
    const [users] = await db.query<{ n: string | number }>("select count(*) as n from users");
    expect(Number(users!.n)).toBeGreaterThanOrEqual(4);
  });

  it("CSV export: Spanish header, formula neutralised, quotes/commas/newlines escaped, server-made file name, logged with {export: 'csv'}", async () => {
    const before = await maxId(db);
    const file = await exportSecurityLog(db, filters({ from: "2026-11-01", to: "2026-11-05", username: "operador", page: "2", pageSize: "1" }), "csv", actor, NOW);
    expect(file.filename).toBe("bitacora-seguridad_2026-11-01_2026-11-05.csv");
    expect(file.contentType).toBe("text/csv; charset=utf-8");
    expect(file.body.startsWith("\uFEFFfecha_hora,usuario,ip,mac,agente,evento,resultado,detalle\r\n")).toBe(true);
    // Paging is ignored by an export: all five of the operador's entries.
    expect(file.rows).toBe(5);

    // The raw line of the error entry, byte for byte.
    const detailJson = JSON.stringify({ message: 'falla "grave", línea 1\nlínea 2' }).replace(/"/g, '""');
    const agentCell = `"'${TRICKY_AGENT.replace(/"/g, '""')}"`;
    expect(file.body).toContain(`\r\n2026-11-05T09:55:00-06:00,operador,10.0.0.5,no disponible,${agentCell},Error de la aplicación,Error,"${detailJson}"\r\n`);

    const rows = parseCsv(file.body.slice(1));
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows).toHaveLength(6);
    const errorRow = rows[1]!;
    expect(errorRow).toHaveLength(8);
    expect(errorRow[4]).toBe(`'${TRICKY_AGENT}`);
    expect(JSON.parse(errorRow[7]!)).toEqual({ message: 'falla "grave", línea 1\nlínea 2' });
    expect(rows.slice(1).map((r) => r[5])).toEqual(["Error de la aplicación", "Cierre por inactividad", "Consulta de pantalla", "Inicio de sesión", "Inicio de sesión fallido"]);
    expect(rows.at(-1)!.slice(0, 4)).toEqual(["2026-11-03T10:00:00-06:00", "operador", "10.0.0.5", "no disponible"]);

    const views = await logViewsAfter(db, before);
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({
      username: "admin",
      user_id: actor.userId,
      session_id: actor.sessionId,
      outcome: "success",
      detail: { export: "csv", rows: 5, filters: { from: "2026-11-01", to: "2026-11-05", username: "operador" } },
    });
  });

  it("JSON export: an array with the documented fields; file name from the dates when no range is given", async () => {
    const before = await maxId(db);
    const file = await exportSecurityLog(db, filters({ event: "login" }), "json", actor, NOW);
    expect(file.contentType).toBe("application/json; charset=utf-8");
    // From the oldest exported entry to today (local).
    expect(file.filename).toBe("bitacora-seguridad_2026-11-04_2026-11-05.json");
    const body = JSON.parse(file.body) as Record<string, unknown>[];
    expect(body).toHaveLength(2);
    for (const item of body) expect(Object.keys(item)).toEqual([...JSON_EXPORT_FIELDS]);
    expect(body[1]).toMatchObject({
      fecha_hora: "2026-11-04T10:00:00-06:00",
      usuario: "operador",
      id_usuario: operadorId,
      ip: "10.0.0.5",
      mac: "no disponible",
      agente: "Chrome operador",
      evento: "Inicio de sesión",
      evento_clave: "login",
      resultado: "Éxito",
      resultado_clave: "success",
      detalle: null,
      sesion: null,
    });
    const views = await logViewsAfter(db, before);
    expect(views.map((v) => v.detail.export)).toEqual(["json"]);
  });

  it("append-only: UPDATE and DELETE change nothing and stage tamper attempts for security_log", async () => {
    const [target] = await db.query<{ id: string | number }>("select id from security_log where event = 'login_failed' order by id limit 1");
    const id = Number(target!.id);
    const read = () => db.query("select * from security_log where id = $1", [id]);
    const original = await read();
    expect(original).toHaveLength(1);

    await db.query("update security_log set username = 'intruso', outcome = 'success', detail = null where id = $1", [id]);
    await db.query("delete from security_log where id = $1", [id]);
    expect(await read()).toEqual(original);

    const attempts = await db.query<{ operation: string; target_id: string | number; old_row: Record<string, unknown> | string }>(
      "select operation, target_id, old_row from tamper_attempts where table_name = 'security_log' order by id",
    );
    expect(attempts.map((a) => [a.operation, Number(a.target_id)])).toEqual([
      ["UPDATE", id],
      ["DELETE", id],
    ]);
    const oldRow = typeof attempts[0]!.old_row === "string" ? JSON.parse(attempts[0]!.old_row) : attempts[0]!.old_row;
    expect(oldRow).toMatchObject({ username: "operador", event: "login_failed", outcome: "failure" });
  });

  it(`refuses an export of more than ${SECURITY_LOG_EXPORT_MAX_ROWS} rows with a clear message, and logs the refused attempt`, async () => {
    await db.query(
      `insert into security_log (time, username, event, outcome)
       select $1::timestamptz - (g * interval '1 second'), 'carga', 'api_call', 'success' from generate_series(1, $2::int) as g`,
      [minutes(-20_000), SECURITY_LOG_EXPORT_MAX_ROWS + 1],
    );
    const before = await maxId(db);
    const attempt = exportSecurityLog(db, filters({ username: "carga" }), "csv", actor, NOW);
    await expect(attempt).rejects.toBeInstanceOf(SecurityLogExportTooLarge);
    await expect(attempt).rejects.toThrow(/máximo es 100[\s\u00a0,.]?000: acote el intervalo de fechas/);
    const views = await logViewsAfter(db, before);
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ outcome: "failure", detail: { export: "csv", total: SECURITY_LOG_EXPORT_MAX_ROWS + 1, refused: "demasiados_registros" } });

    // A consultation of one page of those rows is fine.
    const page = await querySecurityLog(db, filters({ username: "carga", pageSize: "500" }), actor, NOW);
    expect(page.total).toBe(SECURITY_LOG_EXPORT_MAX_ROWS + 1);
    expect(page.entries).toHaveLength(500);
  }, 120_000);
});
