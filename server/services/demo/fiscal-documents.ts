import { createHash, randomUUID } from "node:crypto";
import type { Database, SqlExecutor } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { parseDecimal, formatDecimal, add, type Decimal } from "../../domain/cfdi/decimal";
import { parseCfdi } from "../../domain/cfdi/parse";
import type { ParsedCfdi } from "../../domain/cfdi/types";
import { conceptVolume, productKeyOf, roundDecimal } from "../../domain/cfdi/volume";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { addDays, localDate } from "../../domain/reconciliation/index";
import type { Logger } from "../../platform/logger";
import { cfdiInstant, CfdiError } from "../cfdi/common";
import { linkCfdi, runCfdiMatching } from "../cfdi/links";
import { createDictamen } from "../quality/dictamenes";
import { QualityError } from "../quality/lots";
import type { DictamenInput } from "../quality/schemas";

/**
 * Demo fiscal documents (run once after the demo history, server/services/demo/history.ts): the
 * CFDI (A30-CFDI-01/02/05) and the Anexo 32 dictámenes (A32-01, A30-TYP-10) the stored operations
 * would have on a real site, so the SAT daily and monthly reports carry CFDI and composition.
 *
 * CFDI: one Ingreso per current reception (purpose acquisition, issued by the demo supplier to the
 * taxpayer) and per truck loading of the terminal (duct delivery, purpose sale, issued to the
 * operation's counterparty), for the operations whose counterparty RFC was captured. They are CFDI
 * 4.0 documents stamped with a DEMO TimbreFiscalDigital (Serie "DEMO", NoCertificadoSAT of zeros,
 * SelloSAT saying it has no fiscal validity), parsed with the product's parser and stored with the
 * importer's columns in set-based statements (importCfdi would run the matching once per document:
 * far too slow for hundreds). Then the real matching (runCfdiMatching, A30-CFDI-05) links them;
 * what it leaves ambiguous (truck loadings of near-equal volume within ±3 days) is linked the way
 * the back office does it, with a manual link by the demo supervisor (linkCfdi) — each link with
 * its bitácora entry either way.
 *
 * Hose sales to the general public (XAXX010101000) get no CFDI: a daily "factura global" could only
 * be linked one sale at a time (a link and a bitácora entry per sale, thousands a day), and the
 * matching ignores generic RFCs by design (§20 #17).
 *
 * Dictámenes: one lot per tank for the stock at the start of the history ("existencia inicial",
 * so every product has a composition from the first report day) and one per reception (kind
 * truck_rail for a tanker, duct for a pipeline receipt), each with one demo dictamen of the
 * "Laboratorio de Demostración" captured through createDictamen (same rules and links as a user's
 * capture: the reception is linked to its lot and quality record).
 *
 * Idempotent: a CFDI is keyed by its Folio (installation, operation number) in Serie DEMO, a lot
 * by its key; a second run creates nothing.
 */

export const DEMO_CFDI_SERIES = "DEMO";
export const DEMO_LABORATORY = { rfc: "EVA9612104R6", name: "Laboratorio de Demostración" } as const;
const DEMO_SUPPLIER = { rfc: "GPA200101NL1", name: "Proveedora de Petrolíferos de Demostración" } as const;
const DEMO_POSTAL_CODE = "06000";

/** Unit prices before VAT, MXN per litre (plausible, not market data): acquisition and terminal sale. */
const UNIT_PRICE: Record<string, { acquisition: string; sale: string }> = {
  SP16: { acquisition: "20.45", sale: "21.10" },
  SP17: { acquisition: "22.30", sale: "23.05" },
  SP24: { acquisition: "22.85", sale: "23.60" },
};
const DEFAULT_PRICE = { acquisition: "21.00", sale: "21.75" };

/** ClaveProdServ of a product / sub-product (A30-CFDI-01; see domain/cfdi/volume.ts productKeyOf). */
export function claveProdServOf(productKey: string, subProductKey: string | null): { clave: string; description: string } | null {
  if (productKey === "PR03") return { clave: "15101505", description: "Diésel" };
  if (productKey === "PR07" && subProductKey === "SP17") return { clave: "15101515", description: "Gasolina premium mayor o igual a 91 octanos" };
  if (productKey === "PR07") return { clave: "15101514", description: "Gasolina regular menor a 91 octanos" };
  return null;
}

