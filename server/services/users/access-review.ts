import type { Database, SqlExecutor } from "../../../db/client";
import { appendAdministrationEntry } from "../../../db/repositories/event-log";
import type { RoleKey } from "../../contracts/roles";
import {
  accessReviewMessage,
  accessReviewReport,
  isAccessReviewDue,
  nextReviewDueAt,
  type AccessReviewReport,
  type ReviewUser,
} from "../../domain/security/access-review";
import { completeReviewInputSchema, validationMessage, type CompleteReviewInput } from "../../domain/users/index";
import { recordSecurityEvent } from "../security/security-log";
import { fail, mayManageUsers, NOT_ALLOWED, toDate, type RequestContext, type UserAdminActor, type UsersResult } from "./common";

/**
 * Six-monthly review of users and privileges (A30-SEC-04, Anexo 30 30.6.2 IV): the report, the
 * recording of a completed review (access_reviews row with the snapshot + ONE bitácora entry
 * "Revisión de usuarios y privilegios", one transaction) and the reminder the shell shows the
 * Administrador when 6 months have passed since the last review.
 */
export interface RecordedReview {
  id: number;
  reviewedAt: string;
  reviewedBy: string;
  usersReviewed: number;
  notes: string | null;
  eventLogId: number | null;
}

export async function loadReviewUsers(db: SqlExecutor): Promise<ReviewUser[]> {
  const rows = await db.query<{
    id: number;
    username: string;
    display_name: string;
    role: RoleKey;
    active: boolean;
    last_login_at: Date | string | null;
    created_at: Date | string;
    role_changed_at: Date | string;
    can_view_security_log: boolean;
    must_change_password: boolean;
  }>(
    `select id, username, display_name, role, active, last_login_at, created_at, role_changed_at, can_view_security_log, must_change_password
       from users order by username`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    active: r.active,
    lastLoginAt: toDate(r.last_login_at),
    createdAt: toDate(r.created_at),
    roleChangedAt: toDate(r.role_changed_at),
    canViewSecurityLog: r.can_view_security_log,
    mustChangePassword: r.must_change_password,
  }));
}

/** The most recent reviews, newest first. */
export async function listAccessReviews(db: SqlExecutor, limit = 10): Promise<RecordedReview[]> {
  const rows = await db.query<{ id: number; reviewed_at: Date | string; username: string; users_reviewed: number; notes: string | null; event_log_id: string | number | null }>(
    `select r.id, r.reviewed_at, u.username, r.users_reviewed, r.notes, r.event_log_id
       from access_reviews r join users u on u.id = r.reviewed_by
      order by r.reviewed_at desc, r.id desc limit $1`,
    [limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    reviewedAt: toDate(r.reviewed_at).toISOString(),
    reviewedBy: r.username,
    usersReviewed: Number(r.users_reviewed),
    notes: r.notes,
    eventLogId: r.event_log_id === null ? null : Number(r.event_log_id),
  }));
}

async function lastReview(db: SqlExecutor): Promise<{ reviewedAt: Date; reviewedBy: string } | null> {
  const [last] = await listAccessReviews(db, 1);
  return last ? { reviewedAt: new Date(last.reviewedAt), reviewedBy: last.reviewedBy } : null;
}

export interface AccessReviewView {
  report: AccessReviewReport;
  reviews: RecordedReview[];
}

/** GET /api/access-review and /usuarios/revision: the report at `now` and the recent reviews. */
export async function readAccessReview(db: SqlExecutor, now: Date): Promise<AccessReviewView> {
  const [users, reviews] = await Promise.all([loadReviewUsers(db), listAccessReviews(db, 10)]);
  const last = reviews[0] ? { reviewedAt: new Date(reviews[0].reviewedAt), reviewedBy: reviews[0].reviewedBy } : null;
  return { report: accessReviewReport(users, last, now), reviews };
}

export interface AccessReviewReminder {
  /** true: show «Revisión de accesos vencida» to the Administrador. */
  due: boolean;
  lastReviewAt: Date | null;
  /** When the next review is due (null: none recorded yet, due now). */
  nextDueAt: Date | null;
  message: string;
}

/**
 * The reminder for the shell (A30-SEC-04): due when no review is recorded or the last one is more
 * than 6 calendar months old. One small query; call it only for Administradores.
 */
export async function accessReviewReminder(db: SqlExecutor, now: Date): Promise<AccessReviewReminder> {
  const last = await lastReview(db);
  const lastReviewAt = last?.reviewedAt ?? null;
  return {
    due: isAccessReviewDue(lastReviewAt, now),
    lastReviewAt,
    nextDueAt: lastReviewAt ? nextReviewDueAt(lastReviewAt) : null,
    message: accessReviewMessage(lastReviewAt, now),
  };
}

export interface CompletedReview {
  review: RecordedReview;
  eventLogId: number;
  reminder: AccessReviewReminder;
}

/**
 * Records a completed review (A30-SEC-04): the report as reviewed is kept as the snapshot of an
 * append-only access_reviews row, with ONE bitácora entry "Revisión de usuarios y privilegios";
 * the reminder clears.
 */
export async function completeAccessReview(
  db: Database,
  actor: UserAdminActor,
  raw: CompleteReviewInput,
  context: RequestContext,
  now: Date,
): Promise<UsersResult<CompletedReview>> {
  if (!mayManageUsers(actor)) return fail(403, NOT_ALLOWED);
  const parsed = completeReviewInputSchema.safeParse(raw);
  if (!parsed.success) return fail(400, validationMessage(parsed.error));
  const notes = parsed.data.notes ? parsed.data.notes : null;
  return db.transaction(async (tx) => {
    const report = accessReviewReport(await loadReviewUsers(tx), await lastReview(tx), now);
    const inactive = report.rows.filter((r) => r.inactiveOver90Days).map((r) => r.username);
    const description =
      `Revisión de usuarios y privilegios: ${report.summary.total} cuentas revisadas (${report.summary.active} activas, ` +
      `${report.summary.inactiveOver90Days} inactivas > 90 días)`;
    const entry = await appendAdministrationEntry(tx, {
      time: now,
      userId: actor.id,
      username: actor.username,
      description: description.slice(0, 250),
      details: {
        kind: "revision_accesos",
        requirement: "A30-SEC-04",
        usersReviewed: report.summary.total,
        activeUsers: report.summary.active,
        activeAdministrators: report.summary.activeAdministrators,
        inactiveOver90Days: inactive,
        previousReviewAt: report.lastReviewAt,
        notes,
      },
    });
    const [row] = await tx.query<{ id: number }>(
      `insert into access_reviews (reviewed_at, reviewed_by, users_reviewed, notes, snapshot, event_log_id)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [now, actor.id, report.summary.total, notes, JSON.stringify(report.rows), entry.id],
    );
    await recordSecurityEvent(
      tx,
      {
        event: "user_admin",
        outcome: "success",
        username: actor.username,
        userId: actor.id,
        ip: context.ip,
        userAgent: context.userAgent,
        sessionId: actor.sessionId ?? null,
        detail: { action: "revision_accesos", reviewId: Number(row!.id), usersReviewed: report.summary.total, eventLogId: entry.id },
      },
      now,
    );
    return {
      ok: true as const,
      value: {
        review: { id: Number(row!.id), reviewedAt: now.toISOString(), reviewedBy: actor.username, usersReviewed: report.summary.total, notes, eventLogId: entry.id },
        eventLogId: entry.id,
        reminder: { due: false, lastReviewAt: now, nextDueAt: nextReviewDueAt(now), message: accessReviewMessage(now, now) },
      },
    };
  });
}
