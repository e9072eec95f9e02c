import type { SqlExecutor } from "../../../db/client";
import { loadCheckpoint, loadDuctTargets, readTagAround } from "../../../db/repositories/operations";
import { attributeDuctBatch, totalizerAt } from "../../domain/operations/index";
import { partBeforeByTime, toMilli, type Milli } from "../../domain/reconciliation/index";

/**
 * Operations that straddle a cut (A30-INV-03, A30-INC-01 decision).
 *
 * SAT records stay as they are: an operation belongs to the period in which it ends, and the daily
 * accumulations (A30-REC-02) count it there whole. The measured stock at a cut, however, already
 * holds what moved before the cut, so the BOOK stock of the inconsistency evaluation splits the
 * operation at each cut it spans (`DayInput.movedBeforeOpening` / `inProgressAtCut`):
 *
 *   part moved before the boundary B (the period start or the cut), best source first:
 *   1. the element's own totalizer (hose or duct meter): (totalizer(B) − totalizer before) /
 *      gross × net — exact for metered operations;
 *   2. the tank's measured net stock at B vs at the operation's start, less the other operations of
 *      the tank that ended in between (metered sales, loadings…), clamped to [0, volume];
 *   3. pro rata by time, when no reading brackets B.
 *
 * Operations still in progress at the cut (not recorded yet) come from the detection job's durable
 * state: a tank whose level-rise detector is "rising" (a discharge under way) and a duct meter
 * "dispensing" (a loading/receipt under way, attributed to the tank whose stock moved, as the
 * record will be). Every split is reported (method and litres) so the auditor sees it.
 */

export interface StraddleOperation {
  operationId: number | null;
  number: number | null;
  source: "registro" | "detector en curso";
  type: "reception" | "delivery";
  element: string;
  startAt: string;
  endAt: string | null;
  netVolumeL: number | null;
  /** Net litres counted in this day's book (signed: receptions +, deliveries −). */
  bookedL: number;
  boundary: "opening" | "cut";
  method: "totalizador" | "existencias medidas" | "prorrateo por tiempo";
}

export interface StraddleAdjustment {
  movedBeforeOpening: Milli;
  inProgressAtCut: Milli;
  operations: StraddleOperation[];
}

export interface StraddleKey {
  installation_id: number;
  installation_key: string;
  tank_id: number;
  tank_key: string;
  product_key: string;
  period_start: Date | string;
  cut_at: Date | string;
}

interface OpRow {
  id: number;
  number: number;
  tank_id: number;
  type: "reception" | "delivery";
  element_type: string;
  start_at: Date | string;
  end_at: Date | string;
  net_volume: string;
  gross_volume: string | null;
  totalizer_after: string | null;
  element_key: string | null;
  installation_key: string;
  period_start: Date | string;
  cut_at: Date | string;
}

const ms = (v: Date | string) => new Date(v).getTime();

