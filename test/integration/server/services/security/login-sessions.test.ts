import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { DEFAULT_PASSWORD_POLICY } from "../../../../../server/domain/security/index";
import { attemptLogin, INVALID_CREDENTIALS_MESSAGE } from "../../../../../server/services/security/login";
import { endSession, expireIdleSessions, resolveSession, sessionEndReason } from "../../../../../server/services/security/sessions";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const T0 = new Date("2026-11-02T16:00:00Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const who = { ip: "192.0.2.10", userAgent: "Mozilla/5.0 (prueba)" };

describe.each(testEngines)("log-in, lock-out and server-side sessions on %s (issue #5 items 4–5, A30-SEC-09/10, A30-ALM-07)", (engine) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: T0 });
  });
  afterAll(async () => t?.close());

  const securityLog = (username: string) =>
    t.db.query<{ event: string; outcome: string; ip: string | null; user_agent: string | null; mac_address: string; session_id: string | null; detail: Record<string, unknown> | null }>(
      "select event, outcome, host(ip) as ip, user_agent, mac_address, session_id, detail from security_log where username = $1 order by id",
      [username],
    );

  it("a wrong password and an unknown user get the same answer; both are recorded (security log + alarm type 10)", async () => {
    const alarmsBefore = Number((await t.db.query<{ n: string }>("select count(*) as n from alarms where type = 10"))[0]!.n);
    const wrong = await attemptLogin(t.db, { username: "operador", password: "Incorrecta#1", ...who }, { now: at(0), idleTimeoutS: 600 });
    const ghost = await attemptLogin(t.db, { username: "fantasma", password: "Incorrecta#1", ...who }, { now: at(0), idleTimeoutS: 600 });
    expect(wrong).toEqual({ ok: false, code: "credenciales_invalidas", message: INVALID_CREDENTIALS_MESSAGE, retryAfterS: 0 });
    expect(ghost).toEqual(wrong);
    const alarmsAfter = Number((await t.db.query<{ n: string }>("select count(*) as n from alarms where type = 10"))[0]!.n);
    expect(alarmsAfter - alarmsBefore).toBe(2);
    const [entry] = await securityLog("operador");
    expect(entry).toMatchObject({ event: "login_failed", outcome: "failure", ip: "192.0.2.10", user_agent: "Mozilla/5.0 (prueba)", mac_address: "no disponible" });
    expect(entry!.detail).toMatchObject({ cause: "contraseña_incorrecta", consecutiveFailures: 1 });
    expect((await securityLog("fantasma"))[0]!.detail).toMatchObject({ cause: "usuario_inexistente" });
  });

  it("five consecutive failures lock the name for 60 s — the right password is refused meanwhile — and the lock doubles; existing and unknown names lock alike", async () => {
    for (let i = 0; i < 4; i += 1) await attemptLogin(t.db, { username: "supervisor", password: `Mala#${i}xyz`, ...who }, { now: at(10), idleTimeoutS: 600 });
    const fifth = await attemptLogin(t.db, { username: "supervisor", password: "Mala#5xyz", ...who }, { now: at(10), idleTimeoutS: 600 });
    expect(fifth).toMatchObject({ ok: false, code: "cuenta_bloqueada", retryAfterS: 60 });
    const locked = await attemptLogin(t.db, { username: "supervisor", password: "Aforo#Super2026", ...who }, { now: at(30), idleTimeoutS: 600 });
    expect(locked).toMatchObject({ ok: false, code: "cuenta_bloqueada", retryAfterS: 40 });
    expect((await securityLog("supervisor")).at(-1)).toMatchObject({ event: "login_locked", outcome: "denied" });
    // after the lock, one more failure locks for 120 s
    const sixth = await attemptLogin(t.db, { username: "supervisor", password: "Mala#6xyz", ...who }, { now: at(71), idleTimeoutS: 600 });
    expect(sixth).toMatchObject({ code: "cuenta_bloqueada", retryAfterS: 120 });
    // a name that does not exist locks the same way (no hint that it does not exist)
    for (let i = 0; i < 4; i += 1) await attemptLogin(t.db, { username: "nadie", password: "x", ...who }, { now: at(10), idleTimeoutS: 600 });
    expect(await attemptLogin(t.db, { username: "nadie", password: "x", ...who }, { now: at(10), idleTimeoutS: 600 })).toMatchObject({ code: "cuenta_bloqueada", retryAfterS: 60 });
    // when the lock has run out the right password works and clears the counter
    const ok = await attemptLogin(t.db, { username: "supervisor", password: "Aforo#Super2026", ...who }, { now: at(200), idleTimeoutS: 600 });
    expect(ok.ok).toBe(true);
    expect(await t.db.query("select * from login_throttles where username = 'supervisor'")).toEqual([]);
  });

  it("a successful log-in opens a server-side session, recorded in the security log and the bitácora", async () => {
    const result = await attemptLogin(t.db, { username: "ADMIN ", password: "Aforo#Admin2026", ...who }, { now: at(300), idleTimeoutS: 600 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.user).toMatchObject({ username: "admin", role: "administrador", passwordChange: null });
    const entries = await securityLog("admin");
    expect(entries.at(-1)).toMatchObject({ event: "login", outcome: "success", session_id: result.sessionId, ip: "192.0.2.10" });
    const [bitacora] = await t.db.query<{ description: string }>("select description from event_log where username = 'admin' order by id desc limit 1");
    expect(bitacora!.description).toBe("Inicio de sesión");
    const [user] = await t.db.query<{ last_login_at: Date }>("select last_login_at from users where username = 'admin'");
    expect(new Date(user!.last_login_at).toISOString()).toBe(at(300).toISOString());
  });

  it("A30-SEC-09: idle 599 s → next request succeeds; idle 601 s → ended «cierre por inactividad», recorded once in both logs", async () => {
    const login = await attemptLogin(t.db, { username: "operador", password: "Aforo#Oper2026", ...who }, { now: at(1000), idleTimeoutS: 600 });
    if (!login.ok) throw new Error("log-in failed");
    const options = (now: Date) => ({ now, idleTimeoutS: 600, policy: DEFAULT_PASSWORD_POLICY, touch: true });
    expect((await resolveSession(t.db, login.sessionId, options(at(1599)))).ok).toBe(true);
    // the request at +1599 was activity: the window now runs from there
    expect((await resolveSession(t.db, login.sessionId, options(at(2198)))).ok).toBe(true);
    const expired = await resolveSession(t.db, login.sessionId, options(at(2799)));
    expect(expired).toEqual({ ok: false, reason: "idle" });
    expect(await resolveSession(t.db, login.sessionId, options(at(2800)))).toEqual({ ok: false, reason: "idle" });
    expect(await sessionEndReason(t.db, login.sessionId)).toBe("idle");
    const idleEntries = (await securityLog("operador")).filter((e) => e.event === "idle_logout");
    expect(idleEntries).toHaveLength(1);
    expect(idleEntries[0]).toMatchObject({ outcome: "info", session_id: login.sessionId, ip: "192.0.2.10" });
    const closes = await t.db.query<{ description: string }>("select description from event_log where username = 'operador' and description like 'Cierre de sesión%'");
    expect(closes.map((c) => c.description)).toEqual(["Cierre de sesión por inactividad"]);
  });

  it("the idle job closes sessions nobody comes back to; a background check does not count as activity", async () => {
    const login = await attemptLogin(t.db, { username: "auditor", password: "Aforo#Audit2026", ...who }, { now: at(5000), idleTimeoutS: 600 });
    if (!login.ok) throw new Error("log-in failed");
    await resolveSession(t.db, login.sessionId, { now: at(5500), idleTimeoutS: 600, policy: DEFAULT_PASSWORD_POLICY, touch: false });
    // (sessions of the earlier tests, idle for longer, may be closed here too)
    expect(await expireIdleSessions(t.db, at(5599), 600)).not.toContain(login.sessionId);
    expect(await expireIdleSessions(t.db, at(5601), 600)).toContain(login.sessionId);
    expect(await expireIdleSessions(t.db, at(5700), 600)).not.toContain(login.sessionId);
    const [row] = await t.db.query<{ revoked_reason: string; revoked_at: Date }>("select revoked_reason, revoked_at from user_sessions where id = $1", [login.sessionId]);
    expect(row!.revoked_reason).toBe("idle");
    // dated when the limit was reached, not when the job noticed
    expect(new Date(row!.revoked_at).toISOString()).toBe(at(5600).toISOString());
  });

  it("a log-out by the user ends the session once («cierre de sesión por el usuario»)", async () => {
    const login = await attemptLogin(t.db, { username: "admin", password: "Aforo#Admin2026", ...who }, { now: at(8000), idleTimeoutS: 600 });
    if (!login.ok) throw new Error("log-in failed");
    expect(await endSession(t.db, login.sessionId, "user", at(8010))).toBe(true);
    expect(await endSession(t.db, login.sessionId, "user", at(8011))).toBe(false);
    expect((await securityLog("admin")).filter((e) => e.event === "logout" && e.session_id === login.sessionId)).toHaveLength(1);
    expect((await resolveSession(t.db, login.sessionId, { now: at(8012), idleTimeoutS: 600, policy: DEFAULT_PASSWORD_POLICY, touch: true })).ok).toBe(false);
  });

  it("A30-SEC-10: the security log is append-only — an UPDATE or DELETE changes nothing", async () => {
    const [before] = await t.db.query<{ n: string }>("select count(*) as n from security_log");
    await t.db.query("update security_log set username = 'otro'");
    await t.db.query("delete from security_log");
    const [after] = await t.db.query<{ n: string }>("select count(*) as n from security_log");
    expect(after!.n).toBe(before!.n);
    expect(await t.db.query("select 1 from security_log where username = 'otro'")).toEqual([]);
  });
});
