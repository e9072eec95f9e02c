import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEventLogRange } from "../../../../../db/repositories/event-log";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { parseThresholds } from "../../../../../server/domain/diagnostics/index";
import { verifyEventLogChain } from "../../../../../server/domain/event-log/index";
import {
  createDiagnosticsService,
  getDiagnosticsView,
  recordServerStart,
  recordServerStop,
  startSelfTest,
  type StatfsFn,
} from "../../../../../server/services/diagnostics/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

// Injected clock: 2026-11-25 10:00 local (UTC-6). Readings are inserted relative to it.
const T0 = Date.UTC(2026, 10, 25, 16, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000);
const thresholds = parseThresholds({ staleAfterS: 30, runEveryS: 15, sampleWindowS: 300, frozenMinSamples: 30 });

/** Every tag of the demo site with a fresh, noisy good reading each second in [from, to]. */
async function feed(t: TestDatabase, from: number, to: number, skip: (tag: string) => boolean = () => false): Promise<void> {
  const tags = await t.db.query<{ name: string }>("select name from tags where name like '%/level_mm' or name like '%/temperature_c'");
  const names = tags.map((r) => r.name);
  // Dispensers and ducts (no tags rows in the demo seed): the Modbus meters' totalizers.
  const meters = await t.db.query<{ tag: string }>(
    `select i.key || '/' || h.key || '/totalizer_l' as tag from hoses h join dispensers d on d.id = h.dispenser_id join installations i on i.id = d.installation_id
     union all select i.key || '/' || d.key || '/totalizer_l' from ducts d join installations i on i.id = d.installation_id`,
  );
  const all = [...names, ...meters.map((m) => m.tag)].filter((n) => !skip(n));
  const times: string[] = [];
  const tagCol: string[] = [];
  const values: number[] = [];
  for (let s = from; s <= to; s++) {
    for (const [i, name] of all.entries()) {
      times.push(at(s).toISOString());
      tagCol.push(name);
      values.push(name.endsWith("temperature_c") ? 21 + ((s * 7 + i) % 10) / 100 : 1200 + ((s * 13 + i) % 17) / 10);
    }
  }
  await t.db.query("insert into measurements (time, tag, value, quality) select * from unnest($1::timestamptz[], $2::text[], $3::float8[], array_fill(0::int2, array[cardinality($1::timestamptz[])])) on conflict do nothing", [times, tagCol, values]);
}

const fullDisk: StatfsFn = async () => ({ bavail: 4, blocks: 100, bsize: 4096 });
const roomyDisk: StatfsFn = async () => ({ bavail: 60, blocks: 100, bsize: 4096 });

async function alarmsOf(t: TestDatabase, component: string, type: number) {
  return t.db.query<{ id: number; time: Date; cleared: boolean }>(
    `select a.id, a.time, exists (select 1 from alarm_actions x where x.alarm_id = a.id and x.action = 'clear') as cleared
       from alarms a where a.component = $1 and a.type = $2 order by a.id`,
    [component, type],
  );
}

