import { z } from "zod";
import { NS } from "./cadena";
import type { CertificateInput } from "./certificates";
import { isHydrocarbonClave, KNOWN_COMPLEMENTS } from "./complements";
import { normalizeUuid } from "./identifiers";
import { attr, childrenOf, DEFAULT_MAX_BYTES, firstChild, readXml, type XmlElement } from "./safe-xml";
import type {
  CfdiComplemento,
  CfdiConcepto,
  CfdiDoctoRelacionado,
  CfdiPagos,
  CfdiRetencion,
  CfdiTipo,
  CfdiTraslado,
  ParseCfdiResult,
  ParsedCfdi,
  XmlNodeJson,
} from "./types";
import { verifyCfdi } from "./verify";

/**
 * parseCfdi (A30-CFDI-02/03/04/07/08, Anexo 30 30.4.3 and 30.6.1.2.4): reads a CFDI 3.3 or 4.0
 * XML safely, rejects what must not be stored (malformed, hostile, non-CFDI, unsupported version,
 * unstamped, malformed UUID) with a Spanish reason, and for an accepted document returns its data
 * plus the offline verification report. Pure: no database, no clock, no network.
 */
export interface ParseCfdiOptions {
  /** Size limit in bytes (default 5 MiB), checked before anything else. */
  maxBytes?: number;
  /** SAT stamping certificates by NoCertificadoSAT (see satCertificateMap), to verify SelloSAT. */
  satCertificates?: ReadonlyMap<string, CertificateInput>;
}

const optionsSchema = z.object({
  maxBytes: z.number().int().positive().optional(),
  satCertificates: z.instanceof(Map).optional(),
});

const TIPOS: readonly CfdiTipo[] = ["I", "E", "T", "P", "N"];
const VERSION_BY_NAMESPACE: Record<string, "3.3" | "4.0"> = { [NS.cfdi33]: "3.3", [NS.cfdi40]: "4.0" };

function fail(code: Extract<ParseCfdiResult, { ok: false }>["code"], reason: string): ParseCfdiResult {
  return { ok: false, code, reason };
}

