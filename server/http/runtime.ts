import type { Database } from "../../db/client";
import type { TimeseriesCapabilities } from "../../db/timeseries";
import type { Config } from "../config";
import type { Clock } from "../platform/clock";
import type { Logger } from "../platform/logger";

/**
 * The server's composition root (server/main.ts) builds one runtime and registers it here before
 * Next.js serves a request. Route handlers and server components are bundled by Next.js into
 * separate module instances, so the runtime is kept on a global symbol: every bundle sees the same
 * database handle (PGlite allows a single one per data directory).
 */
export interface AforoRuntime {
  config: Config;
  db: Database;
  capabilities: TimeseriesCapabilities;
  logger: Logger;
  clock: Clock;
  version: string;
  authSecret: string;
  /** false once shutdown has begun or the database stopped answering. */
  isDatabaseUp(): Promise<{ ok: true } | { ok: false; reason: string }>;
}

const RUNTIME_KEY = Symbol.for("aforo.runtime");

type GlobalWithRuntime = typeof globalThis & { [RUNTIME_KEY]?: AforoRuntime };

export function registerRuntime(runtime: AforoRuntime): void {
  (globalThis as GlobalWithRuntime)[RUNTIME_KEY] = runtime;
}

export function unregisterRuntime(): void {
  delete (globalThis as GlobalWithRuntime)[RUNTIME_KEY];
}

export function getRuntime(): AforoRuntime {
  const runtime = (globalThis as GlobalWithRuntime)[RUNTIME_KEY];
  if (!runtime) throw new Error("Aforo runtime no inicializado: inicie el servidor con `tsx server/main.ts` (npm run start)");
  return runtime;
}
