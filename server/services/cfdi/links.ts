import type { Database, DatabaseTransaction, SqlExecutor } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { getCurrentVersion, linkEventLogToOperation, type OperationRow } from "../../../db/repositories/operations";
import { GENERIC_RFCS } from "../../domain/cfdi/identifiers";
import {
  DEFAULT_MATCHING_RULES,
  evaluatePair,
  matchCfdiToOperations,
  type CfdiMatch,
  type MatchableCfdi,
  type MatchableOperation,
  type MatchCandidate,
  type MatchingRules,
} from "../../domain/cfdi/matching";
import { LITRES_PER_SAT_UNIT, round3 } from "../../domain/cfdi/volume";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import type { VolumeUnit } from "../../domain/measurement/units";
import {
  CfdiError,
  DEFAULT_TIME_ZONE,
  localDate,
  OPERATION_FOR_PURPOSE,
  OPERATION_LABEL,
  PURPOSE_LABEL,
  SYSTEM_ACTOR,
  UNIT_LABEL,
  type CfdiActor,
  type CfdiPurpose,
} from "./common";

/**
 * CFDI ↔ operation links (A30-CFDI-05): automatic matching (the pure matcher of
 * server/domain/cfdi/matching.ts over what is still unlinked), manual link and unlink. Links are
 * many-to-many with the volume linked per pair (in the operation's unit); unlinking keeps the row
 * (unlinked_at/by) so the history stays readable (A30-LOG-10). A link belongs to the operation
 * *record* (installation + number): a correction (new version) keeps its CFDI. Every link and
 * unlink is one transaction with one bitácora entry (category 5), tied to the operation
 * (event_log_links 'note'); automatic links are made by 'sistema'.
 *
 * Automatic matching only considers: vigente CFDI of type I with purpose acquisition/sale, a fuel
 * volume and no active link, whose counterparty is not a generic RFC (XAXX010101000 público en
 * general / XEXX010101000 extranjero: a global invoice or "any foreigner" says nothing about one
 * operation, §20 #17); and current operations without an active CFDI link. A pair a user unlinked
 * is never linked again automatically.
 */

export interface AutomaticLink {
  linkId: number;
  cfdiId: number;
  uuid: string;
  operationId: number;
  operationNumber: number;
  installationKey: string;
  volumeLinked: number;
  unit: string;
  eventLogId: number;
  reason: string;
}

interface PendingCfdiRow {
  id: number;
  uuid: string;
  taxpayer_id: number;
  purpose: "acquisition" | "sale";
  issuer_rfc: string;
  receiver_rfc: string;
  issued_at: Date | string;
  time_zone: string | null;
}

interface OperationCandidateRow {
  id: string | number;
  installation_id: number;
  number: string | number;
  type: "reception" | "delivery";
  counterparty_rfc: string | null;
  start_at: Date | string;
  end_at: Date | string;
  net_volume: string;
  unit: VolumeUnit;
  time_zone: string;
  taxpayer_id: number;
}

/** Litres documented by each CFDI (sum of its concepts' volumes, A30-MS-09 factors). */
async function cfdiLitres(db: SqlExecutor, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<{ cfdi_id: number; volume: string; volume_unit: VolumeUnit }>(
    "select cfdi_id, volume, volume_unit from cfdi_concepts where cfdi_id = any($1::int[]) and volume is not null",
    [ids],
  );
  const out = new Map<number, number>();
  for (const r of rows) out.set(Number(r.cfdi_id), round3((out.get(Number(r.cfdi_id)) ?? 0) + Number(r.volume) * LITRES_PER_SAT_UNIT[r.volume_unit]));
  return out;
}

function toMatchableOperation(r: OperationCandidateRow): MatchableOperation {
  return {
    id: Number(r.id),
    type: r.type,
    counterpartyRfc: r.counterparty_rfc,
    startDate: localDate(new Date(r.start_at), r.time_zone),
    endDate: localDate(new Date(r.end_at), r.time_zone),
    litres: round3(Number(r.net_volume) * LITRES_PER_SAT_UNIT[r.unit]),
  };
}

