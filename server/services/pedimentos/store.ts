import type { Database, SqlExecutor } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { getCurrentVersion, linkEventLogToOperation } from "../../../db/repositories/operations";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { checkCustomsPoint, splitTariffFraction } from "../../domain/pedimentos/customs";
import { TRANSPORT_MEANS, checkIncoterm, linkedVolumeSummary, normalisePedimentoNumber, tariffFractionWarnings } from "../../domain/pedimentos/index";
import type { CorrectPedimentoInput, CreatePedimentoInput, PedimentoLinkInput } from "./schemas";

/**
 * Pedimentos (A30-PED-02…07; Anexo 30, 30.6.1.2.5): capture, correction as a new version
 * (A30-STO-02), links to the receptions they cover (A30-PED-07) and the list with linked totals.
 * Every write is one transaction with exactly one bitácora entry (category 5, operaciones
 * cotidianas). The SAT rules are the domain's (normalisePedimentoNumber, checkIncoterm,
 * tariffFractionWarnings, linkedVolumeSummary); this file only orchestrates and stores.
 */

export interface Actor {
  userId: number;
  username: string;
}

export class PedimentoError extends Error {
  constructor(
    readonly code: "invalid" | "not_found" | "conflict",
    message: string,
    readonly reasons: string[] = [message],
  ) {
    super(message);
  }
}

const UNIT_LABEL: Record<string, string> = { UM01: "bbl", UM02: "ft³", UM03: "L", UM04: "m³" };
const DIRECTION_LABEL = { import: "importación", export: "exportación" } as const;
const OPERATION_FOR_DIRECTION = { import: "reception", export: "delivery" } as const;
const OPERATION_LABEL = { reception: "recepción", delivery: "entrega" } as const;

export interface PedimentoLinkView {
  operationId: number;
  operationNumber: number;
  operationType: "reception" | "delivery";
  installation: string;
  element: string | null;
  endAt: string;
  volumeLinked: number;
  unit: string;
  linkedAt: string;
  linkedBy: string | null;
}

export interface PedimentoView {
  id: number;
  taxpayerRfc: string;
  installation: string | null;
  number: string;
  pedimentoKey: string | null;
  direction: "import" | "export";
  date: string;
  exportPoint: string | null;
  entryPoint: string | null;
  destinationCountry: string | null;
  originCountry: string;
  transportMeansIn: string;
  transportMeansInLabel: string;
  transportMeansOut: string | null;
  transportMeansOutLabel: string | null;
  /** The value reported to SAT (DPU is stored and reported as DAT, A30-PED-04). */
  incoterm: string;
  tariffFraction: string;
  nico: string | null;
  productKey: string;
  subProductKey: string | null;
  volume: number;
  unit: string;
  customsValueMxn: number | null;
  importPriceMxn: number | null;
  importPermit: string | null;
  counterpartyName: string | null;
  counterpartyTaxId: string | null;
  lotId: number | null;
  lotKey: string | null;
  warnings: string[];
  version: number;
  supersedesId: number | null;
  correctionReason: string | null;
  createdAt: string;
  createdBy: string | null;
  links: PedimentoLinkView[];
  /** A30-PED-07: linked vs declared volume, "vinculado 60,000 / 60,000 L". */
  linked: { linked: number; declared: number; complete: boolean; label: string };
}

/** The normalised, checked values of a pedimento (shared by capture and correction). */
interface PedimentoValues {
  number: string;
  pedimentoKey: string | null;
  direction: "import" | "export";
  date: string;
  exportPoint: string | null;
  entryPoint: string | null;
  destinationCountry: string | null;
  originCountry: string;
  transportMeansIn: string;
  transportMeansOut: string | null;
  incoterm: string;
  tariffFraction: string;
  nico: string | null;
  productKey: string;
  subProductKey: string | null;
  volume: number;
  unit: string;
  customsValueMxn: number | null;
  importPriceMxn: number | null;
  importPermit: string | null;
  counterpartyName: string | null;
  counterpartyTaxId: string | null;
}

type RawValues = Omit<PedimentoValues, "unit" | "number"> & { number: string; unit: string | null };

/**
 * Applies the SAT rules; every failing rule is reported (400 with all reasons). Warnings (Incoterm
 * DPU → DAT, tariff fraction vs product, NICO vs octane) are returned, never blocking.
 */
