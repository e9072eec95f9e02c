import { z } from "zod";
import { ROLE_KEYS, ROLE_LABELS, type RoleKey } from "../../contracts/roles";
import { MAX_PASSWORD_LENGTH } from "../security/password-policy";

/**
 * User administration rules (A30-ACC-02/04, A30-SEC-03, issue #5 item 2). Pure: input schemas for
 * every boundary (API, CLI, services), the plan of an account update and the guard that keeps at
 * least one active Administrador. No database, no clock.
 */
export const USERNAME_PATTERN = /^[a-z0-9._-]{1,64}$/;
export const MAX_DISPLAY_NAME_LENGTH = 120;
/** A30-SEC-03: why a profile was assigned (mandatory on a change). */
export const MAX_REASON_LENGTH = 500;
export const MAX_REVIEW_NOTES_LENGTH = 2000;

const PROFILE_KEYS = ROLE_KEYS.join(", ");

/** Object-level messages of every strict body: unknown fields are refused by name. */
const strictBodyError = (issue: { code?: string; keys?: string[] }): string =>
  issue.code === "unrecognized_keys" && issue.keys
    ? `Campos no permitidos: ${issue.keys.join(", ")}.`
    : "El cuerpo de la solicitud debe ser un objeto JSON.";

/** A30-ACC-02: exactly the four profiles; "Invitado" or anything else is refused with the list. */
export const profileSchema = z.enum(ROLE_KEYS, {
  error: (issue) =>
    issue.input === undefined || issue.input === null || issue.input === ""
      ? `Falta el perfil (role): ${PROFILE_KEYS}.`
      : `Perfil inválido «${String(issue.input).slice(0, 40)}»: los únicos perfiles son ${PROFILE_KEYS} (A30-ACC-02).`,
});

export const usernameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "Falta el nombre de usuario (username)." : "El nombre de usuario debe ser texto.") })
  .trim()
  .toLowerCase()
  .regex(USERNAME_PATTERN, "Nombre de usuario inválido: de 1 a 64 caracteres entre letras sin acentos, dígitos, punto, guion y guion bajo.");

export const displayNameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "Falta el nombre de la persona (displayName)." : "El nombre debe ser texto.") })
  .trim()
  .min(1, "Escriba el nombre de la persona.")
  .max(MAX_DISPLAY_NAME_LENGTH, `El nombre no puede tener más de ${MAX_DISPLAY_NAME_LENGTH} caracteres.`)
  .regex(/^[^\p{Cc}]+$/u, "El nombre no puede contener caracteres de control.");

/** POST /api/users (A30-ACC-04): user name, name and profile; the temporary password is generated. */
export const createUserInputSchema = z.strictObject(
  { username: usernameSchema, displayName: displayNameSchema, role: profileSchema },
  { error: strictBodyError },
);
export type CreateUserInput = z.infer<typeof createUserInputSchema>;

/** PATCH /api/users/:id: any of these fields; `reason` is mandatory when the profile changes (A30-SEC-03). */
export const updateUserInputSchema = z
  .strictObject(
    {
      displayName: displayNameSchema.optional(),
      active: z.boolean({ error: "«active» debe ser true o false." }).optional(),
      role: profileSchema.optional(),
      reason: z
        .string({ error: "El motivo debe ser texto." })
        .trim()
        .max(MAX_REASON_LENGTH, `El motivo no puede tener más de ${MAX_REASON_LENGTH} caracteres.`)
        .optional(),
      canViewSecurityLog: z.boolean({ error: "«canViewSecurityLog» debe ser true o false." }).optional(),
    },
    { error: strictBodyError },
  )
  .refine((v) => v.displayName !== undefined || v.active !== undefined || v.role !== undefined || v.canViewSecurityLog !== undefined, {
    error: "Indique al menos un cambio: nombre, perfil, estado o acceso a la bitácora de seguridad.",
  });
export type UpdateUserInput = z.infer<typeof updateUserInputSchema>;

/** POST /api/account/password (A30-ACC-05, A30-SEC-05/08). */
export const changeOwnPasswordInputSchema = z.strictObject(
  {
    currentPassword: z
      .string({ error: "Escriba su contraseña actual." })
      .min(1, "Escriba su contraseña actual.")
      .max(MAX_PASSWORD_LENGTH, `La contraseña no puede tener más de ${MAX_PASSWORD_LENGTH} caracteres.`),
    newPassword: z
      .string({ error: "Escriba la contraseña nueva." })
      .min(1, "Escriba la contraseña nueva.")
      .max(MAX_PASSWORD_LENGTH, `La contraseña no puede tener más de ${MAX_PASSWORD_LENGTH} caracteres.`),
    confirmation: z
      .string({ error: "Confirme la contraseña nueva." })
      .max(MAX_PASSWORD_LENGTH, `La contraseña no puede tener más de ${MAX_PASSWORD_LENGTH} caracteres.`),
  },
  { error: strictBodyError },
);
export type ChangeOwnPasswordInput = z.infer<typeof changeOwnPasswordInputSchema>;

/** POST /api/users/:id/reset-password (A30-ACC-05): no fields — the server generates the password. */
export const resetPasswordInputSchema = z.strictObject({}, { error: strictBodyError });

/** POST /api/access-review (A30-SEC-04): optional notes of the review (findings, accounts cleaned). */
export const completeReviewInputSchema = z.strictObject(
  {
    notes: z
      .string({ error: "Las notas deben ser texto." })
      .trim()
      .max(MAX_REVIEW_NOTES_LENGTH, `Las notas no pueden tener más de ${MAX_REVIEW_NOTES_LENGTH} caracteres.`)
      .optional(),
  },
  { error: strictBodyError },
);
export type CompleteReviewInput = z.infer<typeof completeReviewInputSchema>;

