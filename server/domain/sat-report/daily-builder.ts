/**
 * Builder of the SAT daily report (Diario.schema.json) from a plain snapshot of the stored records
 * (A30-RPT-01): pure — no database, no clock; the service (server/services/sat-reports/daily.ts)
 * gathers the snapshot and validates the result with `assertValidReport` (A30-RPT-04).
 *
 * Supported installation kinds and their complement (A30-TYP-*, issue #6 item 7): service station
 * (EDS: tanks + dispensers/hoses) → Expendio; storage terminal (TDA: tanks + ducts) → Almacenamiento;
 * pipeline (transport ducts, optional tanks) → Transporte; distribution (distribution ducts and/or
 * tanks) → Distribucion; process station and refinery (tanks + inlet/outlet ducts) → Refinacion.
 * Each complement's Nacional/CFDI fields come from one table (`COMPLEMENT_SPECS`).
 *
 * Interpretations (see test/fixtures/sat-report/README.md and the research note
 * sat-report-format.md):
 *  - sales at hoses are reported only under Dispensario/Manguera/Entregas; the tank's own Entregas
 *    list the non-hose deliveries (none at a station), while Existencias.VolumenAcumOpsEntrega
 *    carries everything that left the tank (the daily cut);
 *  - VolumenExistencias is the cut's book stock (opening + receptions − deliveries − process losses);
 *  - VolumenEntregadoTotalizadorAcum is the running sum of the day per hose, PrecioVentaTotalizadorInsta
 *    the amount in pesos of the dispatch (only when stored);
 *  - PresionAbsoluta falls back to the reference pressure of the net volume when the operation did
 *    not record the pressure of the quantification;
 *  - a duct's VolumenPuntoEntrada / VolumenPuntoSalida is the volume measured at that point (the
 *    operation's net volume);
 *  - ComposOctanajeGasolina falls back to the class value of the subproduct (SP16 87, SP17 91) when
 *    no quality record gives the octane.
 * Complement interpretations (Comp-*.schema.json 0.3.0; amounts are the CFDI total unless stated):
 *  - Expendio: PrecioCompra = total (Ingreso/Egreso); Ingreso adds PrecioDeVentaAlPublico = total and
 *    PrecioVenta = unit price of the first concept with a volume (else total / linked volume, else 0);
 *  - Almacenamiento: Contraprestacion = total (Ingreso/Egreso);
 *  - Transporte: Nacional carries RfcCliente/NombreCliente (the shipper — client of the transport
 *    service on injection and withdrawal alike; no permit field exists there). Contraprestacion =
 *    total; TarifaDeTransporte (no stored tariff) = the unit price of the CFDI's first concept with a
 *    volume, else total / linked volume; without either the report is refused with a clear message.
 *    The shipped schema's allOf (copied from Expendio) also requires PrecioCompra for Ingreso/Egreso
 *    and PrecioDeVentaAlPublico + PrecioVenta for Ingreso: they carry total, total and the tariff;
 *  - Distribucion: RfcClienteOProveedor/NombreClienteOProveedor/PermisoClienteOProveedor;
 *    PrecioVentaOCompraOContrap = total (the net amount sold, bought or paid for the service);
 *  - Refinacion: same Nacional names as Distribucion; PrecioCompraOVenta = total. The shipped
 *    schema's allOf uses `else` (requires PrecioCompra for Traslado, PrecioDeVentaAlPublico +
 *    PrecioVenta for Egreso/Traslado): they carry total, total and the unit price (fallback as for
 *    TarifaDeTransporte, refused without either).
 * SAT element names are kept verbatim.
 */
import { zoneOffsetMs, zonedFields } from "../time/zoned";

// ---------------------------------------------------------------------------------------------
// Snapshot (input)
// ---------------------------------------------------------------------------------------------

export const SUPPORTED_DAILY_INSTALLATION_TYPES = [
  "service_station",
  "storage_terminal",
  "pipeline",
  "distribution",
  "process_station",
  "refinery",
] as const;
export type SupportedDailyInstallationType = (typeof SUPPORTED_DAILY_INSTALLATION_TYPES)[number];

export type SatCharacter = "contratista" | "asignatario" | "permisionario" | "usuario";
export type SatVolumeUnit = "UM01" | "UM02" | "UM03" | "UM04";

export interface DailySnapshotTaxpayer {
  rfc: string;
  legalRepresentativeRfc: string | null;
  /** First = RfcProveedor, the rest = RfcProveedores. */
  providerRfcs: string[];
  character: SatCharacter;
  permitModality: string | null;
  permitNumber: string | null;
  contractOrAssignmentNumber: string | null;
}

export interface DailySnapshotInstallation {
  key: string;
  description: string;
  type: string;
  permitModality: string | null;
  permitNumber: string | null;
  contractOrAssignmentNumber: string | null;
  naturalGasStorageInstallation: string | null;
  latitude: number | null;
  longitude: number | null;
  /** IANA zone of the cut periods (A30-INV-02). */
  timeZone: string;
  wellCount: number;
}

