import type { Database, DatabaseTransaction, SqlExecutor } from "../../../db/client";
import { appendAdministrationEntry } from "../../../db/repositories/event-log";
import { ROLE_LABELS, type RoleKey } from "../../contracts/roles";
import { isPasswordReused, PASSWORD_REUSED, passwordChangeReason, type PasswordChangeReason } from "../../domain/security/index";
import {
  changeOwnPasswordInputSchema,
  checkNewPassword,
  createUserInputSchema,
  lastAdministratorViolation,
  planUserUpdate,
  updateUserInputSchema,
  validationMessage,
  type AdminCandidate,
  type ChangeOwnPasswordInput,
  type CreateUserInput,
  type UpdateUserInput,
} from "../../domain/users/index";
import { generateTemporaryPassword, hashPassword, verifyPassword } from "../../platform/password-hash";
import { readPasswordPolicy } from "../security/policy";
import { recordSecurityEvent } from "../security/security-log";
import { endUserSessionsInTransaction, fail, mayManageUsers, NOT_ALLOWED, toDate, type RequestContext, type UserAdminActor, type UsersResult } from "./common";

/**
 * User administration (A30-ACC-04/05, A30-SEC-03/05/06/07/08; issue #5 items 2, 3, 11). Every
 * action is one transaction: the account change, its password-history row, the sessions it ends,
 * ONE bitácora entry (category 1 "administración del sistema") and the security-log entry. A
 * temporary password is returned to the caller once and is never stored in plain text nor written
 * to any log (A30-SEC-06/07).
 */
export interface UserView {
  id: number;
  username: string;
  displayName: string;
  role: RoleKey;
  roleLabel: string;
  active: boolean;
  /** A30-ACC-05: the person must register a new password at the next log-in. */
  mustChangePassword: boolean;
  passwordResetPending: boolean;
  passwordChangedAt: string;
  lastLoginAt: string | null;
  createdAt: string;
  roleChangedAt: string;
  canViewSecurityLog: boolean;
  lockedUntil: string | null;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: RoleKey;
  active: boolean;
  must_change_password: boolean;
  password_reset_pending: boolean;
  password_changed_at: Date | string;
  last_login_at: Date | string | null;
  created_at: Date | string;
  role_changed_at: Date | string;
  can_view_security_log: boolean;
  locked_until: Date | string | null;
}

// Never the password hash: it does not leave the services.
const USER_COLUMNS = `id, username, display_name, role, active, must_change_password, password_reset_pending, password_changed_at,
  last_login_at, created_at, role_changed_at, can_view_security_log, locked_until`;

function toView(row: UserRow): UserView {
  return {
    id: Number(row.id),
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    roleLabel: ROLE_LABELS[row.role],
    active: row.active,
    mustChangePassword: row.must_change_password,
    passwordResetPending: row.password_reset_pending,
    passwordChangedAt: toDate(row.password_changed_at).toISOString(),
    lastLoginAt: toDate(row.last_login_at)?.toISOString() ?? null,
    createdAt: toDate(row.created_at).toISOString(),
    roleChangedAt: toDate(row.role_changed_at).toISOString(),
    canViewSecurityLog: row.can_view_security_log,
    lockedUntil: toDate(row.locked_until)?.toISOString() ?? null,
  };
}

/** Every account, by user name (A30-ACC-04: the Administrador's user list). */
export async function listUsers(db: SqlExecutor): Promise<UserView[]> {
  const rows = await db.query<UserRow>(`select ${USER_COLUMNS} from users order by username`);
  return rows.map(toView);
}

export async function getUser(db: SqlExecutor, userId: number): Promise<UserView | null> {
  const [row] = await db.query<UserRow>(`select ${USER_COLUMNS} from users where id = $1`, [userId]);
  return row ? toView(row) : null;
}

/** A temporary password at least as long as the policy's minimum (A30-SEC-02), 16 characters by default. */
async function newTemporaryPassword(db: SqlExecutor): Promise<{ password: string; hash: string }> {
  const policy = await readPasswordPolicy(db);
  const password = generateTemporaryPassword(Math.max(16, policy.minLength));
  return { password, hash: await hashPassword(password) };
}

/** Inserts the account and the first row of its password history; null when the name is taken. */
export async function insertUserWithPassword(
  tx: SqlExecutor,
  input: { username: string; displayName: string; role: RoleKey; passwordHash: string; createdBy: number | null },
  now: Date,
): Promise<number | null> {
  const [created] = await tx.query<{ id: number }>(
    `insert into users (username, display_name, role, password_hash, must_change_password, password_reset_pending, password_changed_at, created_at, created_by, role_changed_at)
     values ($1, $2, $3, $4, true, false, $5, $5, $6, $5)
     on conflict (username) do nothing returning id`,
    [input.username, input.displayName, input.role, input.passwordHash, now, input.createdBy],
  );
  if (!created) return null;
  const id = Number(created.id);
  // A30-SEC-05: the history holds every password, the temporary one included.
  await tx.query("insert into password_history (user_id, password_hash, created_at) values ($1, $2, $3)", [id, input.passwordHash, now]);
  return id;
}

