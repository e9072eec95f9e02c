import { eq } from "drizzle-orm";
import type { RoleKey } from "../../server/contracts/roles";
import { generateTemporaryPassword, hashPassword } from "../../server/platform/password-hash";
import type { Database } from "../client";
import { passwordHistory, users } from "../schema/index";

export interface LoginUser {
  id: number;
  username: string;
  displayName: string;
  role: RoleKey;
  passwordHash: string;
  mustChangePassword: boolean;
  passwordResetPending: boolean;
  passwordChangedAt: Date;
  active: boolean;
}

/** The account a log-in attempt names (user names are stored lower-case). */
export async function findUserForLogin(db: Pick<Database, "orm">, username: string): Promise<LoginUser | null> {
  const [row] = await db.orm
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      passwordHash: users.passwordHash,
      mustChangePassword: users.mustChangePassword,
      passwordResetPending: users.passwordResetPending,
      passwordChangedAt: users.passwordChangedAt,
      active: users.active,
    })
    .from(users)
    .where(eq(users.username, username.trim().toLowerCase()))
    .limit(1);
  return row ?? null;
}

export type CreateUserResult =
  | { ok: true; id: number; username: string; role: RoleKey; temporaryPassword: string }
  | { ok: false; error: string };

/** A30-ACC-04/05: a new user with a temporary password that must be changed at first log-in. */
export async function createUserWithTemporaryPassword(
  db: Database,
  input: { username: string; role: RoleKey; displayName: string; createdBy?: number },
): Promise<CreateUserResult> {
  const username = input.username.trim().toLowerCase();
  const temporaryPassword = generateTemporaryPassword();
  const passwordHash = await hashPassword(temporaryPassword);
  return db.transaction(async (tx) => {
    const existing = await tx.orm.select({ id: users.id }).from(users).where(eq(users.username, username)).limit(1);
    if (existing.length > 0) return { ok: false as const, error: `el usuario '${username}' ya existe` };
    const [created] = await tx.orm
      .insert(users)
      .values({ username, displayName: input.displayName, role: input.role, passwordHash, mustChangePassword: true, createdBy: input.createdBy })
      .returning({ id: users.id });
    await tx.orm.insert(passwordHistory).values({ userId: created!.id, passwordHash });
    return { ok: true as const, id: created!.id, username, role: input.role, temporaryPassword };
  });
}
