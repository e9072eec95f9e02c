import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import type { RoleKey } from "../../../../../server/contracts/roles";
import { registerRuntime, unregisterRuntime, type AforoRuntime } from "../../../../../server/http/runtime";
import { installCertificate } from "../../../../../server/services/csd/index";
import { seedDemoWithHistory } from "../../../../../server/services/demo/index";
import { FIXTURE_PASSWORD, pair } from "../../../../helpers/csd-fixtures";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

// The route handlers with the session guard replaced: who is signed in is set per test; the
// permission decision is the real matrix (userHasPermission).
const signedIn: {
  user: { id: string; sessionId: string; username: string; role: RoleKey; passwordChange: "first_login" | null; canViewSecurityLog: boolean } | null;
} = { user: null };
vi.mock("../../../../../server/http/authorize", async () => {
  const { userHasPermission } = await import("../../../../../server/contracts/permissions");
  return {
    requirePermission: vi.fn(async (permission: Parameters<typeof userHasPermission>[1], options: { allowPendingPasswordChange?: boolean } = {}) => {
      const user = signedIn.user;
      if (!user) return { ok: false, response: Response.json({ error: "no autenticado" }, { status: 401 }) };
      if (user.passwordChange && !options.allowPendingPasswordChange) return { ok: false, response: Response.json({ error: "password_change_required" }, { status: 403 }) };
      if (!userHasPermission(user, permission)) return { ok: false, response: Response.json({ error: "sin permiso", permission }, { status: 403 }) };
      return { ok: true, session: { user, expires: "" }, userId: Number(user.id) };
    }),
  };
});

const reports = await import("../../../../../app/api/reports/route");
const reportById = await import("../../../../../app/api/reports/[id]/route");
const download = await import("../../../../../app/api/reports/[id]/download/route");
const verify = await import("../../../../../app/api/reports/[id]/verify/route");
const seal = await import("../../../../../app/api/reports/[id]/seal/route");
const sent = await import("../../../../../app/api/reports/[id]/sent/route");

/**
 * Issue #6 items 9–10, 12 and A30-ACC-08: /api/reports with the real permission matrix — the
 * Operador gets 403 on the list and the print/preview data, the Auditor Fiscal reads and downloads
 * (200) but cannot generate (403); downloads take the file name from the stored row and refuse
 * any other `file` value (400).
 */
