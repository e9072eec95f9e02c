/**
 * Automatic suggestion of CFDI ↔ operation links (A30-CFDI-05). Pure: the caller passes the CFDI
 * still without a link and the operations (current versions) still without a CFDI.
 *
 * Rules (A30-CFDI-05 and its decision: window ± 3 days, tolerance ± 0.5 %):
 *  - direction: an acquisition CFDI (received by the taxpayer) pairs with receptions, a sale CFDI
 *    (issued by the taxpayer) with deliveries;
 *  - RFC: the CFDI's counterparty (the emisor of an acquisition, the receptor of a sale) equals the
 *    operation's counterparty RFC. An operation without RFC is still a *suggestion* (shown for a
 *    manual link) but never linked automatically; a different RFC excludes the pair;
 *  - date window: the CFDI's Fecha (its local calendar date, as written) is at most `windowDays`
 *    calendar days from the operation's local dates [start date, end date] (0 inside them); edges
 *    inclusive — 3 days is in, 4 is out;
 *  - volume tolerance: |operation volume − CFDI volume| ≤ tolerancePct % of the CFDI volume (the
 *    base of the acceptance example: 19,950 L vs a 20,000 L CFDI = 0.25 %), both in litres,
 *    compared exactly in millilitres; edge inclusive.
 * A pair is linked automatically only when it is unambiguous on both sides: the CFDI has exactly
 * one RFC-matching candidate and that operation has no other RFC-matching CFDI. Anything else is
 * listed with its candidates for a manual link.
 */

export interface MatchingRules {
  /** Calendar days either side (A30-CFDI-05 decision: 3). */
  windowDays: number;
  /** Percent of the CFDI volume (A30-CFDI-05 decision: 0.5). */
  tolerancePct: number;
}

export const DEFAULT_MATCHING_RULES: MatchingRules = { windowDays: 3, tolerancePct: 0.5 };

export interface MatchableCfdi {
  id: number;
  uuid: string;
  purpose: "acquisition" | "sale";
  /** Emisor RFC of an acquisition, receptor RFC of a sale. */
  counterpartyRfc: string;
  /** Local calendar date of the CFDI's Fecha, YYYY-MM-DD. */
  issueDate: string;
  /** Fuel volume documented, litres. */
  litres: number;
}

export interface MatchableOperation {
  id: number;
  type: "reception" | "delivery";
  counterpartyRfc: string | null;
  /** Local calendar dates (installation zone) of the start and the end, YYYY-MM-DD. */
  startDate: string;
  endDate: string;
  /** Net volume in litres. */
  litres: number;
}

export interface MatchCandidate {
  cfdiId: number;
  operationId: number;
  /** false: the operation has no counterparty RFC (suggestion only, never automatic). */
  rfcMatch: boolean;
  dayDifference: number;
  /** Operation − CFDI, litres. */
  volumeDifferenceL: number;
  /** Operation − CFDI, percent of the CFDI volume (3 decimals). */
  volumeDifferencePct: number;
  /** 1 = same day and same volume; 0 = at both edges. */
  score: number;
  reason: string;
}

export type MatchOutcome = "auto" | "ambiguous" | "suggestions_only" | "none";

