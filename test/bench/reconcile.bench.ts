/**
 * npm run bench:reconcile — the daily inventory cut (A30-INV-01, A30-REC-02, A30-INC-01…06) for
 * BENCH_TANKS tanks (50 000) on PostgreSQL+TimescaleDB; target < 30 s on 2 cores. Prints JSON.
 *
 * Seeds (not timed) BENCH_INSTALLATIONS installations (1 000) × tanks each with a static
 * measurement system, one day (2026-11-01, cut 00:00 America/Mexico_City) of operations per tank
 * (1 reception of 10 000 L, 5 deliveries of 1 000 L) and hourly tank readings (25 per tank,
 * period start to cut). 1 % of the tanks close 200 L short (0.8 % → an A30-INC-01 finding:
 * bitácora entry + type-2 alarm) and 1 % 10 L short (A30-INV-04 low alarm). Then times one
 * `runDueCuts` at 00:01 (the scheduled job's call: aggregate in SQL, pure rules, bulk inserts, one
 * transaction per 2 000 installations) and a second, idempotent run.
 *
 * PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL, else `.ci/db-local.sh`; works in a scratch
 * database dropped at the end.
 */
import os from "node:os";
import { migrateDatabase, openDatabase } from "../../db/client";
import { seedCatalogs } from "../../db/seed/catalogs";
import { seedDemo } from "../../db/seed/demo";
import { DEMO_SITE } from "../../server/contracts/demo-site";
import { runDueCuts } from "../../server/services/inventory/index";
import { benchPostgres } from "../helpers/bench-postgres";
import { createScratchPostgres } from "../helpers/test-db";

const TANKS = Number(process.env.BENCH_TANKS ?? 50_000);
const INSTALLATIONS = Number(process.env.BENCH_INSTALLATIONS ?? 1000);
const PER = Math.ceil(TANKS / INSTALLATIONS);
const PERIOD_START = new Date("2026-11-01T00:00:00-06:00");
const CUT = new Date("2026-11-02T00:00:00-06:00");