/**
 * Runs the automatic matching over everything still unlinked (of one taxpayer, or all) and makes
 * the unambiguous links. Returns the matcher's verdict per CFDI (ambiguous ones keep their
 * candidates for the manual list) and the links made.
 */
export async function runCfdiMatching(
  db: Database,
  now: Date,
  options: { taxpayerId?: number; rules?: MatchingRules } = {},
): Promise<{ matches: CfdiMatch[]; links: AutomaticLink[] }> {
  const rules = options.rules ?? DEFAULT_MATCHING_RULES;
  const pending = await db.query<PendingCfdiRow>(
    `select c.id, c.uuid, c.taxpayer_id, c.purpose, c.issuer_rfc, c.receiver_rfc, c.issued_at,
            (select time_zone from installations where taxpayer_id = c.taxpayer_id order by id limit 1) as time_zone
       from cfdi c
      where c.status = 'vigente' and c.type = 'I' and c.purpose in ('acquisition', 'sale') and ($2::int is null or c.taxpayer_id = $2)
        and (case when c.purpose = 'acquisition' then c.issuer_rfc else c.receiver_rfc end) <> all($1::text[])
        and not exists (select 1 from cfdi_operation_links l where l.cfdi_id = c.id and l.unlinked_at is null)
      order by c.id`,
    [[...GENERIC_RFCS], options.taxpayerId ?? null],
  );
  if (pending.length === 0) return { matches: [], links: [] };
  const litres = await cfdiLitres(db, pending.map((p) => Number(p.id)));
  const cfdis = pending.map((p) => ({
    taxpayerId: Number(p.taxpayer_id),
    cfdi: {
      id: Number(p.id),
      uuid: p.uuid,
      purpose: p.purpose,
      counterpartyRfc: p.purpose === "acquisition" ? p.issuer_rfc : p.receiver_rfc,
      issueDate: localDate(new Date(p.issued_at), p.time_zone ?? DEFAULT_TIME_ZONE),
      litres: litres.get(Number(p.id)) ?? 0,
    } satisfies MatchableCfdi,
  }));
  // Candidates per CFDI window, type and RFC (same RFC or none) in one statement: a service
  // station's thousands of sales to the general public are never read.
  const margin = (rules.windowDays + 2) * 86_400_000;
  const taxpayerIds = [...new Set(cfdis.map((c) => c.taxpayerId))];
  const operationRows = await db.query<OperationCandidateRow>(
    `select distinct o.id, o.installation_id, o.number, o.type, o.counterparty_rfc, o.start_at, o.end_at, o.net_volume, o.unit, i.time_zone, i.taxpayer_id
       from operations o join installations i on i.id = o.installation_id
       join unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[]) as w(taxpayer_id, type, rfc, from_at, to_at)
         on i.taxpayer_id = w.taxpayer_id and o.type = w.type and (o.counterparty_rfc is null or o.counterparty_rfc = w.rfc)
            and o.end_at >= w.from_at and o.start_at <= w.to_at
      where not exists (select 1 from operations n where n.supersedes_id = o.id)
        and not exists (select 1 from cfdi_operation_links l join operations v on v.id = l.operation_id
                         where l.unlinked_at is null and v.installation_id = o.installation_id and v.number = o.number)`,
    [
      cfdis.map((c) => c.taxpayerId),
      cfdis.map((c) => (c.cfdi.purpose === "acquisition" ? "reception" : "delivery")),
      cfdis.map((c) => c.cfdi.counterpartyRfc),
      pending.map((p) => new Date(new Date(p.issued_at).getTime() - margin).toISOString()),
      pending.map((p) => new Date(new Date(p.issued_at).getTime() + margin).toISOString()),
    ],
  );
  // Pairs a user unlinked: never proposed automatically again (keyed by the record, any version).
  const unlinked = await db.query<{ cfdi_id: number; installation_id: number; number: string | number }>(
    `select distinct l.cfdi_id, v.installation_id, v.number from cfdi_operation_links l join operations v on v.id = l.operation_id
      where l.unlinked_at is not null and l.cfdi_id = any($1::int[])`,
    [pending.map((p) => Number(p.id))],
  );
  const refused = new Set(unlinked.map((u) => `${Number(u.cfdi_id)}|${Number(u.installation_id)}:${Number(u.number)}`));
  const recordOf = new Map(operationRows.map((r) => [Number(r.id), `${Number(r.installation_id)}:${Number(r.number)}`]));

  const matches: CfdiMatch[] = [];
  const proposed: MatchCandidate[] = [];
  for (const taxpayerId of taxpayerIds) {
    const mine = cfdis.filter((c) => c.taxpayerId === taxpayerId).map((c) => c.cfdi);
    const operations = operationRows.filter((r) => Number(r.taxpayer_id) === taxpayerId).map(toMatchableOperation);
    const result = matchCfdiToOperations(mine, operations, rules, (cfdiId, operationId) => refused.has(`${cfdiId}|${recordOf.get(operationId)}`));
    matches.push(...result.matches);
    proposed.push(...result.links);
  }

  const links: AutomaticLink[] = [];
  const uuidOf = new Map(cfdis.map((c) => [c.cfdi.id, c.cfdi.uuid]));
  for (const candidate of proposed) {
    let made: Awaited<ReturnType<typeof makeLink>>;
    try {
      made = await db.transaction((tx) => makeLink(tx, { cfdiId: candidate.cfdiId, operationId: candidate.operationId, actor: SYSTEM_ACTOR, now, suggested: true, reason: candidate.reason, requireUnlinked: true }));
    } catch (error) {
      // Something changed since the candidates were read (e.g. the operation was corrected): the next run decides again.
      if (error instanceof CfdiError) continue;
      throw error;
    }
    if (made) links.push({ ...made, uuid: uuidOf.get(candidate.cfdiId) ?? made.uuid, reason: candidate.reason });
  }
  return { matches, links };
}