export interface CfdiMatch {
  cfdiId: number;
  outcome: MatchOutcome;
  /** Every compatible operation, best first. */
  candidates: MatchCandidate[];
  /** The pair to link automatically (outcome "auto"). */
  autoLink: MatchCandidate | null;
  reason: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumber(date: string): number {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`fecha inválida: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
}

/** Calendar days from `date` to the interval [from, to] (0 inside). */
export function daysOutside(date: string, from: string, to: string): number {
  const d = dayNumber(date);
  const a = Math.min(dayNumber(from), dayNumber(to));
  const b = Math.max(dayNumber(from), dayNumber(to));
  return d < a ? a - d : d > b ? d - b : 0;
}

const millilitres = (litres: number): bigint => BigInt(Math.round(litres * 1000));

/** |operation − cfdi| ≤ tolerancePct % of cfdi, exact in mL (tolerance resolution 0.0001 %). */
export function withinTolerance(operationLitres: number, cfdiLitres: number, tolerancePct: number): boolean {
  const cfdi = millilitres(cfdiLitres);
  if (cfdi <= 0n) return false;
  const diff = millilitres(operationLitres) - cfdi;
  const ppm = BigInt(Math.round(tolerancePct * 10_000));
  return (diff < 0n ? -diff : diff) * 1_000_000n <= ppm * cfdi;
}

const TYPE_FOR: Record<MatchableCfdi["purpose"], MatchableOperation["type"]> = { acquisition: "reception", sale: "delivery" };
const TYPE_LABEL: Record<MatchableOperation["type"], string> = { reception: "recepción", delivery: "entrega" };

const fmt = (value: number, decimals: number) => value.toFixed(decimals);

/** The candidate pair, or null when direction, RFC, window or tolerance excludes it. */
export function evaluatePair(cfdi: MatchableCfdi, operation: MatchableOperation, rules: MatchingRules = DEFAULT_MATCHING_RULES): MatchCandidate | null {
  if (TYPE_FOR[cfdi.purpose] !== operation.type) return null;
  const rfc = operation.counterpartyRfc?.trim().toUpperCase() || null;
  if (rfc !== null && rfc !== cfdi.counterpartyRfc.trim().toUpperCase()) return null;
  if (!(cfdi.litres > 0)) return null;
  const dayDifference = daysOutside(cfdi.issueDate, operation.startDate, operation.endDate);
  if (dayDifference > rules.windowDays) return null;
  if (!withinTolerance(operation.litres, cfdi.litres, rules.tolerancePct)) return null;
  const volumeDifferenceL = Number(fmt(operation.litres - cfdi.litres, 3));
  const volumeDifferencePct = Number(fmt(((operation.litres - cfdi.litres) / cfdi.litres) * 100, 3));
  const volumeRatio = rules.tolerancePct > 0 ? Math.min(1, Math.abs(volumeDifferencePct) / rules.tolerancePct) : 0;
  const dayRatio = rules.windowDays > 0 ? Math.min(1, dayDifference / rules.windowDays) : 0;
  const score = Number(fmt(1 - 0.5 * volumeRatio - 0.5 * dayRatio, 3));
  const parts = [
    rfc !== null ? `RFC ${rfc} coincide` : "la operación no tiene RFC de contraparte",
    `${dayDifference} día(s) de la fecha del CFDI (${cfdi.issueDate}) a la ${TYPE_LABEL[operation.type]} (ventana ±${rules.windowDays} días)`,
    `volumen ${fmt(operation.litres, 3)} L frente a ${fmt(cfdi.litres, 3)} L del CFDI (diferencia ${volumeDifferencePct >= 0 ? "+" : ""}${fmt(volumeDifferencePct, 3)} %, tolerancia ±${rules.tolerancePct} %)`,
  ];
  return { cfdiId: cfdi.id, operationId: operation.id, rfcMatch: rfc !== null, dayDifference, volumeDifferenceL, volumeDifferencePct, score, reason: parts.join("; ") };
}

function byScore(a: MatchCandidate, b: MatchCandidate): number {
  return b.score - a.score || a.dayDifference - b.dayDifference || Math.abs(a.volumeDifferencePct) - Math.abs(b.volumeDifferencePct) || a.operationId - b.operationId;
}

/**
 * Matches every CFDI against every operation; `links` are the automatic links to make.
 * `excluded(cfdiId, operationId)` removes pairs entirely (e.g. a pair a user unlinked): they are
 * neither candidates nor counted for ambiguity.
 */
export function matchCfdiToOperations(
  cfdis: readonly MatchableCfdi[],
  operations: readonly MatchableOperation[],
  rules: MatchingRules = DEFAULT_MATCHING_RULES,
  excluded: (cfdiId: number, operationId: number) => boolean = () => false,
): { matches: CfdiMatch[]; links: MatchCandidate[] } {
  const candidatesOf = new Map<number, MatchCandidate[]>();
  /** RFC-matching CFDI per operation, to detect ambiguity on the operation's side. */
  const rfcCfdisOf = new Map<number, number[]>();
  for (const cfdi of cfdis) {
    const list: MatchCandidate[] = [];
    for (const operation of operations) {
      if (excluded(cfdi.id, operation.id)) continue;
      const candidate = evaluatePair(cfdi, operation, rules);
      if (!candidate) continue;
      list.push(candidate);
      if (candidate.rfcMatch) rfcCfdisOf.set(operation.id, [...(rfcCfdisOf.get(operation.id) ?? []), cfdi.id]);
    }
    candidatesOf.set(cfdi.id, list.sort(byScore));
  }
  const matches: CfdiMatch[] = [];
  const links: MatchCandidate[] = [];
  for (const cfdi of cfdis) {
    const candidates = candidatesOf.get(cfdi.id)!;
    const exact = candidates.filter((c) => c.rfcMatch);
    const target = TYPE_LABEL[TYPE_FOR[cfdi.purpose]];
    if (!(cfdi.litres > 0)) {
      matches.push({ cfdiId: cfdi.id, outcome: "none", candidates, autoLink: null, reason: "el CFDI no documenta volumen de combustible: vincule manualmente" });
    } else if (exact.length === 1 && rfcCfdisOf.get(exact[0]!.operationId)!.length === 1) {
      links.push(exact[0]!);
      matches.push({ cfdiId: cfdi.id, outcome: "auto", candidates, autoLink: exact[0]!, reason: `vinculado automáticamente: ${exact[0]!.reason}` });
    } else if (exact.length > 1) {
      matches.push({ cfdiId: cfdi.id, outcome: "ambiguous", candidates, autoLink: null, reason: `ambiguo: ${exact.length} operaciones de ${target} cumplen RFC, fecha y volumen; vincule manualmente` });
    } else if (exact.length === 1) {
      const others = rfcCfdisOf.get(exact[0]!.operationId)!.length - 1;
      matches.push({ cfdiId: cfdi.id, outcome: "ambiguous", candidates, autoLink: null, reason: `ambiguo: la operación candidata también corresponde a ${others} CFDI más; vincule manualmente` });
    } else if (candidates.length > 0) {
      matches.push({ cfdiId: cfdi.id, outcome: "suggestions_only", candidates, autoLink: null, reason: `hay ${candidates.length} operación(es) de ${target} sin RFC de contraparte con fecha y volumen compatibles; vincule manualmente` });
    } else {
      matches.push({
        cfdiId: cfdi.id,
        outcome: "none",
        candidates,
        autoLink: null,
        reason: `ninguna ${target} del RFC ${cfdi.counterpartyRfc} a ±${rules.windowDays} días con volumen dentro de ±${rules.tolerancePct} %`,
      });
    }
  }
  return { matches, links };
}
