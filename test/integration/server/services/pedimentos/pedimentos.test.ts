import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../../../db/client";
import { readEventLogCounter, readEventLogRange } from "../../../../../db/repositories/event-log";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { verifyEventLogChain } from "../../../../../server/domain/event-log/index";
import { manualOperationSchema } from "../../../../../server/domain/operations/index";
import { registerManualOperation } from "../../../../../server/services/operations/index";
import {
  PedimentoError,
  correctPedimento,
  correctPedimentoSchema,
  createPedimento,
  createPedimentoSchema,
  linkPedimentoOperation,
  listPedimentoVersions,
  listPedimentos,
  type Actor,
} from "../../../../../server/services/pedimentos/index";
import { createDictamen, dictamenInputSchema } from "../../../../../server/services/quality/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const NOW = new Date("2026-11-25T18:00:00Z");

/** A complete, valid import pedimento of 60,000 L of gasoline into the storage terminal. */
const base = {
  installationKey: "TDA-0001",
  number: "26 47 3456 6001234",
  pedimentoKey: "A1",
  date: "2026-11-20",
  entryPoint: "470",
  originCountry: "USA",
  destinationCountry: "MEX",
  transportMeansIn: "6",
  transportMeansOut: "7",
  incoterm: "FOB",
  tariffFraction: "2710.12.99-05",
  productKey: "PR07",
  subProductKey: "SP16",
  volume: 60000,
  customsValueMxn: 1234567.89,
  importPermit: "G12345",
  counterpartyName: "Gulf Coast Refining LLC",
};

async function expectReject(promise: Promise<unknown>, code: PedimentoError["code"], pattern: RegExp): Promise<PedimentoError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PedimentoError);
  const e = error as PedimentoError;
  expect(e.code).toBe(code);
  expect(e.reasons.join(" | ")).toMatch(pattern);
  return e;
}

