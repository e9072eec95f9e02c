import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCollectorRuntime, type CollectorRuntime } from "../../../../../collectors/runtime";
import { demoCollectorFile, startSiteSimulators, type SiteSimulators } from "../../../../../collectors/simulators/index";
import type { CollectorFile } from "../../../../../collectors/config";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { createLogger } from "../../../../../server/platform/logger";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * Status points → alarms end to end (A30-ALM-01 types 1, 8, 11; A30-ALM-05): the real site
 * simulators (OPC UA SignAndEncrypt, Modbus TCP, Veeder-Root TLS on real sockets), the demo
 * collector file and the collector runtime, a real database. The plant model's clock is pinned
 * (`now`) so the source timestamps of the transitions are exact: 10:00 and 10:30 local time.
 * The simulator's UPS and emergency stop are site-wide: each installation's UCC reports them, so
 * each UCC gets its own alarm.
 */
// 10:00 in Mexico City (UTC−6, no DST) the day after tomorrow: the plant's clock must not be behind
// the collector's, which stamps the link-outage markers (a value older than the marker is dropped).
const T10 = Date.parse(`${new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)}T10:00:00-06:00`);
const MIN = 60_000;
const UCCS = ["EDS-0001", "TDA-0001"];

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condición no cumplida en ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(testEngines)("status points of the simulated site → alarms on %s (A30-ALM-01, A30-ALM-05)", (engine) => {
  let t: TestDatabase;
  let simulators: SiteSimulators;
  let runtime: CollectorRuntime;
  let file: CollectorFile;
  // The plant starts 5 min before 10:00: the values first read carry that time.
  let clock = T10 - 5 * MIN;
  const dataDir = mkdtempSync(path.join(tmpdir(), "aforo-device-status-"));
  const logger = createLogger("silent");

  const start = () =>
    // The UCC's clock follows the plant's (the records' times are then the transition times).
    startCollectorRuntime({ db: t.db, databaseUrl: t.url ?? undefined, file, dataDir, logger, trustOnFirstUse: true, networkWatchMs: 500, now: () => new Date(clock) });

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date() });
    simulators = await startSiteSimulators({ site: DEMO_SITE, opcuaPort: 0, modbusPort: 0, tlsPort: 0, pkiDir: path.join(dataDir, "sim-pki"), logger, now: () => clock });
    file = demoCollectorFile(DEMO_SITE, simulators, dataDir);
    file.pipeline.enabled = false; // not under test here; keeps the run light
    runtime = await start();
    // The OPC UA link is up and the status points have been seen once (all normal).
    await waitUntil(() => runtime.deviceStatus.observed >= 13, 30_000);
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    await simulators?.stop();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  type AlarmRow = { id: number; type: number; component: string; installation: string; occurred_at: Date; details: Record<string, unknown> | null; cleared: boolean };
  const alarms = async (type: number, component = "UCC"): Promise<AlarmRow[]> =>
    (
      await t.db.query<AlarmRow>(
        `select a.id, a.type, a.component, i.key as installation, a.occurred_at, a.details,
                exists (select 1 from alarm_actions x where x.alarm_id = a.id and x.action = 'clear') as cleared
           from alarms a left join installations i on i.id = a.installation_id
          where a.type = $1 and a.component = $2 order by i.key, a.id`,
        [type, component],
      )
    ).map((r) => ({ ...r, id: Number(r.id), occurred_at: new Date(r.occurred_at) }));
  const countOf = async (type: number, installation: string, component = "UCC") => (await alarms(type, component)).filter((a) => a.installation === installation).length;

  it("A30-ALM-05: emergency stop set at 10:00 and reset at 10:30 → one type-11 alarm at 10:00 and one resumption of 30 min per UCC", async () => {
    clock = T10;
    simulators.emergencyStop(true);
    await expect.poll(async () => (await alarms(11)).length, { timeout: 20_000, interval: 200 }).toBe(2);
    const stops = await alarms(11);
    expect(stops.map((a) => a.installation)).toEqual(UCCS);
    for (const stop of stops) {
      expect(stop.occurred_at.toISOString()).toBe(new Date(T10).toISOString());
      expect(stop.cleared).toBe(false);
    }
    // The value keeps arriving unchanged (every tank publish): nothing new is written.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await alarms(11)).length).toBe(2);

    clock = T10 + 30 * MIN;
    simulators.emergencyStop(false);
    await expect.poll(async () => (await alarms(12)).length, { timeout: 20_000, interval: 200 }).toBe(2);
    const resumptions = await alarms(12);
    for (const resumption of resumptions) {
      expect(resumption.occurred_at.toISOString()).toBe(new Date(T10 + 30 * MIN).toISOString());
      expect(resumption.details).toMatchObject({ start: new Date(T10).toISOString(), end: new Date(T10 + 30 * MIN).toISOString(), durationS: 1800 });
    }
    expect((await alarms(11)).every((a) => a.cleared)).toBe(true);
    const entries = await t.db.query<{ description: string; category: number }>(
      "select description, category from event_log where component = 'UCC' and details->>'tag' like '%/UCC/emergency_stop' order by id",
    );
    expect(entries).toHaveLength(4);
    expect(entries.every((e) => e.category === 2)).toBe(true);
    expect(entries.filter((e) => /restablecido .* tras 30 min 00 s/.test(e.description))).toHaveLength(2);
  });

  it("a collector restart during a stop does not duplicate the alarm; the reset after it is recorded once (A30-ALM-01 type 11)", async () => {
    clock = T10 + 60 * MIN;
    simulators.emergencyStop(true);
    await expect.poll(async () => (await alarms(11)).length, { timeout: 20_000, interval: 200 }).toBe(4);
    await runtime.stop();
    runtime = await start();
    await expect.poll(() => runtime.deviceStatus.observed, { timeout: 30_000, interval: 200 }).toBeGreaterThanOrEqual(13);
    await runtime.deviceStatus.drain();
    expect((await alarms(11)).length).toBe(4);
    clock = T10 + 80 * MIN;
    simulators.emergencyStop(false);
    await expect.poll(async () => (await alarms(12)).length, { timeout: 20_000, interval: 200 }).toBe(4);
    for (const installation of UCCS) {
      expect(await countOf(11, installation)).toBe(2);
      const last = (await alarms(12)).filter((a) => a.installation === installation).at(-1)!;
      expect(last.details).toMatchObject({ start: new Date(T10 + 60 * MIN).toISOString(), durationS: 1200 });
    }
  }, 60_000);

  it("UPS on battery (mains lost) → exactly one type-8 alarm per UCC, cleared with a resumption when mains return (A30-ALM-01 type 8, A30-ALM-05)", async () => {
    clock = T10 + 90 * MIN;
    // Mains lost: the UPS point goes true, 2.5 s later the field devices go dark for 1.5 s.
    const outage = simulators.powerFailure({ downMs: 1500, upsLeadMs: 2500 });
    await expect.poll(() => simulators.powerState, { timeout: 10_000, interval: 50 }).toBe("down");
    clock = T10 + 100 * MIN; // the outage lasts 10 min of plant time
    await outage;
    await expect.poll(async () => (await alarms(8)).length, { timeout: 20_000, interval: 200 }).toBe(2);
    await expect.poll(async () => (await alarms(8)).every((a) => a.cleared), { timeout: 30_000, interval: 250 }).toBe(true);
    for (const installation of UCCS) expect(await countOf(8, installation)).toBe(1);
    const ups = await alarms(8);
    expect(ups.every((a) => a.occurred_at.getTime() === T10 + 90 * MIN)).toBe(true);
    const resumptions = (await alarms(12)).filter((a) => String(a.details?.tag).endsWith("/ups_on_battery"));
    expect(resumptions).toHaveLength(2);
    expect(resumptions.map((a) => a.details)).toEqual([
      expect.objectContaining({ durationS: 600, start: new Date(T10 + 90 * MIN).toISOString() }),
      expect.objectContaining({ durationS: 600, start: new Date(T10 + 90 * MIN).toISOString() }),
    ]);
  }, 60_000);

  it("a tank whose device reports its calibration invalid → exactly one type-1 alarm on that tank (A30-ALM-01 type 1, A30-MS-12)", async () => {
    clock = T10 + 120 * MIN;
    simulators.setCalibrationExpired("TQS-TDA-0002", true);
    await expect.poll(async () => (await alarms(1, "TQS-TDA-0002")).length, { timeout: 20_000, interval: 200 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const all = await t.db.query<{ component: string }>("select component from alarms where type = 1");
    expect(all.map((a) => a.component)).toEqual(["TQS-TDA-0002"]);
    const [alarm] = await alarms(1, "TQS-TDA-0002");
    expect(alarm!.installation).toBe("TDA-0001");
    expect(alarm!.occurred_at.getTime()).toBe(clock);

    clock += MIN;
    simulators.setCalibrationExpired("TQS-TDA-0002", false);
    await expect.poll(async () => (await alarms(1, "TQS-TDA-0002"))[0]!.cleared, { timeout: 20_000, interval: 200 }).toBe(true);
    // Calibration is not an operations stop: no resumption record for it.
    expect((await alarms(12, "TQS-TDA-0002")).length).toBe(0);
  }, 40_000);
});
