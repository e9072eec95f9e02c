import type { SqlExecutor } from "../../../db/client";
import { PUBLIC_RFC } from "../../domain/operations/record";
import type { VerificationCheck } from "../../domain/cfdi/types";
import type { MatchCandidate } from "../../domain/cfdi/matching";
import { addDays, zonedInstant } from "../../domain/reconciliation/periods";
import { decimalText, DEFAULT_TIME_ZONE, localDate, num, type CfdiPurpose } from "./common";
import { suggestionsForCfdi } from "./links";

/**
 * Reads for the CFDI screens and API (A30-CFDI-02/05, A30-RPT-05): the list with filters, one
 * CFDI's detail, the unmatched CFDI, the operations still without CFDI, and an operation's CFDI.
 * Amounts are returned as the stored decimal text (A30-CFDI-08); volumes as numbers.
 */

export interface CfdiLinkView {
  linkId: number;
  operationId: number;
  operationNumber: number;
  operationType: "reception" | "delivery";
  installationKey: string;
  element: string | null;
  operationEndAt: string;
  volumeLinked: number;
  unit: string;
  suggested: boolean;
  linkedAt: string;
  linkedBy: string;
  unlinkedAt: string | null;
  unlinkedBy: string | null;
}

export interface CfdiListItem {
  id: number;
  uuid: string;
  version: string;
  type: "I" | "E" | "T" | "P";
  purpose: CfdiPurpose;
  /** issued: the taxpayer is the emisor; received: the receptor. */
  direction: "issued" | "received";
  issuedAt: string;
  /** Local date of the Fecha (taxpayer zone). */
  issueDate: string;
  series: string | null;
  folio: string | null;
  issuerRfc: string;
  issuerName: string | null;
  receiverRfc: string;
  receiverName: string | null;
  subtotal: string;
  total: string;
  currency: string;
  amountDecimals: number;
  status: string;
  /** Fuel volume per SAT unit (A30-CFDI-02). */
  volumes: Array<{ unit: string; volume: number }>;
  verification: { ok: boolean; failed: Array<{ id: string; detail: string }> } | null;
  /** Active links only. */
  links: CfdiLinkView[];
  importedAt: string;
  importedBy: string;
}

export interface CfdiFilter {
  direction?: "issued" | "received";
  link?: "matched" | "unmatched";
  purpose?: CfdiPurpose;
  /** Emisor or receptor. */
  rfc?: string;
  /** Local dates YYYY-MM-DD (inclusive) of the Fecha. */
  from?: string;
  to?: string;
  limit?: number;
}

interface CfdiRow {
  id: number;
  uuid: string;
  version: string;
  type: "I" | "E" | "T" | "P";
  purpose: CfdiPurpose;
  issued_at: Date | string;
  series: string | null;
  folio: string | null;
  issuer_rfc: string;
  issuer_name: string | null;
  receiver_rfc: string;
  receiver_name: string | null;
  subtotal: string;
  total: string;
  currency: string;
  amount_decimals: number;
  status: string;
  imported_at: Date | string;
  imported_by: string | null;
  taxpayer_rfc: string;
  time_zone: string | null;
  verification: string | null;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** pg returns numeric as text padded to the column scale: shown with `decimals` (A30-CFDI-08). */
const text = (v: string | number, decimals = 0): string => decimalText(v, decimals)!;

function parseVerification(value: string | null): { ok: boolean; checks: VerificationCheck[]; notVerified: string[]; verifiedAt: string | null } | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as { ok: boolean; checks: VerificationCheck[]; notVerified?: string[]; verifiedAt?: string };
    return { ok: parsed.ok, checks: parsed.checks ?? [], notVerified: parsed.notVerified ?? [], verifiedAt: parsed.verifiedAt ?? null };
  } catch {
    return null;
  }
}

