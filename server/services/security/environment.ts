/**
 * A30-SEC-12 / A30-CSD-06: the environment modes. In `production` there are no demo users — an
 * active account that still opens with its published demo password (db/seed/demo.ts) stops the
 * start with the names to fix — and SAT test certificates are refused (server/services/csd/http.ts).
 */
import type { SqlExecutor } from "../../../db/client";
import { DEMO_USERS } from "../../../db/seed/demo";
import { verifyPassword } from "../../platform/password-hash";

export type EnvironmentMode = "production" | "test" | "demo";

export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvironmentError";
  }
}

/** Active accounts named like a demo user whose password is still the published demo one. */
export async function demoAccountsWithPublicPassword(db: SqlExecutor): Promise<string[]> {
  const rows = await db.query<{ username: string; password_hash: string }>("select username, password_hash from users where active and username = any($1::text[])", [
    DEMO_USERS.map((u) => u.username),
  ]);
  const found: string[] = [];
  for (const row of rows) {
    const demo = DEMO_USERS.find((u) => u.username === row.username);
    if (demo && (await verifyPassword(demo.password, row.password_hash))) found.push(row.username);
  }
  return found.sort();
}

/** Throws when the database cannot run in `mode` (production with demo accounts). */
export async function assertEnvironment(db: SqlExecutor, mode: EnvironmentMode): Promise<void> {
  if (mode !== "production") return;
  const demo = await demoAccountsWithPublicPassword(db);
  if (demo.length > 0) {
    throw new EnvironmentError(
      `Modo production (AFORO_ENV): la base de datos tiene usuarios de demostración con su contraseña pública (${demo.join(", ")}). Desactívelos o cambie sus contraseñas en un entorno demo o test, o use otra base de datos para producción (A30-SEC-12).`,
    );
  }
}
