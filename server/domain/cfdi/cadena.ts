import { attr, childrenOf, type XmlElement } from "./safe-xml";

/**
 * Cadenas originales (Anexo 20), rebuilt in code from the SAT's XSLT rules so the seals can be
 * checked offline (A30-CFDI-07):
 *  - TFD 1.1 (cadenaoriginal_TFD_1_1.xslt): ||Version|UUID|FechaTimbrado|RfcProvCertif|[Leyenda|]SelloCFD|NoCertificadoSAT||
 *  - CFDI 3.3 / 4.0 (cadenaoriginal_3_3.xslt / cadenaoriginal_4_0.xslt) with the complements
 *    whose XSLT is implemented here AND proven by a real sealed sample: Pagos 2.0 and implocal.
 *    The TFD has no template in the CFDI cadena (it is added after sealing). Any other complement
 *    (Pagos 1.0 included: its only available sample does not verify, so it is not claimed) → not
 *    buildable, and the caller reports the seal as "no verificado" instead of guessing.
 * Each value goes through XPath normalize-space(); "Requerido" always emits "|value" (even when
 * the attribute is missing), "Opcional" only when the attribute is present.
 */

export const NS = {
  cfdi33: "http://www.sat.gob.mx/cfd/3",
  cfdi40: "http://www.sat.gob.mx/cfd/4",
  tfd: "http://www.sat.gob.mx/TimbreFiscalDigital",
  pagos10: "http://www.sat.gob.mx/Pagos",
  pagos20: "http://www.sat.gob.mx/Pagos20",
  implocal: "http://www.sat.gob.mx/implocal",
} as const;

/** XPath normalize-space: trims XML whitespace and collapses internal runs to one space. */
export function normalizeSpace(value: string): string {
  return value.replace(/[\x20\t\r\n]+/g, " ").replace(/^ | $/g, "");
}

class Cadena {
  private readonly parts: string[] = [];
  required(element: XmlElement | null, name: string): void {
    this.parts.push(`|${normalizeSpace(attr(element, name) ?? "")}`);
  }
  optional(element: XmlElement | null, name: string): void {
    const value = attr(element, name);
    if (value !== null) this.parts.push(`|${normalizeSpace(value)}`);
  }
  raw(text: string): void {
    this.parts.push(text);
  }
  each(element: XmlElement, spec: Array<[name: string, required: boolean]>): void {
    for (const [name, required] of spec) {
      if (required) this.required(element, name);
      else this.optional(element, name);
    }
  }
  toString(): string {
    return this.parts.join("");
  }
}

const R = true;
const O = false;

/** TFD 1.1 cadena original, exactly over the attributes as written (the UUID is not re-cased). */
export function tfdCadenaOriginal(tfd: XmlElement): string {
  const c = new Cadena();
  c.raw("|");
  c.each(tfd, [
    ["Version", R],
    ["UUID", R],
    ["FechaTimbrado", R],
    ["RfcProvCertif", R],
    ["Leyenda", O],
    ["SelloCFD", R],
    ["NoCertificadoSAT", R],
  ]);
  c.raw("||");
  return c.toString();
}

export type CadenaResult = { ok: true; cadena: string } | { ok: false; unsupported: string[] };