async function linksOf(db: SqlExecutor, cfdiIds: number[], includeHistory: boolean): Promise<Map<number, CfdiLinkView[]>> {
  if (cfdiIds.length === 0) return new Map();
  const rows = await db.query<{
    id: string | number; cfdi_id: number; operation_id: string | number; number: string | number; type: "reception" | "delivery"; installation_key: string;
    element: string | null; end_at: Date | string; volume_linked: string; unit: string; suggested: boolean; linked_at: Date | string; linked_by: string | null;
    unlinked_at: Date | string | null; unlinked_by: string | null;
  }>(
    `select l.id, l.cfdi_id, l.operation_id, o.number, o.type, i.key as installation_key, coalesce(h.key, k.key, d.key) as element, o.end_at,
            l.volume_linked, l.unit, l.suggested, l.linked_at, lu.username as linked_by, l.unlinked_at, uu.username as unlinked_by
       from cfdi_operation_links l
       join operations o on o.id = l.operation_id
       join installations i on i.id = o.installation_id
       left join tanks k on k.id = o.tank_id
       left join hoses h on h.id = o.hose_id
       left join ducts d on d.id = o.duct_id
       left join users lu on lu.id = l.linked_by
       left join users uu on uu.id = l.unlinked_by
      where l.cfdi_id = any($1::int[]) and ($2::boolean or l.unlinked_at is null)
      order by l.id`,
    [cfdiIds, includeHistory],
  );
  const out = new Map<number, CfdiLinkView[]>();
  for (const r of rows) {
    const list = out.get(Number(r.cfdi_id)) ?? [];
    list.push({
      linkId: Number(r.id),
      operationId: Number(r.operation_id),
      operationNumber: Number(r.number),
      operationType: r.type,
      installationKey: r.installation_key,
      element: r.element,
      operationEndAt: iso(r.end_at)!,
      volumeLinked: Number(r.volume_linked),
      unit: r.unit,
      suggested: r.suggested,
      linkedAt: iso(r.linked_at)!,
      linkedBy: r.linked_by ?? "sistema",
      unlinkedAt: iso(r.unlinked_at),
      unlinkedBy: r.unlinked_at === null ? null : (r.unlinked_by ?? "sistema"),
    });
    out.set(Number(r.cfdi_id), list);
  }
  return out;
}

async function volumesOf(db: SqlExecutor, cfdiIds: number[]): Promise<Map<number, Array<{ unit: string; volume: number }>>> {
  if (cfdiIds.length === 0) return new Map();
  const rows = await db.query<{ cfdi_id: number; volume_unit: string; volume: string }>(
    "select cfdi_id, volume_unit, sum(volume) as volume from cfdi_concepts where cfdi_id = any($1::int[]) and volume is not null group by cfdi_id, volume_unit order by volume_unit",
    [cfdiIds],
  );
  const out = new Map<number, Array<{ unit: string; volume: number }>>();
  for (const r of rows) out.set(Number(r.cfdi_id), [...(out.get(Number(r.cfdi_id)) ?? []), { unit: r.volume_unit, volume: Number(r.volume) }]);
  return out;
}

function toItem(r: CfdiRow, volumes: Map<number, Array<{ unit: string; volume: number }>>, links: Map<number, CfdiLinkView[]>): CfdiListItem {
  const id = Number(r.id);
  const verification = parseVerification(r.verification);
  return {
    id,
    uuid: r.uuid,
    version: r.version,
    type: r.type,
    purpose: r.purpose,
    direction: r.issuer_rfc === r.taxpayer_rfc ? "issued" : "received",
    issuedAt: iso(r.issued_at)!,
    issueDate: localDate(new Date(r.issued_at), r.time_zone ?? DEFAULT_TIME_ZONE),
    series: r.series,
    folio: r.folio,
    issuerRfc: r.issuer_rfc,
    issuerName: r.issuer_name,
    receiverRfc: r.receiver_rfc,
    receiverName: r.receiver_name,
    subtotal: text(r.subtotal, Number(r.amount_decimals)),
    total: text(r.total, Number(r.amount_decimals)),
    currency: r.currency,
    amountDecimals: Number(r.amount_decimals),
    status: r.status,
    volumes: volumes.get(id) ?? [],
    verification: verification ? { ok: verification.ok, failed: verification.checks.filter((c) => c.ok === false).map((c) => ({ id: c.id, detail: c.detail })) } : null,
    links: (links.get(id) ?? []).filter((l) => l.unlinkedAt === null),
    importedAt: iso(r.imported_at)!,
    importedBy: r.imported_by ?? "sistema",
  };
}