async function main(): Promise<void> {
  const server = benchPostgres();
  const scratch = await createScratchPostgres(server.url, "aforo_bench_rec");
  const db = await openDatabase({ databaseUrl: scratch.url, applicationName: "aforo-bench" });
  try {
    const capabilities = await migrateDatabase(db);
    await seedCatalogs(db);
    await seedDemo(db, DEMO_SITE, { now: PERIOD_START });
    const seedStarted = Date.now();
    const [taxpayer] = await db.query<{ id: number }>("select id from taxpayers limit 1");
    await db.query(
      `insert into installations (taxpayer_id, key, description, type, time_zone, cut_hour, created_at)
       select $1, 'BEN-' || lpad(g::text, 5, '0'), 'Instalación de banco de pruebas ' || g, 'storage_terminal', 'America/Mexico_City', '00:00', $2
         from generate_series(1, $3) g`,
      [taxpayer!.id, PERIOD_START.toISOString(), INSTALLATIONS],
    );
    await db.query(
      `insert into tanks (installation_id, key, description, product_key, capacity_total_l, capacity_operating_l, capacity_useful_l, minimum_operating_volume_l, calibration_valid_until)
       select i.id, 'TQS-' || substr(i.key, 5) || '-' || lpad(n::text, 3, '0'), 'Tanque de banco de pruebas', 'PR07', 100000, 95000, 95000, 5000, '2027-12-31'
         from installations i cross join generate_series(1, $1) n where i.key like 'BEN-%' and (i.id - 1) * $1 + n <= $2 + (select min(id) - 1 from installations where key like 'BEN-%') * $1`,
      [PER, TANKS],
    );
    await db.query(
      `insert into measurement_systems (installation_id, key, kind, element_type, tank_id, technology, description, calibration_valid_until, uncertainty_pct)
       select t.installation_id, 'SME-' || t.key, 'static', 'tank', t.id, 'radar', 'Sistema de medición estática', '2027-12-31', 0.3
         from tanks t join installations i on i.id = t.installation_id where i.key like 'BEN-%'`,
    );
    // One reception (09:55) and five deliveries (08, 11, 14, 17, 20 h) per tank, numbered per installation.
    await db.query(
      `insert into operations (installation_id, number, type, element_type, tank_id, measurement_system_id, product_key, start_at, end_at, net_volume, unit, reference_temperature_c, origin)
       select x.installation_id, row_number() over (partition by x.installation_id order by x.tank_id, x.k), x.type, 'tank', x.tank_id, x.ms_id, 'PR07',
              x.end_at - interval '30 minutes', x.end_at, x.volume, 'UM03', 20, 'automatic'
         from (
           select t.installation_id, t.id as tank_id, ms.id as ms_id, k.k,
                  case when k.k = 0 then 'reception' else 'delivery' end as type,
                  case when k.k = 0 then $1::timestamptz + interval '9 hours 55 minutes' else $1::timestamptz + make_interval(hours => 5 + 3 * k.k) end as end_at,
                  case when k.k = 0 then 10000 else 1000 end as volume
             from tanks t join installations i on i.id = t.installation_id and i.key like 'BEN-%'
             join measurement_systems ms on ms.tank_id = t.id
             cross join generate_series(0, 5) k(k)
         ) x`,
      [PERIOD_START.toISOString()],
    );
    // Hourly readings: 20 000 L at the period start → 25 000 L at the cut (= book), except the 1 % + 1 % off.
    await db.query(
      `insert into tank_readings (tank_id, measurement_system_id, time, net_volume_l, reference_temperature_c, source)
       select t.id, ms.id, $1::timestamptz + make_interval(hours => h), 20000 + 5000 * h / 24.0
              - case when h = 24 and t.id % 100 = 0 then 200 when h = 24 and t.id % 100 = 1 then 10 else 0 end, 20, 'banco'
         from tanks t join installations i on i.id = t.installation_id and i.key like 'BEN-%'
         join measurement_systems ms on ms.tank_id = t.id
         cross join generate_series(0, 24) h`,
      [PERIOD_START.toISOString()],
    );
    await db.query("analyze");
    const seeded = await db.query<{ tanks: number; operations: number; readings: number }>(
      `select (select count(*) from tanks t join installations i on i.id = t.installation_id where i.key like 'BEN-%')::int as tanks,
              (select count(*) from operations)::int as operations, (select count(*) from tank_readings)::int as readings`,
    );
    const seedSeconds = (Date.now() - seedStarted) / 1000;

    const started = process.hrtime.bigint();
    const summary = await runDueCuts(db, new Date(CUT.getTime() + 60_000));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const again = process.hrtime.bigint();
    const second = await runDueCuts(db, new Date(CUT.getTime() + 120_000));
    const secondSeconds = Number(process.hrtime.bigint() - again) / 1e9;
    const [stored] = await db.query<{ cuts: number; accumulations: number; alarms: number; entries: number }>(
      `select (select count(*) from inventory_cuts)::int as cuts, (select count(*) from daily_accumulations)::int as accumulations,
              (select count(*) from alarms)::int as alarms, (select count(*) from event_log where category = 7)::int as entries`,
    );
    process.stdout.write(
      `${JSON.stringify({
        tanks: seeded[0]!.tanks,
        seconds: Number(seconds.toFixed(2)),
        targetSeconds: 30,
        installations: INSTALLATIONS,
        records: summary.records,
        findings: summary.findings,
        stockDifferenceAlarms: summary.stockDifferenceAlarms,
        stored,
        idempotentRerun: { seconds: Number(secondSeconds.toFixed(2)), records: second.records },
        seed: { operations: seeded[0]!.operations, readings: seeded[0]!.readings, seconds: Number(seedSeconds.toFixed(1)) },
        engine: db.engine,
        timescaledb: { enabled: capabilities.enabled, license: capabilities.license },
        cpus: os.cpus().length,
        loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
        postgres: server.source,
      })}\n`,
    );
  } finally {
    await db.close();
    await scratch.drop();
    server.release();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
