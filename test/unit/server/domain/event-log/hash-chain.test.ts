import { describe, expect, it } from "vitest";
import { GENESIS_HASH, hashEventLogEntry, verifyEventLogChain, type StoredEventLogEntry } from "../../../../../server/domain/event-log/index";

function chain(n: number): StoredEventLogEntry[] {
  const out: StoredEventLogEntry[] = [];
  let previousHash = GENESIS_HASH;
  for (let id = 1; id <= n; id++) {
    const entry = {
      id,
      time: new Date(Date.UTC(2026, 10, 1, 10, 0, id)),
      userId: id % 2 ? null : 7,
      username: id % 2 ? "sistema" : "operador",
      category: 4,
      eventType: 4,
      description: `Evento ${id}`,
      component: "SME-STQ-EDS-0001",
      installationId: 1,
      details: { b: id, a: { z: 1, y: [1, 2] } },
    };
    const hash = hashEventLogEntry(entry, previousHash);
    out.push({ ...entry, hash, previousHash });
    previousHash = hash;
  }
  return out;
}

describe("bitácora hash chain (A30-LOG-06, A30-SEC-14)", () => {
  it("an intact chain verifies", () => {
    expect(verifyEventLogChain(chain(5))).toEqual({ ok: true, entries: 5, firstBad: null, reason: null });
  });

  it("hashes are SHA-256 hex and independent of details' key order", () => {
    const [first] = chain(1);
    expect(first!.hash).toMatch(/^[0-9a-f]{64}$/);
    const reordered = { ...first!, details: { a: { y: [1, 2], z: 1 }, b: 1 } };
    expect(hashEventLogEntry(reordered, GENESIS_HASH)).toBe(first!.hash);
  });

  it("A30-LOG-06: a changed description is found at that entry", () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, description: "Evento alterado" };
    expect(verifyEventLogChain(entries)).toMatchObject({ ok: false, firstBad: 3 });
  });

  it("A30-REC-04: a deleted entry is reported at its own number, the first one missing", () => {
    const entries = chain(5);
    entries.splice(1, 1);
    expect(verifyEventLogChain(entries)).toMatchObject({ ok: false, entries: 1, firstBad: 2, reason: "numeración no consecutiva: falta la entrada 2" });
    const two = chain(6);
    two.splice(2, 2);
    expect(verifyEventLogChain(two)).toMatchObject({ ok: false, firstBad: 3, reason: "numeración no consecutiva: faltan las entradas 3 a 4" });
  });

  it("a duplicated number is reported where it repeats", () => {
    const entries = chain(3);
    entries.splice(2, 0, entries[1]!);
    expect(verifyEventLogChain(entries)).toMatchObject({ ok: false, firstBad: 2, reason: "numeración no consecutiva: se esperaba 3" });
  });

  it("an entry rewritten with a fresh hash still breaks the link of the next entry", () => {
    const entries = chain(4);
    const forged = { ...entries[1]!, description: "falso" };
    forged.hash = hashEventLogEntry(forged, forged.previousHash);
    entries[1] = forged;
    expect(verifyEventLogChain(entries)).toMatchObject({ ok: false, firstBad: 3, reason: expect.stringContaining("hash anterior") });
  });
});
