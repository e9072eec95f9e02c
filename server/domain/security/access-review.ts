import { ROLE_LABELS, type RoleKey } from "../../contracts/roles";

/**
 * Six-monthly review of users and privileges (A30-SEC-04, Anexo 30 30.6.2 IV). Pure: the report
 * (users, profiles, last log-in, inactive > 90 days, privileges unchanged since, security-log
 * grant) and whether a review is due, from the accounts, the last recorded review and `now`.
 */
export const INACTIVITY_LIMIT_DAYS = 90;
export const REVIEW_INTERVAL_MONTHS = 6;
export const REVIEW_OVERDUE_MESSAGE = "Revisión de accesos vencida";

const DAY_MS = 86_400_000;

export interface ReviewUser {
  id: number;
  username: string;
  displayName: string;
  role: RoleKey;
  active: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
  roleChangedAt: Date;
  canViewSecurityLog: boolean;
  mustChangePassword: boolean;
}

export interface LastAccessReview {
  reviewedAt: Date;
  reviewedBy: string;
}

/** How the person reaches the security log: by profile (Administrador), by grant (Auditor Fiscal), or not at all. */
export type SecurityLogAccess = "perfil" | "otorgado" | "no";

export interface AccessReviewRow {
  userId: number;
  username: string;
  displayName: string;
  role: RoleKey;
  roleLabel: string;
  active: boolean;
  lastLoginAt: string | null;
  /** Whole days since the last log-in; null when the person never logged in. */
  daysSinceLastLogin: number | null;
  /** Active account without a log-in (or, never used, created) more than 90 days ago: candidate for cleaning. */
  inactiveOver90Days: boolean;
  /** "Privilegios sin cambio desde": when the profile was last assigned. */
  roleChangedAt: string;
  daysSinceRoleChange: number;
  securityLogAccess: SecurityLogAccess;
  /** Spanish notes for the reviewer. */
  observations: string[];
}

export interface AccessReviewReport {
  generatedAt: string;
  rows: AccessReviewRow[];
  reviewDue: boolean;
  lastReviewAt: string | null;
  lastReviewedBy: string | null;
  /** The date by which the next review must be recorded (null: none recorded yet, due now). */
  nextReviewDueAt: string | null;
  message: string;
  summary: { total: number; active: number; inactiveOver90Days: number; neverLoggedIn: number; activeAdministrators: number; securityLogAccess: number };
}

function wholeDaysBetween(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / DAY_MS));
}

/** `date` plus `months` calendar months (UTC fields), the day clamped to the target month's length (31 Aug + 6 → 28/29 Feb). */
export function addCalendarMonths(date: Date, months: number): Date {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()),
  );
}

/** Last date a review may wait until (6 calendar months after the last one). */
export function nextReviewDueAt(lastReviewAt: Date): Date {
  return addCalendarMonths(lastReviewAt, REVIEW_INTERVAL_MONTHS);
}

/** A30-SEC-04: due when no review is recorded or the last one is more than 6 calendar months old (2026-05-01 → due on 2026-11-02). */
export function isAccessReviewDue(lastReviewAt: Date | null, now: Date): boolean {
  return lastReviewAt === null || now.getTime() > nextReviewDueAt(lastReviewAt).getTime();
}

const longDate = new Intl.DateTimeFormat("es-MX", { dateStyle: "long", timeZone: "America/Mexico_City" });

/** The reminder sentence for the Administrador (starts with «Revisión de accesos vencida» when due). */
export function accessReviewMessage(lastReviewAt: Date | null, now: Date): string {
  if (lastReviewAt === null) {
    return `${REVIEW_OVERDUE_MESSAGE}: no hay ninguna revisión de usuarios y privilegios registrada; realícela y regístrela (A30-SEC-04).`;
  }
  const due = nextReviewDueAt(lastReviewAt);
  if (now.getTime() > due.getTime()) {
    return `${REVIEW_OVERDUE_MESSAGE}: la última se registró el ${longDate.format(lastReviewAt)} y debe repetirse al menos cada ${REVIEW_INTERVAL_MONTHS} meses (A30-SEC-04).`;
  }
  return `Última revisión de accesos: ${longDate.format(lastReviewAt)}. La siguiente debe registrarse a más tardar el ${longDate.format(due)}.`;
}

function securityLogAccessOf(user: ReviewUser): SecurityLogAccess {
  if (user.role === "administrador") return "perfil";
  return user.role === "auditor_fiscal" && user.canViewSecurityLog ? "otorgado" : "no";
}

export function accessReviewRow(user: ReviewUser, now: Date): AccessReviewRow {
  const daysSinceLastLogin = user.lastLoginAt ? wholeDaysBetween(user.lastLoginAt, now) : null;
  const idleDays = wholeDaysBetween(user.lastLoginAt ?? user.createdAt, now);
  const inactiveOver90Days = user.active && idleDays > INACTIVITY_LIMIT_DAYS;
  const observations: string[] = [];
  if (!user.active) observations.push("cuenta desactivada");
  if (inactiveOver90Days) observations.push(`inactivo > ${INACTIVITY_LIMIT_DAYS} días: valorar su desactivación`);
  if (!user.lastLoginAt) observations.push("nunca ha iniciado sesión");
  if (user.active && user.mustChangePassword) observations.push("contraseña temporal pendiente de cambio");
  if (user.role === "auditor_fiscal" && user.canViewSecurityLog) observations.push("acceso otorgado a la bitácora de seguridad");
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    roleLabel: ROLE_LABELS[user.role],
    active: user.active,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    daysSinceLastLogin,
    inactiveOver90Days,
    roleChangedAt: user.roleChangedAt.toISOString(),
    daysSinceRoleChange: wholeDaysBetween(user.roleChangedAt, now),
    securityLogAccess: securityLogAccessOf(user),
    observations,
  };
}

/** The access-review report (A30-SEC-04): one row per account, ordered by user name, and whether a review is due. */
export function accessReviewReport(users: readonly ReviewUser[], lastReview: LastAccessReview | null, now: Date): AccessReviewReport {
  const rows = [...users].sort((a, b) => a.username.localeCompare(b.username)).map((u) => accessReviewRow(u, now));
  const lastReviewAt = lastReview?.reviewedAt ?? null;
  return {
    generatedAt: now.toISOString(),
    rows,
    reviewDue: isAccessReviewDue(lastReviewAt, now),
    lastReviewAt: lastReviewAt?.toISOString() ?? null,
    lastReviewedBy: lastReview?.reviewedBy ?? null,
    nextReviewDueAt: lastReviewAt ? nextReviewDueAt(lastReviewAt).toISOString() : null,
    message: accessReviewMessage(lastReviewAt, now),
    summary: {
      total: rows.length,
      active: rows.filter((r) => r.active).length,
      inactiveOver90Days: rows.filter((r) => r.inactiveOver90Days).length,
      neverLoggedIn: rows.filter((r) => r.lastLoginAt === null).length,
      activeAdministrators: rows.filter((r) => r.active && r.role === "administrador").length,
      securityLogAccess: rows.filter((r) => r.active && r.securityLogAccess !== "no").length,
    },
  };
}