function checkValues(raw: RawValues, productUnit: string, octaneIndex: number | null): { values: PedimentoValues; warnings: string[]; capturedIncoterm: string } {
  const reasons: string[] = [];
  const warnings: string[] = [];
  const number = normalisePedimentoNumber(raw.number);
  if (!number.ok) reasons.push(number.error);
  const incoterm = checkIncoterm(raw.incoterm);
  if (!incoterm.ok) reasons.push(incoterm.error);
  else if (incoterm.warning) warnings.push(incoterm.warning);
  const points: Array<["exportPoint" | "entryPoint", string]> = [
    ["exportPoint", "Punto de exportación"],
    ["entryPoint", "Punto de internación"],
  ];
  const checkedPoints: Partial<Record<"exportPoint" | "entryPoint", string>> = {};
  for (const [field, label] of points) {
    const value = raw[field];
    if (value === null || value === "") continue;
    const checked = checkCustomsPoint(value, label);
    if (!checked.ok) reasons.push(checked.error);
    else checkedPoints[field] = checked.value;
  }
  // SAT: an import declares where the product entered (PuntoDeInternacion); an export where it left and the destination.
  if (raw.direction === "import" && !raw.entryPoint) reasons.push("Punto de internación obligatorio en una importación (A30-PED-02)");
  if (raw.direction === "export" && !raw.exportPoint) reasons.push("Punto de exportación obligatorio en una exportación (A30-PED-02)");
  if (raw.direction === "export" && !raw.destinationCountry) reasons.push("País de destino obligatorio en una exportación (A30-PED-02)");
  for (const [label, value] of [
    ["Medio de transporte de entrada a la aduana", raw.transportMeansIn],
    ["Medio de transporte de salida de la aduana", raw.transportMeansOut],
  ] as const) {
    if (value !== null && !(value in TRANSPORT_MEANS)) reasons.push(`${label} «${value}»: use una clave del catálogo del SAT (${Object.keys(TRANSPORT_MEANS).join(", ")})`);
  }
  const fraction = splitTariffFraction(raw.tariffFraction, raw.nico);
  if (!fraction.ok) reasons.push(fraction.error);
  const unit = raw.unit ?? productUnit;
  if (unit !== productUnit) reasons.push(`Unidad ${unit}: el producto ${raw.productKey} se reporta en ${productUnit} (A30-MS-09)`);
  if (reasons.length > 0) throw new PedimentoError("invalid", reasons.length === 1 ? reasons[0]! : "datos del pedimento inválidos", reasons);
  if (fraction.ok) warnings.push(...tariffFractionWarnings(raw.productKey, fraction.combined, octaneIndex));
  const ok = fraction as Extract<typeof fraction, { ok: true }>;
  const inc = incoterm as Extract<typeof incoterm, { ok: true }>;
  return {
    capturedIncoterm: inc.value,
    warnings,
    values: {
      ...raw,
      number: (number as { value: string }).value,
      exportPoint: checkedPoints.exportPoint ?? null,
      entryPoint: checkedPoints.entryPoint ?? null,
      // A30-PED-04 (brief): the value SAT's catalogue has is what is stored; DPU's warning says so.
      incoterm: inc.exported,
      tariffFraction: ok.fraction,
      nico: ok.nico,
      unit,
    },
  };
}

async function productUnit(tx: SqlExecutor, productKey: string, subProductKey: string | null): Promise<string> {
  const [product] = await tx.query<{ unit: string }>("select unit from products where key = $1", [productKey]);
  if (!product) throw new PedimentoError("invalid", `Producto desconocido: ${productKey}`);
  if (subProductKey) {
    const [allowed] = await tx.query("select 1 from product_sub_products where product_key = $1 and sub_product_key = $2", [productKey, subProductKey]);
    if (!allowed) throw new PedimentoError("invalid", `El subproducto ${subProductKey} no corresponde al producto ${productKey}`);
  }
  return product.unit;
}

/** Octane index of the lot's latest dictamen (A30-PED-05: a gasoline NICO inconsistent with it is warned). */
async function lotOctane(tx: SqlExecutor, lotId: number | null): Promise<number | null> {
  if (lotId === null) return null;
  const [row] = await tx.query<{ octane_index: string | null }>(
    "select d.octane_index from dictamenes d where d.lot_id = $1 and d.octane_index is not null and not exists (select 1 from dictamenes n where n.supersedes_id = d.id) order by d.issue_date desc, d.id desc limit 1",
    [lotId],
  );
  return row?.octane_index == null ? null : Number(row.octane_index);
}

