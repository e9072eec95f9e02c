import type { Database, SqlExecutor } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { EVENT_CATEGORY } from "../../domain/event-log/index";

/**
 * Access entries (A30-LOG-01 category 5 "operaciones cotidianas — acceso", A30-LOG-05): a
 * successful log-in and a log-out each write one bitácora entry with the user, SAT event type 5.
 * Called from the Auth.js `events.signIn` / `events.signOut` hooks (server/http/auth.ts).
 */
export type AccessKind = "login" | "logout";

const DESCRIPTION: Record<AccessKind, string> = { login: "Inicio de sesión", logout: "Cierre de sesión" };

export async function recordAccessEvent(
  db: Pick<Database, "transaction"> | SqlExecutor,
  event: { kind: AccessKind; userId: number | null; username: string; ip?: string | null; cause?: "user" | "idle" },
  now: Date,
): Promise<{ id: number }> {
  // Inside a caller's transaction (session end) the entry joins it; otherwise it gets its own.
  const run = <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> => ("transaction" in db ? db.transaction(fn) : fn(db));
  return run(async (tx) => {
    // The user id comes from the session token: keep it only if the user still exists.
    const [user] = event.userId === null ? [] : await tx.query<{ id: number }>("select id from users where id = $1", [event.userId]);
    const entry = await appendEventLog(tx, {
      time: now,
      userId: user ? Number(user.id) : null,
      username: event.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: event.cause === "idle" ? "Cierre de sesión por inactividad" : DESCRIPTION[event.kind],
      details: {
        kind: event.kind === "login" ? "inicio_sesion" : "cierre_sesion",
        requirement: event.cause === "idle" ? "A30-SEC-09" : "A30-LOG-01",
        ...(event.cause ? { cause: event.cause === "idle" ? "inactividad" : "usuario" } : {}),
        ...(event.ip ? { ip: event.ip } : {}),
      },
    });
    return { id: entry.id };
  });
}
