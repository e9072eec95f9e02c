import type { Database, SqlExecutor } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { getCurrentVersion, insertOperationVersion, linkEventLogToOperation, lockOperationRegister } from "../../../db/repositories/operations";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import type { LotLinkInput } from "./schemas";

/**
 * Lots (A32 32.3, A32-09) and the link of operations to their lot and applicable quality record
 * (A30-TYP-10). Operations are append-only fiscal records: linking one writes its next version
 * with `lot_id` / `quality_record_id` set (reason stored, A30-STO-02), exactly like a correction.
 * "Pendiente de tipo de producto" = a current reception/delivery version without quality record.
 */

export interface Actor {
  userId: number;
  username: string;
}

export class QualityError extends Error {
  constructor(
    readonly code: "invalid" | "not_found" | "conflict",
    message: string,
    readonly reasons: string[] = [message],
  ) {
    super(message);
  }
}

const OPERATION_LABEL = { reception: "recepción", delivery: "entrega" } as const;

export interface LotRef {
  id: number;
  key: string;
  installationId: number;
  productKey: string;
  created: boolean;
}

/**
 * The installation's lot `key`, or a new one for the product (kind: the one given; a tank lot when a
 * tank is named; a monthly lot for fraction I, A32-09). An existing lot of another product → 400.
 */
export async function findOrCreateLot(
  tx: SqlExecutor,
  lot: { installationId: number; key: string; productKey: string; subProductKey: string | null; kind?: string; tankId: number | null; activityFraction: string | null; openedOn: string },
  actor: Actor,
  now: Date,
): Promise<LotRef> {
  const [existing] = await tx.query<{ id: number; product_key: string }>("select id, product_key from lots where installation_id = $1 and key = $2", [lot.installationId, lot.key]);
  if (existing) {
    if (existing.product_key !== lot.productKey) throw new QualityError("invalid", `El lote ${lot.key} es de ${existing.product_key}, no de ${lot.productKey}`);
    return { id: Number(existing.id), key: lot.key, installationId: lot.installationId, productKey: lot.productKey, created: false };
  }
  const kind = lot.kind ?? (lot.tankId !== null ? "tank" : lot.activityFraction === "I" ? "monthly" : null);
  if (!kind) throw new QualityError("invalid", `El lote ${lot.key} es nuevo: indique su tipo (lotKind: mensual, tanque, ducto, importación…) (A32-09)`);
  const [created] = await tx.query<{ id: number }>(
    `insert into lots (installation_id, key, kind, product_key, sub_product_key, tank_id, period_month, opened_at, created_at, created_by)
     values ($1, $2, $3, $4, $5, $6, case when $3 = 'monthly' then date_trunc('month', $7::date)::date end,
             ($7::date)::timestamp at time zone (select time_zone from installations where id = $1), $8, $9)
     returning id`,
    [lot.installationId, lot.key, kind, lot.productKey, lot.subProductKey, lot.tankId, lot.openedOn, now.toISOString(), actor.userId],
  );
  return { id: Number(created!.id), key: lot.key, installationId: lot.installationId, productKey: lot.productKey, created: true };
}

/** The quality record applicable to a lot: its latest one (A30-TYP-10). */
export async function currentQualityRecord(tx: SqlExecutor, lotId: number): Promise<{ id: number; label: string } | null> {
  const [row] = await tx.query<{ id: number; label: string | null }>("select id, data->>'fuente' as label from quality_records where lot_id = $1 order by id desc limit 1", [lotId]);
  return row ? { id: Number(row.id), label: row.label ?? "" } : null;
}

export interface LinkedOperation {
  operationId: number;
  number: number;
  version: number;
  type: "reception" | "delivery";
}

/** An operation whose next version will carry the lot and quality record. */
export interface PlannedLink {
  previousId: number;
  number: number;
  version: number;
  type: "reception" | "delivery";
}

/**
 * Which operations change (inside the caller's transaction, with the installation's operation
 * register locked): the ones named, plus — with `auto` — the lot's operations that still have no
 * quality record. Operations of another installation or product → 400; one that already has
 * exactly this lot and record is left as it is.
 */
