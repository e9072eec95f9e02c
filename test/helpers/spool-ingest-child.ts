/**
 * Child process of the kill -9 test (test/integration/collectors/spool): writes the deterministic
 * stream through the durable sink (spool + forwarder) and appends to an ack log the last index of
 * every chunk whose `push` resolved, i.e. whose readings were fsync'd (the durability point).
 * The test SIGKILLs it mid-stream, starts it again (it resumes after the last acknowledged index),
 * and then checks the database against the log.
 *
 *   node --import tsx test/helpers/spool-ingest-child.ts   (config in AFORO_SPOOL_CHILD, JSON)
 *
 * Log lines: `ack <lastIndex>`, `generated`, `done <forwardedSequence>`.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { openDatabase } from "../../db/client";
import { openMeasurementSink } from "../../collectors/sink/measurement-sink";
import { streamReadings } from "./deterministic-readings";

interface ChildConfig {
  spoolDir: string;
  collectorKey: string;
  /** PostgreSQL URL, or unset for PGlite in `pgliteDir`. */
  databaseUrl?: string;
  pgliteDir?: string;
  prefix: string;
  tags: number;
  from: number;
  to: number;
  chunk: number;
  intervalMs: number;
  ackLog: string;
  maxBatch?: number;
}

const config = JSON.parse(process.env.AFORO_SPOOL_CHILD ?? "{}") as ChildConfig;
const ackFd = openSync(config.ackLog, "a");
const log = (line: string): void => {
  writeSync(ackFd, `${line}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const db = await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl, applicationName: "aforo-spool-child" } : { dataDir: config.pgliteDir });
const sink = await openMeasurementSink(db, {
  spoolDir: config.spoolDir,
  collectorKey: config.collectorKey,
  databaseUrl: config.databaseUrl,
  maxBatch: config.maxBatch ?? 500,
  maxRetryDelayMs: 500,
});
log(`start ${config.from} ${process.pid}`);
for (let i = config.from; i < config.to; i += config.chunk) {
  const end = Math.min(config.to, i + config.chunk);
  await sink.push(streamReadings(config.prefix, i, end, config.tags));
  log(`ack ${end - 1}`);
  if (config.intervalMs > 0) await sleep(config.intervalMs);
}
log("generated");
for (;;) {
  try {
    await sink.flush();
    break;
  } catch {
    await sleep(200);
  }
}
log(`done ${sink.stats().forwarder?.forwardedSequence ?? -1}`);
await sink.close();
await db.close();
closeSync(ackFd);
process.exit(0);
