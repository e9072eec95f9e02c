import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { parseDecimal, add, compare } from "../../../../../server/domain/cfdi/decimal";
import { parseCfdi } from "../../../../../server/domain/cfdi/index";
import { seedDemoWithHistory } from "../../../../../server/services/demo/index";
import { buildDemoCfdiXml, demoCfdiAmounts, seedDemoFiscalDocuments, type DemoFiscalDocumentsResult } from "../../../../../server/services/demo/fiscal-documents";
import { verifyEventLog } from "../../../../../server/services/event-log/verify-integrity";
import { storeDailyReport } from "../../../../../server/services/sat-reports/daily";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * Demo fiscal documents after the demo history: acquisition CFDI per reception and sale CFDI per
 * truck loading, linked by the product's matching (A30-CFDI-01/02/05), and one demo dictamen per
 * lot (A32-01, A30-TYP-10), so the SAT daily report carries CFDI and composition.
 */
const NOW = new Date("2026-11-25T13:00:00Z");

describe("demo CFDI amounts and XML (A30-CFDI-08)", () => {
  it("Importe, IVA and Total add up exactly and the XML parses to the same data", () => {
    const a = demoCfdiAmounts("19864.791", "20.45");
    // 19864.791 × 20.45 = 406234.97595 → 406234.98; × 0.16 = 64997.5968 → 64997.60.
    expect(a.amount).toBe("406234.98");
    expect(a.vat).toBe("64997.60");
    expect(a.total).toBe("471232.58");
    expect(compare(add(parseDecimal(a.subtotal)!, parseDecimal(a.vat)!), parseDecimal(a.total)!)).toBe(0);
    const xml = buildDemoCfdiXml({
      uuid: "6F1B3C2A-4D5E-4F60-8A71-9B2C3D4E5F60",
      folio: "EDS-0001-R1",
      fecha: "2026-11-24T20:14:00",
      fechaTimbrado: "2026-11-24T20:15:00",
      issuer: { rfc: "GPA200101NL1", name: "Proveedora & Cía" },
      receiver: { rfc: "EKU9003173C9", name: "ESCUELA KEMPER URGATE SA DE CV" },
      concept: { claveProdServ: "15101514", description: "Gasolina <91", noIdentificacion: "PR07-SP16" },
      amounts: a,
    });
    const parsed = parseCfdi(Buffer.from(xml));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.cfdi.emisor.nombre).toBe("Proveedora & Cía");
    expect(parsed.cfdi.serie).toBe("DEMO");
    expect(parsed.cfdi.timbre.noCertificadoSAT).toBe("00000000000000000000");
    expect(parsed.cfdi.conceptos[0]!.descripcion).toBe("Gasolina <91");
  });
});

