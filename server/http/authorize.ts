import type { Session } from "next-auth";
import { roleHasPermission, type Permission } from "../contracts/permissions";
import { auth } from "./auth";

/**
 * Route-handler guard (A30-ACC-01/03): 401 without a session, 403 when the profile may not use the
 * function. Usage:
 *   const guard = await requirePermission("handleAlarms");
 *   if (!guard.ok) return guard.response;
 *   guard.session.user.id …
 */
export type Guard = { ok: true; session: Session; userId: number } | { ok: false; response: Response };

export async function requirePermission(permission: Permission): Promise<Guard> {
  const session = await auth();
  if (!session?.user) return { ok: false, response: Response.json({ error: "no autenticado" }, { status: 401 }) };
  if (!roleHasPermission(session.user.role, permission)) {
    return { ok: false, response: Response.json({ error: "sin permiso", permission }, { status: 403 }) };
  }
  return { ok: true, session, userId: Number(session.user.id) };
}
