import type { Database, SqlExecutor } from "../../../db/client";
import { evaluateSession, SESSION_END_EVENTS, type SessionEndReason } from "../../domain/security/index";
import { passwordChangeReason, type PasswordChangeReason, type PasswordPolicy } from "../../domain/security/index";
import type { RoleKey } from "../../contracts/roles";
import { recordAccessEvent } from "../settings/access-events";
import { recordSecurityEvent } from "./security-log";

/**
 * Server-side sessions (A30-SEC-09, A30-SEC-15): the Auth.js token only carries the session id;
 * whether the session is alive is decided here, from `user_sessions`, on every request. Activity
 * moves `last_seen_at`; more than the idle limit without activity ends the session (reason
 * "idle"), recorded once in the security log ("cierre por inactividad") and in the bitácora.
 */
export interface SessionUser {
  sessionId: string;
  userId: number;
  username: string;
  displayName: string;
  role: RoleKey;
  /** Set when the user must register a new password before anything else (A30-ACC-05, A30-SEC-08). */
  passwordChange: PasswordChangeReason | null;
  canViewSecurityLog: boolean;
}

export type SessionLookup = { ok: true; user: SessionUser } | { ok: false; reason: SessionEndReason | "unknown" };

interface SessionRow {
  id: string;
  user_id: number;
  created_at: Date | string;
  last_seen_at: Date | string;
  revoked_at: Date | string | null;
  revoked_reason: string | null;
  ip: string | null;
  user_agent: string | null;
  username: string;
  display_name: string;
  role: RoleKey;
  active: boolean;
  must_change_password: boolean;
  password_reset_pending: boolean;
  password_changed_at: Date | string;
  can_view_security_log: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function openSession(db: SqlExecutor, input: { userId: number; ip: string | null; userAgent: string | null; idleTimeoutS: number }, now: Date): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `insert into user_sessions (user_id, created_at, last_seen_at, expires_at, ip, user_agent)
     values ($1, $2, $2, $3, $4, $5) returning id`,
    [input.userId, now, new Date(now.getTime() + input.idleTimeoutS * 1000), input.ip, input.userAgent?.slice(0, 300) ?? null],
  );
  return row!.id;
}

async function loadSession(db: SqlExecutor, sessionId: string): Promise<SessionRow | null> {
  if (!UUID.test(sessionId)) return null;
  const [row] = await db.query<SessionRow>(
    `select s.id, s.user_id, s.created_at, s.last_seen_at, s.revoked_at, s.revoked_reason, host(s.ip) as ip, s.user_agent,
            u.username, u.display_name, u.role, u.active, u.must_change_password, u.password_reset_pending,
            u.password_changed_at, u.can_view_security_log
       from user_sessions s join users u on u.id = s.user_id where s.id = $1`,
    [sessionId],
  );
  return row ?? null;
}

/**
 * The session as it stands at `now`. With `touch`, a live session counts this request as activity
 * (A30-SEC-09: user activity keeps it open). An ended one is closed and recorded once.
 */
export async function resolveSession(
  db: Database,
  sessionId: string,
  options: { now: Date; idleTimeoutS: number; policy: PasswordPolicy; touch: boolean },
): Promise<SessionLookup> {
  const row = await loadSession(db, sessionId);
  if (!row) return { ok: false, reason: "unknown" };
  const verdict = evaluateSession(
    { createdAt: new Date(row.created_at), lastSeenAt: new Date(row.last_seen_at), revokedAt: row.revoked_at ? new Date(row.revoked_at) : null, revokedReason: row.revoked_reason },
    options.now,
    options.idleTimeoutS,
  );
  if (!verdict.active) {
    if (!row.revoked_at) await endSession(db, row.id, verdict.reason, verdict.endedAt);
    return { ok: false, reason: verdict.reason };
  }
  if (!row.active) {
    await endSession(db, row.id, "account_disabled", options.now);
    return { ok: false, reason: "account_disabled" };
  }
  if (options.touch) {
    await db.query("update user_sessions set last_seen_at = $2, expires_at = $3 where id = $1 and revoked_at is null", [
      row.id,
      options.now,
      new Date(options.now.getTime() + options.idleTimeoutS * 1000),
    ]);
  }
  return {
    ok: true,
    user: {
      sessionId: row.id,
      userId: Number(row.user_id),
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      passwordChange: passwordChangeReason(
        { mustChangePassword: row.must_change_password, resetPending: row.password_reset_pending, passwordChangedAt: new Date(row.password_changed_at) },
        options.now,
        options.policy,
      ),
      canViewSecurityLog: row.can_view_security_log,
    },
  };
}

