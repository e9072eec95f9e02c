import type { Database } from "../../../db/client";
import { findUserForLogin } from "../../../db/repositories/users";
import type { RoleKey } from "../../contracts/roles";
import { afterFailure, lockRemainingS, lockedMessage, passwordChangeReason, type PasswordChangeReason, type ThrottleState } from "../../domain/security/index";
import { verifyPassword } from "../../platform/password-hash";
import { recordRejectedLogin } from "../alarms/rejected-login";
import { recordAccessEvent } from "../settings/access-events";
import { readLockoutPolicy, readPasswordPolicy } from "./policy";
import { recordSecurityEvent } from "./security-log";
import { openSession } from "./sessions";

/**
 * One log-in attempt (A30-ACC-01, issue #5 item 5, A30-SEC-10, A30-ALM-07):
 *  - a name locked by earlier failures is refused without checking the password;
 *  - the password is checked with the same work whether or not the user exists, and every
 *    refusal gives the same answer, so answers never reveal which names exist;
 *  - each failure: security-log entry, alarm type 10 + bitácora entry, one more failure on the
 *    name's throttle (locks after the configured threshold, doubling);
 *  - a success: throttle cleared, server-side session opened, security log + bitácora entries.
 */
export interface LoginAttempt {
  username: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
}

export type LoginResult =
  | {
      ok: true;
      sessionId: string;
      user: { id: number; username: string; displayName: string; role: RoleKey; passwordChange: PasswordChangeReason | null };
    }
  | { ok: false; code: "credenciales_invalidas" | "cuenta_bloqueada"; message: string; retryAfterS: number };

export const INVALID_CREDENTIALS_MESSAGE = "Usuario o contraseña incorrectos.";

// scrypt hash of a random string: verifying against it costs the same as a real check.
const DUMMY_HASH = "scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$2j1Hk8mC0yL8Lq1Y3m0t1lq0pXb8r4k8dYqk8m2m4pU=";

export function normaliseUsername(raw: string): string {
  return raw.trim().toLowerCase().slice(0, 64);
}

async function readThrottle(db: Database, username: string): Promise<ThrottleState> {
  const [row] = await db.query<{ failures: number; locked_until: Date | string | null }>("select failures, locked_until from login_throttles where username = $1", [username]);
  return row ? { failures: Number(row.failures), lockedUntil: row.locked_until ? new Date(row.locked_until) : null } : { failures: 0, lockedUntil: null };
}

export async function attemptLogin(db: Database, attempt: LoginAttempt, options: { now: Date; idleTimeoutS: number }): Promise<LoginResult> {
  const { now } = options;
  const username = normaliseUsername(attempt.username);
  const context = { ip: attempt.ip, userAgent: attempt.userAgent };
  const throttle = await readThrottle(db, username);
  const lockedFor = lockRemainingS(throttle, now);
  if (lockedFor > 0) {
    await db.transaction(async (tx) => {
      await recordSecurityEvent(tx, { event: "login_locked", outcome: "denied", username: username || "(vacío)", ...context, detail: { retryAfterS: lockedFor } }, now);
    });
    await recordRejectedLogin(db, { username, ip: attempt.ip ?? "desconocida", userAgent: attempt.userAgent }, now);
    return { ok: false, code: "cuenta_bloqueada", message: lockedMessage(lockedFor), retryAfterS: lockedFor };
  }

  const user = username ? await findUserForLogin(db, username) : null;
  const passwordOk = await verifyPassword(attempt.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !passwordOk || !user.active) {
    const policy = await readLockoutPolicy(db);
    const next = afterFailure(throttle, now, policy);
    await db.transaction(async (tx) => {
      await tx.query(
        `insert into login_throttles (username, failures, locked_until, last_failure_at) values ($1, $2, $3, $4)
         on conflict (username) do update set failures = excluded.failures, locked_until = excluded.locked_until, last_failure_at = excluded.last_failure_at`,
        [username, next.failures, next.lockedUntil, now],
      );
      if (user) await tx.query("update users set failed_login_count = failed_login_count + 1, locked_until = $2 where id = $1", [user.id, next.lockedUntil]);
      await recordSecurityEvent(
        tx,
        {
          event: "login_failed",
          outcome: "failure",
          username: username || "(vacío)",
          userId: user?.id ?? null,
          ...context,
          // For the auditor, not for the person at the log-in screen (who always reads the same answer).
          detail: { cause: !user ? "usuario_inexistente" : !user.active ? "cuenta_inactiva" : "contraseña_incorrecta", consecutiveFailures: next.failures },
        },
        now,
      );
    });
    await recordRejectedLogin(db, { username, ip: attempt.ip ?? "desconocida", userAgent: attempt.userAgent }, now);
    const lockS = lockRemainingS(next, now);
    return lockS > 0
      ? { ok: false, code: "cuenta_bloqueada", message: lockedMessage(lockS), retryAfterS: lockS }
      : { ok: false, code: "credenciales_invalidas", message: INVALID_CREDENTIALS_MESSAGE, retryAfterS: 0 };
  }

  const passwordPolicy = await readPasswordPolicy(db);
  const sessionId = await db.transaction(async (tx) => {
    await tx.query("delete from login_throttles where username = $1", [username]);
    await tx.query("update users set last_login_at = $2, failed_login_count = 0, locked_until = null where id = $1", [user.id, now]);
    const id = await openSession(tx, { userId: user.id, ip: attempt.ip, userAgent: attempt.userAgent, idleTimeoutS: options.idleTimeoutS }, now);
    await recordSecurityEvent(tx, { event: "login", outcome: "success", username: user.username, userId: user.id, ...context, sessionId: id }, now);
    await recordAccessEvent(tx, { kind: "login", userId: user.id, username: user.username, ip: attempt.ip }, now);
    return id;
  });
  return {
    ok: true,
    sessionId,
    user: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      passwordChange: passwordChangeReason(
        { mustChangePassword: user.mustChangePassword, resetPending: user.passwordResetPending, passwordChangedAt: user.passwordChangedAt },
        now,
        passwordPolicy,
      ),
    },
  };
}
