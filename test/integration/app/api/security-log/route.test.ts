import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { registerRuntime, unregisterRuntime, type AforoRuntime } from "../../../../../server/http/runtime";
import { recordSecurityEvent } from "../../../../../server/services/security/security-log";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * The route handlers of A30-SEC-10 against a real database: the guard (server/http/authorize.ts,
 * covered by its own tests and the route-policy test) is replaced by a switch, so this checks what
 * the handlers add — validation (400 on a bad filter or a path-like format), download headers with a
 * server-made file name, and the log_view entry with the request's IP and user agent.
 */
const guard = vi.hoisted(() => ({ allow: true, userId: 0, sessionId: null as string | null }));

vi.mock("../../../../../server/http/authorize", () => ({
  requirePermission: async (permission: string) =>
    guard.allow
      ? { ok: true, userId: guard.userId, session: { user: { id: String(guard.userId), username: "admin", sessionId: guard.sessionId, role: "administrador" } } }
      : { ok: false, response: Response.json({ error: "sin permiso", permission }, { status: 403 }) },
}));

const { GET: list } = await import("../../../../../app/api/security-log/route");
const { GET: download } = await import("../../../../../app/api/security-log/export/route");

const NOW = new Date("2026-11-05T17:00:00.000Z");
const request = (path: string) => new Request(`http://aforo.local${path}`, { headers: { "user-agent": "Prueba/1.0", "x-forwarded-for": "192.168.5.5" } });

describe.each(testEngines)("GET /api/security-log and /export (A30-SEC-10) — %s", (engine) => {
  let t: TestDatabase;

  async function logViews(): Promise<{ username: string; ip: string | null; user_agent: string | null; detail: Record<string, unknown> }[]> {
    const rows = await t.db.query<{ username: string; ip: string | null; user_agent: string | null; detail: Record<string, unknown> | string }>(
      "select username, host(ip) as ip, user_agent, detail from security_log where event = 'log_view' order by id",
    );
    return rows.map((r) => ({ ...r, detail: typeof r.detail === "string" ? JSON.parse(r.detail) : r.detail }));
  }

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: NOW });
    const [admin] = await t.db.query<{ id: number }>("select id from users where username = 'admin'");
    guard.userId = Number(admin!.id);
    await recordSecurityEvent(t.db, { event: "login_failed", outcome: "failure", username: "operador", ip: "10.0.0.5", userAgent: "=cmd|'/C calc'!A0" }, new Date("2026-11-04T16:00:00Z"));
    await recordSecurityEvent(t.db, { event: "login", outcome: "success", username: "admin", userId: guard.userId, ip: "10.0.0.9" }, new Date("2026-11-05T16:00:00Z"));
    registerRuntime({ db: t.db, clock: { now: () => NOW } } as unknown as AforoRuntime);
  });

  afterAll(async () => {
    unregisterRuntime();
    await t?.close();
  });

  it("lists with filters and records the consultation with the client's IP and user agent", async () => {
    guard.allow = true;
    const response = await list(request("/api/security-log?event=login_failed&pageSize=10"));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { total: number; page: number; pageSize: number; entries: { username: string; eventLabel: string }[] };
    expect(body).toMatchObject({ total: 1, page: 1, pageSize: 10 });
    expect(body.entries.map((e) => [e.username, e.eventLabel])).toEqual([["operador", "Inicio de sesión fallido"]]);
    expect((await logViews()).at(-1)).toEqual({
      username: "admin",
      ip: "192.168.5.5",
      user_agent: "Prueba/1.0",
      detail: { filters: { event: "login_failed" }, page: 1, pageSize: 10, total: 1 },
    });
  });

  it("400 with a Spanish message on a bad filter; nothing is consulted nor logged", async () => {
    const before = (await logViews()).length;
    for (const query of ["pageSize=0", "pageSize=501", "event=nada", "from=ayer"]) {
      const response = await list(request(`/api/security-log?${query}`));
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/registros por página|evento desconocido|fecha/);
    }
    expect(await logViews()).toHaveLength(before);
  });

  it("403 from the guard passes through untouched", async () => {
    guard.allow = false;
    try {
      expect((await list(request("/api/security-log"))).status).toBe(403);
      expect((await download(request("/api/security-log/export?format=csv"))).status).toBe(403);
    } finally {
      guard.allow = true;
    }
  });

  it("CSV download: attachment with a server-made name, nosniff, no-store, formula neutralised", async () => {
    const response = await download(request("/api/security-log/export?format=csv&from=2026-11-01&to=2026-11-05&filename=../../etc/passwd"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="bitacora-seguridad_2026-11-01_2026-11-05.csv"');
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    expect(text).toContain(",'=cmd|'/C calc'!A0,");
    expect(text).not.toMatch(/,=cmd/);
    // The two seeded entries and the first test's consultation (11:00 local on 11-05, inside the range).
    expect(text.trim().split("\r\n")).toHaveLength(4);
    expect((await logViews()).at(-1)).toMatchObject({ username: "admin", ip: "192.168.5.5", detail: { export: "csv", rows: 3 } });
  });

  it("JSON download", async () => {
    const response = await download(request("/api/security-log/export?format=json&username=admin"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="bitacora-seguridad_\d{4}-\d{2}-\d{2}_2026-11-05\.json"$/);
    const body = (await response.json()) as { usuario: string; evento_clave: string }[];
    expect(body.map((e) => [e.usuario, e.evento_clave])).toContainEqual(["admin", "login"]);
  });

  it.each(["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "csv/../../x", "xlsx", ""])("400 on format=%s, before any consultation", async (format) => {
    const before = (await logViews()).length;
    const response = await download(request(`/api/security-log/export?format=${format}`));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain("use format=csv o format=json");
    expect(await logViews()).toHaveLength(before);
  });

  it("400 without format", async () => {
    expect((await download(request("/api/security-log/export"))).status).toBe(400);
  });
});