export function parseCfdi(xml: string | Uint8Array, options: ParseCfdiOptions = {}): ParseCfdiResult {
  const parsedOptions = optionsSchema.safeParse(options);
  if (!parsedOptions.success) throw new TypeError(`opciones de parseCfdi inválidas: ${z.prettifyError(parsedOptions.error)}`);
  const doc = readXml(xml, { maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES });
  if (!doc.ok) return doc;
  const root = doc.root;

  if (root.localName !== "Comprobante") {
    return fail("not_cfdi", `no es un CFDI: el elemento raíz es <${root.name}> (se espera cfdi:Comprobante)`);
  }
  const expectedVersion = VERSION_BY_NAMESPACE[root.namespace];
  if (!expectedVersion) {
    return fail("not_cfdi", `no es un CFDI: <${root.name}> tiene el espacio de nombres «${root.namespace}» (se espera ${NS.cfdi33} o ${NS.cfdi40})`);
  }
  const version = attr(root, "Version");
  if (version !== expectedVersion) {
    return fail(
      "unsupported_version",
      version === "3.3" || version === "4.0"
        ? `versión de CFDI ${version} con el espacio de nombres de la versión ${expectedVersion}`
        : `versión de CFDI no soportada: «${version ?? ""}» (se aceptan 3.3 y 4.0)`,
    );
  }
  const ns = root.namespace;
  const emisor = firstChild(root, ns, "Emisor");
  const receptor = firstChild(root, ns, "Receptor");
  const conceptoElements = childrenOf(firstChild(root, ns, "Conceptos"), ns, "Concepto");
  const missing = [
    ...(emisor ? [] : ["cfdi:Emisor"]),
    ...(receptor ? [] : ["cfdi:Receptor"]),
    ...(conceptoElements.length > 0 ? [] : ["cfdi:Conceptos/cfdi:Concepto"]),
    ...["Fecha", "SubTotal", "Total", "Moneda", "TipoDeComprobante"].filter((name) => attr(root, name) === null),
  ];
  if (missing.length > 0) return fail("invalid_structure", `CFDI incompleto: falta ${missing.join(", ")}`);
  const tipo = attr(root, "TipoDeComprobante")!.trim() as CfdiTipo;
  if (!TIPOS.includes(tipo)) return fail("invalid_type", `TipoDeComprobante inválido: «${tipo}» (I, E, T, P o N)`);

  const complementos = childrenOf(root, ns, "Complemento");
  const timbres = complementos.flatMap((c) => childrenOf(c, NS.tfd, "TimbreFiscalDigital"));
  if (timbres.length === 0) return fail("unstamped", "CFDI sin timbrar: no contiene el complemento tfd:TimbreFiscalDigital");
  if (timbres.length > 1) return fail("invalid_structure", `CFDI con ${timbres.length} TimbreFiscalDigital (debe tener uno)`);
  const tfd = timbres[0]!;
  const uuidOriginal = attr(tfd, "UUID");
  const uuid = normalizeUuid(uuidOriginal);
  if (!uuid) return fail("invalid_uuid", `UUID del TimbreFiscalDigital inválido: «${uuidOriginal ?? ""}» (se espera 8-4-4-4-12 hexadecimal, sin valores de relleno)`);

  const conceptos = conceptoElements.map((c) => concepto(c, ns));
  const impuestosElement = firstChild(root, ns, "Impuestos");
  const locales = complementos.flatMap((c) => childrenOf(c, NS.implocal, "ImpuestosLocales"))[0] ?? null;
  const complementList = listComplements(complementos, conceptoElements, ns);

  const cfdi: ParsedCfdi = {
    version: expectedVersion,
    uuid,
    fecha: attr(root, "Fecha")!,
    tipo,
    serie: attr(root, "Serie"),
    folio: attr(root, "Folio"),
    emisor: {
      rfc: normalizeRfc(attr(emisor, "Rfc")),
      nombre: attr(emisor, "Nombre"),
      regimenFiscal: attr(emisor, "RegimenFiscal"),
      facAtrAdquirente: attr(emisor, "FacAtrAdquirente"),
    },
    receptor: {
      rfc: normalizeRfc(attr(receptor, "Rfc")),
      nombre: attr(receptor, "Nombre"),
      usoCFDI: attr(receptor, "UsoCFDI"),
      domicilioFiscalReceptor: attr(receptor, "DomicilioFiscalReceptor"),
      regimenFiscalReceptor: attr(receptor, "RegimenFiscalReceptor"),
      residenciaFiscal: attr(receptor, "ResidenciaFiscal"),
      numRegIdTrib: attr(receptor, "NumRegIdTrib"),
    },
    conceptos,
    impuestos: impuestosElement
      ? {
          totalImpuestosTrasladados: attr(impuestosElement, "TotalImpuestosTrasladados"),
          totalImpuestosRetenidos: attr(impuestosElement, "TotalImpuestosRetenidos"),
          traslados: taxes(impuestosElement, ns, "Traslados", "Traslado"),
          retenciones: taxes(impuestosElement, ns, "Retenciones", "Retencion"),
        }
      : null,
    impuestosLocales: locales ? { totalDeTraslados: attr(locales, "TotaldeTraslados"), totalDeRetenciones: attr(locales, "TotaldeRetenciones") } : null,
    subTotal: attr(root, "SubTotal")!,
    descuento: attr(root, "Descuento"),
    total: attr(root, "Total")!,
    moneda: attr(root, "Moneda")!,
    tipoCambio: attr(root, "TipoCambio"),
    formaPago: attr(root, "FormaPago"),
    metodoPago: attr(root, "MetodoPago"),
    condicionesDePago: attr(root, "CondicionesDePago"),
    lugarExpedicion: attr(root, "LugarExpedicion"),
    exportacion: attr(root, "Exportacion"),
    confirmacion: attr(root, "Confirmacion"),
    informacionGlobal: informacionGlobal(firstChild(root, ns, "InformacionGlobal")),
    noCertificado: attr(root, "NoCertificado"),
    certificado: attr(root, "Certificado"),
    sello: attr(root, "Sello"),
    timbre: {
      version: attr(tfd, "Version"),
      uuid,
      uuidOriginal: uuidOriginal!,
      fechaTimbrado: attr(tfd, "FechaTimbrado"),
      rfcProvCertif: attr(tfd, "RfcProvCertif"),
      leyenda: attr(tfd, "Leyenda"),
      selloCFD: attr(tfd, "SelloCFD"),
      noCertificadoSAT: attr(tfd, "NoCertificadoSAT"),
      selloSAT: attr(tfd, "SelloSAT"),
    },
    cfdiRelacionados: childrenOf(root, ns, "CfdiRelacionados").map((r) => ({
      tipoRelacion: attr(r, "TipoRelacion"),
      uuids: childrenOf(r, ns, "CfdiRelacionado").map((c) => normalizeUuid(attr(c, "UUID")) ?? (attr(c, "UUID") ?? "").trim()),
    })),
    pagos: pagos(complementos),
    complementos: complementList,
    hydrocarbon: conceptos.some((c) => c.hydrocarbon) || complementList.some((c) => c.fuelRelated),
    namespaces: doc.namespaces,
  };
  return { ok: true, cfdi, checks: verifyCfdi(root, tfd, cfdi, { satCertificates: parsedOptions.data.satCertificates as ParseCfdiOptions["satCertificates"] }) };
}

