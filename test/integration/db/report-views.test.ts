import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../db/seed/catalogs";
import { DEMO_SITE } from "../../../server/contracts/demo-site";
import { seedDemoFiscalDocuments } from "../../../server/services/demo/fiscal-documents";
import { seedDemoWithHistory } from "../../../server/services/demo/index";
import { buildDailyReportFromDatabase } from "../../../server/services/sat-reports/daily";
import { buildMonthlyReportFromDatabase } from "../../../server/services/sat-reports/monthly";
import { openTestDatabase, testEngines, type TestDatabase } from "../../helpers/test-db";

/**
 * A30-RPT-07 (A31 31.2 II b): the documented views rpt_daily_totals, rpt_daily_operations and
 * rpt_monthly_totals (migration 0004) give a certifier, with plain SQL, the same figures as the
 * SAT reports: per tank and date the daily report's Existencias and receptions, per product and
 * month the monthly report's totals; the read-only role aforo_auditor may read the views and
 * nothing else. Demo history with `now` = 2026-12-01 18:00 Z (cuts of 29 and 30 November).
 */
const NOW = new Date("2026-12-01T18:00:00Z");
const DAY = "2026-11-30";

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(0.0005);

describe.each(testEngines)("report views on %s (A30-RPT-07)", (engine) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    if (!(await seedDemoWithHistory(t.db, DEMO_SITE, { now: NOW }))) throw new Error("a fresh demo database must get a history");
    await seedDemoFiscalDocuments(t.db, { until: NOW, now: NOW });
  }, 240_000);

  afterAll(async () => {
    await t?.close();
  });

  it.each(["EDS-0001", "TDA-0001"])("rpt_daily_totals and rpt_daily_operations equal the daily report of %s per tank", async (installation) => {
    const report = (await buildDailyReportFromDatabase(t.db, installation, DAY)).report as Any;
    const rows = await t.db.query<Any>(`select * from rpt_daily_totals where clave_instalacion = $1 and fecha = $2::date order by clave_tanque`, [installation, DAY]);
    const tanks = (report.Producto as Any[]).flatMap((p) => p.Tanque ?? []);
    expect(rows.map((r) => r.clave_tanque)).toEqual(tanks.map((k) => k.ClaveIdentificacionTanque).sort());
    for (const tank of tanks) {
      const row = rows.find((r) => r.clave_tanque === tank.ClaveIdentificacionTanque)!;
      close(tank.Existencias.VolumenExistencias, Number(row.volumen_existencias));
      close(tank.Existencias.VolumenExistenciasAnterior, Number(row.volumen_existencias_anterior));
      close(tank.Existencias.VolumenAcumOpsRecepcion.ValorNumerico, Number(row.volumen_acum_ops_recepcion));
      close(tank.Existencias.VolumenAcumOpsEntrega.ValorNumerico, Number(row.volumen_acum_ops_entrega));
      const [ops] = await t.db.query<{ n: number; total: string | null; cfdi: number }>(
        `select count(*)::int as n, sum(volumen)::text as total, coalesce(sum(cfdi_vinculados), 0)::int as cfdi from rpt_daily_operations
          where clave_tanque = $1 and tipo = 'reception' and fin >= $2 and fin < $3`,
        [tank.ClaveIdentificacionTanque, row.inicio_periodo, row.corte],
      );
      expect(tank.Recepciones.TotalRecepciones).toBe(ops!.n);
      close(tank.Recepciones.SumaVolumenRecepcion.ValorNumerico, Number(ops!.total ?? 0));
      // Each demo CFDI covers one reception: the documents of the tank's receptions (links kept across versions).
      expect(tank.Recepciones.TotalDocumentos).toBe(ops!.cfdi);
    }
  });

  it.each(["EDS-0001", "TDA-0001"])("rpt_monthly_totals equals the monthly report of %s per product", async (installation) => {
    const report = (await buildMonthlyReportFromDatabase(t.db, installation, "2026-11", { now: NOW })).report as Any;
    const rows = await t.db.query<Any>(`select * from rpt_monthly_totals where clave_instalacion = $1 and mes = '2026-11'`, [installation]);
    expect(rows.length).toBe(report.Producto.length);
    for (const producto of report.Producto as Any[]) {
      const row = rows.find((r) => r.clave_producto === producto.ClaveProducto && (r.clave_subproducto ?? undefined) === (producto.ClaveSubProducto ?? undefined))!;
      const m = producto.ReporteDeVolumenMensual;
      expect(m.Recepciones.TotalRecepcionesMes).toBe(Number(row.total_recepciones_mes));
      close(m.Recepciones.SumaVolumenRecepcionMes.ValorNumerico, Number(row.suma_volumen_recepcion_mes));
      expect(m.Entregas.TotalEntregasMes).toBe(Number(row.total_entregas_mes));
      close(m.Entregas.SumaVolumenEntregadoMes.ValorNumerico, Number(row.suma_volumen_entregado_mes));
      expect(Number(row.dias_con_corte)).toBe(2);
    }
  });

  it("the role aforo_auditor reads the report views and nothing else", async () => {
    await t.db.transaction(async (tx) => {
      await tx.query("set local role aforo_auditor");
      const rows = await tx.query<{ n: number }>("select count(*)::int as n from rpt_daily_totals");
      expect(rows[0]!.n).toBeGreaterThan(0);
    });
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query("set local role aforo_auditor");
        await tx.query("select count(*) from operations");
      }),
    ).rejects.toThrow(/permission denied|permiso denegado/);
  });
});