/** All messages of a failed parse, one sentence each (for `{ error }` answers). */
export function validationMessage(error: z.ZodError): string {
  return [...new Set(error.issues.map((issue) => issue.message))].join(" ");
}

/** A30-ACC-03 decision: only an Administrador or an Auditor Fiscal may hold the security-log grant (DB check too). */
export function mayHoldSecurityLogGrant(role: RoleKey): boolean {
  return role === "administrador" || role === "auditor_fiscal";
}

export interface AdminCandidate {
  id: number;
  role: RoleKey;
  active: boolean;
}

/**
 * The last-Administrador guard (issue #5 item 2): the change of `targetId` to `next` must leave at
 * least one active Administrador, or nobody could manage users any more. Returns the 409 message
 * or null when the change is allowed.
 */
export function lastAdministratorViolation(users: readonly AdminCandidate[], targetId: number, next: { role: RoleKey; active: boolean }): string | null {
  const target = users.find((u) => u.id === targetId);
  if (!target || target.role !== "administrador" || !target.active) return null;
  if (next.role === "administrador" && next.active) return null;
  const others = users.filter((u) => u.id !== targetId && u.role === "administrador" && u.active).length;
  if (others > 0) return null;
  return next.active
    ? "No se puede cambiar el perfil del último Administrador activo: registre o active otro Administrador antes."
    : "No se puede desactivar al último Administrador activo: registre o active otro Administrador antes.";
}

export interface UserAccountState {
  username: string;
  displayName: string;
  role: RoleKey;
  active: boolean;
  canViewSecurityLog: boolean;
}

export type AccountField = "displayName" | "role" | "active" | "canViewSecurityLog";

export interface FieldChange {
  field: AccountField;
  before: string | boolean;
  after: string | boolean;
}

export type UserUpdatePlan =
  | {
      ok: true;
      next: UserAccountState;
      changes: FieldChange[];
      roleChanged: boolean;
      deactivated: boolean;
      reason: string | null;
      /** One bitácora line (≤ 250 characters) naming the user and every change. */
      description: string;
    }
  | { ok: false; status: 400; error: string };

const truncate = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * What an update does to an account (A30-SEC-03): a profile change needs a non-empty reason; the
 * security-log grant is only for Administrador/Auditor Fiscal and is withdrawn automatically when
 * the new profile cannot hold it; fields equal to the current value are not changes.
 */
export function planUserUpdate(current: UserAccountState, input: UpdateUserInput): UserUpdatePlan {
  const reason = input.reason?.trim() ? input.reason.trim() : null;
  const next: UserAccountState = { ...current };
  const changes: FieldChange[] = [];
  const parts: string[] = [];

  if (input.role !== undefined && input.role !== current.role) {
    if (!reason) {
      return { ok: false, status: 400, error: "Indique el motivo del cambio de perfil: es obligatorio y queda en la bitácora (A30-SEC-03)." };
    }
    next.role = input.role;
    changes.push({ field: "role", before: current.role, after: input.role });
    parts.push(`perfil ${ROLE_LABELS[current.role]} → ${ROLE_LABELS[input.role]}`);
  }

  if (input.canViewSecurityLog !== undefined && input.canViewSecurityLog !== current.canViewSecurityLog) {
    if (input.canViewSecurityLog && !mayHoldSecurityLogGrant(next.role)) {
      return {
        ok: false,
        status: 400,
        error: `El acceso a la bitácora de seguridad solo puede otorgarse a un Auditor Fiscal o a un Administrador; «${current.username}» tiene perfil ${ROLE_LABELS[next.role]}.`,
      };
    }
    next.canViewSecurityLog = input.canViewSecurityLog;
  } else if (next.canViewSecurityLog && !mayHoldSecurityLogGrant(next.role)) {
    // The new profile cannot keep the grant (DB check users_security_log_grant_check).
    next.canViewSecurityLog = false;
  }
  if (next.canViewSecurityLog !== current.canViewSecurityLog) {
    changes.push({ field: "canViewSecurityLog", before: current.canViewSecurityLog, after: next.canViewSecurityLog });
    parts.push(next.canViewSecurityLog ? "otorgar acceso a la bitácora de seguridad" : "retirar acceso a la bitácora de seguridad");
  }

  if (input.active !== undefined && input.active !== current.active) {
    next.active = input.active;
    changes.push({ field: "active", before: current.active, after: input.active });
    parts.push(input.active ? "reactivación de la cuenta" : "desactivación de la cuenta");
  }

  if (input.displayName !== undefined && input.displayName !== current.displayName) {
    next.displayName = input.displayName;
    changes.push({ field: "displayName", before: current.displayName, after: input.displayName });
    parts.push(`nombre «${current.displayName}» → «${input.displayName}»`);
  }

  if (changes.length === 0) return { ok: false, status: 400, error: "Los valores indicados son iguales a los actuales: no hay nada que cambiar." };

  const roleChanged = next.role !== current.role;
  const deactivated = current.active && !next.active;
  const grantOnly = changes.every((c) => c.field === "canViewSecurityLog");
  const headline = roleChanged
    ? "Cambio de perfil"
    : deactivated
      ? "Desactivación de usuario"
      : !current.active && next.active
        ? "Reactivación de usuario"
        : grantOnly
          ? next.canViewSecurityLog
            ? "Otorgar acceso a la bitácora de seguridad"
            : "Retirar acceso a la bitácora de seguridad"
          : "Actualización de usuario";
  const description = truncate(`${headline} «${current.username}»: ${parts.join("; ")}${reason ? `. Motivo: ${reason}` : ""}`, 250);
  return { ok: true, next, changes, roleChanged, deactivated, reason, description };
}
