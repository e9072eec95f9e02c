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

// The route handlers with the session guard replaced (see test/integration/app/api/users/routes.test.ts):
// the signed-in profile is set per test; the permission decision is the real matrix.
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

const pedimentos = await import("../../../../../app/api/pedimentos/route");
const links = await import("../../../../../app/api/pedimentos/[id]/links/route");
const correct = await import("../../../../../app/api/pedimentos/[id]/correct/route");

const NOW = new Date("2026-11-25T18:00:00Z");
const post = (body: unknown) => new Request("http://aforo.test/api/x", { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
const params = (id: string | number) => ({ params: Promise.resolve({ id: String(id) }) });
const valid = {
  installationKey: "TDA-0001",
  number: "26 47 3456 6009999",
  date: "2026-11-20",
  entryPoint: "47",
  originCountry: "USA",
  transportMeansIn: "1",
  incoterm: "CIF",
  tariffFraction: "2710.12.99-05",
  productKey: "PR07",
  volume: "20000",
};

describe.each(testEngines)("pedimento API routes on %s (A30-PED-02…07, A30-ACC-03)", (engine) => {
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

  it("POST /api/pedimentos: Operador and Auditor Fiscal → 403; without Incoterms → 400 with the reason; malformed JSON → 400; valid → 201 with one bitácora entry", async () => {
    const before = await readEventLogCounter(t.db);
    as("operador", "operador");
    expect((await pedimentos.POST(post(valid))).status).toBe(403);
    as("auditor", "auditor_fiscal");
    expect((await pedimentos.POST(post(valid))).status).toBe(403);
    expect((await pedimentos.GET(new Request("http://aforo.test/api/pedimentos"))).status).toBe(200);
    signedIn.user = null;
    expect((await pedimentos.GET(new Request("http://aforo.test/api/pedimentos"))).status).toBe(401);
    as("supervisor", "supervisor");
    const { incoterm: _i, ...noIncoterm } = valid;
    const missing = await pedimentos.POST(post(noIncoterm));
    expect(missing.status).toBe(400);
    expect((await missing.json()).messages).toContain("incoterm: Incoterms obligatorio (A30-PED-04)");
    expect((await pedimentos.POST(post("{no es json"))).status).toBe(400);
    expect((await pedimentos.POST(post({ ...valid, campoDesconocido: 1 }))).status).toBe(400);
    const badNumber = await pedimentos.POST(post({ ...valid, number: "26 03 3456 6009999" }));
    expect(badNumber.status).toBe(400);
    expect((await badNumber.json()).messages[0]).toContain("la aduana 03 no está en el catálogo del SAT");
    expect(await readEventLogCounter(t.db)).toBe(before);

    const created = await pedimentos.POST(post(valid));
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const body = await created.json();
    expect(body.pedimento).toMatchObject({ number: "26  47  3456  6009999", incoterm: "CIF", createdBy: "supervisor", linked: { label: "vinculado 0 / 20,000 L" } });
    expect(await readEventLogCounter(t.db)).toBe(before + 1);
    expect((await pedimentos.POST(post(valid))).status).toBe(409);
    const list = await (await pedimentos.GET(new Request("http://aforo.test/api/pedimentos?installation=TDA-0001"))).json();
    expect(list.pedimentos.map((p: { number: string }) => p.number)).toEqual(["26  47  3456  6009999"]);
    expect((await pedimentos.GET(new Request("http://aforo.test/api/pedimentos?installation=' OR '1'='1"))).status).toBe(400);
  });

  it("POST /api/pedimentos/:id/links and /correct: 403 for the Operador, 400 for bad ids and bodies, 404 unknown, 201 linked with the summary", async () => {
    const [row] = await t.db.query<{ id: number }>("select id from pedimentos where number = '26  47  3456  6009999'");
    const id = Number(row!.id);
    const reception = await registerManualOperation(
      t.db,
      manualOperationSchema.parse({ installationKey: "TDA-0001", type: "reception", tankKey: "TQS-TDA-0001", startAt: "2026-11-21T10:00:00-06:00", endAt: "2026-11-21T11:00:00-06:00", netVolume: 20000, counterpartyRfc: "AAA010101AAA", justification: "Recepción capturada para la prueba de rutas" }),
      { userId: users.supervisor!, username: "supervisor" },
      NOW,
    );
    as("operador", "operador");
    expect((await links.POST(post({ action: "link", operationId: reception.id }), params(id))).status).toBe(403);
    expect((await correct.POST(post({ volume: 1, reason: "Prueba de permisos" }), params(id))).status).toBe(403);
    as("admin", "administrador");
    for (const bad of ["0", "abc", "-3", "99999999999"]) expect((await links.POST(post({ action: "link", operationId: reception.id }), params(bad))).status, bad).toBe(400);
    expect((await links.POST(post({ action: "vincular", operationId: reception.id }), params(id))).status).toBe(400);
    expect((await links.POST(post({ action: "link", operationId: reception.id }), params(999_999))).status).toBe(404);
    const linked = await links.POST(post({ action: "link", operationId: reception.id }), params(id));
    expect(linked.status).toBe(201);
    expect((await linked.json()).pedimento.linked.label).toBe("vinculado 20,000 / 20,000 L");
    expect((await links.POST(post({ action: "link", operationId: reception.id }), params(id))).status).toBe(409);

    expect((await correct.POST(post({ volume: 25000 }), params(id))).status).toBe(400);
    const corrected = await correct.POST(post({ volume: 25000, reason: "Rectificación del pedimento" }), params(id));
    expect(corrected.status).toBe(201);
    const body = await corrected.json();
    expect(body.pedimento).toMatchObject({ version: 2, linked: { label: "vinculado 20,000 / 25,000 L" } });
    expect(body.changes).toEqual([{ field: "volume", before: 20000, after: 25000 }]);
  });
});