describe.each(testEngines)("demo fiscal documents on %s (A30-CFDI-01/02/05, A32-01, A30-TYP-10)", (engine) => {
  let t: TestDatabase;
  let first: DemoFiscalDocumentsResult;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    const history = await seedDemoWithHistory(t.db, DEMO_SITE, { now: NOW, days: 2 });
    if (!history) throw new Error("a fresh demo database must get a history");
    first = await seedDemoFiscalDocuments(t.db, { until: NOW, now: NOW });
    const links = await t.db.query<{ action: string; n: number }>("select details->>'action' as action, count(*)::int as n from event_log where details->>'action' like 'link-cfdi%' group by 1 order by 1");
    console.info(`[demo-fiscal-documents] ${engine}:`, first, links);
  }, 180_000);

  afterAll(async () => {
    await t?.close();
  });

  it("A30-CFDI-05: every current reception with its supplier RFC has exactly one linked acquisition CFDI within 0.5 % of its net volume", async () => {
    const rows = await t.db.query<{ number: number; net_volume: string; links: number; purpose: string | null; volume: string | null; issuer_rfc: string | null }>(
      `select o.number, o.net_volume::text,
              (select count(*)::int from cfdi_operation_links l join operations v on v.id = l.operation_id
                where l.unlinked_at is null and v.installation_id = o.installation_id and v.number = o.number) as links,
              c.purpose, cc.volume::text as volume, c.issuer_rfc
         from operations o
         left join lateral (select l.cfdi_id from cfdi_operation_links l join operations v on v.id = l.operation_id
                             where l.unlinked_at is null and v.installation_id = o.installation_id and v.number = o.number limit 1) x on true
         left join cfdi c on c.id = x.cfdi_id left join cfdi_concepts cc on cc.cfdi_id = c.id
        where o.type = 'reception' and o.counterparty_rfc is not null and not exists (select 1 from operations n where n.supersedes_id = o.id)`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const r of rows) {
      expect(r.links).toBe(1);
      expect(r.purpose).toBe("acquisition");
      expect(r.issuer_rfc).toBe("GPA200101NL1");
      expect(Math.abs(Number(r.volume) - Number(r.net_volume)) / Number(r.net_volume)).toBeLessThanOrEqual(0.005);
    }
  });

  it("A30-CFDI-05: every truck loading with its customer RFC has its sale CFDI to that RFC linked", async () => {
    const rows = await t.db.query<{ counterparty_rfc: string; purpose: string | null; receiver_rfc: string | null; links: number }>(
      `select o.counterparty_rfc, c.purpose, c.receiver_rfc,
              (select count(*)::int from cfdi_operation_links l join operations v on v.id = l.operation_id
                where l.unlinked_at is null and v.installation_id = o.installation_id and v.number = o.number) as links
         from operations o
         left join lateral (select l.cfdi_id from cfdi_operation_links l join operations v on v.id = l.operation_id
                             where l.unlinked_at is null and v.installation_id = o.installation_id and v.number = o.number limit 1) x on true
         left join cfdi c on c.id = x.cfdi_id
        where o.type = 'delivery' and o.element_type = 'duct' and o.counterparty_rfc is not null and not exists (select 1 from operations n where n.supersedes_id = o.id)`,
    );
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) {
      expect(r.links).toBe(1);
      expect(r.purpose).toBe("sale");
      expect(r.receiver_rfc).toBe(r.counterparty_rfc);
    }
    expect(first.linked).toBe(first.cfdi);
    // Hose sales to the general public stay without CFDI (no factura global: one link per sale would be needed).
    const [hose] = await t.db.query<{ n: number }>(
      "select count(*)::int as n from cfdi_operation_links l join operations o on o.id = l.operation_id where o.element_type = 'hose'",
    );
    expect(hose!.n).toBe(0);
  });

  it("A30-CFDI-08: totals add up exactly and the stored XML parses to the stored UUID, RFCs and concept", async () => {
    const rows = await t.db.query<{ uuid: string; issuer_rfc: string; receiver_rfc: string; subtotal: string; total: string; xml: string; quantity: string; amount: string; series: string }>(
      `select c.uuid, c.issuer_rfc, c.receiver_rfc, c.subtotal::text, c.total::text, c.xml, cc.quantity::text, cc.amount::text, c.series
         from cfdi c join cfdi_concepts cc on cc.cfdi_id = c.id`,
    );
    expect(rows).toHaveLength(first.cfdi);
    for (const r of rows) {
      expect(r.series).toBe("DEMO");
      const parsed = parseCfdi(Buffer.from(r.xml, "utf8"));
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      const c = parsed.cfdi;
      expect(c.version).toBe("4.0");
      expect(c.uuid).toBe(r.uuid);
      expect(c.timbre.version).toBe("1.1");
      expect(r.uuid[14]).toBe("4"); // random v4 UUID
      expect(c.emisor.rfc).toBe(r.issuer_rfc);
      expect(c.receptor.rfc).toBe(r.receiver_rfc);
      const vat = parseDecimal(c.impuestos!.totalImpuestosTrasladados)!;
      expect(compare(add(parseDecimal(c.subTotal)!, vat), parseDecimal(c.total)!)).toBe(0);
      expect(compare(parseDecimal(r.subtotal)!, parseDecimal(c.subTotal)!)).toBe(0);
      expect(compare(parseDecimal(r.total)!, parseDecimal(c.total)!)).toBe(0);
      expect(compare(parseDecimal(r.quantity)!, parseDecimal(c.conceptos[0]!.cantidad)!)).toBe(0);
      expect(compare(parseDecimal(r.amount)!, parseDecimal(c.subTotal)!)).toBe(0);
    }
  });

  it("A32-01, A30-TYP-10: every lot has a demo dictamen with the product's fields, dates in order, and the reception linked to it", async () => {
    const lots = await t.db.query<{
      key: string; product_key: string; octane_index: string | null; non_fossil_pct: string | null; contains_non_fossil: boolean | null; laboratory_name: string | null;
      sampling_date: string; test_date: string; results_date: string; issue_date: string; folio: string; lot_number: string;
    }>(
      `select l.key, l.product_key, d.octane_index::text, d.non_fossil_pct::text, d.contains_non_fossil, d.laboratory_name,
              d.sampling_date::text, d.test_date::text, d.results_date::text, d.issue_date::text, d.folio, d.lot_number
         from lots l left join dictamenes d on d.lot_id = l.id`,
    );
    expect(lots.length).toBe(first.lots);
    expect(first.dictamenes).toBe(first.lots);
    expect(lots.length).toBe(DEMO_SITE.installations.flatMap((i) => i.tanks).length + (await t.db.query("select 1 from operations o where o.type = 'reception' and not exists (select 1 from operations n where n.supersedes_id = o.id)")).length);
    for (const l of lots) {
      expect(l.laboratory_name).toBe("Laboratorio de Demostración");
      expect(l.lot_number).toBe(l.key);
      expect(l.folio).toMatch(/^EVA9612104R6\d{5}2026$/);
      expect(l.sampling_date <= l.test_date && l.test_date <= l.results_date && l.results_date <= l.issue_date).toBe(true);
      expect(l.contains_non_fossil).not.toBeNull();
      expect(l.non_fossil_pct).not.toBeNull();
      if (l.product_key === "PR07") expect(Number(l.octane_index)).toBeGreaterThan(80);
    }
    const [pending] = await t.db.query<{ n: number }>(
      "select count(*)::int as n from operations o where o.type = 'reception' and o.quality_record_id is null and not exists (select 1 from operations n where n.supersedes_id = o.id)",
    );
    expect(pending!.n).toBe(0);
  });

  it("the daily reports of 2026-11-24 carry that day's reception CFDI and the composition", async () => {
    const uuids = await t.db.query<{ key: string; uuid: string }>(
      `select i.key, c.uuid from cfdi_operation_links l join cfdi c on c.id = l.cfdi_id join operations o on o.id = l.operation_id join installations i on i.id = o.installation_id
        where l.unlinked_at is null and o.type = 'reception' and o.end_at >= '2026-11-24T06:00:00Z' and o.end_at < '2026-11-25T06:00:00Z'`,
    );
    for (const key of ["EDS-0001", "TDA-0001"]) {
      const report = await storeDailyReport(t.db, key, "2026-11-24", { now: NOW });
      for (const u of uuids.filter((x) => x.key === key)) expect(report.jsonText).toContain(u.uuid);
      if (key === "TDA-0001") {
        const [sale] = await t.db.query<{ uuid: string }>(
          `select c.uuid from cfdi c join cfdi_operation_links l on l.cfdi_id = c.id join operations o on o.id = l.operation_id
            where c.purpose = 'sale' and o.end_at >= '2026-11-24T06:00:00Z' and o.end_at < '2026-11-25T06:00:00Z' limit 1`,
        );
        expect(report.jsonText).toContain(sale!.uuid);
      }
      // The dictamen's octane index (87.5–87.9 → 88, 92.5–92.9 → 93), not the class fallback (87 / 91) of the builder.
      expect(report.jsonText).toContain('"ComposOctanajeGasolina": 88');
      expect(report.jsonText).toContain('"ComposOctanajeGasolina": 93');
    }
    expect(uuids.filter((u) => u.key === "EDS-0001").length).toBeGreaterThanOrEqual(1);
  });

  it("A30-LOG: one summary entry for the demo CFDI, one per link, and the bitácora chain still verifies", async () => {
    const [summary] = await t.db.query<{ n: number }>("select count(*)::int as n from event_log where details->>'action' = 'demo-cfdi' and (details->>'demoFiscalDocuments')::boolean");
    expect(summary!.n).toBe(1);
    const [links] = await t.db.query<{ n: number }>("select count(*)::int as n from event_log where details->>'action' in ('link-cfdi', 'link-cfdi-automatic')");
    expect(links!.n).toBe(first.linked);
    expect((await verifyEventLog(t.db)).ok).toBe(true);
  });

  it("is idempotent: a second run creates nothing", async () => {
    const counts = async () => (await t.db.query<{ c: number; l: number; d: number; k: number }>(
      "select (select count(*)::int from cfdi) as c, (select count(*)::int from cfdi_operation_links) as l, (select count(*)::int from dictamenes) as d, (select count(*)::int from lots) as k",
    ))[0];
    const before = await counts();
    const second = await seedDemoFiscalDocuments(t.db, { until: NOW, now: NOW });
    expect({ ...second, ms: 0 }).toEqual({ cfdi: 0, linked: 0, lots: 0, dictamenes: 0, ms: 0 });
    expect(await counts()).toEqual(before);
  });
});
