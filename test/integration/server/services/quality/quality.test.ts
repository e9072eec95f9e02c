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
  QualityError,
  createDictamen,
  dictamenImportSchema,
  dictamenInputSchema,
  importDictamenFile,
  instrumentQualitySchema,
  linkOperationsToLot,
  listDictamenes,
  listLots,
  listPendingOperations,
  recordInstrumentQuality,
  type Actor,
} from "../../../../../server/services/quality/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const NOW = new Date("2026-11-25T18:00:00Z");
const LAB = "EVA9612104R6";
const TAXPAYER = "EKU9003173C9";

let consecutive = 100;
/** A complete diesel dictamen (all 32.4 fields) with a fresh folio; `over` replaces or removes (undefined) fields. */
function dictamen(over: Record<string, unknown> = {}): Record<string, unknown> {
  consecutive += 1;
  const input: Record<string, unknown> = {
    installationKey: "EDS-0001",
    tankKey: "TQS-EDS-0003",
    laboratoryRfc: LAB,
    laboratoryName: "Laboratorio de Pruebas del Golfo",
    laboratoryAccreditation: "ema Q-0123-045/20",
    laboratoryAccreditationValidUntil: "2027-06-30",
    samplingLocation: "Av. Reforma 100, Monterrey, N.L.",
    sampleOrigin: "Tanque TQS-EDS-0003",
    issuerName: "Q.F.B. Ana Martínez",
    laboratoryLegalRepresentativeRfc: "MAGA800101AB1",
    folio: `${LAB}00${consecutive}2026`,
    issueDate: "2026-11-20",
    samplingDate: "2026-11-16",
    testDate: "2026-11-17",
    resultsDate: "2026-11-18",
    lotNumber: "L-2026-0001",
    sampleVolume: 1,
    sampleVolumeUnit: "L",
    results: [{ property: "biodiésel", samplingMethod: "ASTM D4057", testMethod: "ASTM D7371", value: 0, unit: "% vol" }],
    productKey: "PR03",
    subProductKey: "SP24",
    containsNonFossil: "No",
    nonFossilPct: 0,
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete input[k];
    else input[k] = v;
  }
  return input;
}

async function rejected(promise: Promise<unknown>): Promise<QualityError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QualityError);
  return error as QualityError;
}

/** A DI- file of the A32-11 example form (taxpayer EKU9003173C9, laboratory EVA9612104R6, consecutive 00025, 2026). */
function diFile(over: Record<string, unknown> = {}) {
  return {
    contribuyente: { rfc: TAXPAYER, nombre: "Estación de prueba S.A. de C.V." },
    laboratorio: { rfc: LAB, nombre: "Laboratorio de Pruebas del Golfo", acreditacion: "ema Q-0123-045/20", vigenciaAcreditacion: "2027-06-30" },
    domicilioMuestreo: "Carretera 57 km 12, Saltillo, Coah.",
    origenMuestra: "Tanque TQS-EDS-0001",
    personalEmisor: "Ing. Luis Pérez",
    rfcRepresentanteLegal: "MAGA800101AB1",
    folio: `${LAB}000252026`,
    fechaEmision: "2026-11-21",
    fechaMuestreo: "2026-11-18",
    fechaPruebas: "2026-11-19",
    fechaResultados: "2026-11-20",
    lote: "L-2026-0100",
    volumenMuestra: { valor: 1, unidad: "L" },
    resultados: [
      { propiedad: "RON", metodoMuestreo: "ASTM D4057", metodoPrueba: "ASTM D2699", valor: 92, unidad: "octanos" },
      { propiedad: "MON", metodoPrueba: "ASTM D2700", valor: 83, unidad: "octanos" },
      { propiedad: "etanol", metodoPrueba: "ASTM D86", valor: 5.8, unidad: "% vol" },
    ],
    claveProducto: "PR07",
    idioma: "es",
    datosProducto: { gasolina: { ron: 92, mon: 83, indiceOctano: 87.5, contieneCombustibleNoFosil: "Sí", porcentajeCombustibleNoFosil: 5.8 } },
    ...over,
  };
}