/**
 * Ends a session once (the `revoked_at is null` guard makes concurrent callers race safely):
 * security-log entry with the cause (A30-SEC-10 e/f) and, for a person's log-out or idle close,
 * the bitácora's "Cierre de sesión" (A30-LOG-01 category 5). Returns false if already ended.
 */
export async function endSession(db: Database, sessionId: string, reason: SessionEndReason, at: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [ended] = await tx.query<{ user_id: number; ip: string | null; user_agent: string | null; username: string }>(
      `update user_sessions s set revoked_at = $2, revoked_reason = $3
         from users u
        where s.id = $1 and s.revoked_at is null and u.id = s.user_id
        returning s.user_id, host(s.ip) as ip, s.user_agent, u.username`,
      [sessionId, at, reason],
    );
    if (!ended) return false;
    await recordSecurityEvent(
      tx,
      {
        event: SESSION_END_EVENTS[reason] as Parameters<typeof recordSecurityEvent>[1]["event"],
        outcome: "info",
        username: ended.username,
        userId: Number(ended.user_id),
        ip: ended.ip,
        userAgent: ended.user_agent,
        sessionId,
        detail: { reason },
      },
      at,
    );
    if (reason === "user" || reason === "idle") {
      await recordAccessEvent(tx, { kind: "logout", userId: Number(ended.user_id), username: ended.username, ip: ended.ip, cause: reason }, at);
    }
    return true;
  });
}

/** Ends every open session of a user (password change, profile change, deactivation, reset). */
export async function endUserSessions(db: Database, userId: number, reason: SessionEndReason, at: Date, exceptSessionId?: string): Promise<number> {
  const rows = await db.query<{ id: string }>("select id from user_sessions where user_id = $1 and revoked_at is null", [userId]);
  let count = 0;
  for (const row of rows) {
    if (row.id === exceptSessionId) continue;
    if (await endSession(db, row.id, reason, at)) count += 1;
  }
  return count;
}

/**
 * Job: closes the sessions idle for longer than the limit even if their browser never comes back,
 * so the security log holds the idle close at the time it happened (A30-SEC-09). Returns the ids
 * ended (the socket gateway disconnects them).
 */
export async function expireIdleSessions(db: Database, now: Date, idleTimeoutS: number): Promise<string[]> {
  const rows = await db.query<{ id: string; created_at: Date | string; last_seen_at: Date | string }>(
    `select id, created_at, last_seen_at from user_sessions
      where revoked_at is null and (last_seen_at < $1 or created_at < $2)`,
    [new Date(now.getTime() - idleTimeoutS * 1000), new Date(now.getTime() - 12 * 3600 * 1000)],
  );
  const ended: string[] = [];
  for (const row of rows) {
    const verdict = evaluateSession({ createdAt: new Date(row.created_at), lastSeenAt: new Date(row.last_seen_at), revokedAt: null, revokedReason: null }, now, idleTimeoutS);
    if (!verdict.active && (await endSession(db, row.id, verdict.reason, verdict.endedAt))) ended.push(row.id);
  }
  return ended;
}

/** Why a session id is no longer usable (for the log-in screen's message and 401 bodies). */
export async function sessionEndReason(db: SqlExecutor, sessionId: string): Promise<SessionEndReason | null> {
  if (!UUID.test(sessionId)) return null;
  const [row] = await db.query<{ revoked_reason: string | null }>("select revoked_reason from user_sessions where id = $1", [sessionId]);
  return (row?.revoked_reason as SessionEndReason | null) ?? null;
}

/** Ids of the given sessions that are still open (socket gateway sweep). */
export async function openSessionIds(db: SqlExecutor, sessionIds: readonly string[]): Promise<Set<string>> {
  const ids = sessionIds.filter((id) => UUID.test(id));
  if (ids.length === 0) return new Set();
  const rows = await db.query<{ id: string }>("select id from user_sessions where id = any($1::uuid[]) and revoked_at is null", [ids]);
  return new Set(rows.map((row) => row.id));
}
