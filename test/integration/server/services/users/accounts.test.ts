import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../../../db/client";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import type { RoleKey } from "../../../../../server/contracts/roles";
import type { CreateUserInput } from "../../../../../server/domain/users/index";
import { verifyPassword } from "../../../../../server/platform/password-hash";
import { openSession } from "../../../../../server/services/security/sessions";
import {
  changeOwnPassword,
  createUser,
  createUserFromCommandLine,
  resetPassword,
  updateUser,
  type RequestContext,
  type UserAdminActor,
} from "../../../../../server/services/users/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const at = (iso: string) => new Date(iso);
const ctx: RequestContext = { ip: "192.168.10.20", userAgent: "vitest" };

const maxEventId = async (db: Database) => Number((await db.query<{ n: string | number }>("select coalesce(max(id), 0) as n from event_log"))[0]!.n);
const entriesAfter = (db: Database, id: number) =>
  db.query<{ username: string; category: number; description: string; details: Record<string, unknown> }>(
    "select username, category, description, details from event_log where id > $1 order by id",
    [id],
  );
const maxSecurityId = async (db: Database) => Number((await db.query<{ n: string | number }>("select coalesce(max(id), 0) as n from security_log"))[0]!.n);
const securityAfter = (db: Database, id: number) =>
  db.query<{ event: string; outcome: string; username: string; ip: string | null; detail: Record<string, unknown> | null }>(
    "select event, outcome, username, host(ip) as ip, detail from security_log where id > $1 order by id",
    [id],
  );
/** Every row of the logs and of the users table that contains `text` anywhere (A30-SEC-06/07). */
async function rowsContaining(db: Database, text: string): Promise<string[]> {
  const found: string[] = [];
  for (const table of ["event_log", "security_log", "users", "password_history", "access_reviews"]) {
    const rows = await db.query(`select 1 from ${table} t where strpos(t::text, $1) > 0`, [text]);
    if (rows.length > 0) found.push(table);
  }
  return found;
}
async function openSessions(db: Database, userId: number) {
  return db.query<{ id: string; revoked_reason: string | null }>("select id, revoked_reason from user_sessions where user_id = $1 order by created_at, id", [userId]);
}

