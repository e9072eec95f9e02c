import { statfs as fsStatfs } from "node:fs/promises";
import path from "node:path";
import type { Database } from "../../../db/client";
import {
  DEFAULT_THRESHOLDS,
  checkBackup,
  checkCalibration,
  checkClock,
  checkDatabase,
  checkDisk,
  checkErrorRate,
  checkFrozen,
  checkOutOfRange,
  checkProcess,
  checkReachability,
  checkSpoolLag,
  checkStale,
  parseThresholds,
  planActions,
  sourceKeyFor,
  summarize,
  suppressBehindChannels,
  windowsForElements,
  type ChannelInput,
  type CheckResult,
  type CheckState,
  type DiagnosticsThresholds,
  type DiskSample,
  type OpenAlarm,
  type ProcessInfo,
} from "../../domain/diagnostics/index";
import type { Logger } from "../../platform/logger";
import {
  readCollectors,
  readComponentStatus,
  readLastBackup,
  readLatestBatches,
  readMeasurementSystems,
  readOpenAlarms,
  readTagWindows,
  readTanks,
  readThresholdSetting,
} from "./gather";
import { readRunningSelfTests, settleSelfTests, type SelfTest } from "./self-test";
import { applyAction, upsertComponentStatus } from "./write";

/**
 * The self-diagnosis job (A30-DIAG-01/02, Anexo 30 30.6.1.1 VI): gathers data with a handful of
 * queries plus statfs, runs the pure checks, stores each component's state in component_status
 * and turns transitions into bitácora entries and alarms. Runs every `runEveryS` (15 s), so a
 * communication loss is alarmed within staleAfterS + runEveryS ≤ 45 s (≤ 60 s required).
 */
export type StatfsFn = (dir: string) => Promise<{ bavail: number | bigint; blocks: number | bigint; bsize: number | bigint }>;

export interface DiagnosticsServiceOptions {
  db: Database;
  /** Directory whose volume is checked (AFORO_DATA_DIR: embedded database, spool). */
  dataDir: string;
  logger?: Logger;
  /** Injectable for tests (A30-DIAG-02 disk-full simulation). */
  statfs?: StatfsFn;
  /** Fixed thresholds; otherwise app_settings 'diagnostics.thresholds' over the defaults, read every run. */
  thresholds?: DiagnosticsThresholds;
  /** The real process clock for the clock-skew check (the job's `now` may be injected). */
  wallClock?: () => Date;
  /** What recordServerStart returned, for the process check. */
  process?: ProcessInfo | null;
  /** Backup age is read at most this often (a scan of the bitácora). */
  backupRefreshMs?: number;
}

export interface DiagnosticsRun {
  ok: boolean;
  results: CheckResult[];
  raised: OpenAlarm[];
  actions: number;
  selfTests: SelfTest[];
}

export interface DiagnosticsService {
  runOnce(now: Date): Promise<DiagnosticsRun>;
  thresholds(): DiagnosticsThresholds;
}

/** During start-up a freshness result is shown as "en arranque" and changes nothing (no alarm raised or cleared). */
function warmUp(result: CheckResult): CheckResult {
  return { ...result, state: "unknown", alarmType: null, reason: `en arranque: se evalúa tras el periodo inicial (${result.reason})`, details: { ...result.details, warmingUp: true } };
}