describe.each(testEngines)("pedimentos service on %s (A30-PED-02…07)", (engine) => {
  let t: TestDatabase;
  let db: Database;
  let actor: Actor;
  const receptions: number[] = [];

  /** Exactly one new bitácora entry per write (aesthetics convention: one change, one entry). */
  async function oneEntry<T>(write: () => Promise<T>): Promise<T> {
    const before = await readEventLogCounter(db);
    const result = await write();
    expect(await readEventLogCounter(db)).toBe(before + 1);
    return result;
  }
  async function noEntry(write: () => Promise<unknown>): Promise<void> {
    const before = await readEventLogCounter(db);
    await write().catch(() => undefined);
    expect(await readEventLogCounter(db)).toBe(before);
  }

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    db = t.db;
    await seedCatalogs(db);
    await seedDemo(db, DEMO_SITE, { now: new Date("2026-11-01T06:00:00Z") });
    const [u] = await db.query<{ id: number }>("select id from users where username = 'supervisor'");
    actor = { userId: Number(u!.id), username: "supervisor" };
    // Three receptions of 20,000 L on TDA-0001 through the operations service, and one delivery.
    for (const [i, tank] of ["TQS-TDA-0001", "TQS-TDA-0002", "TQS-TDA-0001"].entries()) {
      const op = await registerManualOperation(
        db,
        manualOperationSchema.parse({
          installationKey: "TDA-0001",
          type: "reception",
          tankKey: tank,
          startAt: `2026-11-2${i + 1}T10:00:00-06:00`,
          endAt: `2026-11-2${i + 1}T11:00:00-06:00`,
          netVolume: 20000,
          counterpartyRfc: "AAA010101AAA",
          justification: "Recepción de autotanque importado capturada para la prueba",
        }),
        actor,
        NOW,
      );
      receptions.push(op.id);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it("A30-PED-04: saving a pedimento without Incoterms → 400 at the boundary; «XYZ» rejected by the service; nothing stored", async () => {
    const { incoterm: _omit, ...withoutIncoterm } = base;
    const parsed = createPedimentoSchema.safeParse(withoutIncoterm);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.message).join(" ")).toContain("Incoterms obligatorio (A30-PED-04)");
    await noEntry(async () => {
      await expectReject(createPedimento(db, createPedimentoSchema.parse({ ...base, incoterm: "XYZ" }), actor, NOW), "invalid", /Incoterm «XYZ» desconocido/);
    });
    expect(await db.query("select 1 from pedimentos")).toEqual([]);
  });

  it("A30-PED-03: «26 47 3456 6001234» is stored as «26  47  3456  6001234»; the unspaced form is the same pedimento (409); aduana 03 and …000000 rejected", async () => {
    const { pedimento, eventLogId } = await oneEntry(() => createPedimento(db, createPedimentoSchema.parse(base), actor, NOW));
    expect(pedimento).toMatchObject({ number: "26  47  3456  6001234", incoterm: "FOB", warnings: [], version: 1, entryPoint: "470", transportMeansInLabel: "Ferroviario", volume: 60000, unit: "UM03" });
    expect(pedimento.linked.label).toBe("vinculado 0 / 60,000 L");
    const [entry] = await readEventLogRange(db, eventLogId, 1);
    expect(entry).toMatchObject({ category: 5, username: "supervisor", component: "26  47  3456  6001234" });
    expect(entry!.description).toContain("Captura del pedimento de importación 26  47  3456  6001234");
    await noEntry(() => expectReject(createPedimento(db, createPedimentoSchema.parse({ ...base, number: "264734566001234" }), actor, NOW), "conflict", /ya está registrado/));
    await expectReject(createPedimento(db, createPedimentoSchema.parse({ ...base, number: "26  03  3456  6001234" }), actor, NOW), "invalid", /aduana 03 no está en el catálogo/);
    await expectReject(createPedimento(db, createPedimentoSchema.parse({ ...base, number: "26  47  3456  6000000" }), actor, NOW), "invalid", /000000/);
  });

  it("A30-PED-02: customs points, countries and transport means are SAT keys; an import needs its entry point; all reasons together", async () => {
    expect(createPedimentoSchema.safeParse({ ...base, originCountry: "US" }).success).toBe(false);
    expect(createPedimentoSchema.safeParse({ ...base, transportMeansIn: "4" }).success).toBe(false);
    const e = await expectReject(
      createPedimento(db, createPedimentoSchema.parse({ ...base, number: "26 47 3456 6001240", entryPoint: "037", exportPoint: "4x" }), actor, NOW),
      "invalid",
      /Punto de internación «037»: la aduana 03 no está en el catálogo/,
    );
    expect(e.reasons).toHaveLength(2);
    expect(e.reasons[0]).toMatch(/Punto de exportación «4x»: clave de aduana de 2 dígitos/);
    const { entryPoint: _e, ...noEntryPoint } = base;
    await expectReject(createPedimento(db, createPedimentoSchema.parse({ ...noEntryPoint, number: "26 47 3456 6001241" }), actor, NOW), "invalid", /Punto de internación obligatorio/);
  });

  it("A30-PED-04: a DPU pedimento is stored and reported as DAT with the warning", async () => {
    const { pedimento, eventLogId } = await oneEntry(() => createPedimento(db, createPedimentoSchema.parse({ ...base, number: "26 47 3456 6001235", incoterm: "dpu" }), actor, NOW));
    expect(pedimento.incoterm).toBe("DAT");
    expect(pedimento.warnings).toEqual(["Incoterm DPU (2020) se reporta como DAT: el catálogo del SAT no lo incluye"]);
    const [entry] = await readEventLogRange(db, eventLogId, 1);
    expect(entry!.details).toMatchObject({ capturedIncoterm: "DPU", incoterm: "DAT" });
  });

  it("A30-PED-05: PR03 with 2711.12.01-00 is stored with «fracción no corresponde al producto»; gasoline NICO checked against the lot's dictamen octane", async () => {
    const { pedimento } = await createPedimento(
      db,
      createPedimentoSchema.parse({ ...base, number: "26 47 3456 6001236", productKey: "PR03", subProductKey: "SP24", tariffFraction: "2711.12.01", nico: "00" }),
      actor,
      NOW,
    );
    expect(pedimento).toMatchObject({ tariffFraction: "2711.12.01", nico: "00" });
    expect(pedimento.warnings).toHaveLength(1);
    expect(pedimento.warnings[0]).toMatch(/^fracción no corresponde al producto: 2711\.12\.01-00/);

    // Lot L-IMP-0001 with a dictamen of octane index 92.3.
    await createDictamen(
      db,
      dictamenInputSchema.parse({
        installationKey: "TDA-0001",
        lotKind: "import",
        laboratoryRfc: "EVA9612104R6",
        laboratoryName: "Laboratorio de Pruebas del Golfo",
        folio: "EVA9612104R6000312026",
        issueDate: "2026-11-19",
        samplingDate: "2026-11-17",
        testDate: "2026-11-18",
        resultsDate: "2026-11-18",
        lotNumber: "L-IMP-0001",
        productKey: "PR07",
        subProductKey: "SP17",
        octaneIndex: 92.3,
        containsNonFossil: false,
        nonFossilPct: 0,
      }),
      actor,
      NOW,
    );
    const ok = await createPedimento(db, createPedimentoSchema.parse({ ...base, number: "26 47 3456 6001237", tariffFraction: "2710.12.99-06", subProductKey: "SP17", lotKey: "L-IMP-0001" }), actor, NOW);
    expect(ok.pedimento).toMatchObject({ lotKey: "L-IMP-0001", warnings: [] });
    const warned = await createPedimento(db, createPedimentoSchema.parse({ ...base, number: "26 47 3456 6001238", tariffFraction: "2710.12.99-05", subProductKey: "SP17", lotKey: "L-IMP-0001" }), actor, NOW);
    expect(warned.pedimento.warnings).toEqual(["el NICO 05 no corresponde al índice de octano 92.3 del dictamen (se esperaba 06)"]);
    // A new lot key opens an import lot.
    const opened = await createPedimento(db, createPedimentoSchema.parse({ ...base, number: "26 47 3456 6001239", lotKey: "L-IMP-0002" }), actor, NOW);
    const [lot] = await db.query<{ kind: string; product_key: string }>("select kind, product_key from lots where id = $1", [opened.pedimento.lotId]);
    expect(lot).toEqual({ kind: "import", product_key: "PR07" });
  });

  it("A30-PED-07: three receptions of 20,000 L linked → «vinculado 60,000 / 60,000 L»; one bitácora entry each, linked to the operation; unlink and the wrong kinds refused", async () => {
    const [row] = await db.query<{ id: number }>("select id from pedimentos where number = '26  47  3456  6001234'");
    const id = Number(row!.id);
    let last: Awaited<ReturnType<typeof linkPedimentoOperation>> | null = null;
    for (const operationId of receptions) {
      last = await oneEntry(() => linkPedimentoOperation(db, id, { action: "link", operationId }, actor, NOW));
      const [link] = await db.query<{ operation_id: number }>("select operation_id from event_log_links where event_log_id = $1", [last.eventLogId]);
      expect(Number(link!.operation_id)).toBe(operationId);
    }
    expect(last!.pedimento.linked).toEqual({ linked: 60000, declared: 60000, complete: true, label: "vinculado 60,000 / 60,000 L" });
    expect(last!.pedimento.links.map((l) => l.volumeLinked)).toEqual([20000, 20000, 20000]);
    const [entry] = await readEventLogRange(db, last!.eventLogId, 1);
    expect(entry!.description).toMatch(/^Vinculación del pedimento 26  47  3456  6001234 con la recepción número \d+ de TDA-0001 \(20000\.000 L\) por supervisor: vinculado 60,000 \/ 60,000 L$/);

    await noEntry(() => expectReject(linkPedimentoOperation(db, id, { action: "link", operationId: receptions[0]! }, actor, NOW), "conflict", /ya está vinculada/));
    await expectReject(linkPedimentoOperation(db, id, { action: "link", operationId: 999_999 }, actor, NOW), "not_found", /Operación inexistente/);
    const listed = (await listPedimentos(db, { installationKey: "TDA-0001" })).find((p) => p.id === id)!;
    expect(listed.linked.label).toBe("vinculado 60,000 / 60,000 L");

    const unlinked = await oneEntry(() => linkPedimentoOperation(db, id, { action: "unlink", operationId: receptions[1]! }, actor, NOW));
    expect(unlinked.pedimento.linked).toMatchObject({ linked: 40000, complete: false, label: "vinculado 40,000 / 60,000 L" });
    await expectReject(linkPedimentoOperation(db, id, { action: "unlink", operationId: receptions[1]! }, actor, NOW), "not_found", /no está vinculada/);
    // Partial cover, then a link beyond the declared volume is stored with a warning.
    const partial = await linkPedimentoOperation(db, id, { action: "link", operationId: receptions[1]!, volume: 15000 }, actor, NOW);
    expect(partial.pedimento.linked.label).toBe("vinculado 55,000 / 60,000 L");
    await expectReject(linkPedimentoOperation(db, id, { action: "link", operationId: receptions[1]!, volume: 25000 }, actor, NOW), "conflict", /ya está vinculada/);

    // A delivery cannot be covered by an import pedimento; a diesel reception not by a gasoline one.
    const delivery = await registerManualOperation(
      db,
      manualOperationSchema.parse({ installationKey: "TDA-0001", type: "delivery", tankKey: "TQS-TDA-0001", startAt: "2026-11-24T10:00:00-06:00", endAt: "2026-11-24T10:30:00-06:00", netVolume: 5000, counterpartyRfc: "AAA010101AAA", justification: "Entrega capturada para la prueba de pedimentos" }),
      actor,
      NOW,
    );
    await expectReject(linkPedimentoOperation(db, id, { action: "link", operationId: delivery.id }, actor, NOW), "invalid", /se vincula a recepciones/);
    const diesel = await registerManualOperation(
      db,
      manualOperationSchema.parse({ installationKey: "TDA-0001", type: "reception", tankKey: "TQS-TDA-0005", startAt: "2026-11-24T12:00:00-06:00", endAt: "2026-11-24T13:00:00-06:00", netVolume: 30000, counterpartyRfc: "AAA010101AAA", justification: "Recepción de diésel capturada para la prueba" }),
      actor,
      NOW,
    );
    await expectReject(linkPedimentoOperation(db, id, { action: "link", operationId: diesel.id }, actor, NOW), "invalid", /es de PR03; el pedimento ampara PR07/);
  });

  it("A30-STO-02: a correction is version 2 with the reason, the changes in its one bitácora entry, and the links moved to it", async () => {
    const [row] = await db.query<{ id: number }>("select id from pedimentos where number = '26  47  3456  6001234'");
    const id = Number(row!.id);
    expect(correctPedimentoSchema.safeParse({ volume: 55000 }).success).toBe(false); // reason required
    const result = await oneEntry(() => correctPedimento(db, id, correctPedimentoSchema.parse({ volume: 55000, incoterm: "CIF", reason: "Volumen documentado según rectificación" }), actor, NOW));
    expect(result.pedimento).toMatchObject({ version: 2, supersedesId: id, volume: 55000, incoterm: "CIF", correctionReason: "Volumen documentado según rectificación" });
    expect(result.changes).toEqual([
      { field: "incoterm", before: "FOB", after: "CIF" },
      { field: "volume", before: 60000, after: 55000 },
    ]);
    expect(result.pedimento.linked.label).toBe("vinculado 55,000 / 55,000 L");
    const [entry] = await readEventLogRange(db, result.eventLogId, 1);
    expect(entry!.description).toBe(
      "Corrección del pedimento 26  47  3456  6001234 (versión 1 → 2) por supervisor: Incoterms: FOB → CIF; volumen documentado: 60000 → 55000. Motivo: Volumen documentado según rectificación",
    );
    // The old id resolves to the current version; the list shows only it; nothing to change → 400.
    await noEntry(() => expectReject(correctPedimento(db, id, correctPedimentoSchema.parse({ volume: 55000, reason: "Sin cambios reales" }), actor, NOW), "invalid", /no cambia ningún dato/));
    const versions = await listPedimentoVersions(db, id);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect((await listPedimentoVersions(db, versions[1]!.id)).map((v) => v.id)).toEqual(versions.map((v) => v.id));
    expect((await listPedimentos(db)).filter((p) => p.number === "26  47  3456  6001234").map((p) => p.version)).toEqual([2]);
    // A corrected fraction brings its own NICO (the stored «05» does not contradict it).
    const nico = await correctPedimento(db, id, correctPedimentoSchema.parse({ tariffFraction: "2710.12.99-06", reason: "NICO según el dictamen del lote" }), actor, NOW);
    expect(nico.pedimento).toMatchObject({ version: 3, tariffFraction: "2710.12.99", nico: "06" });
    expect(nico.changes).toEqual([{ field: "nico", before: "05", after: "06" }]);
    // Changing the number to one in use → 409.
    await expectReject(correctPedimento(db, id, correctPedimentoSchema.parse({ number: "264734566001235", reason: "Número equivocado" }), actor, NOW), "conflict", /ya está registrado/);
  });

  it("keeps the bitácora chain intact across every write", async () => {
    const entries = await readEventLogRange(db, 1, 10_000);
    expect(verifyEventLogChain(entries).ok).toBe(true);
  });
});
