import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../../db/client";
import { seedCatalogs } from "../../../../db/seed/catalogs";
import { seedDemo } from "../../../../db/seed/demo";
import { parseCollectorFile } from "../../../../collectors/config";
import { startCollectorRuntime, type CollectorRuntime } from "../../../../collectors/runtime";
import { demoModbusCollectorConfig, startModbusSiteServer, type ModbusSiteServer } from "../../../../collectors/simulators/modbus-site-server";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { createLogger } from "../../../../server/platform/logger";
import { openTestDatabase, type TestDatabase } from "../../../helpers/test-db";

// A30-ALM-01 type 7 "Falla en la red de comunicación" for the collector → database link, and
// A30-MS-16: nothing read during the outage is lost. The database is made unreachable for the
// collector by a wrapper that refuses every call while `down` is set (a real PGlite behind it).
describe("collector → database network failure (A30-ALM-01 type 7, A30-MS-16)", () => {
  let t: TestDatabase;
  let modbus: ModbusSiteServer;
  let runtime: CollectorRuntime;
  let down = false;
  const dataDir = mkdtempSync(path.join(tmpdir(), "aforo-netfail-"));

  beforeAll(async () => {
    t = await openTestDatabase("pglite");
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date("2026-11-25T12:00:00Z") });
    modbus = await startModbusSiteServer({ site: DEMO_SITE, port: 0 });
    const refuse = (): void => {
      if (down) throw new Error("connect ECONNREFUSED 127.0.0.1:5432 (base de datos inalcanzable)");
    };
    const flaky: Database = {
      ...t.db,
      query: async (text, params) => {
        refuse();
        return t.db.query(text, params);
      },
      transaction: async (fn) => {
        refuse();
        return t.db.transaction(fn);
      },
    };
    const file = parseCollectorFile(
      { collectorKey: "NETTEST", links: [{ installationKey: "EDS-0001", ...demoModbusCollectorConfig(DEMO_SITE, modbus.port, { intervalMs: 250 }) }], pipeline: { enabled: false } },
      { dataDir },
    );
    runtime = await startCollectorRuntime({ db: flaky, file, dataDir, logger: createLogger("silent"), networkWatchMs: 200, maxRetryDelayMs: 300 });
  });

  afterAll(async () => {
    await runtime?.stop();
    await modbus?.stop();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("records the outage with its real start and end once the database is back, and keeps every reading", async () => {
    const tag = "EDS-0001/DISP-0001-MGA-0001/volume_total_l";
    await expect.poll(async () => (await t.db.query("select 1 from measurements where tag = $1", [tag])).length, { timeout: 15_000, interval: 200 }).toBeGreaterThan(0);
    const outageStart = Date.now();
    down = true;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    down = false;
    const outageEnd = Date.now();

    await expect
      .poll(async () => (await t.db.query("select 1 from alarms where component = 'RED:NETTEST' and type in (7, 12)")).length, { timeout: 15_000, interval: 200 })
      .toBe(2);
    const [alarm] = await t.db.query<{ occurred_at: Date; sat_event_code: number }>("select occurred_at, sat_event_code from alarms where component = 'RED:NETTEST' and type = 7");
    expect(alarm!.sat_event_code).toBe(17);
    expect(new Date(alarm!.occurred_at).getTime()).toBeGreaterThanOrEqual(outageStart);
    expect(new Date(alarm!.occurred_at).getTime()).toBeLessThan(outageEnd);
    const entries = await t.db.query<{ description: string }>("select description from event_log where component = 'RED:NETTEST' order by id");
    expect(entries.map((e) => e.description)).toEqual([expect.stringContaining("Error de comunicación del enlace colector-base de datos"), expect.stringContaining("Comunicación restablecida")]);

    // Every 250 ms poll of the outage reached the database through the spool: no gap over 1 s.
    await runtime.sink.flush();
    const rows = await t.db.query<{ time: Date }>("select time from measurements where tag = $1 and time between $2 and $3 order by time", [
      tag,
      new Date(outageStart - 1000).toISOString(),
      new Date(outageEnd + 1000).toISOString(),
    ]);
    const times = rows.map((r) => new Date(r.time).getTime());
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    expect(times.length).toBeGreaterThan(10);
    expect(Math.max(...gaps)).toBeLessThan(1000);
  });
});
