import type { X509Certificate } from "node:crypto";
import { cfdiCadenaOriginal, tfdCadenaOriginal } from "./cadena";
import { certificateNumber, certificateRfc, loadCertificate, verifySha256Signature, type CertificateInput } from "./certificates";
import { absolute, add, compare, formatDecimal, parseDecimal, subtract, sum, ZERO, type Decimal } from "./decimal";
import { checkRfc } from "./identifiers";
import { RFC_REGEX } from "../operations/record";
import { attr, firstChild, type XmlElement } from "./safe-xml";
import type { ParsedCfdi, VerificationCheck, VerificationReport } from "./types";

/**
 * Offline verification of an accepted CFDI (A30-CFDI-07). Each check is true (verified), false
 * (failed: reported, the document still parses) or null (cannot be verified offline, with why).
 */
export interface VerifyOptions {
  /** SAT stamping certificates by NoCertificadoSAT, to verify the TFD's SelloSAT. */
  satCertificates?: ReadonlyMap<string, CertificateInput>;
}

/**
 * Rounding tolerance for SubTotal and Total: concept amounts carry up to 6 decimals while SubTotal
 * and Total are rounded to the currency's decimals (2 for MXN/USD), and the SAT accepts the
 * difference that rounding produces; one cent covers it. Exact matches are reported as such.
 */
export const TOTALS_TOLERANCE: Decimal = { units: 1n, scale: 2 };

/** What no offline check covers; shown with every report. */
export const NOT_VERIFIED_OFFLINE = [
  "estado del CFDI ante el SAT (vigente o cancelado): requiere la consulta en línea del SAT",
  "revocación del certificado del emisor y su cadena de confianza hasta la AC del SAT",
  "validación contra los esquemas XSD y los catálogos del SAT (claves de producto, unidad, régimen, uso del CFDI)",
  "unicidad del UUID: la verifica la importación contra los CFDI ya guardados",
];

const FECHA_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;