async function adminLog(
  tx: SqlExecutor,
  actor: UserAdminActor,
  context: RequestContext,
  now: Date,
  detail: Record<string, unknown>,
): Promise<void> {
  await recordSecurityEvent(
    tx,
    { event: "user_admin", outcome: "success", username: actor.username, userId: actor.id, ip: context.ip, userAgent: context.userAgent, sessionId: actor.sessionId ?? null, detail },
    now,
  );
}

export interface CreatedUser {
  user: UserView;
  /** Shown once to the Administrador, to be handed over in person (A30-SEC-07); stored only as a hash. */
  temporaryPassword: string;
  eventLogId: number;
}

/**
 * A30-ACC-04/05: registers a user with user name, name and one of the four profiles ("Invitado"
 * → 400, A30-ACC-02); the temporary password must be changed at the first log-in. Bitácora
 * "Alta de usuario" without any password.
 */
export async function createUser(db: Database, actor: UserAdminActor, raw: CreateUserInput, context: RequestContext, now: Date): Promise<UsersResult<CreatedUser>> {
  if (!mayManageUsers(actor)) return fail(403, NOT_ALLOWED);
  const parsed = createUserInputSchema.safeParse(raw);
  if (!parsed.success) return fail(400, validationMessage(parsed.error));
  const input = parsed.data;
  const temporary = await newTemporaryPassword(db);
  return db.transaction(async (tx) => {
    const id = await insertUserWithPassword(tx, { ...input, passwordHash: temporary.hash, createdBy: actor.id }, now);
    if (id === null) return fail(409, `El usuario «${input.username}» ya existe: elija otro nombre de usuario.`);
    const entry = await appendAdministrationEntry(tx, {
      time: now,
      userId: actor.id,
      username: actor.username,
      description: `Alta de usuario «${input.username}» con perfil ${ROLE_LABELS[input.role]}; contraseña temporal con cambio obligatorio al primer acceso`,
      details: { kind: "alta_usuario", requirement: "A30-ACC-04", userId: id, username: input.username, displayName: input.displayName, role: input.role, mustChangePassword: true },
    });
    await adminLog(tx, actor, context, now, { action: "alta_usuario", target: input.username, targetId: id, role: input.role, eventLogId: entry.id });
    const user = (await getUser(tx, id))!;
    return { ok: true as const, value: { user, temporaryPassword: temporary.password, eventLogId: entry.id } };
  });
}

export interface UpdatedUser {
  user: UserView;
  eventLogId: number;
  description: string;
  sessionsEnded: number;
}

async function lockAdministrators(tx: DatabaseTransaction): Promise<AdminCandidate[]> {
  // Locked in id order by every update: two concurrent demotions cannot both see "another admin".
  const rows = await tx.query<{ id: number; role: RoleKey; active: boolean }>(
    "select id, role, active from users where role = 'administrador' and active order by id for update",
  );
  return rows.map((r) => ({ id: Number(r.id), role: r.role, active: r.active }));
}

/**
 * Updates name, state, profile or security-log grant (A30-ACC-04, A30-SEC-03): a profile change
 * needs a reason and ends the user's sessions ("admin"); deactivation ends them too
 * ("account_disabled"); the last active Administrador can be neither demoted nor deactivated (409).
 */