/** The pedimento that is current (nobody supersedes it) in the version chain of `id`. */
async function currentVersionId(tx: SqlExecutor, id: number): Promise<number | null> {
  const rows = await tx.query<{ id: number }>(
    `with recursive chain(id) as (select id from pedimentos where id = $1
       union all select p.id from pedimentos p join chain c on p.supersedes_id = c.id)
     select c.id from chain c where not exists (select 1 from pedimentos n where n.supersedes_id = c.id)`,
    [id],
  );
  return rows[0] ? Number(rows[0].id) : null;
}

async function assertNumberFree(tx: SqlExecutor, taxpayerId: number, number: string, exceptId: number | null): Promise<void> {
  const [dup] = await tx.query<{ id: number }>(
    `select p.id from pedimentos p where p.taxpayer_id = $1 and p.number = $2 and not exists (select 1 from pedimentos n where n.supersedes_id = p.id)
       and ($3::int is null or p.id <> $3)`,
    [taxpayerId, number, exceptId],
  );
  if (dup) throw new PedimentoError("conflict", `El pedimento ${number} ya está registrado (id ${dup.id}): corríjalo en lugar de capturarlo de nuevo`);
}

/** Finds the installation's lot, or opens an import lot (A32 32.3 IX: one import operation) for the product. */
async function findOrCreateImportLot(tx: SqlExecutor, installationId: number, lotKey: string, productKey: string, subProductKey: string | null, openedAt: string, actor: Actor, now: Date): Promise<{ id: number; created: boolean }> {
  const [lot] = await tx.query<{ id: number; product_key: string }>("select id, product_key from lots where installation_id = $1 and key = $2", [installationId, lotKey]);
  if (lot) {
    if (lot.product_key !== productKey) throw new PedimentoError("invalid", `El lote ${lotKey} es de ${lot.product_key}, no de ${productKey}`);
    return { id: Number(lot.id), created: false };
  }
  const [created] = await tx.query<{ id: number }>(
    `insert into lots (installation_id, key, kind, product_key, sub_product_key, opened_at, created_at, created_by)
     values ($1, $2, 'import', $3, $4, ($5::date)::timestamp at time zone (select time_zone from installations where id = $1), $6, $7) returning id`,
    [installationId, lotKey, productKey, subProductKey, openedAt, now.toISOString(), actor.userId],
  );
  return { id: Number(created!.id), created: true };
}

const fixed = (v: number | null, d: number) => (v === null ? null : v.toFixed(d));

async function insertPedimento(
  tx: SqlExecutor,
  values: PedimentoValues,
  meta: { taxpayerId: number; installationId: number | null; lotId: number | null; warnings: string[]; version: number; supersedesId: number | null; correctionReason: string | null; now: Date; actor: Actor },
): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    `insert into pedimentos (taxpayer_id, installation_id, number, pedimento_key, direction, date, export_point, entry_point, destination_country, origin_country,
                             transport_means_in, transport_means_out, incoterm, tariff_fraction, nico, product_key, sub_product_key, volume, unit,
                             customs_value_mxn, import_price_mxn, import_permit, counterparty_name, counterparty_tax_id, lot_id, warnings, version,
                             supersedes_id, correction_reason, created_at, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26::jsonb, $27, $28, $29, $30, $31)
     returning id`,
    [
      meta.taxpayerId,
      meta.installationId,
      values.number,
      values.pedimentoKey,
      values.direction,
      values.date,
      values.exportPoint,
      values.entryPoint,
      values.destinationCountry,
      values.originCountry,
      values.transportMeansIn,
      values.transportMeansOut,
      values.incoterm,
      values.tariffFraction,
      values.nico,
      values.productKey,
      values.subProductKey,
      values.volume.toFixed(3),
      values.unit,
      fixed(values.customsValueMxn, 2),
      fixed(values.importPriceMxn, 2),
      values.importPermit,
      values.counterpartyName,
      values.counterpartyTaxId,
      meta.lotId,
      JSON.stringify(meta.warnings),
      meta.version,
      meta.supersedesId,
      meta.correctionReason,
      meta.now.toISOString(),
      meta.actor.userId,
    ],
  );
  return Number(row!.id);
}

