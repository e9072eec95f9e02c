import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { reportPreview } from "../../../../../server/services/sat-reports/preview";

/** Issue #6 item 12: the Spanish preview's figures come straight from the report JSON (golden fixtures). */
const fixture = (name: string) => JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../../../fixtures/sat-report", name), "utf8")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("reportPreview (issue #6 item 12)", () => {
  it("daily: per product, stock from the tanks, receptions from tanks/ducts, deliveries including the hoses; bitácora count", () => {
    const report = fixture("daily-eds-valid.json");
    const preview = reportPreview("daily", report);
    expect(preview.installationKey).toBe(report.ClaveInstalacion);
    expect(preview.cutAt).toBe(report.FechaYHoraCorte);
    expect(preview.bitacoraCount).toBe(report.Bitacora.length);
    expect(preview.products).toHaveLength(report.Producto.length);
    report.Producto.forEach((p: Record<string, any>, i: number) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const got = preview.products[i]!;
      const tanks = p.Tanque ?? [];
      const hoses = (p.Dispensario ?? []).flatMap((d: any) => d.Manguera).flatMap((h: any) => h.Entregas); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(got.productKey).toBe(p.ClaveProducto);
      expect(got.closingStock).toBeCloseTo(tanks.reduce((a: number, k: any) => a + k.Existencias.VolumenExistencias, 0), 3); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(got.receptions.count).toBe(tanks.reduce((a: number, k: any) => a + k.Recepciones.TotalRecepciones, 0)); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(got.deliveries.count).toBe(
        tanks.reduce((a: number, k: any) => a + k.Entregas.TotalEntregas, 0) + hoses.reduce((a: number, h: any) => a + h.TotalEntregas, 0), // eslint-disable-line @typescript-eslint/no-explicit-any
      );
      expect(got.recordCount).toBe(got.receptions.count + got.deliveries.count);
    });
  });

  it("monthly: ReporteDeVolumenMensual figures; no opening stock in the monthly format", () => {
    const report = fixture("monthly-eds-valid.json");
    const preview = reportPreview("monthly", report);
    expect(preview.cutAt).toBe(report.FechaYHoraReporteMes);
    expect(preview.bitacoraCount).toBe(report.BitacoraMensual.length);
    const m = report.Producto[0].ReporteDeVolumenMensual;
    expect(preview.products[0]).toMatchObject({
      openingStock: null,
      receptions: { count: m.Recepciones.TotalRecepcionesMes },
      deliveries: { count: m.Entregas.TotalEntregasMes },
    });
    expect(preview.products[0]!.closingStock).toBeCloseTo(m.ControlDeExistencias.VolumenExistenciasMes, 3);
  });

  it("tolerates a malformed document", () => {
    expect(reportPreview("daily", null)).toMatchObject({ products: [], bitacoraCount: 0, installationKey: null });
    expect(reportPreview("monthly", { Producto: "x" }).products).toEqual([]);
  });
});
