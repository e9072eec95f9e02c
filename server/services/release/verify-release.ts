import type { Database } from "../../../db/client";
import { findOpenAlarmBySourceKey, raiseAlarm } from "../../../db/repositories/alarms";
import { appendEventLog } from "../../../db/repositories/event-log";
import { ALARM_TYPE } from "../../domain/alarms/index";
import { EVENT_CATEGORY, TAMPER_EVENT_TYPE } from "../../domain/event-log/index";
import type { ReleaseStatus } from "../../domain/release/index";
import type { Logger } from "../../platform/logger";
import { RELEASE_MANIFEST_FILE, checkRelease } from "../../platform/release";

export { currentRelease, registerRelease, releaseSummary, unregisterRelease } from "./current";

/**
 * Start-up integrity check of the program files (A30-SEC-14, A30 30.6.2 XI): the shipped files
 * against release-manifest.json. When a manifest is present and does not match, the alteration is
 * recorded once: one bitácora entry (category 3 "programas informáticos", SAT type 13 «intento de
 * alteración») and one alarm of type 3 «intento de alteración» (A30-ALM-01, SAT code 13), both
 * naming the files, in one transaction. While that alarm is open (same version and same altered
 * tree), later starts write nothing new. No manifest (a developer's checkout) only logs a warning.
 */
export const RELEASE_COMPONENT = "UCC:software";

/** Files named in the bitácora details and the alarm (a wholesale replacement stays a readable row). */
const MAX_LISTED = 200;

export interface VerifyReleaseOptions {
  root: string;
  version: string;
  now: Date;
  logger: Logger;
}

export interface VerifyReleaseResult extends ReleaseStatus {
  /** Set when this start recorded the alteration (null when nothing was written). */
  eventLogId: number | null;
  alarmId: number | null;
}

export async function verifyReleaseAtStartup(db: Pick<Database, "transaction">, options: VerifyReleaseOptions): Promise<VerifyReleaseResult> {
  const { root, version, now, logger } = options;
  const status = await checkRelease(root, version);
  const summary = { version, hash: status.hash, manifest: status.manifest };
  if (status.manifest === "verified") {
    logger.info(summary, "archivos del programa verificados contra el manifiesto de versión");
    return { ...status, eventLogId: null, alarmId: null };
  }
  if (status.manifest === "absent") {
    logger.warn(summary, `sin ${RELEASE_MANIFEST_FILE}: no se pueden verificar los archivos del programa (genérelo con npm run release:manifest)`);
    return { ...status, eventLogId: null, alarmId: null };
  }
  logger.error(
    { ...summary, changed: status.changed, missing: status.missing, added: status.added, reason: status.reason },
    "¡archivos del programa alterados! no corresponden al manifiesto de versión",
  );
  const recorded = await recordAlteration(db, status, now);
  return { ...status, ...recorded };
}

/** "cambiados: a, b; faltantes: c; agregados: d" (the whole lists stay in the details). */
export function describeAlteration(status: Pick<ReleaseStatus, "changed" | "missing" | "added" | "reason">): string {
  const parts: string[] = [];
  if (status.changed.length > 0) parts.push(`cambiados: ${status.changed.join(", ")}`);
  if (status.missing.length > 0) parts.push(`faltantes: ${status.missing.join(", ")}`);
  if (status.added.length > 0) parts.push(`agregados: ${status.added.join(", ")}`);
  if (status.reason) parts.push(status.reason);
  return parts.join("; ");
}

async function recordAlteration(db: Pick<Database, "transaction">, status: ReleaseStatus, now: Date): Promise<{ eventLogId: number | null; alarmId: number | null }> {
  // Same version and same altered tree → same condition: one record while its alarm is open.
  const sourceKey = `release:${status.version}:${status.hash}`;
  const what = describeAlteration(status);
  const description = clip(`Intento de alteración: archivos del programa Aforo v${status.version} distintos del manifiesto de versión (${what})`);
  const details = {
    event: "release-integrity",
    version: status.version,
    hash: status.hash,
    manifest: RELEASE_MANIFEST_FILE,
    changed: status.changed.slice(0, MAX_LISTED),
    missing: status.missing.slice(0, MAX_LISTED),
    added: status.added.slice(0, MAX_LISTED),
    counts: { changed: status.changed.length, missing: status.missing.length, added: status.added.length },
    ...(status.reason ? { reason: status.reason } : {}),
  };
  return db.transaction(async (tx) => {
    const open = await findOpenAlarmBySourceKey(tx, sourceKey);
    if (open) return { eventLogId: null, alarmId: open.id };
    const entry = await appendEventLog(tx, {
      time: now,
      username: "sistema",
      category: EVENT_CATEGORY.software,
      eventType: TAMPER_EVENT_TYPE,
      description,
      component: RELEASE_COMPONENT,
      details,
    });
    const alarm = await raiseAlarm(tx, {
      time: now,
      occurredAt: now,
      component: RELEASE_COMPONENT,
      type: ALARM_TYPE.tamperAttempt,
      severity: "critical",
      description,
      sourceKey,
      eventLogId: entry.id,
      details: { ...details, eventLogId: entry.id },
    });
    return { eventLogId: entry.id, alarmId: alarm.id };
  });
}

/** The bitácora description and the alarm text are limited to 250 characters. */
function clip(text: string): string {
  return text.length <= 250 ? text : `${text.slice(0, 249)}…`;
}