/** Capture of a pedimento (A30-PED-02…05): normalised number, SAT keys, warnings; 409 when already registered. */
export async function createPedimento(db: Database, input: CreatePedimentoInput, actor: Actor, now: Date): Promise<{ pedimento: PedimentoView; eventLogId: number }> {
  return db.transaction(async (tx) => {
    let installationId: number | null = null;
    let taxpayerId: number;
    if (input.installationKey) {
      const [installation] = await tx.query<{ id: number; taxpayer_id: number }>("select id, taxpayer_id from installations where key = $1", [input.installationKey]);
      if (!installation) throw new PedimentoError("not_found", `Instalación desconocida: ${input.installationKey}`);
      installationId = Number(installation.id);
      taxpayerId = Number(installation.taxpayer_id);
    } else {
      const taxpayers = await tx.query<{ id: number }>("select id from taxpayers order by id limit 2");
      if (taxpayers.length !== 1) throw new PedimentoError("invalid", "Indique la instalación del pedimento (installationKey)");
      taxpayerId = Number(taxpayers[0]!.id);
    }
    if (input.lotKey && installationId === null) throw new PedimentoError("invalid", "Para vincular el lote importado indique la instalación");
    const unit = await productUnit(tx, input.productKey, input.subProductKey ?? null);
    // Octane of an existing lot's dictamen (a new lot has none yet).
    let lotId: number | null = null;
    if (input.lotKey && installationId !== null) {
      const [lot] = await tx.query<{ id: number }>("select id from lots where installation_id = $1 and key = $2", [installationId, input.lotKey]);
      lotId = lot ? Number(lot.id) : null;
    }
    const { values, warnings, capturedIncoterm } = checkValues(
      {
        number: input.number,
        pedimentoKey: input.pedimentoKey ?? null,
        direction: input.direction,
        date: input.date,
        exportPoint: input.exportPoint ?? null,
        entryPoint: input.entryPoint ?? null,
        destinationCountry: input.destinationCountry ?? null,
        originCountry: input.originCountry,
        transportMeansIn: input.transportMeansIn,
        transportMeansOut: input.transportMeansOut ?? null,
        incoterm: input.incoterm,
        tariffFraction: input.tariffFraction,
        nico: input.nico ?? null,
        productKey: input.productKey,
        subProductKey: input.subProductKey ?? null,
        volume: input.volume,
        unit: input.unit ?? null,
        customsValueMxn: input.customsValueMxn ?? null,
        importPriceMxn: input.importPriceMxn ?? null,
        importPermit: input.importPermit ?? null,
        counterpartyName: input.counterpartyName ?? null,
        counterpartyTaxId: input.counterpartyTaxId ?? null,
      },
      unit,
      await lotOctane(tx, lotId),
    );
    await assertNumberFree(tx, taxpayerId, values.number, null);
    let lotCreated = false;
    if (input.lotKey && installationId !== null) {
      const lot = await findOrCreateImportLot(tx, installationId, input.lotKey, values.productKey, values.subProductKey, values.date, actor, now);
      lotId = lot.id;
      lotCreated = lot.created;
    }
    const id = await insertPedimento(tx, values, { taxpayerId, installationId, lotId, warnings, version: 1, supersedesId: null, correctionReason: null, now, actor });
    const entry = await appendEventLog(tx, {
      time: now,
      userId: actor.userId,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: `Captura del pedimento de ${DIRECTION_LABEL[values.direction]} ${values.number} (${values.productKey}, ${values.volume.toFixed(3)} ${UNIT_LABEL[values.unit] ?? values.unit}, ${values.incoterm}) por ${actor.username}${
        input.lotKey ? `; lote ${input.lotKey}${lotCreated ? " (nuevo)" : ""}` : ""
      }${warnings.length ? `. Advertencias: ${warnings.join("; ")}` : ""}`.slice(0, 1000),
      component: values.number,
      installationId,
      details: { action: "create-pedimento", pedimentoId: id, ...values, capturedIncoterm, lotKey: input.lotKey ?? null, lotCreated, warnings },
    });
    return { pedimento: (await readPedimento(tx, id))!, eventLogId: entry.id };
  });
}

const CORRECTABLE = [
  "number",
  "pedimentoKey",
  "date",
  "exportPoint",
  "entryPoint",
  "destinationCountry",
  "originCountry",
  "transportMeansIn",
  "transportMeansOut",
  "incoterm",
  "tariffFraction",
  "nico",
  "subProductKey",
  "volume",
  "customsValueMxn",
  "importPriceMxn",
  "importPermit",
  "counterpartyName",
  "counterpartyTaxId",
] as const satisfies ReadonlyArray<keyof PedimentoValues>;