export async function updateUser(
  db: Database,
  actor: UserAdminActor,
  userId: number,
  raw: UpdateUserInput,
  context: RequestContext,
  now: Date,
): Promise<UsersResult<UpdatedUser>> {
  if (!mayManageUsers(actor)) return fail(403, NOT_ALLOWED);
  const parsed = updateUserInputSchema.safeParse(raw);
  if (!parsed.success) return fail(400, validationMessage(parsed.error));
  return db.transaction(async (tx) => {
    const administrators = await lockAdministrators(tx);
    const [current] = await tx.query<UserRow>(`select ${USER_COLUMNS} from users where id = $1 for update`, [userId]);
    if (!current) return fail(404, `No existe el usuario con id ${userId}.`);
    const before = toView(current);
    const plan = planUserUpdate(
      { username: before.username, displayName: before.displayName, role: before.role, active: before.active, canViewSecurityLog: before.canViewSecurityLog },
      parsed.data,
    );
    if (!plan.ok) return fail(plan.status, plan.error);
    const candidates = administrators.some((a) => a.id === before.id) ? administrators : [...administrators, { id: before.id, role: before.role, active: before.active }];
    const lastAdmin = lastAdministratorViolation(candidates, before.id, { role: plan.next.role, active: plan.next.active });
    if (lastAdmin) return fail(409, lastAdmin);

    await tx.query(
      `update users set display_name = $2, role = $3, active = $4, can_view_security_log = $5,
              role_changed_at = case when $6::boolean then $7::timestamptz else role_changed_at end
        where id = $1`,
      [before.id, plan.next.displayName, plan.next.role, plan.next.active, plan.next.canViewSecurityLog, plan.roleChanged, now],
    );
    const entry = await appendAdministrationEntry(tx, {
      time: now,
      userId: actor.id,
      username: actor.username,
      description: plan.description,
      details: {
        kind: plan.roleChanged ? "cambio_perfil" : "actualizacion_usuario",
        requirement: plan.roleChanged ? "A30-SEC-03" : "A30-ACC-04",
        userId: before.id,
        username: before.username,
        changes: plan.changes,
        ...(plan.roleChanged ? { previousRole: before.role, newRole: plan.next.role } : {}),
        reason: plan.reason,
      },
    });
    // A disabled account or a new profile must not keep a session opened under the old rights.
    const endReason = plan.deactivated ? "account_disabled" : plan.roleChanged ? "admin" : null;
    const sessionsEnded = endReason ? await endUserSessionsInTransaction(tx, before.id, endReason, now) : 0;
    await adminLog(tx, actor, context, now, {
      action: plan.roleChanged ? "cambio_perfil" : "actualizacion_usuario",
      target: before.username,
      targetId: before.id,
      fields: plan.changes.map((c) => c.field),
      sessionsEnded,
      eventLogId: entry.id,
    });
    const user = (await getUser(tx, before.id))!;
    return { ok: true as const, value: { user, eventLogId: entry.id, description: plan.description, sessionsEnded } };
  });
}

export interface PasswordReset {
  user: UserView;
  temporaryPassword: string;
  eventLogId: number;
  sessionsEnded: number;
}

/**
 * A30-ACC-05: an Administrador gives a user a new temporary password; the user must replace it at
 * the next log-in ("reset" reason), the open sessions end and the log-in lock is cleared.
 */
export async function resetPassword(db: Database, actor: UserAdminActor, userId: number, context: RequestContext, now: Date): Promise<UsersResult<PasswordReset>> {
  if (!mayManageUsers(actor)) return fail(403, NOT_ALLOWED);
  if (actor.id === userId) return fail(400, "Para su propia cuenta use «Cambiar contraseña»: el restablecimiento es para las cuentas de otras personas.");
  const exists = await getUser(db, userId);
  if (!exists) return fail(404, `No existe el usuario con id ${userId}.`);
  const temporary = await newTemporaryPassword(db);
  return db.transaction(async (tx) => {
    const [target] = await tx.query<{ id: number; username: string }>("select id, username from users where id = $1 for update", [userId]);
    if (!target) return fail(404, `No existe el usuario con id ${userId}.`);
    await tx.query(
      `update users set password_hash = $2, must_change_password = true, password_reset_pending = true, password_changed_at = $3,
              failed_login_count = 0, locked_until = null
        where id = $1`,
      [userId, temporary.hash, now],
    );
    await tx.query("insert into password_history (user_id, password_hash, created_at) values ($1, $2, $3)", [userId, temporary.hash, now]);
    await tx.query("delete from login_throttles where username = $1", [target.username]);
    const sessionsEnded = await endUserSessionsInTransaction(tx, userId, "admin", now);
    const entry = await appendAdministrationEntry(tx, {
      time: now,
      userId: actor.id,
      username: actor.username,
      description: `Restablecimiento de contraseña del usuario «${target.username}»: contraseña temporal nueva con cambio obligatorio al siguiente acceso`,
      details: { kind: "restablecimiento_contrasena", requirement: "A30-ACC-05", userId, username: target.username, mustChangePassword: true, sessionsEnded },
    });
    await adminLog(tx, actor, context, now, { action: "restablecimiento_contrasena", target: target.username, targetId: userId, sessionsEnded, eventLogId: entry.id });
    const user = (await getUser(tx, userId))!;
    return { ok: true as const, value: { user, temporaryPassword: temporary.password, eventLogId: entry.id, sessionsEnded } };
  });
}

export interface OwnPasswordActor {
  userId: number;
  /** The session the change is made from: it stays open, the others end (A30-SEC-05). */
  sessionId: string | null;
}

export interface PasswordChanged {
  passwordChangedAt: string;
  otherSessionsEnded: number;
  eventLogId: number;
}

const CHANGE_REASON_DETAIL: Record<PasswordChangeReason | "voluntario", string> = {
  first_login: "primer_acceso",
  reset: "restablecimiento",
  expired: "vencimiento",
  voluntario: "voluntario",
};

