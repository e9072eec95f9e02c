import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { readEventLogCounter } from "../../../../../db/repositories/event-log";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import type { RoleKey } from "../../../../../server/contracts/roles";
import { manualOperationSchema } from "../../../../../server/domain/operations/index";
import { registerRuntime, unregisterRuntime, type AforoRuntime } from "../../../../../server/http/runtime";
import { registerManualOperation } from "../../../../../server/services/operations/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

// Session guard replaced as in test/integration/app/api/users/routes.test.ts; the permission matrix is the real one.
const signedIn: { user: { id: string; sessionId: string; username: string; role: RoleKey; passwordChange: null; canViewSecurityLog: boolean } | null } = { user: null };
vi.mock("../../../../../server/http/authorize", async () => {
  const { userHasPermission } = await import("../../../../../server/contracts/permissions");
  return {
    requirePermission: vi.fn(async (permission: Parameters<typeof userHasPermission>[1]) => {
      const user = signedIn.user;
      if (!user) return { ok: false, response: Response.json({ error: "no autenticado" }, { status: 401 }) };
      if (!userHasPermission(user, permission)) return { ok: false, response: Response.json({ error: "sin permiso", permission }, { status: 403 }) };
      return { ok: true, session: { user, expires: "" }, userId: Number(user.id) };
    }),
  };
});

const dictamenes = await import("../../../../../app/api/dictamenes/route");
const importRoute = await import("../../../../../app/api/dictamenes/import/route");
const lotLinks = await import("../../../../../app/api/lots/[id]/links/route");