export async function planOperationLinks(
  tx: SqlExecutor,
  lot: { id: number; key: string; installationId: number; productKey: string },
  qualityRecordId: number | null,
  operationIds: readonly number[],
  auto: boolean,
): Promise<PlannedLink[]> {
  await lockOperationRegister(tx, lot.installationId);
  const targets = new Map<number, { id: number; number: number; version: number; type: "reception" | "delivery" }>();
  for (const id of operationIds) {
    const op = await getCurrentVersion(tx, id);
    if (!op) throw new QualityError("not_found", `Operación inexistente: ${id}`);
    if (op.installationId !== lot.installationId) throw new QualityError("invalid", `La operación ${op.number} es de ${op.installationKey}; el lote ${lot.key} es de otra instalación`);
    if (op.productKey !== lot.productKey) throw new QualityError("invalid", `La operación ${op.number} es de ${op.productKey}; el lote ${lot.key} es de ${lot.productKey}`);
    targets.set(op.number, op);
  }
  if (auto && qualityRecordId !== null) {
    const pending = await tx.query<{ id: number; number: number; version: number; type: "reception" | "delivery" }>(
      `select o.id, o.number, o.version, o.type from operations o where o.lot_id = $1 and o.quality_record_id is null
          and not exists (select 1 from operations n where n.supersedes_id = o.id) order by o.number`,
      [lot.id],
    );
    for (const p of pending) if (!targets.has(Number(p.number))) targets.set(Number(p.number), { id: Number(p.id), number: Number(p.number), version: Number(p.version), type: p.type });
  }
  const planned: PlannedLink[] = [];
  for (const op of targets.values()) {
    const [current] = await tx.query<{ lot_id: number | null; quality_record_id: number | null }>("select lot_id, quality_record_id from operations where id = $1", [op.id]);
    const sameLot = current!.lot_id !== null && Number(current!.lot_id) === lot.id;
    const sameRecord = (current!.quality_record_id === null ? null : Number(current!.quality_record_id)) === qualityRecordId;
    if (sameLot && sameRecord) continue;
    planned.push({ previousId: op.id, number: op.number, version: op.version, type: op.type });
  }
  return planned.sort((a, b) => a.number - b.number);
}

/** Writes the planned versions (reason stored, pointing at the bitácora entry `eventLogId`). */
export async function writeOperationLinks(
  tx: SqlExecutor,
  planned: readonly PlannedLink[],
  link: { lotId: number; qualityRecordId: number | null },
  options: { reason: string; eventLogId: number; actor: Actor; now: Date },
): Promise<LinkedOperation[]> {
  const linked: LinkedOperation[] = [];
  for (const op of planned) {
    const id = await insertOperationVersion(
      tx,
      op.previousId,
      { lot_id: link.lotId, quality_record_id: link.qualityRecordId },
      { correctionReason: options.reason, eventLogId: options.eventLogId, createdAt: options.now, createdBy: options.actor.userId },
    );
    await linkEventLogToOperation(tx, options.eventLogId, id, "note");
    linked.push({ operationId: id, number: op.number, version: op.version + 1, type: op.type });
  }
  return linked;
}

export function describeLinks(planned: readonly { number: number; type: "reception" | "delivery" }[]): string {
  if (planned.length === 0) return "sin operaciones por vincular";
  const shown = planned.slice(0, 20).map((l) => `${OPERATION_LABEL[l.type]} ${l.number}`);
  return `operaciones vinculadas: ${shown.join(", ")}${planned.length > 20 ? ` y ${planned.length - 20} más` : ""}`;
}

/**
 * A30-TYP-10: links operations to the lot and its applicable quality record (one transaction, one
 * bitácora entry). Nothing to change → 400.
 */
export async function linkOperationsToLot(db: Database, lotId: number, input: LotLinkInput, actor: Actor, now: Date): Promise<{ lotKey: string; qualityRecordId: number | null; linked: LinkedOperation[]; eventLogId: number }> {
  return db.transaction(async (tx) => {
    const [lot] = await tx.query<{ id: number; key: string; installation_id: number; product_key: string }>("select id, key, installation_id, product_key from lots where id = $1", [lotId]);
    if (!lot) throw new QualityError("not_found", `Lote inexistente: ${lotId}`);
    const ref = { id: Number(lot.id), key: lot.key, installationId: Number(lot.installation_id), productKey: lot.product_key };
    const record = await currentQualityRecord(tx, ref.id);
    const planned = await planOperationLinks(tx, ref, record?.id ?? null, input.operationIds, false);
    if (planned.length === 0) throw new QualityError("invalid", `Las operaciones ya están vinculadas al lote ${lot.key} con sus datos de calidad vigentes`);
    const reason = input.reason ?? `Vinculación al lote ${lot.key}${record ? ` (fuente = ${record.label})` : " (sin datos de calidad aún)"}`;
    // The entry comes first: each new operation version points at it.
    const entry = await appendEventLog(tx, {
      time: now,
      userId: actor.userId,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: `Vinculación al lote ${lot.key}${record ? ` (fuente = ${record.label})` : ""} por ${actor.username}: ${describeLinks(planned)}. Motivo: ${reason}`.slice(0, 1000),
      component: lot.key,
      installationId: ref.installationId,
      details: { action: "link-lot-operations", lotId: ref.id, lotKey: lot.key, qualityRecordId: record?.id ?? null, operations: planned.map((p) => ({ number: p.number, fromVersion: p.version })), reason },
    });
    const linked = await writeOperationLinks(tx, planned, { lotId: ref.id, qualityRecordId: record?.id ?? null }, { reason, eventLogId: entry.id, actor, now });
    return { lotKey: lot.key, qualityRecordId: record?.id ?? null, linked, eventLogId: entry.id };
  });
}

export interface LotView {
  id: number;
  installation: string;
  key: string;
  kind: string;
  productKey: string;
  subProductKey: string | null;
  tank: string | null;
  periodMonth: string | null;
  openedAt: string;
  qualityRecordId: number | null;
  /** `dictamen DI-…`, `instrumento en línea <key>` or `proporcionado por <RFC>` (A30-TYP-01); null → lot without quality data (A32-09). */
  qualitySource: string | null;
  operations: number;
  pendingOperations: number;
}

