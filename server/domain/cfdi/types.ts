/**
 * CFDI 3.3 / 4.0 as read by parseCfdi (A30-CFDI-02/03/04/08). Amounts are the XML text verbatim
 * (decimal strings, never floats); optional attributes absent from the XML are null. Property
 * names follow the SAT attribute names (lower camel case) so they can be traced to Anexo 20.
 */

export type CfdiVersion = "3.3" | "4.0";
/** TipoDeComprobante: Ingreso, Egreso, Traslado, Pago (REP), Nómina. */
export type CfdiTipo = "I" | "E" | "T" | "P" | "N";

export interface CfdiTraslado {
  base: string | null;
  impuesto: string | null;
  tipoFactor: string | null;
  tasaOCuota: string | null;
  importe: string | null;
}

export interface CfdiRetencion {
  base: string | null;
  impuesto: string | null;
  tipoFactor: string | null;
  tasaOCuota: string | null;
  importe: string | null;
}

export interface CfdiConcepto {
  claveProdServ: string;
  noIdentificacion: string | null;
  cantidad: string;
  claveUnidad: string;
  unidad: string | null;
  valorUnitario: string;
  importe: string;
  descuento: string | null;
  descripcion: string;
  /** CFDI 4.0 ObjetoImp (null in 3.3). */
  objetoImp: string | null;
  impuestos: { traslados: CfdiTraslado[]; retenciones: CfdiRetencion[] };
  /** ClaveProdServ in the petroleum/distillates (151015xx) or gaseous fuels (151115xx) classes (A30-CFDI-01 hint). */
  hydrocarbon: boolean;
  /** Concept-level complements (cfdi:ComplementoConcepto), by name. */
  complementos: string[];
}

export interface CfdiTimbre {
  version: string | null;
  /** Upper-case canonical form (A30-CFDI-03). */
  uuid: string;
  /** UUID exactly as written in the TFD (it is what the SAT sealed). */
  uuidOriginal: string;
  fechaTimbrado: string | null;
  rfcProvCertif: string | null;
  leyenda: string | null;
  selloCFD: string | null;
  noCertificadoSAT: string | null;
  selloSAT: string | null;
}

export interface CfdiDoctoRelacionado {
  /** IdDocumento as written. */
  idDocumento: string;
  /** Upper-case UUID when IdDocumento has UUID form, else null. */
  uuid: string | null;
  serie: string | null;
  folio: string | null;
  monedaDR: string | null;
  /** Pagos 1.0 TipoCambioDR / Pagos 2.0 EquivalenciaDR. */
  tipoCambioDR: string | null;
  equivalenciaDR: string | null;
  /** Pagos 1.0 only. */
  metodoDePagoDR: string | null;
  numParcialidad: string | null;
  impSaldoAnt: string | null;
  impPagado: string | null;
  impSaldoInsoluto: string | null;
  /** Pagos 2.0 only. */
  objetoImpDR: string | null;
}

export interface CfdiPago {
  fechaPago: string | null;
  formaDePagoP: string | null;
  monedaP: string | null;
  tipoCambioP: string | null;
  monto: string | null;
  numOperacion: string | null;
  doctosRelacionados: CfdiDoctoRelacionado[];
}

export interface CfdiPagos {
  /** Complement version: "1.0" (Pagos, CFDI 3.3) or "2.0" (Pagos20, CFDI 4.0). */
  version: string | null;
  /** Pagos 2.0 Totales attributes (MontoTotalPagos, TotalTrasladosBaseIVA16…), verbatim. */
  totales: Record<string, string> | null;
  pagos: CfdiPago[];
}

export interface CfdiRelacionados {
  tipoRelacion: string | null;
  /** Upper-case UUIDs. */
  uuids: string[];
}

export type ComplementCategory = "timbre" | "pagos" | "impuestos" | "combustibles" | "transporte" | "comercio_exterior" | "nomina" | "otro";