/**
 * The list query (static SQL, every filter a parameter that may be null, A30-SEC-15): direction
 * compares the emisor with the taxpayer's RFC; link state is an active link's existence (payment
 * receipts are never "unmatched": they do not link to operations); `id` selects one CFDI.
 */
async function queryCfdi(db: SqlExecutor, filter: CfdiFilter & { id?: number }): Promise<CfdiRow[]> {
  return db.query<CfdiRow>(
    `select c.id, c.uuid, c.version, c.type, c.purpose, c.issued_at, c.series, c.folio, c.issuer_rfc, c.issuer_name, c.receiver_rfc, c.receiver_name,
            c.subtotal, c.total, c.currency, c.amount_decimals, c.status, c.imported_at, u.username as imported_by, t.rfc as taxpayer_rfc,
            (select time_zone from installations where taxpayer_id = c.taxpayer_id order by id limit 1) as time_zone,
            (select convert_from(a.content, 'UTF8') from attachments a
              where a.subject_table = 'cfdi' and a.subject_id = c.id::text and a.category = 'cfdi_verification' order by a.id desc limit 1) as verification
       from cfdi c
       join taxpayers t on t.id = c.taxpayer_id
       left join users u on u.id = c.imported_by
      where ($1::text is null or ($1::text = 'issued') = (c.issuer_rfc = t.rfc))
        and ($2::text is null or ($2::text = 'matched') = exists (select 1 from cfdi_operation_links l where l.cfdi_id = c.id and l.unlinked_at is null))
        and ($2::text is distinct from 'unmatched' or c.type <> 'P')
        and ($3::text is null or c.purpose = $3::text)
        and ($4::text is null or c.issuer_rfc = $4::text or c.receiver_rfc = $4::text)
        and ($5::timestamptz is null or c.issued_at >= $5::timestamptz)
        and ($6::timestamptz is null or c.issued_at < $6::timestamptz)
        and ($7::int is null or c.id = $7::int)
      order by c.issued_at desc, c.id desc
      limit $8`,
    [
      filter.direction ?? null,
      filter.link ?? null,
      filter.purpose ?? null,
      filter.rfc ? filter.rfc.trim().toUpperCase() : null,
      // Dates are local to the taxpayer's zone; the default zone bounds them (one zone per taxpayer in practice).
      filter.from ? zonedInstant(filter.from, "00:00", DEFAULT_TIME_ZONE).toISOString() : null,
      filter.to ? zonedInstant(addDays(filter.to, 1), "00:00", DEFAULT_TIME_ZONE).toISOString() : null,
      filter.id ?? null,
      Math.min(Math.max(filter.limit ?? 200, 1), 1000),
    ],
  );
}

/** CFDI list, newest Fecha first (A30-CFDI-02), with the filters of GET /api/cfdi. */
export async function listCfdi(db: SqlExecutor, filter: CfdiFilter = {}): Promise<CfdiListItem[]> {
  const rows = await queryCfdi(db, filter);
  const ids = rows.map((r) => Number(r.id));
  const [volumes, links] = await Promise.all([volumesOf(db, ids), linksOf(db, ids, false)]);
  return rows.map((r) => toItem(r, volumes, links));
}

/** A30-CFDI-05 "unmatched CFDI are listed": I/E/T CFDI without an active link. */
export function listUnmatchedCfdi(db: SqlExecutor, filter: Omit<CfdiFilter, "link"> = {}): Promise<CfdiListItem[]> {
  return listCfdi(db, { ...filter, link: "unmatched" });
}

