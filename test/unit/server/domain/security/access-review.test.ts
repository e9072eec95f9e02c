import { describe, expect, it } from "vitest";
import {
  accessReviewMessage,
  accessReviewReport,
  addCalendarMonths,
  isAccessReviewDue,
  nextReviewDueAt,
  type ReviewUser,
} from "../../../../../server/domain/security/access-review";

const at = (iso: string) => new Date(iso);

function user(overrides: Partial<ReviewUser> & Pick<ReviewUser, "id" | "username">): ReviewUser {
  return {
    displayName: overrides.username,
    role: "operador",
    active: true,
    lastLoginAt: at("2026-10-30T15:00:00Z"),
    createdAt: at("2026-01-05T15:00:00Z"),
    roleChangedAt: at("2026-01-05T15:00:00Z"),
    canViewSecurityLog: false,
    mustChangePassword: false,
    ...overrides,
  };
}

describe("six-monthly access review (A30-SEC-04, 30.6.2 IV)", () => {
  it("acceptance: last review 2026-05-01, clock 2026-11-02 → due, «Revisión de accesos vencida»", () => {
    const last = at("2026-05-01T16:00:00Z");
    const now = at("2026-11-02T16:00:00Z");
    expect(isAccessReviewDue(last, now)).toBe(true);
    const report = accessReviewReport([], { reviewedAt: last, reviewedBy: "admin" }, now);
    expect(report.reviewDue).toBe(true);
    expect(report.message).toMatch(/^Revisión de accesos vencida: la última se registró el 1 de mayo de 2026/);
    expect(report.nextReviewDueAt).toBe("2026-11-01T16:00:00.000Z");
  });

  it("not due up to exactly 6 calendar months after the last review", () => {
    const last = at("2026-05-01T16:00:00Z");
    expect(isAccessReviewDue(last, at("2026-11-01T16:00:00Z"))).toBe(false);
    expect(isAccessReviewDue(last, at("2026-11-01T16:00:00.001Z"))).toBe(true);
    expect(accessReviewMessage(last, at("2026-08-01T00:00:00Z"))).toMatch(/a más tardar el 1 de noviembre de 2026/);
  });

  it("due at once when no review was ever recorded", () => {
    expect(isAccessReviewDue(null, at("2026-01-01T00:00:00Z"))).toBe(true);
    expect(accessReviewMessage(null, at("2026-01-01T00:00:00Z"))).toMatch(/^Revisión de accesos vencida: no hay ninguna revisión/);
  });

  it("calendar months clamp to the end of a shorter month", () => {
    expect(addCalendarMonths(at("2026-08-31T12:00:00Z"), 6).toISOString()).toBe("2027-02-28T12:00:00.000Z");
    expect(addCalendarMonths(at("2027-08-31T12:00:00Z"), 6).toISOString()).toBe("2028-02-29T12:00:00.000Z");
    expect(nextReviewDueAt(at("2026-12-15T00:00:00Z")).toISOString()).toBe("2027-06-15T00:00:00.000Z");
  });

  it("the report lists users, profiles, last log-in, inactivity > 90 days, privileges unchanged since and the security-log grant", () => {
    const now = at("2026-11-02T16:00:00Z");
    const report = accessReviewReport(
      [
        user({ id: 3, username: "operador", lastLoginAt: at("2026-08-03T15:00:00Z") }), // 91 days
        user({ id: 1, username: "admin", role: "administrador", lastLoginAt: at("2026-11-02T10:00:00Z") }),
        user({ id: 4, username: "auditor", role: "auditor_fiscal", canViewSecurityLog: true, lastLoginAt: at("2026-08-04T17:00:00Z") }), // 89 days
        user({ id: 5, username: "nuevo", lastLoginAt: null, createdAt: at("2026-10-01T00:00:00Z"), mustChangePassword: true }),
        user({ id: 6, username: "viejo", lastLoginAt: null, createdAt: at("2026-03-01T00:00:00Z") }),
        user({ id: 7, username: "baja", active: false, lastLoginAt: at("2025-01-01T00:00:00Z") }),
        user({ id: 2, username: "supervisor", role: "supervisor", roleChangedAt: at("2026-10-02T16:00:00Z") }),
      ],
      null,
      now,
    );
    expect(report.rows.map((r) => r.username)).toEqual(["admin", "auditor", "baja", "nuevo", "operador", "supervisor", "viejo"]);
    const row = (name: string) => report.rows.find((r) => r.username === name)!;
    expect(row("operador")).toMatchObject({ roleLabel: "Operador", daysSinceLastLogin: 91, inactiveOver90Days: true, securityLogAccess: "no" });
    expect(row("auditor")).toMatchObject({ roleLabel: "Auditor Fiscal", daysSinceLastLogin: 89, inactiveOver90Days: false, securityLogAccess: "otorgado" });
    expect(row("admin")).toMatchObject({ daysSinceLastLogin: 0, securityLogAccess: "perfil" });
    expect(row("nuevo")).toMatchObject({ lastLoginAt: null, daysSinceLastLogin: null, inactiveOver90Days: false });
    expect(row("nuevo").observations).toEqual(["nunca ha iniciado sesión", "contraseña temporal pendiente de cambio"]);
    // Never used and created more than 90 days ago: also a candidate for cleaning.
    expect(row("viejo").inactiveOver90Days).toBe(true);
    // A deactivated account is already cleaned: not flagged.
    expect(row("baja")).toMatchObject({ active: false, inactiveOver90Days: false, observations: ["cuenta desactivada"] });
    expect(row("supervisor")).toMatchObject({ roleChangedAt: "2026-10-02T16:00:00.000Z", daysSinceRoleChange: 31 });
    expect(report.summary).toEqual({ total: 7, active: 6, inactiveOver90Days: 2, neverLoggedIn: 2, activeAdministrators: 1, securityLogAccess: 2 });
    expect(report.reviewDue).toBe(true);
    expect(report.lastReviewAt).toBeNull();
  });
});
