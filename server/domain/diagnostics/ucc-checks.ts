import { ALARM_TYPE } from "../alarms/index";
import { formatSeconds, secondsBetween } from "./dates";
import type { DiagnosticsThresholds } from "./thresholds";
import type { CheckResult } from "./types";

/**
 * UCC checks (A30-DIAG-01 class 3): database reachable, disk free space, clock, process restarts
 * and backup age. An unreachable database or a nearly full disk is a "Falla del medio de
 * almacenamiento" (A30-ALM-01 type 6); clock skew and an old backup are recorded in the bitácora.
 */
export const UCC_COMPONENTS = {
  database: "UCC:db",
  disk: "UCC:disk",
  clock: "UCC:clock",
  process: "UCC:process",
  backup: "UCC:backup",
} as const;

const ucc = (component: string) => ({ component, componentClass: "ucc" as const, installationId: null });

export function checkDatabase(input: { ok: boolean; error?: string | null; downSince?: Date | null }): CheckResult {
  const result = { ...ucc(UCC_COMPONENTS.database), check: "database" as const, alarmType: ALARM_TYPE.storageFailure, severity: "critical" as const };
  if (input.ok) return { ...result, state: "ok", reason: "la base de datos responde" };
  return { ...result, state: "fault", reason: `la base de datos no responde: ${input.error ?? "sin detalle"}`, faultSince: input.downSince ?? null };
}

export interface DiskSample {
  path: string;
  /** Bytes available to the process (statfs bavail × bsize). */
  freeBytes: number;
  totalBytes: number;
}

/** Free space below `diskMinFreePct` (strictly) → type 6 (A30-DIAG-02 acceptance: below 5 %). */
export function checkDisk(sample: DiskSample | { path: string; error: string }, t: DiagnosticsThresholds): CheckResult {
  const result = { ...ucc(UCC_COMPONENTS.disk), check: "disk" as const, alarmType: ALARM_TYPE.storageFailure, severity: "critical" as const };
  if ("error" in sample) return { ...result, state: "unknown", reason: `no se pudo consultar el disco de ${sample.path}: ${sample.error}`, alarmType: null };
  if (sample.totalBytes <= 0) return { ...result, state: "unknown", reason: `el volumen de ${sample.path} reporta tamaño 0`, alarmType: null };
  const freePct = (sample.freeBytes / sample.totalBytes) * 100;
  const gib = (b: number) => (b / 1024 ** 3).toFixed(1);
  const details = { path: sample.path, freePct: Math.round(freePct * 100) / 100, freeBytes: sample.freeBytes, totalBytes: sample.totalBytes };
  if (freePct < t.diskMinFreePct) {
    return {
      ...result,
      state: "fault",
      reason: `espacio libre ${freePct.toFixed(2)} % (${gib(sample.freeBytes)} de ${gib(sample.totalBytes)} GiB) por debajo del ${t.diskMinFreePct} %`,
      details,
    };
  }
  return { ...result, state: "ok", reason: `espacio libre ${freePct.toFixed(1)} % (${gib(sample.freeBytes)} GiB)`, details };
}

/**
 * Clock: database time vs process time. `processNow` should be the midpoint of the query so the
 * round trip does not count as skew.
 */
export function checkClock(input: { dbNow: Date; processNow: Date }, t: DiagnosticsThresholds): CheckResult {
  const result = { ...ucc(UCC_COMPONENTS.clock), check: "clock" as const, alarmType: null, severity: "medium" as const };
  const skew = secondsBetween(input.processNow, input.dbNow);
  const details = { skewS: Math.round(skew * 1000) / 1000 };
  if (Math.abs(skew) > t.clockSkewMaxS) {
    return { ...result, state: "fault", reason: `desfase de reloj ${skew.toFixed(1)} s entre la base de datos y el proceso (límite ${t.clockSkewMaxS} s)`, details };
  }
  return { ...result, state: "ok", reason: `desfase de reloj ${Math.abs(skew).toFixed(2)} s`, details };
}

export interface ProcessInfo {
  startedAt: Date;
  version: string;
  /** How the previous run ended: clean stop, unexpected (no clean-shutdown marker), or first start. */
  previousEnd: "clean" | "unexpected" | "first-start";
}

