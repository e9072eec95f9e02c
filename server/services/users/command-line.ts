import type { Database } from "../../../db/client";
import { appendAdministrationEntry } from "../../../db/repositories/event-log";
import { ROLE_LABELS, type RoleKey } from "../../contracts/roles";
import { generateTemporaryPassword, hashPassword } from "../../platform/password-hash";
import { readPasswordPolicy } from "../security/policy";
import { recordSecurityEvent } from "../security/security-log";
import { insertUserWithPassword } from "./accounts";

/**
 * `aforo users create` (A30-ACC-04/05, issue #5 item 2): the way to register the first
 * Administrador of an installation. Bootstrap-safe: while the users table is empty only an
 * Administrador may be created (otherwise nobody could ever manage users). The temporary password
 * is printed once by the command and must be changed at the first log-in; the bitácora entry
 * "Alta de usuario (línea de comandos)" is made by 'sistema', without any password.
 */
export type CommandLineUserResult =
  | { ok: true; id: number; username: string; role: RoleKey; temporaryPassword: string }
  | { ok: false; code: "bootstrap" | "exists"; error: string };

export const BOOTSTRAP_ADMIN_REQUIRED =
  "No hay usuarios registrados: cree primero un Administrador (--role administrador); después él registra a los demás.";

export async function createUserFromCommandLine(
  db: Database,
  input: { username: string; role: RoleKey; displayName: string; osUser?: string | null },
  now: Date,
): Promise<CommandLineUserResult> {
  const username = input.username.trim().toLowerCase();
  const policy = await readPasswordPolicy(db);
  const temporaryPassword = generateTemporaryPassword(Math.max(16, policy.minLength));
  const passwordHash = await hashPassword(temporaryPassword);
  return db.transaction(async (tx): Promise<CommandLineUserResult> => {
    // Serialises concurrent bootstraps: the count and the insert see the same table.
    await tx.query("lock table users in share row exclusive mode");
    const [count] = await tx.query<{ n: number }>("select count(*)::int as n from users");
    if (Number(count?.n ?? 0) === 0 && input.role !== "administrador") return { ok: false, code: "bootstrap", error: BOOTSTRAP_ADMIN_REQUIRED };
    const id = await insertUserWithPassword(tx, { username, displayName: input.displayName, role: input.role, passwordHash, createdBy: null }, now);
    if (id === null) return { ok: false, code: "exists", error: `el usuario '${username}' ya existe` };
    const entry = await appendAdministrationEntry(tx, {
      time: now,
      userId: null,
      username: "sistema",
      description: `Alta de usuario (línea de comandos) «${username}» con perfil ${ROLE_LABELS[input.role]}; contraseña temporal con cambio obligatorio al primer acceso`,
      details: {
        kind: "alta_usuario",
        origin: "linea_de_comandos",
        requirement: "A30-ACC-04",
        userId: id,
        username,
        displayName: input.displayName,
        role: input.role,
        mustChangePassword: true,
        ...(input.osUser ? { osUser: input.osUser } : {}),
      },
    });
    await recordSecurityEvent(
      tx,
      { event: "user_admin", outcome: "success", username: "sistema", detail: { action: "alta_usuario", origin: "linea_de_comandos", target: username, targetId: id, role: input.role, eventLogId: entry.id } },
      now,
    );
    return { ok: true, id, username, role: input.role, temporaryPassword };
  });
}