const NOW = new Date("2026-11-20T18:00:00Z");
const KEY = "a1b2c3d4e5f60718".repeat(4);
const json = (method: string, body: unknown) =>
  new Request("http://aforo.test/api/reports", { method, headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
const get = (url: string) => new Request(`http://aforo.test${url}`);
const params = (id: string | number) => ({ params: Promise.resolve({ id: String(id) }) });
const as = (username: string, role: RoleKey, id: number) => {
  signedIn.user = { id: String(id), sessionId: "s", username, role, passwordChange: null, canViewSecurityLog: false };
};

describe.each(testEngines)("SAT report API routes on %s (issue #6 items 9–12, A30-ACC-08)", (engine) => {
  let t: TestDatabase;
  const ids: Record<string, number> = {};
  let reportId: number;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    if (!(await seedDemoWithHistory(t.db, DEMO_SITE, { now: NOW }))) throw new Error("a fresh demo database must get a history");
    for (const u of await t.db.query<{ id: number; username: string }>("select id, username from users")) ids[u.username] = Number(u.id);
    const installed = await installCertificate(t.db, { id: ids.admin!, username: "admin", role: "administrador" }, pair("ekuCsd"), FIXTURE_PASSWORD, NOW, KEY);
    if (!installed.ok) throw new Error(installed.error);
    registerRuntime({ db: t.db, clock: { now: () => NOW }, config: { AFORO_ENCRYPTION_KEY: KEY } } as unknown as AforoRuntime);
  }, 240_000);
  afterAll(async () => {
    unregisterRuntime();
    await t?.close();
  });
  beforeEach(() => as("admin", "administrador", ids.admin!));

  it("POST /api/reports: Auditor Fiscal and Operador 403; invalid bodies 400; unknown installation 404; Administrador 201 sealed", async () => {
    const body = { kind: "daily", installationKey: "EDS-0001", date: "2026-11-19" };
    as("auditor", "auditor_fiscal", ids.auditor!);
    expect((await reports.POST(json("POST", body))).status).toBe(403);
    as("operador", "operador", ids.operador!);
    expect((await reports.POST(json("POST", body))).status).toBe(403);
    as("admin", "administrador", ids.admin!);
    for (const bad of [
      { ...body, kind: "weekly" },
      { ...body, date: "19/11/2026" },
      { ...body, installationKey: "' OR '1'='1" },
      { kind: "monthly", installationKey: "EDS-0001", month: "2026-13" },
      { ...body, extra: 1 },
      "{no es json",
    ]) {
      expect((await reports.POST(json("POST", bad))).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await reports.POST(json("POST", { ...body, installationKey: "NOEXISTE-1" }))).status).toBe(404);
    const created = await reports.POST(json("POST", body));
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const answer = await created.json();
    expect(answer.report).toMatchObject({ version: 1, sealed: true, noCertificado: "30001000000500003416" });
    expect(answer.warning).toBeNull();
    reportId = answer.report.reportId;
  });

  it("GET list and detail (print data): Operador 403; Auditor Fiscal and Supervisor 200", async () => {
    as("operador", "operador", ids.operador!);
    expect((await reports.GET(get("/api/reports"))).status).toBe(403);
    expect((await reportById.GET(get(`/api/reports/${reportId}`), params(reportId))).status).toBe(403);
    expect((await download.GET(get(`/api/reports/${reportId}/download?file=json`), params(reportId))).status).toBe(403);
    as("auditor", "auditor_fiscal", ids.auditor!);
    const list = await reports.GET(get("/api/reports"));
    expect(list.status).toBe(200);
    expect((await list.json()).reports.map((r: { id: number }) => r.id)).toEqual([reportId]);
    expect((await reports.GET(get("/api/reports?installation=' OR 1=1"))).status).toBe(400);
    const detail = await reportById.GET(get(`/api/reports/${reportId}`), params(reportId));
    expect(detail.status).toBe(200);
    expect((await detail.json()).report.preview.installationKey).toBe("EDS-0001");
    expect((await reportById.GET(get("/api/reports/abc"), params("abc"))).status).toBe(400);
    expect((await reportById.GET(get("/api/reports/999999"), params(999999))).status).toBe(404);
    as("supervisor", "supervisor", ids.supervisor!);
    expect((await reports.GET(get("/api/reports"))).status).toBe(200);
  });

  it("downloads: Auditor Fiscal 200 for json/zip/sig with the stored name, one bitácora entry each; bad `file` → 400", async () => {
    as("auditor", "auditor_fiscal", ids.auditor!);
    const [row] = await t.db.query<{ file_name: string }>("select file_name from generated_reports where id = $1", [reportId]);
    const base = row!.file_name.replace(/\.zip$/, "");
    const count = async () => Number((await t.db.query<{ n: string | number }>("select count(*) as n from event_log where username = 'auditor' and description like 'Descarga de reporte%'"))[0]!.n);
    const expected = { json: [`${base}.json`, "application/json"], zip: [`${base}.zip`, "application/zip"], sig: [`${base}.zip.p7s`, "application/pkcs7-signature"] } as const;
    let n = 0;
    for (const [file, [name, type]] of Object.entries(expected)) {
      const response = await download.GET(get(`/api/reports/${reportId}/download?file=${file}`), params(reportId));
      expect(response.status, file).toBe(200);
      expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${name}"`);
      expect(response.headers.get("content-type")).toBe(type);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
      expect(await count()).toBe(++n);
    }
    for (const bad of ["../../etc/passwd", "", "JSON", "pdf", "json&file=zip"]) {
      const response = await download.GET(get(`/api/reports/${reportId}/download?file=${encodeURIComponent(bad)}`), params(reportId));
      expect(response.status, bad).toBe(400);
    }
    expect((await download.GET(get(`/api/reports/${reportId}/download?file=../../etc/passwd`), params(reportId))).status).toBe(400);
    expect((await download.GET(get(`/api/reports/${reportId}/download`), params(reportId))).status).toBe(400);
    expect((await download.GET(get("/api/reports/999999/download?file=zip"), params(999999))).status).toBe(404);
    expect(await count()).toBe(3);
  });

  it("verify (GET, reports) 200 for the Auditor Fiscal; seal and sending: writers only", async () => {
    as("auditor", "auditor_fiscal", ids.auditor!);
    const checked = await verify.GET(get(`/api/reports/${reportId}/verify`), params(reportId));
    expect(checked.status).toBe(200);
    expect((await checked.json()).verification).toMatchObject({ ok: true, hashOk: true, signatureOk: true });
    expect((await sent.POST(json("POST", {}), params(reportId))).status).toBe(403);
    expect((await seal.POST(json("POST", ""), params(reportId))).status).toBe(403);
    as("operador", "operador", ids.operador!);
    expect((await verify.GET(get(`/api/reports/${reportId}/verify`), params(reportId))).status).toBe(403);
    as("supervisor", "supervisor", ids.supervisor!);
    const again = await seal.POST(json("POST", ""), params(reportId));
    expect(again.status).toBe(409);
    expect((await seal.POST(json("POST", { x: 1 }), params(reportId))).status).toBe(400);
    expect((await sent.POST(json("POST", { note: 5 }), params(reportId))).status).toBe(400);
    expect((await sent.POST(json("POST", {}), params(999999))).status).toBe(404);
    const done = await sent.POST(json("POST", { note: "acuse recibido" }), params(reportId));
    expect(done.status).toBe(201);
    const [entry] = await t.db.query<{ description: string; username: string }>("select description, username from event_log where id = $1", [(await done.json()).eventLogId]);
    expect(entry).toMatchObject({ username: "supervisor" });
    expect(entry!.description).toContain("Envío al SAT del reporte diario SAT de EDS-0001");
  });
});