export interface CfdiDetail extends CfdiListItem {
  stampedAt: string | null;
  exchangeRate: string | null;
  discount: string | null;
  serviceDescription: string | null;
  cancellation: { code: string | null; message: string | null; changedAt: string | null };
  xmlSha256: string;
  fileName: string | null;
  concepts: Array<{
    position: number;
    productServiceKey: string;
    description: string;
    quantity: string;
    unitKey: string;
    unitPrice: string;
    amount: string;
    discount: string | null;
    volume: number | null;
    volumeUnit: string | null;
    productKey: string | null;
  }>;
  /** CfdiRelacionados and, for a REP, the documents it pays (with whether each is stored here). */
  related: Array<{ uuid: string; relation: string; amountPaid: string | null; storedCfdiId: number | null }>;
  /** REP (type P) stored here that pay this CFDI. */
  paidBy: Array<{ cfdiId: number; uuid: string; amountPaid: string | null }>;
  verificationReport: { ok: boolean; checks: VerificationCheck[]; notVerified: string[]; verifiedAt: string | null } | null;
  /** Every link, unlinked ones included (history, A30-LOG-10). */
  linkHistory: CfdiLinkView[];
  /** Operations that could be linked (A30-CFDI-05 suggestion), best first. */
  suggestions: Array<MatchCandidate & { operationNumber: number; installationKey: string; operationType: "reception" | "delivery"; endAt: string; netVolume: number; unit: string; counterpartyRfc: string | null }>;
}

export async function getCfdiDetail(db: SqlExecutor, id: number): Promise<CfdiDetail | null> {
  const [base] = await queryCfdi(db, { id, limit: 1 });
  if (!base) return null;
  const [extra] = await db.query<{
    stamped_at: Date | string | null; exchange_rate: string | null; discount: string | null; service_description: string | null; cancellation_code: string | null;
    cancellation_message: string | null; status_changed_at: Date | string | null; xml_sha256: string; file_name: string | null;
  }>(
    `select c.stamped_at, c.exchange_rate, c.discount, c.service_description, c.cancellation_code, c.cancellation_message, c.status_changed_at, c.xml_sha256,
            (select a.file_name from attachments a where a.subject_table = 'cfdi' and a.subject_id = c.id::text and a.category = 'cfdi_xml' order by a.id limit 1) as file_name
       from cfdi c where c.id = $1`,
    [id],
  );
  const row = { ...base, ...extra! };
  if (!row) return null;
  const [volumes, links, concepts, related, paidBy, suggestions] = await Promise.all([
    volumesOf(db, [id]),
    linksOf(db, [id], true),
    db.query<{
      position: number; product_service_key: string; description: string; quantity: string; unit_key: string; unit_price: string; amount: string;
      discount: string | null; volume: string | null; volume_unit: string | null; product_key: string | null;
    }>("select * from cfdi_concepts where cfdi_id = $1 order by position", [id]),
    db.query<{ related_uuid: string; relation: string; amount_paid: string | null; stored: number | null }>(
      `select r.related_uuid, r.relation, r.amount_paid, (select x.id from cfdi x where x.uuid = r.related_uuid and x.taxpayer_id = c.taxpayer_id) as stored
         from cfdi_related_documents r join cfdi c on c.id = r.cfdi_id where r.cfdi_id = $1 order by r.id`,
      [id],
    ),
    db.query<{ id: number; uuid: string; amount_paid: string | null }>(
      `select p.id, p.uuid, r.amount_paid from cfdi_related_documents r join cfdi p on p.id = r.cfdi_id join cfdi c on c.id = $1
        where r.related_uuid = c.uuid and r.relation = 'pago' and p.taxpayer_id = c.taxpayer_id order by p.id`,
      [id],
    ),
    suggestionsForCfdi(db, id),
  ]);
  const opIds = suggestions.map((s) => s.operationId);
  const ops = opIds.length
    ? await db.query<{ id: string | number; number: string | number; type: "reception" | "delivery"; key: string; end_at: Date | string; net_volume: string; unit: string; counterparty_rfc: string | null }>(
        "select o.id, o.number, o.type, i.key, o.end_at, o.net_volume, o.unit, o.counterparty_rfc from operations o join installations i on i.id = o.installation_id where o.id = any($1::bigint[])",
        [opIds],
      )
    : [];
  const opById = new Map(ops.map((o) => [Number(o.id), o]));
  const item = toItem(row, volumes, links);
  return {
    ...item,
    stampedAt: iso(row.stamped_at),
    exchangeRate: decimalText(row.exchange_rate, 0),
    discount: decimalText(row.discount, item.amountDecimals),
    serviceDescription: row.service_description,
    cancellation: { code: row.cancellation_code, message: row.cancellation_message, changedAt: iso(row.status_changed_at) },
    xmlSha256: row.xml_sha256,
    fileName: row.file_name,
    concepts: concepts.map((c) => ({
      position: Number(c.position),
      productServiceKey: c.product_service_key,
      description: c.description,
      quantity: text(c.quantity),
      unitKey: c.unit_key,
      unitPrice: text(c.unit_price, item.amountDecimals),
      amount: text(c.amount, item.amountDecimals),
      discount: decimalText(c.discount, item.amountDecimals),
      volume: num(c.volume),
      volumeUnit: c.volume_unit,
      productKey: c.product_key,
    })),
    related: related.map((r) => ({ uuid: r.related_uuid, relation: r.relation, amountPaid: decimalText(r.amount_paid, 2), storedCfdiId: r.stored === null ? null : Number(r.stored) })),
    paidBy: paidBy.map((p) => ({ cfdiId: Number(p.id), uuid: p.uuid, amountPaid: decimalText(p.amount_paid, 2) })),
    verificationReport: parseVerification(row.verification),
    linkHistory: links.get(id) ?? [],
    suggestions: suggestions.flatMap((s) => {
      const o = opById.get(s.operationId);
      return o
        ? [{ ...s, operationNumber: Number(o.number), installationKey: o.key, operationType: o.type, endAt: iso(o.end_at)!, netVolume: Number(o.net_volume), unit: o.unit, counterpartyRfc: o.counterparty_rfc }]
        : [];
    }),
  };
}

