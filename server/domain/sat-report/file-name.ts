/**
 * File names of the SAT volumetric reports (A30-RPT-01, A30-RPT-02; research note
 * `sat-report-format.md` §6, where three independent implementations agree):
 *
 *   {D|M}_{UUID}_{RfcContribuyente}_{RfcProveedor}_{YYYY-MM-DD}_{ClaveInstalacion}_{TipoReporte}_JSON
 *
 * e.g. `M_819077b7-8747-45f4-9129-d67d83324890_SGM950714DC2_XAX010101000_2024-05-30_EDS-0415_EXO_JSON`.
 * The JSON inside the package is `<base>.json`, the package `<base>.zip` (package.ts).
 *
 * Decisions (pure, no I/O):
 *  - UUID: RFC 4122 version 4, canonical lower case (one public generator mixed cases — avoided);
 *  - RfcProveedor: exactly 12 characters (persona moral), as the public monthly validator requires
 *    (`[A-Z0-9Ñ&]{12}`) and the older XSD states ("RFC del proveedor … autorizado por el SAT");
 *  - RfcContribuyente: 12 or 13 characters (schema `definitions/RFC`);
 *  - ClaveInstalacion: the two patterns of the schemas (permisionario/usuario, contratista/asignatario);
 *  - date: a real calendar date — the day of the cut (daily) or the period date (monthly);
 *  - TipoReporte: one of the codes of §6.
 */

export type ReportFileKind = "D" | "M";

/** Report type codes accepted by the public monthly validator (§6); EXO is the one used by service stations. */
export const REPORT_TYPE_CODES = [
  "EXT",
  "REF",
  "PGN",
  "CON",
  "DEN",
  "LON",
  "RGN",
  "TRA",
  "ALM",
  "AGA",
  "USP",
  "DIS",
  "CMN",
  "EXO",
] as const;
export type ReportTypeCode = (typeof REPORT_TYPE_CODES)[number];

/** RFC 4122 v4, canonical lower case. */
export const UUID_V4_LOWER = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** SAT `definitions/RFC` (12 or 13 characters). */
export const RFC_PATTERN = /^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$/;
/** SAT `definitions/RfcPersonaMoral` (12 characters). */
export const RFC_PERSONA_MORAL_PATTERN = /^([A-ZÑ]|&){3}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$/;
/** ClaveInstalacion for permisionario/usuario (Diario/Mensual root allOf). */
export const CLAVE_INSTALACION_PERMISIONARIO =
  /^(ACA|AUP|ALM|ACL|ASN|ACO|BSP|BDE|CMN|CO[MN]|DEN|DIS|EMA|ESN|EDS|ESA|EXO|EXP|EXT|GSH|LON|RPO|MNA|PTA|PDD|PGN|RCN|REF|RGN|SIS|SFO|SDA|TDA|TDD|TR[EA]|TDP|USP)-[0-9]{4}$/;
/** ClaveInstalacion for contratista/asignatario (Diario/Mensual root allOf). */
export const CLAVE_INSTALACION_CONTRATISTA = /^(ACL|ASN)-(TRE|MNA)-[a-zA-Z0-9]{4}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface ReportFileNameParts {
  kind: ReportFileKind;
  uuid: string;
  rfcContribuyente: string;
  rfcProveedor: string;
  /** YYYY-MM-DD */
  date: string;
  claveInstalacion: string;
  tipoReporte: ReportTypeCode;
}

export interface FileNameError {
  field: keyof ReportFileNameParts | "name";
  message: string;
}

export type FileNameResult<T> = { ok: true; value: T } | { ok: false; errors: FileNameError[] };

export function isCalendarDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

