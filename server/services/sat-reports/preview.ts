/**
 * Human-readable summary of a stored SAT report for the Spanish preview and print view (issue #6
 * item 12; A30-ACC-08): per product, opening and closing stock, receptions and deliveries (count
 * and volume) and the number of records, plus the bitácora entry count. Pure: reads the report
 * JSON (SAT field names) only, daily (Producto[].Tanque/Ducto/Dispensario) or monthly
 * (Producto[].ReporteDeVolumenMensual).
 */

type Json = Record<string, unknown>;

export interface ProductPreview {
  productKey: string;
  subProductKey: string | null;
  unit: string | null;
  /** Existencias iniciales (daily: sum of the tanks' VolumenExistenciasAnterior; monthly: not reported → null). */
  openingStock: number | null;
  /** Existencias finales (daily: sum of VolumenExistencias; monthly: VolumenExistenciasMes). */
  closingStock: number | null;
  receptions: { count: number; volume: number };
  deliveries: { count: number; volume: number };
  /** Receptions + deliveries reported. */
  recordCount: number;
  tankCount: number;
}

export interface ReportPreview {
  installationKey: string | null;
  installationDescription: string | null;
  taxpayerRfc: string | null;
  providerRfc: string | null;
  /** FechaYHoraCorte (daily) or FechaYHoraReporteMes (monthly). */
  cutAt: string | null;
  products: ProductPreview[];
  bitacoraCount: number;
}

const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
/** A number, or the ValorNumerico of a {ValorNumerico, UnidadDeMedida} object. */
function num(v: unknown): number {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  const inner = obj(v).ValorNumerico;
  return typeof inner === "number" && Number.isFinite(inner) ? inner : 0;
}
const unitOf = (v: unknown): string | null => str(obj(v).UnidadDeMedida);

const round = (value: number) => Math.round(value * 1000) / 1000;

function dailyProduct(p: Json): ProductPreview {
  const tanks = arr(p.Tanque);
  const ducts = arr(p.Ducto);
  const hoseBlocks = arr(p.Dispensario).flatMap((d) => arr(d.Manguera)).flatMap((h) => arr(h.Entregas));
  let unit: string | null = null;
  const receptions = { count: 0, volume: 0 };
  const deliveries = { count: 0, volume: 0 };
  let opening = 0;
  let closing = 0;
  for (const t of tanks) {
    const stock = obj(t.Existencias);
    opening += num(stock.VolumenExistenciasAnterior);
    closing += num(stock.VolumenExistencias);
    unit ??= unitOf(stock.VolumenAcumOpsRecepcion) ?? unitOf(t.CapacidadTotalTanque);
  }
  for (const element of [...tanks, ...ducts]) {
    const rec = obj(element.Recepciones);
    const del = obj(element.Entregas);
    receptions.count += num(rec.TotalRecepciones);
    receptions.volume += num(rec.SumaVolumenRecepcion);
    deliveries.count += num(del.TotalEntregas);
    deliveries.volume += num(del.SumaVolumenEntregado);
    unit ??= unitOf(rec.SumaVolumenRecepcion) ?? unitOf(del.SumaVolumenEntregado);
  }
  for (const block of hoseBlocks) {
    deliveries.count += num(block.TotalEntregas);
    deliveries.volume += num(block.SumaVolumenEntregado);
    unit ??= unitOf(block.SumaVolumenEntregado);
  }
  return {
    productKey: str(p.ClaveProducto) ?? "",
    subProductKey: str(p.ClaveSubProducto),
    unit,
    openingStock: tanks.length > 0 ? round(opening) : null,
    closingStock: tanks.length > 0 ? round(closing) : null,
    receptions: { count: receptions.count, volume: round(receptions.volume) },
    deliveries: { count: deliveries.count, volume: round(deliveries.volume) },
    recordCount: receptions.count + deliveries.count,
    tankCount: tanks.length,
  };
}

function monthlyProduct(p: Json): ProductPreview {
  const month = obj(p.ReporteDeVolumenMensual);
  const stock = obj(month.ControlDeExistencias);
  const rec = obj(month.Recepciones);
  const del = obj(month.Entregas);
  const receptions = { count: num(rec.TotalRecepcionesMes), volume: round(num(rec.SumaVolumenRecepcionMes)) };
  const deliveries = { count: num(del.TotalEntregasMes), volume: round(num(del.SumaVolumenEntregadoMes)) };
  return {
    productKey: str(p.ClaveProducto) ?? "",
    subProductKey: str(p.ClaveSubProducto),
    unit: unitOf(rec.SumaVolumenRecepcionMes) ?? unitOf(del.SumaVolumenEntregadoMes),
    openingStock: null,
    closingStock: "VolumenExistenciasMes" in stock ? round(num(stock.VolumenExistenciasMes)) : null,
    receptions,
    deliveries,
    recordCount: receptions.count + deliveries.count,
    tankCount: 0,
  };
}

export function reportPreview(kind: "daily" | "monthly", content: unknown): ReportPreview {
  const r = obj(content);
  return {
    installationKey: str(r.ClaveInstalacion),
    installationDescription: str(r.DescripcionInstalacion),
    taxpayerRfc: str(r.RfcContribuyente),
    providerRfc: str(r.RfcProveedor),
    cutAt: str(kind === "monthly" ? r.FechaYHoraReporteMes : r.FechaYHoraCorte),
    products: arr(r.Producto).map(kind === "monthly" ? monthlyProduct : dailyProduct),
    bitacoraCount: arr(kind === "monthly" ? r.BitacoraMensual : r.Bitacora).length,
  };
}
