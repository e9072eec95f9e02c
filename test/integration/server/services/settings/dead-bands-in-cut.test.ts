import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../../../db/client";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { runDueCuts } from "../../../../../server/services/inventory/index";
import { changeSetting, type SettingsActor } from "../../../../../server/services/settings/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const mx = (local: string) => new Date(`${local}-06:00`);

async function ids(db: Database, tankKey: string) {
  const [row] = await db.query<{ installation_id: number; tank_id: number; ms_id: number }>(
    "select t.installation_id, t.id as tank_id, ms.id as ms_id from tanks t join measurement_systems ms on ms.tank_id = t.id and ms.kind = 'static' where t.key = $1",
    [tankKey],
  );
  return { installationId: Number(row!.installation_id), tankId: Number(row!.tank_id), msId: Number(row!.ms_id) };
}

let number = 0;
async function operation(db: Database, tankKey: string, type: "reception" | "delivery", endLocal: string, volume: string) {
  const { installationId, tankId, msId } = await ids(db, tankKey);
  const end = mx(endLocal);
  number += 1;
  await db.query(
    `insert into operations (installation_id, number, type, element_type, tank_id, measurement_system_id, product_key, start_at, end_at, net_volume, unit,
                             reference_temperature_c, origin, counterparty_rfc)
     select $1, $2, $3, 'tank', $4, $5, t.product_key, $6, $7, $8, 'UM03', 20, 'automatic', 'AAA010101AAA' from tanks t where t.id = $4`,
    [installationId, number, type, tankId, msId, new Date(end.getTime() - 1_800_000).toISOString(), end.toISOString(), volume],
  );
}

async function reading(db: Database, tankKey: string, local: string, netL: number) {
  const { tankId, msId } = await ids(db, tankKey);
  await db.query("insert into tank_readings (tank_id, measurement_system_id, time, net_volume_l, reference_temperature_c, source) values ($1, $2, $3, $4, 20, 'prueba')", [
    tankId,
    msId,
    mx(local).toISOString(),
    netL,
  ]);
}

describe.each(testEngines)("dead-bands configured in /configuracion drive the daily cut on %s (A30-INV-04, A30-INC-04)", (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: mx("2026-11-01T00:00:00") });
    // TQS-EDS-0003: calculated 18,300, measured 18,250 → −50 L. TQS-EDS-0002: calculated 18,300, measured 18,230 → −70 L.
    for (const [tank, closing] of [["TQS-EDS-0003", 18250], ["TQS-EDS-0002", 18230]] as const) {
      await reading(t.db, tank, "2026-11-01T00:00:00", 10100);
      await operation(t.db, tank, "reception", "2026-11-01T09:55:00", "20000.000");
      await operation(t.db, tank, "delivery", "2026-11-01T12:00:00", "11800.000");
      await reading(t.db, tank, "2026-11-01T23:59:00", closing);
    }
    // TQS-EDS-0001: no movements, stock varies by 0.8 L (rule 04 without dead-band).
    await reading(t.db, "TQS-EDS-0001", "2026-11-01T00:00:00", 5000);
    await reading(t.db, "TQS-EDS-0001", "2026-11-01T23:59:00", 5000.8);
  });
  afterAll(async () => t?.close());

  it("A30-INV-04 dead-band 60 L: the −50 L difference raises no alarm, −70 L does; A30-INC-04 dead-band 1 L hides the 0.8 L variation", async () => {
    const [u] = await t.db.query<{ id: number }>("select id from users where username = 'supervisor'");
    const supervisor: SettingsActor = { id: Number(u!.id), username: "supervisor", role: "supervisor" };
    expect(await changeSetting(t.db, supervisor, "inventory.dead_band_inv04", 60, mx("2026-11-01T08:00:00"))).toMatchObject({ ok: true });
    expect(await changeSetting(t.db, supervisor, "inventory.dead_band_inc04", 1, mx("2026-11-01T08:00:00"))).toMatchObject({ ok: true });
    await runDueCuts(t.db, mx("2026-11-02T00:01:00"));
    const alarms = await t.db.query<{ component: string; kind: string | null; rule: string | null }>(
      "select component, details->>'kind' as kind, details->>'rule' as rule from alarms where component like 'TQS-EDS-%' order by component",
    );
    expect(alarms.filter((a) => a.kind === "diferencia_existencias").map((a) => a.component)).toEqual(["TQS-EDS-0002"]);
    expect(alarms.filter((a) => a.component === "TQS-EDS-0001")).toEqual([]);
    expect(await t.db.query("select 1 from inventory_cuts c join tanks t on t.id = c.tank_id where t.key like 'TQS-EDS-%' and c.report_date = '2026-11-01'")).toHaveLength(3);
  });
});
