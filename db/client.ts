import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite, type Transaction as PgliteTransaction } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import pg from "pg";
import * as schema from "./schema/index";
import { setupTimeseries, type TimeseriesCapabilities } from "./timeseries";

/**
 * One database handle for the three engines (design.md §1): embedded PGlite when no URL is
 * given, PostgreSQL (with or without TimescaleDB) through `pg` otherwise. Everything above this
 * file talks to `Database`: drizzle for relational work, `query` for raw hot paths (bulk ingest,
 * time buckets), `listen` for NOTIFY channels.
 */

export type Engine = "pglite" | "postgres";
export type AforoOrm = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface SqlExecutor {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

export interface DatabaseTransaction extends SqlExecutor {
  orm: AforoOrm;
}

export interface Database extends SqlExecutor {
  readonly engine: Engine;
  readonly orm: AforoOrm;
  /** Runs `fn` in one transaction (rolled back if it throws). */
  transaction<T>(fn: (tx: DatabaseTransaction) => Promise<T>): Promise<T>;
  /** Subscribes to a NOTIFY channel; resolves to an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Set once `migrateDatabase` ran. */
  capabilities: TimeseriesCapabilities | null;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** `postgres://…` selects PostgreSQL; unset selects PGlite. */
  databaseUrl?: string;
  /** PGlite data directory; unset means an in-memory database (tests). */
  dataDir?: string;
  /** `application_name` reported to PostgreSQL (A30-LOG-08 tells Aforo's sessions from others). */
  applicationName?: string;
}

const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

const CHANNEL_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.applicationName ?? "aforo") : openPglite(options.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  let location: string | undefined;
  if (dataDir) {
    location = path.resolve(dataDir, "pglite");
    mkdirSync(location, { recursive: true });
  }
  const client = location ? await PGlite.create(location) : await PGlite.create();
  const orm = drizzlePglite({ client, schema }) as unknown as AforoOrm;
  const rowsOf = async <R>(executor: PGlite | PgliteTransaction, text: string, params?: unknown[]): Promise<R[]> =>
    (await executor.query<R>(text, params as unknown[] | undefined)).rows;

  const db: Database = {
    engine: "pglite",
    orm,
    capabilities: null,
    query: (text, params) => rowsOf(client, text, params),
    transaction: (fn) =>
      client.transaction(async (tx) => {
        const txOrm = drizzlePglite({ client: tx as unknown as PGlite, schema }) as unknown as AforoOrm;
        return fn({ orm: txOrm, query: (text, params) => rowsOf(tx, text, params) });
      }),
    async listen(channel, onPayload) {
      assertChannel(channel);
      const unsubscribe = await client.listen(channel, onPayload);
      return async () => {
        await unsubscribe();
      };
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
  return db;
}

async function openPostgres(databaseUrl: string, applicationName: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, application_name: applicationName, connectionTimeoutMillis: 10_000 });
  // An idle client that dies (server restart) must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  const orm = drizzlePg({ client: pool, schema }) as unknown as AforoOrm;
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let listenClient: pg.PoolClient | null = null;
  let listenConnecting: Promise<pg.PoolClient> | null = null;
  let closed = false;

  // One dedicated connection carries every LISTEN; if it drops, it is re-opened and every
  // channel re-subscribed, so realtime updates survive a database restart.
  async function ensureListenClient(): Promise<pg.PoolClient> {
    if (listenClient) return listenClient;
    if (!listenConnecting) {
      listenConnecting = (async () => {
        const client = await pool.connect();
        client.on("notification", (message) => {
          const handlers = listeners.get(message.channel);
          if (handlers) for (const handler of handlers) handler(message.payload ?? "");
        });
        client.on("error", () => {
          listenClient = null;
          client.release(true);
          if (!closed) void reconnectListeners();
        });
        for (const channel of listeners.keys()) await client.query(`LISTEN ${channel}`);
        listenClient = client;
        return client;
      })().finally(() => {
        listenConnecting = null;
      });
    }
    return listenConnecting;
  }

  async function reconnectListeners(): Promise<void> {
    for (let attempt = 0; !closed; attempt++) {
      try {
        await ensureListenClient();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 250 * 2 ** attempt)));
      }
    }
  }

  const db: Database = {
    engine: "postgres",
    orm,
    capabilities: null,
    async query(text, params) {
      return (await pool.query(text, params)).rows;
    },
    async transaction(fn) {
      const client = await pool.connect();
      // A connection reset while the client is checked out emits 'error' on it; without a
      // listener that is an uncaught exception that kills the process. Record it and fail the
      // transaction instead (the client is then discarded, not returned to the pool).
      let connectionError: Error | null = null;
      const onError = (error: Error): void => {
        connectionError = error;
      };
      client.on("error", onError);
      try {
        await client.query("BEGIN");
        const txOrm = drizzlePg({ client, schema }) as unknown as AforoOrm;
        const result = await fn({ orm: txOrm, query: async (text, params) => (await client.query(text, params)).rows });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        if (!connectionError) await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.off("error", onError);
        client.release(connectionError ?? undefined);
      }
    },
    async listen(channel, onPayload) {
      assertChannel(channel);
      let handlers = listeners.get(channel);
      const isNewChannel = !handlers;
      if (!handlers) {
        handlers = new Set();
        listeners.set(channel, handlers);
      }
      handlers.add(onPayload);
      const client = await ensureListenClient();
      if (isNewChannel) await client.query(`LISTEN ${channel}`);
      return async () => {
        handlers.delete(onPayload);
        if (handlers.size === 0) {
          listeners.delete(channel);
          await listenClient?.query(`UNLISTEN ${channel}`).catch(() => undefined);
        }
      };
    },
    async close() {
      closed = true;
      if (listenClient) {
        listenClient.release();
        listenClient = null;
      }
      await pool.end();
    },
  };
  return db;
}

function assertChannel(channel: string): void {
  // Channel names are interpolated into LISTEN (it takes no parameters), so only identifiers pass.
  if (!CHANNEL_PATTERN.test(channel)) throw new Error(`Nombre de canal NOTIFY inválido: ${channel}`);
}

export interface MigrateOptions {
  rawRetentionDays?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** Applies the drizzle-kit migrations, then the engine-specific time-series setup. */
export async function migrateDatabase(db: Database, options: MigrateOptions = {}): Promise<TimeseriesCapabilities> {
  if (db.engine === "pglite") await migratePglite(db.orm as never, { migrationsFolder: MIGRATIONS_FOLDER });
  else await migratePg(db.orm as never, { migrationsFolder: MIGRATIONS_FOLDER });
  const capabilities = await setupTimeseries(db, { rawRetentionDays: options.rawRetentionDays ?? 90, log: options.log });
  db.capabilities = capabilities;
  return capabilities;
}

export type { TimeseriesCapabilities } from "./timeseries";
