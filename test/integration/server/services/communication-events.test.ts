import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendEventLog, readEventLogRange } from "../../../../db/repositories/event-log";
import { seedCatalogs } from "../../../../db/seed/catalogs";
import { seedDemo } from "../../../../db/seed/demo";
import { createLinkRecorder } from "../../../../collectors/status/link-recorder";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { verifyEventLogChain } from "../../../../server/domain/event-log/index";
import { createLogger } from "../../../../server/platform/logger";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../helpers/test-db";

const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 16, 0, 0) + s * 1000);

describe.each(testEngines)("bitácora writer and communication events on %s", (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: at(0) });
  });
  afterAll(async () => t?.close());

  it("A30-REC-04: concurrent writers with rollbacks get consecutive numbers without gaps or duplicates", async () => {
    const writers = 8;
    const perWriter = 25;
    let rolledBack = 0;
    await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        (async () => {
          for (let i = 0; i < perWriter; i++) {
            const fail = (w * perWriter + i) % 10 === 3; // 10 % forced rollbacks
            await t.db
              .transaction(async (tx) => {
                await appendEventLog(tx, { time: at(i), username: "sistema", category: 5, eventType: 5, description: `escritor ${w} #${i}` });
                if (fail) throw new Error("rollback forzado");
              })
              .catch((error: Error) => {
                if (error.message !== "rollback forzado") throw error;
                rolledBack += 1;
              });
          }
        })(),
      ),
    );
    const rows = await t.db.query<{ id: string | number }>("select id from event_log order by id");
    const ids = rows.map((r) => Number(r.id));
    expect(rolledBack).toBe(20);
    expect(ids).toEqual(Array.from({ length: writers * perWriter - rolledBack }, (_, i) => i + 1));
    const chain = verifyEventLogChain(await readEventLogRange(t.db, 1, 10_000));
    expect(chain).toMatchObject({ ok: true, entries: ids.length });
  });

  it("A30-LOG-06: an entry edited behind the application's back is found by the chain", async () => {
    // As a superuser who bypasses the append-only trigger (it would otherwise keep the row, A30-LOG-07).
    await t.db.query("alter table event_log disable trigger aforo_append_only");
    await t.db.query("update event_log set description = 'alterado' where id = 7");
    expect(verifyEventLogChain(await readEventLogRange(t.db, 1, 10_000))).toMatchObject({ ok: false, firstBad: 7 });
    await t.db.query("update event_log set description = 'escritor restaurado' where id = 7"); // still bad: content differs
    expect(verifyEventLogChain(await readEventLogRange(t.db, 1, 10_000)).ok).toBe(false);
    await t.db.query("alter table event_log enable trigger aforo_append_only");
  });

  it("A30-MS-15 / A30-ALM-05: a link outage writes bitácora entries, an alarm, its clearing and a resumption record", async () => {
    const [before] = await t.db.query<{ n: number }>("select count(*)::int as n from event_log");
    let clock = at(100);
    const recorder = createLinkRecorder({
      db: t.db,
      link: { component: "SME-STQ-EDS-0001", installationKey: "EDS-0001", alarmType: 5, label: "sistema de medición" },
      logger: createLogger("silent"),
      now: () => clock,
    });
    recorder.onStatus({ state: "connected", since: at(90), detail: null });
    recorder.onStatus({ state: "disconnected", since: at(100), detail: "conexión perdida" });
    recorder.onStatus({ state: "disconnected", since: at(110), detail: "ECONNREFUSED" });
    await recorder.drain();
    clock = at(190);
    recorder.onStatus({ state: "connected", since: at(190), detail: null });
    await recorder.drain();
    expect(recorder.pending).toBe(0);

    const entries = await t.db.query<{ category: number; event_type: number; description: string; component: string; username: string }>(
      "select category, event_type, description, component, username from event_log where id > $1 order by id",
      [before!.n],
    );
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ category: 4, event_type: 4, component: "SME-STQ-EDS-0001", username: "sistema" });
    expect(entries[0]!.description).toContain("Error de comunicación");
    expect(entries[1]!.description).toBe("Comunicación restablecida con SME-STQ-EDS-0001 tras 1 min 30 s de interrupción");

    const alarms = await t.db.query<{ id: number; type: number; sat_event_code: number | null; occurred_at: Date; component: string; related_alarm_id: number | null }>(
      "select id, type, sat_event_code, occurred_at, component, related_alarm_id from alarms where component = 'SME-STQ-EDS-0001' order by id",
    );
    expect(alarms.map((a) => [a.type, a.sat_event_code])).toEqual([[5, 15], [12, null]]);
    expect(new Date(alarms[0]!.occurred_at).toISOString()).toBe(at(100).toISOString());
    expect(Number(alarms[1]!.related_alarm_id)).toBe(Number(alarms[0]!.id));
    const actions = await t.db.query<{ action: string; alarm_id: number }>("select action, alarm_id from alarm_actions");
    expect(actions).toEqual([{ action: "clear", alarm_id: alarms[0]!.id }]);
  });
});
