import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { assertValidReport } from "../../../../../server/domain/sat-report/report-rules";
import { seedDemoWithHistory } from "../../../../../server/services/demo/index";
import { installCertificate, type CsdActor } from "../../../../../server/services/csd/index";
import { runScheduledReports, scheduledReportsJob } from "../../../../../server/services/sat-reports/scheduled";
import { FIXTURE_PASSWORD, pair } from "../../../../helpers/csd-fixtures";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * Issue #6 item 7 (A30-RPT-01/02): the server builds the daily report of each installation once its
 * cut exists and the monthly report once the month's last day is cut — without anyone asking —
 * through the same validated, packaged and sealed path as «Generar reporte». The demo history with
 * `now` = 2026-12-01 18:00 Z holds the cuts of 29 and 30 November (the installations start on the
 * 29th); the test CSD is valid until 2027-05-18.
 */
const NOW = new Date("2026-12-01T18:00:00Z");
const KEY = "0f1e2d3c4b5a6978".repeat(4);

describe.each(testEngines)("scheduled SAT reports on %s (issue #6 item 7)", (engine) => {
  let t: TestDatabase;
  let admin: CsdActor;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    if (!(await seedDemoWithHistory(t.db, DEMO_SITE, { now: NOW }))) throw new Error("a fresh demo database must get a history");
    const [row] = await t.db.query<{ id: number }>("select id from users where username = 'admin'");
    admin = { id: Number(row!.id), username: "admin", role: "administrador" };
  }, 240_000);

  afterAll(async () => {
    await t?.close();
  });

  const reports = () =>
    t.db.query<{ kind: string; key: string; period_start: string; status: string; version: number; content: Record<string, unknown> }>(
      `select r.kind, i.key, r.period_start::text as period_start, r.status, r.version, r.content from generated_reports r join installations i on i.id = r.installation_id order by r.id`,
    );

  it("with the CSD installed: the daily reports of 29 and 30 November and November's monthly report of both installations, valid and sealed, by «sistema»", async () => {
    const installed = await installCertificate(t.db, admin, pair("ekuCsd"), FIXTURE_PASSWORD, NOW, KEY);
    if (!installed.ok) throw new Error(installed.error);
    const run = await runScheduledReports(t.db, NOW, { keyHex: KEY });
    expect(run.failed).toEqual([]);
    expect(run.generated.map((g) => `${g.kind} ${g.installationKey} ${g.period} ${g.sealed}`).sort()).toEqual(
      [
        "daily EDS-0001 2026-11-29 true",
        "daily EDS-0001 2026-11-30 true",
        "daily TDA-0001 2026-11-29 true",
        "daily TDA-0001 2026-11-30 true",
        "monthly EDS-0001 2026-11 true",
        "monthly TDA-0001 2026-11 true",
      ].sort(),
    );
    const stored = await reports();
    expect(stored).toHaveLength(6);
    for (const r of stored) {
      expect(r.status).toBe("sealed");
      expect(assertValidReport(r.kind as "daily" | "monthly", r.content)).toEqual({ ok: true });
    }
    const entries = await t.db.query<{ username: string }>("select username from event_log where description like 'Generación del reporte%' order by id");
    expect(entries.length).toBeGreaterThanOrEqual(6);
    expect(entries.every((e) => e.username === "sistema")).toBe(true);
  });

  it("a report already generated is never generated again by the job (a new version is a person's decision, A30-RPT-05)", async () => {
    const again = await runScheduledReports(t.db, new Date(NOW.getTime() + 60_000), { keyHex: KEY });
    expect(again).toEqual({ generated: [], failed: [] });
    expect(await reports()).toHaveLength(6);
  });

  it("the job form: runs on the minute and reports nothing new", async () => {
    const job = scheduledReportsJob(t.db, { keyHex: KEY });
    expect(job.everyMs).toBe(60_000);
    expect(await job.run(new Date(NOW.getTime() + 120_000))).toEqual({ generated: [], failed: [] });
  });
});

describe.each(testEngines)("scheduled SAT reports after an outage on %s (issue #6 item 7)", (engine) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    if (!(await seedDemoWithHistory(t.db, DEMO_SITE, { now: NOW }))) throw new Error("a fresh demo database must get a history");
  }, 240_000);

  afterAll(async () => {
    await t?.close();
  });

  it("the month's report is made even when its last day is outside the daily look-back (server down at the month end); unsealed without a CSD", async () => {
    const run = await runScheduledReports(t.db, NOW, { keyHex: KEY, lookbackDays: 0 });
    expect(run.failed).toEqual([]);
    // Only month ends are looked at with no look-back: 30 November's daily report and November's monthly one.
    expect(run.generated.map((g) => `${g.kind} ${g.installationKey} ${g.period} ${g.sealed}`).sort()).toEqual(
      ["daily EDS-0001 2026-11-30 false", "daily TDA-0001 2026-11-30 false", "monthly EDS-0001 2026-11 false", "monthly TDA-0001 2026-11 false"].sort(),
    );
  });
});
