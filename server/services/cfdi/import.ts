import { createHash } from "node:crypto";
import path from "node:path";
import type { Database, DatabaseTransaction } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { duplicateUuidReason } from "../../domain/cfdi/identifiers";
import { parseCfdi } from "../../domain/cfdi/parse";
import { DEFAULT_MAX_BYTES } from "../../domain/cfdi/safe-xml";
import type { CfdiRejectionCode, ParsedCfdi, VerificationReport } from "../../domain/cfdi/types";
import { isIsoDateTime } from "../../domain/cfdi/verify";
import { add, formatDecimal, parseDecimal, type Decimal } from "../../domain/cfdi/decimal";
import { conceptVolume, productKeyOf } from "../../domain/cfdi/volume";
import { RFC_REGEX } from "../../domain/operations/record";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { cfdiInstant, PURPOSE_LABEL, taxpayerTimeZone, UNIT_LABEL, type CfdiActor, type CfdiPurpose } from "./common";
import { runCfdiMatching, type AutomaticLink } from "./links";

/**
 * CFDI import (A30-CFDI-01…08, issue #6 item 1): the one path by which a CFDI XML is stored —
 * upload (POST /api/cfdi), the watched folder (cfdi-entrada/) and tests. Order:
 *  1. parseCfdi (safe XML, A30-CFDI-07): malformed, hostile (DTD/entities), oversized, non-CFDI,
 *     unsupported version, unstamped and bad-UUID files are rejected with the parser's reason;
 *  2. type N (nómina) → "tipo de CFDI no aplicable" (A30-CFDI-04);
 *  3. the CFDI must be the taxpayer's: its emisor or receptor RFC is a registered taxpayer's;
 *  4. what the tables cannot hold exactly is rejected too (an RFC the schema refuses, an amount
 *     with more than 6 decimals, a Fecha that is not a date) — stored amounts are the XML's text
 *     (A30-CFDI-08), never rounded;
 *  5. UUID unique per taxpayer (A30-CFDI-03): checked first, and enforced by the constraint
 *     cfdi_taxpayer_uuid_unique inside the transaction (a concurrent import of the same UUID
 *     finds the conflict and is rejected "UUID duplicado" the same way).
 * A rejection stores NOTHING (no row in any cfdi table, no attachment, no bitácora entry).
 *
 * Verification (offline checks: TFD, RFCs, totals, seal) does NOT block the import: A30-CFDI-07
 * lists it as checks whose outcome is reported ("sello inválido" when verification applies); the
 * report is stored with the CFDI (attachment `cfdi_verification`) and summarised in the bitácora
 * and the UI. Only the rejections above block.
 *
 * Stored: the cfdi row (purpose acquisition/sale/service/payment), its concepts with the fuel
 * volume converted to the SAT unit, related documents (CfdiRelacionados and REP payments), the
 * original bytes as attachment `cfdi_xml` with their SHA-256 (also in cfdi.xml_sha256), the
 * verification report, and one bitácora entry (category 5). Then automatic matching runs
 * (runCfdiMatching: A30-CFDI-05), in its own transactions, one bitácora entry per link.
 */

export const MAX_CFDI_BYTES = DEFAULT_MAX_BYTES;

export type ImportRejectionCode = CfdiRejectionCode | "not_applicable_type" | "foreign_taxpayer" | "duplicate_uuid" | "unstorable";

export interface ImportedCfdi {
  ok: true;
  cfdiId: number;
  uuid: string;
  type: "I" | "E" | "T" | "P";
  purpose: CfdiPurpose;
  verification: VerificationReport;
  eventLogId: number;
  /** Automatic links made right after the import (A30-CFDI-05). */
  links: AutomaticLink[];
  /** Why it was (not) linked automatically. */
  matching: string;
}

export type ImportCfdiResult = ImportedCfdi | { ok: false; code: ImportRejectionCode; reason: string };

export interface ImportCfdiInput {
  fileName: string;
  xml: Buffer | Uint8Array;
}