/** A30-GEN-03: RFCs are trimmed and upper-cased (the RFC check reports the original when it differed). */
function normalizeRfc(value: string | null): string {
  return (value ?? "").trim().toUpperCase();
}

function taxes(parent: XmlElement | null, ns: string, group: "Traslados" | "Retenciones", item: "Traslado" | "Retencion"): Array<CfdiTraslado & CfdiRetencion> {
  return childrenOf(parent, ns, group)
    .flatMap((g) => childrenOf(g, ns, item))
    .map((t) => ({
      base: attr(t, "Base"),
      impuesto: attr(t, "Impuesto"),
      tipoFactor: attr(t, "TipoFactor"),
      tasaOCuota: attr(t, "TasaOCuota"),
      importe: attr(t, "Importe"),
    }));
}

function concepto(element: XmlElement, ns: string): CfdiConcepto {
  const impuestos = firstChild(element, ns, "Impuestos");
  const claveProdServ = attr(element, "ClaveProdServ") ?? "";
  return {
    claveProdServ,
    noIdentificacion: attr(element, "NoIdentificacion"),
    cantidad: attr(element, "Cantidad") ?? "",
    claveUnidad: attr(element, "ClaveUnidad") ?? "",
    unidad: attr(element, "Unidad"),
    valorUnitario: attr(element, "ValorUnitario") ?? "",
    importe: attr(element, "Importe") ?? "",
    descuento: attr(element, "Descuento"),
    descripcion: attr(element, "Descripcion") ?? "",
    objetoImp: attr(element, "ObjetoImp"),
    impuestos: { traslados: taxes(impuestos, ns, "Traslados", "Traslado"), retenciones: taxes(impuestos, ns, "Retenciones", "Retencion") },
    hydrocarbon: isHydrocarbonClave(claveProdServ),
    complementos: childrenOf(element, ns, "ComplementoConcepto").flatMap((c) => c.children.map((child) => KNOWN_COMPLEMENTS[child.namespace]?.name ?? child.name)),
  };
}

function informacionGlobal(element: XmlElement | null): ParsedCfdi["informacionGlobal"] {
  return element ? { periodicidad: attr(element, "Periodicidad"), meses: attr(element, "Meses"), año: attr(element, "Año") } : null;
}

