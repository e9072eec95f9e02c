/**
 * Server-side session rules (A30-SEC-09, Anexo 30 30.6.2 VI): a session ends after at most
 * 10 minutes without activity, on log-out, when an administrator changes the account, or after an
 * absolute lifetime. Pure: the caller passes the stored session and `now`.
 */
export const MAX_IDLE_TIMEOUT_S = 600;
/** Absolute lifetime of a session, however active (a work shift). */
export const ABSOLUTE_SESSION_S = 12 * 3600;

export type SessionEndReason = "user" | "idle" | "absolute" | "admin" | "password_change" | "account_disabled";

export interface StoredSession {
  createdAt: Date;
  lastSeenAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
}

export type SessionVerdict = { active: true } | { active: false; reason: SessionEndReason; endedAt: Date };

/** Idle 599 s → active; idle 601 s → ended "idle" (boundary: more than the limit ends it). */
export function evaluateSession(session: StoredSession, now: Date, idleTimeoutS: number): SessionVerdict {
  if (session.revokedAt) return { active: false, reason: (session.revokedReason as SessionEndReason | null) ?? "user", endedAt: session.revokedAt };
  const idleLimitMs = Math.min(idleTimeoutS, MAX_IDLE_TIMEOUT_S) * 1000;
  const idleEnd = session.lastSeenAt.getTime() + idleLimitMs;
  const absoluteEnd = session.createdAt.getTime() + ABSOLUTE_SESSION_S * 1000;
  if (now.getTime() > idleEnd) return { active: false, reason: "idle", endedAt: new Date(idleEnd) };
  if (now.getTime() > absoluteEnd) return { active: false, reason: "absolute", endedAt: new Date(absoluteEnd) };
  return { active: true };
}

/** Text of the log-in screen and of 401 answers for each way a session ends. */
export const SESSION_END_MESSAGES: Record<SessionEndReason, string> = {
  user: "Sesión cerrada.",
  idle: "Su sesión expiró por inactividad. Inicie sesión de nuevo.",
  absolute: "Su sesión alcanzó la duración máxima. Inicie sesión de nuevo.",
  admin: "Un administrador cerró su sesión.",
  password_change: "Su contraseña cambió: inicie sesión con la nueva.",
  account_disabled: "Su cuenta fue desactivada.",
};

/** The security-log event of each ending (A30-SEC-10: close by inactivity or by the user). */
export const SESSION_END_EVENTS: Record<SessionEndReason, string> = {
  user: "logout",
  idle: "idle_logout",
  absolute: "session_expired",
  admin: "session_revoked",
  password_change: "session_revoked",
  account_disabled: "session_revoked",
};

export function isSessionEndReason(value: unknown): value is SessionEndReason {
  return typeof value === "string" && value in SESSION_END_MESSAGES;
}