export interface DailySnapshotProduct {
  productKey: string;
  subProductKey: string | null;
  /** SAT UnidadDeMedida of the product's volumes. */
  unit: SatVolumeUnit;
  brand?: string | null;
  marker?: string | null;
  markerConcentration?: number | null;
  otherDescription?: string | null;
  /** From quality data when available (null = fall back / omit). */
  octane?: number | null;
  /** Non-fossil content, % (null/0 = "No"). */
  nonFossilPct?: number | null;
}

export interface DailySnapshotMeter {
  key: string;
  description: string;
  /** YYYY-MM-DD. */
  calibrationValidUntil: string;
  /** Percent (0.5 = 0.5 %); the report carries the fraction. */
  uncertaintyPct: number;
}

export interface DailySnapshotCut {
  periodStart: Date;
  cutAt: Date;
  openingVolume: number;
  openingMeasuredAt: Date | null;
  receptionsVolume: number;
  deliveriesVolume: number;
  bookVolume: number;
}

export interface DailySnapshotTank {
  id: number;
  key: string;
  description: string;
  productKey: string;
  subProductKey: string | null;
  capacityTotal: number;
  capacityOperating: number;
  capacityUseful: number;
  capacityFondaje: number | null;
  capacityGasTalon: number | null;
  minimumOperatingVolume: number;
  /** YYYY-MM-DD (null only for tanks out of operation). */
  calibrationValidUntil: string | null;
  status: "O" | "F";
  meters: DailySnapshotMeter[];
  /** Current version of the tank's cut for the report date (null = missing). */
  cut: DailySnapshotCut | null;
}

export interface DailySnapshotDuct {
  id: number;
  key: string;
  description: string;
  diameterIn: number;
  gasTalonCapacityM3: number | null;
  direction: "inlet" | "outlet" | "transport" | "distribution";
  productKey: string | null;
  meters: DailySnapshotMeter[];
}

export interface DailySnapshotHose {
  id: number;
  key: string;
  productKey: string;
  subProductKey: string | null;
  tankId: number;
}

export interface DailySnapshotDispenser {
  id: number;
  key: string;
  meters: DailySnapshotMeter[];
  hoses: DailySnapshotHose[];
}

export interface DailySnapshotCfdi {
  uuid: string;
  /** CFDI TipoDeComprobante I/E/T/P. */
  type: string;
  issuedAt: Date;
  total: number;
  /** Price per unit of volume (first concept with a volume), when known. */
  unitPrice: number | null;
  volumeLinked: number;
  unit: SatVolumeUnit;
}

export interface DailySnapshotOperation {
  id: number;
  number: number;
  type: "reception" | "delivery";
  satRecordType: string;
  elementType: "tank" | "duct" | "well" | "dispenser" | "hose";
  tankId: number | null;
  ductId: number | null;
  dispenserId: number | null;
  hoseId: number | null;
  productKey: string;
  subProductKey: string | null;
  startAt: Date;
  endAt: Date;
  elementVolumeBefore: number | null;
  elementVolumeAfter: number | null;
  netVolume: number;
  temperatureC: number | null;
  pressureAbsKpa: number | null;
  referencePressureKpa: number;
  counterpartyRfc: string | null;
  counterpartyName: string | null;
  counterpartyPermit: string | null;
  totalizerAfter: number | null;
  amountMxn: number | null;
  clarification: string | null;
  cfdis: DailySnapshotCfdi[];
}

export interface DailySnapshotEvent {
  number: number;
  time: Date;
  username: string | null;
  eventType: number;
  description: string;
  component: string | null;
}

export interface DailyReportSnapshot {
  /** SAT Version: version of the program that writes the file ("1.0"). */
  softwareVersion: string;
  taxpayer: DailySnapshotTaxpayer;
  installation: DailySnapshotInstallation;
  /** Report date (local date on which the period starts), YYYY-MM-DD. */
  reportDate: string;
  /** The cut instant (SAT FechaYHoraCorte). */
  cutAt: Date;
  products: DailySnapshotProduct[];
  tanks: DailySnapshotTank[];
  ducts: DailySnapshotDuct[];
  dispensers: DailySnapshotDispenser[];
  /** Current versions of the operations of the period (rows nobody supersedes). */
  operations: DailySnapshotOperation[];
  /** Bitácora entries of the period (SAT Bitacora). */
  bitacora: DailySnapshotEvent[];
}