/**
 * A person replaces their own password (A30-ACC-05 forced change, A30-SEC-08 expiry, or
 * voluntarily): current password verified; rules of A30-SEC-05 (policy minimum length, upper,
 * lower, digit, special, not the user name); confirmation; no reuse of ANY earlier password (full
 * history). Every refusal is logged as "password_change_failed" with its cause, never a password.
 */
export async function changeOwnPassword(
  db: Database,
  actor: OwnPasswordActor,
  raw: ChangeOwnPasswordInput,
  context: RequestContext,
  now: Date,
): Promise<UsersResult<PasswordChanged>> {
  const parsed = changeOwnPasswordInputSchema.safeParse(raw);
  if (!parsed.success) return fail(400, validationMessage(parsed.error));
  const input = parsed.data;
  const [user] = await db.query<{
    id: number;
    username: string;
    active: boolean;
    password_hash: string;
    must_change_password: boolean;
    password_reset_pending: boolean;
    password_changed_at: Date | string;
  }>("select id, username, active, password_hash, must_change_password, password_reset_pending, password_changed_at from users where id = $1", [actor.userId]);
  if (!user || !user.active) return fail(404, "La cuenta no existe o está desactivada.");

  const refuse = async (cause: string, error: string, violations?: string[]) => {
    await db.transaction((tx) =>
      recordSecurityEvent(
        tx,
        {
          event: "password_change_failed",
          outcome: "failure",
          username: user.username,
          userId: Number(user.id),
          ip: context.ip,
          userAgent: context.userAgent,
          sessionId: actor.sessionId,
          detail: { cause, ...(violations ? { rulesBroken: violations.length } : {}) },
        },
        now,
      ),
    );
    return fail(400, error, violations);
  };

  if (!(await verifyPassword(input.currentPassword, user.password_hash))) {
    return refuse("contraseña_actual_incorrecta", "La contraseña actual no es correcta.");
  }
  const policy = await readPasswordPolicy(db);
  const check = checkNewPassword(input.newPassword, input.confirmation, policy, user.username);
  if (!check.ok) return refuse(check.cause === "reglas" ? "reglas_incumplidas" : "confirmacion_distinta", check.error, check.cause === "reglas" ? check.violations : undefined);
  const history = await db.query<{ password_hash: string }>("select password_hash from password_history where user_id = $1", [user.id]);
  // The current hash too, in case an account predates its history (A30-SEC-05: full history).
  if (await isPasswordReused(input.newPassword, [user.password_hash, ...history.map((h) => h.password_hash)], verifyPassword)) {
    return refuse("contraseña_reutilizada", `${PASSWORD_REUSED.charAt(0).toUpperCase()}${PASSWORD_REUSED.slice(1)}.`);
  }

  const reason =
    passwordChangeReason(
      { mustChangePassword: user.must_change_password, resetPending: user.password_reset_pending, passwordChangedAt: toDate(user.password_changed_at) },
      now,
      policy,
    ) ?? "voluntario";
  const hash = await hashPassword(input.newPassword);
  return db.transaction(async (tx) => {
    const updated = await tx.query<{ id: number }>(
      `update users set password_hash = $3, must_change_password = false, password_reset_pending = false, password_changed_at = $4
        where id = $1 and password_hash = $2 returning id`,
      [user.id, user.password_hash, hash, now],
    );
    if (updated.length === 0) return fail(409, "Su contraseña cambió mientras tanto: vuelva a intentarlo con la contraseña actual.");
    await tx.query("insert into password_history (user_id, password_hash, created_at) values ($1, $2, $3)", [user.id, hash, now]);
    const otherSessionsEnded = await endUserSessionsInTransaction(tx, Number(user.id), "password_change", now, actor.sessionId ?? undefined);
    const entry = await appendAdministrationEntry(tx, {
      time: now,
      userId: Number(user.id),
      username: user.username,
      description: `Cambio de contraseña del usuario «${user.username}»`,
      details: { kind: "cambio_contrasena", requirement: "A30-SEC-05", cause: CHANGE_REASON_DETAIL[reason], otherSessionsEnded },
    });
    await recordSecurityEvent(
      tx,
      {
        event: "password_changed",
        outcome: "success",
        username: user.username,
        userId: Number(user.id),
        ip: context.ip,
        userAgent: context.userAgent,
        sessionId: actor.sessionId,
        detail: { cause: CHANGE_REASON_DETAIL[reason], otherSessionsEnded, eventLogId: entry.id },
      },
      now,
    );
    return { ok: true as const, value: { passwordChangedAt: now.toISOString(), otherSessionsEnded, eventLogId: entry.id } };
  });
}
