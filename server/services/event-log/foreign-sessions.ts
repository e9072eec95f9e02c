import type { Database } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { EVENT_CATEGORY } from "../../domain/event-log/index";

/**
 * A30-LOG-08: access to the volumetric-control data by means other than the software. On
 * PostgreSQL a job polls pg_stat_activity (every 30 s, well inside the 60 s of the acceptance) and
 * writes one category-2 entry ("eventos de la UCC") per new database session of this database
 * whose application_name is not Aforo's (every Aforo connection sets `aforo`, `aforo-server`,
 * `aforo-cli`, `aforo-collector`…, see db/client.ts). Limits (db/README.md): a session that
 * lives less than one poll may be missed — PostgreSQL's `log_connections` covers it; a client that
 * forges application_name "aforo-…" passes as Aforo; without superuser or pg_read_all_stats the
 * application role sees other roles' sessions without their client address. PGlite is embedded
 * in the server process: there is no other means of access to detect.
 */
export const AFORO_APPLICATION_NAME = /^aforo(-[a-z0-9-]+)?$/;

export interface ForeignSession {
  pid: number;
  role: string | null;
  applicationName: string;
  clientAddr: string | null;
  backendStart: Date;
}

export function isForeignSession(applicationName: string | null): boolean {
  return !AFORO_APPLICATION_NAME.test(applicationName ?? "");
}

export function sessionKey(session: Pick<ForeignSession, "pid" | "backendStart">): string {
  return `${session.pid}@${session.backendStart.toISOString()}`;
}

export interface ForeignSessionMonitor {
  /** One poll: entries written for sessions not seen before. */
  poll(now: Date): Promise<ForeignSession[]>;
}

export function createForeignSessionMonitor(db: Pick<Database, "engine" | "query" | "transaction">): ForeignSessionMonitor {
  const seen = new Set<string>();
  return {
    async poll(now) {
      if (db.engine !== "postgres") return [];
      const rows = await db.query<{ pid: number; usename: string | null; application_name: string | null; client_addr: string | null; backend_start: Date | string }>(
        `select pid, usename, application_name, host(client_addr) as client_addr, backend_start
           from pg_stat_activity
          where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid() and backend_start is not null`,
      );
      const found: ForeignSession[] = [];
      for (const row of rows) {
        if (!isForeignSession(row.application_name)) continue;
        const session: ForeignSession = {
          pid: row.pid,
          role: row.usename,
          applicationName: row.application_name ?? "",
          clientAddr: row.client_addr,
          backendStart: new Date(row.backend_start),
        };
        const key = sessionKey(session);
        if (seen.has(key)) continue;
        const written = await db.transaction(async (tx) => {
          // After a restart the in-memory set is empty: the bitácora itself says what was recorded.
          const [already] = await tx.query("select 1 from event_log where category = 2 and component = 'UCC' and details->>'sessionKey' = $1 limit 1", [key]);
          if (already) return false;
          const app = session.applicationName || "(sin nombre de aplicación)";
          await appendEventLog(tx, {
            time: now,
            username: "sistema",
            category: EVENT_CATEGORY.ucc,
            eventType: EVENT_CATEGORY.ucc,
            description: `Acceso a la información por un medio distinto al software: sesión de base de datos del rol ${session.role ?? "desconocido"}, aplicación ${app}, desde ${session.clientAddr ?? "conexión local"}, iniciada ${session.backendStart.toISOString()}`.slice(0, 250),
            component: "UCC",
            details: {
              sessionKey: key,
              role: session.role,
              applicationName: session.applicationName,
              clientAddr: session.clientAddr,
              backendStart: session.backendStart.toISOString(),
              pid: session.pid,
            },
          });
          return true;
        });
        seen.add(key);
        if (written) found.push(session);
      }
      return found;
    },
  };
}
