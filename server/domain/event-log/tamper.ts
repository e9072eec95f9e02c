/**
 * Tamper attempts on the append-only registers (A30-LOG-06/07, A30-ALM-03): how the attempts the
 * database triggers stage become bitácora entries of SAT type 13 ("intento de alteración") and
 * alarms of type 3. Pure: rows in, descriptions out.
 */

/** SAT TipoEvento of "Intento de alteración de registros" (alarm type 3 → code 13). */
export const TAMPER_EVENT_TYPE = 13;

export type TamperOperation = "UPDATE" | "DELETE" | "TRUNCATE" | "REFUSED";

/** A row of `tamper_attempts`. */
export interface StagedTamperAttempt {
  id: number;
  attemptedAt: Date;
  tableName: string;
  operation: TamperOperation;
  targetId: number | null;
  targetNumber: number | null;
  transactionId: number | null;
  attempts: number;
  counterName: string | null;
  dbUser: string | null;
  applicationName: string | null;
  clientAddr: string | null;
  backendPid: number | null;
  oldRow: Record<string, unknown> | null;
  newRow: Record<string, unknown> | null;
}

/** Attempts of one transaction on one table with one operation: one bitácora entry + one alarm. */
export interface TamperGroup {
  attempts: StagedTamperAttempt[];
  tableName: string;
  operation: TamperOperation;
}

/** Tables protected by the `append_only_triggers` migration, with what their rows are called. */
export const PROTECTED_TABLES: Record<string, { register: string; record: string }> = {
  event_log: { register: "la bitácora", record: "la entrada" },
  event_log_links: { register: "los vínculos de la bitácora", record: "el vínculo" },
  alarms: { register: "el registro de alarmas", record: "la alarma" },
  alarm_actions: { register: "las acciones de alarmas", record: "la acción" },
  operations: { register: "las operaciones", record: "la operación" },
  daily_accumulations: { register: "los acumulados diarios", record: "el acumulado" },
  inventory_cuts: { register: "el control de existencias", record: "el registro de existencias" },
  process_losses: { register: "las pérdidas en proceso", record: "la pérdida" },
  dispenser_totalizer_readings: { register: "las lecturas de totalizadores", record: "la lectura" },
  tamper_attempts: { register: "los intentos de alteración", record: "el intento" },
  tamper_attempt_entries: { register: "los intentos de alteración registrados", record: "el registro" },
  record_sequences: { register: "la numeración consecutiva", record: "el consecutivo" },
  security_log: { register: "la bitácora de seguridad", record: "el evento de seguridad" },
  access_reviews: { register: "las revisiones de accesos", record: "la revisión" },
};

/**
 * Counter sequences that count refused statements (their transaction rolled back, so only a
 * sequence — not rolled back — remembers them): TRUNCATE on every protected table, and
 * UPDATE/DELETE on the staging tables and on record_sequences.
 */
export interface TamperCounter {
  sequence: string;
  tableName: string;
  operation: Extract<TamperOperation, "TRUNCATE" | "REFUSED">;
}

export const TAMPER_COUNTERS: TamperCounter[] = [
  ...Object.keys(PROTECTED_TABLES).map((tableName) => ({ sequence: `aforo_truncate_attempts_${tableName}`, tableName, operation: "TRUNCATE" as const })),
  ...["tamper_attempts", "tamper_attempt_entries", "record_sequences"].map((tableName) => ({
    sequence: `aforo_change_attempts_${tableName}`,
    tableName,
    operation: "REFUSED" as const,
  })),
];

/** Refused statements counted by a sequence since `seen`: PostgreSQL reports last_value = 1, is_called = false before the first nextval. */
export function counterValue(lastValue: number, isCalled: boolean): number {
  return isCalled ? lastValue : lastValue - 1;
}

/** Groups staged attempts by (transaction, table, operation), in the order of their first attempt. */
export function groupTamperAttempts(attempts: readonly StagedTamperAttempt[]): TamperGroup[] {
  const groups = new Map<string, TamperGroup>();
  for (const attempt of [...attempts].sort((a, b) => a.id - b.id)) {
    const key = attempt.transactionId === null ? `attempt:${attempt.id}` : `${attempt.transactionId}:${attempt.tableName}:${attempt.operation}`;
    const group = groups.get(key);
    if (group) group.attempts.push(attempt);
    else groups.set(key, { attempts: [attempt], tableName: attempt.tableName, operation: attempt.operation });
  }
  return [...groups.values()];
}