interface CfdiLinkTarget {
  id: number;
  uuid: string;
  type: "I" | "E" | "T" | "P";
  purpose: CfdiPurpose;
  status: string;
  taxpayer_id: number;
}

async function lockCfdi(tx: SqlExecutor, cfdiId: number): Promise<CfdiLinkTarget | null> {
  const [row] = await tx.query<CfdiLinkTarget>("select id, uuid, type, purpose, status, taxpayer_id from cfdi where id = $1 for update", [cfdiId]);
  return row ? { ...row, id: Number(row.id), taxpayer_id: Number(row.taxpayer_id) } : null;
}

/** Volume of the CFDI in `unit` (its concepts' volumes converted). */
async function cfdiVolumeIn(tx: SqlExecutor, cfdiId: number, unit: VolumeUnit): Promise<number | null> {
  const litres = (await cfdiLitres(tx, [cfdiId])).get(cfdiId);
  return litres === undefined ? null : round3(litres / LITRES_PER_SAT_UNIT[unit]);
}

/** Active links of a CFDI (with the record each belongs to). */
async function activeLinksOfCfdi(tx: SqlExecutor, cfdiId: number) {
  return tx.query<{ id: string | number; operation_id: string | number; installation_id: number; number: string | number; volume_linked: string; unit: VolumeUnit }>(
    `select l.id, l.operation_id, v.installation_id, v.number, l.volume_linked, l.unit from cfdi_operation_links l join operations v on v.id = l.operation_id
      where l.cfdi_id = $1 and l.unlinked_at is null order by l.id`,
    [cfdiId],
  );
}

/** Active links of an operation record (any version). */
async function activeLinksOfRecord(tx: SqlExecutor, installationId: number, number: number) {
  return tx.query<{ id: string | number; cfdi_id: number; uuid: string; volume_linked: string; unit: VolumeUnit }>(
    `select l.id, l.cfdi_id, c.uuid, l.volume_linked, l.unit from cfdi_operation_links l join operations v on v.id = l.operation_id join cfdi c on c.id = l.cfdi_id
      where l.unlinked_at is null and v.installation_id = $1 and v.number = $2 order by l.id`,
    [installationId, number],
  );
}

async function operationTaxpayer(tx: SqlExecutor, installationId: number): Promise<number> {
  const [row] = await tx.query<{ taxpayer_id: number }>("select taxpayer_id from installations where id = $1", [installationId]);
  return Number(row!.taxpayer_id);
}

