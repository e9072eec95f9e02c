import { encode } from "next-auth/jwt";
import type { Database } from "../../db/client";
import type { RoleKey } from "../../server/contracts/roles";
import { openSession } from "../../server/services/security/sessions";

export const TEST_SESSION_COOKIE = "authjs.session-token";

/**
 * A server-side session for `username` (the user is created with an unusable hash when missing)
 * and the Auth.js cookie that carries it, signed with `secret` — what a browser holds after a
 * real log-in, for tests of the socket gateway and the HTTP front layer.
 */
export async function createTestSession(
  db: Database,
  options: { username: string; role: RoleKey; secret: string; now?: Date; idleTimeoutS?: number; passwordChange?: boolean },
): Promise<{ sessionId: string; userId: number; cookie: string; token: string }> {
  const now = options.now ?? new Date();
  const [existing] = await db.query<{ id: number }>("select id from users where username = $1", [options.username]);
  const userId =
    existing?.id ??
    (
      await db.query<{ id: number }>(
        "insert into users (username, display_name, role, password_hash, must_change_password) values ($1, $1, $2, 'scrypt$x', $3) returning id",
        [options.username, options.role, options.passwordChange ?? false],
      )
    )[0]!.id;
  const sessionId = await openSession(db, { userId: Number(userId), ip: "127.0.0.1", userAgent: "vitest", idleTimeoutS: options.idleTimeoutS ?? 600 }, now);
  const token = await encode({
    token: { sub: String(userId), sid: sessionId, username: options.username, role: options.role },
    secret: options.secret,
    salt: TEST_SESSION_COOKIE,
    maxAge: 3600,
  });
  return { sessionId, userId: Number(userId), token, cookie: `${TEST_SESSION_COOKIE}=${token}` };
}