/** CFDI 3.3 / 4.0 cadena original of the comprobante, or the complements that prevent building it. */
export function cfdiCadenaOriginal(root: XmlElement): CadenaResult {
  const ns = root.namespace;
  const v4 = ns === NS.cfdi40;
  const unsupported: string[] = [];
  const c = new Cadena();
  const kids = (parent: XmlElement | null, name: string) => childrenOf(parent, ns, name);
  const kid = (parent: XmlElement | null, name: string) => kids(parent, name)[0] ?? null;

  c.raw("|");
  c.each(root, [
    ["Version", R],
    ["Serie", O],
    ["Folio", O],
    ["Fecha", R],
    ["FormaPago", O],
    ["NoCertificado", R],
    ["CondicionesDePago", O],
    ["SubTotal", R],
    ["Descuento", O],
    ["Moneda", R],
    ["TipoCambio", O],
    ["Total", R],
    ["TipoDeComprobante", R],
    ...(v4 ? ([["Exportacion", R]] as Array<[string, boolean]>) : []),
    ["MetodoPago", O],
    ["LugarExpedicion", R],
    ["Confirmacion", O],
  ]);
  if (v4) {
    for (const global of kids(root, "InformacionGlobal")) {
      c.each(global, [
        ["Periodicidad", R],
        ["Meses", R],
        ["Año", R],
      ]);
    }
  }
  for (const relacionados of kids(root, "CfdiRelacionados")) {
    c.required(relacionados, "TipoRelacion");
    for (const relacionado of kids(relacionados, "CfdiRelacionado")) c.required(relacionado, "UUID");
  }
  for (const emisor of kids(root, "Emisor")) {
    c.each(emisor, v4 ? [["Rfc", R], ["Nombre", R], ["RegimenFiscal", R], ["FacAtrAdquirente", O]] : [["Rfc", R], ["Nombre", O], ["RegimenFiscal", R]]);
  }
  for (const receptor of kids(root, "Receptor")) {
    c.each(
      receptor,
      v4
        ? [["Rfc", R], ["Nombre", R], ["DomicilioFiscalReceptor", R], ["ResidenciaFiscal", O], ["NumRegIdTrib", O], ["RegimenFiscalReceptor", R], ["UsoCFDI", R]]
        : [["Rfc", R], ["Nombre", O], ["ResidenciaFiscal", O], ["NumRegIdTrib", O], ["UsoCFDI", R]],
    );
  }
  for (const conceptos of kids(root, "Conceptos")) {
    for (const concepto of kids(conceptos, "Concepto")) {
      c.each(concepto, [
        ["ClaveProdServ", R],
        ["NoIdentificacion", O],
        ["Cantidad", R],
        ["ClaveUnidad", R],
        ["Unidad", O],
        ["Descripcion", R],
        ["ValorUnitario", R],
        ["Importe", R],
        ["Descuento", O],
        ...(v4 ? ([["ObjetoImp", R]] as Array<[string, boolean]>) : []),
      ]);
      for (const impuestos of kids(concepto, "Impuestos")) {
        for (const traslados of kids(impuestos, "Traslados")) {
          for (const t of kids(traslados, "Traslado")) c.each(t, [["Base", R], ["Impuesto", R], ["TipoFactor", R], ["TasaOCuota", O], ["Importe", O]]);
        }
      }
      for (const impuestos of kids(concepto, "Impuestos")) {
        for (const retenciones of kids(impuestos, "Retenciones")) {
          for (const r of kids(retenciones, "Retencion")) c.each(r, [["Base", R], ["Impuesto", R], ["TipoFactor", R], ["TasaOCuota", R], ["Importe", R]]);
        }
      }
      if (v4) {
        for (const terceros of kids(concepto, "ACuentaTerceros")) {
          c.each(terceros, [["RfcACuentaTerceros", R], ["NombreACuentaTerceros", R], ["RegimenFiscalACuentaTerceros", R], ["DomicilioFiscalACuentaTerceros", R]]);
        }
      }
      for (const aduanera of kids(concepto, "InformacionAduanera")) c.required(aduanera, "NumeroPedimento");
      for (const predial of kids(concepto, "CuentaPredial")) c.required(predial, "Numero");
      for (const complemento of kids(concepto, "ComplementoConcepto")) {
        for (const child of complemento.children) unsupported.push(`${child.name} (${child.namespace || "sin espacio de nombres"})`);
      }
      for (const parte of descendants(concepto, ns, "Parte")) {
        c.each(parte, [["ClaveProdServ", R], ["NoIdentificacion", O], ["Cantidad", R], ["Unidad", O], ["Descripcion", R], ["ValorUnitario", O], ["Importe", O]]);
        for (const aduanera of descendants(parte, ns, "InformacionAduanera")) c.required(aduanera, "NumeroPedimento");
      }
    }
  }
  for (const impuestos of kids(root, "Impuestos")) {
    for (const retenciones of kids(impuestos, "Retenciones")) {
      for (const r of kids(retenciones, "Retencion")) c.each(r, [["Impuesto", R], ["Importe", R]]);
    }
    c.optional(impuestos, "TotalImpuestosRetenidos");
    for (const traslados of kids(impuestos, "Traslados")) {
      for (const t of kids(traslados, "Traslado")) {
        c.each(t, v4 ? [["Base", R], ["Impuesto", R], ["TipoFactor", R], ["TasaOCuota", O], ["Importe", O]] : [["Impuesto", R], ["TipoFactor", R], ["TasaOCuota", R], ["Importe", R]]);
      }
    }
    c.optional(impuestos, "TotalImpuestosTrasladados");
  }
  for (const complemento of kids(root, "Complemento")) {
    for (const child of complemento.children) {
      if (child.namespace === NS.pagos20 && child.localName === "Pagos") pagos20(c, child);
      else if (child.namespace === NS.implocal && child.localName === "ImpuestosLocales") implocal(c, child);
      // No template for the TFD: XSLT's built-in rule copies its text nodes (normally none).
      else if (child.namespace === NS.tfd && child.localName === "TimbreFiscalDigital") c.raw(allText(child));
      else unsupported.push(`${child.name} (${child.namespace || "sin espacio de nombres"})`);
    }
  }
  c.raw("||");
  return unsupported.length > 0 ? { ok: false, unsupported } : { ok: true, cadena: c.toString() };
}