/** Process restarts: informational (each start is a bitácora entry, see describeStart). */
export function checkProcess(info: ProcessInfo | null, now: Date): CheckResult {
  const result = { ...ucc(UCC_COMPONENTS.process), check: "process" as const, alarmType: null, severity: "low" as const };
  if (!info) return { ...result, state: "unknown", reason: "inicio del proceso no registrado" };
  const previous = info.previousEnd === "unexpected" ? "; el arranque anterior terminó sin apagado controlado" : "";
  return {
    ...result,
    state: "ok",
    reason: `en operación desde hace ${formatSeconds(secondsBetween(info.startedAt, now))} (versión ${info.version})${previous}`,
    details: { startedAt: info.startedAt.toISOString(), version: info.version, previousEnd: info.previousEnd },
  };
}

export function checkBackup(lastBackupAt: Date | null, now: Date, t: DiagnosticsThresholds): CheckResult {
  const result = { ...ucc(UCC_COMPONENTS.backup), check: "backup" as const, alarmType: null, severity: "medium" as const };
  if (!lastBackupAt) return { ...result, state: "unknown", reason: "sin respaldos registrados en la bitácora" };
  const ageH = secondsBetween(lastBackupAt, now) / 3600;
  if (ageH > t.backupMaxAgeH) {
    return { ...result, state: "fault", reason: `último respaldo hace ${ageH.toFixed(0)} h (límite ${t.backupMaxAgeH} h)`, details: { lastBackupAt: lastBackupAt.toISOString() } };
  }
  return { ...result, state: "ok", reason: `último respaldo hace ${ageH.toFixed(1)} h`, details: { lastBackupAt: lastBackupAt.toISOString() } };
}

/** What the previous run left (component_status row UCC:process). */
export interface PreviousRun {
  startedAt: Date | null;
  stoppedAt: Date | null;
  /** Last time the diagnostics job saw the process alive. */
  lastSeenAt: Date | null;
  version: string | null;
}

export interface LifecycleEntry {
  category: 2 | 3;
  description: string;
  details: Record<string, unknown>;
}

/**
 * Bitácora entries for a server start (A30-LOG-01 categories 2/3): one UCC entry "inicio/reinicio"
 * with the version and how the previous run ended (an unexpected shutdown is detected here: the
 * previous run never wrote its clean-shutdown marker), plus a software entry when the version
 * changed.
 */
export function describeStart(input: { now: Date; version: string; pid: number; previous: PreviousRun | null }): {
  entries: LifecycleEntry[];
  previousEnd: ProcessInfo["previousEnd"];
} {
  const { previous } = input;
  const previousEnd: ProcessInfo["previousEnd"] = !previous?.startedAt ? "first-start" : previous.stoppedAt && previous.stoppedAt >= previous.startedAt ? "clean" : "unexpected";
  let description: string;
  if (previousEnd === "first-start") description = `Inicio de la UCC y del software Aforo, versión ${input.version}`;
  else if (previousEnd === "clean") description = `Reinicio de la UCC y del software Aforo, versión ${input.version} (apagado controlado el ${previous!.stoppedAt!.toISOString()})`;
  else {
    const lastSeen = previous!.lastSeenAt ?? previous!.startedAt!;
    description = `Reinicio de la UCC tras un apagado no controlado (última actividad registrada ${lastSeen.toISOString()}), versión ${input.version}`;
  }
  const entries: LifecycleEntry[] = [
    {
      category: 2,
      description,
      details: {
        event: "ucc-start",
        version: input.version,
        pid: input.pid,
        previousEnd,
        previousStartedAt: previous?.startedAt?.toISOString() ?? null,
        previousStoppedAt: previous?.stoppedAt?.toISOString() ?? null,
        previousLastSeenAt: previous?.lastSeenAt?.toISOString() ?? null,
      },
    },
  ];
  if (previous?.version && previous.version !== input.version) {
    entries.push({
      category: 3,
      description: `Actualización de versión del software Aforo de ${previous.version} a ${input.version}`,
      details: { event: "version-update", from: previous.version, to: input.version },
    });
  }
  return { entries, previousEnd };
}

export function describeStop(input: { version: string; reason: string; startedAt: Date | null; now: Date }): LifecycleEntry {
  const uptime = input.startedAt ? ` tras ${formatSeconds(secondsBetween(input.startedAt, input.now))} en operación` : "";
  return {
    category: 2,
    description: `Apagado controlado de la UCC y del software Aforo (${input.reason})${uptime}, versión ${input.version}`,
    details: { event: "ucc-stop", reason: input.reason, version: input.version },
  };
}
