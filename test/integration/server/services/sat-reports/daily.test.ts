import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { createReportDailyCommand } from "../../../../../server/cli/report";
import { CliFailure, CliUsageError, EXIT_OK } from "../../../../../server/cli/output";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { assertValidReport } from "../../../../../server/domain/sat-report/report-rules";
import { seedDemoWithHistory } from "../../../../../server/services/demo/index";
import { unpackReport } from "../../../../../server/domain/sat-report/package";
import { DailyReportError, buildDailyReportFromDatabase, storeDailyReport } from "../../../../../server/services/sat-reports/daily";
import { verifyEventLog } from "../../../../../server/services/event-log/verify-integrity";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";
import { manualOperationSchema } from "../../../../../server/domain/operations/record";
import { registerManualOperation } from "../../../../../server/services/operations/user-actions";

/**
 * Issue #6 item 7 (A30-RPT-01, A30-RPT-04): the SAT daily report of the demo history's previous
 * day, built from the stored records only, for the service station (tanks + dispensers, Expendio)
 * and the storage terminal (tanks + ducts, Almacenamiento). Each report validates, and per tank
 * the reported closing stock, receptions and deliveries equal sums computed here with separate SQL
 * over the raw rows (current versions of operations, inventory_cuts). A fixed `now` keeps the
 * history reproducible.
 */
const NOW = new Date("2026-11-20T18:00:00Z");
const REPORT_DATE = "2026-11-19";

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const close5 = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(0.0005);