export interface OperationWithoutCfdi {
  id: number;
  number: number;
  version: number;
  type: "reception" | "delivery";
  installationKey: string;
  element: string | null;
  startAt: string;
  endAt: string;
  netVolume: number;
  unit: string;
  productKey: string;
  counterpartyRfc: string | null;
  counterpartyName: string | null;
  status: string;
}

/**
 * A30-CFDI-05 "unmatched operations are listed" (and A30-RPT-06 "receptions/deliveries without
 * required CFDI"): current versions without an active CFDI link among those that need one —
 * every reception (acquisition or service CFDI), and deliveries except retail sales: to the
 * general public (XAXX010101000) or at a service station, which a global CFDI covers
 * (A30-CFDI-01, §20 #17). Newest first.
 */
export async function listOperationsWithoutCfdi(
  db: SqlExecutor,
  filter: { installationKey?: string; type?: "reception" | "delivery"; from?: Date; to?: Date; limit?: number } = {},
): Promise<OperationWithoutCfdi[]> {
  const rows = await db.query<{
    id: string | number; number: string | number; version: number; type: "reception" | "delivery"; installation_key: string; element: string | null;
    start_at: Date | string; end_at: Date | string; net_volume: string; unit: string; product_key: string; counterparty_rfc: string | null;
    counterparty_name: string | null; status: string;
  }>(
    `select o.id, o.number, o.version, o.type, i.key as installation_key, coalesce(h.key, k.key, d.key) as element, o.start_at, o.end_at, o.net_volume, o.unit,
            o.product_key, o.counterparty_rfc, o.counterparty_name, o.status
       from operations o
       join installations i on i.id = o.installation_id
       left join tanks k on k.id = o.tank_id
       left join hoses h on h.id = o.hose_id
       left join ducts d on d.id = o.duct_id
      where not exists (select 1 from operations n where n.supersedes_id = o.id)
        and not exists (select 1 from cfdi_operation_links l join operations v on v.id = l.operation_id
                         where l.unlinked_at is null and v.installation_id = o.installation_id and v.number = o.number)
        and (o.type = 'reception' or (coalesce(o.counterparty_rfc, '') <> $1 and i.type <> 'service_station'))
        and ($2::text is null or i.key = $2::text)
        and ($3::text is null or o.type = $3::text)
        and ($4::timestamptz is null or o.end_at >= $4::timestamptz)
        and ($5::timestamptz is null or o.end_at < $5::timestamptz)
      order by o.end_at desc, o.id desc
      limit $6`,
    [PUBLIC_RFC, filter.installationKey ?? null, filter.type ?? null, filter.from?.toISOString() ?? null, filter.to?.toISOString() ?? null, Math.min(Math.max(filter.limit ?? 200, 1), 1000)],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    number: Number(r.number),
    version: Number(r.version),
    type: r.type,
    installationKey: r.installation_key,
    element: r.element,
    startAt: iso(r.start_at)!,
    endAt: iso(r.end_at)!,
    netVolume: Number(r.net_volume),
    unit: r.unit,
    productKey: r.product_key,
    counterpartyRfc: r.counterparty_rfc,
    counterpartyName: r.counterparty_name,
    status: r.status,
  }));
}

