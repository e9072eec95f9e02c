import type { Database } from "../../../db/client";
import type { Job } from "../../jobs/scheduler";
import { createForeignSessionMonitor } from "./foreign-sessions";
import { processTamperAttempts } from "./process-tamper-attempts";
import { runIntegrityCheck } from "./verify-integrity";

/** Scheduled work of the bitácora (registered in server/start-server.ts). */
export const TAMPER_JOB = "intentos de alteración";

export function eventLogJobs(db: Database): Job[] {
  const jobs: Job[] = [
    // A30-LOG-07 / A30-ALM-03: staged attempts and refused-statement counters → entry + alarm type 3.
    { name: TAMPER_JOB, everyMs: 5_000, runAtStart: true, run: (now) => processTamperAttempts(db, now) },
    // A30-LOG-06: daily self-verification of the chain (and at start-up).
    { name: "verificación de la bitácora", everyMs: 86_400_000, runAtStart: true, run: (now) => runIntegrityCheck(db, now) },
  ];
  if (db.engine === "postgres") {
    // A30-LOG-08: database sessions by other means, polled every 30 s (≤ 60 s).
    const monitor = createForeignSessionMonitor(db);
    jobs.push({ name: "accesos por otros medios", everyMs: 30_000, runAtStart: true, run: (now) => monitor.poll(now) });
  }
  return jobs;
}
