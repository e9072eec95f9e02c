/**
 * npm run bench:auth — what the issue #5 controls cost per request, on the embedded engine (PGlite,
 * the demo default) and on PostgreSQL when BENCH_DATABASE_URL / TEST_DATABASE_URL is set. Prints
 * JSON: one log-in (scrypt verify + session + security log + bitácora), one refused log-in, the
 * server-side session check that every authenticated request makes (read + activity update), and
 * the HTTP front layer alone (headers, nonce, limits, CSRF) per request.
 */
import { PassThrough } from "node:stream";
import type { IncomingMessage, ServerResponse } from "node:http";
import { migrateDatabase, openDatabase, type Database } from "../../db/client";
import { seedCatalogs } from "../../db/seed/catalogs";
import { seedDemo } from "../../db/seed/demo";
import { DEMO_SITE } from "../../server/contracts/demo-site";
import { DEFAULT_PASSWORD_POLICY } from "../../server/domain/security/index";
import { createFrontLayer } from "../../server/http/front";
import { createLogger } from "../../server/platform/logger";
import { attemptLogin } from "../../server/services/security/login";
import { resolveSession } from "../../server/services/security/sessions";
import { createScratchPostgres } from "../helpers/test-db";

const LOGINS = 20;
const CHECKS = 2000;
const FRONT = 20_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<{ meanMs: number; p50Ms: number; p99Ms: number }> {
  const times: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { meanMs: round(times.reduce((a, b) => a + b, 0) / n), p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)) };
}

async function measure(db: Database) {
  await migrateDatabase(db);
  await seedCatalogs(db);
  const start = new Date();
  await seedDemo(db, DEMO_SITE, { now: start });
  const who = { ip: "127.0.0.1", userAgent: "bench" };
  let sessionId = "";
  const login = await timeEach(LOGINS, async () => {
    const result = await attemptLogin(db, { username: "admin", password: "Aforo#Admin2026", ...who }, { now: new Date(), idleTimeoutS: 600 });
    if (!result.ok) throw new Error("log-in refused");
    sessionId = result.sessionId;
  });
  // Distinct unknown names: no lock-out interferes with the figure.
  const refused = await timeEach(LOGINS, (i) => attemptLogin(db, { username: `nadie${i}`, password: "x", ...who }, { now: new Date(), idleTimeoutS: 600 }));
  const check = await timeEach(CHECKS, () => resolveSession(db, sessionId, { now: new Date(), idleTimeoutS: 600, policy: DEFAULT_PASSWORD_POLICY, touch: true }));
  return { login, refusedLogin: refused, sessionCheck: check };
}

function frontLayerPerRequest(db: Database): { meanUs: number } {
  const front = createFrontLayer({ db, logger: createLogger("silent"), authSecret: "x".repeat(48), tls: false, now: () => new Date(), limits: { apiPerMinute: 1e9 } });
  const headers: Record<string, string> = { host: "127.0.0.1:3000", cookie: "aforo-csrf=abc", "user-agent": "bench" };
  const t = process.hrtime.bigint();
  for (let i = 0; i < FRONT; i += 1) {
    const req = Object.assign(new PassThrough(), { method: "GET", url: "/api/health", headers: { ...headers }, socket: { remoteAddress: "127.0.0.1" } }) as unknown as IncomingMessage;
    const set = new Map<string, unknown>();
    const res = Object.assign(new PassThrough(), {
      statusCode: 200,
      setHeader: (k: string, v: unknown) => set.set(k, v),
      appendHeader: (k: string, v: unknown) => set.set(k, v),
      once: () => res,
    }) as unknown as ServerResponse;
    front.handle(req, res);
  }
  return { meanUs: Math.round((Number(process.hrtime.bigint() - t) / 1e3 / FRONT) * 100) / 100 };
}

async function main(): Promise<void> {
  const out: Record<string, unknown> = { logins: LOGINS, sessionChecks: CHECKS, frontRequests: FRONT };
  const pglite = await openDatabase();
  try {
    out.pglite = await measure(pglite);
    out.frontLayer = frontLayerPerRequest(pglite);
  } finally {
    await pglite.close();
  }
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (url) {
    const scratch = await createScratchPostgres(url, "aforo_bench_auth");
    const db = await openDatabase({ databaseUrl: scratch.url, applicationName: "aforo-bench" });
    try {
      out.postgres = await measure(db);
    } finally {
      await db.close();
      await scratch.drop();
    }
  }
  console.log(JSON.stringify(out));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
