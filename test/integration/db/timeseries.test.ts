import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshRollups, applyRawRetention } from "../../../db/timeseries";
import { openTestDatabase, testEngines, type TestDatabase } from "../../helpers/test-db";

const T0 = new Date("2026-11-01T10:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

async function insert(db: TestDatabase["db"], rows: [Date, string, number][]): Promise<void> {
  await db.query(
    "insert into measurements (time, tag, value, quality) select * from unnest($1::timestamptz[], $2::text[], $3::float8[], $4::int2[])",
    [rows.map((r) => r[0].toISOString()), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map(() => 0)],
  );
  const min = new Date(Math.min(...rows.map((r) => r[0].getTime())));
  await db.query("update rollup_state set dirty_from = least(coalesce(dirty_from, $1::timestamptz), $1::timestamptz)", [min.toISOString()]);
}

describe.each(testEngines)("time-series engine setup and rollups on %s", (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("detects TimescaleDB and makes measurements a hypertable when the extension exists", async () => {
    const capabilities = t.db.capabilities!;
    // The CI log shows this line: it proves which engine the integration run used.
    console.log(`[${engine}] timescaledb.enabled=${capabilities.enabled} license=${capabilities.license} version=${capabilities.version}`);
    if (engine === "pglite") {
      expect(capabilities).toMatchObject({ enabled: false, license: null, hypertable: false });
      return;
    }
    const [available] = await t.db.query<{ n: number }>(
      "select count(*)::int as n from pg_available_extensions where name = 'timescaledb'",
    );
    if (available!.n === 0) {
      expect(capabilities.enabled).toBe(false);
      return;
    }
    expect(capabilities.enabled).toBe(true);
    expect(["apache", "timescale"]).toContain(capabilities.license);
    const hypertables = await t.db.query<{ hypertable_name: string }>(
      "select hypertable_name from timescaledb_information.hypertables where hypertable_name = 'measurements'",
    );
    expect(hypertables).toHaveLength(1);
    const [bucket] = await t.db.query<{ b: Date }>("select time_bucket('1 hour', timestamptz '2026-11-01 10:37:00+00') as b");
    expect(new Date(bucket!.b).toISOString()).toBe("2026-11-01T10:00:00.000Z");
  });

  it("migrations are idempotent: migrating again changes nothing", async () => {
    const { migrateDatabase } = await import("../../../db/client");
    const again = await migrateDatabase(t.db);
    expect(again.enabled).toBe(t.db.capabilities!.enabled);
  });

  it("refreshRollups builds 1 min / 1 h / 1 day buckets with avg, min, max, last and count", async () => {
    await insert(t.db, [
      [at(0), "R/T/level_mm", 10],
      [at(20), "R/T/level_mm", 20],
      [at(40), "R/T/level_mm", 60],
      [at(65), "R/T/level_mm", 5],
    ]);
    await refreshRollups(t.db, at(3600));
    const minutes = await t.db.query<{ bucket: Date; value_avg: number; value_min: number; value_max: number; value_last: number; sample_count: number }>(
      "select * from measurement_rollup_1m where tag = 'R/T/level_mm' order by bucket",
    );
    expect(minutes.map((m) => [new Date(m.bucket).toISOString(), m.value_avg, m.value_min, m.value_max, m.value_last, m.sample_count])).toEqual([
      ["2026-11-01T10:00:00.000Z", 30, 10, 60, 60, 3],
      ["2026-11-01T10:01:00.000Z", 5, 5, 5, 5, 1],
    ]);
    const [hour] = await t.db.query<{ value_avg: number; sample_count: number; value_last: number }>(
      "select * from measurement_rollup_1h where tag = 'R/T/level_mm'",
    );
    // Count-weighted: (10 + 20 + 60 + 5) / 4, not the mean of the two minute averages.
    expect(hour).toMatchObject({ value_avg: 23.75, sample_count: 4, value_last: 5 });
    const [day] = await t.db.query<{ value_max: number; sample_count: number }>("select * from measurement_rollup_1d where tag = 'R/T/level_mm'");
    expect(day).toMatchObject({ value_max: 60, sample_count: 4 });
    const states = await t.db.query<{ dirty_from: Date | null }>("select dirty_from from rollup_state");
    expect(states.every((s) => s.dirty_from === null)).toBe(true);
  });

  it("late data recomputes the buckets it falls in", async () => {
    await insert(t.db, [[at(10), "R/T/level_mm", 110]]);
    await refreshRollups(t.db, at(3600));
    const [minute] = await t.db.query<{ value_avg: number; sample_count: number; value_max: number }>(
      "select * from measurement_rollup_1m where tag = 'R/T/level_mm' and bucket = $1",
      [T0.toISOString()],
    );
    expect(minute).toMatchObject({ value_avg: 50, sample_count: 4, value_max: 110 });
  });

  it("raw retention removes old measurements and keeps recent ones", async () => {
    await insert(t.db, [[new Date("2025-01-01T00:00:00Z"), "R/T/old", 1]]);
    await applyRawRetention(t.db, t.db.capabilities!, at(0), 90);
    const old = await t.db.query("select 1 from measurements where tag = 'R/T/old'");
    const recent = await t.db.query("select 1 from measurements where tag = 'R/T/level_mm'");
    expect(old).toHaveLength(0);
    expect(recent.length).toBeGreaterThan(0);
  });

  it("LISTEN/NOTIFY delivers payloads", async () => {
    const received: string[] = [];
    const unlisten = await t.db.listen("aforo_test_channel", (payload) => received.push(payload));
    await t.db.query("select pg_notify('aforo_test_channel', $1)", ['{"hello":1}']);
    await expect.poll(() => received, { timeout: 5000 }).toEqual(['{"hello":1}']);
    await unlisten();
    await expect(t.db.listen("bad channel; drop table x", () => undefined)).rejects.toThrow(/canal/);
  });

  it("a failed transaction leaves nothing behind", async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query("insert into measurements (time, tag, value) values ($1, 'R/T/tx', 1)", [at(5).toISOString()]);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await t.db.query("select 1 from measurements where tag = 'R/T/tx'")).toHaveLength(0);
    const committed = await t.db.transaction(async (tx) => {
      await tx.query("insert into measurements (time, tag, value) values ($1, 'R/T/tx', 1)", [at(5).toISOString()]);
      return "ok";
    });
    expect(committed).toBe("ok");
    expect(await t.db.query("select 1 from measurements where tag = 'R/T/tx'")).toHaveLength(1);
  });
});
