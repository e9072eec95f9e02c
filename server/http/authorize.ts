import type { Session } from "next-auth";
import { cookies } from "next/headers";
import { userHasPermission, type Permission } from "../contracts/permissions";
import { PASSWORD_CHANGE_MESSAGES, SESSION_END_MESSAGES, type SessionEndReason } from "../domain/security/index";
import { sessionEndReason } from "../services/security/sessions";
import { auth } from "./auth";
import { getRuntime } from "./runtime";
import { parseCookieHeader, readSessionCookie } from "./session-cookie";

/**
 * Route-handler guard (A30-ACC-01/03/05): 401 without a live session (the body says why: e.g.
 * "sesión expirada por inactividad"), 403 `password_change_required` while the user must register
 * a new password, 403 without the permission. Usage:
 *   const guard = await requirePermission("handleAlarms");
 *   if (!guard.ok) return guard.response;
 *   guard.session.user.id …
 * Denials reach the security log through the front layer (server/http/front.ts), with user and IP.
 */
export type Guard = { ok: true; session: Session; userId: number } | { ok: false; response: Response };

export const PASSWORD_CHANGE_REQUIRED = "password_change_required";

export async function requirePermission(permission: Permission, options: { allowPendingPasswordChange?: boolean } = {}): Promise<Guard> {
  const session = await auth();
  if (!session?.user) {
    const reason = await endedSessionReason();
    return {
      ok: false,
      response: Response.json(
        { error: reason ? SESSION_END_MESSAGES[reason] : "no autenticado", ...(reason ? { reason } : {}) },
        { status: 401, headers: { "Cache-Control": "no-store" } },
      ),
    };
  }
  if (session.user.passwordChange && !options.allowPendingPasswordChange) {
    return {
      ok: false,
      response: Response.json(
        { error: PASSWORD_CHANGE_REQUIRED, message: PASSWORD_CHANGE_MESSAGES[session.user.passwordChange] },
        { status: 403, headers: { "Cache-Control": "no-store" } },
      ),
    };
  }
  if (!userHasPermission(session.user, permission)) {
    return { ok: false, response: Response.json({ error: "sin permiso", permission }, { status: 403, headers: { "Cache-Control": "no-store" } }) };
  }
  return { ok: true, session, userId: Number(session.user.id) };
}

/**
 * Why the request's session cookie no longer opens a session (idle, logged out, revoked…), or
 * null when there was no valid cookie at all. For the 401 body and the log-in screen's message.
 */
export async function endedSessionReason(): Promise<SessionEndReason | null> {
  try {
    const jar = await cookies();
    const header = jar
      .getAll()
      .map((cookie) => `${cookie.name}=${encodeURIComponent(cookie.value)}`)
      .join("; ");
    const runtime = getRuntime();
    const claims = await readSessionCookie(parseCookieHeader(header), runtime.authSecret);
    return claims ? await sessionEndReason(runtime.db, claims.sessionId) : null;
  } catch {
    return null;
  }
}
