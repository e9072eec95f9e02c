import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../../../db/client";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import {
  accessReviewReminder,
  completeAccessReview,
  createUser,
  createUserFromCommandLine,
  readAccessReview,
  type UserAdminActor,
} from "../../../../../server/services/users/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const at = (iso: string) => new Date(iso);
const ctx = { ip: "192.168.10.20", userAgent: "vitest" };
const maxEventId = async (db: Database) => Number((await db.query<{ n: string | number }>("select coalesce(max(id), 0) as n from event_log"))[0]!.n);

describe.each(testEngines)("access review on %s (A30-SEC-04, 30.6.2 IV)", (engine) => {
  let t: TestDatabase;
  let admin: UserAdminActor;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    const boot = await createUserFromCommandLine(t.db, { username: "admin", role: "administrador", displayName: "Administradora" }, at("2026-01-05T15:00:00Z"));
    if (!boot.ok) throw new Error(boot.error);
    admin = { id: boot.id, username: "admin", role: "administrador" };
    for (const [username, role] of [["operador", "operador"], ["auditor", "auditor_fiscal"]] as const) {
      const created = await createUser(t.db, admin, { username, displayName: username, role }, ctx, at("2026-01-06T15:00:00Z"));
      if (!created.ok) throw new Error(created.error);
    }
    await t.db.query("update users set last_login_at = $1 where username = 'admin'", [at("2026-11-01T15:00:00Z")]);
    await t.db.query("update users set last_login_at = $1 where username = 'operador'", [at("2026-07-01T15:00:00Z")]);
  });
  afterAll(async () => t?.close());

  it("with no review recorded the reminder is due at once", async () => {
    const reminder = await accessReviewReminder(t.db, at("2026-02-01T00:00:00Z"));
    expect(reminder).toMatchObject({ due: true, lastReviewAt: null, nextDueAt: null });
    expect(reminder.message).toMatch(/^Revisión de accesos vencida/);
  });

  it("acceptance: last review 2026-05-01, clock 2026-11-02 → «Revisión de accesos vencida»; completing it writes ONE bitácora entry and clears the reminder", async () => {
    const may = at("2026-05-01T16:00:00Z");
    const first = await completeAccessReview(t.db, admin, { notes: "Primera revisión" }, ctx, may);
    expect(first).toMatchObject({ ok: true, value: { reminder: { due: false } } });
    expect(await accessReviewReminder(t.db, at("2026-10-31T16:00:00Z"))).toMatchObject({ due: false });

    const now = at("2026-11-02T16:00:00Z");
    const reminder = await accessReviewReminder(t.db, now);
    expect(reminder.due).toBe(true);
    expect(reminder.lastReviewAt?.toISOString()).toBe(may.toISOString());
    expect(reminder.message).toMatch(/^Revisión de accesos vencida: la última se registró el 1 de mayo de 2026/);

    const view = await readAccessReview(t.db, now);
    expect(view.report.reviewDue).toBe(true);
    const operador = view.report.rows.find((r) => r.username === "operador")!;
    expect(operador).toMatchObject({ roleLabel: "Operador", daysSinceLastLogin: 124, inactiveOver90Days: true });
    expect(view.report.rows.find((r) => r.username === "auditor")).toMatchObject({ lastLoginAt: null, inactiveOver90Days: true, securityLogAccess: "no" });
    expect(view.reviews).toHaveLength(1);

    const before = await maxEventId(t.db);
    const done = await completeAccessReview(t.db, admin, { notes: "Se desactivará la cuenta operador" }, ctx, now);
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    const entries = await t.db.query<{ id: string | number; username: string; description: string; details: Record<string, unknown> }>(
      "select id, username, description, details from event_log where id > $1",
      [before],
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]!.description).toBe("Revisión de usuarios y privilegios: 3 cuentas revisadas (3 activas, 2 inactivas > 90 días)");
    expect(entries[0]).toMatchObject({ username: "admin", details: { kind: "revision_accesos", inactiveOver90Days: ["auditor", "operador"], notes: "Se desactivará la cuenta operador" } });
    const [review] = await t.db.query<{ users_reviewed: number; snapshot: Array<{ username: string }>; event_log_id: string | number; notes: string }>(
      "select users_reviewed, snapshot, event_log_id, notes from access_reviews where id = $1",
      [done.value.review.id],
    );
    expect(review!.users_reviewed).toBe(3);
    expect(review!.snapshot.map((r) => r.username)).toEqual(["admin", "auditor", "operador"]);
    expect(Number(review!.event_log_id)).toBe(Number(entries[0]!.id));

    const cleared = await accessReviewReminder(t.db, now);
    expect(cleared).toMatchObject({ due: false });
    expect(cleared.nextDueAt?.toISOString()).toBe("2027-05-02T16:00:00.000Z");
    expect(cleared.message).not.toMatch(/vencida/);
    expect((await t.db.query("select 1 from security_log where event = 'user_admin' and detail->>'action' = 'revision_accesos'")).length).toBe(2);
  });

  it("only an Administrador records a review (403); notes are bounded", async () => {
    const supervisor: UserAdminActor = { id: admin.id, username: "operador", role: "supervisor" };
    expect(await completeAccessReview(t.db, supervisor, {}, ctx, at("2026-11-03T00:00:00Z"))).toMatchObject({ ok: false, status: 403 });
    expect(await completeAccessReview(t.db, admin, { notes: "x".repeat(2001) }, ctx, at("2026-11-03T00:00:00Z"))).toMatchObject({ ok: false, status: 400 });
  });

  it("A30-SEC-15: notes holding SQL are just text, stored verbatim through parameters", async () => {
    const notes = "'; DROP TABLE users; -- ' OR '1'='1";
    const done = await completeAccessReview(t.db, admin, { notes }, ctx, at("2026-11-04T00:00:00Z"));
    if (!done.ok) throw new Error(done.error);
    const [stored] = await t.db.query<{ notes: string }>("select notes from access_reviews where id = $1", [done.value.review.id]);
    expect(stored!.notes).toBe(notes);
    expect(Number((await t.db.query<{ n: string }>("select count(*) as n from users"))[0]!.n)).toBe(3);
  });
});
