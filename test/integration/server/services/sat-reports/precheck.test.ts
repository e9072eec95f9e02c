import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { seedDemoWithHistory } from "../../../../../server/services/demo/index";
import { monthlyPrecheck } from "../../../../../server/services/sat-reports/precheck";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * A30-RPT-06 on stored records: the demo history with `now` = 2026-12-01 18:00 Z holds the cuts of
 * 29 and 30 November. The pre-check of November lists what the records lack, each count equal to
 * one computed here with plain SQL; a CFDI linked to a reception takes it off the list; bad input
 * is a clear, typed error.
 */
const NOW = new Date("2026-12-01T18:00:00Z");
const START = new Date("2026-11-29T06:00:00Z");
const END = new Date("2026-12-01T06:00:00Z");

describe.each(testEngines)("monthly pre-check on %s (A30-RPT-06)", (engine) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    if (!(await seedDemoWithHistory(t.db, DEMO_SITE, { now: NOW }))) throw new Error("a fresh demo database must get a history");
  }, 240_000);

  afterAll(async () => {
    await t?.close();
  });

  const count = async (installation: string, where: string) =>
    Number(
      (
        await t.db.query<{ n: number }>(
          `select count(*)::int as n from operations o join installations i on i.id = o.installation_id
            where i.key = $1 and o.end_at >= $2 and o.end_at < $3 and not exists (select 1 from operations s where s.supersedes_id = o.id) and ${where}`,
          [installation, START, END],
        )
      )[0]!.n,
    );
  // A link belongs to the operation's record (installation, number), whatever version it was made on.
  const noCfdi =
    "not exists (select 1 from cfdi_operation_links l join operations v on v.id = l.operation_id where v.installation_id = o.installation_id and v.number = o.number and l.unlinked_at is null)";

  it("EDS-0001: no missing cut (the station starts on the 29th); receptions without CFDI and operations without quality data, counted as in the tables; retail sales need no CFDI each", async () => {
    const result = await monthlyPrecheck(t.db, "EDS-0001", "2026-11", NOW);
    expect(result.windowStart).toBe(START.toISOString());
    expect(result.windowEnd).toBe(END.toISOString());
    const byCode = new Map(result.items.map((i) => [i.code, i]));
    expect(byCode.has("missing_cuts")).toBe(false);
    expect(byCode.get("no_cfdi")?.count ?? 0).toBe(await count("EDS-0001", `o.type = 'reception' and ${noCfdi}`));
    expect(byCode.get("no_quality")?.count ?? 0).toBe(await count("EDS-0001", "o.quality_record_id is null"));
    expect(byCode.get("no_counterparty")?.count ?? 0).toBe(await count("EDS-0001", "o.counterparty_rfc is null"));
    for (const item of result.items) expect(item.examples.length).toBe(Math.min(item.count, 20));
  });

  it("TDA-0001: the terminal's deliveries need their CFDI too; linking a sale CFDI to a truck loading takes it off the list", async () => {
    const before = await monthlyPrecheck(t.db, "TDA-0001", "2026-11", NOW);
    const pending = before.items.find((i) => i.code === "no_cfdi")!;
    expect(pending.count).toBe(await count("TDA-0001", noCfdi));
    expect(pending.count).toBeGreaterThan(0);
    const [loading] = await t.db.query<{ id: number; net_volume: string; taxpayer_id: number; installation_id: number }>(
      `select o.id, o.net_volume, i.taxpayer_id, i.id as installation_id from operations o join installations i on i.id = o.installation_id
        where i.key = 'TDA-0001' and o.type = 'delivery' and o.end_at >= $1 and o.end_at < $2 and not exists (select 1 from operations s where s.supersedes_id = o.id)
        order by o.end_at limit 1`,
      [START, END],
    );
    const [cfdi] = await t.db.query<{ id: number }>(
      `insert into cfdi (taxpayer_id, installation_id, uuid, version, type, purpose, issued_at, issuer_rfc, receiver_rfc, subtotal, total, currency, xml_sha256, xml)
       values ($1, $2, '7A1C2B3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D', '4.0', 'I', 'sale', $3, 'EKU9003173C9', 'CACX7605101P8', 100, 116, 'MXN', $4, '<cfdi:Comprobante/>') returning id`,
      [loading!.taxpayer_id, loading!.installation_id, START, "b".repeat(64)],
    );
    await t.db.query(`insert into cfdi_operation_links (cfdi_id, operation_id, volume_linked, unit) values ($1, $2, $3, 'UM03')`, [cfdi!.id, loading!.id, loading!.net_volume]);
    const after = await monthlyPrecheck(t.db, "TDA-0001", "2026-11", NOW);
    expect(after.items.find((i) => i.code === "no_cfdi")!.count).toBe(pending.count - 1);
  });

  it("a month whose days are closed but were never cut lists them; an open month expects no cut yet", async () => {
    // The installations exist from 29 November: make EDS-0001 registered a day earlier, so 28 November lacks its cut.
    await t.db.query("update installations set created_at = $1 where key = 'EDS-0001'", [new Date("2026-11-28T12:00:00Z")]);
    const result = await monthlyPrecheck(t.db, "EDS-0001", "2026-11", NOW);
    expect(result.items[0]).toMatchObject({ code: "missing_cuts", count: 1, examples: ["2026-11-28"] });
    const december = await monthlyPrecheck(t.db, "EDS-0001", "2026-12", NOW);
    expect(december.items.find((i) => i.code === "missing_cuts")).toBeUndefined();
  });

  it("bad input: unknown installation → 404, malformed month → 400", async () => {
    await expect(monthlyPrecheck(t.db, "EDS-9999", "2026-11", NOW)).rejects.toMatchObject({ status: 404 });
    await expect(monthlyPrecheck(t.db, "EDS-0001", "2026-13", NOW)).rejects.toMatchObject({ status: 400 });
  });
});