export function isIsoDateTime(value: string | null): boolean {
  if (value === null) return false;
  const match = FECHA_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const compact = (value: string | null) => (value ?? "").replace(/\s+/g, "");

export function verifyCfdi(root: XmlElement, tfd: XmlElement, cfdi: ParsedCfdi, options: VerifyOptions = {}): VerificationReport {
  const certificate = cfdi.certificado ? loadCertificate(cfdi.certificado) : null;
  const checks: VerificationCheck[] = [
    checkTfd(cfdi),
    checkSelloCfd(cfdi),
    rfcCheck(attr(firstChild(root, root.namespace, "Emisor"), "Rfc"), "emisor"),
    rfcCheck(attr(firstChild(root, root.namespace, "Receptor"), "Rfc"), "receptor"),
    checkTipo(cfdi),
    checkSubTotal(cfdi),
    checkDescuento(cfdi),
    checkTotal(cfdi),
    checkImpuestos(cfdi),
    checkCertificate(cfdi, certificate),
    checkSelloCfdi(root, cfdi, certificate),
    checkSelloSat(tfd, cfdi, options.satCertificates),
  ];
  return { ok: checks.every((c) => c.ok !== false), checks, notVerified: NOT_VERIFIED_OFFLINE };
}

function checkTfd(cfdi: ParsedCfdi): VerificationCheck {
  const t = cfdi.timbre;
  const problems: string[] = [];
  if (t.version !== "1.1") problems.push(`Version del timbre «${t.version ?? ""}» (CFDI ${cfdi.version} requiere 1.1)`);
  if (!isIsoDateTime(t.fechaTimbrado)) problems.push(`FechaTimbrado inválida «${t.fechaTimbrado ?? ""}» (AAAA-MM-DDThh:mm:ss)`);
  if (!t.rfcProvCertif || !RFC_REGEX.test(t.rfcProvCertif)) problems.push(`RfcProvCertif mal formado «${t.rfcProvCertif ?? ""}»`);
  if (!t.noCertificadoSAT || !/^\d{20}$/.test(t.noCertificadoSAT)) problems.push(`NoCertificadoSAT mal formado «${t.noCertificadoSAT ?? ""}» (20 dígitos)`);
  if (!BASE64.test(compact(t.selloSAT))) problems.push("SelloSAT vacío o no es base64");
  if (!BASE64.test(compact(t.selloCFD))) problems.push("SelloCFD vacío o no es base64");
  if (problems.length > 0) return { id: "tfd", ok: false, detail: `TimbreFiscalDigital con problemas: ${problems.join("; ")}` };
  return {
    id: "tfd",
    ok: true,
    detail: `TimbreFiscalDigital 1.1 bien formado: UUID ${t.uuid}, FechaTimbrado ${t.fechaTimbrado}, PAC ${t.rfcProvCertif}, certificado SAT ${t.noCertificadoSAT}`,
  };
}

function checkSelloCfd(cfdi: ParsedCfdi): VerificationCheck {
  const sello = compact(cfdi.sello);
  if (sello === "") return { id: "tfd_sello_cfd", ok: false, detail: "el comprobante no tiene Sello" };
  return compact(cfdi.timbre.selloCFD) === sello
    ? { id: "tfd_sello_cfd", ok: true, detail: "el SelloCFD del timbre es igual al Sello del comprobante" }
    : { id: "tfd_sello_cfd", ok: false, detail: "el SelloCFD del timbre no es igual al Sello del comprobante (el timbre no corresponde a este comprobante)" };
}

/** On the RFC as written, so the detail can say when it had to be trimmed/upper-cased (A30-GEN-03). */
function rfcCheck(raw: string | null, role: "emisor" | "receptor"): VerificationCheck {
  const result = checkRfc(raw, role);
  return { id: role === "emisor" ? "rfc_emisor" : "rfc_receptor", ok: result.ok, detail: result.detail };
}

function checkTipo(cfdi: ParsedCfdi): VerificationCheck {
  switch (cfdi.tipo) {
    case "N":
      return { id: "tipo_aplicable", ok: false, detail: "tipo de CFDI no aplicable: N (nómina) no ampara operaciones de hidrocarburos o petrolíferos (A30-CFDI-04)" };
    case "P":
      return { id: "tipo_aplicable", ok: true, detail: "tipo P (recepción de pagos): se liga a los CFDI que paga y no lleva volumen" };
    default:
      return { id: "tipo_aplicable", ok: true, detail: `tipo ${cfdi.tipo} (${cfdi.tipo === "I" ? "ingreso" : cfdi.tipo === "E" ? "egreso" : "traslado"})` };
  }
}

function within(difference: Decimal): "exacto" | "tolerancia" | "fuera" {
  const size = compare(absolute(difference), ZERO);
  if (size === 0) return "exacto";
  return compare(absolute(difference), TOTALS_TOLERANCE) <= 0 ? "tolerancia" : "fuera";
}

function amounts(values: Array<[label: string, text: string | null]>): { ok: true; values: Decimal[] } | { ok: false; detail: string } {
  const out: Decimal[] = [];
  for (const [label, text] of values) {
    const value = parseDecimal(text);
    if (!value) return { ok: false, detail: `${label} no es un importe decimal: «${text ?? ""}»` };
    out.push(value);
  }
  return { ok: true, values: out };
}

function checkSubTotal(cfdi: ParsedCfdi): VerificationCheck {
  const parsed = amounts([["SubTotal", cfdi.subTotal], ...cfdi.conceptos.map((c, i) => [`Importe del concepto ${i + 1}`, c.importe] as [string, string])]);
  if (!parsed.ok) return { id: "subtotal", ok: false, detail: parsed.detail };
  const [subTotal, ...importes] = parsed.values as [Decimal, ...Decimal[]];
  const total = sum(importes);
  const difference = subtract(subTotal, total);
  const verdict = within(difference);
  const base = `suma de Importe de ${importes.length} concepto(s) = ${formatDecimal(total)}; SubTotal = ${cfdi.subTotal}`;
  if (verdict === "exacto") return { id: "subtotal", ok: true, detail: `${base}: coinciden exactamente` };
  if (verdict === "tolerancia") return { id: "subtotal", ok: true, detail: `${base}: coinciden dentro de la tolerancia de redondeo de ±0.01 (diferencia ${formatDecimal(difference)})` };
  return { id: "subtotal", ok: false, detail: `${base}: no coinciden (diferencia ${formatDecimal(difference)})` };
}

function checkDescuento(cfdi: ParsedCfdi): VerificationCheck {
  const withDiscount = cfdi.conceptos.filter((c) => c.descuento !== null);
  if (cfdi.descuento === null && withDiscount.length === 0) return { id: "descuento", ok: true, detail: "sin descuentos" };
  const parsed = amounts([["Descuento", cfdi.descuento ?? "0"], ...withDiscount.map((c) => ["Descuento de un concepto", c.descuento] as [string, string | null])]);
  if (!parsed.ok) return { id: "descuento", ok: false, detail: parsed.detail };
  const [descuento, ...conceptos] = parsed.values as [Decimal, ...Decimal[]];
  const total = sum(conceptos);
  const base = `suma de Descuento de los conceptos = ${formatDecimal(total)}; Descuento = ${cfdi.descuento ?? "(ausente)"}`;
  return compare(descuento, total) === 0 ? { id: "descuento", ok: true, detail: `${base}: coinciden` } : { id: "descuento", ok: false, detail: `${base}: no coinciden` };
}

function checkTotal(cfdi: ParsedCfdi): VerificationCheck {
  const parsed = amounts([
    ["Total", cfdi.total],
    ["SubTotal", cfdi.subTotal],
    ["Descuento", cfdi.descuento ?? "0"],
    ["TotalImpuestosTrasladados", cfdi.impuestos?.totalImpuestosTrasladados ?? "0"],
    ["TotalImpuestosRetenidos", cfdi.impuestos?.totalImpuestosRetenidos ?? "0"],
    ["TotaldeTraslados (implocal)", cfdi.impuestosLocales?.totalDeTraslados ?? "0"],
    ["TotaldeRetenciones (implocal)", cfdi.impuestosLocales?.totalDeRetenciones ?? "0"],
  ]);
  if (!parsed.ok) return { id: "total", ok: false, detail: parsed.detail };
  const [total, subTotal, descuento, trasladados, retenidos, localesT, localesR] = parsed.values as [Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal];
  let expected = subtract(subTotal, descuento);
  expected = add(expected, trasladados);
  expected = subtract(expected, retenidos);
  expected = add(expected, localesT);
  expected = subtract(expected, localesR);
  const locales = cfdi.impuestosLocales ? ` + traslados locales ${formatDecimal(localesT)} − retenciones locales ${formatDecimal(localesR)}` : "";
  const formula = `SubTotal ${formatDecimal(subTotal)} − Descuento ${formatDecimal(descuento)} + trasladados ${formatDecimal(trasladados)} − retenidos ${formatDecimal(retenidos)}${locales} = ${formatDecimal(expected)}; Total = ${cfdi.total}`;
  const difference = subtract(total, expected);
  const verdict = within(difference);
  if (verdict === "exacto") return { id: "total", ok: true, detail: `${formula}: coinciden exactamente` };
  if (verdict === "tolerancia") return { id: "total", ok: true, detail: `${formula}: coinciden dentro de la tolerancia de redondeo de ±0.01 (diferencia ${formatDecimal(difference)})` };
  return { id: "total", ok: false, detail: `${formula}: no coinciden (diferencia ${formatDecimal(difference)})` };
}

function checkImpuestos(cfdi: ParsedCfdi): VerificationCheck {
  const conceptTaxes = cfdi.conceptos.some((c) => c.impuestos.traslados.length + c.impuestos.retenciones.length > 0);
  const impuestos = cfdi.impuestos;
  if (!impuestos) {
    return conceptTaxes
      ? { id: "impuestos", ok: false, detail: "los conceptos declaran impuestos pero falta el nodo Impuestos del comprobante" }
      : { id: "impuestos", ok: true, detail: "sin impuestos" };
  }
  const problems: string[] = [];
  const notes: string[] = [];
  for (const [label, totalText, rows] of [
    ["TotalImpuestosTrasladados", impuestos.totalImpuestosTrasladados, impuestos.traslados.filter((t) => t.importe !== null)],
    ["TotalImpuestosRetenidos", impuestos.totalImpuestosRetenidos, impuestos.retenciones],
  ] as const) {
    if (totalText === null && rows.length === 0) continue;
    const parsed = amounts([[label, totalText ?? "0"], ...rows.map((r) => [`Importe de ${label}`, r.importe] as [string, string | null])]);
    if (!parsed.ok) {
      problems.push(parsed.detail);
      continue;
    }
    const [total, ...importes] = parsed.values as [Decimal, ...Decimal[]];
    const rowsSum = sum(importes);
    if (compare(total, rowsSum) === 0) notes.push(`${label} ${totalText ?? "(ausente)"} = suma de importes ${formatDecimal(rowsSum)}`);
    else problems.push(`${label} ${totalText ?? "(ausente)"} ≠ suma de importes ${formatDecimal(rowsSum)}`);
  }
  if (problems.length > 0) return { id: "impuestos", ok: false, detail: problems.join("; ") };
  return { id: "impuestos", ok: true, detail: notes.length > 0 ? notes.join("; ") : "sin impuestos con importe" };
}

function checkCertificate(cfdi: ParsedCfdi, certificate: X509Certificate | null): VerificationCheck {
  if (!cfdi.certificado) return { id: "certificado", ok: false, detail: "el comprobante no incluye el Certificado del emisor" };
  if (!certificate) return { id: "certificado", ok: false, detail: "el Certificado embebido no es un certificado X.509 legible" };
  const problems: string[] = [];
  const number = certificateNumber(certificate);
  if (number === null) problems.push(`el número de serie ${certificate.serialNumber} no tiene la forma de un certificado del SAT`);
  else if (number !== cfdi.noCertificado) problems.push(`NoCertificado «${cfdi.noCertificado ?? ""}» no corresponde al certificado embebido (${number})`);
  const rfc = certificateRfc(certificate);
  if (rfc !== null && rfc !== cfdi.emisor.rfc) problems.push(`el certificado pertenece al RFC ${rfc}, no al emisor ${cfdi.emisor.rfc}`);
  const issued = Date.parse(`${cfdi.fecha}Z`);
  const from = Date.parse(certificate.validFrom);
  const to = Date.parse(certificate.validTo);
  const day = 24 * 3600 * 1000;
  // Fecha has no zone (local time of LugarExpedicion, UTC−5…−8): one day of slack either way.
  if (Number.isFinite(issued) && Number.isFinite(from) && Number.isFinite(to) && (issued < from - day || issued > to + day)) {
    problems.push(`el certificado no estaba vigente en la Fecha ${cfdi.fecha} (vigencia ${certificate.validFrom} a ${certificate.validTo})`);
  }
  if (problems.length > 0) return { id: "certificado", ok: false, detail: problems.join("; ") };
  return {
    id: "certificado",
    ok: true,
    detail: `certificado ${number} legible, corresponde a NoCertificado${rfc ? ` y al RFC ${rfc}` : ""}, vigente en la Fecha (${certificate.validFrom} a ${certificate.validTo})`,
  };
}

function checkSelloCfdi(root: XmlElement, cfdi: ParsedCfdi, certificate: X509Certificate | null): VerificationCheck {
  if (compact(cfdi.sello) === "") return { id: "sello_cfdi", ok: false, detail: "sello inválido: el comprobante no tiene Sello" };
  if (!certificate) return { id: "sello_cfdi", ok: null, detail: "no verificado: el Certificado embebido no es legible" };
  const cadena = cfdiCadenaOriginal(root);
  if (!cadena.ok) {
    return {
      id: "sello_cfdi",
      ok: null,
      detail: `no verificado: requiere la transformación XSLT del SAT para ${cadena.unsupported.join(", ")} (cadena original no implementada para ese complemento)`,
    };
  }
  return verifySha256Signature(certificate, cadena.cadena, compact(cfdi.sello))
    ? { id: "sello_cfdi", ok: true, detail: `sello válido: el Sello corresponde a la cadena original CFDI ${cfdi.version} con el certificado ${cfdi.noCertificado ?? ""}` }
    : {
        id: "sello_cfdi",
        ok: false,
        detail: `sello inválido: el Sello no corresponde a la cadena original CFDI ${cfdi.version} con el certificado embebido (el comprobante fue alterado o el sello no es de este certificado)`,
      };
}

function checkSelloSat(tfd: XmlElement, cfdi: ParsedCfdi, satCertificates: ReadonlyMap<string, CertificateInput> | undefined): VerificationCheck {
  const number = cfdi.timbre.noCertificadoSAT ?? "";
  const input = satCertificates?.get(number);
  if (input === undefined) {
    return { id: "sello_sat", ok: null, detail: `no verificado: no se proporcionó el certificado del SAT ${number} (NoCertificadoSAT del timbre)` };
  }
  const certificate = loadCertificate(input);
  if (!certificate) return { id: "sello_sat", ok: null, detail: `no verificado: el certificado del SAT proporcionado para ${number} no es legible` };
  const actual = certificateNumber(certificate);
  if (actual !== number) return { id: "sello_sat", ok: null, detail: `no verificado: el certificado proporcionado es el ${actual ?? "(sin número SAT)"}, no el ${number}` };
  return verifySha256Signature(certificate, tfdCadenaOriginal(tfd), compact(cfdi.timbre.selloSAT))
    ? { id: "sello_sat", ok: true, detail: `SelloSAT válido: corresponde a la cadena original del timbre 1.1 con el certificado del SAT ${number}` }
    : { id: "sello_sat", ok: false, detail: `SelloSAT inválido: no corresponde a la cadena original del timbre con el certificado del SAT ${number} (el timbre fue alterado)` };
}