/** Per tank id: the book-stock split of the operations that straddle this period's cuts. */
export async function loadStraddleAdjustments(tx: SqlExecutor, keys: readonly StraddleKey[], maxAgeS: number): Promise<Map<number, StraddleAdjustment>> {
  const result = new Map<number, StraddleAdjustment>();
  const unique = [...new Map(keys.map((k) => [k.tank_id, k])).values()];
  if (unique.length === 0) return result;
  const add = (tankId: number, part: Milli, op: StraddleOperation): void => {
    if (part === 0n) return;
    const entry = result.get(tankId) ?? { movedBeforeOpening: 0n, inProgressAtCut: 0n, operations: [] };
    if (op.boundary === "opening") entry.movedBeforeOpening += part;
    else entry.inProgressAtCut += part;
    entry.operations.push(op);
    result.set(tankId, entry);
  };

  const ops = await tx.query<OpRow>(
    `with k as (select * from unnest($1::int[], $2::text[], $3::timestamptz[], $4::timestamptz[]) as k(tank_id, product_key, period_start, cut_at))
     select o.id, o.number, o.tank_id, o.type, o.element_type, o.start_at, o.end_at, o.net_volume::text, o.gross_volume::text, o.totalizer_after::text,
            coalesce(h.key, d.key) as element_key, i.key as installation_key, k.period_start, k.cut_at
       from k
       join operations o on o.tank_id = k.tank_id and o.product_key = k.product_key
       join installations i on i.id = o.installation_id
       left join hoses h on h.id = o.hose_id
       left join ducts d on d.id = o.duct_id
      where not exists (select 1 from operations s where s.supersedes_id = o.id)
        and ((o.end_at >= k.period_start and o.end_at < k.cut_at and o.start_at < k.period_start)
          or (o.end_at >= k.cut_at and o.start_at < k.cut_at))
      order by o.start_at`,
    [unique.map((k) => k.tank_id), unique.map((k) => k.product_key), unique.map((k) => new Date(k.period_start).toISOString()), unique.map((k) => new Date(k.cut_at).toISOString())],
  );

  for (const op of ops) {
    const sign = op.type === "reception" ? 1n : -1n;
    const volume = toMilli(op.net_volume);
    const periodStart = ms(op.period_start);
    const cut = ms(op.cut_at);
    const before = (boundary: number) => partBefore(tx, op, volume, boundary, maxAgeS);
    const base = {
      operationId: Number(op.id),
      number: Number(op.number),
      source: "registro" as const,
      type: op.type,
      element: `${op.element_type}${op.element_key ? ` ${op.element_key}` : ""}`,
      startAt: new Date(op.start_at).toISOString(),
      endAt: new Date(op.end_at).toISOString(),
      netVolumeL: Number(op.net_volume),
    };
    if (ms(op.end_at) < cut) {
      // Booked this period, started before it: the part before the period start is in the opening.
      const p = await before(periodStart);
      add(Number(op.tank_id), sign * p.part, { ...base, bookedL: -Number(sign * p.part) / 1000, boundary: "opening", method: p.method });
    } else {
      // Ends in a later period: what it moved in this period before the cut is in the measured closing.
      const atCut = await before(cut);
      const atStart = ms(op.start_at) < periodStart ? await before(periodStart) : { part: 0n, method: atCut.method };
      const part = sign * (atCut.part - atStart.part);
      add(Number(op.tank_id), part, { ...base, bookedL: Number(part) / 1000, boundary: "cut", method: atCut.method });
    }
  }

  await addInProgress(tx, unique, maxAgeS, result, add);
  return result;
}

async function partBefore(tx: SqlExecutor, op: OpRow, volume: Milli, boundary: number, maxAgeS: number): Promise<{ part: Milli; method: StraddleOperation["method"] }> {
  const start = ms(op.start_at);
  const end = ms(op.end_at);
  if (boundary <= start) return { part: 0n, method: "totalizador" };
  if (boundary >= end) return { part: volume, method: "totalizador" };
  // 1. The meter's totalizer (hose / duct).
  if (op.element_key && op.totalizer_after !== null && op.gross_volume !== null && Number(op.gross_volume) > 0 && (op.element_type === "hose" || op.element_type === "duct")) {
    const series = await readTagAround(tx, `${op.installation_key}/${op.element_key}/volume_total_l`, new Date(boundary), new Date(boundary));
    const total = totalizerAt(series.map((s) => ({ time: s.time.getTime(), valueL: s.value })), boundary);
    if (total !== null) {
      const gross = Number(op.gross_volume);
      const fraction = Math.min(1, Math.max(0, (total - (Number(op.totalizer_after) - gross)) / gross));
      return { part: clamp(toMilli(Math.round(Number(volume) * fraction) / 1000), volume), method: "totalizador" };
    }
  }
  // 2. The tank's measured stock at the boundary vs at the start, less the tank's other operations in between.
  const stock = await stockMovedBetween(tx, Number(op.tank_id), start, boundary, maxAgeS, Number(op.id));
  if (stock !== null) return { part: clamp(op.type === "reception" ? stock : -stock, volume), method: "existencias medidas" };
  // 3. Pro rata by time.
  return { part: partBeforeByTime(volume, start, end, boundary), method: "prorrateo por tiempo" };
}

/**
 * Net stock change of a tank between two instants (readings at or before each, no older than
 * `maxAgeS`), minus the signed volume of the tank's other recorded operations that ended in
 * between — the movement attributable to the operation in progress. Milli, signed; null without readings.
 */
async function stockMovedBetween(tx: SqlExecutor, tankId: number, from: number, to: number, maxAgeS: number, excludeId: number | null): Promise<Milli | null> {
  const [row] = await tx.query<{ a: number | null; b: number | null; others: string | null }>(
    `select (select net_volume_l from tank_readings where tank_id = $1 and origin = 'automatic' and time <= $2 and time > $2::timestamptz - make_interval(secs => $4) order by time desc limit 1) as a,
            (select net_volume_l from tank_readings where tank_id = $1 and origin = 'automatic' and time <= $3 and time > $3::timestamptz - make_interval(secs => $4) order by time desc limit 1) as b,
            (select coalesce(sum(case when o.type = 'reception' then o.net_volume else -o.net_volume end), 0)::text from operations o
              where o.tank_id = $1 and o.end_at > $2 and o.end_at <= $3 and o.id is distinct from $5
                and not exists (select 1 from operations s where s.supersedes_id = o.id)) as others`,
    [tankId, new Date(from).toISOString(), new Date(to).toISOString(), maxAgeS, excludeId],
  );
  if (!row || row.a === null || row.b === null) return null;
  return toMilli(Math.round((Number(row.b) - Number(row.a)) * 1000) / 1000) - toMilli(row.others ?? "0");
}

