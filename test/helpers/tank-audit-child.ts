/**
 * Child process of the tank-audit kill -9 test (test/integration/collectors/pipeline): feeds the
 * collector's tank pipeline, with its fsync'd audit journal, one deterministic step per simulated
 * second (every tank's level, temperature, density and water level — `tankAuditStep`), one
 * `tank_readings` row per tank and step (audit interval 1 s), and appends `ack <step>` to a log
 * once that step's rows are fsync'd in the journal (the durability point). The test SIGKILLs it,
 * restarts it after the last acknowledged step and checks the database against the steps.
 *
 *   node --import tsx test/helpers/tank-audit-child.ts   (config in AFORO_TANK_AUDIT_CHILD, JSON)
 *
 * Log lines: `start <from> <pid>`, `ack <step>`, `generated`, `done <rowsInsertedByThisRun>`.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { openDatabase } from "../../db/client";
import { loadTankMeasurementConfigs } from "../../db/repositories/tank-readings";
import { openTankAuditJournal } from "../../collectors/pipeline/audit-journal";
import { createTankPipeline } from "../../collectors/pipeline/tank-pipeline";
import { createLogger } from "../../server/platform/logger";
import { tankAuditStep } from "./tank-audit-steps";

interface ChildConfig {
  journalDir: string;
  databaseUrl?: string;
  pgliteDir?: string;
  from: number;
  to: number;
  intervalMs: number;
  ackLog: string;
}

const config = JSON.parse(process.env.AFORO_TANK_AUDIT_CHILD ?? "{}") as ChildConfig;
const ackFd = openSync(config.ackLog, "a");
const log = (line: string): void => {
  writeSync(ackFd, `${line}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const db = await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl, applicationName: "aforo-tank-audit-child" } : { dataDir: config.pgliteDir });
// As the collector runtime: the journal first (no database needed), then the tank configuration,
// retried while the database does not answer (restarted during the outage).
const journal = await openTankAuditJournal({ dir: config.journalDir, db });
log(`start ${config.from} ${process.pid}`);
let configs;
for (;;) {
  try {
    configs = await loadTankMeasurementConfigs(db);
    break;
  } catch {
    await sleep(200);
  }
}
const pipeline = createTankPipeline({ db, configs, logger: createLogger("silent"), auditIntervalMs: 1000, flushIntervalMs: 200, journal });
for (let step = config.from; step < config.to; step++) {
  pipeline.process(tankAuditStep(configs, step));
  await pipeline.whenDurable();
  log(`ack ${step}`);
  if (config.intervalMs > 0) await sleep(config.intervalMs);
}
log("generated");
for (;;) {
  try {
    await pipeline.flush();
    if (pipeline.stats().auditRowsPending === 0) break;
  } catch {
    await sleep(200);
  }
}
log(`done ${pipeline.stats().auditRowsWritten}`);
await pipeline.close();
await db.close();
closeSync(ackFd);
process.exit(0);