export class DailyReportBuildError extends Error {
  constructor(readonly issues: string[]) {
    super(`No se puede construir el reporte diario: ${issues.join("; ")}`);
    this.name = "DailyReportBuildError";
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers
// ---------------------------------------------------------------------------------------------

/** Rounds to `digits` decimals so JSON.stringify writes at most that many (schema fractionDigits). */
export function roundTo(value: number, digits: number): number {
  const r = Number(value.toFixed(digits));
  return Object.is(r, -0) ? 0 : r;
}

const SCALE5 = 100_000;
/** Sum of volumes without floating drift (values carry ≤ 5 decimals). */
function sum5(values: number[]): number {
  return values.reduce((acc, v) => acc + Math.round(v * SCALE5), 0) / SCALE5;
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, "0");

function offsetText(offsetMs: number): string {
  const minutes = Math.round(offsetMs / 60_000);
  const sign = minutes < 0 ? "-" : "+";
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/** `yyyy-mm-ddThh:mm:ss±hh:mm` in the installation's zone (explicit offset, research §7.8). */
export function localDateTime(instant: Date, timeZone: string): string {
  const ms = instant.getTime();
  const f = zonedFields(ms, timeZone);
  return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}${offsetText(zoneOffsetMs(ms, timeZone))}`;
}

/** `hh:mm:ss±hh:mm` in the installation's zone. */
export function localTime(instant: Date, timeZone: string): string {
  return localDateTime(instant, timeZone).slice(11);
}

function truncate(text: string, max: number): string {
  const clean = text.replace(/\s+/g, " ").trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

// ---------------------------------------------------------------------------------------------
// Builder
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** SAT TipoComplemento Aforo writes (A30-TYP-*). */
export type ReportComplementType = "Expendio" | "Almacenamiento" | "Transporte" | "Distribucion" | "Refinacion";

/** Complement of each installation kind (A30-RPT-01/02, issue #6 item 7). */
export const COMPLEMENT_BY_INSTALLATION_TYPE: Readonly<Record<SupportedDailyInstallationType, ReportComplementType>> = {
  service_station: "Expendio",
  storage_terminal: "Almacenamiento",
  pipeline: "Transporte",
  distribution: "Distribucion",
  process_station: "Refinacion",
  refinery: "Refinacion",
};
const COMPLEMENT_BY_TYPE = COMPLEMENT_BY_INSTALLATION_TYPE;

/** Class octane of gasoline subproducts (SP16 < 91, SP17 ≥ 91) when no quality record states it. */
const FALLBACK_OCTANE: Record<string, number> = { SP16: 87, SP17: 91 };

const CFDI_TYPE_NAMES: Record<string, string> = { I: "Ingreso", E: "Egreso", T: "Traslado" };

function isSupported(type: string): type is SupportedDailyInstallationType {
  return (SUPPORTED_DAILY_INSTALLATION_TYPES as readonly string[]).includes(type);
}

const productId = (productKey: string, subProductKey: string | null) => `${productKey}/${subProductKey ?? ""}`;

/**
 * The taxpayer and installation part every SAT report starts with (Diario and Mensual share it, in
 * this order): version, RFCs, character with its permit / contract, installation key, description
 * and location.
 */
export function reportHeader(softwareVersion: string, tp: DailySnapshotTaxpayer, inst: DailySnapshotInstallation): Json {
  const report: Json = { Version: softwareVersion, RfcContribuyente: tp.rfc };
  if (tp.legalRepresentativeRfc) report.RfcRepresentanteLegal = tp.legalRepresentativeRfc;
  report.RfcProveedor = tp.providerRfcs[0];
  if (tp.providerRfcs.length > 1) report.RfcProveedores = tp.providerRfcs.slice(1);
  report.Caracter = tp.character;
  if (tp.character === "permisionario") {
    const modality = inst.permitModality ?? tp.permitModality;
    const permit = inst.permitNumber ?? tp.permitNumber;
    if (modality) report.ModalidadPermiso = modality;
    if (permit) report.NumPermiso = permit;
  }
  if (tp.character === "contratista" || tp.character === "asignatario") {
    const contract = inst.contractOrAssignmentNumber ?? tp.contractOrAssignmentNumber;
    if (contract) report.NumContratoOAsignacion = contract;
  }
  if (tp.character === "usuario" && inst.naturalGasStorageInstallation) {
    report.InstalacionAlmacenGasNatural = inst.naturalGasStorageInstallation;
  }
  report.ClaveInstalacion = inst.key;
  report.DescripcionInstalacion = truncate(inst.description, 250);
  if (inst.latitude !== null && inst.longitude !== null) {
    report.Geolocalizacion = [{ GeolocalizacionLatitud: roundTo(inst.latitude, 7), GeolocalizacionLongitud: roundTo(inst.longitude, 7) }];
  }
  return report;
}

/**
 * The Diario JSON object for one installation and report date (A30-RPT-01). Throws
 * DailyReportBuildError for what the snapshot cannot express (unsupported installation kind, tank
 * without its cut, no provider RFC); schema-level gaps are left for `assertValidReport` to list.
 */
export function buildDailyReport(s: DailyReportSnapshot): Json {
  const issues: string[] = [];
  const { installation: inst, taxpayer: tp } = s;
  if (!isSupported(inst.type)) {
    throw new DailyReportBuildError([
      `tipo de instalación «${inst.type}» de ${inst.key} no soportado por el reporte diario; soportados: ${SUPPORTED_DAILY_INSTALLATION_TYPES.join(", ")}`,
    ]);
  }
  const complementType = COMPLEMENT_BY_TYPE[inst.type];
  const tz = inst.timeZone;
  if (tp.providerRfcs.length === 0) issues.push("el contribuyente no tiene RFC del proveedor del programa (RfcProveedor)");
  for (const tank of s.tanks) if (!tank.cut) issues.push(`falta el corte diario de ${tank.key} del ${s.reportDate}`);
  issues.push(...complementIssues(s.operations, complementType));
  if (issues.length > 0) throw new DailyReportBuildError(issues);

  const dt = (d: Date) => localDateTime(d, tz);

  // Products: catalogue of the installation plus any element's product.
  const products = new Map<string, DailySnapshotProduct>();
  for (const p of s.products) products.set(productId(p.productKey, p.subProductKey), p);
  const defaultUnit = (productKey: string): SatVolumeUnit =>
    s.products.find((p) => p.productKey === productKey)?.unit ?? "UM03";
  const ensure = (productKey: string, subProductKey: string | null) => {
    const id = productId(productKey, subProductKey);
    if (!products.has(id)) products.set(id, { productKey, subProductKey, unit: defaultUnit(productKey) });
  };
  for (const t of s.tanks) ensure(t.productKey, t.subProductKey);
  for (const d of s.dispensers) for (const h of d.hoses) ensure(h.productKey, h.subProductKey);

  const ordered = [...products.values()].sort((a, b) =>
    productId(a.productKey, a.subProductKey).localeCompare(productId(b.productKey, b.subProductKey)),
  );

  // Ducts: under each product/subproduct they moved; a duct without operations under its product.
  const ductPlacement = new Map<string, DailySnapshotDuct[]>();
  for (const duct of s.ducts) {
    const moved = new Set<string>();
    for (const o of s.operations) {
      if (o.ductId !== duct.id) continue;
      ensure(o.productKey, o.subProductKey);
      moved.add(productId(o.productKey, o.subProductKey));
    }
    const targets = moved.size > 0 ? [...moved] : [firstProductFor(ordered, duct.productKey)];
    for (const id of targets) if (id) ductPlacement.set(id, [...(ductPlacement.get(id) ?? []), duct]);
  }
  const finalProducts = [...products.values()].sort((a, b) =>
    productId(a.productKey, a.subProductKey).localeCompare(productId(b.productKey, b.subProductKey)),
  );

  const producto = finalProducts.map((p) => {
    const id = productId(p.productKey, p.subProductKey);
    const um = p.unit;
    const vol = (v: number) => ({ ValorNumerico: roundTo(v, 5), UnidadDeMedida: um });
    const out: Json = { ClaveProducto: p.productKey };
    if (p.subProductKey) out.ClaveSubProducto = p.subProductKey;
    Object.assign(out, productCharacteristics(p));

    const tanks = s.tanks.filter((t) => productId(t.productKey, t.subProductKey) === id);
    if (tanks.length > 0) out.Tanque = tanks.map((t) => tankElement(t, s, vol, dt, complementType));

    const ducts = ductPlacement.get(id) ?? [];
    if (ducts.length > 0) {
      out.Ducto = ducts.map((d) =>
        ductElement(
          d,
          s.operations.filter((o) => o.ductId === d.id && productId(o.productKey, o.subProductKey) === id),
          vol,
          dt,
          complementType,
        ),
      );
    }

    const dispensers = s.dispensers
      .map((d) => ({ d, hoses: d.hoses.filter((h) => productId(h.productKey, h.subProductKey) === id) }))
      .filter((x) => x.hoses.length > 0);
    if (dispensers.length > 0) {
      out.Dispensario = dispensers.map(({ d, hoses }) => ({
        ClaveDispensario: d.key,
        Medidores: d.meters.map((m) => ({
          SistemaMedicionDispensario: m.key,
          LocalizODescripSistMedicionDispensario: truncate(m.description, 250),
          VigenciaCalibracionSistMedicionDispensario: m.calibrationValidUntil,
          IncertidumbreMedicionSistMedicionDispensario: roundTo(m.uncertaintyPct / 100, 3),
        })),
        Manguera: hoses.map((h) => hoseElement(h, s.operations.filter((o) => o.elementType === "hose" && o.hoseId === h.id), vol, dt)),
      }));
    }
    return out;
  });

  const report = reportHeader(s.softwareVersion, tp, inst);
  report.NumeroPozos = inst.wellCount;
  report.NumeroTanques = s.tanks.length;
  report.NumeroDuctosEntradaSalida = s.ducts.filter((d) => d.direction === "inlet" || d.direction === "outlet").length;
  report.NumeroDuctosTransporteDistribucion = s.ducts.filter((d) => d.direction === "transport" || d.direction === "distribution").length;
  report.NumeroDispensarios = s.dispensers.length;
  report.FechaYHoraCorte = dt(s.cutAt);
  report.Producto = producto;
  report.Bitacora = [...s.bitacora]
    .sort((a, b) => a.number - b.number)
    .map((e) => {
      const item: Json = { NumeroRegistro: e.number, FechaYHoraEvento: dt(e.time) };
      if (e.username) item.UsuarioResponsable = truncate(e.username, 1000);
      item.TipoEvento = e.eventType;
      item.DescripcionEvento = truncate(e.description, 250);
      if (e.component && e.component.trim().length >= 2) item.IdentificacionComponenteAlarma = truncate(e.component, 250);
      return item;
    });
  return report;
}

function firstProductFor(products: DailySnapshotProduct[], productKey: string | null): string | undefined {
  const p = products.find((x) => x.productKey === productKey) ?? products[0];
  return p ? productId(p.productKey, p.subProductKey) : undefined;
}

function productCharacteristics(p: DailySnapshotProduct): Json {
  const out: Json = {};
  const nonFossil = p.nonFossilPct ?? 0;
  const flag = nonFossil > 0 ? "Sí" : "No";
  if (p.productKey === "PR07") {
    const octane = p.octane ?? (p.subProductKey ? FALLBACK_OCTANE[p.subProductKey] : undefined);
    if (octane !== undefined) out.ComposOctanajeGasolina = Math.round(octane);
    out.GasolinaConCombustibleNoFosil = flag;
    if (nonFossil > 0) out.ComposDeCombustibleNoFosilEnGasolina = Math.round(nonFossil);
  } else if (p.productKey === "PR03") {
    out.DieselConCombustibleNoFosil = flag;
    if (nonFossil > 0) out.ComposDeCombustibleNoFosilEnDiesel = Math.round(nonFossil);
  } else if (p.productKey === "PR11") {
    out.TurbosinaConCombustibleNoFosil = flag;
    if (nonFossil > 0) out.ComposDeCombustibleNoFosilEnTurbosina = Math.round(nonFossil);
  }
  if (p.otherDescription) out.Otros = truncate(p.otherDescription, 30);
  if (p.brand) out.MarcaComercial = truncate(p.brand, 200);
  if (p.marker) {
    out.Marcaje = truncate(p.marker, 40);
    if (p.markerConcentration !== null && p.markerConcentration !== undefined) out.ConcentracionSustanciaMarcaje = p.markerConcentration;
  }
  return out;
}

type VolumeFn = (v: number) => { ValorNumerico: number; UnidadDeMedida: SatVolumeUnit };
type DateFn = (d: Date) => string;

function byTime(a: DailySnapshotOperation, b: DailySnapshotOperation): number {
  return a.endAt.getTime() - b.endAt.getTime() || a.number - b.number;
}

function pressure(o: DailySnapshotOperation): number {
  return roundTo(o.pressureAbsKpa ?? o.referencePressureKpa, 3);
}

/** Per-complement field names and price mapping of the Nacional entry and its CFDIs (see the header). */
interface ComplementSpec {
  /** Nacional entry (without CFDIs) for the operation's counterparty. */
  nacional(rfc: string, name: string, permit: string | null): Json;
  /** Price fields of one CFDI, between TipoCfdi and FechaYHoraTransaccion (SAT order). */
  prices(c: DailySnapshotCfdi, tipo: string): Json;
  /** Fields that need a unit price for this CFDI type (reported when it cannot be derived). */
  unitPriceFields(tipo: string): string[];
}

/** Unit price of a CFDI: the concept's, else total / linked volume; null when neither exists. */
export function cfdiUnitPrice(c: DailySnapshotCfdi): number | null {
  if (c.unitPrice !== null) return c.unitPrice;
  return c.volumeLinked > 0 ? c.total / c.volumeLinked : null;
}

const unitPriceOrZero = (c: DailySnapshotCfdi) => roundTo(cfdiUnitPrice(c) ?? 0, 5);

const withClientOrProvider = (permitField: "PermisoProveedor" | "PermisoClienteOProveedor") =>
  (rfc: string, name: string, permit: string | null): Json => {
    const out: Json = { RfcClienteOProveedor: rfc, NombreClienteOProveedor: truncate(name, 150) };
    if (permit) out[permitField] = permit;
    return out;
  };

export const COMPLEMENT_SPECS: Readonly<Record<ReportComplementType, ComplementSpec>> = {
  Expendio: {
    nacional: withClientOrProvider("PermisoProveedor"),
    prices: (c, tipo) => {
      const item: Json = {};
      if (tipo !== "Traslado") item.PrecioCompra = roundTo(c.total, 5);
      if (tipo === "Ingreso") {
        item.PrecioDeVentaAlPublico = roundTo(c.total, 5);
        item.PrecioVenta = roundTo(c.unitPrice ?? (c.volumeLinked > 0 ? c.total / c.volumeLinked : 0), 5);
      }
      return item;
    },
    unitPriceFields: () => [],
  },
  Almacenamiento: {
    nacional: withClientOrProvider("PermisoProveedor"),
    prices: (c, tipo) => (tipo !== "Traslado" ? { Contraprestacion: roundTo(c.total, 5) } : {}),
    unitPriceFields: () => [],
  },
  Transporte: {
    nacional: (rfc, name) => ({ RfcCliente: rfc, NombreCliente: truncate(name, 150) }),
    prices: (c, tipo) => {
      const item: Json = { Contraprestacion: roundTo(c.total, 5), TarifaDeTransporte: unitPriceOrZero(c) };
      // Required by the shipped schema's allOf (Expendio's conditions), see the header.
      if (tipo !== "Traslado") item.PrecioCompra = roundTo(c.total, 5);
      if (tipo === "Ingreso") {
        item.PrecioDeVentaAlPublico = roundTo(c.total, 5);
        item.PrecioVenta = unitPriceOrZero(c);
      }
      return item;
    },
    unitPriceFields: (tipo) => (tipo === "Ingreso" ? ["TarifaDeTransporte", "PrecioVenta"] : ["TarifaDeTransporte"]),
  },
  Distribucion: {
    nacional: withClientOrProvider("PermisoClienteOProveedor"),
    prices: (c) => ({ PrecioVentaOCompraOContrap: roundTo(c.total, 5) }),
    unitPriceFields: () => [],
  },
  Refinacion: {
    nacional: withClientOrProvider("PermisoClienteOProveedor"),
    prices: (c, tipo) => {
      const item: Json = { PrecioCompraOVenta: roundTo(c.total, 5) };
      // Required by the shipped schema's allOf `else` branches, see the header.
      if (tipo === "Traslado") item.PrecioCompra = roundTo(c.total, 5);
      if (tipo !== "Ingreso") {
        item.PrecioDeVentaAlPublico = roundTo(c.total, 5);
        item.PrecioVenta = unitPriceOrZero(c);
      }
      return item;
    },
    unitPriceFields: (tipo) => (tipo === "Ingreso" ? [] : ["PrecioVenta"]),
  },
};

/**
 * What the complement cannot express for these operations (A30-RPT-04): a reported CFDI whose
 * complement needs a unit price (TarifaDeTransporte, Refinacion's PrecioVenta) with neither a
 * concept unit price nor a linked volume. Only operations with a counterparty carry CFDIs.
 */
export function complementIssues(ops: readonly DailySnapshotOperation[], type: ReportComplementType): string[] {
  const spec = COMPLEMENT_SPECS[type];
  const issues: string[] = [];
  for (const o of ops) {
    if (!o.counterpartyRfc || !o.counterpartyName) continue;
    for (const c of o.cfdis) {
      const tipo = CFDI_TYPE_NAMES[c.type];
      if (!tipo) continue;
      const fields = spec.unitPriceFields(tipo);
      if (fields.length > 0 && cfdiUnitPrice(c) === null) {
        issues.push(
          `el CFDI ${c.uuid} del registro ${o.number} no tiene precio unitario ni volumen vinculado: no se puede expresar ${fields.join(", ")} del complemento ${type}`,
        );
      }
    }
  }
  return issues;
}

/** Complement of one operation (Nacional with counterparty + CFDIs, Aclaracion); undefined when there is nothing to state. */
export function operationComplement(o: DailySnapshotOperation, type: ReportComplementType, dt: DateFn): Json | undefined {
  const spec = COMPLEMENT_SPECS[type];
  const out: Json = { TipoComplemento: type };
  if (o.counterpartyRfc && o.counterpartyName) {
    const nacional = spec.nacional(o.counterpartyRfc, o.counterpartyName, o.counterpartyPermit);
    const cfdis = o.cfdis
      .filter((c) => CFDI_TYPE_NAMES[c.type])
      .map((c) => {
        const tipo = CFDI_TYPE_NAMES[c.type] as string;
        const item: Json = { Cfdi: c.uuid, TipoCfdi: tipo, ...spec.prices(c, tipo) };
        item.FechaYHoraTransaccion = dt(c.issuedAt);
        item.VolumenDocumentado = { ValorNumerico: roundTo(c.volumeLinked, 5), UnidadDeMedida: c.unit };
        return item;
      });
    if (cfdis.length > 0) nacional.CFDIs = cfdis;
    out.Nacional = [nacional];
  }
  if (o.clarification && o.clarification.trim().length >= 10) out.Aclaracion = truncate(o.clarification, 600);
  return Object.keys(out).length > 1 ? out : undefined;
}

/** TotalDocumentos and the amount (SumaCompras / SumaVentas) of the CFDIs linked to a list of operations. */
function documents(ops: DailySnapshotOperation[]): { count: number; amount: number | undefined } {
  const seen = new Map<string, number>();
  for (const o of ops) for (const c of o.cfdis) if (CFDI_TYPE_NAMES[c.type]) seen.set(c.uuid.toUpperCase(), signedCfdiAmount(c));
  return { count: seen.size, amount: seen.size > 0 ? netAmount([...seen.values()]) : undefined };
}

/**
 * What a CFDI adds to SumaCompras / SumaVentas (and the monthly Importe…): an Ingreso its total, an
 * Egreso (credit note, discount or return) minus its total, a Traslado nothing (it moves goods, no
 * price). Decision (issue #6): the sums are net of credit notes.
 */
export function signedCfdiAmount(c: Pick<DailySnapshotCfdi, "type" | "total">): number {
  return c.type === "I" ? c.total : c.type === "E" ? -c.total : 0;
}

/** Net amount of signed CFDI amounts, 5 decimals; SAT's sums cannot be negative (minimum 0), so a period of only credit notes reports 0. */
export function netAmount(amounts: readonly number[]): number {
  // Summed in units of 10⁻⁵ so that binary fractions do not leak into the fifth decimal.
  const units = amounts.reduce((a, b) => a + Math.round(b * 100_000), 0);
  return Math.max(0, units / 100_000);
}

function tankElement(t: DailySnapshotTank, s: DailyReportSnapshot, vol: VolumeFn, dt: DateFn, complementType: ReportComplementType): Json {
  const cut = t.cut as DailySnapshotCut;
  const tz = s.installation.timeZone;
  const own = s.operations.filter((o) => o.tankId === t.id && o.elementType !== "hose").sort(byTime);
  const receptions = own.filter((o) => o.type === "reception");
  const deliveries = own.filter((o) => o.type === "delivery");

  const out: Json = {
    ClaveIdentificacionTanque: t.key,
    "Localizaciony/oDescripcionTanque": truncate(t.description, 250),
  };
  if (t.calibrationValidUntil) out.VigenciaCalibracionTanque = t.calibrationValidUntil;
  out.CapacidadTotalTanque = vol(t.capacityTotal);
  out.CapacidadOperativaTanque = vol(t.capacityOperating);
  out.CapacidadUtilTanque = vol(t.capacityUseful);
  if (t.capacityFondaje !== null) out.CapacidadFondajeTanque = vol(t.capacityFondaje);
  if (t.capacityGasTalon !== null) out.CapacidadGasTalon = vol(t.capacityGasTalon);
  out.VolumenMinimoOperacion = vol(t.minimumOperatingVolume);
  out.EstadoTanque = t.status;
  out.Medidores = t.meters.map((m) => ({
    SistemaMedicionTanque: m.key,
    LocalizODescripSistMedicionTanque: truncate(m.description, 250),
    VigenciaCalibracionSistMedicionTanque: m.calibrationValidUntil,
    IncertidumbreMedicionSistMedicionTanque: roundTo(m.uncertaintyPct / 100, 3),
  }));
  out.Existencias = {
    VolumenExistenciasAnterior: roundTo(cut.openingVolume, 5),
    VolumenAcumOpsRecepcion: vol(cut.receptionsVolume),
    HoraRecepcionAcumulado: localTime(cut.cutAt, tz),
    VolumenAcumOpsEntrega: vol(cut.deliveriesVolume),
    HoraEntregaAcumulado: localTime(cut.cutAt, tz),
    VolumenExistencias: roundTo(cut.bookVolume, 5),
    FechaYHoraEstaMedicion: dt(cut.cutAt),
    FechaYHoraMedicionAnterior: dt(cut.openingMeasuredAt ?? cut.periodStart),
  };

  const recDocs = documents(receptions);
  const recepciones: Json = {
    TotalRecepciones: receptions.length,
    SumaVolumenRecepcion: vol(sum5(receptions.map((o) => roundTo(o.netVolume, 5)))),
    TotalDocumentos: recDocs.count,
  };
  if (recDocs.amount !== undefined) recepciones.SumaCompras = recDocs.amount;
  if (receptions.length > 0) {
    recepciones.Recepcion = receptions.map((o) => {
      const item: Json = { NumeroDeRegistro: o.number, TipoDeRegistro: o.satRecordType };
      if (o.elementVolumeBefore !== null) item.VolumenInicialTanque = vol(o.elementVolumeBefore);
      if (o.elementVolumeAfter !== null) item.VolumenFinalTanque = roundTo(o.elementVolumeAfter, 5);
      item.VolumenRecepcion = vol(o.netVolume);
      if (o.temperatureC !== null) item.Temperatura = roundTo(o.temperatureC, 3);
      item.PresionAbsoluta = pressure(o);
      item.FechaYHoraInicioRecepcion = dt(o.startAt);
      item.FechaYHoraFinalRecepcion = dt(o.endAt);
      const complement = operationComplement(o, complementType, dt);
      if (complement) item.Complemento = complement;
      return item;
    });
  }
  out.Recepciones = recepciones;

  const delDocs = documents(deliveries);
  const entregas: Json = {
    TotalEntregas: deliveries.length,
    SumaVolumenEntregado: vol(sum5(deliveries.map((o) => roundTo(o.netVolume, 5)))),
    TotalDocumentos: delDocs.count,
  };
  if (delDocs.amount !== undefined) entregas.SumaVentas = delDocs.amount;
  if (deliveries.length > 0) {
    entregas.Entrega = deliveries.map((o) => {
      const item: Json = { NumeroDeRegistro: o.number, TipoDeRegistro: o.satRecordType };
      if (o.elementVolumeBefore !== null) item.VolumenInicialTanque = vol(o.elementVolumeBefore);
      if (o.elementVolumeAfter !== null) item.VolumenFinalTanque = roundTo(o.elementVolumeAfter, 5);
      item.VolumenEntregado = vol(o.netVolume);
      if (o.temperatureC !== null) item.Temperatura = roundTo(o.temperatureC, 3);
      item.PresionAbsoluta = pressure(o);
      item.FechaYHoraInicialEntrega = dt(o.startAt);
      item.FechaYHoraFinalEntrega = dt(o.endAt);
      const complement = operationComplement(o, complementType, dt);
      if (complement) item.Complemento = complement;
      return item;
    });
  }
  out.Entregas = entregas;
  return out;
}

/**
 * NumeroDeRegistro of a duct's reception or delivery. SAT's Diario schema bounds it to 1…2000 for
 * ducts and wells (tanks and hoses: 2·10⁹), which a terminal's running record numbers pass within
 * months. Decision (issue #6, documented in README): the operation's own record number while it
 * fits; beyond 2000, its position (1-based, chronological) among the duct's records of the same
 * direction in the day — unique within the report, traceable by time, and the same every time the
 * day is rebuilt. A day with over 2000 operations on one duct cannot be expressed (the schema check
 * then lists it).
 */
export function ductRecordNumber(dayRecords: readonly DailySnapshotOperation[], o: DailySnapshotOperation): number {
  const MAX = 2000;
  if (dayRecords.every((r) => r.number <= MAX)) return o.number;
  return dayRecords.indexOf(o) + 1;
}

function ductElement(d: DailySnapshotDuct, ops: DailySnapshotOperation[], vol: VolumeFn, dt: DateFn, complementType: ReportComplementType): Json {
  const sorted = [...ops].sort(byTime);
  const receptions = sorted.filter((o) => o.type === "reception");
  const deliveries = sorted.filter((o) => o.type === "delivery");
  const out: Json = {
    ClaveIdentificacionDucto: d.key,
    DescripcionDucto: truncate(d.description, 250),
    DiametroDucto: roundTo(d.diameterIn, 3),
    Medidores: d.meters.map((m) => ({
      SistemaMedicionDucto: m.key,
      LocalizODescripSistMedicionDucto: truncate(m.description, 250),
      VigenciaCalibracionSistMedicionDucto: m.calibrationValidUntil,
      IncertidumbreMedicionSistMedicionDucto: roundTo(m.uncertaintyPct / 100, 3),
    })),
  };
  if (d.gasTalonCapacityM3 !== null) out.CapacidadGasTalon = { ValorNumerico: roundTo(d.gasTalonCapacityM3, 5), UnidadDeMedida: "UM04" };

  const recDocs = documents(receptions);
  const recepciones: Json = {
    TotalRecepciones: receptions.length,
    SumaVolumenRecepcion: vol(sum5(receptions.map((o) => roundTo(o.netVolume, 5)))),
    TotalDocumentos: recDocs.count,
  };
  if (recDocs.amount !== undefined) recepciones.SumaCompras = recDocs.amount;
  if (receptions.length > 0) {
    recepciones.Recepcion = receptions.map((o) => {
      const item: Json = { NumeroDeRegistro: ductRecordNumber(receptions, o), VolumenPuntoEntrada: vol(o.netVolume), VolumenRecepcion: vol(o.netVolume) };
      if (o.temperatureC !== null) item.Temperatura = roundTo(o.temperatureC, 3);
      item.PresionAbsoluta = pressure(o);
      item.FechaYHoraInicioRecepcion = dt(o.startAt);
      item.FechaYHoraFinalRecepcion = dt(o.endAt);
      const complement = operationComplement(o, complementType, dt);
      if (complement) item.Complemento = complement;
      return item;
    });
  }
  out.Recepciones = recepciones;

  const delDocs = documents(deliveries);
  const entregas: Json = {
    TotalEntregas: deliveries.length,
    SumaVolumenEntregado: vol(sum5(deliveries.map((o) => roundTo(o.netVolume, 5)))),
    TotalDocumentos: delDocs.count,
  };
  if (delDocs.amount !== undefined) entregas.SumaVentas = delDocs.amount;
  if (deliveries.length > 0) {
    entregas.Entrega = deliveries.map((o) => {
      const item: Json = { NumeroDeRegistro: ductRecordNumber(deliveries, o), VolumenPuntoSalida: vol(o.netVolume), VolumenEntregado: vol(o.netVolume) };
      if (o.temperatureC !== null) item.Temperatura = roundTo(o.temperatureC, 3);
      item.PresionAbsoluta = pressure(o);
      item.FechaYHoraInicialEntrega = dt(o.startAt);
      item.FechaYHoraFinalEntrega = dt(o.endAt);
      const complement = operationComplement(o, complementType, dt);
      if (complement) item.Complemento = complement;
      return item;
    });
  }
  out.Entregas = entregas;
  return out;
}

function hoseElement(h: DailySnapshotHose, ops: DailySnapshotOperation[], vol: VolumeFn, dt: DateFn): Json {
  const sales = ops.filter((o) => o.type === "delivery").sort(byTime);
  const docs = documents(sales);
  let running = 0;
  const block: Json = {
    TotalEntregas: sales.length,
    SumaVolumenEntregado: vol(sum5(sales.map((o) => roundTo(o.netVolume, 5)))),
    TotalDocumentos: docs.count,
  };
  const amounts = sales.map((o) => o.amountMxn);
  if (sales.length > 0 && amounts.every((a) => a !== null)) block.SumaVentas = roundTo(sum5(amounts as number[]), 5);
  if (sales.length > 0) {
    block.Entrega = sales.map((o) => {
      running = sum5([running, roundTo(o.netVolume, 5)]);
      const item: Json = {
        NumeroDeRegistro: o.number,
        TipoDeRegistro: o.satRecordType,
        VolumenEntregadoTotalizadorAcum: vol(running),
        VolumenEntregadoTotalizadorInsta: vol(o.netVolume),
      };
      if (o.amountMxn !== null) item.PrecioVentaTotalizadorInsta = roundTo(o.amountMxn, 5);
      item.FechaYHoraEntrega = dt(o.endAt);
      return item;
    });
  }
  return { IdentificadorManguera: h.key, Entregas: [block] };
}
