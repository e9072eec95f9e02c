import { cfdiText } from "./cfdi-fixtures";

/**
 * Fuel CFDI test inputs built from test/fixtures/cfdi/cfdi40-valid.xml (a CFDI 4.0 sealed with
 * the EKU9003173C9 test CSD and carrying a syntactically valid TFD): RFCs, UUID, Fecha and the
 * concept are replaced by a single fuel concept without taxes (SubTotal = Total = Importe), so
 * the totals stay consistent while the seal no longer matches — the import must report
 * "sello inválido" in the verification and still store the CFDI (A30-CFDI-07).
 */
export interface FuelCfdiOptions {
  uuid: string;
  issuerRfc?: string;
  issuerName?: string;
  receiverRfc?: string;
  receiverName?: string;
  /** Comprobante Fecha, "2026-10-31T10:00:00". */
  fecha?: string;
  quantity?: string;
  unitPrice?: string;
  /** Importe = SubTotal = Total (exact text; the caller keeps it consistent). */
  amount?: string;
  claveUnidad?: string;
  claveProdServ?: string;
  tipo?: "I" | "E" | "T" | "N";
  /** Extra concept XML appended inside cfdi:Conceptos (already consistent amounts are the caller's concern). */
  extraConcept?: string;
}

export const DEMO_RFC = "EKU9003173C9";
export const SUPPLIER_RFC = "GPA200101NL1";

export function fuelCfdi(options: FuelCfdiOptions): string {
  const quantity = options.quantity ?? "20000";
  const unitPrice = options.unitPrice ?? "21.50";
  const amount = options.amount ?? "430000.00";
  const concept =
    `<cfdi:Concepto ClaveProdServ="${options.claveProdServ ?? "15101514"}" ObjetoImp="01" NoIdentificacion="MAGNA" Cantidad="${quantity}" ` +
    `ClaveUnidad="${options.claveUnidad ?? "LTR"}" Unidad="LITRO" Descripcion="Gasolina regular menor a 91 octanos" ValorUnitario="${unitPrice}" Importe="${amount}"/>`;
  let xml = cfdiText("cfdi40-valid.xml");
  xml = xml.replace(/<cfdi:Conceptos>[\s\S]*?<\/cfdi:Conceptos>/, `<cfdi:Conceptos>${concept}${options.extraConcept ?? ""}</cfdi:Conceptos>`);
  xml = xml.replace(/<cfdi:Impuestos TotalImpuestosTrasladados[\s\S]*?<\/cfdi:Impuestos>/, "");
  xml = xml.replace('SubTotal="3824.15" Total="3327.01" Descuento="956.04"', `SubTotal="${amount}" Total="${amount}"`);
  xml = xml.replace('Fecha="2025-02-19T08:32:29"', `Fecha="${options.fecha ?? "2026-10-31T10:00:00"}"`);
  xml = xml.replace('TipoDeComprobante="I"', `TipoDeComprobante="${options.tipo ?? "I"}"`);
  xml = xml.replace('<cfdi:Emisor Rfc="EKU9003173C9" Nombre="ESCUELA KEMPER URGATE"', `<cfdi:Emisor Rfc="${options.issuerRfc ?? SUPPLIER_RFC}" Nombre="${options.issuerName ?? "GASOLINERA PROVEEDORA"}"`);
  xml = xml.replace('<cfdi:Receptor Rfc="MCI7306249Y1" Nombre="MUNICIPIO DE CUAUTITLAN IZCALLI"', `<cfdi:Receptor Rfc="${options.receiverRfc ?? DEMO_RFC}" Nombre="${options.receiverName ?? "ESCUELA KEMPER URGATE"}"`);
  xml = xml.replace('UUID="6F35D3B5-3651-5370-BC2C-14CDBE384CD7"', `UUID="${options.uuid}"`);
  return xml;
}

/** Deterministic distinct UUIDs for tests: uuid(1) = "A0000000-0000-4000-8000-000000000001". */
export function testUuid(n: number): string {
  return `A0000000-0000-4000-8000-${n.toString(16).toUpperCase().padStart(12, "0")}`;
}