const FIELD_LABEL: Record<(typeof CORRECTABLE)[number], string> = {
  number: "número",
  pedimentoKey: "clave de pedimento",
  date: "fecha",
  exportPoint: "punto de exportación",
  entryPoint: "punto de internación",
  destinationCountry: "país de destino",
  originCountry: "país de origen",
  transportMeansIn: "medio de transporte de entrada",
  transportMeansOut: "medio de transporte de salida",
  incoterm: "Incoterms",
  tariffFraction: "fracción arancelaria",
  nico: "NICO",
  subProductKey: "subproducto",
  volume: "volumen documentado",
  customsValueMxn: "valor en aduana",
  importPriceMxn: "precio de importación",
  importPermit: "permiso de importación",
  counterpartyName: "proveedor o cliente extranjero",
  counterpartyTaxId: "identificación fiscal del extranjero",
};

/**
 * Correction as a new version (A30-STO-02, like operations): version + 1 supersedes the current
 * one, the reason is stored, the bitácora entry lists each changed field with its old and new
 * value. The active reception links move to the new version in the same transaction.
 */
export async function correctPedimento(db: Database, id: number, input: CorrectPedimentoInput, actor: Actor, now: Date): Promise<{ pedimento: PedimentoView; eventLogId: number; changes: Array<{ field: string; before: unknown; after: unknown }> }> {
  return db.transaction(async (tx) => {
    const currentId = await currentVersionId(tx, id);
    if (currentId === null) throw new PedimentoError("not_found", `Pedimento inexistente: ${id}`);
    // Serialise corrections of this chain: the row lock of the current version.
    await tx.query("select id from pedimentos where id = $1 for update", [currentId]);
    if ((await currentVersionId(tx, id)) !== currentId) throw new PedimentoError("conflict", "El pedimento se corrigió mientras tanto: vuelva a cargarlo");
    const current = (await readPedimento(tx, currentId))!;
    const { reason, ...changes } = input;
    const before: PedimentoValues = {
      number: current.number,
      pedimentoKey: current.pedimentoKey,
      direction: current.direction,
      date: current.date,
      exportPoint: current.exportPoint,
      entryPoint: current.entryPoint,
      destinationCountry: current.destinationCountry,
      originCountry: current.originCountry,
      transportMeansIn: current.transportMeansIn,
      transportMeansOut: current.transportMeansOut,
      incoterm: current.incoterm,
      tariffFraction: current.tariffFraction,
      nico: current.nico,
      productKey: current.productKey,
      subProductKey: current.subProductKey,
      volume: current.volume,
      unit: current.unit,
      customsValueMxn: current.customsValueMxn,
      importPriceMxn: current.importPriceMxn,
      importPermit: current.importPermit,
      counterpartyName: current.counterpartyName,
      counterpartyTaxId: current.counterpartyTaxId,
    };
    const merged = { ...before } as Record<string, unknown>;
    for (const [field, value] of Object.entries(changes)) if (value !== undefined) merged[field] = value;
    // A corrected fraction carries its own NICO ("2710.12.99-06") unless one is given apart.
    if (changes.tariffFraction !== undefined && changes.nico === undefined) merged.nico = null;
    const unit = await productUnit(tx, before.productKey, (merged.subProductKey as string | null) ?? null);
    const { values, warnings, capturedIncoterm } = checkValues(merged as RawValues, unit, await lotOctane(tx, current.lotId));
    const changed = CORRECTABLE.filter((f) => values[f] !== before[f]).map((f) => ({ field: f, before: before[f], after: values[f] }));
    if (changed.length === 0) throw new PedimentoError("invalid", "La corrección no cambia ningún dato del pedimento");
    const [taxpayer] = await tx.query<{ taxpayer_id: number; installation_id: number | null }>("select taxpayer_id, installation_id from pedimentos where id = $1", [currentId]);
    if (values.number !== before.number) await assertNumberFree(tx, Number(taxpayer!.taxpayer_id), values.number, currentId);
    const newId = await insertPedimento(tx, values, {
      taxpayerId: Number(taxpayer!.taxpayer_id),
      installationId: taxpayer!.installation_id === null ? null : Number(taxpayer!.installation_id),
      lotId: current.lotId,
      warnings,
      version: current.version + 1,
      supersedesId: currentId,
      correctionReason: reason,
      now,
      actor,
    });
    // The links follow the current version: closed on the old row, reopened on the new one.
    const moved = await tx.query<{ operation_id: number }>(
      `with closed as (update pedimento_operation_links set unlinked_at = $2, unlinked_by = $3 where pedimento_id = $1 and unlinked_at is null
                       returning operation_id, volume_linked, unit)
       insert into pedimento_operation_links (pedimento_id, operation_id, volume_linked, unit, linked_at, linked_by)
       select $4, operation_id, volume_linked, unit, $2, $3 from closed returning operation_id`,
      [currentId, now.toISOString(), actor.userId, newId],
    );
    const summary = changed.map((c) => `${FIELD_LABEL[c.field]}: ${String(c.before ?? "(vacío)")} → ${String(c.after ?? "(vacío)")}`).join("; ");
    const entry = await appendEventLog(tx, {
      time: now,
      userId: actor.userId,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: `Corrección del pedimento ${before.number} (versión ${current.version} → ${current.version + 1}) por ${actor.username}: ${summary}. Motivo: ${reason}`.slice(0, 1000),
      component: values.number,
      installationId: taxpayer!.installation_id === null ? null : Number(taxpayer!.installation_id),
      details: { action: "correct-pedimento", pedimentoId: newId, supersedesId: currentId, fromVersion: current.version, toVersion: current.version + 1, changes: changed, capturedIncoterm, warnings, reason, linksMoved: moved.length },
    });
    return { pedimento: (await readPedimento(tx, newId))!, eventLogId: entry.id, changes: changed };
  });
}