const NOW = new Date("2026-11-25T18:00:00Z");
const LAB = "EVA9612104R6";
const post = (body: unknown) => new Request("http://aforo.test/api/x", { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
const get = (query = "") => new Request(`http://aforo.test/api/dictamenes${query}`);
const gasoline = {
  installationKey: "EDS-0001",
  tankKey: "TQS-EDS-0002",
  laboratoryRfc: LAB,
  laboratoryName: "Laboratorio de Pruebas del Golfo",
  folio: `${LAB}000402026`,
  issueDate: "2026-11-20",
  samplingDate: "2026-11-16",
  testDate: "2026-11-17",
  resultsDate: "2026-11-18",
  lotNumber: "L-2026-0200",
  productKey: "PR07",
  octaneIndex: "92.5",
  containsNonFossil: "Sí",
  nonFossilPct: "5.8",
};

describe.each(testEngines)("quality API routes on %s (A30-TYP-01/02/10, A32-01/11, A30-ACC-03)", (engine) => {
  let t: TestDatabase;
  const users: Record<string, number> = {};
  const as = (username: string, role: RoleKey) => {
    signedIn.user = { id: String(users[username]), sessionId: "s", username, role, passwordChange: null, canViewSecurityLog: false };
  };

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date("2026-11-01T06:00:00Z") });
    for (const row of await t.db.query<{ id: number; username: string }>("select id, username from users")) users[row.username] = Number(row.id);
    registerRuntime({ db: t.db, clock: { now: () => NOW } } as unknown as AforoRuntime);
  });
  afterAll(async () => {
    unregisterRuntime();
    await t?.close();
  });
  beforeEach(() => as("supervisor", "supervisor"));

  it("POST /api/dictamenes: 403 for Operador/Auditor; missing lot or folio → 400; inconsistent dates → 400; valid → 201 (one entry); GET for every profile", async () => {
    const before = await readEventLogCounter(t.db);
    as("operador", "operador");
    expect((await dictamenes.POST(post(gasoline))).status).toBe(403);
    as("auditor", "auditor_fiscal");
    expect((await dictamenes.POST(post(gasoline))).status).toBe(403);
    expect((await dictamenes.GET(get())).status).toBe(200);
    as("supervisor", "supervisor");
    const { lotNumber: _l, ...noLot } = gasoline;
    const missingLot = await dictamenes.POST(post(noLot));
    expect(missingLot.status).toBe(400);
    expect((await missingLot.json()).messages).toContain("lotNumber: Número de lote (A32-01 XII): obligatorio");
    const { folio: _f, ...noFolio } = gasoline;
    expect((await dictamenes.POST(post(noFolio))).status).toBe(400);
    const { laboratoryRfc: _r, ...noRfc } = gasoline;
    expect((await dictamenes.POST(post(noRfc))).status).toBe(400);
    const dates = await dictamenes.POST(post({ ...gasoline, resultsDate: "2026-11-21" }));
    expect(dates.status).toBe(400);
    expect((await dates.json()).messages[0]).toMatch(/^fechas inconsistentes/);
    expect((await dictamenes.POST(post({ ...gasoline, installationKey: "NO-EXISTE" }))).status).toBe(404);
    expect(await readEventLogCounter(t.db)).toBe(before);

    const created = await dictamenes.POST(post(gasoline));
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body.dictamen).toMatchObject({ octaneIndex: 92.5, subProductKey: "SP17", lotKey: "L-2026-0200" });
    expect(await readEventLogCounter(t.db)).toBe(before + 1);
    expect((await dictamenes.POST(post(gasoline))).status).toBe(409);
    as("auditor", "auditor_fiscal");
    const listed = await (await dictamenes.GET(get("?installation=EDS-0001"))).json();
    expect(listed.dictamenes.map((d: { folio: string }) => d.folio)).toEqual([`${LAB}000402026`]);
    const lots = await (await dictamenes.GET(get("?view=lots"))).json();
    expect(lots.lots[0]).toMatchObject({ key: "L-2026-0200", qualitySource: `dictamen DI-EKU9003173C9_${LAB}000402026` });
    expect((await dictamenes.GET(get("?view=todo"))).status).toBe(400);
  });

  it("A30-TYP-02: an online-instrument record without laboratory RFC → 201", async () => {
    const [installation] = await t.db.query<{ id: number }>("select id from installations where key = 'TDA-0001'");
    await t.db.query(
      "insert into analyzers (installation_id, key, kind, description, verification_provider_rfc, verified_on, verification_valid_until) values ($1, 'ANZ-DEN-0001', 'densitometer', 'Densímetro en línea', $2, '2026-06-01', '2027-05-31')",
      [installation!.id, LAB],
    );
    const response = await dictamenes.POST(post({ source: "online_instrument", installationKey: "TDA-0001", analyzerKey: "ANZ-DEN-0001", lotNumber: "L-DUC-0100", lotKind: "duct", productKey: "PR07", octaneIndex: 92, containsNonFossil: "No", nonFossilPct: 0 }));
    expect(response.status).toBe(201);
    expect((await response.json()).source).toBe("instrumento en línea ANZ-DEN-0001");
    expect((await dictamenes.POST(post({ source: "online_instrument", installationKey: "TDA-0001", analyzerKey: "ANZ-DEN-0001", productKey: "PR07" }))).status).toBe(400);
  });

  it("POST /api/dictamenes/import: 403 for the Operador; a 4-digit consecutive → 400 with the reason; a DI- JSON → 201", async () => {
    const file = {
      contribuyente: { rfc: "EKU9003173C9", nombre: "Contribuyente de prueba" },
      laboratorio: { rfc: LAB, nombre: "Laboratorio de Pruebas del Golfo" },
      folio: `${LAB}000412026`,
      fechaEmision: "2026-11-21",
      fechaMuestreo: "2026-11-18",
      fechaPruebas: "2026-11-19",
      fechaResultados: "2026-11-20",
      lote: "L-2026-0201",
      claveProducto: "PR03",
      claveSubProducto: "SP24",
      datosProducto: { diesel: { contieneCombustibleNoFosil: "No", porcentajeCombustibleNoFosil: 0 } },
    };
    const body = { fileName: `DI-EKU9003173C9_${LAB}000412026.json`, content: JSON.stringify(file), installationKey: "EDS-0001", tankKey: "TQS-EDS-0003" };
    as("operador", "operador");
    expect((await importRoute.POST(post(body))).status).toBe(403);
    as("admin", "administrador");
    const short = await importRoute.POST(post({ ...body, fileName: `DI-EKU9003173C9_${LAB}00412026.json` }));
    expect(short.status).toBe(400);
    expect((await short.json()).messages[0]).toMatch(/^nombre de dictamen inválido/);
    expect((await importRoute.POST(post({ ...body, content: "x".repeat(512 * 1024 + 1) }))).status).toBe(400);
    const ok = await importRoute.POST(post(body));
    expect(ok.status).toBe(201);
    expect((await ok.json()).dictamen).toMatchObject({ fileName: body.fileName, lotKey: "L-2026-0201", containsNonFossil: false });
  });

  it("POST /api/lots/:id/links: 403 for the Auditor; bad id → 400; unknown → 404; a diesel reception linked → 201 and out of the pending list", async () => {
    const reception = await registerManualOperation(
      t.db,
      manualOperationSchema.parse({ installationKey: "EDS-0001", type: "reception", tankKey: "TQS-EDS-0003", startAt: "2026-11-22T10:00:00-06:00", endAt: "2026-11-22T11:00:00-06:00", netVolume: 20000, counterpartyRfc: "AAA010101AAA", justification: "Recepción capturada para la prueba de rutas" }),
      { userId: users.supervisor!, username: "supervisor" },
      NOW,
    );
    const pending = await (await dictamenes.GET(get("?view=pending&installation=EDS-0001"))).json();
    expect(pending.operations.map((o: { id: number }) => o.id)).toContain(reception.id);
    const [lot] = await t.db.query<{ id: number }>("select id from lots where key = 'L-2026-0201'");
    as("auditor", "auditor_fiscal");
    expect((await lotLinks.POST(post({ operationIds: [reception.id] }), { params: Promise.resolve({ id: String(lot!.id) }) })).status).toBe(403);
    as("supervisor", "supervisor");
    expect((await lotLinks.POST(post({ operationIds: [reception.id] }), { params: Promise.resolve({ id: "x" }) })).status).toBe(400);
    expect((await lotLinks.POST(post({ operationIds: [] }), { params: Promise.resolve({ id: String(lot!.id) }) })).status).toBe(400);
    expect((await lotLinks.POST(post({ operationIds: [reception.id] }), { params: Promise.resolve({ id: "999999" }) })).status).toBe(404);
    const linked = await lotLinks.POST(post({ operationIds: [reception.id] }), { params: Promise.resolve({ id: String(lot!.id) }) });
    expect(linked.status).toBe(201);
    expect((await linked.json()).linked).toHaveLength(1);
    const after = await (await dictamenes.GET(get("?view=pending&installation=EDS-0001"))).json();
    expect(after.total).toBe(0);
  });
});
