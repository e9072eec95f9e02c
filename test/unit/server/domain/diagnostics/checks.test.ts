import { describe, expect, it } from "vitest";
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
  checkReachability,
  checkSpoolLag,
  checkStale,
  describeStart,
  parseThresholds,
  planActions,
  sourceKeyFor,
  summarize,
  suppressBehindChannels,
  windowsForElements,
  type ChannelInput,
  type MeasurementSystemInput,
  type TagWindow,
} from "../../../../../server/domain/diagnostics/index";

const now = new Date("2026-11-25T16:00:00Z");
const t = DEFAULT_THRESHOLDS;
const ago = (s: number) => new Date(now.getTime() - s * 1000);

const ms: MeasurementSystemInput = {
  key: "SME-STQ-EDS-0001",
  installationId: 1,
  installationKey: "EDS-0001",
  timeZone: "America/Mexico_City",
  inOperation: true,
  calibrationValidUntil: "2027-06-30",
  elementKeys: ["SME-STQ-EDS-0001", "TQS-EDS-0001"],
  channel: "CANAL:OPCUA-EDS-0001",
  levelMaxMm: 2900,
};

const win = (tag: string, over: Partial<TagWindow> = {}): TagWindow => ({
  tag,
  lastGood: ago(1),
  lastGoodValue: 1500,
  total: 300,
  bad: 0,
  goodCount: 300,
  goodMin: 1499.7,
  goodMax: 1500.3,
  ...over,
});

describe("thresholds (zod)", () => {
  it("A30-DIAG-02: defaults detect communication loss within 60 s and the limit is capped at 300 s", () => {
    expect(t.staleAfterS + t.runEveryS).toBeLessThanOrEqual(60);
    expect(t.diskMinFreePct).toBe(5);
    expect(() => parseThresholds({ staleAfterS: 295, runEveryS: 15 })).toThrow(/300 s/);
    expect(() => parseThresholds({ diskMinFreePct: 150 })).toThrow(/diskMinFreePct/);
    expect(parseThresholds({ staleAfterS: 40 }).staleAfterS).toBe(40);
  });
});

describe("measurement-system checks (A30-DIAG-01 class 1)", () => {
  it("A30-DIAG-02: stale is OK at exactly staleAfterS and a type-5 fault one second later", () => {
    const atLimit = checkStale(ms, [win("EDS-0001/TQS-EDS-0001/level_mm", { lastGood: ago(30) })], now, t);
    expect(atLimit.state).toBe("ok");
    const over = checkStale(ms, [win("EDS-0001/TQS-EDS-0001/level_mm", { lastGood: ago(31) })], now, t);
    expect(over).toMatchObject({ state: "fault", alarmType: 5, faultSince: ago(31) });
    expect(over.reason).toContain("31 s");
  });

  it("A30-DIAG-02: no good reading in the window is a fault; out of operation is not evaluated", () => {
    expect(checkStale(ms, [], now, t)).toMatchObject({ state: "fault", alarmType: 5 });
    expect(checkStale({ ...ms, inOperation: false }, [], now, t)).toMatchObject({ state: "unknown", alarmType: null });
  });

  it("A30-DIAG-01: the freshest of the system's tags counts, and only its own tags are selected", () => {
    const windows = [win("EDS-0001/TQS-EDS-0001/level_mm", { lastGood: ago(100) }), win("EDS-0001/TQS-EDS-0001/temperature_c", { lastGood: ago(2) }), win("EDS-0001/TQS-EDS-0002/level_mm")];
    const own = windowsForElements(windows, "EDS-0001", ms.elementKeys);
    expect(own.map((w) => w.tag)).toEqual(["EDS-0001/TQS-EDS-0001/level_mm", "EDS-0001/TQS-EDS-0001/temperature_c"]);
    expect(checkStale(ms, own, now, t).state).toBe("ok");
  });

  it("A30-DIAG-01: frozen needs an exactly identical raw value over frozenMinSamples samples (a tank at rest still shows noise)", () => {
    const atRest = win("EDS-0001/TQS-EDS-0001/level_mm", { goodMin: 1500.1, goodMax: 1500.2, goodCount: 300 });
    expect(checkFrozen(ms, [atRest], t).state).toBe("ok");
    const stuck = win("EDS-0001/TQS-EDS-0001/level_mm", { goodMin: 1500.1, goodMax: 1500.1, goodCount: t.frozenMinSamples });
    expect(checkFrozen(ms, [stuck], t)).toMatchObject({ state: "fault", alarmType: 5 });
    const few = win("EDS-0001/TQS-EDS-0001/level_mm", { goodMin: 1500.1, goodMax: 1500.1, goodCount: t.frozenMinSamples - 1 });
    expect(checkFrozen(ms, [few], t).state).toBe("ok");
    // A constant totalizer of an idle dispenser is legitimate: not a frozen-check variable.
    const idle = win("EDS-0001/TQS-EDS-0001/totalizer_l", { goodMin: 10, goodMax: 10 });
    expect(checkFrozen(ms, [idle], t).state).toBe("ok");
  });

  it("A30-DIAG-01: out-of-range against the strapping table (maximum inclusive) and the temperature range", () => {
    expect(checkOutOfRange(ms, [win("EDS-0001/TQS-EDS-0001/level_mm", { lastGoodValue: 2900 })], t).state).toBe("ok");
    expect(checkOutOfRange(ms, [win("EDS-0001/TQS-EDS-0001/level_mm", { lastGoodValue: 2900.5 })], t)).toMatchObject({ state: "fault", alarmType: 5 });
    expect(checkOutOfRange(ms, [win("EDS-0001/TQS-EDS-0001/level_mm", { lastGoodValue: -1 })], t).state).toBe("fault");
    expect(checkOutOfRange(ms, [win("EDS-0001/TQS-EDS-0001/temperature_c", { lastGoodValue: 70 })], t).state).toBe("ok");
    expect(checkOutOfRange(ms, [win("EDS-0001/TQS-EDS-0001/temperature_c", { lastGoodValue: 70.1 })], t).state).toBe("fault");
  });

  it("A30-MS-12: valid through 2026-11-30 local; expired at 2026-12-01T00:00-06:00 → type 1; warning before", () => {
    const input = { component: "TQS-EDS-0001", componentClass: "measurement_system" as const, installationId: 1, validUntil: "2026-11-30", timeZone: "America/Mexico_City", inOperation: true, label: "tabla" };
    const lastSecond = checkCalibration(input, new Date("2026-12-01T05:59:59Z"), t);
    expect(lastSecond.state).toBe("ok");
    expect(lastSecond.warning).toContain("hoy es el último día");
    expect(checkCalibration(input, new Date("2026-12-01T06:00:00Z"), t)).toMatchObject({ state: "fault", alarmType: 1 });
    const early = checkCalibration(input, new Date("2026-10-30T18:00:00Z"), t);
    expect(early).toMatchObject({ state: "ok", warning: null });
    expect(checkCalibration(input, new Date("2026-11-01T18:00:00Z"), t).warning).toContain("quedan 29 días");
  });
});