/**
 * A30-PED-07: links (or unlinks) a reception — a delivery for an export pedimento — to the
 * pedimento's current version, with the volume it covers (default: the operation's net volume).
 * One bitácora entry, also linked to the operation; the answer carries the linked-volume summary.
 */
export async function linkPedimentoOperation(db: Database, id: number, input: PedimentoLinkInput, actor: Actor, now: Date): Promise<{ pedimento: PedimentoView; eventLogId: number; warnings: string[] }> {
  return db.transaction(async (tx) => {
    const currentId = await currentVersionId(tx, id);
    if (currentId === null) throw new PedimentoError("not_found", `Pedimento inexistente: ${id}`);
    await tx.query("select id from pedimentos where id = $1 for update", [currentId]);
    const pedimento = (await readPedimento(tx, currentId))!;
    const operation = await getCurrentVersion(tx, input.operationId);
    if (!operation) throw new PedimentoError("not_found", `Operación inexistente: ${input.operationId}`);
    // Any version of the same record counts as "the same operation".
    const [active] = await tx.query<{ id: number; volume_linked: string }>(
      `select l.id, l.volume_linked from pedimento_operation_links l join operations o on o.id = l.operation_id
        where l.pedimento_id = $1 and l.unlinked_at is null and o.installation_id = $2 and o.number = $3`,
      [currentId, operation.installationId, operation.number],
    );
    const unit = UNIT_LABEL[pedimento.unit] ?? pedimento.unit;
    const warnings: string[] = [];
    let description: string;
    let details: Record<string, unknown>;
    if (input.action === "link") {
      const expectedType = OPERATION_FOR_DIRECTION[pedimento.direction];
      if (operation.type !== expectedType) {
        throw new PedimentoError("invalid", `Un pedimento de ${DIRECTION_LABEL[pedimento.direction]} se vincula a ${expectedType === "reception" ? "recepciones" : "entregas"}: la operación ${operation.number} es una ${OPERATION_LABEL[operation.type]}`);
      }
      if (pedimento.installation !== null && pedimento.installation !== operation.installationKey) {
        throw new PedimentoError("invalid", `La operación ${operation.number} es de ${operation.installationKey}; el pedimento es de ${pedimento.installation}`);
      }
      if (operation.productKey !== pedimento.productKey) throw new PedimentoError("invalid", `La operación ${operation.number} es de ${operation.productKey}; el pedimento ampara ${pedimento.productKey}`);
      if (operation.unit !== pedimento.unit) throw new PedimentoError("invalid", `La operación ${operation.number} está en ${operation.unit}; el pedimento en ${pedimento.unit}`);
      if (active) throw new PedimentoError("conflict", `La ${OPERATION_LABEL[operation.type]} número ${operation.number} ya está vinculada a este pedimento`);
      const volume = input.volume ?? operation.netVolume;
      if (volume > operation.netVolume + 0.0005) throw new PedimentoError("invalid", `Volumen vinculado ${volume.toFixed(3)} mayor que el de la operación (${operation.netVolume.toFixed(3)} ${unit})`);
      if (pedimento.linked.linked + volume > pedimento.volume + 0.0005) warnings.push(`el volumen vinculado (${(pedimento.linked.linked + volume).toFixed(3)} ${unit}) excede el declarado en el pedimento (${pedimento.volume.toFixed(3)} ${unit})`);
      await tx.query("insert into pedimento_operation_links (pedimento_id, operation_id, volume_linked, unit, linked_at, linked_by) values ($1, $2, $3, $4, $5, $6)", [
        currentId,
        operation.id,
        volume.toFixed(3),
        operation.unit,
        now.toISOString(),
        actor.userId,
      ]);
      description = `Vinculación del pedimento ${pedimento.number} con la ${OPERATION_LABEL[operation.type]} número ${operation.number} de ${operation.installationKey} (${volume.toFixed(3)} ${unit}) por ${actor.username}`;
      details = { action: "link-pedimento", pedimentoId: currentId, operationId: operation.id, operationNumber: operation.number, volume, unit: operation.unit, warnings };
    } else {
      if (!active) throw new PedimentoError("not_found", `La operación ${operation.number} no está vinculada a este pedimento`);
      await tx.query("update pedimento_operation_links set unlinked_at = $2, unlinked_by = $3 where id = $1", [active.id, now.toISOString(), actor.userId]);
      description = `Desvinculación de la ${OPERATION_LABEL[operation.type]} número ${operation.number} de ${operation.installationKey} del pedimento ${pedimento.number} por ${actor.username}`;
      details = { action: "unlink-pedimento", pedimentoId: currentId, operationId: operation.id, operationNumber: operation.number, volume: Number(active.volume_linked) };
    }
    const updated = (await readPedimento(tx, currentId))!;
    const entry = await appendEventLog(tx, {
      time: now,
      userId: actor.userId,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: `${description}: ${updated.linked.label}${warnings.length ? `. Advertencia: ${warnings.join("; ")}` : ""}`.slice(0, 1000),
      component: pedimento.number,
      installationId: operation.installationId,
      details: { ...details, summary: updated.linked.label },
    });
    await linkEventLogToOperation(tx, entry.id, operation.id, "note");
    return { pedimento: updated, eventLogId: entry.id, warnings };
  });
}

