import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { seedDemoFiscalDocuments } from "../../../../../server/services/demo/fiscal-documents";
import { seedDemoWithHistory } from "../../../../../server/services/demo/index";
import { verifyEventLog } from "../../../../../server/services/event-log/verify-integrity";
import { correctDictamen, dictamenCorrectionSchema, dictamenInputFromView, dictamenInputSchema, listDictamenes, readDictamen, type DictamenView } from "../../../../../server/services/quality/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * A30-STO-02 for dictámenes (Anexo 32): a correction never changes the stored dictamen; it is the
 * next version (v1 and v2 both readable), the lot's operations move to the new quality record, and
 * one bitácora entry carries the reason. Demo history (25 November) with its demo dictámenes.
 */
const NOW = new Date("2026-11-25T13:00:00Z");
const LATER = new Date("2026-11-25T14:00:00Z");
const actor = { userId: 0, username: "supervisor" };

describe.each(testEngines)("dictamen correction on %s (A30-STO-02, A32-01)", (engine) => {
  let t: TestDatabase;
  let v1: DictamenView;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    if (!(await seedDemoWithHistory(t.db, DEMO_SITE, { now: NOW, days: 2 }))) throw new Error("a fresh demo database must get a history");
    await seedDemoFiscalDocuments(t.db, { until: NOW, now: NOW });
    const [user] = await t.db.query<{ id: number }>("select id from users where username = 'supervisor'");
    actor.userId = Number(user!.id);
    // A gasoline dictamen of a reception lot (RON/MON captured).
    const gasoline = (await listDictamenes(t.db, { limit: 200 })).find((d) => d.ron !== null && d.linkedOperations > 0);
    if (!gasoline) throw new Error("the demo must have a gasoline dictamen with linked operations");
    v1 = gasoline;
  }, 240_000);

  afterAll(async () => {
    await t?.close();
  });

  it("the stored dictamen round-trips through its capture input (what the correction form is pre-filled with)", () => {
    const input = dictamenInputFromView(v1);
    expect(dictamenInputSchema.safeParse(input).success).toBe(true);
    expect(input).toMatchObject({ folio: v1.folio, lotNumber: v1.lotNumber, laboratoryRfc: v1.laboratoryRfc, ron: v1.ron, mon: v1.mon });
  });

  it("a correction is version 2 superseding version 1; both stay readable; the lot's operations move to the new record; one bitácora entry with the reason", async () => {
    const before = Number((await t.db.query<{ n: number }>("select count(*)::int as n from event_log"))[0]!.n);
    const corrected = { ...dictamenInputFromView(v1), ron: v1.ron! + 1, mon: v1.mon! + 1 };
    const request = dictamenCorrectionSchema.parse({ dictamen: corrected, reason: "El laboratorio reemitió el dictamen con RON y MON corregidos" });
    const result = await correctDictamen(t.db, v1.id, request.dictamen, request.reason, actor, LATER);
    expect(result.dictamen).toMatchObject({ version: 2, folio: v1.folio, ron: v1.ron! + 1, mon: v1.mon! + 1 });
    const [row] = await t.db.query<{ supersedes_id: number }>("select supersedes_id from dictamenes where id = $1", [result.dictamenId]);
    expect(Number(row!.supersedes_id)).toBe(v1.id);
    // Version 1 unchanged and readable.
    expect(await readDictamen(t.db, v1.id)).toMatchObject({ version: 1, ron: v1.ron, mon: v1.mon });
    // The current list shows version 2 only.
    const current = (await listDictamenes(t.db, { limit: 500 })).filter((d) => d.folio === v1.folio);
    expect(current.map((d) => d.version)).toEqual([2]);
    expect(result.dictamen.linkedOperations).toBe(v1.linkedOperations);
    const [stale] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from operations o where o.quality_record_id = $1 and not exists (select 1 from operations s where s.supersedes_id = o.id)`,
      [v1.qualityRecordId],
    );
    expect(stale!.n).toBe(0);
    const entries = await t.db.query<{ description: string }>("select description from event_log where id > $1 and description like 'Corrección del dictamen%'", [before]);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.description).toContain(`Corrección del dictamen ${v1.folio} (versión 1 → 2; motivo: El laboratorio reemitió`);
    expect((await verifyEventLog(t.db)).ok).toBe(true);
  });

  it("only the current version may be corrected (409); another dictamen's folio is refused (409); a missing reason is 400", async () => {
    const input = dictamenInputFromView(v1);
    await expect(correctDictamen(t.db, v1.id, input, "Otra corrección de la versión 1", actor, LATER)).rejects.toMatchObject({ code: "conflict" });
    const [v2] = (await listDictamenes(t.db, { limit: 500 })).filter((d) => d.folio === v1.folio);
    const other = (await listDictamenes(t.db, { limit: 500 })).find((d) => d.folio !== v1.folio && d.laboratoryRfc === v1.laboratoryRfc)!;
    await expect(correctDictamen(t.db, v2!.id, { ...dictamenInputFromView(v2!), folio: other.folio }, "Folio equivocado en la captura", actor, LATER)).rejects.toMatchObject({ code: "conflict" });
    expect(dictamenCorrectionSchema.safeParse({ dictamen: input, reason: "corto" }).success).toBe(false);
    await expect(correctDictamen(t.db, 9_999_999, input, "Dictamen que no existe en absoluto", actor, LATER)).rejects.toMatchObject({ code: "not_found" });
  });
});
