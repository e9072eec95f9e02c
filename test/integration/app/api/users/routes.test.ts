import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import type { RoleKey } from "../../../../../server/contracts/roles";
import { registerRuntime, unregisterRuntime, type AforoRuntime } from "../../../../../server/http/runtime";
import { openSession } from "../../../../../server/services/security/sessions";
import { createUserFromCommandLine } from "../../../../../server/services/users/index";
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

const users = await import("../../../../../app/api/users/route");
const userById = await import("../../../../../app/api/users/[id]/route");
const reset = await import("../../../../../app/api/users/[id]/reset-password/route");
const account = await import("../../../../../app/api/account/password/route");
const review = await import("../../../../../app/api/access-review/route");

const NOW = new Date("2026-11-02T16:00:00Z");
const json = (method: string, body: unknown, url = "http://aforo.test/api/x") =>
  new Request(url, { method, headers: { "content-type": "application/json", "user-agent": "vitest", "x-forwarded-for": "10.1.2.3" }, body: typeof body === "string" ? body : JSON.stringify(body) });
const params = (id: string) => ({ params: Promise.resolve({ id }) });

describe.each(testEngines)("user administration API routes on %s (A30-ACC-02/04/05, A30-SEC-03/04/05)", (engine) => {
  let t: TestDatabase;
  let adminId: number;
  let adminSession: string;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    const boot = await createUserFromCommandLine(t.db, { username: "admin", role: "administrador", displayName: "Administradora" }, NOW);
    if (!boot.ok) throw new Error(boot.error);
    adminId = boot.id;
    adminSession = await openSession(t.db, { userId: adminId, ip: "10.1.2.3", userAgent: "vitest", idleTimeoutS: 600 }, NOW);
    registerRuntime({ db: t.db, clock: { now: () => NOW } } as unknown as AforoRuntime);
  });
  afterAll(async () => {
    unregisterRuntime();
    await t?.close();
  });
  beforeEach(() => {
    signedIn.user = { id: String(adminId), sessionId: adminSession, username: "admin", role: "administrador", passwordChange: null, canViewSecurityLog: false };
  });

  it("A30-ACC-04: Supervisor POST /api/users → 403; Administrador without profile → 400; «Invitado» → 400; all three → 201 with the temporary password once", async () => {
    signedIn.user = { id: "99", sessionId: adminSession, username: "supervisor", role: "supervisor", passwordChange: null, canViewSecurityLog: false };
    expect((await users.POST(json("POST", { username: "ana", displayName: "Ana", role: "operador" }))).status).toBe(403);
    signedIn.user = null;
    expect((await users.GET()).status).toBe(401);
    signedIn.user = { id: String(adminId), sessionId: adminSession, username: "admin", role: "administrador", passwordChange: null, canViewSecurityLog: false };

    const missing = await users.POST(json("POST", { username: "ana", displayName: "Ana" }));
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatch(/^Falta el perfil/);
    const guest = await users.POST(json("POST", { username: "ana", displayName: "Ana", role: "Invitado" }));
    expect(guest.status).toBe(400);
    expect((await guest.json()).error).toContain("Perfil inválido «Invitado»");
    expect((await users.POST(json("POST", "{no es json"))).status).toBe(400);
    expect((await users.POST(json("POST", { username: "ana", displayName: "x".repeat(20_000), role: "operador" }))).status).toBe(413);

    const created = await users.POST(json("POST", { username: "Ana", displayName: "Ana López", role: "operador" }));
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const body = await created.json();
    expect(body.user).toMatchObject({ username: "ana", role: "operador", mustChangePassword: true });
    expect(body.user).not.toHaveProperty("passwordHash");
    expect(body.temporaryPassword).toMatch(/^.{16}$/);
    const [entry] = await t.db.query<{ description: string }>("select description from event_log where details->>'kind' = 'alta_usuario' and username = 'admin'");
    expect(entry!.description.toLowerCase()).toContain("alta de usuario");

    const list = await (await users.GET()).json();
    expect(list.users.map((u: { username: string }) => u.username)).toEqual(["admin", "ana"]);
  });

  it("GET/PATCH /api/users/:id: malformed id → 400, unknown → 404, profile change without reason → 400, last Administrador → 409", async () => {
    for (const bad of ["0", "-1", "abc", "1.5", "99999999999"]) expect((await userById.GET(json("GET", undefined as never), params(bad))).status, bad).toBe(400);
    expect((await userById.GET(new Request("http://aforo.test"), params("999999"))).status).toBe(404);
    const [ana] = await t.db.query<{ id: number }>("select id from users where username = 'ana'");
    const anaId = String(ana!.id);
    expect((await userById.GET(new Request("http://aforo.test"), params(anaId))).status).toBe(200);

    const noReason = await userById.PATCH(json("PATCH", { role: "supervisor" }), params(anaId));
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).error).toContain("motivo");
    expect((await userById.PATCH(json("PATCH", { campoInexistenteDePrueba: true }), params(anaId))).status).toBe(400);
    const withReason = await userById.PATCH(json("PATCH", { role: "supervisor", reason: "Nuevo puesto" }), params(anaId));
    expect(withReason.status).toBe(200);
    expect((await withReason.json()).description).toBe("Cambio de perfil «ana»: perfil Operador → Supervisor. Motivo: Nuevo puesto");
    const last = await userById.PATCH(json("PATCH", { active: false }), params(String(adminId)));
    expect(last.status).toBe(409);
    expect((await last.json()).error).toContain("último Administrador activo");
  });

  it("POST /api/users/:id/reset-password → {temporaryPassword}; unknown fields → 400; unknown user → 404", async () => {
    const [ana] = await t.db.query<{ id: number }>("select id from users where username = 'ana'");
    expect((await reset.POST(json("POST", { password: "Elegida#2026" }), params(String(ana!.id)))).status).toBe(400);
    expect((await reset.POST(json("POST", ""), params("999999"))).status).toBe(404);
    const done = await reset.POST(json("POST", ""), params(String(ana!.id)));
    expect(done.status).toBe(200);
    const body = await done.json();
    expect(body.temporaryPassword).toMatch(/^.{16}$/);
    expect(body.user).toMatchObject({ mustChangePassword: true, passwordResetPending: true });
  });

  it("POST /api/account/password: 400 with the rules broken; success for the signed-in person, also with a pending change", async () => {
    const created = await (await users.POST(json("POST", { username: "marta", displayName: "Marta", role: "auditor_fiscal" }))).json();
    const session = await openSession(t.db, { userId: created.user.id, ip: "10.1.2.3", userAgent: "vitest", idleTimeoutS: 600 }, NOW);
    signedIn.user = { id: String(created.user.id), sessionId: session, username: "marta", role: "auditor_fiscal", passwordChange: "first_login", canViewSecurityLog: false };
    // A30-ACC-05: with the change pending, only this route answers.
    expect((await review.GET()).status).toBe(403);
    const weak = await account.POST(json("POST", { currentPassword: created.temporaryPassword, newPassword: "abc12345", confirmation: "abc12345" }));
    expect(weak.status).toBe(400);
    expect((await weak.json()).violations).toEqual(["debe incluir al menos una letra mayúscula", "debe incluir al menos un carácter especial (p. ej. # $ % & * ! ?)"]);
    const ok = await account.POST(json("POST", { currentPassword: created.temporaryPassword, newPassword: "Abcdef1!", confirmation: "Abcdef1!" }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, otherSessionsEnded: 0 });
    const again = await account.POST(json("POST", { currentPassword: "Abcdef1!", newPassword: "Abcdef1!", confirmation: "Abcdef1!" }));
    expect((await again.json()).error).toContain("ontraseña usada anteriormente");
    const [log] = await t.db.query<{ ip: string; user_agent: string }>("select host(ip) as ip, user_agent from security_log where event = 'password_changed'");
    expect(log).toEqual({ ip: "10.1.2.3", user_agent: "vitest" });
  });

  it("GET/POST /api/access-review (A30-SEC-04): due with no review; recording it → 201 and the report is no longer due", async () => {
    const before = await (await review.GET()).json();
    expect(before.report).toMatchObject({ reviewDue: true, message: expect.stringMatching(/^Revisión de accesos vencida/) });
    expect((await review.POST(json("POST", { campoInexistenteDePrueba: true }))).status).toBe(400);
    expect(await t.db.query("select 1 from access_reviews")).toEqual([]);
    const done = await review.POST(json("POST", { notes: "Sin hallazgos" }));
    expect(done.status).toBe(201);
    const after = await (await review.GET()).json();
    expect(after.report.reviewDue).toBe(false);
    expect(after.reviews).toHaveLength(1);
  });
});