describe.each(testEngines)("self-diagnosis on %s", (engine) => {
  let t: TestDatabase;
  let disk: StatfsFn = roomyDisk;
  let service: ReturnType<typeof createDiagnosticsService>;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: at(-86_400) });
    service = createDiagnosticsService({ db: t.db, dataDir: ".", thresholds, statfs: (dir) => disk(dir) });
  });
  afterAll(async () => t?.close());

  it("A30-DIAG-01: the first run stores every measurement system, channel and UCC component with state and check time", async () => {
    await feed(t, -60, 0);
    const run = await service.runOnce(at(0));
    expect(run.ok).toBe(true);
    const view = await getDiagnosticsView(t.db);
    expect(view.classes.map((c) => c.componentClass)).toEqual(["measurement_system", "channel", "ucc"]);
    for (const c of view.classes) expect(c.total).toBeGreaterThan(0);
    const disp = view.components.find((c) => c.component === "SMD-DISP-0004");
    expect(disp).toMatchObject({ componentClass: "measurement_system", state: "ok", checkedAt: at(0).toISOString() });
    expect(view.components.find((c) => c.component === "UCC:disk")).toMatchObject({ state: "ok" });
    expect(view.components.find((c) => c.component === "CANAL:OPCUA-EDS-0001")).toMatchObject({ componentClass: "channel", state: "ok" });
    const [{ n }] = (await t.db.query<{ n: number }>("select count(*)::int as n from alarms where source_key like 'diag:%'")) as [{ n: number }];
    expect(n).toBe(0);
  });

  it("A30-DIAG-02 / A30-ALM-01 type 5: a stale measurement system raises one alarm within one run after the limit and clears it on recovery", async () => {
    // SMD-DISP-0004's hoses stop reporting at 0 s; everything else keeps going.
    const isDisp4 = (tag: string) => tag.includes("/DISP-0004-");
    await feed(t, 1, 30, isDisp4);
    await service.runOnce(at(30));
    expect(await alarmsOf(t, "SMD-DISP-0004", 5)).toHaveLength(0); // 30 s old: at the limit, still OK
    await feed(t, 31, 45, isDisp4);
    await service.runOnce(at(45));
    const alarms = await alarmsOf(t, "SMD-DISP-0004", 5);
    expect(alarms).toHaveLength(1);
    expect(new Date(alarms[0]!.time).getTime() - at(0).getTime()).toBeLessThanOrEqual(60_000);
    const status = await t.db.query<{ state: string }>("select state from component_status where component = 'SMD-DISP-0004'");
    expect(status[0]!.state).toBe("fault");
    // Another run while still stale: no second alarm, no second entry.
    const [{ before }] = (await t.db.query<{ before: number }>("select count(*)::int as before from event_log")) as [{ before: number }];
    await feed(t, 46, 60, isDisp4);
    await service.runOnce(at(60));
    expect(await alarmsOf(t, "SMD-DISP-0004", 5)).toHaveLength(1);
    const [{ after }] = (await t.db.query<{ after: number }>("select count(*)::int as after from event_log")) as [{ after: number }];
    expect(after).toBe(before);
    // Readings are back: cleared with an entry and a resumption record (A30-ALM-05).
    await feed(t, 61, 75);
    await service.runOnce(at(75));
    const cleared = await alarmsOf(t, "SMD-DISP-0004", 5);
    expect(cleared[0]!.cleared).toBe(true);
    expect(await alarmsOf(t, "SMD-DISP-0004", 12)).toHaveLength(1);
    const entries = await t.db.query<{ description: string; category: number }>("select description, category from event_log where component = 'SMD-DISP-0004' order by id");
    expect(entries.map((e) => e.category)).toEqual([4, 4]);
    expect(entries[1]!.description).toContain("restablecido");
  });

  it("A30-MS-12 / A30-ALM-01 type 1: an expired tank calibration opens one alarm that later runs do not repeat; renewal clears it", async () => {
    await t.db.query("update tanks set calibration_valid_until = '2026-11-30' where key = 'TQS-EDS-0002'");
    const dayBefore = Date.UTC(2026, 11, 1, 5, 59, 59); // 2026-11-30T23:59:59-06:00
    const midnight = Date.UTC(2026, 11, 1, 6, 0, 0); // 2026-12-01T00:00:00-06:00
    const runAt = async (ms: number) => {
      const s = (ms - T0) / 1000;
      await feed(t, s - 20, s);
      await service.runOnce(new Date(ms));
    };
    await runAt(dayBefore);
    expect(await alarmsOf(t, "TQS-EDS-0002", 1)).toHaveLength(0);
    const warn = (await getDiagnosticsView(t.db)).components.find((c) => c.component === "TQS-EDS-0002");
    expect(warn?.warnings.join(" ")).toContain("vence el 2026-11-30");
    await runAt(midnight);
    await runAt(midnight + 15_000);
    await runAt(midnight + 3_600_000);
    const alarms = await alarmsOf(t, "TQS-EDS-0002", 1);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.cleared).toBe(false);
    const [desc] = await t.db.query<{ description: string; sat_event_code: number }>("select description, sat_event_code from alarms where id = $1", [alarms[0]!.id]);
    expect(desc).toMatchObject({ sat_event_code: 12 });
    expect(desc!.description).toContain("Calibración no válida");
    await t.db.query("update tanks set calibration_valid_until = '2027-11-30' where key = 'TQS-EDS-0002'");
    await runAt(midnight + 3_615_000);
    expect((await alarmsOf(t, "TQS-EDS-0002", 1))[0]!.cleared).toBe(true);
  });

  it("A30-DIAG-02 / A30-ALM-01 type 6: disk below 5 % free raises a storage-medium alarm, once", async () => {
    const base = Date.UTC(2026, 11, 2, 16, 0, 0);
    const s = (base - T0) / 1000;
    await feed(t, s - 20, s + 15);
    disk = fullDisk; // 4 % free
    await service.runOnce(new Date(base));
    await service.runOnce(new Date(base + 15_000));
    const alarms = await alarmsOf(t, "UCC:disk", 6);
    expect(alarms).toHaveLength(1);
    const [row] = await t.db.query<{ sat_event_code: number; description: string }>("select sat_event_code, description from alarms where id = $1", [alarms[0]!.id]);
    expect(row!.sat_event_code).toBe(16);
    expect(row!.description).toContain("4.00 %");
    disk = roomyDisk;
    await feed(t, s + 16, s + 30);
    await service.runOnce(new Date(base + 30_000));
    expect((await alarmsOf(t, "UCC:disk", 6))[0]!.cleared).toBe(true);
  });

  it("A30-DIAG-04: the guided self-test on SMD-DISP-0004 is detected within 60 s, records the alarm number and restores the link", async () => {
    const base = Date.UTC(2026, 11, 3, 16, 0, 0);
    const s0 = (base - T0) / 1000;
    await feed(t, s0 - 30, s0);
    await service.runOnce(new Date(base));
    const test = await startSelfTest(t.db, { component: "SMD-DISP-0004", userId: null, username: "admin", timeoutS: 120 }, new Date(base + 500));
    expect(test.status).toBe("running");
    // Collection is not interrupted: the meters keep sending the whole time.
    let detected = null;
    for (let step = 1; step <= 8 && !detected; step++) {
      await feed(t, s0 + (step - 1) * 15 + 1, s0 + step * 15);
      const run = await service.runOnce(new Date(base + step * 15_000));
      detected = run.selfTests.find((x) => x.id === test.id) ?? null;
    }
    expect(detected).not.toBeNull();
    expect(detected!.status).toBe("succeeded");
    expect(detected!.detectionS).toBeGreaterThan(0);
    expect(detected!.detectionS).toBeLessThanOrEqual(60);
    const [alarm] = await t.db.query<{ type: number; component: string }>("select type, component from alarms where id = $1", [detected!.alarmId]);
    expect(alarm).toMatchObject({ type: 5, component: "SMD-DISP-0004" });
    const [entry] = await t.db.query<{ description: string; category: number; username: string }>("select description, category, username from event_log where id = $1", [detected!.resultEntryId]);
    expect(entry).toMatchObject({ category: 6, username: "admin" });
    expect(entry!.description).toContain(`alarma número ${detected!.alarmId}`);
    expect(entry!.description).toMatch(/detectada en \d+(\.\d)? s/);
    // Restoration: the next run sees the readings again and clears the alarm.
    const last = s0 + 8 * 15;
    await feed(t, last + 1, last + 15);
    await service.runOnce(new Date(T0 + (last + 15) * 1000));
    const [{ cleared }] = (await t.db.query<{ cleared: boolean }>(
      "select exists (select 1 from alarm_actions where alarm_id = $1 and action = 'clear') as cleared",
      [detected!.alarmId],
    )) as [{ cleared: boolean }];
    expect(cleared).toBe(true);
    await expect(startSelfTest(t.db, { component: "SMD-DISP-9999", userId: null, username: "admin", timeoutS: 120 }, new Date(base))).rejects.toThrow(/No existe el sistema de medición/);
  });

  it("A30-LOG-01 categories 2/3: a start writes exactly one restart entry, a clean stop one more; a missing stop marker is reported as unexpected", async () => {
    const count = async () => Number((await t.db.query<{ n: number }>("select count(*)::int as n from event_log"))[0]!.n);
    const n0 = await count();
    const first = await recordServerStart(t.db, { now: at(900_000), version: "1.0.0", pid: 10 });
    expect(first.entryIds).toHaveLength(1);
    expect(await count()).toBe(n0 + 1);
    await recordServerStop(t.db, { now: at(900_100), version: "1.0.0", reason: "SIGTERM", startedAt: at(900_000) });
    const clean = await recordServerStart(t.db, { now: at(900_200), version: "1.0.0", pid: 11 });
    expect(clean.previousEnd).toBe("clean");
    expect(await count()).toBe(n0 + 3);
    // Crash (no stop), then a start with a new version: unexpected shutdown + version update.
    const crashed = await recordServerStart(t.db, { now: at(900_300), version: "1.1.0", pid: 12 });
    expect(crashed.previousEnd).toBe("unexpected");
    const rows = await t.db.query<{ category: number; description: string }>("select category, description from event_log where id = any($1::int8[]) order by id", [crashed.entryIds]);
    expect(rows.map((r) => r.category)).toEqual([2, 3]);
    expect(rows[0]!.description).toContain("apagado no controlado");
    expect(rows[1]!.description).toContain("de 1.0.0 a 1.1.0");
    expect(verifyEventLogChain(await readEventLogRange(t.db, 1, 100_000)).ok).toBe(true);
  });
});