/** Columns whose attempted value differs from the stored one (UPDATE attempts). */
export function attemptedChanges(oldRow: Record<string, unknown> | null, newRow: Record<string, unknown> | null): Record<string, { stored: unknown; attempted: unknown }> {
  if (!oldRow || !newRow) return {};
  const changes: Record<string, { stored: unknown; attempted: unknown }> = {};
  for (const key of Object.keys(newRow)) {
    if (JSON.stringify(oldRow[key]) !== JSON.stringify(newRow[key])) changes[key] = { stored: oldRow[key] ?? null, attempted: newRow[key] ?? null };
  }
  return changes;
}

const MAX_LISTED_TARGETS = 50;

export interface TamperRecord {
  /** SAT IdentificacionComponenteAlarma: `<table>:<number>` for one record, `<table>` otherwise. */
  component: string;
  description: string;
  alarmDescription: string;
  details: Record<string, unknown>;
}

/** What the bitácora entry and the alarm of a tamper group say (es-MX, ≤ 250 characters). */
export function describeTamperGroup(group: TamperGroup): TamperRecord {
  const labels = PROTECTED_TABLES[group.tableName] ?? { register: `la tabla ${group.tableName}`, record: "el registro" };
  const first = group.attempts[0]!;
  const numbers = group.attempts.map((a) => a.targetNumber ?? a.targetId).filter((n): n is number => n !== null);
  const count = group.attempts.reduce((sum, a) => sum + a.attempts, 0);
  const single = numbers.length === 1 ? numbers[0]! : null;
  const component = single !== null ? `${group.tableName}:${single}` : group.tableName;
  const who = [first.dbUser ? `rol ${first.dbUser}` : null, first.applicationName ? `aplicación ${first.applicationName}` : null, first.clientAddr ? `desde ${first.clientAddr}` : null]
    .filter(Boolean)
    .join(", ");
  let what: string;
  switch (group.operation) {
    case "UPDATE":
      what = single !== null ? `Intento de modificación ${of(labels.record)} ${single} ${of(labels.register)}` : `Intento de modificación de ${numbers.length} registros ${of(labels.register)}`;
      break;
    case "DELETE":
      what = single !== null ? `Intento de eliminación ${of(labels.record)} ${single} ${of(labels.register)}` : `Intento de eliminación de ${numbers.length} registros ${of(labels.register)}`;
      break;
    case "TRUNCATE":
      what = `Intento de eliminación total (TRUNCATE) ${of(labels.register)}${count > 1 ? ` (${count} intentos)` : ""}`;
      break;
    default:
      what = `Intento de modificación/eliminación ${of(labels.register)}${count > 1 ? ` (${count} intentos)` : ""}`;
  }
  const outcome = group.operation === "UPDATE" || group.operation === "DELETE" ? "sin efecto: el registro original se conserva" : "rechazado por la base de datos";
  const description = truncate(`${what}: ${outcome}${who ? ` (${who})` : ""}`);
  const targetNumbers = numbers.slice(0, MAX_LISTED_TARGETS);
  const details: Record<string, unknown> = {
    table: group.tableName,
    operation: group.operation,
    attempts: count,
    tamperAttemptIds: group.attempts.map((a) => a.id),
    targetNumbers,
    ...(numbers.length > MAX_LISTED_TARGETS ? { targetsOmitted: numbers.length - MAX_LISTED_TARGETS } : {}),
    ...(single !== null ? { targetNumber: single } : {}),
    attemptedAt: first.attemptedAt.toISOString(),
    dbUser: first.dbUser,
    applicationName: first.applicationName,
    clientAddr: first.clientAddr,
    backendPid: first.backendPid,
    transactionId: first.transactionId,
  };
  if (group.operation === "UPDATE") {
    details.attemptedChanges = Object.fromEntries(
      group.attempts.slice(0, MAX_LISTED_TARGETS).map((a) => [String(a.targetNumber ?? a.targetId), attemptedChanges(a.oldRow, a.newRow)]),
    );
  }
  return { component, description, alarmDescription: truncate(`Intento de alteración de registros: ${what.charAt(0).toLowerCase()}${what.slice(1)}`), details };
}

/** Spanish contraction: "de el registro" → "del registro". */
function of(phrase: string): string {
  return phrase.startsWith("el ") ? `del ${phrase.slice(3)}` : `de ${phrase}`;
}

function truncate(text: string): string {
  // SAT DescripcionEvento is at most 250 characters.
  return text.length <= 250 ? text : `${text.slice(0, 249)}…`;
}
