import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrateDatabase, openDatabase, type Database } from "../../db/client";

/**
 * Integration tests run against every engine available: PGlite always, and PostgreSQL (with
 * TimescaleDB when the cluster has it) when TEST_DATABASE_URL is set. Each call gets a fresh,
 * migrated database: an in-memory PGlite, or a new database created on the test cluster.
 */
export type TestEngine = "pglite" | "postgres";

export const testEngines: TestEngine[] = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

export interface TestDatabase {
  db: Database;
  /** The URL of the database (postgres engine only), for tests that open a second connection. */
  url: string | null;
  close(): Promise<void>;
}

export async function openTestDatabase(engine: TestEngine): Promise<TestDatabase> {
  if (engine === "pglite") {
    const db = await openDatabase();
    await migrateDatabase(db);
    return { db, url: null, close: () => db.close() };
  }
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (!baseUrl) throw new Error("TEST_DATABASE_URL no está definido");
  const scratch = await createScratchPostgres(baseUrl, "aforo_t");
  const db = await openDatabase({ databaseUrl: scratch.url });
  await migrateDatabase(db);
  return {
    db,
    url: scratch.url,
    async close() {
      await db.close();
      await scratch.drop();
    },
  };
}

/** A new, empty database on the cluster of `baseUrl`; `drop()` removes it (even with open sessions). */
export async function createScratchPostgres(baseUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: baseUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
