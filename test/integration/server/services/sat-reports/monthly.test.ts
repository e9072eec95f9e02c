import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { createReportMonthlyCommand } from "../../../../../server/cli/report-monthly";
import { CliFailure, CliUsageError, EXIT_OK } from "../../../../../server/cli/output";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { assertValidReport } from "../../../../../server/domain/sat-report/report-rules";
import { unpackReport } from "../../../../../server/domain/sat-report/package";
import { seedDemoWithHistory } from "../../../../../server/services/demo/index";
import { verifyEventLog } from "../../../../../server/services/event-log/verify-integrity";
import { MonthlyReportError, buildMonthlyReportFromDatabase, storeMonthlyReport } from "../../../../../server/services/sat-reports/monthly";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * Issue #6 item 7 (A30-RPT-02, A30-RPT-04): the SAT monthly report of November 2026 from the stored
 * records only. The demo history with `now` = 2026-12-01 18:00 Z holds the cuts of Nov 29 and 30
 * (the installations are registered at the start of Nov 29's period); for the service station and
 * the storage terminal the report validates, and per product the month's receptions / deliveries
 * equal sums computed here with separate SQL over the current operation rows of the month's cut
 * periods (Nov 29 00:00 to Dec 1 00:00 local, UTC−6) and the sums of the daily cuts (A30-RPT-02).
 */
const NOW = new Date("2026-12-01T18:00:00Z");
const MONTH = "2026-11";
/** The demo installations are registered in the period of Nov 29: the month's records start there. */
const WINDOW_START = new Date("2026-11-29T06:00:00Z");
const WINDOW_END = new Date("2026-12-01T06:00:00Z");

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const close5 = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(0.0005);

describe.each(testEngines)("SAT monthly report on %s (A30-RPT-02, A30-RPT-04)", (engine) => {
  let t: TestDatabase;
  let outDir: string;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    const history = await seedDemoWithHistory(t.db, DEMO_SITE, { now: NOW });
    if (!history) throw new Error("a fresh demo database must get a history");
    outDir = mkdtempSync(path.join(tmpdir(), "aforo-report-monthly-"));
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  /** Independent per-product sums over the current operation rows of the month. */
  async function rawProducts(installationKey: string) {
    return t.db.query<{ product_key: string; sub_product_key: string | null; type: string; n: number; total: string }>(
      `select o.product_key, o.sub_product_key, o.type, count(*)::int as n, sum(o.net_volume)::text as total
         from operations o join installations i on i.id = o.installation_id
        where i.key = $1 and o.end_at >= $2 and o.end_at < $3
          and o.id not in (select supersedes_id from operations where supersedes_id is not null)
        group by 1, 2, 3`,
      [installationKey, WINDOW_START, WINDOW_END],
    );
  }

  /** Independent month-end book stock per product: each tank's current cut of Nov 30. */
  async function rawClosing(installationKey: string) {
    return t.db.query<{ product_key: string; sub_product_key: string | null; book: string }>(
      `select k.product_key, k.sub_product_key, sum(c.book_volume)::text as book
         from inventory_cuts c join tanks k on k.id = c.tank_id join installations i on i.id = c.installation_id
        where i.key = $1 and c.report_date = $2::date
          and c.id not in (select supersedes_id from inventory_cuts where supersedes_id is not null)
        group by 1, 2`,
      [installationKey, "2026-11-30"],
    );
  }

  /** Independent per-product sums of the month's daily cuts (A30-RPT-02: month = sum of the days). */
  async function rawCutSums(installationKey: string) {
    return t.db.query<{ product_key: string; sub_product_key: string | null; rec: string; del: string; rc: number; dc: number }>(
      `select k.product_key, k.sub_product_key, sum(c.receptions_volume)::text as rec, sum(c.deliveries_volume)::text as del,
              sum(c.reception_count)::int as rc, sum(c.delivery_count)::int as dc
         from inventory_cuts c join tanks k on k.id = c.tank_id join installations i on i.id = c.installation_id
        where i.key = $1 and c.report_date between $2::date and $3::date
          and c.id not in (select supersedes_id from inventory_cuts where supersedes_id is not null)
        group by 1, 2`,
      [installationKey, "2026-11-01", "2026-11-30"],
    );
  }

  async function checkInstallation(installationKey: string): Promise<Any> {
    const result = await buildMonthlyReportFromDatabase(t.db, installationKey, MONTH, { now: NOW });
    const validation = assertValidReport("monthly", result.report);
    expect(validation.ok ? [] : validation.errors.slice(0, 5)).toEqual([]);
    expect(result.windowStart).toEqual(WINDOW_START);
    expect(result.windowEnd).toEqual(WINDOW_END);
    expect(result.missingCutDates).toEqual([]);
    const r = result.report as Any;
    expect(r.ClaveInstalacion).toBe(installationKey);
    expect(r.FechaYHoraReporteMes).toBe("2026-12-01T12:00:00-06:00");
    const raw = await rawProducts(installationKey);
    const closing = await rawClosing(installationKey);
    const cutSums = await rawCutSums(installationKey);
    const id = (p: string, s: string | null) => `${p}/${s ?? ""}`;
    let movements = 0;
    for (const producto of r.Producto) {
      const pid = id(producto.ClaveProducto, producto.ClaveSubProducto ?? null);
      const m = producto.ReporteDeVolumenMensual;
      const rec = raw.find((x) => id(x.product_key, x.sub_product_key) === pid && x.type === "reception");
      const del = raw.find((x) => id(x.product_key, x.sub_product_key) === pid && x.type === "delivery");
      expect(m.Recepciones.TotalRecepcionesMes).toBe(rec?.n ?? 0);
      close5(m.Recepciones.SumaVolumenRecepcionMes.ValorNumerico, Number(rec?.total ?? 0));
      expect(m.Entregas.TotalEntregasMes).toBe(del?.n ?? 0);
      close5(m.Entregas.SumaVolumenEntregadoMes.ValorNumerico, Number(del?.total ?? 0));
      movements += (rec?.n ?? 0) + (del?.n ?? 0);
      const days = cutSums.find((x) => id(x.product_key, x.sub_product_key) === pid);
      if (days) {
        expect(m.Recepciones.TotalRecepcionesMes).toBe(days.rc);
        close5(m.Recepciones.SumaVolumenRecepcionMes.ValorNumerico, Number(days.rec));
        expect(m.Entregas.TotalEntregasMes).toBe(days.dc);
        close5(m.Entregas.SumaVolumenEntregadoMes.ValorNumerico, Number(days.del));
      }
      const stock = closing.find((x) => id(x.product_key, x.sub_product_key) === pid);
      if (stock) {
        close5(m.ControlDeExistencias.VolumenExistenciasMes, Number(stock.book));
        expect(m.ControlDeExistencias.FechaYHoraEstaMedicionMes).toBe("2026-12-01T00:00:00-06:00");
      }
    }
    // Every operation of the month is in exactly one product block.
    expect(movements).toBe(raw.reduce((a, x) => a + x.n, 0));
    expect(movements).toBeGreaterThan(10);
    expect(r.BitacoraMensual.length).toBeGreaterThan(0);
    return r;
  }

  it("EDS-0001: the 2026-11 report validates and per product equals the stored operations", async () => {
    const r = await checkInstallation("EDS-0001");
    expect(r.NumeroTanques).toBe(3);
    for (const p of r.Producto) expect(p.ReporteDeVolumenMensual.Entregas.Complemento[0].TipoComplemento).toBe("Expendio");
  });

  it("TDA-0001: the 2026-11 report validates and per product equals the stored operations", async () => {
    const r = await checkInstallation("TDA-0001");
    expect(r.NumeroDuctosEntradaSalida).toBe(2);
    for (const p of r.Producto) expect(p.ReporteDeVolumenMensual.Recepciones.Complemento[0].TipoComplemento).toBe("Almacenamiento");
  });

  it("a CFDI linked to a reception of the month is counted once in TotalDocumentosMes / Importe and the report stays valid", async () => {
    const [reception] = await t.db.query<{ id: number; product_key: string; sub_product_key: string | null; net_volume: string; counterparty_rfc: string | null; taxpayer_id: number; installation_id: number }>(
      `select o.id, o.product_key, o.sub_product_key, o.net_volume, o.counterparty_rfc, i.taxpayer_id, i.id as installation_id
         from operations o join installations i on i.id = o.installation_id
        where i.key = $1 and o.type = 'reception' and o.end_at >= $2 and o.end_at < $3
          and not exists (select 1 from operations s where s.supersedes_id = o.id)
        order by o.end_at limit 1`,
      ["EDS-0001", WINDOW_START, WINDOW_END],
    );
    if (!reception) throw new Error("the demo month must have a reception");
    const [cfdi] = await t.db.query<{ id: number }>(
      `insert into cfdi (taxpayer_id, installation_id, uuid, version, type, purpose, issued_at, issuer_rfc, receiver_rfc, subtotal, total, currency, xml_sha256, xml)
       values ($1, $2, $3, '4.0', 'I', 'acquisition', $4, $5, $6, $7, $8, 'MXN', $9, $10) returning id`,
      [
        reception.taxpayer_id,
        reception.installation_id,
        "5F3C1A9E-2B7D-4E8A-9C61-0D4B7E2A8F13",
        new Date("2026-11-29T20:00:00Z"),
        "EWE1709045U0",
        "EKU9003173C9",
        "368103.45",
        "427000.00",
        "a".repeat(64),
        "<cfdi:Comprobante/>",
      ],
    );
    await t.db.query(`insert into cfdi_operation_links (cfdi_id, operation_id, volume_linked, unit) values ($1, $2, $3, 'UM03')`, [cfdi!.id, reception.id, reception.net_volume]);
    const result = await buildMonthlyReportFromDatabase(t.db, "EDS-0001", MONTH, { now: NOW });
    const validation = assertValidReport("monthly", result.report);
    expect(validation.ok ? [] : validation.errors.slice(0, 5)).toEqual([]);
    const producto = (result.report as Any).Producto.find(
      (p: Any) => p.ClaveProducto === reception.product_key && (p.ClaveSubProducto ?? null) === reception.sub_product_key,
    );
    const rec = producto.ReporteDeVolumenMensual.Recepciones;
    expect(rec.TotalDocumentosMes).toBe(1);
    expect(rec.ImporteTotalRecepcionesMensual).toBe(427000);
    if (reception.counterparty_rfc) {
      const cfdis = rec.Complemento[0].Nacional.flatMap((n: Any) => n.CFDIs ?? []);
      expect(cfdis.map((c: Any) => c.Cfdi)).toEqual(["5F3C1A9E-2B7D-4E8A-9C61-0D4B7E2A8F13"]);
    }
  });

  it("errors: unknown installation, bad month, a month without cuts, an open month are typed errors", async () => {
    await expect(buildMonthlyReportFromDatabase(t.db, "EDS-0999", MONTH, { now: NOW })).rejects.toMatchObject({ code: "installation_not_found" });
    await expect(buildMonthlyReportFromDatabase(t.db, "EDS-0001", "2026-13", { now: NOW })).rejects.toMatchObject({ code: "invalid_month" });
    await expect(buildMonthlyReportFromDatabase(t.db, "EDS-0001", "2026-10", { now: NOW })).rejects.toBeInstanceOf(MonthlyReportError);
    await expect(buildMonthlyReportFromDatabase(t.db, "EDS-0001", "2026-10", { now: NOW })).rejects.toMatchObject({ code: "no_cut" });
    // December has no cut yet at all.
    await expect(buildMonthlyReportFromDatabase(t.db, "EDS-0001", "2026-12", { now: NOW })).rejects.toMatchObject({ code: "no_cut" });
  });

  it("CLI `report monthly` writes a file that parses and validates; bad input is a usage error", async () => {
    const command = createReportMonthlyCommand(async () => ({ db: t.db, close: async () => {} }), () => NOW);
    expect(command.name).toBe("report monthly");
    const out = path.join(outDir, "EDS-0001-2026-11.json");
    const code = await command.run!({ installation: "EDS-0001", month: MONTH, out }, []);
    expect(code).toBe(EXIT_OK);
    const text = readFileSync(out, "utf8");
    const parsed = JSON.parse(text) as unknown;
    expect(assertValidReport("monthly", parsed).ok).toBe(true);
    expect(text.startsWith('{\n  "Version"')).toBe(true);

    await expect(command.run!({ installation: "EDS-0001", month: "2026-11-01" }, [])).rejects.toBeInstanceOf(CliUsageError);
    await expect(command.run!({ installation: "EDS-0001" }, [])).rejects.toBeInstanceOf(CliUsageError);
    await expect(command.run!({ month: MONTH }, [])).rejects.toBeInstanceOf(CliUsageError);
    await expect(command.run!({ installation: "EDS-0999", month: MONTH }, [])).rejects.toBeInstanceOf(CliUsageError);
    await expect(command.run!({ installation: "EDS-0001", month: "2026-10", out: path.join(outDir, "none.json") }, [])).rejects.toBeInstanceOf(CliFailure);
  });

  it("storeMonthlyReport: packages (M_, last day), stores a new version on re-generation and writes one bitácora entry", async () => {
    const first = await storeMonthlyReport(t.db, "EDS-0001", MONTH, { now: new Date("2026-12-01T18:10:00Z") });
    const second = await storeMonthlyReport(t.db, "EDS-0001", MONTH, { now: new Date("2026-12-01T18:20:00Z"), username: "supervisor" });
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(first.fileName).toMatch(/^M_[0-9a-f-]{36}_EKU9003173C9_AFO260101AB1_2026-11-30_EDS-0001_EXO_JSON$/);
    const rows = await t.db.query<{ id: number; version: number; supersedes_id: number | null; status: string; sha256: string; file_name: string; content: unknown; period_start: unknown; period_end: unknown }>(
      `select id, version, supersedes_id, status, sha256, file_name, content, period_start::text as period_start, period_end::text as period_end
         from generated_reports where kind = 'monthly' order by version`,
    );
    expect(rows.map((r) => [r.version, r.supersedes_id, r.status, r.period_start, r.period_end])).toEqual([
      [1, null, "draft", "2026-11-01", "2026-11-30"],
      [2, first.id, "draft", "2026-11-01", "2026-11-30"],
    ]);
    expect(rows[1]!.sha256).toBe(second.package.sha256Json);
    expect(rows[1]!.file_name).toBe(second.package.zipName);
    expect(assertValidReport("monthly", rows[1]!.content).ok).toBe(true);
    const unpacked = unpackReport(second.package.zip);
    expect(unpacked.ok && unpacked.value.jsonText).toBe(second.jsonText);
    const entries = await t.db.query<{ username: string; description: string }>(
      `select username, description from event_log where id = any($1::bigint[]) order by id`,
      [[first.eventLogId, second.eventLogId]],
    );
    expect(entries.map((e) => e.username)).toEqual(["sistema", "supervisor"]);
    expect(entries[1]!.description).toContain("Generación del reporte mensual SAT de EDS-0001 de 2026-11 (versión 2)");
    expect((await verifyEventLog(t.db)).ok).toBe(true);
  });
});
