import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { migrateDatabase, openDatabase, type Database } from "../db/client";
import { installationExists } from "../db/repositories/installations";
import { seedCatalogs } from "../db/seed/catalogs";
import { seedDemo } from "../db/seed/demo";
import { applyRawRetention, refreshRollups } from "../db/timeseries";
import type { Config } from "./config";
import { DEMO_SITE } from "./contracts/demo-site";
import { registerRuntime, unregisterRuntime, type AforoRuntime } from "./http/runtime";
import { startScheduler, type Job } from "./jobs/scheduler";
import { systemClock, type Clock } from "./platform/clock";
import type { Logger } from "./platform/logger";
import { resolveSecrets } from "./platform/secrets";
import { AFORO_VERSION } from "./platform/version";
import { startRealtimeGateway } from "./realtime/gateway";

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface RunningServer {
  url: string;
  db: Database;
  stop(reason?: string): Promise<void>;
}

/**
 * Composition root of the server process (design.md §1): database (migrated, TimescaleDB
 * detected), Next.js request handler and socket.io on one HTTP server, scheduled jobs, and in
 * demo mode the site simulator plus the collector that feeds the embedded database.
 */
export async function startServer(config: Config, logger: Logger, clock: Clock = systemClock): Promise<RunningServer> {
  const startedAt = Date.now();
  const dataDir = path.resolve(config.AFORO_DATA_DIR);
  const secrets = resolveSecrets(dataDir, { authSecret: config.AUTH_SECRET, encryptionKeyHex: config.AFORO_ENCRYPTION_KEY });

  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir, applicationName: "aforo-server" });
  const stopSteps: { name: string; run: () => Promise<void> }[] = [{ name: "base de datos", run: () => db.close() }];
  const stopAll = async (): Promise<void> => {
    for (const step of stopSteps.reverse()) {
      await step.run().catch((error: unknown) => logger.error({ step: step.name, error: (error as Error).message }, "error al detener"));
    }
  };

  try {
    const capabilities = await migrateDatabase(db, {
      rawRetentionDays: config.AFORO_RAW_RETENTION_DAYS,
      log: (message, fields) => logger.info(fields ?? {}, message),
    });
    logger.info(
      { engine: db.engine, "timescaledb.enabled": capabilities.enabled, "timescaledb.license": capabilities.license, version: capabilities.version },
      "base de datos migrada",
    );
    await seedCatalogs(db);
    if (config.AFORO_DEMO) await seedDemo(db, DEMO_SITE, { now: clock.now() });

    const runtime: AforoRuntime = {
      config,
      db,
      capabilities,
      logger,
      clock,
      version: AFORO_VERSION,
      authSecret: secrets.authSecret,
      async isDatabaseUp() {
        try {
          await withTimeout(db.query("select 1"), 3000, "la base de datos no respondió en 3 s");
          return { ok: true };
        } catch (error) {
          return { ok: false, reason: (error as Error).message };
        }
      },
    };
    registerRuntime(runtime);
    stopSteps.push({ name: "runtime", run: async () => unregisterRuntime() });

    const nextApp = next({ dev: false, dir: PROJECT_ROOT, hostname: config.HOST, port: config.PORT, quiet: true });
    await nextApp.prepare();
    const handle = nextApp.getRequestHandler();
    const onRequest: http.RequestListener = (req, res) => {
      if (config.AFORO_TLS_CERT) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
      handle(req, res).catch((error: unknown) => {
        logger.error({ url: req.url, error: (error as Error).message }, "error al atender la solicitud");
        if (!res.headersSent) res.writeHead(500).end("Error interno");
      });
    };
    const httpServer =
      config.AFORO_TLS_CERT && config.AFORO_TLS_KEY
        ? https.createServer({ cert: readFileSync(config.AFORO_TLS_CERT), key: readFileSync(config.AFORO_TLS_KEY) }, onRequest)
        : http.createServer(onRequest);

    const gateway = await startRealtimeGateway({
      httpServer,
      db,
      authSecret: secrets.authSecret,
      logger: logger.child({ subsystem: "realtime" }),
      installationExists: (key) => installationExists(db, key),
    });
    stopSteps.push({ name: "socket.io", run: () => gateway.close() });
    stopSteps.push({ name: "next", run: () => nextApp.close() });

    const jobs: Job[] = [
      {
        name: "retención de mediciones",
        everyMs: 3_600_000,
        runAtStart: true,
        run: (now) => applyRawRetention(db, capabilities, now, config.AFORO_RAW_RETENTION_DAYS),
      },
    ];
    if (!capabilities.continuousAggregates) {
      jobs.push({ name: "agregados de mediciones", everyMs: 10_000, run: (now) => refreshRollups(db, now) });
    }
    const scheduler = startScheduler(jobs, { logger: logger.child({ subsystem: "jobs" }), now: () => clock.now() });
    stopSteps.push({ name: "tareas", run: () => scheduler.stop() });

    if (config.AFORO_DEMO) {
      // Loaded only in demo mode (node-opcua is heavy; a central server does not collect).
      const { startSiteSimulators, demoCollectorFile } = await import("../collectors/simulators/index");
      const { startCollectorRuntime } = await import("../collectors/runtime");
      const simulators = await startSiteSimulators({
        site: DEMO_SITE,
        opcuaPort: config.AFORO_SIM_OPCUA_PORT,
        modbusPort: config.AFORO_SIM_MODBUS_PORT,
        tlsPort: config.AFORO_SIM_TLS_PORT,
        pkiDir: path.join(dataDir, "opcua-pki", "simulator"),
        logger: logger.child({ subsystem: "simulator" }),
      });
      stopSteps.push({ name: "simuladores", run: () => simulators.stop() });
      const collector = await startCollectorRuntime({
        db,
        databaseUrl: config.DATABASE_URL,
        file: demoCollectorFile(DEMO_SITE, simulators, dataDir),
        dataDir,
        logger: logger.child({ subsystem: "collector" }),
        // The demo's own simulator: its certificate is trusted the first time (never in production).
        trustOnFirstUse: true,
      });
      stopSteps.push({ name: "colector", run: () => collector.stop() });
    }

    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(config.PORT, config.HOST, () => resolve());
    });
    stopSteps.push({
      name: "http",
      run: () =>
        new Promise<void>((resolve) => {
          // Stop accepting, let in-flight requests finish, then cut idle keep-alive sockets.
          httpServer.close(() => resolve());
          httpServer.closeIdleConnections();
          setTimeout(() => httpServer.closeAllConnections(), 5000).unref();
        }),
    });
    const address = httpServer.address() as AddressInfo;
    const url = `${config.AFORO_TLS_CERT ? "https" : "http"}://${config.HOST}:${address.port}`;
    logger.info({ url, ms: Date.now() - startedAt, demo: config.AFORO_DEMO, db: db.engine }, "Aforo listo");

    let stopping: Promise<void> | null = null;
    return {
      url,
      db,
      stop(reason = "stop") {
        stopping ??= (async () => {
          logger.info({ reason }, "deteniendo Aforo");
          await stopAll();
          logger.info("Aforo detenido");
        })();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