/** Every problem with the parts, in field order (empty when valid). */
export function fileNamePartErrors(parts: Partial<Record<keyof ReportFileNameParts, unknown>>): FileNameError[] {
  const errors: FileNameError[] = [];
  const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  const kind = str(parts.kind);
  if (kind !== "D" && kind !== "M") {
    errors.push({ field: "kind", message: "El tipo de reporte debe ser «D» (diario) o «M» (mensual)" });
  }
  const uuid = str(parts.uuid);
  if (!uuid || !UUID_V4_LOWER.test(uuid)) {
    errors.push({
      field: "uuid",
      message: `UUID «${String(parts.uuid)}» inválido: debe ser un UUID versión 4 en minúsculas (xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx)`,
    });
  }
  const rfcC = str(parts.rfcContribuyente);
  if (!rfcC || !RFC_PATTERN.test(rfcC)) {
    errors.push({
      field: "rfcContribuyente",
      message: `RFC del contribuyente «${String(parts.rfcContribuyente)}» inválido: 12 o 13 caracteres con el formato del SAT, en mayúsculas`,
    });
  }
  const rfcP = str(parts.rfcProveedor);
  if (!rfcP || !RFC_PERSONA_MORAL_PATTERN.test(rfcP)) {
    errors.push({
      field: "rfcProveedor",
      message: `RFC del proveedor «${String(parts.rfcProveedor)}» inválido: debe ser el RFC de persona moral (12 caracteres) del proveedor de controles volumétricos`,
    });
  }
  const date = str(parts.date);
  if (!date || !isCalendarDate(date)) {
    errors.push({ field: "date", message: `Fecha «${String(parts.date)}» inválida: debe ser una fecha real AAAA-MM-DD` });
  }
  const clave = str(parts.claveInstalacion);
  if (!clave || !(CLAVE_INSTALACION_PERMISIONARIO.test(clave) || CLAVE_INSTALACION_CONTRATISTA.test(clave))) {
    errors.push({
      field: "claveInstalacion",
      message: `ClaveInstalacion «${String(parts.claveInstalacion)}» inválida: debe ser como EDS-0001 (tipo de instalación del catálogo SAT y 4 dígitos)`,
    });
  }
  const tipo = str(parts.tipoReporte);
  if (!tipo || !(REPORT_TYPE_CODES as readonly string[]).includes(tipo)) {
    errors.push({
      field: "tipoReporte",
      message: `Tipo de reporte «${String(parts.tipoReporte)}» inválido: debe ser uno de ${REPORT_TYPE_CODES.join(", ")}`,
    });
  }
  return errors;
}

/** Base name without extension: `{D|M}_{UUID}_{RFC}_{RFC proveedor}_{fecha}_{ClaveInstalacion}_{tipo}_JSON`. */
export function reportFileName(parts: ReportFileNameParts): FileNameResult<string> {
  const errors = fileNamePartErrors(parts);
  if (errors.length > 0) return { ok: false, errors };
  const name = [
    parts.kind,
    parts.uuid,
    parts.rfcContribuyente,
    parts.rfcProveedor,
    parts.date,
    parts.claveInstalacion,
    parts.tipoReporte,
    "JSON",
  ].join("_");
  return { ok: true, value: name };
}

/**
 * Parses a base name (an optional `.json` or `.zip` extension is accepted) back into its parts.
 * No part contains `_`, so the name splits into exactly eight fields.
 */
export function parseReportFileName(name: string): FileNameResult<ReportFileNameParts> {
  const base = name.replace(/\.(json|zip)$/i, "");
  const fields = base.split("_");
  if (fields.length !== 8 || fields[7] !== "JSON") {
    return {
      ok: false,
      errors: [
        {
          field: "name",
          message: `Nombre «${name}» inválido: se espera {D|M}_{UUID}_{RfcContribuyente}_{RfcProveedor}_{AAAA-MM-DD}_{ClaveInstalacion}_{Tipo}_JSON`,
        },
      ],
    };
  }
  const [kind, uuid, rfcContribuyente, rfcProveedor, date, claveInstalacion, tipoReporte] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const candidate = { kind, uuid, rfcContribuyente, rfcProveedor, date, claveInstalacion, tipoReporte };
  const errors = fileNamePartErrors(candidate);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: candidate as ReportFileNameParts };
}