function descendants(element: XmlElement, namespace: string, localName: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of element.children) {
    if (child.namespace === namespace && child.localName === localName) out.push(child);
    out.push(...descendants(child, namespace, localName));
  }
  return out;
}

function allText(element: XmlElement): string {
  return element.text + element.children.map(allText).join("");
}

/** Pagos20.xslt. */
function pagos20(c: Cadena, pagos: XmlElement): void {
  const ns = NS.pagos20;
  c.required(pagos, "Version");
  for (const totales of childrenOf(pagos, ns, "Totales")) {
    c.each(totales, [
      ["TotalRetencionesIVA", O],
      ["TotalRetencionesISR", O],
      ["TotalRetencionesIEPS", O],
      ["TotalTrasladosBaseIVA16", O],
      ["TotalTrasladosImpuestoIVA16", O],
      ["TotalTrasladosBaseIVA8", O],
      ["TotalTrasladosImpuestoIVA8", O],
      ["TotalTrasladosBaseIVA0", O],
      ["TotalTrasladosImpuestoIVA0", O],
      ["TotalTrasladosBaseIVAExento", O],
      ["MontoTotalPagos", R],
    ]);
  }
  for (const pago of childrenOf(pagos, ns, "Pago")) {
    c.each(pago, [
      ["FechaPago", R],
      ["FormaDePagoP", R],
      ["MonedaP", R],
      ["TipoCambioP", O],
      ["Monto", R],
      ["NumOperacion", O],
      ["RfcEmisorCtaOrd", O],
      ["NomBancoOrdExt", O],
      ["CtaOrdenante", O],
      ["RfcEmisorCtaBen", O],
      ["CtaBeneficiario", O],
      ["TipoCadPago", O],
      ["CertPago", O],
      ["CadPago", O],
      ["SelloPago", O],
    ]);
    for (const docto of childrenOf(pago, ns, "DoctoRelacionado")) {
      c.each(docto, [
        ["IdDocumento", R],
        ["Serie", O],
        ["Folio", O],
        ["MonedaDR", R],
        ["EquivalenciaDR", O],
        ["NumParcialidad", R],
        ["ImpSaldoAnt", R],
        ["ImpPagado", R],
        ["ImpSaldoInsoluto", R],
        ["ObjetoImpDR", R],
      ]);
      for (const impuestos of childrenOf(docto, ns, "ImpuestosDR")) {
        for (const retenciones of childrenOf(impuestos, ns, "RetencionesDR")) {
          for (const r of childrenOf(retenciones, ns, "RetencionDR")) c.each(r, [["BaseDR", R], ["ImpuestoDR", R], ["TipoFactorDR", R], ["TasaOCuotaDR", R], ["ImporteDR", R]]);
        }
      }
      for (const impuestos of childrenOf(docto, ns, "ImpuestosDR")) {
        for (const traslados of childrenOf(impuestos, ns, "TrasladosDR")) {
          for (const t of childrenOf(traslados, ns, "TrasladoDR")) c.each(t, [["BaseDR", R], ["ImpuestoDR", R], ["TipoFactorDR", R], ["TasaOCuotaDR", O], ["ImporteDR", O]]);
        }
      }
    }
    for (const impuestos of childrenOf(pago, ns, "ImpuestosP")) {
      for (const retenciones of childrenOf(impuestos, ns, "RetencionesP")) {
        for (const r of childrenOf(retenciones, ns, "RetencionP")) c.each(r, [["ImpuestoP", R], ["ImporteP", R]]);
      }
      for (const traslados of childrenOf(impuestos, ns, "TrasladosP")) {
        for (const t of childrenOf(traslados, ns, "TrasladoP")) c.each(t, [["BaseP", R], ["ImpuestoP", R], ["TipoFactorP", R], ["TasaOCuotaP", O], ["ImporteP", O]]);
      }
    }
  }
}

/** implocal.xslt. */
function implocal(c: Cadena, locales: XmlElement): void {
  const ns = NS.implocal;
  c.each(locales, [
    ["version", R],
    ["TotaldeRetenciones", R],
    ["TotaldeTraslados", R],
  ]);
  for (const r of childrenOf(locales, ns, "RetencionesLocales")) c.each(r, [["ImpLocRetenido", R], ["TasadeRetencion", R], ["Importe", R]]);
  for (const t of childrenOf(locales, ns, "TrasladosLocales")) c.each(t, [["ImpLocTrasladado", R], ["TasadeTraslado", R], ["Importe", R]]);
}