export interface CfdiComplemento {
  /** Human name when the namespace is known ("Estado de cuenta de combustibles 1.2"), else the element name. */
  name: string;
  localName: string;
  namespace: string;
  version: string | null;
  category: ComplementCategory;
  /** Fuel/hydrocarbon related (ECC, consumo de combustibles, gastos/ingresos hidrocarburos). */
  fuelRelated: boolean;
  /** "comprobante" (cfdi:Complemento) or "concepto" (cfdi:ComplementoConcepto of concept `conceptoIndex`). */
  level: "comprobante" | "concepto";
  conceptoIndex: number | null;
  /** The complement's elements and attributes verbatim (not for TFD/Pagos, which are structured above). */
  contenido: XmlNodeJson | null;
}

/** Plain JSON view of an XML element. */
export interface XmlNodeJson {
  name: string;
  attributes: Record<string, string>;
  children: XmlNodeJson[];
}

export interface ParsedCfdi {
  version: CfdiVersion;
  /** Folio fiscal from the TimbreFiscalDigital, upper-case (A30-CFDI-03). */
  uuid: string;
  fecha: string;
  tipo: CfdiTipo;
  serie: string | null;
  folio: string | null;
  emisor: { rfc: string; nombre: string | null; regimenFiscal: string | null; facAtrAdquirente: string | null };
  receptor: {
    rfc: string;
    nombre: string | null;
    usoCFDI: string | null;
    domicilioFiscalReceptor: string | null;
    regimenFiscalReceptor: string | null;
    residenciaFiscal: string | null;
    numRegIdTrib: string | null;
  };
  conceptos: CfdiConcepto[];
  /** Comprobante-level cfdi:Impuestos, or null when absent. */
  impuestos: {
    totalImpuestosTrasladados: string | null;
    totalImpuestosRetenidos: string | null;
    traslados: CfdiTraslado[];
    retenciones: CfdiRetencion[];
  } | null;
  /** implocal:ImpuestosLocales totals when the local-taxes complement is present. */
  impuestosLocales: { totalDeTraslados: string | null; totalDeRetenciones: string | null } | null;
  subTotal: string;
  descuento: string | null;
  total: string;
  moneda: string;
  tipoCambio: string | null;
  formaPago: string | null;
  metodoPago: string | null;
  condicionesDePago: string | null;
  lugarExpedicion: string | null;
  /** CFDI 4.0 only. */
  exportacion: string | null;
  confirmacion: string | null;
  /** CFDI 4.0 InformacionGlobal (global invoice to the general public). */
  informacionGlobal: { periodicidad: string | null; meses: string | null; año: string | null } | null;
  noCertificado: string | null;
  /** Base64 DER of the issuer's CSD, as embedded. */
  certificado: string | null;
  sello: string | null;
  timbre: CfdiTimbre;
  cfdiRelacionados: CfdiRelacionados[];
  pagos: CfdiPagos | null;
  complementos: CfdiComplemento[];
  /** True when some concept's ClaveProdServ is a hydrocarbon class or a fuel complement is present. */
  hydrocarbon: boolean;
  /** Namespace URIs declared in the document. */
  namespaces: string[];
}

export type CheckId =
  | "tfd"
  | "tfd_sello_cfd"
  | "rfc_emisor"
  | "rfc_receptor"
  | "tipo_aplicable"
  | "subtotal"
  | "descuento"
  | "total"
  | "impuestos"
  | "certificado"
  | "sello_cfdi"
  | "sello_sat";

export interface VerificationCheck {
  id: CheckId;
  /** true verified, false failed, null not verifiable offline (the detail says why). */
  ok: boolean | null;
  detail: string;
}

export interface VerificationReport {
  /** false when any check failed; null checks do not make it false. */
  ok: boolean;
  checks: VerificationCheck[];
  /** What these offline checks never cover (Spanish, for the user). */
  notVerified: string[];
}

export type CfdiRejectionCode =
  | "empty"
  | "too_large"
  | "not_utf8"
  | "binary"
  | "unsupported_encoding"
  | "dtd_forbidden"
  | "entity_forbidden"
  | "malformed"
  | "not_cfdi"
  | "unsupported_version"
  | "invalid_structure"
  | "invalid_type"
  | "unstamped"
  | "invalid_uuid";

export type ParseCfdiResult = { ok: true; cfdi: ParsedCfdi; checks: VerificationReport } | { ok: false; code: CfdiRejectionCode; reason: string };