export function createDiagnosticsService(options: DiagnosticsServiceOptions): DiagnosticsService {
  const { db } = options;
  const statfs: StatfsFn = options.statfs ?? ((dir) => fsStatfs(dir));
  const wallClock = options.wallClock ?? (() => new Date());
  let thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  let dbDownSince: Date | null = null;
  let dbError: string | null = null;
  let backupCache: { at: number; value: Date | null } | null = null;

  async function loadThresholds(): Promise<DiagnosticsThresholds> {
    if (options.thresholds) return options.thresholds;
    const raw = await readThresholdSetting(db);
    if (raw === undefined) return DEFAULT_THRESHOLDS;
    try {
      return parseThresholds(raw);
    } catch (error) {
      options.logger?.warn({ error: (error as Error).message }, "umbrales de autodiagnóstico inválidos; se usan los predeterminados");
      return DEFAULT_THRESHOLDS;
    }
  }

  async function sampleDisk(): Promise<DiskSample | { path: string; error: string }> {
    const dir = path.resolve(options.dataDir);
    try {
      const s = await statfs(dir);
      return { path: dir, freeBytes: Number(s.bavail) * Number(s.bsize), totalBytes: Number(s.blocks) * Number(s.bsize) };
    } catch (error) {
      return { path: dir, error: (error as Error).message };
    }
  }

  return {
    thresholds: () => thresholds,
    async runOnce(now) {
      // 1. The database itself: if it does not answer nothing else can be checked or recorded.
      let dbNow: Date;
      const before = wallClock().getTime();
      try {
        const [row] = await db.query<{ now: Date | string }>("select now() as now");
        dbNow = new Date(row!.now);
      } catch (error) {
        dbDownSince ??= now;
        dbError = (error as Error).message;
        options.logger?.error({ error: dbError }, "autodiagnóstico: la base de datos no responde");
        return { ok: false, results: [checkDatabase({ ok: false, error: dbError, downSince: dbDownSince })], raised: [], actions: 0, selfTests: [] };
      }
      const processMid = new Date((before + wallClock().getTime()) / 2);
      thresholds = await loadThresholds();
      const t = thresholds;

      const running = await readRunningSelfTests(db);
      const [windows, systems, tanks, collectors, batches, openList, stored, disk] = await Promise.all([
        readTagWindows(db, new Date(now.getTime() - t.sampleWindowS * 1000), running),
        readMeasurementSystems(db),
        readTanks(db),
        readCollectors(db),
        readLatestBatches(db),
        readOpenAlarms(db),
        readComponentStatus(db),
        sampleDisk(),
      ]);
      if (!backupCache || Date.now() - backupCache.at > (options.backupRefreshMs ?? 300_000)) {
        backupCache = { at: Date.now(), value: await readLastBackup(db) };
      }

      const results: CheckResult[] = [];
      const channelOf = new Map<string, string | null>();
      // Class 1: measurement systems (and the tanks' strapping-table certificates).
      // Right after start-up the collectors have not delivered yet: freshness is not judged until
      // staleAfterS has passed since the process started (no alarm flood at every restart).
      const warmingUp = options.process ? now.getTime() - options.process.startedAt.getTime() < t.staleAfterS * 1000 : false;
      for (const ms of systems) {
        const own = windowsForElements(windows, ms.installationKey, ms.elementKeys);
        channelOf.set(ms.key, ms.channel);
        results.push(warmingUp ? warmUp(checkStale(ms, own, now, t)) : checkStale(ms, own, now, t));
        results.push(checkFrozen(ms, own, t), checkOutOfRange(ms, own, t));
        results.push(
          checkCalibration(
            { component: ms.key, componentClass: "measurement_system", installationId: ms.installationId, validUntil: ms.calibrationValidUntil, timeZone: ms.timeZone, inOperation: ms.inOperation, label: "sistema de medición" },
            now,
            t,
          ),
        );
      }
      for (const tank of tanks) {
        results.push(
          checkCalibration(
            { component: tank.key, componentClass: "measurement_system", installationId: tank.installationId, validUntil: tank.calibrationValidUntil, timeZone: tank.timeZone, inOperation: tank.inOperation, label: "tabla de calibración del tanque" },
            now,
            t,
          ),
        );
      }
      // Class 2: communication channels.
      const byTag = new Map(windows.map((w) => [w.tag, w]));
      const configured = new Set<string>();
      for (const c of collectors) {
        configured.add(c.key);
        let lastData: Date | null = null;
        let total = 0;
        let bad = 0;
        for (const tag of c.tags) {
          const w = byTag.get(tag);
          if (!w) continue;
          total += w.total;
          bad += w.bad;
          if (w.lastGood && (!lastData || w.lastGood > lastData)) lastData = w.lastGood;
        }
        const channel: ChannelInput = {
          component: `CANAL:${c.key}`,
          installationId: c.installationId,
          kind: "link",
          enabled: c.enabled,
          lastData,
          lastBatch: batches.get(c.key) ?? null,
          total,
          bad,
          tagCount: c.tags.length,
        };
        results.push(warmingUp ? warmUp(checkReachability(channel, now, t)) : checkReachability(channel, now, t));
        if (!warmingUp) results.push(checkErrorRate(channel, t));
        if (channel.lastBatch) results.push(checkSpoolLag(channel, t));
      }
      for (const [key, batch] of batches) {
        if (configured.has(key)) continue;
        if (now.getTime() - batch.receivedAt.getTime() > t.forgetUnconfiguredAfterH * 3_600_000) continue;
        const channel: ChannelInput = { component: `RED:${key}`, installationId: null, kind: "collector", enabled: true, lastData: null, lastBatch: batch, total: 0, bad: 0, tagCount: 0 };
        results.push(warmingUp ? warmUp(checkReachability(channel, now, t)) : checkReachability(channel, now, t));
        results.push(checkSpoolLag(channel, t));
      }
      // Class 3: the UCC.
      const recoveredFrom = dbDownSince;
      results.push(
        checkDatabase({ ok: true }),
        checkDisk(disk, t),
        checkClock({ dbNow, processNow: processMid }, t),
        checkProcess(options.process ?? null, now),
        checkBackup(backupCache.value, now, t),
      );

      const final = suppressBehindChannels(results, channelOf);
      const openAlarms = new Map(openList.filter((a) => a.sourceKey.startsWith("diag:")).map((a) => [a.sourceKey, a]));
      const externallyAlarmed = new Set(openList.filter((a) => a.sourceKey.startsWith("link:")).map((a) => a.component));
      const previous = new Map(
        stored.map((s) => [s.component, ((s.detail?.checks ?? {}) as Record<string, { state: CheckState; logged?: boolean }>)]),
      );
      const actions = planActions({ results: final, openAlarms, externallyAlarmed, previous });

      const raised: OpenAlarm[] = [];
      // A database outage seen by earlier runs is recorded now, with its real start, and closed.
      if (recoveredFrom) {
        const fault = checkDatabase({ ok: false, error: dbError, downSince: recoveredFrom });
        const alarm = await applyAction(db, { kind: "raise", result: fault, sourceKey: sourceKeyFor("database", fault.component), category: 2 }, now);
        if (alarm) {
          await applyAction(db, { kind: "clear", result: checkDatabase({ ok: true }), alarm, resumption: false, category: 2 }, now);
          raised.push(alarm);
        }
        dbDownSince = null;
        dbError = null;
      }
      for (const action of actions) {
        try {
          const alarm = await applyAction(db, action, now);
          if (alarm) raised.push(alarm);
        } catch (error) {
          options.logger?.error({ error: (error as Error).message, component: action.result.component, check: action.result.check }, "autodiagnóstico: no se pudo registrar la transición");
        }
      }
      await upsertComponentStatus(db, summarize(final), now);
      const selfTests = running.length > 0 ? await settleSelfTests(db, running, [...openList, ...raised], now) : [];
      return { ok: true, results: final, raised, actions: actions.length, selfTests };
    },
  };
}