describe("channel checks (A30-DIAG-01 class 2)", () => {
  const link: ChannelInput = { component: "CANAL:OPCUA-EDS-0001", installationId: 1, kind: "link", enabled: true, lastData: ago(60), lastBatch: null, total: 100, bad: 20, tagCount: 10 };
  it("A30-DIAG-02: reachability is OK at channelHeartbeatS and a fault after; collectors raise type 7, links type 5", () => {
    expect(checkReachability(link, now, t).state).toBe("ok");
    expect(checkReachability({ ...link, lastData: ago(61) }, now, t)).toMatchObject({ state: "fault", alarmType: 5 });
    const collector: ChannelInput = { ...link, component: "RED:DEMO", kind: "collector", lastData: null, lastBatch: { receivedAt: ago(61), lastTime: ago(62) } };
    expect(checkReachability(collector, now, t)).toMatchObject({ state: "fault", alarmType: 7 });
    expect(checkReachability({ ...link, enabled: false }, now, t).state).toBe("unknown");
  });
  it("A30-DIAG-01: spool lag and error rate with their boundaries", () => {
    expect(checkSpoolLag({ ...link, lastBatch: { receivedAt: now, lastTime: ago(300) } }, t).state).toBe("ok");
    expect(checkSpoolLag({ ...link, lastBatch: { receivedAt: now, lastTime: ago(301) } }, t)).toMatchObject({ state: "fault", alarmType: null });
    expect(checkErrorRate(link, t).state).toBe("ok"); // exactly 20 %
    expect(checkErrorRate({ ...link, bad: 21 }, t)).toMatchObject({ state: "fault", alarmType: 5 });
    expect(checkErrorRate({ ...link, total: 5, bad: 5 }, t).state).toBe("unknown");
  });
});