/** Lots with their applicable quality record and how many current operations reference them (A32-09). */
export async function listLots(db: SqlExecutor, filter: { installationKey?: string; limit?: number } = {}): Promise<LotView[]> {
  const rows = await db.query<{
    id: number; installation: string; key: string; kind: string; product_key: string; sub_product_key: string | null; tank: string | null;
    period_month: string | Date | null; opened_at: string | Date; quality_record_id: number | null; source: string | null; operations: number; pending: number;
  }>(
    `select l.id, i.key as installation, l.key, l.kind, l.product_key, l.sub_product_key, k.key as tank, l.period_month, l.opened_at,
            q.id as quality_record_id, q.data->>'fuente' as source,
            (select count(*)::int from operations o where o.lot_id = l.id and not exists (select 1 from operations n where n.supersedes_id = o.id)) as operations,
            (select count(*)::int from operations o where o.lot_id = l.id and o.quality_record_id is null and not exists (select 1 from operations n where n.supersedes_id = o.id)) as pending
       from lots l join installations i on i.id = l.installation_id left join tanks k on k.id = l.tank_id
       left join lateral (select id, data from quality_records r where r.lot_id = l.id order by id desc limit 1) q on true
      where ($1::text is null or i.key = $1)
      order by l.opened_at desc, l.id desc limit $2`,
    [filter.installationKey ?? null, filter.limit ?? 200],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    installation: r.installation,
    key: r.key,
    kind: r.kind,
    productKey: r.product_key,
    subProductKey: r.sub_product_key,
    tank: r.tank,
    periodMonth: r.period_month === null ? null : r.period_month instanceof Date ? r.period_month.toISOString().slice(0, 10) : String(r.period_month),
    openedAt: new Date(r.opened_at).toISOString(),
    qualityRecordId: r.quality_record_id === null ? null : Number(r.quality_record_id),
    qualitySource: r.source,
    operations: Number(r.operations),
    pendingOperations: Number(r.pending),
  }));
}

export interface PendingOperation {
  id: number;
  installation: string;
  number: number;
  version: number;
  type: "reception" | "delivery";
  element: string | null;
  productKey: string;
  endAt: string;
  netVolume: number;
  unit: string;
  lotId: number | null;
  lotKey: string | null;
  /** The lot already has quality data: linking the operation resolves it. */
  lotHasQuality: boolean;
}

/** Current versions without a quality record, of an installation ($1) and type ($2) when given. */
const PENDING_WHERE = `o.quality_record_id is null and not exists (select 1 from operations n where n.supersedes_id = o.id)
     and ($1::text is null or i.key = $1) and ($2::text is null or o.type = $2)`;
const PENDING_COUNT = "select count(*)::int as n from operations o join installations i on i.id = o.installation_id where " + PENDING_WHERE;
const PENDING_ROWS =
  `select o.id, i.key as installation, o.number, o.version, o.type, coalesce(h.key, k.key, d.key) as element, o.product_key, o.end_at, o.net_volume, o.unit,
          o.lot_id, l.key as lot_key, exists (select 1 from quality_records q where q.lot_id = o.lot_id) as lot_has_quality
     from operations o join installations i on i.id = o.installation_id
     left join tanks k on k.id = o.tank_id left join hoses h on h.id = o.hose_id left join ducts d on d.id = o.duct_id
     left join lots l on l.id = o.lot_id
    where ` +
  PENDING_WHERE +
  " order by o.end_at desc, o.number desc limit $3";

/**
 * A30-TYP-10 "operaciones pendientes de tipo de producto": current versions of receptions and
 * deliveries that reference no quality record (newest first), with the total count.
 */
export async function listPendingOperations(
  db: SqlExecutor,
  filter: { installationKey?: string; type?: "reception" | "delivery"; limit?: number } = {},
): Promise<{ total: number; operations: PendingOperation[] }> {
  const params = [filter.installationKey ?? null, filter.type ?? null];
  const [count] = await db.query<{ n: number }>(PENDING_COUNT, params);
  const rows = await db.query<{
    id: number; installation: string; number: number; version: number; type: "reception" | "delivery"; element: string | null; product_key: string;
    end_at: string | Date; net_volume: string; unit: string; lot_id: number | null; lot_key: string | null; lot_has_quality: boolean;
  }>(PENDING_ROWS, [...params, filter.limit ?? 200]);
  return {
    total: Number(count?.n ?? 0),
    operations: rows.map((r) => ({
      id: Number(r.id),
      installation: r.installation,
      number: Number(r.number),
      version: Number(r.version),
      type: r.type,
      element: r.element,
      productKey: r.product_key,
      endAt: new Date(r.end_at).toISOString(),
      netVolume: Number(r.net_volume),
      unit: r.unit,
      lotId: r.lot_id === null ? null : Number(r.lot_id),
      lotKey: r.lot_key,
      lotHasQuality: Boolean(r.lot_has_quality),
    })),
  };
}