class Rejection extends Error {
  constructor(
    readonly code: ImportRejectionCode,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** What the numeric columns hold: ≤ `intDigits` integer digits and ≤ 6 decimals, as the XML wrote it. */
function exactAmount(label: string, text: string | null, options: { intDigits: number; nonNegative?: boolean; optional?: boolean }): string | null {
  if (text === null || text.trim() === "") {
    if (options.optional) return null;
    throw new Rejection("unstorable", `${label} falta o está vacío`);
  }
  const trimmed = text.trim();
  const match = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(trimmed);
  if (!match) throw new Rejection("unstorable", `${label} no es un importe decimal: «${text}»`);
  if ((match[3] ?? "").length > 6) throw new Rejection("unstorable", `${label} tiene más de 6 decimales («${text}»): no se puede guardar sin redondear (A30-CFDI-08)`);
  if (match[2]!.replace(/^0+(?=\d)/, "").length > options.intDigits) throw new Rejection("unstorable", `${label} excede ${options.intDigits} dígitos enteros: «${text}»`);
  if (options.nonNegative && match[1] === "-" && /[1-9]/.test(trimmed)) throw new Rejection("unstorable", `${label} no puede ser negativo: «${text}»`);
  return trimmed;
}

function storableRfc(role: "emisor" | "receptor", rfc: string): string {
  if (!RFC_REGEX.test(rfc)) throw new Rejection("unstorable", `RFC del ${role} mal formado: «${rfc}» (se esperan 12 caracteres para persona moral o 13 para persona física)`);
  return rfc;
}

/** File name as kept with the attachment: the base name, without control characters, ≤ 255 characters. */
export function safeFileName(fileName: string): string {
  const base = path.basename(fileName.replaceAll("\\", "/")).replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return (base || "cfdi.xml").slice(0, 255);
}

function purposeOf(cfdi: ParsedCfdi, side: "emisor" | "receptor"): CfdiPurpose {
  if (cfdi.tipo === "P") return "payment";
  if (!cfdi.hydrocarbon) return "service";
  return side === "emisor" ? "sale" : "acquisition";
}

function decimalsOf(text: string): number {
  const fraction = /\.(\d+)$/.exec(text.trim())?.[1] ?? "";
  return Math.min(6, fraction.length);
}

export async function importCfdi(db: Database, actor: CfdiActor, input: ImportCfdiInput, now: Date): Promise<ImportCfdiResult> {
  const parsed = parseCfdi(input.xml instanceof Buffer ? input.xml : Buffer.from(input.xml), { maxBytes: MAX_CFDI_BYTES });
  if (!parsed.ok) return { ok: false, code: parsed.code, reason: parsed.reason };
  const cfdi = parsed.cfdi;
  if (cfdi.tipo === "N") {
    return { ok: false, code: "not_applicable_type", reason: "tipo de CFDI no aplicable: N (nómina) no ampara operaciones de hidrocarburos o petrolíferos (A30-CFDI-04)" };
  }
  const bytes = Buffer.from(input.xml);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const fileName = safeFileName(input.fileName);
  let stored: { cfdiId: number; eventLogId: number; taxpayerId: number; purpose: CfdiPurpose };
  try {
    stored = await db.transaction((tx) => storeCfdi(tx, actor, cfdi, parsed.checks, { bytes, sha256, fileName }, now));
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, code: error.code, reason: error.reason };
    throw error;
  }
  // The CFDI is stored whatever happens next: a failed matching run is retried by the watched-folder job.
  let matching: Awaited<ReturnType<typeof runCfdiMatching>>;
  try {
    matching = await runCfdiMatching(db, now, { taxpayerId: stored.taxpayerId });
  } catch {
    return {
      ok: true,
      cfdiId: stored.cfdiId,
      uuid: cfdi.uuid,
      type: cfdi.tipo as "I" | "E" | "T" | "P",
      purpose: stored.purpose,
      verification: parsed.checks,
      eventLogId: stored.eventLogId,
      links: [],
      matching: "la vinculación automática no se pudo ejecutar; se reintentará en la siguiente revisión de la carpeta de CFDI",
    };
  }
  const mine = matching.matches.find((m) => m.cfdiId === stored.cfdiId);
  return {
    ok: true,
    cfdiId: stored.cfdiId,
    uuid: cfdi.uuid,
    type: cfdi.tipo as "I" | "E" | "T" | "P",
    purpose: stored.purpose,
    verification: parsed.checks,
    eventLogId: stored.eventLogId,
    links: matching.links.filter((l) => l.cfdiId === stored.cfdiId),
    matching: mine?.reason ?? (stored.purpose === "acquisition" || stored.purpose === "sale" ? "sin vinculación automática" : `un CFDI de ${PURPOSE_LABEL[stored.purpose]} se vincula manualmente`),
  };
}

async function storeCfdi(
  tx: DatabaseTransaction,
  actor: CfdiActor,
  cfdi: ParsedCfdi,
  checks: VerificationReport,
  file: { bytes: Buffer; sha256: string; fileName: string },
  now: Date,
): Promise<{ cfdiId: number; eventLogId: number; taxpayerId: number; purpose: CfdiPurpose }> {
  const taxpayers = await tx.query<{ id: number; rfc: string }>("select id, rfc from taxpayers where rfc = any($1::text[])", [[cfdi.emisor.rfc, cfdi.receptor.rfc]]);
  const issuer = taxpayers.find((t) => t.rfc === cfdi.emisor.rfc);
  const receiver = taxpayers.find((t) => t.rfc === cfdi.receptor.rfc);
  // Issued by the taxpayer → sale/service rendered; received → acquisition/service received.
  const owner = issuer ?? receiver;
  if (!owner) {
    throw new Rejection(
      "foreign_taxpayer",
      `el CFDI no es del contribuyente: ni el emisor (${cfdi.emisor.rfc || "sin RFC"}) ni el receptor (${cfdi.receptor.rfc || "sin RFC"}) es el RFC de un contribuyente registrado`,
    );
  }
  const taxpayerId = Number(owner.id);
  const side = issuer ? "emisor" : "receptor";
  const purpose = purposeOf(cfdi, side);
  const issuerRfc = storableRfc("emisor", cfdi.emisor.rfc);
  const receiverRfc = storableRfc("receptor", cfdi.receptor.rfc);
  if (!isIsoDateTime(cfdi.fecha)) throw new Rejection("unstorable", `Fecha del comprobante inválida: «${cfdi.fecha}» (AAAA-MM-DDThh:mm:ss)`);
  const timeZone = await taxpayerTimeZone(tx, taxpayerId);
  const issuedAt = cfdiInstant(cfdi.fecha, timeZone)!;
  const stampedAt = isIsoDateTime(cfdi.timbre.fechaTimbrado) ? cfdiInstant(cfdi.timbre.fechaTimbrado, timeZone) : null;
  const subtotal = exactAmount("SubTotal", cfdi.subTotal, { intDigits: 18, nonNegative: true })!;
  const total = exactAmount("Total", cfdi.total, { intDigits: 18, nonNegative: true })!;
  const discount = exactAmount("Descuento", cfdi.descuento, { intDigits: 18, optional: true });
  const exchangeRate = exactAmount("TipoCambio", cfdi.tipoCambio, { intDigits: 12, optional: true });
  const concepts = cfdi.conceptos.map((c, i) => {
    const label = `concepto ${i + 1}`;
    const volume = conceptVolume(c, cfdi.tipo);
    if (volume && volume.volume.split(".")[0]!.length > 15) throw new Rejection("unstorable", `Cantidad del ${label} excede el volumen máximo: «${c.cantidad}»`);
    return {
      position: i + 1,
      productServiceKey: c.claveProdServ,
      quantity: exactAmount(`Cantidad del ${label}`, c.cantidad, { intDigits: 18 })!,
      unitKey: c.claveUnidad,
      unitPrice: exactAmount(`ValorUnitario del ${label}`, c.valorUnitario, { intDigits: 18 })!,
      amount: exactAmount(`Importe del ${label}`, c.importe, { intDigits: 18 })!,
      discount: exactAmount(`Descuento del ${label}`, c.descuento, { intDigits: 18, optional: true }),
      description: c.descripcion,
      volume,
      productKey: volume ? productKeyOf(c.claveProdServ) : null,
    };
  });
  const installations = await tx.query<{ id: number }>("select id from installations where taxpayer_id = $1 order by id", [taxpayerId]);
  const installationId = installations.length === 1 ? Number(installations[0]!.id) : null;
  const knownProducts = new Set(
    (await tx.query<{ key: string }>("select key from products where key = any($1::text[])", [[...new Set(concepts.map((c) => c.productKey).filter((k): k is string => k !== null))]])).map((p) => p.key),
  );
  const serviceDescription = purpose === "service" ? cfdi.conceptos.map((c) => c.descripcion).join("; ").slice(0, 1000) || null : null;

  const [duplicate] = await tx.query<{ id: number }>("select id from cfdi where taxpayer_id = $1 and uuid = $2", [taxpayerId, cfdi.uuid]);
  if (duplicate) throw new Rejection("duplicate_uuid", duplicateUuidReason(cfdi.uuid));
  // The constraint decides under concurrency: a second transaction waits for the first and inserts nothing.
  const [row] = await tx.query<{ id: number }>(
    `insert into cfdi (taxpayer_id, installation_id, uuid, version, type, purpose, issued_at, stamped_at, series, folio, issuer_rfc, issuer_name,
                       receiver_rfc, receiver_name, subtotal, discount, total, currency, exchange_rate, amount_decimals, status, service_description,
                       xml_sha256, xml, imported_at, imported_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 'vigente', $21, $22, $23, $24, $25)
     on conflict on constraint cfdi_taxpayer_uuid_unique do nothing
     returning id`,
    [
      taxpayerId,
      installationId,
      cfdi.uuid,
      cfdi.version,
      cfdi.tipo,
      purpose,
      issuedAt.toISOString(),
      stampedAt?.toISOString() ?? null,
      cfdi.serie,
      cfdi.folio,
      issuerRfc,
      cfdi.emisor.nombre,
      receiverRfc,
      cfdi.receptor.nombre,
      subtotal,
      discount,
      total,
      cfdi.moneda,
      exchangeRate,
      decimalsOf(cfdi.total),
      serviceDescription,
      file.sha256,
      file.bytes.toString("utf8"),
      now.toISOString(),
      actor.userId,
    ],
  );
  if (!row) throw new Rejection("duplicate_uuid", duplicateUuidReason(cfdi.uuid));
  const cfdiId = Number(row.id);

  for (const c of concepts) {
    await tx.query(
      `insert into cfdi_concepts (cfdi_id, position, product_service_key, quantity, unit_key, unit_price, amount, discount, description, volume, volume_unit, product_key)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [cfdiId, c.position, c.productServiceKey, c.quantity, c.unitKey, c.unitPrice, c.amount, c.discount, c.description, c.volume?.volume ?? null, c.volume?.unit ?? null, c.productKey && knownProducts.has(c.productKey) ? c.productKey : null],
    );
  }

  // Related documents: CfdiRelacionados (TipoRelacion) and, for a REP, each paid document ('pago', amounts summed per document).
  const related = new Map<string, { uuid: string; relation: string; amount: Decimal | null }>();
  for (const group of cfdi.cfdiRelacionados) {
    for (const uuid of group.uuids) {
      if (!uuid) continue;
      const relation = group.tipoRelacion?.trim() || "sin_tipo";
      related.set(`${uuid}|${relation}`, { uuid, relation, amount: null });
    }
  }
  for (const pago of cfdi.pagos?.pagos ?? []) {
    for (const docto of pago.doctosRelacionados) {
      const uuid = docto.uuid ?? docto.idDocumento;
      if (!uuid) continue;
      const key = `${uuid}|pago`;
      const paid = parseDecimal(docto.impPagado);
      const previous = related.get(key);
      related.set(key, { uuid, relation: "pago", amount: paid ? (previous?.amount ? add(previous.amount, paid) : paid) : (previous?.amount ?? null) });
    }
  }
  for (const r of related.values()) {
    const amount = r.amount ? formatDecimal(r.amount) : null;
    await tx.query("insert into cfdi_related_documents (cfdi_id, related_uuid, relation, amount_paid) values ($1, $2, $3, $4)", [
      cfdiId,
      r.uuid.slice(0, 100),
      r.relation.slice(0, 20),
      amount !== null && /^-?\d{1,18}(\.\d{1,6})?$/.test(amount) ? amount : null,
    ]);
  }

  // A30-CFDI-02/07: the original bytes and their SHA-256; the verification report beside them.
  await tx.query(
    `insert into attachments (sha256, file_name, media_type, size_bytes, content, category, subject_table, subject_id, created_at, created_by)
     values ($1, $2, 'application/xml', $3, $4, 'cfdi_xml', 'cfdi', $5, $6, $7)`,
    [file.sha256, file.fileName, file.bytes.length, file.bytes, String(cfdiId), now.toISOString(), actor.userId],
  );
  const report = Buffer.from(JSON.stringify({ uuid: cfdi.uuid, verifiedAt: now.toISOString(), ok: checks.ok, checks: checks.checks, notVerified: checks.notVerified }), "utf8");
  await tx.query(
    `insert into attachments (sha256, file_name, media_type, size_bytes, content, category, subject_table, subject_id, created_at, created_by)
     values ($1, $2, 'application/json', $3, $4, 'cfdi_verification', 'cfdi', $5, $6, $7)`,
    [createHash("sha256").update(report).digest("hex"), `${cfdi.uuid}.verificacion.json`, report.length, report, String(cfdiId), now.toISOString(), actor.userId],
  );

  const failed = checks.checks.filter((c) => c.ok === false);
  const volumes = new Map<string, number>();
  for (const c of concepts) if (c.volume) volumes.set(c.volume.unit, (volumes.get(c.volume.unit) ?? 0) + Number(c.volume.volume));
  const volumeText = [...volumes].map(([unit, v]) => `${v.toFixed(3)} ${UNIT_LABEL[unit] ?? unit}`).join(" + ");
  const description =
    `Importación del CFDI ${cfdi.uuid} (${cfdi.version}, tipo ${cfdi.tipo}, ${PURPOSE_LABEL[purpose]}) de ${issuerRfc} a ${receiverRfc}, total ${total} ${cfdi.moneda}` +
    `${volumeText ? `, volumen ${volumeText}` : ""}, archivo ${file.fileName}, por ${actor.username}. ` +
    (failed.length === 0 ? "Verificación sin fallas." : `Verificación con fallas: ${failed.map((c) => c.detail).join("; ")}`);
  const entry = await appendEventLog(tx, {
    time: now,
    userId: actor.userId,
    username: actor.username,
    category: EVENT_CATEGORY.dailyOperations,
    eventType: EVENT_CATEGORY.dailyOperations,
    description: description.slice(0, 1000),
    component: cfdi.uuid,
    installationId,
    details: {
      action: "import-cfdi",
      cfdiId,
      uuid: cfdi.uuid,
      version: cfdi.version,
      type: cfdi.tipo,
      purpose,
      issuerRfc,
      receiverRfc,
      total,
      currency: cfdi.moneda,
      fileName: file.fileName,
      sha256: file.sha256,
      verification: { ok: checks.ok, failed: failed.map((c) => ({ id: c.id, detail: c.detail })) },
    },
  });
  return { cfdiId, eventLogId: entry.id, taxpayerId, purpose };
}