describe("UCC checks (A30-DIAG-01 class 3)", () => {
  it("A30-DIAG-02: disk below 5 % free is a type-6 fault; exactly 5 % is OK", () => {
    expect(checkDisk({ path: "/d", freeBytes: 5, totalBytes: 100 }, t).state).toBe("ok");
    expect(checkDisk({ path: "/d", freeBytes: 4.99, totalBytes: 100 }, t)).toMatchObject({ state: "fault", alarmType: 6, severity: "critical" });
    expect(checkDisk({ path: "/d", error: "ENOENT" }, t).state).toBe("unknown");
  });
  it("A30-DIAG-01: database, clock skew and backup age", () => {
    expect(checkDatabase({ ok: false, error: "timeout" })).toMatchObject({ state: "fault", alarmType: 6 });
    expect(checkClock({ dbNow: new Date(now.getTime() + 5000), processNow: now }, t).state).toBe("ok");
    expect(checkClock({ dbNow: new Date(now.getTime() - 5100), processNow: now }, t)).toMatchObject({ state: "fault", alarmType: null });
    expect(checkBackup(null, now, t).state).toBe("unknown");
    expect(checkBackup(ago(168 * 3600), now, t).state).toBe("ok");
    expect(checkBackup(ago(168 * 3600 + 60), now, t).state).toBe("fault");
  });
  it("A30-LOG-01: a start after a clean stop, after a crash, and with a new version", () => {
    const clean = describeStart({ now, version: "1.0.0", pid: 1, previous: { startedAt: ago(100), stoppedAt: ago(50), lastSeenAt: ago(50), version: "1.0.0" } });
    expect(clean.previousEnd).toBe("clean");
    expect(clean.entries).toHaveLength(1);
    expect(clean.entries[0]).toMatchObject({ category: 2 });
    const crash = describeStart({ now, version: "1.1.0", pid: 1, previous: { startedAt: ago(100), stoppedAt: null, lastSeenAt: ago(80), version: "1.0.0" } });
    expect(crash.previousEnd).toBe("unexpected");
    expect(crash.entries.map((e) => e.category)).toEqual([2, 3]);
    expect(crash.entries[0]!.description).toContain(ago(80).toISOString());
    expect(describeStart({ now, version: "1.0.0", pid: 1, previous: null }).previousEnd).toBe("first-start");
  });
});

describe("transition planning (A30-DIAG-02, A30-ALM-05)", () => {
  const stale = checkStale(ms, [], now, t);
  it("raises once per condition, clears with a resumption on recovery, and defers to an open link alarm", () => {
    expect(planActions({ results: [stale], openAlarms: new Map(), externallyAlarmed: new Set(), previous: new Map() })).toMatchObject([{ kind: "raise", sourceKey: "diag:stale:SME-STQ-EDS-0001", category: 4 }]);
    const open = { id: 7, sourceKey: sourceKeyFor("stale", ms.key), component: ms.key, type: 5, occurredAt: ago(60), time: ago(30) };
    const openMap = new Map([[open.sourceKey, open]]);
    expect(planActions({ results: [stale], openAlarms: openMap, externallyAlarmed: new Set(), previous: new Map() })).toEqual([]);
    const ok = checkStale(ms, [win("EDS-0001/TQS-EDS-0001/level_mm")], now, t);
    expect(planActions({ results: [ok], openAlarms: openMap, externallyAlarmed: new Set(), previous: new Map() })).toMatchObject([{ kind: "clear", resumption: true }]);
    expect(planActions({ results: [stale], openAlarms: new Map(), externallyAlarmed: new Set([ms.key]), previous: new Map() })).toEqual([]);
  });
  it("bitácora-only faults are logged on the way in and out, once", () => {
    const skew = checkClock({ dbNow: new Date(now.getTime() + 60_000), processNow: now }, t);
    const first = planActions({ results: [skew], openAlarms: new Map(), externallyAlarmed: new Set(), previous: new Map() });
    expect(first).toMatchObject([{ kind: "fault-entry", category: 2 }]);
    const stored = summarize([skew])[0]!;
    const previous = new Map([[stored.component, stored.checks]]);
    expect(planActions({ results: [skew], openAlarms: new Map(), externallyAlarmed: new Set(), previous })).toEqual([]);
    const fine = checkClock({ dbNow: now, processNow: now }, t);
    expect(planActions({ results: [fine], openAlarms: new Map(), externallyAlarmed: new Set(), previous })).toMatchObject([{ kind: "recovery-entry" }]);
  });
  it("a stale system behind a faulty channel raises no alarm of its own and is not logged separately", () => {
    const channel = checkReachability({ component: "CANAL:OPCUA-EDS-0001", installationId: 1, kind: "link", enabled: true, lastData: ago(200), lastBatch: null, total: 0, bad: 0, tagCount: 3 }, now, t);
    const final = suppressBehindChannels([stale, channel], new Map([[ms.key, "CANAL:OPCUA-EDS-0001"]]));
    expect(final[0]).toMatchObject({ state: "fault", alarmType: null });
    expect(planActions({ results: final, openAlarms: new Map(), externallyAlarmed: new Set(), previous: new Map() }).map((a) => a.result.component)).toEqual(["CANAL:OPCUA-EDS-0001"]);
  });
  it("summaries: fault wins and lists only the failing checks", () => {
    const [summary] = summarize([stale, checkFrozen(ms, [], t)]);
    expect(summary).toMatchObject({ state: "fault", componentClass: "measurement_system" });
    expect(summary!.reason).toContain("valor vigente");
    expect(summary!.reason).not.toContain("valor congelado");
  });
});