const SELECT = `
  select p.*, t.rfc as taxpayer_rfc, i.key as installation_key, l.key as lot_key, u.username as created_by_username
    from pedimentos p
    join taxpayers t on t.id = p.taxpayer_id
    left join installations i on i.id = p.installation_id
    left join lots l on l.id = p.lot_id
    left join users u on u.id = p.created_by`;

/** Constant statements (no text is interpolated at the call sites, A30-SEC-15). */
const SELECT_BY_ID = SELECT + " where p.id = $1";
const SELECT_CURRENT =
  SELECT +
  ` where not exists (select 1 from pedimentos n where n.supersedes_id = p.id) and ($1::text is null or i.key = $1)
    order by p.date desc, p.id desc limit $2`;
const SELECT_VERSIONS =
  `with recursive back(id, supersedes_id) as (select id, supersedes_id from pedimentos where id = $1
      union all select p.id, p.supersedes_id from pedimentos p join back b on p.id = b.supersedes_id),
    fwd(id) as (select id from pedimentos where id = $1 union all select p.id from pedimentos p join fwd f on p.supersedes_id = f.id)` +
  SELECT +
  " where p.id in (select id from back union select id from fwd) order by p.version";

type PedimentoRow = Record<string, unknown> & { id: number };

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const iso = (v: unknown): string => (v instanceof Date ? v : new Date(String(v))).toISOString();
const dateOnly = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));

async function linksOf(tx: SqlExecutor, ids: number[]): Promise<Map<number, PedimentoLinkView[]>> {
  const out = new Map<number, PedimentoLinkView[]>();
  if (ids.length === 0) return out;
  const rows = await tx.query<{
    pedimento_id: number; operation_id: number; number: number; type: "reception" | "delivery"; installation_key: string; element: string | null;
    end_at: Date | string; volume_linked: string; unit: string; linked_at: Date | string; username: string | null;
  }>(
    `select l.pedimento_id, l.operation_id, o.number, o.type, i.key as installation_key, coalesce(h.key, k.key, d.key) as element, o.end_at,
            l.volume_linked, l.unit, l.linked_at, u.username
       from pedimento_operation_links l
       join operations o on o.id = l.operation_id
       join installations i on i.id = o.installation_id
       left join tanks k on k.id = o.tank_id
       left join hoses h on h.id = o.hose_id
       left join ducts d on d.id = o.duct_id
       left join users u on u.id = l.linked_by
      where l.pedimento_id = any($1::int[]) and l.unlinked_at is null
      order by o.end_at, o.number`,
    [ids],
  );
  for (const r of rows) {
    const list = out.get(Number(r.pedimento_id)) ?? [];
    list.push({
      operationId: Number(r.operation_id),
      operationNumber: Number(r.number),
      operationType: r.type,
      installation: r.installation_key,
      element: r.element,
      endAt: iso(r.end_at),
      volumeLinked: Number(r.volume_linked),
      unit: r.unit,
      linkedAt: iso(r.linked_at),
      linkedBy: r.username,
    });
    out.set(Number(r.pedimento_id), list);
  }
  return out;
}