function checkCompatible(cfdi: CfdiLinkTarget, operation: OperationRow): void {
  if (cfdi.type === "P") throw new CfdiError("invalid", "Un CFDI de pago (tipo P) no se vincula a operaciones: se relaciona con los CFDI que paga (A30-CFDI-04)");
  if (cfdi.status === "cancelado") throw new CfdiError("conflict", `El CFDI ${cfdi.uuid} está cancelado: no se puede vincular (A30-CFDI-06)`);
  const expected = OPERATION_FOR_PURPOSE[cfdi.purpose];
  if (expected && expected !== operation.type) {
    throw new CfdiError(
      "invalid",
      `Un CFDI de ${PURPOSE_LABEL[cfdi.purpose]} se vincula a ${expected === "reception" ? "recepciones" : "entregas"}, no a una ${OPERATION_LABEL[operation.type]} (A30-CFDI-05)`,
    );
  }
}

/**
 * Inserts one link + its bitácora entry (inside `tx`). With `requireUnlinked` (automatic links)
 * it re-checks, under the CFDI and operation row locks, that neither side got a link meanwhile and
 * returns null instead of linking.
 */
async function makeLink(
  tx: DatabaseTransaction,
  input: { cfdiId: number; operationId: number; actor: CfdiActor; now: Date; suggested: boolean; reason?: string; volume?: number; requireUnlinked?: boolean },
): Promise<Omit<AutomaticLink, "reason"> | null> {
  const cfdi = await lockCfdi(tx, input.cfdiId);
  if (!cfdi) throw new CfdiError("not_found", `CFDI inexistente: ${input.cfdiId}`);
  const operation = await getCurrentVersion(tx, input.operationId);
  if (!operation) throw new CfdiError("not_found", `Operación inexistente: ${input.operationId}`);
  await tx.query("select id from operations where id = $1 for update", [operation.id]);
  if ((await operationTaxpayer(tx, operation.installationId)) !== cfdi.taxpayer_id) {
    throw new CfdiError("invalid", `La operación ${operation.number} de ${operation.installationKey} no es del contribuyente del CFDI ${cfdi.uuid}`);
  }
  checkCompatible(cfdi, operation);
  const cfdiLinks = await activeLinksOfCfdi(tx, cfdi.id);
  const recordLinks = await activeLinksOfRecord(tx, operation.installationId, operation.number);
  if (input.requireUnlinked && (cfdiLinks.length > 0 || recordLinks.length > 0 || cfdi.status !== "vigente")) return null;
  if (recordLinks.some((l) => Number(l.cfdi_id) === cfdi.id)) {
    throw new CfdiError("conflict", `El CFDI ${cfdi.uuid} ya está vinculado a la ${OPERATION_LABEL[operation.type]} ${operation.number} de ${operation.installationKey}`);
  }
  const unit = operation.unit as VolumeUnit;
  const cfdiVolume = await cfdiVolumeIn(tx, cfdi.id, unit);
  let volume: number;
  if (input.volume !== undefined) volume = round3(input.volume);
  else if (input.suggested) volume = cfdiVolume ?? 0;
  else {
    // Default: what is still unlinked on both sides (a CFDI covering two receptions, two CFDI one reception).
    const linkedOfCfdi = cfdiLinks.reduce((s, l) => s + (Number(l.volume_linked) * LITRES_PER_SAT_UNIT[l.unit]) / LITRES_PER_SAT_UNIT[unit], 0);
    const linkedOfOperation = recordLinks.reduce((s, l) => s + (Number(l.volume_linked) * LITRES_PER_SAT_UNIT[l.unit]) / LITRES_PER_SAT_UNIT[unit], 0);
    const remainingOperation = Math.max(0, operation.netVolume - linkedOfOperation);
    volume = cfdiVolume === null ? 0 : round3(Math.min(Math.max(0, cfdiVolume - linkedOfCfdi), remainingOperation));
  }
  const before = recordLinks.map((l) => l.uuid);
  const label = OPERATION_LABEL[operation.type];
  const unitLabel = UNIT_LABEL[unit] ?? unit;
  const description = input.suggested
    ? `Vinculación automática del CFDI ${cfdi.uuid} a la ${label} número ${operation.number} de ${operation.installationKey} (${volume.toFixed(3)} ${unitLabel}): ${input.reason ?? ""}`
    : `Vinculación manual del CFDI ${cfdi.uuid} a la ${label} número ${operation.number} de ${operation.installationKey} (${volume.toFixed(3)} ${unitLabel}) por ${input.actor.username}`;
  const entry = await appendEventLog(tx, {
    time: input.now,
    userId: input.actor.userId,
    username: input.actor.username,
    category: EVENT_CATEGORY.dailyOperations,
    eventType: EVENT_CATEGORY.dailyOperations,
    description: description.slice(0, 1000),
    component: operation.tankKey ?? operation.hoseKey ?? operation.installationKey,
    installationId: operation.installationId,
    details: {
      action: input.suggested ? "link-cfdi-automatic" : "link-cfdi",
      cfdiId: cfdi.id,
      uuid: cfdi.uuid,
      operationId: operation.id,
      operationNumber: operation.number,
      installationKey: operation.installationKey,
      volumeLinked: volume,
      unit,
      ...(input.reason ? { reason: input.reason } : {}),
      before: { cfdiOfOperation: before },
      after: { cfdiOfOperation: [...before, cfdi.uuid] },
    },
  });
  const [row] = await tx.query<{ id: string | number }>(
    `insert into cfdi_operation_links (cfdi_id, operation_id, volume_linked, unit, suggested, linked_at, linked_by) values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [cfdi.id, operation.id, volume.toFixed(3), unit, input.suggested, input.now.toISOString(), input.actor.userId],
  );
  await linkEventLogToOperation(tx, entry.id, operation.id, "note");
  return {
    linkId: Number(row!.id),
    cfdiId: cfdi.id,
    uuid: cfdi.uuid,
    operationId: operation.id,
    operationNumber: operation.number,
    installationKey: operation.installationKey,
    volumeLinked: volume,
    unit,
    eventLogId: entry.id,
  };
}

export interface LinkResult {
  action: "link" | "unlink";
  cfdiId: number;
  uuid: string;
  operationId: number;
  operationNumber: number;
  installationKey: string;
  volumeLinked: number;
  unit: string;
  eventLogId: number;
}

/** Manual link (A30-CFDI-05): a bitácora event. `volume` defaults to what is still unlinked on both sides. */
export async function linkCfdi(db: Database, actor: CfdiActor, input: { cfdiId: number; operationId: number; volume?: number }, now: Date): Promise<LinkResult> {
  if (input.volume !== undefined && !(Number.isFinite(input.volume) && input.volume >= 0)) throw new CfdiError("invalid", "El volumen vinculado debe ser un número mayor o igual a cero");
  const made = await db.transaction((tx) => makeLink(tx, { cfdiId: input.cfdiId, operationId: input.operationId, actor, now, suggested: false, volume: input.volume }));
  return { action: "link", ...made! };
}

/** Manual unlink with its reason (A30-CFDI-05, A30-LOG-10): the link row keeps unlinked_at/by. */
export async function unlinkCfdi(db: Database, actor: CfdiActor, input: { cfdiId: number; operationId: number; reason: string }, now: Date): Promise<LinkResult> {
  const reason = input.reason.trim();
  if (reason.length < 5) throw new CfdiError("invalid", "Motivo obligatorio: explique en al menos 5 caracteres por qué se desvincula el CFDI");
  return db.transaction(async (tx) => {
    const cfdi = await lockCfdi(tx, input.cfdiId);
    if (!cfdi) throw new CfdiError("not_found", `CFDI inexistente: ${input.cfdiId}`);
    const operation = await getCurrentVersion(tx, input.operationId);
    if (!operation) throw new CfdiError("not_found", `Operación inexistente: ${input.operationId}`);
    const links = await activeLinksOfRecord(tx, operation.installationId, operation.number);
    const active = links.find((l) => Number(l.cfdi_id) === cfdi.id);
    if (!active) throw new CfdiError("not_found", `El CFDI ${cfdi.uuid} no está vinculado a la ${OPERATION_LABEL[operation.type]} ${operation.number} de ${operation.installationKey}`);
    const before = links.map((l) => l.uuid);
    const unitLabel = UNIT_LABEL[active.unit] ?? active.unit;
    const entry = await appendEventLog(tx, {
      time: now,
      userId: actor.userId,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description:
        `Desvinculación del CFDI ${cfdi.uuid} de la ${OPERATION_LABEL[operation.type]} número ${operation.number} de ${operation.installationKey} (${Number(active.volume_linked).toFixed(3)} ${unitLabel}) por ${actor.username}. Motivo: ${reason}`.slice(0, 1000),
      component: operation.tankKey ?? operation.hoseKey ?? operation.installationKey,
      installationId: operation.installationId,
      details: {
        action: "unlink-cfdi",
        cfdiId: cfdi.id,
        uuid: cfdi.uuid,
        linkId: Number(active.id),
        operationId: operation.id,
        operationNumber: operation.number,
        installationKey: operation.installationKey,
        volumeLinked: Number(active.volume_linked),
        unit: active.unit,
        reason,
        before: { cfdiOfOperation: before },
        after: { cfdiOfOperation: before.filter((u) => u !== cfdi.uuid) },
      },
    });
    await tx.query("update cfdi_operation_links set unlinked_at = $2, unlinked_by = $3 where id = $1", [active.id, now.toISOString(), actor.userId]);
    await linkEventLogToOperation(tx, entry.id, operation.id, "note");
    return {
      action: "unlink" as const,
      cfdiId: cfdi.id,
      uuid: cfdi.uuid,
      operationId: operation.id,
      operationNumber: operation.number,
      installationKey: operation.installationKey,
      volumeLinked: Number(active.volume_linked),
      unit: active.unit,
      eventLogId: entry.id,
    };
  });
}

/**
 * Suggestions for one CFDI (the detail page's manual-link list): every unlinked operation of its
 * taxpayer compatible by RFC (or without RFC), window and tolerance, best first.
 */
export async function suggestionsForCfdi(db: SqlExecutor, cfdiId: number, rules: MatchingRules = DEFAULT_MATCHING_RULES): Promise<MatchCandidate[]> {
  const [c] = await db.query<PendingCfdiRow & { type: string; status: string }>(
    `select c.id, c.uuid, c.taxpayer_id, c.purpose, c.issuer_rfc, c.receiver_rfc, c.issued_at, c.type, c.status,
            (select time_zone from installations where taxpayer_id = c.taxpayer_id order by id limit 1) as time_zone
       from cfdi c where c.id = $1`,
    [cfdiId],
  );
  if (!c || (c.purpose !== "acquisition" && c.purpose !== "sale") || c.type === "P" || c.status === "cancelado") return [];
  const litres = (await cfdiLitres(db, [cfdiId])).get(cfdiId) ?? 0;
  if (litres <= 0) return [];
  const issued = new Date(c.issued_at).getTime();
  const margin = (rules.windowDays + 2) * 86_400_000;
  const rows = await db.query<OperationCandidateRow>(
    `select o.id, o.installation_id, o.number, o.type, o.counterparty_rfc, o.start_at, o.end_at, o.net_volume, o.unit, i.time_zone, i.taxpayer_id
       from operations o join installations i on i.id = o.installation_id
      where not exists (select 1 from operations n where n.supersedes_id = o.id)
        and i.taxpayer_id = $1 and o.type = $2 and o.end_at >= $3 and o.start_at <= $4
        and not exists (select 1 from cfdi_operation_links l join operations v on v.id = l.operation_id
                         where l.unlinked_at is null and v.installation_id = o.installation_id and v.number = o.number)`,
    [Number(c.taxpayer_id), c.purpose === "acquisition" ? "reception" : "delivery", new Date(issued - margin).toISOString(), new Date(issued + margin).toISOString()],
  );
  const cfdi: MatchableCfdi = {
    id: Number(c.id),
    uuid: c.uuid,
    purpose: c.purpose,
    counterpartyRfc: c.purpose === "acquisition" ? c.issuer_rfc : c.receiver_rfc,
    issueDate: localDate(new Date(c.issued_at), c.time_zone ?? DEFAULT_TIME_ZONE),
    litres,
  };
  return rows
    .map((r) => evaluatePair(cfdi, toMatchableOperation(r), rules))
    .filter((x): x is MatchCandidate => x !== null)
    .sort((a, b) => b.score - a.score || a.operationId - b.operationId);
}
