import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import type { RoleKey } from "../../../../../server/contracts/roles";
import { manualOperationSchema } from "../../../../../server/domain/operations/index";
import { registerRuntime, unregisterRuntime, type AforoRuntime } from "../../../../../server/http/runtime";
import { registerManualOperation } from "../../../../../server/services/operations/index";
import { fuelCfdi, SUPPLIER_RFC, testUuid } from "../../../../helpers/cfdi-variants";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

// The session guard replaced: who is signed in is set per test; the permission decision is the
// real A30-ACC-03 matrix (userHasPermission). The route-policy unit test checks each handler asks
// for the permission listed in ROUTE_POLICY.
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

const list = await import("../../../../../app/api/cfdi/route");
const one = await import("../../../../../app/api/cfdi/[id]/route");
const links = await import("../../../../../app/api/cfdi/[id]/links/route");

const NOW = new Date("2026-11-05T18:00:00Z");
const URL_BASE = "http://aforo.test/api/cfdi";

function upload(files: Array<{ name: string; content: string | Buffer }>, extra: Record<string, string> = {}): Request {
  const form = new FormData();
  for (const f of files) form.append("files", new Blob([typeof f.content === "string" ? f.content : new Uint8Array(f.content)], { type: "text/xml" }), f.name);
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  return new Request(URL_BASE, { method: "POST", body: form });
}
const json = (body: unknown, url: string) => new Request(url, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
const params = (id: string) => ({ params: Promise.resolve({ id }) });

describe.each(testEngines)("/api/cfdi routes on %s (issue #6 items 1 and 3)", (engine) => {
  let t: TestDatabase;
  const users = new Map<string, number>();
  const as = (username: string, role: RoleKey) => {
    signedIn.user = { id: String(users.get(username)), sessionId: "s", username, role, passwordChange: null, canViewSecurityLog: false };
  };
  let receptionId = 0;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date("2026-10-01T00:00:00Z") });
    for (const u of await t.db.query<{ id: number; username: string }>("select id, username from users")) users.set(u.username, Number(u.id));
    registerRuntime({ db: t.db, clock: { now: () => NOW } } as unknown as AforoRuntime);
    const stored = await registerManualOperation(
      t.db,
      manualOperationSchema.parse({
        installationKey: "EDS-0001",
        type: "reception",
        tankKey: "TQS-EDS-0001",
        startAt: "2026-11-01T15:00:00Z",
        endAt: "2026-11-01T16:00:00Z",
        netVolume: 9_000,
        justification: "Captura de prueba: descarga sin medición automática",
      }),
      { userId: users.get("operador")!, username: "operador" },
      NOW,
    );
    receptionId = stored.id;
  });
  afterAll(async () => {
    unregisterRuntime();
    await t?.close();
  });
  beforeEach(() => as("supervisor", "supervisor"));

  it("A30-ACC-03: Operador and Auditor Fiscal cannot import (403); nobody signed in → 401; every profile can read", async () => {
    as("operador", "operador");
    expect((await list.POST(upload([{ name: "a.xml", content: fuelCfdi({ uuid: testUuid(1) }) }]))).status).toBe(403);
    as("auditor", "auditor_fiscal");
    expect((await list.POST(upload([{ name: "a.xml", content: fuelCfdi({ uuid: testUuid(1) }) }]))).status).toBe(403);
    expect((await list.GET(new Request(URL_BASE))).status).toBe(200);
    signedIn.user = null;
    expect((await list.GET(new Request(URL_BASE))).status).toBe(401);
    const [n] = await t.db.query<{ n: number }>("select count(*)::int as n from cfdi");
    expect(n!.n).toBe(0);
  });

  it("POST multipart: one result per file — stored ones with UUID, rejected ones with the reason; 201 when any was stored", async () => {
    const response = await list.POST(
      upload([
        { name: "bueno.xml", content: fuelCfdi({ uuid: testUuid(2), quantity: "9000", amount: "193500.00" }) },
        { name: "sin-timbre.xml", content: fuelCfdi({ uuid: testUuid(3) }).replace(/<tfd:TimbreFiscalDigital[^>]*\/>/, "") },
        { name: "factura.pdf", content: "%PDF-1.7" },
        { name: "grande.xml", content: Buffer.alloc(5 * 1024 * 1024 + 1, 0x20) },
      ]),
    );
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { imported: number; rejected: number; results: Array<Record<string, unknown>> };
    expect(body).toMatchObject({ imported: 1, rejected: 3 });
    expect(body.results[0]).toMatchObject({ fileName: "bueno.xml", ok: true, uuid: testUuid(2), purpose: "acquisition", verification: { ok: false } });
    expect(body.results[1]).toMatchObject({ fileName: "sin-timbre.xml", ok: false });
    expect(body.results[1]!.reason).toMatch(/^CFDI sin timbrar/);
    expect(body.results[2]).toEqual({ fileName: "factura.pdf", ok: false, code: "refused", reason: "solo se aceptan archivos XML de CFDI (.xml)" });
    expect(body.results[3]!.reason).toMatch(/^archivo demasiado grande/);
    const [n] = await t.db.query<{ n: number }>("select count(*)::int as n from cfdi");
    expect(n!.n).toBe(1);
  });

  it("POST: all files rejected → 400 with the reasons; not multipart, unexpected fields, no file → 400; a non-multipart body over 1 MiB → 413", async () => {
    const dup = await list.POST(upload([{ name: "otra-vez.xml", content: fuelCfdi({ uuid: testUuid(2), quantity: "9000", amount: "193500.00" }) }]));
    expect(dup.status).toBe(400);
    expect(((await dup.json()) as { results: Array<{ reason: string }> }).results[0]!.reason).toBe(`UUID duplicado: el CFDI ${testUuid(2)} ya fue importado`);
    const notMultipart = await list.POST(json({ files: "' OR '1'='1" }, URL_BASE));
    expect(notMultipart.status).toBe(400);
    expect(((await notMultipart.json()) as { error: string }).error).toMatch(/multipart\/form-data/);
    const extra = await list.POST(upload([{ name: "a.xml", content: "<a/>" }], { installationKey: "EDS-0001" }));
    expect(extra.status).toBe(400);
    expect(((await extra.json()) as { error: string }).error).toMatch(/Campo no esperado/);
    expect((await list.POST(upload([]))).status).toBe(400);
    const text = new FormData();
    text.append("files", "<cfdi/>");
    expect((await list.POST(new Request(URL_BASE, { method: "POST", body: text }))).status).toBe(400);
    const big = new Request(URL_BASE, { method: "POST", headers: { "content-type": "application/json", "content-length": String(2 * 1024 * 1024) }, body: "x" });
    expect((await list.POST(big)).status).toBe(413);
  });

  it("GET list with filters; invalid filters → 400; link=unmatched also lists the operations without CFDI", async () => {
    const all = (await (await list.GET(new Request(URL_BASE))).json()) as { cfdi: Array<{ uuid: string; links: unknown[]; volumes: unknown[] }> };
    expect(all.cfdi.map((c) => c.uuid)).toEqual([testUuid(2)]);
    expect(all.cfdi[0]!.volumes).toEqual([{ unit: "UM03", volume: 9_000 }]);
    const received = (await (await list.GET(new Request(`${URL_BASE}?direction=received&rfc=${SUPPLIER_RFC.toLowerCase()}&from=2026-10-31&to=2026-10-31`))).json()) as { cfdi: unknown[] };
    expect(received.cfdi).toHaveLength(1);
    expect(((await (await list.GET(new Request(`${URL_BASE}?direction=issued`))).json()) as { cfdi: unknown[] }).cfdi).toHaveLength(0);
    const unmatched = (await (await list.GET(new Request(`${URL_BASE}?link=unmatched`))).json()) as { cfdi: unknown[]; operationsWithoutCfdi: Array<{ id: number }> };
    expect(unmatched.cfdi).toHaveLength(1);
    expect(unmatched.operationsWithoutCfdi.map((o) => o.id)).toContain(receptionId);
    for (const bad of ["direction=x", "link=' OR '1'='1", "from=2026-02-30", "limit=0", "rfc=<script>"]) {
      const response = await list.GET(new Request(`${URL_BASE}?${bad}`));
      expect(response.status, bad).toBe(400);
    }
  });

  it("GET /api/cfdi/:id → detail (concepts, verification, suggestions); 404 unknown; 400 malformed id", async () => {
    const [row] = await t.db.query<{ id: number }>("select id from cfdi where uuid = $1", [testUuid(2)]);
    const response = await one.GET(new Request(`${URL_BASE}/${row!.id}`), params(String(row!.id)));
    expect(response.status).toBe(200);
    const { cfdi } = (await response.json()) as { cfdi: { uuid: string; concepts: unknown[]; verificationReport: { checks: Array<{ id: string; ok: boolean | null }> }; suggestions: Array<{ operationId: number; rfcMatch: boolean }> } };
    expect(cfdi.uuid).toBe(testUuid(2));
    expect(cfdi.concepts).toHaveLength(1);
    expect(cfdi.verificationReport.checks.find((c) => c.id === "sello_cfdi")!.ok).toBe(false);
    // The reception has no RFC: a suggestion for a manual link, not an automatic one.
    expect(cfdi.suggestions).toEqual([expect.objectContaining({ operationId: receptionId, rfcMatch: false })]);
    expect((await one.GET(new Request(`${URL_BASE}/999999`), params("999999"))).status).toBe(404);
    expect((await one.GET(new Request(`${URL_BASE}/abc`), params("abc"))).status).toBe(400);
  });

  it("POST /api/cfdi/:id/links: link 201, again 409, unlink without reason 400, unlink 200, Operador 403, bad JSON 400, unknown operation 404", async () => {
    const [row] = await t.db.query<{ id: number }>("select id from cfdi where uuid = $1", [testUuid(2)]);
    const id = String(row!.id);
    const url = `${URL_BASE}/${id}/links`;
    as("operador", "operador");
    expect((await links.POST(json({ operationId: receptionId, action: "link" }, url), params(id))).status).toBe(403);
    as("supervisor", "supervisor");
    const linked = await links.POST(json({ operationId: receptionId, action: "link" }, url), params(id));
    expect(linked.status).toBe(201);
    expect(((await linked.json()) as { link: Record<string, unknown> }).link).toMatchObject({ action: "link", operationId: receptionId, volumeLinked: 9_000, unit: "UM03" });
    expect((await links.POST(json({ operationId: receptionId, action: "link" }, url), params(id))).status).toBe(409);
    const noReason = await links.POST(json({ operationId: receptionId, action: "unlink" }, url), params(id));
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { error: string }).error).toMatch(/motivo obligatorio/);
    const unlinked = await links.POST(json({ operationId: receptionId, action: "unlink", reason: "Vinculado por error" }, url), params(id));
    expect(unlinked.status).toBe(200);
    expect((await links.POST(json("{no es json", url), params(id))).status).toBe(400);
    expect((await links.POST(json({ operationId: "' OR '1'='1", action: "link" }, url), params(id))).status).toBe(400);
    expect((await links.POST(json({ operationId: receptionId, action: "link", extra: 1 }, url), params(id))).status).toBe(400);
    expect((await links.POST(json({ operationId: 987_654, action: "link" }, url), params(id))).status).toBe(404);
    const entries = await t.db.query<{ description: string }>("select description from event_log where details->>'action' in ('link-cfdi', 'unlink-cfdi') order by id");
    expect(entries.map((e) => e.description.split(" ")[0])).toEqual(["Vinculación", "Desvinculación"]);
  });
});
