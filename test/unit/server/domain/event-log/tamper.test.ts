import { describe, expect, it } from "vitest";
import {
  TAMPER_COUNTERS,
  attemptedChanges,
  checkChainTail,
  counterValue,
  describeTamperGroup,
  groupTamperAttempts,
  verificationContract,
  type StagedTamperAttempt,
} from "../../../../../server/domain/event-log/index";

const AT = new Date("2026-11-05T16:00:00.000Z");

function attempt(over: Partial<StagedTamperAttempt>): StagedTamperAttempt {
  return {
    id: 1,
    attemptedAt: AT,
    tableName: "event_log",
    operation: "UPDATE",
    targetId: 7,
    targetNumber: 7,
    transactionId: 900,
    attempts: 1,
    counterName: null,
    dbUser: "postgres",
    applicationName: "psql",
    clientAddr: "10.0.0.5",
    backendPid: 4242,
    oldRow: { id: 7, description: "Evento 7", username: "sistema" },
    newRow: { id: 7, description: "alterado", username: "sistema" },
    ...over,
  };
}

describe("tamper attempts → bitácora entries (A30-LOG-07, A30-ALM-03)", () => {
  it("groups the rows of one transaction, table and operation into one entry; counter rows stand alone", () => {
    const groups = groupTamperAttempts([
      attempt({ id: 3, transactionId: 901, operation: "DELETE", targetNumber: 8 }),
      attempt({ id: 1 }),
      attempt({ id: 2, transactionId: 901, operation: "DELETE", targetNumber: 9 }),
      attempt({ id: 4, transactionId: null, operation: "TRUNCATE", counterName: "aforo_truncate_attempts_alarms", tableName: "alarms" }),
      attempt({ id: 5, transactionId: null, operation: "TRUNCATE", counterName: "aforo_truncate_attempts_alarms", tableName: "alarms" }),
    ]);
    expect(groups.map((g) => g.attempts.map((a) => a.id))).toEqual([[1], [2, 3], [4], [5]]);
  });

  it("an UPDATE of entry 7 names the entry, the session and the attempted change", () => {
    const record = describeTamperGroup({ tableName: "event_log", operation: "UPDATE", attempts: [attempt({})] });
    expect(record.component).toBe("event_log:7");
    expect(record.description).toBe(
      "Intento de modificación de la entrada 7 de la bitácora: sin efecto: el registro original se conserva (rol postgres, aplicación psql, desde 10.0.0.5)",
    );
    expect(record.alarmDescription).toMatch(/^Intento de alteración de registros: intento de modificación de la entrada 7/);
    expect(record.details).toMatchObject({ table: "event_log", operation: "UPDATE", targetNumber: 7, targetNumbers: [7], attempts: 1, attemptedChanges: { "7": { description: { stored: "Evento 7", attempted: "alterado" } } } });
  });

  it("a DELETE of many operations lists their numbers; a TRUNCATE counted 2 times says so", () => {
    const many = describeTamperGroup({ tableName: "operations", operation: "DELETE", attempts: [attempt({ id: 1, tableName: "operations", operation: "DELETE", targetNumber: 11 }), attempt({ id: 2, tableName: "operations", operation: "DELETE", targetNumber: 12 })] });
    expect(many.component).toBe("operations");
    expect(many.description).toContain("Intento de eliminación de 2 registros de las operaciones");
    expect(many.details.targetNumbers).toEqual([11, 12]);
    const truncate = describeTamperGroup({ tableName: "alarms", operation: "TRUNCATE", attempts: [attempt({ tableName: "alarms", operation: "TRUNCATE", targetId: null, targetNumber: null, attempts: 2, dbUser: null, applicationName: null, clientAddr: null })] });
    expect(truncate.description).toBe("Intento de eliminación total (TRUNCATE) del registro de alarmas (2 intentos): rechazado por la base de datos");
    expect(truncate.component).toBe("alarms");
  });

  it("descriptions fit SAT DescripcionEvento (≤ 250 characters)", () => {
    const record = describeTamperGroup({ tableName: "event_log", operation: "UPDATE", attempts: [attempt({ applicationName: "x".repeat(400) })] });
    expect(record.description.length).toBe(250);
    expect(record.alarmDescription.length).toBeLessThanOrEqual(250);
  });

  it("only changed columns are reported as attempted changes", () => {
    expect(attemptedChanges({ a: 1, b: { x: 1 } }, { a: 1, b: { x: 2 } })).toEqual({ b: { stored: { x: 1 }, attempted: { x: 2 } } });
    expect(attemptedChanges({ a: 1 }, null)).toEqual({});
  });

  it("counters: TRUNCATE on every protected table, refused changes on the staging tables and record_sequences", () => {
    expect(TAMPER_COUNTERS.filter((c) => c.operation === "TRUNCATE").map((c) => c.tableName)).toEqual(
      expect.arrayContaining(["event_log", "event_log_links", "alarms", "alarm_actions", "operations", "daily_accumulations", "inventory_cuts", "process_losses", "dispenser_totalizer_readings"]),
    );
    expect(TAMPER_COUNTERS.filter((c) => c.operation === "REFUSED").map((c) => c.sequence)).toEqual([
      "aforo_change_attempts_tamper_attempts",
      "aforo_change_attempts_tamper_attempt_entries",
      "aforo_change_attempts_record_sequences",
    ]);
    expect(counterValue(1, false)).toBe(0);
    expect(counterValue(1, true)).toBe(1);
    expect(counterValue(4, true)).toBe(4);
  });
});

describe("bitácora completeness against its counter (A30-LOG-06, A30-REC-04)", () => {
  const intact = { ok: true, entries: 10, firstBad: null, reason: null };

  it("an intact chain that reaches the counter stays ok", () => {
    expect(checkChainTail(intact, 10, 10)).toBe(intact);
    expect(checkChainTail(intact, 11, 10)).toBe(intact); // entries committed after the counter was read
  });

  it("missing last entries are reported at the first missing number", () => {
    expect(checkChainTail(intact, 10, 12)).toEqual({ ok: false, entries: 10, firstBad: 11, reason: "faltan las entradas 11 a 12 (la numeración llegó a 12)" });
    expect(checkChainTail({ ...intact, entries: 0 }, 0, 1)).toMatchObject({ ok: false, firstBad: 1, reason: expect.stringContaining("falta la entrada 1") });
  });

  it("a chain already broken keeps its first bad entry; the contract has exactly ok, entries, firstBad", () => {
    const broken = { ok: false, entries: 3, firstBad: 3, reason: "x" };
    expect(checkChainTail(broken, 2, 12)).toBe(broken);
    expect(verificationContract(broken)).toEqual({ ok: false, entries: 3, firstBad: 3 });
  });
});
