import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { registerRuntime, unregisterRuntime, type AforoRuntime } from "../../../../../server/http/runtime";
import { FIXTURE_PASSWORD, pair } from "../../../../helpers/csd-fixtures";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * GET/POST /api/certificates against a real database (A30-CSD-01…04). The guard is replaced by a
 * switch (the route-policy unit test checks the handlers ask for "manageCertificates", the e2e
 * matrix the profiles); this checks the multipart boundary, the answers and that no answer carries
 * the key or the password.
 */
const guard = vi.hoisted(() => ({ allow: true, userId: 0 }));

vi.mock("../../../../../server/http/authorize", () => ({
  requirePermission: async (permission: string) =>
    guard.allow
      ? { ok: true, userId: guard.userId, session: { user: { id: String(guard.userId), username: "admin", sessionId: null, role: "administrador" } } }
      : { ok: false, response: Response.json({ error: "sin permiso", permission }, { status: 403 }) },
}));

const { GET, POST } = await import("../../../../../app/api/certificates/route");

const NOW = new Date("2026-12-01T00:00:00.000Z");
const KEY = "5a".repeat(32);

function upload(fields: Record<string, Buffer | string>): Request {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === "string") form.append(name, value);
    else form.append(name, new Blob([new Uint8Array(value)]), `${name}.bin`);
  }
  return new Request("http://aforo.local/api/certificates", { method: "POST", body: form, headers: { "user-agent": "Prueba/1.0", "x-forwarded-for": "192.168.5.5" } });
}

describe.each(testEngines)("/api/certificates — %s", (engine) => {
  let t: TestDatabase;
  const eku = pair("ekuCsd");

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: NOW });
    const [admin] = await t.db.query<{ id: number }>("select id from users where username = 'admin'");
    guard.userId = Number(admin!.id);
    registerRuntime({
      db: t.db,
      clock: { now: () => NOW },
      config: { AFORO_ENCRYPTION_KEY: KEY, AFORO_DATA_DIR: "./data-no-usado" },
      authSecret: "x".repeat(48),
    } as unknown as AforoRuntime);
  });

  afterAll(async () => {
    unregisterRuntime();
    await t?.close();
  });

  it("denied profiles get the guard's 403 on both handlers", async () => {
    guard.allow = false;
    expect((await GET()).status).toBe(403);
    expect((await POST(upload({ cer: eku.cer, key: eku.key, password: FIXTURE_PASSWORD }))).status).toBe(403);
    guard.allow = true;
  });

  it("POST with a JSON body, a missing input or a wrong password → 400 with the reason; nothing stored", async () => {
    const json = await POST(new Request("http://aforo.local/api/certificates", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }));
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toMatch(/multipart\/form-data/);

    const missing = await POST(upload({ cer: eku.cer, password: FIXTURE_PASSWORD }));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: expect.stringMatching(/^Falta la llave privada \(\.key\)/) });

    const wrong = await POST(upload({ cer: eku.cer, key: eku.key, password: "incorrecta" }));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: expect.stringMatching(/contraseña incorrecta/), reason: "wrong_password" });

    const fiel = await POST(upload({ cer: pair("ekuFiel").cer, key: pair("ekuFiel").key, password: FIXTURE_PASSWORD }));
    expect(await fiel.json()).toMatchObject({ reason: "not_csd", error: expect.stringMatching(/no es un CSD/) });

    const mismatch = await POST(upload({ cer: eku.cer, key: pair("cacxCsd").key, password: FIXTURE_PASSWORD }));
    expect(await mismatch.json()).toMatchObject({ reason: "key_mismatch", error: expect.stringMatching(/la llave no corresponde al certificado/) });
    expect(Number((await t.db.query<{ n: number }>("select count(*) as n from csd_certificates"))[0]!.n)).toBe(0);
  });

  it("POST the correct trio → 201 with the certificate; GET lists it; no answer carries the key or the password", async () => {
    const created = await POST(upload({ cer: eku.cer, key: eku.key, password: FIXTURE_PASSWORD }));
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const createdText = await created.text();
    const body = JSON.parse(createdText) as { certificate: { noCertificado: string; statusLabel: string }; replaced: unknown; eventLogId: number };
    expect(body).toMatchObject({ certificate: { noCertificado: "30001000000500003416", statusLabel: "Activo", type: "CSD" }, replaced: null });
    expect(body.eventLogId).toBeGreaterThan(0);

    const listed = await GET();
    expect(listed.status).toBe(200);
    const listText = await listed.text();
    const list = JSON.parse(listText) as { certificates: Array<Record<string, unknown>>; notice: { level: string } };
    expect(list.certificates).toHaveLength(1);
    expect(list.certificates[0]).toMatchObject({
      noCertificado: "30001000000500003416",
      subjectName: "ESCUELA KEMPER URGATE SA DE CV",
      rfc: "EKU9003173C9",
      issuerName: "AC UAT (SERVICIO DE ADMINISTRACION TRIBUTARIA)",
      validFrom: "2023-05-18T11:43:51.000Z",
      validTo: "2027-05-18T11:43:51.000Z",
      type: "CSD",
      statusLabel: "Activo",
      installedAt: NOW.toISOString(),
      statusChangedAt: NOW.toISOString(),
    });
    expect(list.notice).toEqual({ level: "none" });
    for (const text of [createdText, listText]) {
      expect(text).not.toContain(FIXTURE_PASSWORD);
      expect(text).not.toContain(eku.key.toString("base64").slice(0, 32));
      expect(text).not.toMatch(/encrypted|private_?key|password/i);
    }
  });
});