function toView(r: PedimentoRow, links: PedimentoLinkView[]): PedimentoView {
  const volume = Number(r.volume);
  const unit = String(r.unit);
  const summary = linkedVolumeSummary(volume, links.map((l) => l.volumeLinked));
  const unitLabel = UNIT_LABEL[unit] ?? unit;
  const warnings = typeof r.warnings === "string" ? (JSON.parse(r.warnings) as string[]) : ((r.warnings as string[] | null) ?? []);
  return {
    id: Number(r.id),
    taxpayerRfc: String(r.taxpayer_rfc),
    installation: (r.installation_key as string | null) ?? null,
    number: String(r.number),
    pedimentoKey: (r.pedimento_key as string | null) ?? null,
    direction: r.direction as "import" | "export",
    date: dateOnly(r.date),
    exportPoint: (r.export_point as string | null) ?? null,
    entryPoint: (r.entry_point as string | null) ?? null,
    destinationCountry: (r.destination_country as string | null) ?? null,
    originCountry: String(r.origin_country),
    transportMeansIn: String(r.transport_means_in),
    transportMeansInLabel: TRANSPORT_MEANS[String(r.transport_means_in)] ?? String(r.transport_means_in),
    transportMeansOut: (r.transport_means_out as string | null) ?? null,
    transportMeansOutLabel: r.transport_means_out == null ? null : (TRANSPORT_MEANS[String(r.transport_means_out)] ?? String(r.transport_means_out)),
    incoterm: String(r.incoterm),
    tariffFraction: String(r.tariff_fraction),
    nico: (r.nico as string | null) ?? null,
    productKey: String(r.product_key),
    subProductKey: (r.sub_product_key as string | null) ?? null,
    volume,
    unit,
    customsValueMxn: num(r.customs_value_mxn),
    importPriceMxn: num(r.import_price_mxn),
    importPermit: (r.import_permit as string | null) ?? null,
    counterpartyName: (r.counterparty_name as string | null) ?? null,
    counterpartyTaxId: (r.counterparty_tax_id as string | null) ?? null,
    lotId: num(r.lot_id),
    lotKey: (r.lot_key as string | null) ?? null,
    warnings,
    version: Number(r.version),
    supersedesId: num(r.supersedes_id),
    correctionReason: (r.correction_reason as string | null) ?? null,
    createdAt: iso(r.created_at),
    createdBy: (r.created_by_username as string | null) ?? null,
    links,
    // linkedVolumeSummary speaks litres; other units keep its figures with their own symbol.
    linked: { linked: summary.linkedL, declared: summary.declaredL, complete: summary.complete, label: unitLabel === "L" ? summary.label : summary.label.replace(/ L$/, ` ${unitLabel}`) },
  };
}

export async function readPedimento(db: SqlExecutor, id: number): Promise<PedimentoView | null> {
  const rows = await db.query<PedimentoRow>(SELECT_BY_ID, [id]);
  if (!rows[0]) return null;
  const links = await linksOf(db, [id]);
  return toView(rows[0], links.get(id) ?? []);
}

/** Current versions, newest date first, each with its active links and the linked-volume summary (A30-PED-07). */
export async function listPedimentos(db: SqlExecutor, filter: { installationKey?: string; limit?: number } = {}): Promise<PedimentoView[]> {
  const rows = await db.query<PedimentoRow>(SELECT_CURRENT, [filter.installationKey ?? null, filter.limit ?? 200]);
  const links = await linksOf(db, rows.map((r) => Number(r.id)));
  return rows.map((r) => toView(r, links.get(Number(r.id)) ?? []));
}

/** Every version of the pedimento `id` belongs to, oldest first (A30-STO-02 history). */
export async function listPedimentoVersions(db: SqlExecutor, id: number): Promise<PedimentoView[]> {
  const rows = await db.query<PedimentoRow>(SELECT_VERSIONS, [id]);
  return rows.map((r) => toView(r, []));
}
