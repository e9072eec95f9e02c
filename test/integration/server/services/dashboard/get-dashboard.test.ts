import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearAlarm, raiseAlarm } from "../../../../../db/repositories/alarms";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { ALARM_TYPE } from "../../../../../server/domain/alarms/index";
import { getDashboard } from "../../../../../server/services/dashboard/get-dashboard";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const NOW = new Date("2026-11-25T18:00:00Z");

describe.each(testEngines)("dashboard: active alarms per tank on %s (A30-ACC-07)", (engine) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date("2026-11-25T12:00:00Z") });
  });

  afterAll(async () => {
    await t?.close();
  });

  it("counts the alarms raised on a tank and on its measurement system, newest description first; other components don't count", async () => {
    const [system] = await t.db.query<{ key: string }>(
      "select m.key from measurement_systems m join tanks k on k.id = m.tank_id where k.key = 'TQS-EDS-0002' and m.kind = 'static' limit 1",
    );
    expect(system).toBeDefined();
    await t.db.transaction(async (tx) => {
      const base = { time: new Date("2026-11-25T17:00:00Z"), occurredAt: new Date("2026-11-25T17:00:00Z"), severity: "high" as const };
      await raiseAlarm(tx, { ...base, component: "TQS-EDS-0002", type: ALARM_TYPE.volumetricInconsistency, satEventCode: 7, description: "Inconsistencia volumétrica regla 01" });
      await raiseAlarm(tx, { ...base, time: new Date("2026-11-25T17:30:00Z"), component: system!.key, type: ALARM_TYPE.communicationProblem, description: "Sin lecturas del sistema de medición" });
      await raiseAlarm(tx, { ...base, component: "SMD-DISP-0004", type: ALARM_TYPE.communicationProblem, description: "Dispensario sin comunicación" });
      const cleared = await raiseAlarm(tx, { ...base, component: "TQS-EDS-0003", type: ALARM_TYPE.tamperAttempt, description: "Intento de alteración" });
      await clearAlarm(tx, cleared.id, new Date("2026-11-25T17:10:00Z"), "prueba", null);
    });
    const dashboard = await getDashboard({ db: t.db, now: NOW });
    const tanks = new Map(dashboard.flatMap((i) => i.tanks.map((k) => [k.key, k.activeAlarms] as const)));
    expect(tanks.get("TQS-EDS-0002")).toEqual({ count: 2, latest: "Sin lecturas del sistema de medición" });
    expect(tanks.get("TQS-EDS-0001")).toEqual({ count: 0, latest: null });
    // Cleared but never acknowledged (ISA-18.2 "return to normal, unacknowledged"): it still needs attention.
    expect(tanks.get("TQS-EDS-0003")!.count).toBe(1);
    expect(tanks.get("TQS-TDA-0001")).toEqual({ count: 0, latest: null });
  });
});
