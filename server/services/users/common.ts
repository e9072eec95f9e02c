import type { Database, DatabaseTransaction } from "../../../db/client";
import { roleHasPermission } from "../../contracts/permissions";
import type { RoleKey } from "../../contracts/roles";
import type { SessionEndReason } from "../../domain/security/index";
import { endUserSessions } from "../security/sessions";

/** Shared types and helpers of the user-administration services (issue #5 items 2, 3, 11). */

/** The signed-in Administrador acting (A30-ACC-04); `sessionId` links the security-log entry to the session. */
export interface UserAdminActor {
  id: number;
  username: string;
  role: RoleKey;
  sessionId?: string | null;
}

/** Where the request came from, for the security log (A30-SEC-10). */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}

export type UsersFailureStatus = 400 | 403 | 404 | 409;

export type UsersResult<T> =
  | { ok: true; value: T }
  | { ok: false; status: UsersFailureStatus; error: string; /** Password rules broken (change-password form). */ violations?: string[] };

export function fail(status: UsersFailureStatus, error: string, violations?: string[]): { ok: false; status: UsersFailureStatus; error: string; violations?: string[] } {
  return violations ? { ok: false, status, error, violations } : { ok: false, status, error };
}

export const NOT_ALLOWED = "Solo un Administrador puede registrar usuarios y actualizar su información (A30-ACC-04).";

export function mayManageUsers(actor: UserAdminActor): boolean {
  return roleHasPermission(actor.role, "manageUsers");
}

/**
 * Ends a user's sessions inside the caller's transaction, so the account change and the session
 * closes (with their security-log entries) commit or roll back together. `endUserSessions` only
 * uses `query` and `transaction`; the transaction is handed on as itself.
 */
export async function endUserSessionsInTransaction(tx: DatabaseTransaction, userId: number, reason: SessionEndReason, at: Date, exceptSessionId?: string): Promise<number> {
  const nested: Pick<Database, "query" | "transaction" | "orm"> = {
    query: (text, params) => tx.query(text, params),
    orm: tx.orm,
    transaction: (fn) => fn(tx),
  };
  return endUserSessions(nested as Database, userId, reason, at, exceptSessionId);
}

export function toDate(value: Date | string): Date;
export function toDate(value: Date | string | null): Date | null;
export function toDate(value: Date | string | null): Date | null {
  return value === null ? null : value instanceof Date ? value : new Date(value);
}