function toJson(element: XmlElement): XmlNodeJson {
  return { name: element.name, attributes: Object.fromEntries(element.attributes), children: element.children.map(toJson) };
}

function listComplements(complementos: XmlElement[], conceptos: XmlElement[], ns: string): CfdiComplemento[] {
  const describe = (child: XmlElement, level: "comprobante" | "concepto", conceptoIndex: number | null): CfdiComplemento => {
    const known = KNOWN_COMPLEMENTS[child.namespace];
    const structured = known?.category === "timbre" || known?.category === "pagos";
    return {
      name: known?.name ?? child.name,
      localName: child.localName,
      namespace: child.namespace,
      version: attr(child, "Version") ?? attr(child, "version"),
      category: known?.category ?? "otro",
      fuelRelated: known?.fuelRelated ?? false,
      level,
      conceptoIndex,
      contenido: structured ? null : toJson(child),
    };
  };
  return [
    ...complementos.flatMap((c) => c.children.map((child) => describe(child, "comprobante", null))),
    ...conceptos.flatMap((concepto, index) => childrenOf(concepto, ns, "ComplementoConcepto").flatMap((c) => c.children.map((child) => describe(child, "concepto", index)))),
  ];
}

/** REP (A30-CFDI-04): Pagos 1.0 (CFDI 3.3) or Pagos 2.0 (CFDI 4.0) with the UUIDs each payment covers. */
function pagos(complementos: XmlElement[]): CfdiPagos | null {
  for (const [namespace, v2] of [
    [NS.pagos20, true],
    [NS.pagos10, false],
  ] as const) {
    const element = complementos.flatMap((c) => childrenOf(c, namespace, "Pagos"))[0];
    if (!element) continue;
    const totales = childrenOf(element, namespace, "Totales")[0];
    return {
      version: attr(element, "Version"),
      totales: totales ? Object.fromEntries(totales.attributes) : null,
      pagos: childrenOf(element, namespace, "Pago").map((pago) => ({
        fechaPago: attr(pago, "FechaPago"),
        formaDePagoP: attr(pago, "FormaDePagoP"),
        monedaP: attr(pago, "MonedaP"),
        tipoCambioP: attr(pago, "TipoCambioP"),
        monto: attr(pago, "Monto"),
        numOperacion: attr(pago, "NumOperacion"),
        doctosRelacionados: childrenOf(pago, namespace, "DoctoRelacionado").map((d): CfdiDoctoRelacionado => {
          const idDocumento = (attr(d, "IdDocumento") ?? "").trim();
          return {
            idDocumento,
            uuid: normalizeUuid(idDocumento),
            serie: attr(d, "Serie"),
            folio: attr(d, "Folio"),
            monedaDR: attr(d, "MonedaDR"),
            tipoCambioDR: v2 ? null : attr(d, "TipoCambioDR"),
            equivalenciaDR: v2 ? attr(d, "EquivalenciaDR") : null,
            metodoDePagoDR: v2 ? null : attr(d, "MetodoDePagoDR"),
            numParcialidad: attr(d, "NumParcialidad"),
            impSaldoAnt: attr(d, "ImpSaldoAnt"),
            impPagado: attr(d, "ImpPagado"),
            impSaldoInsoluto: attr(d, "ImpSaldoInsoluto"),
            objetoImpDR: v2 ? attr(d, "ObjetoImpDR") : null,
          };
        }),
      })),
    };
  }
  return null;
}

/** Every related UUID of a REP, upper-case, in document order without repeats (for linking, A30-CFDI-04). */
export function paidDocumentUuids(cfdi: ParsedCfdi): string[] {
  const out: string[] = [];
  for (const pago of cfdi.pagos?.pagos ?? []) {
    for (const docto of pago.doctosRelacionados) if (docto.uuid && !out.includes(docto.uuid)) out.push(docto.uuid);
  }
  return out;
}