describe.each(testEngines)("user administration services on %s (A30-ACC-02/04/05, A30-SEC-03/05/06/07)", (engine) => {
  let t: TestDatabase;
  let admin: UserAdminActor;
  const passwords: string[] = [];

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    const boot = await createUserFromCommandLine(t.db, { username: "admin", role: "administrador", displayName: "Administradora" }, at("2026-01-05T15:00:00Z"));
    if (!boot.ok) throw new Error(boot.error);
    passwords.push(boot.temporaryPassword);
    admin = { id: boot.id, username: "admin", role: "administrador", sessionId: null };
  });
  afterAll(async () => t?.close());

  const create = (input: CreateUserInput, now = at("2026-01-06T15:00:00Z"), actor = admin) => createUser(t.db, actor, input, ctx, now);

  it("the command line refuses a non-Administrador as first user, then creates users (bootstrap)", async () => {
    const other = await openTestDatabase(engine);
    try {
      await seedCatalogs(other.db);
      const refused = await createUserFromCommandLine(other.db, { username: "ope", role: "operador", displayName: "Ope" }, at("2026-01-05T15:00:00Z"));
      expect(refused).toMatchObject({ ok: false, code: "bootstrap", error: expect.stringContaining("cree primero un Administrador") });
      expect(await other.db.query("select 1 from users")).toEqual([]);
    } finally {
      await other.close();
    }
    const [entry] = await t.db.query<{ username: string; description: string }>("select username, description from event_log where description like 'Alta de usuario (línea de comandos)%'");
    expect(entry).toMatchObject({ username: "sistema" });
  });

  it("A30-ACC-04: create → temporary password once, must change, history row, bitácora «Alta de usuario» and security log, no password text anywhere", async () => {
    const beforeEvent = await maxEventId(t.db);
    const beforeSecurity = await maxSecurityId(t.db);
    const created = await create({ username: "ana", displayName: "Ana López", role: "supervisor" });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const { user, temporaryPassword } = created.value;
    passwords.push(temporaryPassword);
    expect(user).toMatchObject({ username: "ana", displayName: "Ana López", role: "supervisor", roleLabel: "Supervisor", active: true, mustChangePassword: true, passwordResetPending: false });
    expect(temporaryPassword).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[^A-Za-z0-9]).{16}$/);
    expect(user).not.toHaveProperty("passwordHash");

    const [row] = await t.db.query<{ password_hash: string; created_by: number }>("select password_hash, created_by from users where id = $1", [user.id]);
    expect(row!.password_hash).toMatch(/^scrypt\$/);
    expect(await verifyPassword(temporaryPassword, row!.password_hash)).toBe(true);
    expect(Number(row!.created_by)).toBe(admin.id);
    expect(await t.db.query("select 1 from password_history where user_id = $1", [user.id])).toHaveLength(1);

    const entries = await entriesAfter(t.db, beforeEvent);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ username: "admin", category: 1, details: { kind: "alta_usuario", username: "ana", role: "supervisor" } });
    expect(entries[0]!.description).toMatch(/^Alta de usuario «ana» con perfil Supervisor/);
    const security = await securityAfter(t.db, beforeSecurity);
    expect(security).toEqual([{ event: "user_admin", outcome: "success", username: "admin", ip: "192.168.10.20", detail: expect.objectContaining({ action: "alta_usuario", target: "ana" }) }]);
    expect(await rowsContaining(t.db, temporaryPassword)).toEqual([]);
  });

  it("A30-ACC-02: profile «Invitado» → 400, missing profile → 400, taken name → 409, Supervisor → 403; nothing written", async () => {
    const before = await maxEventId(t.db);
    expect(await create({ username: "invitado", displayName: "Invitado", role: "Invitado" as RoleKey })).toMatchObject({ ok: false, status: 400, error: expect.stringContaining("Perfil inválido «Invitado»") });
    expect(await create({ username: "sinperfil", displayName: "Sin perfil" } as CreateUserInput)).toMatchObject({ ok: false, status: 400, error: expect.stringContaining("Falta el perfil") });
    expect(await create({ username: "ANA", displayName: "Otra Ana", role: "operador" })).toMatchObject({ ok: false, status: 409, error: expect.stringContaining("ya existe") });
    const supervisor: UserAdminActor = { id: admin.id + 1, username: "ana", role: "supervisor" };
    expect(await create({ username: "nuevo", displayName: "Nuevo", role: "operador" }, undefined, supervisor)).toMatchObject({ ok: false, status: 403 });
    expect(await maxEventId(t.db)).toBe(before);
    expect(await t.db.query("select 1 from users where username in ('invitado', 'sinperfil', 'nuevo')")).toEqual([]);
  });

  it("A30-SEC-03: a profile change without a reason → 400; with a reason → bitácora with old/new profile and reason, role_changed_at, sessions ended", async () => {
    const created = await create({ username: "luis", displayName: "Luis Pérez", role: "operador" });
    if (!created.ok) throw new Error(created.error);
    const id = created.value.user.id;
    const now = at("2026-02-10T18:00:00Z");
    await openSession(t.db, { userId: id, ip: "10.0.0.5", userAgent: "navegador", idleTimeoutS: 600 }, now);

    const before = await maxEventId(t.db);
    expect(await updateUser(t.db, admin, id, { role: "supervisor" }, ctx, now)).toMatchObject({ ok: false, status: 400, error: expect.stringContaining("motivo") });
    expect(await updateUser(t.db, admin, id, { role: "supervisor", reason: "  " }, ctx, now)).toMatchObject({ ok: false, status: 400 });
    expect(await maxEventId(t.db)).toBe(before);

    const changed = await updateUser(t.db, admin, id, { role: "supervisor", reason: "Cubre la supervisión del turno nocturno" }, ctx, now);
    expect(changed).toMatchObject({ ok: true, value: { user: { role: "supervisor", roleChangedAt: now.toISOString() }, sessionsEnded: 1 } });
    const entries = await entriesAfter(t.db, before);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.description).toBe("Cambio de perfil «luis»: perfil Operador → Supervisor. Motivo: Cubre la supervisión del turno nocturno");
    expect(entries[0]!.details).toMatchObject({ kind: "cambio_perfil", requirement: "A30-SEC-03", previousRole: "operador", newRole: "supervisor", reason: "Cubre la supervisión del turno nocturno" });
    expect((await openSessions(t.db, id)).map((s) => s.revoked_reason)).toEqual(["admin"]);
  });

  it("the last active Administrador can be neither demoted nor deactivated (409); with a second one it can", async () => {
    const now = at("2026-02-11T18:00:00Z");
    expect(await updateUser(t.db, admin, admin.id, { role: "supervisor", reason: "prueba" }, ctx, now)).toMatchObject({ ok: false, status: 409, error: expect.stringContaining("último Administrador activo") });
    expect(await updateUser(t.db, admin, admin.id, { active: false }, ctx, now)).toMatchObject({ ok: false, status: 409 });
    const second = await create({ username: "admin2", displayName: "Segundo administrador", role: "administrador" });
    if (!second.ok) throw new Error(second.error);
    const demoted = await updateUser(t.db, admin, second.value.user.id, { role: "operador", reason: "Ya no administra" }, ctx, now);
    expect(demoted).toMatchObject({ ok: true, value: { user: { role: "operador" } } });
    // With admin2 demoted, "admin" is the last one again.
    expect(await updateUser(t.db, admin, admin.id, { active: false }, ctx, now)).toMatchObject({ ok: false, status: 409 });
  });

  it("deactivation ends the sessions (account_disabled); the security-log grant only for an Auditor Fiscal", async () => {
    const now = at("2026-02-12T18:00:00Z");
    const [luis] = await t.db.query<{ id: number }>("select id from users where username = 'luis'");
    const luisId = Number(luis!.id);
    await openSession(t.db, { userId: luisId, ip: "10.0.0.5", userAgent: "navegador", idleTimeoutS: 600 }, now);
    const off = await updateUser(t.db, admin, luisId, { active: false }, ctx, now);
    expect(off).toMatchObject({ ok: true, value: { user: { active: false }, sessionsEnded: 1, description: "Desactivación de usuario «luis»: desactivación de la cuenta" } });
    expect((await openSessions(t.db, luisId)).map((s) => s.revoked_reason)).toEqual(["admin", "account_disabled"]);
    expect(await updateUser(t.db, admin, luisId, { active: false }, ctx, now)).toMatchObject({ ok: false, status: 400 });

    expect(await updateUser(t.db, admin, luisId, { canViewSecurityLog: true }, ctx, now)).toMatchObject({ ok: false, status: 400 });
    const auditor = await create({ username: "auditora", displayName: "Auditora Fiscal", role: "auditor_fiscal" });
    if (!auditor.ok) throw new Error(auditor.error);
    const granted = await updateUser(t.db, admin, auditor.value.user.id, { canViewSecurityLog: true }, ctx, now);
    expect(granted).toMatchObject({ ok: true, value: { user: { canViewSecurityLog: true }, description: expect.stringMatching(/^Otorgar acceso a la bitácora de seguridad/) } });
    expect(await updateUser(t.db, admin, 999_999, { active: false }, ctx, now)).toMatchObject({ ok: false, status: 404 });
  });

  it("A30-ACC-05: reset → new temporary password, must change (reset pending), history row, sessions ended, bitácora; never logged", async () => {
    const [ana] = await t.db.query<{ id: number }>("select id from users where username = 'ana'");
    const anaId = Number(ana!.id);
    const now = at("2026-03-01T15:00:00Z");
    await t.db.query("update users set must_change_password = false where id = $1", [anaId]);
    await openSession(t.db, { userId: anaId, ip: "10.0.0.6", userAgent: "navegador", idleTimeoutS: 600 }, now);
    await openSession(t.db, { userId: anaId, ip: "10.0.0.7", userAgent: "tableta", idleTimeoutS: 600 }, now);
    const before = await maxEventId(t.db);
    const reset = await resetPassword(t.db, admin, anaId, ctx, now);
    expect(reset.ok).toBe(true);
    if (!reset.ok) return;
    passwords.push(reset.value.temporaryPassword);
    expect(reset.value).toMatchObject({ sessionsEnded: 2, user: { mustChangePassword: true, passwordResetPending: true, passwordChangedAt: now.toISOString() } });
    expect((await openSessions(t.db, anaId)).map((s) => s.revoked_reason)).toEqual(["admin", "admin"]);
    expect(await t.db.query("select 1 from password_history where user_id = $1", [anaId])).toHaveLength(2);
    const entries = await entriesAfter(t.db, before);
    expect(entries.map((e) => e.description)).toEqual(["Restablecimiento de contraseña del usuario «ana»: contraseña temporal nueva con cambio obligatorio al siguiente acceso"]);
    expect(await rowsContaining(t.db, reset.value.temporaryPassword)).toEqual([]);
    expect(await resetPassword(t.db, admin, admin.id, ctx, now)).toMatchObject({ ok: false, status: 400 });
    expect(await resetPassword(t.db, admin, 999_999, ctx, now)).toMatchObject({ ok: false, status: 404 });
  });

  it("A30-SEC-05: own change — wrong current, rule violation, mismatch and reuse of ANY earlier password refused (logged); success clears the flag and ends the other sessions", async () => {
    const created = await create({ username: "marta", displayName: "Marta Ruiz", role: "operador" });
    if (!created.ok) throw new Error(created.error);
    const id = created.value.user.id;
    const temporary = created.value.temporaryPassword;
    passwords.push(temporary);
    const now = at("2026-03-02T15:00:00Z");
    const current = await openSession(t.db, { userId: id, ip: "10.0.0.8", userAgent: "navegador", idleTimeoutS: 600 }, now);
    await openSession(t.db, { userId: id, ip: "10.0.0.9", userAgent: "otro", idleTimeoutS: 600 }, now);
    const me = { userId: id, sessionId: current };
    const change = (currentPassword: string, newPassword: string, confirmation = newPassword, when = now) =>
      changeOwnPassword(t.db, me, { currentPassword, newPassword, confirmation }, ctx, when);

    const beforeSecurity = await maxSecurityId(t.db);
    const beforeEvent = await maxEventId(t.db);
    expect(await change("Incorrecta1!", "Abcdef1!")).toMatchObject({ ok: false, status: 400, error: "La contraseña actual no es correcta." });
    const weak = await change(temporary, "abc12345");
    expect(weak).toMatchObject({ ok: false, status: 400, violations: ["debe incluir al menos una letra mayúscula", "debe incluir al menos un carácter especial (p. ej. # $ % & * ! ?)"] });
    expect(await change(temporary, "Abcdef1!", "Abcdef1?")).toMatchObject({ ok: false, status: 400, error: expect.stringContaining("confirmación") });
    expect(await change(temporary, temporary)).toMatchObject({ ok: false, status: 400, error: expect.stringContaining("ontraseña usada anteriormente") });
    expect((await securityAfter(t.db, beforeSecurity)).map((s) => [s.event, s.outcome, s.detail?.cause])).toEqual([
      ["password_change_failed", "failure", "contraseña_actual_incorrecta"],
      ["password_change_failed", "failure", "reglas_incumplidas"],
      ["password_change_failed", "failure", "confirmacion_distinta"],
      ["password_change_failed", "failure", "contraseña_reutilizada"],
    ]);
    expect(await maxEventId(t.db)).toBe(beforeEvent);

    const ok = await change(temporary, "Abcdef1!");
    expect(ok).toMatchObject({ ok: true, value: { otherSessionsEnded: 1, passwordChangedAt: now.toISOString() } });
    passwords.push("Abcdef1!");
    const [row] = await t.db.query<{ must_change_password: boolean; password_reset_pending: boolean; password_changed_at: Date }>(
      "select must_change_password, password_reset_pending, password_changed_at from users where id = $1",
      [id],
    );
    expect(row).toMatchObject({ must_change_password: false, password_reset_pending: false });
    expect(new Date(row!.password_changed_at).toISOString()).toBe(now.toISOString());
    const sessions = await openSessions(t.db, id);
    expect(sessions.find((s) => s.id === current)!.revoked_reason).toBeNull();
    expect(sessions.filter((s) => s.id !== current).map((s) => s.revoked_reason)).toEqual(["password_change"]);
    const entries = await entriesAfter(t.db, beforeEvent);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ username: "marta", description: "Cambio de contraseña del usuario «marta»", details: { kind: "cambio_contrasena", cause: "primer_acceso" } });
    const security = await securityAfter(t.db, beforeSecurity);
    expect(security.filter((s) => s.event === "password_changed")).toHaveLength(1);
    expect(security.filter((s) => s.event === "session_revoked")).toHaveLength(1);

    // A30-SEC-05 acceptance: set again later → "contraseña usada anteriormente"; so is any older one (full history).
    const later = at("2026-06-01T15:00:00Z");
    expect(await change("Abcdef1!", "Xyzuvw2#", "Xyzuvw2#", later)).toMatchObject({ ok: true });
    passwords.push("Xyzuvw2#");
    expect(await change("Xyzuvw2#", "Qwerty3$", "Qwerty3$", later)).toMatchObject({ ok: true });
    passwords.push("Qwerty3$");
    expect(await change("Qwerty3$", "Abcdef1!", "Abcdef1!", later)).toMatchObject({ ok: false, status: 400, error: expect.stringContaining("ontraseña usada anteriormente") });
    expect(await change("Qwerty3$", temporary, temporary, later)).toMatchObject({ ok: false, status: 400, error: expect.stringContaining("ontraseña usada anteriormente") });
    expect(await t.db.query("select 1 from password_history where user_id = $1", [id])).toHaveLength(4);
  });

  it("after a reset the change is recorded as cause «restablecimiento»", async () => {
    const [ana] = await t.db.query<{ id: number }>("select id from users where username = 'ana'");
    const anaId = Number(ana!.id);
    const temporary = passwords[2]!; // the reset's temporary password
    const before = await maxEventId(t.db);
    const done = await changeOwnPassword(t.db, { userId: anaId, sessionId: null }, { currentPassword: temporary, newPassword: "Nuev0#Clave", confirmation: "Nuev0#Clave" }, ctx, at("2026-03-03T15:00:00Z"));
    expect(done).toMatchObject({ ok: true });
    passwords.push("Nuev0#Clave");
    expect((await entriesAfter(t.db, before))[0]!.details).toMatchObject({ cause: "restablecimiento" });
  });

  it("A30-SEC-06: no table holds a plaintext password; every stored password is a salted scrypt hash", async () => {
    expect(passwords.length).toBeGreaterThanOrEqual(7);
    for (const password of passwords) expect(await rowsContaining(t.db, password), password).toEqual([]);
    const hashes = await t.db.query<{ password_hash: string }>("select password_hash from users union all select password_hash from password_history");
    for (const { password_hash } of hashes) expect(password_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    // Every password ever set has its own salt: no two history hashes are equal.
    const history = await t.db.query<{ password_hash: string }>("select password_hash from password_history");
    expect(new Set(history.map((h) => h.password_hash)).size).toBe(history.length);
  });
});