describe.each(testEngines)("quality service on %s (A30-TYP-01…10, A32-01…12)", (engine) => {
  let t: TestDatabase;
  let db: Database;
  let actor: Actor;
  const ops: Record<string, number> = {};

  async function oneEntry<T>(write: () => Promise<T>): Promise<T> {
    const before = await readEventLogCounter(db);
    const result = await write();
    expect(await readEventLogCounter(db)).toBe(before + 1);
    return result;
  }
  async function noEntry<T>(write: () => Promise<T>): Promise<T> {
    const before = await readEventLogCounter(db);
    const result = await write();
    expect(await readEventLogCounter(db)).toBe(before);
    return result;
  }
  const create = (over: Record<string, unknown> = {}) => createDictamen(db, dictamenInputSchema.parse(dictamen(over)), actor, NOW);
  async function reception(name: string, tankKey: string, day: number, type: "reception" | "delivery" = "reception") {
    const op = await registerManualOperation(
      db,
      manualOperationSchema.parse({
        installationKey: "EDS-0001",
        type,
        tankKey,
        startAt: `2026-11-${day}T08:00:00-06:00`,
        endAt: `2026-11-${day}T08:40:00-06:00`,
        netVolume: 20000,
        counterpartyRfc: "AAA010101AAA",
        justification: "Operación capturada para la prueba de calidad",
      }),
      actor,
      NOW,
    );
    ops[name] = op.id;
    return op;
  }

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    db = t.db;
    await seedCatalogs(db);
    await seedDemo(db, DEMO_SITE, { now: new Date("2026-11-01T06:00:00Z") });
    const [u] = await db.query<{ id: number }>("select id from users where username = 'supervisor'");
    actor = { userId: Number(u!.id), username: "supervisor" };
    await reception("r1", "TQS-EDS-0003", 16);
    await reception("r2", "TQS-EDS-0003", 17);
    await reception("r3", "TQS-EDS-0003", 18);
    await reception("g1", "TQS-EDS-0001", 19);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("A32-01: a dictamen without lot number or folio → 400 at the boundary; inconsistent dates rejected «fechas inconsistentes»; nothing stored", async () => {
    const noLot = dictamenInputSchema.safeParse(dictamen({ lotNumber: undefined }));
    expect(noLot.success).toBe(false);
    expect(noLot.error!.issues.map((i) => i.message).join(" ")).toContain("Número de lote (A32-01 XII)");
    const noFolio = dictamenInputSchema.safeParse(dictamen({ folio: undefined }));
    expect(noFolio.error!.issues.map((i) => i.message).join(" ")).toContain("Folio del dictamen obligatorio (A32-01 VII)");
    const e = await noEntry(() => rejected(create({ testDate: "2026-11-15" })));
    expect(e.code).toBe("invalid");
    expect(e.reasons).toEqual(["fechas inconsistentes: la de prueba (2026-11-15) es anterior a la de muestreo (2026-11-16)"]);
    const badFolio = await rejected(create({ folio: "ABC123" }));
    expect(badFolio.reasons[0]).toMatch(/^Folio «ABC123»: debe ser el RFC del laboratorio/);
    const otherLab = await rejected(create({ folio: "GPA200101NL1000012026" }));
    expect(otherLab.reasons[0]).toContain(`debe comenzar con el RFC del laboratorio ${LAB}`);
    const foreign = await rejected(create({ taxpayerRfc: "GPA200101NL1" }));
    expect(foreign.reasons[0]).toContain("no es el de EDS-0001 (EKU9003173C9)");
    expect(await db.query("select 1 from dictamenes")).toEqual([]);
    expect(await db.query("select 1 from lots")).toEqual([]);
  });

  it("A30-TYP-02: a dictamen-sourced record without the laboratory RFC → 400; A30-TYP-07 diesel «Sí» with 0 % rejected, «No» with 0 % stored with its lot, record and linked reception (one entry)", async () => {
    const noRfc = dictamenInputSchema.safeParse(dictamen({ laboratoryRfc: undefined }));
    expect(noRfc.success).toBe(false);
    expect(noRfc.error!.issues.map((i) => i.message).join(" ")).toContain("RFC del laboratorio (A30-TYP-02)");
    const yesZero = await noEntry(() => rejected(create({ containsNonFossil: "Sí", nonFossilPct: 0 })));
    expect(yesZero.reasons[0]).toContain("«contiene combustible no fósil: Sí» con 0 %");

    const stored = await oneEntry(() => create({ operationIds: [ops.r1] }));
    expect(stored).toMatchObject({ lotKey: "L-2026-0001", lotCreated: true, warnings: [] });
    expect(stored.dictamen).toMatchObject({ containsNonFossil: false, nonFossilPct: 0, lotKey: "L-2026-0001", tank: "TQS-EDS-0003", source: `dictamen DI-${TAXPAYER}_${stored.dictamen.folio}`, linkedOperations: 1 });
    const [lot] = await db.query<{ kind: string; tank_id: number | null; product_key: string }>("select kind, tank_id, product_key from lots where id = $1", [stored.lotId]);
    expect(lot).toMatchObject({ kind: "tank", product_key: "PR03" });
    // A30-TYP-10: the reception's current version references the lot and shows the dictamen values.
    const [op] = await db.query<{ version: number; lot_key: string; fuente: string; diesel: Record<string, unknown>; correction_reason: string; event_log_id: number }>(
      `select o.version, l.key as lot_key, q.data->>'fuente' as fuente, q.data->'diesel' as diesel, o.correction_reason, o.event_log_id
         from operations o join lots l on l.id = o.lot_id join quality_records q on q.id = o.quality_record_id
        where o.number = (select number from operations where id = $1) and o.installation_id = (select installation_id from operations where id = $1)
          and not exists (select 1 from operations n where n.supersedes_id = o.id)`,
      [ops.r1],
    );
    expect(op).toMatchObject({ version: 2, lot_key: "L-2026-0001", fuente: `dictamen DI-${TAXPAYER}_${stored.dictamen.folio}`, diesel: { contieneCombustibleNoFosil: "No", porcentajeCombustibleNoFosil: 0 } });
    expect(Number(op!.event_log_id)).toBe(stored.eventLogId);
    const [entry] = await readEventLogRange(db, stored.eventLogId, 1);
    expect(entry!.description).toMatch(/^Captura del dictamen EVA9612104R6\d{9} \(Laboratorio de Pruebas del Golfo, EVA9612104R6\) del lote L-2026-0001 \(nuevo\) de PR03 por supervisor: Diésel: contiene combustible no fósil: No \(0 %\); operaciones vinculadas: recepción \d+$/);
    // The same folio of the same laboratory is one dictamen (409).
    const again = await noEntry(() => rejected(createDictamen(db, dictamenInputSchema.parse({ ...dictamen(), folio: stored.dictamen.folio }), actor, NOW)));
    expect(again.code).toBe("conflict");
  });

  it("A30-TYP-10: the pending list shows receptions without quality data; linking to the lot resolves them; a lot without data keeps them pending until its dictamen links them", async () => {
    const pending = await listPendingOperations(db, { installationKey: "EDS-0001" });
    const pendingNumbers = (name: string) => pending.operations.filter((p) => p.id === ops[name]).length;
    expect(pendingNumbers("r1")).toBe(0);
    expect(pendingNumbers("r2")).toBe(1);
    expect(pending.total).toBe(3);

    const [lot] = await db.query<{ id: number }>("select id from lots where key = 'L-2026-0001'");
    const linked = await oneEntry(() => linkOperationsToLot(db, Number(lot!.id), { operationIds: [ops.r2!] }, actor, NOW));
    expect(linked.linked).toHaveLength(1);
    expect(linked.linked[0]).toMatchObject({ version: 2, type: "reception" });
    const [entry] = await readEventLogRange(db, linked.eventLogId, 1);
    expect(entry!.description).toMatch(/^Vinculación al lote L-2026-0001 \(fuente = dictamen DI-EKU9003173C9_EVA9612104R6\d{9}\) por supervisor: operaciones vinculadas: recepción \d+\./);
    // Linking again changes nothing → 400 without entry; a gasoline reception is not of a diesel lot.
    expect((await noEntry(() => rejected(linkOperationsToLot(db, Number(lot!.id), { operationIds: [ops.r2!] }, actor, NOW)))).code).toBe("invalid");
    expect((await rejected(linkOperationsToLot(db, Number(lot!.id), { operationIds: [ops.g1!] }, actor, NOW))).reasons[0]).toContain("es de PR07; el lote L-2026-0001 es de PR03");
    expect((await rejected(linkOperationsToLot(db, 999_999, { operationIds: [ops.r2!] }, actor, NOW))).code).toBe("not_found");

    // r3 goes to a lot that has no data yet: still pending, with its lot named.
    const [lot3] = await db.query<{ id: number }>(
      `insert into lots (installation_id, key, kind, product_key, opened_at) select id, 'L-2026-0003', 'tank', 'PR03', now() from installations where key = 'EDS-0001' returning id`,
    );
    await oneEntry(() => linkOperationsToLot(db, Number(lot3!.id), { operationIds: [ops.r3!], reason: "Recepción del autotanque del lote 3" }, actor, NOW));
    const stillPending = (await listPendingOperations(db, { installationKey: "EDS-0001", type: "reception" })).operations.find((p) => p.lotKey === "L-2026-0003");
    expect(stillPending).toMatchObject({ lotKey: "L-2026-0003", lotHasQuality: false, type: "reception" });
    const byDictamen = await oneEntry(() => create({ lotNumber: "L-2026-0003" }));
    expect(byDictamen.linked).toHaveLength(1);
    expect(byDictamen.linked[0]!.version).toBe(3);
    const after = await listPendingOperations(db, { installationKey: "EDS-0001" });
    expect(after.operations.map((p) => p.lotKey)).not.toContain("L-2026-0003");
    expect(after.total).toBe(1); // only the gasoline reception g1
    const lots = await listLots(db, { installationKey: "EDS-0001" });
    expect(lots.find((l) => l.key === "L-2026-0003")).toMatchObject({ operations: 1, pendingOperations: 0, qualitySource: expect.stringMatching(/^dictamen DI-/) });
    expect(lots.find((l) => l.key === "L-2026-0001")).toMatchObject({ operations: 2, pendingOperations: 0 });
  });

  it("A30-TYP-03 / A32-04: crude API 32.47 and sulfur 1.04 are stored 32.5 / 1.0, «Ligero/Semi-amargo» SP5; °API 320 → «fuera de rango (0–100)»", async () => {
    const crude = { tankKey: undefined, productKey: "PR08", subProductKey: undefined, containsNonFossil: undefined, nonFossilPct: undefined, lotNumber: "L-CRU-0001", lotKind: "processing", results: [{ property: "densidad", testMethod: "ASTM D287", value: 32.47, unit: "°API" }] };
    const range = await noEntry(() => rejected(create({ ...crude, apiGravity: 320, sulfurPct: 1.04 })));
    expect(range.reasons).toEqual(["densidad API 320: fuera de rango (0–100)"]);
    const wrongField = await rejected(create({ ...crude, apiGravity: 32.47, sulfurPct: 1.04, octaneIndex: 87 }));
    expect(wrongField.reasons[0]).toBe("índice de octano: no aplica a PR08 (Petróleo)");
    const stored = await oneEntry(() => create({ ...crude, apiGravity: 32.47, sulfurPct: 1.04 }));
    expect(stored.dictamen).toMatchObject({ apiGravity: 32.5, sulfurPct: 1, subProductKey: "SP5", resultSummary: "Petróleo Ligero/Semi-amargo (SP5): densidad 32.5 °API, azufre 1.0 %" });
    const [record] = await db.query<{ data: { petroleo: unknown } }>("select data from quality_records where id = $1", [stored.qualityRecordId]);
    expect(record!.data.petroleo).toEqual({ densidadApi: 32.5, azufrePorcentaje: 1, clasificacion: "Ligero/Semi-amargo", claveSubProducto: "SP5" });
  });

  it("A30-TYP-06 / A32-03 / A32-06: gasoline index 87.5 with «Sí» 5.8 % accepted (SP16); «No» with 5.8 % rejected; RON 92 / MON 82 → 87.0 and a stated 87.5 warned", async () => {
    const gasoline = { tankKey: "TQS-EDS-0001", productKey: "PR07", subProductKey: undefined, lotNumber: "L-GAS-0001", results: [] };
    const ok = await create({ ...gasoline, octaneIndex: 87.5, containsNonFossil: "Sí", nonFossilPct: 5.8 });
    expect(ok.dictamen).toMatchObject({ octaneIndex: 87.5, containsNonFossil: true, nonFossilPct: 5.8, subProductKey: "SP16" });
    const no = await rejected(create({ ...gasoline, octaneIndex: 87.5, containsNonFossil: "No", nonFossilPct: 5.8 }));
    expect(no.reasons[0]).toContain("«contiene combustible no fósil: No» con 5.8 %");
    const computed = await create({ ...gasoline, ron: 92, mon: 82, octaneIndex: 87.5, containsNonFossil: "No", nonFossilPct: 0 });
    expect(computed.dictamen.octaneIndex).toBe(87);
    expect(computed.dictamen.warnings).toEqual(["el índice de octano declarado (87.5) difiere del calculado (RON + MON)/2 = 87"]);
  });

  it("A32-07: jet fuel with FAME 12 mg/kg and no bioturbosina % accepted; diesel FAME refused", async () => {
    const jet = await create({ tankKey: undefined, productKey: "PR11", subProductKey: "SP35", lotNumber: "L-JET-0001", lotKind: "truck_rail", containsNonFossil: "No", nonFossilPct: undefined, fameMgKg: 12, results: [{ property: "FAME", testMethod: "IP 585", value: 12, unit: "mg/kg" }] });
    expect(jet.dictamen).toMatchObject({ fameMgKg: 12, nonFossilPct: null, containsNonFossil: false, warnings: [] });
    const dieselFame = await rejected(create({ fameMgKg: 12 }));
    expect(dieselFame.reasons[0]).toBe("contenido de FAME: no aplica a PR03 (Diésel)");
  });

  it("A32-08: LP gas 60 % / 30 % is stored raw and normalised 66.67 / 33.33; 0 / 0 rejected", async () => {
    const lpg = { tankKey: undefined, productKey: "PR12", subProductKey: undefined, containsNonFossil: undefined, nonFossilPct: undefined, lotNumber: "L-GLP-0001", lotKind: "truck_rail", results: [{ property: "propano", testMethod: "ASTM D2163", value: 60, unit: "% vol" }] };
    const stored = await create({ ...lpg, propanePct: 60, butanePct: 30 });
    expect(stored.dictamen).toMatchObject({ propanePctRaw: 60, butanePctRaw: 30, propanePct: 66.67, butanePct: 33.33 });
    expect((await rejected(create({ ...lpg, propanePct: 0, butanePct: 0 }))).reasons[0]).toBe("propano + butano = 0: no se puede normalizar");
  });

  it("A30-TYP-04 / A30-TYP-05: fraction I sums molar fractions (> 1 rejected); fraction VI needs the average in MJ/m³ (BTU/ft³ rejected)", async () => {
    const gas = { tankKey: undefined, productKey: "PR09", subProductKey: "SP41", containsNonFossil: undefined, nonFossilPct: undefined, lotKind: "duct", results: [] };
    const btu = await rejected(create({ ...gas, lotNumber: "L-GN-0001", calorificValue: 1000, calorificValueUnit: "BTU/ft3" }));
    expect(btu.reasons[0]).toContain("se expresa en MJ/m3, no en BTU/ft3 (A30-TYP-05)");
    const mj = await create({ ...gas, lotNumber: "L-GN-0001", calorificValue: 37.259, calorificValueUnit: "MJ/m3" });
    expect(mj.dictamen).toMatchObject({ calorificValue: 37.259, calorificValueUnit: "MJ/m3" });
    await db.query("update taxpayers set activity_fraction = 'I' where rfc = $1", [TAXPAYER]);
    try {
      const over = await rejected(create({ ...gas, lotNumber: "L-GN-0002", gasComposition: [{ component: "metano", molarFraction: 0.9, calorificValue: 1010 }, { component: "etano", molarFraction: 0.2, calorificValue: 1770 }] }));
      expect(over.reasons[0]).toBe("suma de fracciones molares > 1 (1.1)");
      const ok = await create({
        ...gas,
        lotNumber: "L-GN-0002",
        lotKind: undefined,
        gasComposition: [
          { component: "metano", molarFraction: 0.91, calorificValue: 1010 },
          { component: "etano", molarFraction: 0.05, calorificValue: 1770 },
          { component: "propano", molarFraction: 0.02, calorificValue: 2516 },
        ],
      });
      expect(ok.dictamen.gasComposition).toHaveLength(3);
      // Fraction I without a lot kind: the monthly lot of the sampling month (A32-09).
      const [lot] = await db.query<{ kind: string; period_month: string | Date }>("select kind, period_month from lots where id = $1", [ok.lotId]);
      expect(lot!.kind).toBe("monthly");
      expect(new Date(lot!.period_month).toISOString().slice(0, 10)).toBe("2026-11-01");
    } finally {
      await db.query("update taxpayers set activity_fraction = 'VI' where rfc = $1", [TAXPAYER]);
    }
  });

  it("A32-02 / A32-11: an unlisted method is stored with its warning; a dictamen in «pt» warns «traducción requerida»", async () => {
    const stored = await create({ lotNumber: "L-2026-0001", language: "pt", results: [{ property: "biodiésel", testMethod: "ASTM D86", value: 0, unit: "% vol" }] });
    expect(stored.dictamen.results[0]).toMatchObject({ testMethod: "ASTM D86", warning: "método no listado en Anexo 32: ASTM D86" });
    expect(stored.dictamen.warnings).toEqual(["biodiésel: método no listado en Anexo 32: ASTM D86", "traducción requerida: dictamen en «pt»; adjunte la traducción al español por perito traductor autorizado (A32-11)"]);
  });

  it("A32-11: DI- JSON import round-trip — name checked, content stored as attachment, values and source as captured; a 4-digit consecutive and XML are rejected", async () => {
    const fileName = `DI-${TAXPAYER}_${LAB}000252026.json`;
    const content = JSON.stringify(diFile(), null, 2);
    const bad = await noEntry(() => rejected(importDictamenFile(db, dictamenImportSchema.parse({ fileName: `DI-${TAXPAYER}_${LAB}00252026.json`, content, installationKey: "EDS-0001", tankKey: "TQS-EDS-0001" }), actor, NOW)));
    expect(bad.reasons[0]).toMatch(/^nombre de dictamen inválido/);
    const xml = await rejected(importDictamenFile(db, dictamenImportSchema.parse({ fileName: fileName.replace(".json", ".xml"), content: "<dictamen/>" }), actor, NOW));
    expect(xml.reasons).toEqual(["El SAT no publica el esquema XML del dictamen: importe el archivo JSON con el formato documentado (DI-….json)", "El contenido no es JSON válido"]);
    const mismatch = await rejected(importDictamenFile(db, dictamenImportSchema.parse({ fileName, content: JSON.stringify(diFile({ folio: `${LAB}000262026` })), installationKey: "EDS-0001" }), actor, NOW));
    expect(mismatch.reasons).toEqual([`El nombre del archivo corresponde al folio ${LAB}000252026; el contenido dice ${LAB}000262026`]);
    const unknownField = await rejected(importDictamenFile(db, dictamenImportSchema.parse({ fileName, content: JSON.stringify({ ...diFile(), extra: 1 }), installationKey: "EDS-0001" }), actor, NOW));
    expect(unknownField.message).toBe("El archivo no tiene el formato de dictamen esperado");

    // The demo taxpayer has two installations: the file does not say which one.
    const which = await rejected(importDictamenFile(db, dictamenImportSchema.parse({ fileName, content }), actor, NOW));
    expect(which.reasons).toEqual(["Indique la instalación del dictamen (installationKey)"]);
    const imported = await oneEntry(() => importDictamenFile(db, dictamenImportSchema.parse({ fileName, content, installationKey: "EDS-0001", tankKey: "TQS-EDS-0001", operationIds: [ops.g1] }), actor, NOW));
    expect(imported.dictamen).toMatchObject({
      installation: "EDS-0001",
      taxpayerRfc: TAXPAYER,
      laboratoryRfc: LAB,
      folio: `${LAB}000252026`,
      fileName,
      lotKey: "L-2026-0100",
      ron: 92,
      mon: 83,
      octaneIndex: 87.5,
      containsNonFossil: true,
      nonFossilPct: 5.8,
      subProductKey: "SP16",
      samplingLocation: "Carretera 57 km 12, Saltillo, Coah.",
      issuerName: "Ing. Luis Pérez",
      sampleVolume: 1,
      source: `dictamen DI-${TAXPAYER}_${LAB}000252026`,
      linkedOperations: 1,
    });
    expect(imported.dictamen.warnings).toEqual(["etanol: método no listado en Anexo 32: ASTM D86"]);
    const [attachment] = await db.query<{ file_name: string; media_type: string; size_bytes: string | number; sha256: string; category: string; content: Uint8Array }>(
      "select file_name, media_type, size_bytes, sha256, category, content from attachments where id = $1",
      [imported.dictamen.dataAttachmentId],
    );
    expect(attachment).toMatchObject({ file_name: fileName, media_type: "application/json", category: "dictamen_data" });
    expect(Number(attachment!.size_bytes)).toBe(Buffer.byteLength(content));
    expect(Buffer.from(attachment!.content).toString("utf8")).toBe(content);
    const [entry] = await readEventLogRange(db, imported.eventLogId, 1);
    expect(entry!.description.startsWith(`Importación del dictamen ${LAB}000252026`)).toBe(true);
    const again = await rejected(importDictamenFile(db, dictamenImportSchema.parse({ fileName, content, installationKey: "EDS-0001" }), actor, NOW));
    expect(again.code).toBe("conflict");
    expect(dictamenImportSchema.safeParse({ fileName, content: "x".repeat(512 * 1024 + 1) }).success).toBe(false);
    expect((await listDictamenes(db, { installationKey: "EDS-0001" })).some((d) => d.fileName === fileName)).toBe(true);
  });

  it("A30-TYP-02 / A32-12: an online-instrument record needs no laboratory RFC; flow-weighted 37.10 × 1,000 and 37.30 × 3,000 → 37.25 MJ/m³; an expired verification → «Calibración no válida»", async () => {
    const [installation] = await db.query<{ id: number }>("select id from installations where key = 'TDA-0001'");
    await db.query(
      `insert into analyzers (installation_id, key, kind, description, verification_provider_rfc, verification_provider_name, verified_on, verification_valid_until)
       values ($1, 'ANZ-CRO-0001', 'chromatograph', 'Cromatógrafo en línea del ducto', 'EVA9612104R6', 'Laboratorio de Pruebas del Golfo', '2026-06-01', '2027-05-31'),
              ($1, 'ANZ-CRO-0002', 'chromatograph', 'Cromatógrafo con verificación vencida', 'EVA9612104R6', 'Laboratorio de Pruebas del Golfo', '2025-06-01', '2026-05-31')`,
      [installation!.id],
    );
    const [analyzer] = await db.query<{ id: number }>("select id from analyzers where key = 'ANZ-CRO-0001'");
    for (const [time, value, flow] of [
      ["2026-11-24T10:00:00Z", 37.1, 1000],
      ["2026-11-24T11:00:00Z", 37.3, 3000],
      ["2026-11-25T11:00:00Z", 40.0, 500], // outside the interval
    ] as const) {
      await db.query("insert into analyzer_results (analyzer_id, time, property, value, unit, flow_volume) values ($1, $2, 'calorific_value', $3, 'MJ/m3', $4)", [analyzer!.id, time, value, flow]);
    }
    const input = {
      source: "online_instrument",
      installationKey: "TDA-0001",
      analyzerKey: "ANZ-CRO-0001",
      lotNumber: "L-DUC-0001",
      lotKind: "duct",
      productKey: "PR09",
      subProductKey: "SP41",
      from: "2026-11-24T00:00:00Z",
      to: "2026-11-25T00:00:00Z",
    };
    const record = await oneEntry(() => recordInstrumentQuality(db, instrumentQualitySchema.parse(input), actor, NOW));
    expect(record).toMatchObject({ source: "instrumento en línea ANZ-CRO-0001", lotKey: "L-DUC-0001", lotCreated: true });
    expect(record.data).toMatchObject({ fuente: "instrumento en línea ANZ-CRO-0001", gasNaturalOCondensados: { poderCalorificoPromedio: 37.25, unidadPoderCalorifico: "MJ/m3" } });
    const [row] = await db.query<{ source: string; analyzer_id: number; dictamen_id: number | null }>("select source, analyzer_id, dictamen_id from quality_records where id = $1", [record.qualityRecordId]);
    expect(row).toMatchObject({ source: "online_instrument", dictamen_id: null });
    const expired = await noEntry(() => rejected(recordInstrumentQuality(db, instrumentQualitySchema.parse({ ...input, analyzerKey: "ANZ-CRO-0002", lotNumber: "L-DUC-0002" }), actor, NOW)));
    expect(expired.reasons[0]).toBe("Calibración no válida: la verificación del analizador ANZ-CRO-0002 venció el 2026-05-31 (A32-12)");
    expect(await db.query("select 1 from lots where key = 'L-DUC-0002'")).toEqual([]);
  });

  it("keeps the bitácora chain intact across every write", async () => {
    const entries = await readEventLogRange(db, 1, 10_000);
    expect(verifyEventLogChain(entries).ok).toBe(true);
  });
});
