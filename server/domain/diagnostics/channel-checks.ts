import { ALARM_TYPE } from "../alarms/index";
import { formatSeconds, secondsBetween } from "./dates";
import type { DiagnosticsThresholds } from "./thresholds";
import type { CheckResult } from "./types";

/**
 * Communication-channel checks (A30-DIAG-01 class 2): reachability (age of the last data or
 * batch), spool backlog and error rate.
 *  - `CANAL:<collector>` (a configured link): data freshness of its tags → type 5;
 *  - `RED:<collector>` (a collector pushing batches to the UCC): batch heartbeat → type 7
 *    "Falla en la red de comunicación" (same component the collector's own link monitor uses).
 */
export interface ChannelInput {
  component: string;
  installationId: number | null;
  kind: "link" | "collector";
  enabled: boolean;
  /** Latest good reading of any of its tags (links). */
  lastData: Date | null;
  /** Latest batch received from the collector (collectors; links whose key also sends batches). */
  lastBatch: { receivedAt: Date; lastTime: Date | null } | null;
  /** Readings in the window and how many had bad quality. */
  total: number;
  bad: number;
  /** How many tags are assigned to it (links). */
  tagCount: number;
}

function common(channel: ChannelInput) {
  return { component: channel.component, componentClass: "channel" as const, installationId: channel.installationId };
}

export function checkReachability(channel: ChannelInput, now: Date, t: DiagnosticsThresholds): CheckResult {
  const alarmType = channel.kind === "collector" ? ALARM_TYPE.networkFailure : ALARM_TYPE.communicationProblem;
  const result = { ...common(channel), check: "reachability" as const, alarmType, severity: "high" as const };
  if (!channel.enabled) return { ...result, state: "unknown", reason: "enlace deshabilitado", alarmType: null };
  const candidates = [channel.lastData, channel.lastBatch?.receivedAt ?? null].filter((d): d is Date => d !== null);
  const last = candidates.length > 0 ? new Date(Math.max(...candidates.map((d) => d.getTime()))) : null;
  if (!last) {
    if (channel.kind === "link" && channel.tagCount === 0) return { ...result, state: "unknown", reason: "sin etiquetas asignadas", alarmType: null };
    return {
      ...result,
      state: "fault",
      reason: `sin datos recibidos en los últimos ${formatSeconds(t.sampleWindowS)}`,
      faultSince: new Date(now.getTime() - t.sampleWindowS * 1000),
    };
  }
  const age = secondsBetween(last, now);
  const what = channel.kind === "collector" ? "lote" : "dato";
  if (age > t.channelHeartbeatS) {
    return {
      ...result,
      state: "fault",
      reason: `sin comunicación: último ${what} recibido hace ${formatSeconds(age)} (límite ${t.channelHeartbeatS} s)`,
      faultSince: last,
      details: { last: last.toISOString(), ageS: Math.round(age * 10) / 10 },
    };
  }
  return { ...result, state: "ok", reason: `último ${what} hace ${formatSeconds(Math.max(0, age))}`, details: { last: last.toISOString() } };
}

/**
 * Spool backlog: how late the latest batch delivered its data (received − newest reading in it).
 * A large lag means the collector is still draining readings buffered during an outage; recorded
 * in the bitácora, no alarm (the outage itself already raised one).
 */
export function checkSpoolLag(channel: ChannelInput, t: DiagnosticsThresholds): CheckResult {
  const result = { ...common(channel), check: "spool-lag" as const, alarmType: null, severity: "medium" as const };
  if (!channel.lastBatch?.lastTime) return { ...result, state: "unknown", reason: "sin lotes con lecturas" };
  const lag = secondsBetween(channel.lastBatch.lastTime, channel.lastBatch.receivedAt);
  if (lag > t.spoolLagMaxS) {
    return {
      ...result,
      state: "fault",
      reason: `búfer del colector atrasado: el último lote trajo datos de hace ${formatSeconds(lag)} (límite ${formatSeconds(t.spoolLagMaxS)})`,
      details: { lagS: Math.round(lag) },
    };
  }
  return { ...result, state: "ok", reason: `búfer al día (retraso ${formatSeconds(Math.max(0, lag))})`, details: { lagS: Math.round(Math.max(0, lag)) } };
}

/** Error rate: share of bad-quality readings in the window (failed reads) above `errorRateMax` → type 5. */
export function checkErrorRate(channel: ChannelInput, t: DiagnosticsThresholds): CheckResult {
  const result = { ...common(channel), check: "error-rate" as const, alarmType: ALARM_TYPE.communicationProblem, severity: "medium" as const };
  if (channel.total < t.errorRateMinSamples) {
    return { ...result, state: "unknown", reason: `muestras insuficientes (${channel.total} < ${t.errorRateMinSamples})`, alarmType: null };
  }
  const rate = channel.bad / channel.total;
  const pct = (rate * 100).toFixed(1);
  if (rate > t.errorRateMax) {
    return {
      ...result,
      state: "fault",
      reason: `tasa de errores ${pct} % (${channel.bad} de ${channel.total} lecturas con mala calidad; límite ${(t.errorRateMax * 100).toFixed(1)} %)`,
      details: { rate, bad: channel.bad, total: channel.total },
    };
  }
  return { ...result, state: "ok", reason: `tasa de errores ${pct} %`, details: { rate, bad: channel.bad, total: channel.total } };
}