export interface OperationCfdi {
  linkId: number;
  cfdiId: number;
  uuid: string;
  type: string;
  purpose: CfdiPurpose;
  issuerRfc: string;
  receiverRfc: string;
  issuedAt: string;
  total: string;
  currency: string;
  status: string;
  volumeLinked: number;
  unit: string;
  suggested: boolean;
  linkedAt: string;
  linkedBy: string;
  unlinkedAt: string | null;
  unlinkedBy: string | null;
}

/** The CFDI of an operation record (any version), active links first; with `includeHistory` the unlinked ones too. */
export async function cfdiForOperation(db: SqlExecutor, operationId: number, options: { includeHistory?: boolean } = {}): Promise<OperationCfdi[]> {
  const rows = await db.query<{
    id: string | number; cfdi_id: number; uuid: string; type: string; purpose: CfdiPurpose; issuer_rfc: string; receiver_rfc: string; issued_at: Date | string;
    total: string; amount_decimals: number; currency: string; status: string; volume_linked: string; unit: string; suggested: boolean; linked_at: Date | string;
    linked_by: string | null; unlinked_at: Date | string | null; unlinked_by: string | null;
  }>(
    `select l.id, l.cfdi_id, c.uuid, c.type, c.purpose, c.issuer_rfc, c.receiver_rfc, c.issued_at, c.total, c.amount_decimals, c.currency, c.status, l.volume_linked, l.unit,
            l.suggested, l.linked_at, lu.username as linked_by, l.unlinked_at, uu.username as unlinked_by
       from cfdi_operation_links l
       join operations v on v.id = l.operation_id
       join cfdi c on c.id = l.cfdi_id
       left join users lu on lu.id = l.linked_by
       left join users uu on uu.id = l.unlinked_by
      where (v.installation_id, v.number) = (select installation_id, number from operations where id = $1)
        and ($2::boolean or l.unlinked_at is null)
      order by (l.unlinked_at is null) desc, l.id`,
    [operationId, options.includeHistory ?? false],
  );
  return rows.map((r) => ({
    linkId: Number(r.id),
    cfdiId: Number(r.cfdi_id),
    uuid: r.uuid,
    type: r.type,
    purpose: r.purpose,
    issuerRfc: r.issuer_rfc,
    receiverRfc: r.receiver_rfc,
    issuedAt: iso(r.issued_at)!,
    total: text(r.total, Number(r.amount_decimals)),
    currency: r.currency,
    status: r.status,
    volumeLinked: Number(r.volume_linked),
    unit: r.unit,
    suggested: r.suggested,
    linkedAt: iso(r.linked_at)!,
    linkedBy: r.linked_by ?? "sistema",
    unlinkedAt: iso(r.unlinked_at),
    unlinkedBy: r.unlinked_at === null ? null : (r.unlinked_by ?? "sistema"),
  }));
}