async function addInProgress(
  tx: SqlExecutor,
  keys: readonly StraddleKey[],
  maxAgeS: number,
  result: Map<number, StraddleAdjustment>,
  add: (tankId: number, part: Milli, op: StraddleOperation) => void,
): Promise<void> {
  // A discharge under way: the tank's level-rise detector is "rising" since before the cut.
  for (const key of keys) {
    const cut = ms(key.cut_at);
    const periodStart = ms(key.period_start);
    const state = await loadCheckpoint<{ state?: { phase: string; start?: { time: number } } }>(tx, `operations.detector.tank.${key.tank_id}`);
    const start = state?.state?.phase === "rising" ? state.state.start?.time : undefined;
    if (start === undefined || start >= cut) continue;
    if (result.get(key.tank_id)?.operations.some((o) => o.type === "reception" && o.boundary === "cut" && Math.abs(ms(o.startAt) - start) < 600_000)) continue;
    const moved = await stockMovedBetween(tx, key.tank_id, Math.max(start, periodStart), cut, maxAgeS, null);
    if (moved === null || moved <= 0n) continue;
    add(key.tank_id, moved, {
      operationId: null,
      number: null,
      source: "detector en curso",
      type: "reception",
      element: `tank ${key.tank_key}`,
      startAt: new Date(start).toISOString(),
      endAt: null,
      netVolumeL: null,
      bookedL: Number(moved) / 1000,
      boundary: "cut",
      method: "existencias medidas",
    });
  }
  // A loading / pipeline receipt under way on a duct meter: its totalizer since the batch start.
  const installations = new Set(keys.map((k) => Number(k.installation_id)));
  for (const duct of (await loadDuctTargets(tx)).filter((d) => installations.has(d.installationId))) {
    const state = await loadCheckpoint<{ state?: { phase: string; startTime?: number; totalizerBeforeL?: number } }>(tx, `operations.detector.duct.${duct.ductId}`);
    const s = state?.state;
    const tanks = keys.filter((k) => Number(k.installation_id) === duct.installationId);
    const cut = tanks[0] ? ms(tanks[0].cut_at) : 0;
    if (s?.phase !== "dispensing" || s.startTime === undefined || s.totalizerBeforeL === undefined || s.startTime >= cut) continue;
    const series = await readTagAround(tx, duct.grossTag, new Date(cut), new Date(cut));
    const total = totalizerAt(series.map((p) => ({ time: p.time.getTime(), valueL: p.value })), cut);
    if (total === null || total - s.totalizerBeforeL <= 0) continue;
    const grossL = total - s.totalizerBeforeL;
    const changes = [];
    for (const k of tanks) {
      const moved = await stockMovedBetween(tx, k.tank_id, s.startTime, cut, maxAgeS, null);
      changes.push({ tankId: k.tank_id, tankKey: k.tank_key, netBeforeL: moved === null ? null : 0, netAfterL: moved === null ? null : Number(moved) / 1000 });
    }
    const attribution = attributeDuctBatch(duct.direction, grossL, changes);
    if (!attribution) continue;
    const key = tanks.find((k) => k.tank_id === attribution.tankId)!;
    const periodStart = ms(key.period_start);
    // Net litres moved in this period: the tank's measured movement (net, reference conditions) of the batch.
    const moved = await stockMovedBetween(tx, key.tank_id, Math.max(s.startTime, periodStart), cut, maxAgeS, null);
    if (moved === null) continue;
    const signed = duct.direction === "outlet" ? (moved < 0n ? moved : 0n) : moved > 0n ? moved : 0n;
    add(key.tank_id, signed, {
      operationId: null,
      number: null,
      source: "detector en curso",
      type: duct.direction === "outlet" ? "delivery" : "reception",
      element: `duct ${duct.ductKey}`,
      startAt: new Date(s.startTime).toISOString(),
      endAt: null,
      netVolumeL: null,
      bookedL: Number(signed) / 1000,
      boundary: "cut",
      method: "existencias medidas",
    });
  }
}

function clamp(v: Milli, max: Milli): Milli {
  if (v < 0n) return 0n;
  return v > max ? max : v;
}