// ── pure: amounts and XML ─────────────────────────────────────────────────────────────────────

export interface DemoCfdiAmounts {
  quantity: string;
  unitPrice: string;
  amount: string;
  vat: string;
  subtotal: string;
  total: string;
}

const VAT_RATE: Decimal = { units: 16n, scale: 2 };

function multiply(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** Importe = Cantidad × ValorUnitario and IVA 16 % each rounded to cents; Total = SubTotal + IVA, exactly (A30-CFDI-08). */
export function demoCfdiAmounts(quantity: string, unitPrice: string): DemoCfdiAmounts {
  const q = parseDecimal(quantity);
  const p = parseDecimal(unitPrice);
  if (!q || !p || q.units <= 0n || p.units <= 0n) throw new RangeError(`cantidad o precio inválido: ${quantity} × ${unitPrice}`);
  const amount = roundDecimal(multiply(q, p), 2);
  const vat = roundDecimal(multiply(amount, VAT_RATE), 2);
  return { quantity, unitPrice, amount: formatDecimal(amount), vat: formatDecimal(vat), subtotal: formatDecimal(amount), total: formatDecimal(add(amount, vat)) };
}

export interface DemoCfdiData {
  uuid: string;
  folio: string;
  /** Local wall time of the issuer, "YYYY-MM-DDThh:mm:ss" (CFDI Fecha, no offset). */
  fecha: string;
  fechaTimbrado: string;
  issuer: { rfc: string; name: string };
  receiver: { rfc: string; name: string };
  concept: { claveProdServ: string; description: string; noIdentificacion: string };
  amounts: DemoCfdiAmounts;
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const DEMO_SEAL = Buffer.from("DEMOSTRACION AFORO - SIN VALIDEZ FISCAL").toString("base64");

/** A CFDI 4.0 Ingreso with one litre concept, IVA 16 % and a DEMO TimbreFiscalDigital 1.1 (no real seal or certificate). */
export function buildDemoCfdiXml(d: DemoCfdiData): string {
  const a = d.amounts;
  const tax = `Base="${a.amount}" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="${a.vat}"`;
  const attrs = (pairs: Array<[string, string]>) => pairs.map(([k, v]) => `${k}="${escapeXml(v)}"`).join(" ");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.sat.gob.mx/cfd/4 http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd" ` +
    attrs([
      ["Version", "4.0"],
      ["Serie", DEMO_CFDI_SERIES],
      ["Folio", d.folio],
      ["Fecha", d.fecha],
      ["FormaPago", "99"],
      ["NoCertificado", "00000000000000000000"],
      ["Certificado", DEMO_SEAL],
      ["Sello", DEMO_SEAL],
      ["SubTotal", a.subtotal],
      ["Moneda", "MXN"],
      ["Total", a.total],
      ["TipoDeComprobante", "I"],
      ["Exportacion", "01"],
      ["MetodoPago", "PPD"],
      ["LugarExpedicion", DEMO_POSTAL_CODE],
    ]) +
    `>\n` +
    `  <cfdi:Emisor ${attrs([["Rfc", d.issuer.rfc], ["Nombre", d.issuer.name], ["RegimenFiscal", "601"]])}/>\n` +
    `  <cfdi:Receptor ${attrs([["Rfc", d.receiver.rfc], ["Nombre", d.receiver.name], ["DomicilioFiscalReceptor", DEMO_POSTAL_CODE], ["RegimenFiscalReceptor", "601"], ["UsoCFDI", "G01"]])}/>\n` +
    `  <cfdi:Conceptos>\n` +
    `    <cfdi:Concepto ${attrs([
      ["ClaveProdServ", d.concept.claveProdServ],
      ["NoIdentificacion", d.concept.noIdentificacion],
      ["Cantidad", a.quantity],
      ["ClaveUnidad", "LTR"],
      ["Unidad", "Litro"],
      ["Descripcion", d.concept.description],
      ["ValorUnitario", a.unitPrice],
      ["Importe", a.amount],
      ["ObjetoImp", "02"],
    ])}>\n` +
    `      <cfdi:Impuestos><cfdi:Traslados><cfdi:Traslado ${tax}/></cfdi:Traslados></cfdi:Impuestos>\n` +
    `    </cfdi:Concepto>\n` +
    `  </cfdi:Conceptos>\n` +
    `  <cfdi:Impuestos TotalImpuestosTrasladados="${a.vat}"><cfdi:Traslados><cfdi:Traslado ${tax}/></cfdi:Traslados></cfdi:Impuestos>\n` +
    `  <cfdi:Complemento>\n` +
    `    <tfd:TimbreFiscalDigital ${attrs([
      ["Version", "1.1"],
      ["UUID", d.uuid],
      ["FechaTimbrado", d.fechaTimbrado],
      ["RfcProvCertif", "SAT970701NN3"],
      ["Leyenda", "Documento de demostración generado por Aforo: sin validez fiscal"],
      ["SelloCFD", DEMO_SEAL],
      ["NoCertificadoSAT", "00000000000000000000"],
      ["SelloSAT", DEMO_SEAL],
    ])}/>\n` +
    `  </cfdi:Complemento>\n` +
    `</cfdi:Comprobante>\n`
  );
}

/** Local wall time "YYYY-MM-DDThh:mm:ss" of an instant in a zone (a CFDI Fecha). */
export function cfdiFecha(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}:${get("second")}`;
}

/** Folio of the demo CFDI of an operation: installation, R (recepción) / E (entrega), number. */
export function demoFolio(installationKey: string, type: "reception" | "delivery", number: number): string {
  return `${installationKey}-${type === "reception" ? "R" : "E"}${number}`;
}

// ── service ───────────────────────────────────────────────────────────────────────────────────

interface OperationToDocument {
  id: number;
  installation_id: number;
  installation_key: string;
  number: number;
  type: "reception" | "delivery";
  element_type: string;
  counterparty_rfc: string;
  counterparty_name: string | null;
  product_key: string;
  sub_product_key: string | null;
  net_volume: string;
  unit: string;
  end_at: Date | string;
  time_zone: string;
  taxpayer_id: number;
  taxpayer_rfc: string;
  taxpayer_name: string;
}

interface PreparedCfdi {
  op: OperationToDocument;
  parsed: ParsedCfdi;
  xml: string;
  sha256: string;
  purpose: "acquisition" | "sale";
  issuedAt: Date;
  stampedAt: Date;
}

export interface DemoFiscalDocumentsResult {
  /** Demo CFDI created. */
  cfdi: number;
  /** Links made for them (automatic + manual). */
  linked: number;
  /** Lots opened. */
  lots: number;
  /** Dictámenes captured. */
  dictamenes: number;
  ms: number;
}

export async function seedDemoFiscalDocuments(db: Database, options: { until: Date; now: Date; logger?: Logger }): Promise<DemoFiscalDocumentsResult> {
  const t0 = Date.now();
  const [supervisor] = await db.query<{ id: number; username: string }>("select id, username from users where username = 'supervisor'");
  const actor = supervisor ? { userId: Number(supervisor.id), username: supervisor.username } : null;

  const timing = { cfdiMs: 0, matchingMs: 0, manualLinksMs: 0, dictamenesMs: 0 };
  let mark = Date.now();
  const lap = (key: keyof typeof timing) => {
    timing[key] = Date.now() - mark;
    mark = Date.now();
  };
  const created = await createDemoCfdi(db, options.until, options.now, actor?.userId ?? null);
  lap("cfdiMs");
  const matching = created.length > 0 ? await runCfdiMatching(db, options.now) : { links: [], matches: [] };
  lap("matchingMs");
  const demoIds = new Set((await db.query<{ id: number }>("select id from cfdi where series = $1", [DEMO_CFDI_SERIES])).map((r) => Number(r.id)));
  let linked = matching.links.filter((l) => demoIds.has(l.cfdiId)).length;
  // What the matcher left for a manual link (A30-CFDI-05 "ambiguo"): the back office links each
  // demo CFDI to the operation its Folio names (also those of an earlier, interrupted run).
  let manual = 0;
  if (actor) {
    const unlinked = await db.query<{ cfdi_id: number; operation_id: number }>(
      `select c.id as cfdi_id, o.id as operation_id
         from cfdi c join installations i on c.folio like i.key || '-%'
         join operations o on o.installation_id = i.id
              and o.type = case substr(c.folio, length(i.key) + 2, 1) when 'R' then 'reception' else 'delivery' end
              and o.number::text = substr(c.folio, length(i.key) + 3)
        where c.series = $1 and c.status = 'vigente'
          and not exists (select 1 from operations n where n.supersedes_id = o.id)
          and not exists (select 1 from cfdi_operation_links l where l.cfdi_id = c.id and l.unlinked_at is null)
          and not exists (select 1 from cfdi_operation_links l join operations v on v.id = l.operation_id
                           where l.unlinked_at is null and v.installation_id = o.installation_id and v.number = o.number)
        order by c.id`,
      [DEMO_CFDI_SERIES],
    );
    for (const u of unlinked) {
      try {
        await linkCfdi(db, actor, { cfdiId: Number(u.cfdi_id), operationId: Number(u.operation_id) }, options.now);
        manual += 1;
      } catch (error) {
        // Changed meanwhile (a user linked or corrected it): left as it is.
        if (!(error instanceof CfdiError)) throw error;
      }
    }
  }
  linked += manual;
  lap("manualLinksMs");

  const quality = actor ? await createDemoDictamenes(db, options.until, options.now, actor) : { lots: 0, dictamenes: 0 };
  lap("dictamenesMs");
  const result = { cfdi: created.length, linked, lots: quality.lots, dictamenes: quality.dictamenes, ms: Date.now() - t0 };
  options.logger?.info({ ...result, ...timing, automaticLinks: linked - manual, manualLinks: manual }, "documentos fiscales de demostración generados");
  return result;
}

/** Current receptions and truck loadings (duct deliveries) ended by `until`, with their counterparty RFC, without a CFDI link nor a demo CFDI. */
async function operationsToDocument(db: SqlExecutor, until: Date): Promise<OperationToDocument[]> {
  const rows = await db.query<OperationToDocument>(
    `select o.id, o.installation_id, i.key as installation_key, o.number, o.type, o.element_type, o.counterparty_rfc, o.counterparty_name,
            o.product_key, o.sub_product_key, o.net_volume::text as net_volume, o.unit, o.end_at, i.time_zone, t.id as taxpayer_id, t.rfc as taxpayer_rfc, t.name as taxpayer_name
       from operations o join installations i on i.id = o.installation_id join taxpayers t on t.id = i.taxpayer_id
      where o.end_at <= $1 and o.counterparty_rfc is not null and o.net_volume > 0
        and (o.type = 'reception' or (o.type = 'delivery' and o.element_type = 'duct'))
        and not exists (select 1 from operations n where n.supersedes_id = o.id)
        and not exists (select 1 from cfdi_operation_links l join operations v on v.id = l.operation_id
                         where l.unlinked_at is null and v.installation_id = o.installation_id and v.number = o.number)
      order by o.end_at, o.installation_id, o.number`,
    [until.toISOString()],
  );
  const existing = new Set((await db.query<{ folio: string }>("select folio from cfdi where series = $1", [DEMO_CFDI_SERIES])).map((r) => r.folio));
  return rows
    .map((r) => ({ ...r, id: Number(r.id), installation_id: Number(r.installation_id), number: Number(r.number), taxpayer_id: Number(r.taxpayer_id) }))
    .filter((r) => !existing.has(demoFolio(r.installation_key, r.type, r.number)));
}

/** Litres of a volume in a SAT unit (UM03 litres, UM04 m³), as 3-decimal text. */
function litresText(volume: string, unit: string): string | null {
  const v = parseDecimal(volume);
  if (!v) return null;
  if (unit === "UM03") return formatDecimal(roundDecimal(v, 3));
  if (unit === "UM04") return formatDecimal(roundDecimal({ units: v.units * 1000n, scale: v.scale }, 3));
  return null;
}

function prepareCfdi(op: OperationToDocument): PreparedCfdi | null {
  const product = claveProdServOf(op.product_key, op.sub_product_key);
  const quantity = litresText(op.net_volume, op.unit);
  if (!product || !quantity) return null;
  const purpose = op.type === "reception" ? "acquisition" : "sale";
  const price = UNIT_PRICE[op.sub_product_key ?? ""] ?? DEFAULT_PRICE;
  const endAt = new Date(op.end_at);
  const taxpayer = { rfc: op.taxpayer_rfc, name: op.taxpayer_name };
  const counterparty = purpose === "acquisition" ? { rfc: op.counterparty_rfc, name: op.counterparty_name ?? DEMO_SUPPLIER.name } : { rfc: op.counterparty_rfc, name: op.counterparty_name ?? op.counterparty_rfc };
  const xml = buildDemoCfdiXml({
    uuid: randomUUID().toUpperCase(),
    folio: demoFolio(op.installation_key, op.type, op.number),
    fecha: cfdiFecha(endAt, op.time_zone),
    fechaTimbrado: cfdiFecha(new Date(endAt.getTime() + 60_000), op.time_zone),
    issuer: purpose === "acquisition" ? counterparty : taxpayer,
    receiver: purpose === "acquisition" ? taxpayer : counterparty,
    concept: { claveProdServ: product.clave, description: `${product.description} (${op.installation_key}, ${op.type === "reception" ? "recepción" : "entrega"} ${op.number})`, noIdentificacion: `${op.product_key}${op.sub_product_key ? `-${op.sub_product_key}` : ""}` },
    amounts: demoCfdiAmounts(quantity, purpose === "acquisition" ? price.acquisition : price.sale),
  });
  const parsed = parseCfdi(Buffer.from(xml, "utf8"));
  if (!parsed.ok) throw new Error(`CFDI de demostración inválido (${op.installation_key} ${op.number}): ${parsed.reason}`);
  return {
    op,
    parsed: parsed.cfdi,
    xml,
    sha256: createHash("sha256").update(xml, "utf8").digest("hex"),
    purpose,
    issuedAt: cfdiInstant(parsed.cfdi.fecha, op.time_zone)!,
    stampedAt: cfdiInstant(parsed.cfdi.timbre.fechaTimbrado, op.time_zone)!,
  };
}

/**
 * Stores the demo CFDI with the importer's columns (server/services/cfdi/import.ts storeCfdi: the
 * cfdi row, its concept with the volume in the SAT unit, the XML as attachment `cfdi_xml`) in
 * set-based statements, and one bitácora entry summarising them (A30-CFDI-02/07). One transaction.
 */
async function createDemoCfdi(db: Database, until: Date, now: Date, userId: number | null): Promise<Array<{ cfdiId: number; operationId: number }>> {
  const ops = await operationsToDocument(db, until);
  const prepared = ops.map(prepareCfdi).filter((p): p is PreparedCfdi => p !== null);
  if (prepared.length === 0) return [];
  return db.transaction(async (tx) => {
    const ids: number[] = [];
    for (let i = 0; i < prepared.length; i += 500) {
      const part = prepared.slice(i, i + 500);
      const rows = await tx.query<{ id: number; folio: string }>(
        `insert into cfdi (taxpayer_id, installation_id, uuid, version, type, purpose, issued_at, stamped_at, series, folio, issuer_rfc, issuer_name,
                           receiver_rfc, receiver_name, subtotal, total, currency, amount_decimals, status, xml_sha256, xml, imported_at, imported_by)
         select taxpayer_id, installation_id, uuid, '4.0', 'I', purpose, issued_at, stamped_at, $1, folio, issuer_rfc, issuer_name,
                receiver_rfc, receiver_name, subtotal::numeric, total::numeric, 'MXN', 2, 'vigente', sha, xml, $2, $3
           from unnest($4::int[], $5::int[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[], $12::text[],
                       $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[])
             as x(taxpayer_id, installation_id, uuid, purpose, issued_at, stamped_at, folio, issuer_rfc, issuer_name, receiver_rfc, receiver_name, subtotal, total, sha, xml)
         on conflict on constraint cfdi_taxpayer_uuid_unique do nothing
         returning id, folio`,
        [
          DEMO_CFDI_SERIES,
          now.toISOString(),
          userId,
          part.map((p) => p.op.taxpayer_id),
          // The installation of the operation the document was made for (the importer can only tell when the taxpayer has one).
          part.map((p) => p.op.installation_id),
          part.map((p) => p.parsed.uuid),
          part.map((p) => p.purpose),
          part.map((p) => p.issuedAt.toISOString()),
          part.map((p) => p.stampedAt.toISOString()),
          part.map((p) => p.parsed.folio),
          part.map((p) => p.parsed.emisor.rfc),
          part.map((p) => p.parsed.emisor.nombre),
          part.map((p) => p.parsed.receptor.rfc),
          part.map((p) => p.parsed.receptor.nombre),
          part.map((p) => p.parsed.subTotal),
          part.map((p) => p.parsed.total),
          part.map((p) => p.sha256),
          part.map((p) => p.xml),
        ],
      );
      const idByFolio = new Map(rows.map((r) => [r.folio, Number(r.id)]));
      const stored = part.filter((p) => idByFolio.has(p.parsed.folio!));
      const concepts = stored.map((p) => {
        const c = p.parsed.conceptos[0]!;
        const volume = conceptVolume(c, "I")!;
        return { cfdiId: idByFolio.get(p.parsed.folio!)!, c, volume, productKey: productKeyOf(c.claveProdServ) };
      });
      await tx.query(
        `insert into cfdi_concepts (cfdi_id, position, product_service_key, quantity, unit_key, unit_price, amount, description, volume, volume_unit, product_key)
         select cfdi_id, 1, clave, quantity::numeric, 'LTR', unit_price::numeric, amount::numeric, description, volume::numeric, volume_unit, product_key
           from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
             as x(cfdi_id, clave, quantity, unit_price, amount, description, volume, volume_unit, product_key)`,
        [
          concepts.map((x) => x.cfdiId),
          concepts.map((x) => x.c.claveProdServ),
          concepts.map((x) => x.c.cantidad),
          concepts.map((x) => x.c.valorUnitario),
          concepts.map((x) => x.c.importe),
          concepts.map((x) => x.c.descripcion),
          concepts.map((x) => x.volume.volume),
          concepts.map((x) => x.volume.unit),
          concepts.map((x) => x.productKey),
        ],
      );
      await tx.query(
        `insert into attachments (sha256, file_name, media_type, size_bytes, content, category, subject_table, subject_id, created_at, created_by)
         select sha, file_name, 'application/xml', octet_length(convert_to(xml, 'UTF8')), convert_to(xml, 'UTF8'), 'cfdi_xml', 'cfdi', cfdi_id::text, $1, $2
           from unnest($3::int[], $4::text[], $5::text[], $6::text[]) as x(cfdi_id, sha, file_name, xml)`,
        [now.toISOString(), userId, stored.map((p) => idByFolio.get(p.parsed.folio!)!), stored.map((p) => p.sha256), stored.map((p) => `${p.parsed.folio}.xml`), stored.map((p) => p.xml)],
      );
      for (const p of stored) ids.push(idByFolio.get(p.parsed.folio!)!);
    }
    const byId = new Map(prepared.map((p) => [p.parsed.folio!, p]));
    const created = (await tx.query<{ id: number; folio: string }>("select id, folio from cfdi where id = any($1::int[])", [ids])).map((r) => ({ cfdiId: Number(r.id), operationId: byId.get(r.folio)!.op.id, purpose: byId.get(r.folio)!.purpose }));
    const acquisitions = created.filter((c) => c.purpose === "acquisition").length;
    await appendEventLog(tx, {
      time: now,
      userId,
      username: "sistema",
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description:
        `CFDI de demostración (serie ${DEMO_CFDI_SERIES}, sin validez fiscal): ${created.length} comprobantes de ingreso — ${acquisitions} de adquisición de ${DEMO_SUPPLIER.rfc} ` +
        `por las recepciones y ${created.length - acquisitions} de venta por las cargas de autotanques — hasta ${until.toISOString()}; se vinculan a continuación con sus operaciones (A30-CFDI-05)`,
      details: { demoFiscalDocuments: true, action: "demo-cfdi", series: DEMO_CFDI_SERIES, count: created.length, acquisitions, sales: created.length - acquisitions, until: until.toISOString() },
    });
    return created.map(({ cfdiId, operationId }) => ({ cfdiId, operationId }));
  });
}

// ── dictámenes ────────────────────────────────────────────────────────────────────────────────

/** Quality of a demo sample (A32-03/06/07): octane by sub-product, a small deterministic spread per lot. */
export function demoQuality(productKey: string, subProductKey: string | null, seed: number): Pick<DictamenInput, "ron" | "mon" | "containsNonFossil" | "nonFossilPct" | "densityKgM3" | "densityBaseTemperatureC"> & { results: NonNullable<DictamenInput["results"]> } {
  const tenth = (seed * 7) % 5; // 0…4 tenths
  if (productKey === "PR07") {
    const premium = subProductKey === "SP17";
    const ron = (premium ? 97 : 92) + tenth / 10;
    const mon = (premium ? 88 : 83) + tenth / 10;
    return {
      ron,
      mon,
      containsNonFossil: false,
      nonFossilPct: 0,
      densityKgM3: premium ? 745 : 735,
      densityBaseTemperatureC: 15,
      results: [
        { property: "RON", samplingMethod: "ASTM D4057", testMethod: "ASTM D2699", value: ron, unit: "octanos" },
        { property: "MON", samplingMethod: "ASTM D4057", testMethod: "ASTM D2700", value: mon, unit: "octanos" },
      ],
    };
  }
  return {
    containsNonFossil: false,
    nonFossilPct: 0,
    densityKgM3: 835,
    densityBaseTemperatureC: 15,
    results: [{ property: "Densidad a 15 °C", samplingMethod: "ASTM D4057", testMethod: "ASTM D4052", value: 835, unit: "kg/m3" }],
  };
}

interface LotPlan {
  installationKey: string;
  timeZone: string;
  lotKey: string;
  lotKind: DictamenInput["lotKind"];
  tankKey: string;
  productKey: string;
  subProductKey: string | null;
  samplingDate: string;
  operationIds: number[];
  /** Sampled, tested and issued the same day (the initial stock: dated the day before the history). */
  sameDay: boolean;
  origin: string;
  seed: number;
}

async function createDemoDictamenes(db: Database, until: Date, now: Date, actor: { userId: number; username: string }): Promise<{ lots: number; dictamenes: number }> {
  const tanks = await db.query<{ installation_key: string; time_zone: string; created_at: Date | string; tank_key: string; tank_id: number; product_key: string; sub_product_key: string | null }>(
    `select i.key as installation_key, i.time_zone, i.created_at, k.key as tank_key, k.id as tank_id, k.product_key, k.sub_product_key
       from tanks k join installations i on i.id = k.installation_id order by i.key, k.key`,
  );
  const receptions = await db.query<{ id: number; installation_key: string; time_zone: string; number: number; element_type: string; tank_key: string | null; product_key: string; sub_product_key: string | null; end_at: Date | string; duct_id: number | null }>(
    `select o.id, i.key as installation_key, i.time_zone, o.number, o.element_type, k.key as tank_key, o.product_key, o.sub_product_key, o.end_at, o.duct_id
       from operations o join installations i on i.id = o.installation_id left join tanks k on k.id = o.tank_id
      where o.type = 'reception' and o.end_at <= $1 and o.quality_record_id is null and k.key is not null
        and not exists (select 1 from operations n where n.supersedes_id = o.id)
      order by o.end_at, o.number`,
    [until.toISOString()],
  );
  const plans: LotPlan[] = [];
  for (const t of tanks) {
    // The stock each tank holds when the history starts (A32-09 tank lot), sampled that day.
    plans.push({
      installationKey: t.installation_key,
      timeZone: t.time_zone,
      lotKey: `L-${t.tank_key}-INI`,
      lotKind: "tank",
      tankKey: t.tank_key,
      productKey: t.product_key,
      subProductKey: t.sub_product_key,
      samplingDate: addDays(localDate(new Date(t.created_at), t.time_zone), -1),
      operationIds: [],
      sameDay: true,
      origin: `Existencia inicial del tanque ${t.tank_key}`,
      seed: Number(t.tank_id),
    });
  }
  for (const r of receptions) {
    plans.push({
      installationKey: r.installation_key,
      timeZone: r.time_zone,
      lotKey: `L-${r.installation_key}-R${Number(r.number)}`,
      lotKind: r.duct_id !== null || r.element_type === "duct" ? "duct" : "truck_rail",
      tankKey: r.tank_key!,
      productKey: r.product_key,
      subProductKey: r.sub_product_key,
      samplingDate: localDate(new Date(r.end_at), r.time_zone),
      operationIds: [Number(r.id)],
      sameDay: false,
      origin: r.duct_id !== null ? `Recepción ${Number(r.number)} por ducto al tanque ${r.tank_key}` : `Autotanque de la recepción ${Number(r.number)} al tanque ${r.tank_key}`,
      seed: Number(r.number),
    });
  }
  const existingLots = new Set((await db.query<{ key: string }>("select l.key from lots l where exists (select 1 from dictamenes d where d.lot_id = l.id)")).map((r) => r.key));
  let lots = 0;
  let dictamenes = 0;
  const consecutive = new Map<string, number>();
  for (const plan of plans) {
    if (existingLots.has(plan.lotKey)) continue;
    const today = localDate(now, plan.timeZone);
    const samplingDate = plan.samplingDate > today ? today : plan.samplingDate;
    const resultsDate = plan.sameDay || addDays(samplingDate, 1) > today ? samplingDate : addDays(samplingDate, 1);
    const issueDate = resultsDate;
    const year = issueDate.slice(0, 4);
    if (!consecutive.has(year)) {
      const [row] = await db.query<{ n: number }>("select count(*)::int as n from dictamenes where laboratory_rfc = $1 and right(folio, 4) = $2", [DEMO_LABORATORY.rfc, year]);
      consecutive.set(year, Number(row?.n ?? 0));
    }
    const next = consecutive.get(year)! + 1;
    consecutive.set(year, next);
    const input: DictamenInput = {
      installationKey: plan.installationKey,
      tankKey: plan.tankKey,
      lotKind: plan.lotKind,
      productKey: plan.productKey,
      subProductKey: plan.subProductKey ?? undefined,
      operationIds: plan.operationIds,
      laboratoryRfc: DEMO_LABORATORY.rfc,
      laboratoryName: DEMO_LABORATORY.name,
      laboratoryAccreditation: "DEMO-LAB-0001 (acreditación de demostración)",
      samplingLocation: `${plan.installationKey}, tanque ${plan.tankKey}`,
      sampleOrigin: plan.origin,
      issuerName: "Personal del Laboratorio de Demostración",
      laboratoryLegalRepresentativeRfc: "XIQB891116QE4",
      folio: `${DEMO_LABORATORY.rfc}${String(next).padStart(5, "0")}${year}`,
      issueDate,
      samplingDate,
      testDate: samplingDate,
      resultsDate,
      lotNumber: plan.lotKey,
      sampleVolume: 1,
      sampleVolumeUnit: "L",
      ...demoQuality(plan.productKey, plan.subProductKey, plan.seed),
      language: "es",
    };
    try {
      const stored = await createDictamen(db, input, actor, now);
      if (stored.lotCreated) lots += 1;
      dictamenes += 1;
    } catch (error) {
      // A lot key taken by a user's lot of another product, an operation corrected meanwhile…: skipped, not fatal.
      if (error instanceof QualityError) continue;
      throw error;
    }
  }
  return { lots, dictamenes };
}