describe.each(testEngines)("SAT daily report on %s (A30-RPT-01, A30-RPT-04)", (engine) => {
  let t: TestDatabase;
  let outDir: string;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    const history = await seedDemoWithHistory(t.db, DEMO_SITE, { now: NOW });
    if (!history) throw new Error("a fresh demo database must get a history");
    outDir = mkdtempSync(path.join(tmpdir(), "aforo-report-daily-"));
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  /** Independent sums over the raw rows for one tank and the report date. */
  async function rawTank(installationKey: string, tankKey: string) {
    const [cut] = await t.db.query<{ book: string; opening: string; rec: string; del: string; period_start: Date; cut_at: Date }>(
      `select c.book_volume as book, c.opening_volume as opening, c.receptions_volume as rec, c.deliveries_volume as del, c.period_start, c.cut_at
         from inventory_cuts c join tanks k on k.id = c.tank_id join installations i on i.id = c.installation_id
        where i.key = $1 and k.key = $2 and c.report_date = $3::date
          and c.id not in (select supersedes_id from inventory_cuts where supersedes_id is not null)`,
      [installationKey, tankKey, REPORT_DATE],
    );
    if (!cut) throw new Error(`no cut for ${tankKey}`);
    const sums = await t.db.query<{ type: string; hose: boolean; n: number; total: string | null }>(
      `select o.type, (o.element_type = 'hose') as hose, count(*)::int as n, sum(o.net_volume)::text as total
         from operations o join tanks k on k.id = o.tank_id
        where k.key = $1 and o.installation_id = k.installation_id and o.end_at >= $2 and o.end_at < $3
          and o.id not in (select supersedes_id from operations where supersedes_id is not null)
        group by 1, 2`,
      [tankKey, cut.period_start, cut.cut_at],
    );
    const pick = (type: string, hose: boolean) => sums.find((s) => s.type === type && s.hose === hose);
    return {
      book: Number(cut.book),
      opening: Number(cut.opening),
      cutReceptions: Number(cut.rec),
      cutDeliveries: Number(cut.del),
      receptions: { n: pick("reception", false)?.n ?? 0, total: Number(pick("reception", false)?.total ?? 0) },
      deliveries: { n: pick("delivery", false)?.n ?? 0, total: Number(pick("delivery", false)?.total ?? 0) },
      hoseSales: { n: pick("delivery", true)?.n ?? 0, total: Number(pick("delivery", true)?.total ?? 0) },
    };
  }

  it("EDS-0001: the report validates and every tank's figures equal the stored records", async () => {
    const { report } = await buildDailyReportFromDatabase(t.db, "EDS-0001", REPORT_DATE);
    const validation = assertValidReport("daily", report);
    expect(validation.ok ? [] : validation.errors.slice(0, 5)).toEqual([]);
    const r = report as Any;
    expect(r.ClaveInstalacion).toBe("EDS-0001");
    expect(r.FechaYHoraCorte).toBe("2026-11-20T00:00:00-06:00");
    const tanks = r.Producto.flatMap((p: Any) => p.Tanque ?? []);
    const hoses = r.Producto.flatMap((p: Any) => (p.Dispensario ?? []).flatMap((d: Any) => d.Manguera));
    expect(tanks.map((k: Any) => k.ClaveIdentificacionTanque).sort()).toEqual(["TQS-EDS-0001", "TQS-EDS-0002", "TQS-EDS-0003"]);
    const hoseTank = await t.db.query<{ hose: string; tank: string }>(
      `select h.key as hose, k.key as tank from hoses h join tanks k on k.id = h.tank_id`,
    );
    let anySales = 0;
    for (const tank of tanks) {
      const raw = await rawTank("EDS-0001", tank.ClaveIdentificacionTanque);
      close5(tank.Existencias.VolumenExistencias, raw.book);
      close5(tank.Existencias.VolumenExistenciasAnterior, raw.opening);
      close5(tank.Existencias.VolumenAcumOpsRecepcion.ValorNumerico, raw.cutReceptions);
      close5(tank.Existencias.VolumenAcumOpsEntrega.ValorNumerico, raw.cutDeliveries);
      expect(tank.Recepciones.TotalRecepciones).toBe(raw.receptions.n);
      close5(tank.Recepciones.SumaVolumenRecepcion.ValorNumerico, raw.receptions.total);
      // Sales at the hoses are reported under Dispensario; the tank's own Entregas are the rest (none).
      expect(tank.Entregas.TotalEntregas).toBe(raw.deliveries.n);
      close5(tank.Entregas.SumaVolumenEntregado.ValorNumerico, raw.deliveries.total);
      const own = new Set(hoseTank.filter((h) => h.tank === tank.ClaveIdentificacionTanque).map((h) => h.hose));
      const blocks = hoses.filter((h: Any) => own.has(h.IdentificadorManguera)).map((h: Any) => h.Entregas[0]);
      expect(blocks.reduce((a: number, b: Any) => a + b.TotalEntregas, 0)).toBe(raw.hoseSales.n);
      close5(blocks.reduce((a: number, b: Any) => a + b.SumaVolumenEntregado.ValorNumerico, 0), raw.hoseSales.total);
      anySales += raw.hoseSales.n;
      for (const item of tank.Recepciones.Recepcion ?? []) {
        expect(item.Complemento?.TipoComplemento ?? "Expendio").toBe("Expendio");
      }
    }
    expect(anySales).toBeGreaterThan(100);
    expect(r.Bitacora.length).toBeGreaterThan(0);
  });

  it("TDA-0001: the report validates; tanks and ducts equal the stored records", async () => {
    const { report } = await buildDailyReportFromDatabase(t.db, "TDA-0001", REPORT_DATE);
    const validation = assertValidReport("daily", report);
    expect(validation.ok ? [] : validation.errors.slice(0, 5)).toEqual([]);
    const r = report as Any;
    expect(r.NumeroDuctosEntradaSalida).toBe(2);
    const tanks = r.Producto.flatMap((p: Any) => p.Tanque ?? []);
    expect(tanks).toHaveLength(6);
    let deliveries = 0;
    for (const tank of tanks) {
      const raw = await rawTank("TDA-0001", tank.ClaveIdentificacionTanque);
      close5(tank.Existencias.VolumenExistencias, raw.book);
      close5(tank.Existencias.VolumenAcumOpsEntrega.ValorNumerico, raw.cutDeliveries);
      expect(tank.Recepciones.TotalRecepciones).toBe(raw.receptions.n);
      close5(tank.Recepciones.SumaVolumenRecepcion.ValorNumerico, raw.receptions.total);
      expect(tank.Entregas.TotalEntregas).toBe(raw.deliveries.n);
      close5(tank.Entregas.SumaVolumenEntregado.ValorNumerico, raw.deliveries.total);
      deliveries += raw.deliveries.n;
      for (const item of [...(tank.Recepciones.Recepcion ?? []), ...(tank.Entregas.Entrega ?? [])]) {
        if (item.Complemento) expect(item.Complemento.TipoComplemento).toBe("Almacenamiento");
      }
    }
    expect(deliveries).toBeGreaterThan(10);
    // Ducts: the day's operations per duct (all products) equal the reported Ducto blocks.
    const ducts = r.Producto.flatMap((p: Any) => p.Ducto ?? []);
    const rawDucts = await t.db.query<{ key: string; type: string; n: number; total: string }>(
      `select d.key, o.type, count(*)::int as n, sum(o.net_volume)::text as total
         from operations o join ducts d on d.id = o.duct_id join installations i on i.id = o.installation_id
        where i.key = 'TDA-0001' and o.end_at >= $1 and o.end_at < $2
          and o.id not in (select supersedes_id from operations where supersedes_id is not null)
        group by 1, 2`,
      [new Date("2026-11-19T06:00:00Z"), new Date("2026-11-20T06:00:00Z")],
    );
    for (const row of rawDucts) {
      const blocks = ducts.filter((d: Any) => d.ClaveIdentificacionDucto === row.key).map((d: Any) => (row.type === "reception" ? d.Recepciones : d.Entregas));
      const count = blocks.reduce((a: number, b: Any) => a + (b.TotalRecepciones ?? b.TotalEntregas), 0);
      const total = blocks.reduce((a: number, b: Any) => a + (b.SumaVolumenRecepcion ?? b.SumaVolumenEntregado).ValorNumerico, 0);
      expect(count).toBe(row.n);
      close5(total, Number(row.total));
    }
  });

  it("errors: unknown installation and a date without a cut are typed errors", async () => {
    await expect(buildDailyReportFromDatabase(t.db, "EDS-0999", REPORT_DATE)).rejects.toMatchObject({ code: "installation_not_found" });
    await expect(buildDailyReportFromDatabase(t.db, "EDS-0001", "2026-10-01")).rejects.toBeInstanceOf(DailyReportError);
    await expect(buildDailyReportFromDatabase(t.db, "EDS-0001", "2026-10-01")).rejects.toMatchObject({ code: "no_cut" });
  });

  it("CLI `report daily` writes a file that parses and validates; bad input is a usage error", async () => {
    const command = createReportDailyCommand(async () => ({ db: t.db, close: async () => {} }));
    const out = path.join(outDir, "EDS-0001.json");
    const code = await command.run!({ installation: "EDS-0001", date: REPORT_DATE, out }, []);
    expect(code).toBe(EXIT_OK);
    const text = readFileSync(out, "utf8");
    const parsed = JSON.parse(text) as unknown;
    expect(assertValidReport("daily", parsed).ok).toBe(true);
    expect(text.startsWith('{\n  "Version"')).toBe(true);
    expect(command.name).toBe("report daily");

    await expect(command.run!({ installation: "EDS-0001", date: "2026-02-30" }, [])).rejects.toBeInstanceOf(CliUsageError);
    await expect(command.run!({ date: REPORT_DATE }, [])).rejects.toBeInstanceOf(CliUsageError);
    await expect(command.run!({ installation: "EDS-0999", date: REPORT_DATE }, [])).rejects.toBeInstanceOf(CliUsageError);
    await expect(command.run!({ installation: "EDS-0001", date: "2026-10-01", out: path.join(outDir, "none.json") }, [])).rejects.toBeInstanceOf(CliFailure);
  });

  it("storeDailyReport: packages, stores a new version on re-generation and writes one bitácora entry", async () => {
    const first = await storeDailyReport(t.db, "TDA-0001", REPORT_DATE, { now: new Date("2026-11-20T18:10:00Z") });
    const second = await storeDailyReport(t.db, "TDA-0001", REPORT_DATE, { now: new Date("2026-11-20T18:20:00Z"), username: "supervisor" });
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(first.fileName).toMatch(/^D_[0-9a-f-]{36}_EKU9003173C9_AFO260101AB1_2026-11-19_TDA-0001_ALM_JSON$/);
    const rows = await t.db.query<{ id: number; version: number; supersedes_id: number | null; status: string; sha256: string; file_name: string; content: unknown }>(
      `select id, version, supersedes_id, status, sha256, file_name, content from generated_reports where kind = 'daily' order by version`,
    );
    expect(rows.map((r) => [r.version, r.supersedes_id, r.status])).toEqual([
      [1, null, "draft"],
      [2, first.id, "draft"],
    ]);
    expect(rows[1]!.sha256).toBe(second.package.sha256Json);
    expect(rows[1]!.file_name).toBe(second.package.zipName);
    expect(assertValidReport("daily", rows[1]!.content).ok).toBe(true);
    const unpacked = unpackReport(second.package.zip);
    expect(unpacked.ok && unpacked.value.jsonText).toBe(second.jsonText);
    const entries = await t.db.query<{ id: number; description: string; username: string; installation_id: number }>(
      `select id, description, username, installation_id from event_log where id = any($1::bigint[]) order by id`,
      [[first.eventLogId, second.eventLogId]],
    );
    expect(entries.map((e) => e.username)).toEqual(["sistema", "supervisor"]);
    expect(entries[1]!.description).toContain("Generación del reporte diario SAT de TDA-0001 del 2026-11-19 (versión 2)");
    expect((await verifyEventLog(t.db)).ok).toBe(true);
  });

  it("A30-REC-07: a manual reception without the tank's volumes or temperature takes them from the tank's stored readings, and the report still validates", async () => {
    const [admin] = await t.db.query<{ id: number }>("select id from users where username = 'supervisor'");
    const input = manualOperationSchema.parse({
      installationKey: "EDS-0001",
      type: "reception",
      tankKey: "TQS-EDS-0002",
      startAt: "2026-11-19T09:00:00-06:00",
      endAt: "2026-11-19T09:40:00-06:00",
      netVolume: 13579,
      counterpartyRfc: "GPA200101NL1",
      justification: "La sonda del tanque estuvo fuera de servicio durante la descarga",
    });
    const created = await registerManualOperation(t.db, input, { userId: Number(admin!.id), username: "supervisor" }, NOW);
    const { report } = await buildDailyReportFromDatabase(t.db, "EDS-0001", REPORT_DATE);
    expect(assertValidReport("daily", report)).toEqual({ ok: true });
    const receptions = (report as { Producto: { Tanque?: { Recepciones?: { Recepcion?: Record<string, unknown>[] } }[] }[] }).Producto.flatMap((p) =>
      (p.Tanque ?? []).flatMap((tank) => tank.Recepciones?.Recepcion ?? []),
    );
    const manual = receptions.find((r) => r.NumeroDeRegistro === created.number);
    expect(manual, JSON.stringify(receptions.map((r) => r.NumeroDeRegistro))).toBeDefined();
    const [before] = await t.db.query<{ net_volume_l: number }>(
      "select r.net_volume_l from tank_readings r join tanks k on k.id = r.tank_id where k.key = 'TQS-EDS-0002' and r.time <= '2026-11-19T09:00:00-06:00' order by r.time desc limit 1",
    );
    expect((manual!.VolumenInicialTanque as { ValorNumerico: number }).ValorNumerico).toBeCloseTo(before!.net_volume_l, 2);
    expect(typeof manual!.Temperatura).toBe("number");
  });
});
