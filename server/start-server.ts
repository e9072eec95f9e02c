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
import { applyRawRetention, refreshRollups } from "../db/timeseries";
import type { Config } from "./config";
import { DEMO_SITE } from "./contracts/demo-site";
import { createFrontLayer } from "./http/front";
import { registerRuntime, unregisterRuntime, type AforoRuntime } from "./http/runtime";
import { expireIdleSessions } from "./services/security/sessions";
import { refreshCertificateStatuses } from "./services/csd/index";
import { cfdiInboxJob } from "./services/cfdi/index";
import { scheduledReportsJob } from "./services/sat-reports/scheduled";
import { startScheduler, type Job } from "./jobs/scheduler";
import { systemClock, type Clock } from "./platform/clock";
import type { Logger } from "./platform/logger";
import { resolveSecrets } from "./platform/secrets";
import { AFORO_VERSION } from "./platform/version";
import { startRealtimeGateway } from "./realtime/gateway";
import { runDueCuts } from "./services/inventory/index";
import { seedDemoFiscalDocuments } from "./services/demo/fiscal-documents";
import { assertEnvironment } from "./services/security/environment";
import { demoHistoryDaysSincePreviousMonth, seedDemoWithHistory } from "./services/demo/index";
import { atgReportFromCollector, incompleteRecordsJob, operationDetectionJob, recordAtgDelivery } from "./services/operations/index";
import { recordsIntegrityJob } from "./services/records-integrity/index";
import { createDiagnosticsService, recordServerStart, recordServerStop } from "./services/diagnostics/index";
import { escalateUnattendedFaults } from "./services/alarms/escalation";
import { eventLogJobs, TAMPER_CHANNEL, TAMPER_JOB } from "./services/event-log/index";
import { registerRelease, verifyReleaseAtStartup } from "./services/release/verify-release";

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
  let stopReason = "arranque fallido";
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
    // A30-SEC-12: production runs without demo accounts (and refuses test CSDs, A30-CSD-06).
    await assertEnvironment(db, config.AFORO_ENV);
    // Issues #4 and #6 (item 14): the first start of a demo database also generates the previous
    // full calendar month and the current month to date (operations, daily cuts, findings, demo
    // CFDI and dictámenes); the live simulators then continue from its final state.
    const demoHistory = config.AFORO_DEMO
      ? await seedDemoWithHistory(db, DEMO_SITE, {
          now: clock.now(),
          days: config.AFORO_DEMO_HISTORY_DAYS ?? demoHistoryDaysSincePreviousMonth(DEMO_SITE, clock.now()),
          logger: logger.child({ subsystem: "demo-history" }),
        })
      : null;
    // Issue #6 item 14: the history's receptions and truck loadings get demo CFDI, its lots demo dictámenes.
    if (demoHistory) await seedDemoFiscalDocuments(db, { until: clock.now(), now: clock.now(), logger: logger.child({ subsystem: "demo-history" }) });
    // A30-LOG-01 categories 2/3: this start in the bitácora; the clean stop too (runs just before the database closes).
    const processInfo = await recordServerStart(db, { now: clock.now(), version: AFORO_VERSION, pid: process.pid });
    // A30-SEC-14: shipped files vs release-manifest.json (alteration → bitácora entry + type-3 alarm); kept for /api/health and the footer.
    const release = await verifyReleaseAtStartup(db, { root: PROJECT_ROOT, version: AFORO_VERSION, now: clock.now(), logger: logger.child({ subsystem: "release" }) });
    registerRelease(release);
    stopSteps.push({
      name: "bitácora de apagado",
      run: async () => void (await recordServerStop(db, { now: clock.now(), version: AFORO_VERSION, reason: stopReason, startedAt: processInfo.startedAt })),
    });

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
    // Issue #5: security headers, CSRF, rate limits, body limits and the security log's user
    // activity, in front of every request (server/http/front.ts).
    const front = createFrontLayer({
      db,
      logger: logger.child({ subsystem: "http" }),
      authSecret: secrets.authSecret,
      tls: Boolean(config.AFORO_TLS_CERT),
      now: () => clock.now(),
      limits: { loginPerMinute: config.AFORO_RATE_LIMIT_LOGIN_PER_MIN, apiPerMinute: config.AFORO_RATE_LIMIT_API_PER_MIN },
    });
    stopSteps.push({ name: "bitácora de seguridad", run: () => front.flush() });
    const onRequest: http.RequestListener = (req, res) => {
      if (front.handle(req, res)) return;
      handle(req, res).catch((error: unknown) => {
        // A30-SEC-15: the error is logged for the operator; the client gets no internals.
        logger.error({ url: req.url, error: (error as Error).message }, "error al atender la solicitud");
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" }).end("Error interno del servidor");
      });
    };
    const httpServer =
      config.AFORO_TLS_CERT && config.AFORO_TLS_KEY
        ? https.createServer({ cert: readFileSync(config.AFORO_TLS_CERT), key: readFileSync(config.AFORO_TLS_KEY) }, onRequest)
        : http.createServer(onRequest);
    // Idle keep-alive sockets live longer than the clients' (browsers, reverse proxies ~60 s): with
    // Node's 5 s default a client reusing a socket the server is closing gets ECONNRESET.
    httpServer.keepAliveTimeout = 65_000;
    httpServer.headersTimeout = 66_000;

    const gateway = await startRealtimeGateway({
      httpServer,
      db,
      authSecret: secrets.authSecret,
      now: () => clock.now(),
      idleTimeoutS: config.AFORO_IDLE_TIMEOUT_S,
      logger: logger.child({ subsystem: "realtime" }),
      installationExists: (key) => installationExists(db, key),
    });
    stopSteps.push({ name: "socket.io", run: () => gateway.close() });
    stopSteps.push({ name: "next", run: () => nextApp.close() });

    const jobs: Job[] = [
      // A30-SEC-09: sessions idle past the limit are closed (security log "cierre por inactividad")
      // even when their browser never returns, and their sockets are disconnected.
      {
        name: "cierre de sesiones inactivas",
        everyMs: Math.min(5_000, config.AFORO_IDLE_TIMEOUT_S * 500),
        runAtStart: true,
        run: async (now) => {
          const ended = await expireIdleSessions(db, now, config.AFORO_IDLE_TIMEOUT_S);
          if (ended.length > 0) gateway.endSessions(ended, "idle");
        },
      },
      {
        name: "retención de mediciones",
        everyMs: 3_600_000,
        runAtStart: true,
        run: (now) => applyRawRetention(db, capabilities, now, config.AFORO_RAW_RETENTION_DAYS),
      },
      // A30-INV-01 / A30-REC-02: daily inventory cut at each installation's cut hour; at start it
      // also makes the cuts missed while the server was down ("corte diferido").
      { name: "corte diario de inventario", everyMs: 60_000, runAtStart: true, run: (now) => runDueCuts(db, now) },
    ];
    // A30-CSD-03/05: stored CSDs whose validity ended become Inactivo «caducado», unusable ones Erróneo.
    jobs.push({
      name: "vigencia de certificados CSD",
      everyMs: 3_600_000,
      runAtStart: true,
      run: async (now) => void (await refreshCertificateStatuses(db, now, secrets.encryptionKeyHex)),
    });
    // Issue #6 item 7 (A30-RPT-01/02): the daily report after each cut, the monthly after the month's last cut.
    jobs.push(scheduledReportsJob(db, { keyHex: secrets.encryptionKeyHex, logger: logger.child({ subsystem: "reportes" }) }));
    // Issue #6: CFDI dropped into <data dir>/cfdi-entrada are imported and matched to operations (A30-CFDI).
    jobs.push(cfdiInboxJob(db, { dataDir, logger: logger.child({ subsystem: "cfdi" }) }));
    // Issue #4: receptions and sales detected from tank readings and hose totalizers (A30-REC-01).
    jobs.push(operationDetectionJob(db, { logger: logger.child({ subsystem: "operations" }) }));
    if (!capabilities.continuousAggregates) {
      jobs.push({ name: "agregados de mediciones", everyMs: 10_000, run: (now) => refreshRollups(db, now) });
    }
    // Bitácora: tamper attempts → entry + alarm, daily chain verification, foreign sessions (A30-LOG-06/07/08).
    jobs.push(...eventLogJobs(db));
    // A30-ALM-04: faults not attended within the configured limit (≤ 72 h) raise one type-12 alarm each.
    jobs.push({ name: "fallas no atendidas en 72 h", everyMs: 60_000, runAtStart: true, run: (now) => escalateUnattendedFaults(db, now) });
    // A30-REC-03: records incomplete after the grace period → one type-4 alarm each; A30-REC-04: daily numbering check.
    jobs.push(incompleteRecordsJob(db), recordsIntegrityJob(db));
    // A30-DIAG-01/02: self-diagnosis of measurement systems, channels and the UCC (every 15 s by default).
    const diagnostics = createDiagnosticsService({ db, dataDir, logger: logger.child({ subsystem: "diagnostics" }), process: processInfo });
    jobs.push({ name: "autodiagnóstico", everyMs: diagnostics.thresholds().runEveryS * 1000, runAtStart: true, run: (now) => diagnostics.runOnce(now) });
    const scheduler = startScheduler(jobs, { logger: logger.child({ subsystem: "jobs" }), now: () => clock.now() });
    stopSteps.push({ name: "tareas", run: () => scheduler.stop() });
    // The append-only triggers NOTIFY on every attempt: record it now rather than at the next tick.
    const unlistenTamper = await db.listen(TAMPER_CHANNEL, () => void scheduler.runNow(TAMPER_JOB));
    stopSteps.push({ name: "aviso de intentos de alteración", run: () => unlistenTamper() });

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
        // Same volumes, totalizers and random sequence as where the demo history ended (no jump).
        ...(demoHistory ? { initialState: demoHistory.finalState, initialMeterTotals: demoHistory.meterTotals, seed: demoHistory.rngState } : {}),
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
        // Veeder-Root delivery reports become reception records (idempotent by report key, A30-REC-01).
        onDelivery: (delivery) => {
          recordAtgDelivery(db, atgReportFromCollector(delivery), clock.now()).catch((error: unknown) =>
            logger.error({ error: (error as Error).message, delivery: delivery.key }, "no se pudo registrar la entrega de la consola"),
          );
        },
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
          stopReason = reason;
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
