import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEventLogRange } from "../../../../../db/repositories/event-log";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { verifyEventLogChain } from "../../../../../server/domain/event-log/index";
import { manualOperationSchema } from "../../../../../server/domain/operations/index";
import {
  cfdiForOperation,
  CfdiError,
  getCfdiDetail,
  importCfdi,
  linkCfdi,
  listCfdi,
  listOperationsWithoutCfdi,
  listUnmatchedCfdi,
  runCfdiMatching,
  unlinkCfdi,
  type CfdiActor,
  type ImportCfdiResult,
  type ImportedCfdi,
} from "../../../../../server/services/cfdi/index";
import { registerManualOperation, type Actor } from "../../../../../server/services/operations/index";
import { cfdiBytes, cfdiText, withFakeTimbre } from "../../../../helpers/cfdi-fixtures";
import { DEMO_RFC, fuelCfdi, SUPPLIER_RFC, testUuid } from "../../../../helpers/cfdi-variants";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const NOW = new Date("2026-11-05T18:00:00Z");
const TABLES = ["cfdi", "cfdi_concepts", "cfdi_related_documents", "cfdi_operation_links", "attachments", "event_log"] as const;

function imported(result: ImportCfdiResult): ImportedCfdi {
  if (!result.ok) throw new Error(`importación rechazada: ${result.reason}`);
  return result;
}

describe.each(testEngines)("CFDI import and matching on %s (issue #6 items 1 and 3)", (engine) => {
  let t: TestDatabase;
  let supervisor: CfdiActor & Actor;
  let operador: Actor;

  const counts = async () => {
    const out = {} as Record<(typeof TABLES)[number], number>;
    for (const table of TABLES) out[table] = Number((await t.db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n);
    return out;
  };

  /** A manual reception/delivery (the operations service), returns its id. */
  async function operation(input: { type?: "reception" | "delivery"; tankKey?: string; hoseKey?: string; installationKey?: string; start: string; end: string; volume: number; rfc?: string }) {
    const stored = await registerManualOperation(
      t.db,
      manualOperationSchema.parse({
        installationKey: input.installationKey ?? "EDS-0001",
        type: input.type ?? "reception",
        ...(input.hoseKey ? { hoseKey: input.hoseKey } : { tankKey: input.tankKey ?? "TQS-EDS-0001" }),
        startAt: input.start,
        endAt: input.end,
        netVolume: input.volume,
        ...(input.rfc ? { counterpartyRfc: input.rfc } : {}),
        justification: "Captura de prueba: el equipo no registró la operación",
      }),
      operador,
      NOW,
    );
    return stored.id;
  }

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date("2026-10-01T00:00:00Z") });
    const users = await t.db.query<{ id: number; username: string }>("select id, username from users");
    const byName = (n: string) => ({ userId: Number(users.find((u) => u.username === n)!.id), username: n });
    supervisor = byName("supervisor");
    operador = byName("operador");
  });
  afterAll(async () => t?.close());

  it("A30-CFDI-02/07: a CFDI 4.0 of the taxpayer is stored with its concepts, the original bytes + SHA-256, the verification and one bitácora entry", async () => {
    const before = await counts();
    const bytes = cfdiBytes("cfdi40-valid.xml");
    const result = imported(await importCfdi(t.db, supervisor, { fileName: "C:\\facturas\\cfdi40-valid.xml", xml: bytes }, NOW));
    expect(result).toMatchObject({ uuid: "6F35D3B5-3651-5370-BC2C-14CDBE384CD7", type: "I", purpose: "service", links: [] });
    expect(result.verification.ok).toBe(true);
    const after = await counts();
    expect(after).toEqual({ ...before, cfdi: before.cfdi + 1, cfdi_concepts: before.cfdi_concepts + 1, attachments: before.attachments + 2, event_log: before.event_log + 1 });

    const [row] = await t.db.query<Record<string, unknown>>("select * from cfdi where id = $1", [result.cfdiId]);
    const sha = createHash("sha256").update(bytes).digest("hex");
    expect(row).toMatchObject({ issuer_rfc: "EKU9003173C9", receiver_rfc: "MCI7306249Y1", version: "4.0", type: "I", currency: "MXN", xml_sha256: sha, amount_decimals: 2, status: "vigente" });
    expect(Number(row!.total)).toBe(3327.01);
    expect(row!.xml).toBe(bytes.toString("utf8"));
    // Fecha 2025-02-19T08:32:29 read in America/Mexico_City (UTC−6).
    expect(new Date(row!.issued_at as string).toISOString()).toBe("2025-02-19T14:32:29.000Z");
    const [attachment] = await t.db.query<{ sha256: string; file_name: string; content: Uint8Array }>(
      "select sha256, file_name, content from attachments where category = 'cfdi_xml' and subject_table = 'cfdi' and subject_id = $1",
      [String(result.cfdiId)],
    );
    expect(attachment!.sha256).toBe(sha);
    expect(attachment!.file_name).toBe("cfdi40-valid.xml");
    expect(Buffer.from(attachment!.content).equals(bytes)).toBe(true);
    const [entry] = await t.db.query<{ username: string; category: number; description: string; details: unknown }>("select username, category, description, details from event_log where id = $1", [result.eventLogId]);
    expect(entry).toMatchObject({ username: "supervisor", category: 5 });
    expect(entry!.description).toContain("Importación del CFDI 6F35D3B5-3651-5370-BC2C-14CDBE384CD7");
    expect(entry!.description).toContain("Verificación sin fallas");
  });

  it("A30-CFDI-02/05 acceptance: 20,000 L of gasoline at 21.50 from GPA200101NL1 dated 2026-10-31 is stored and linked automatically to the 19,950 L reception of 2026-11-01; the altered seal is reported, not blocking", async () => {
    const receptionId = await operation({ start: "2026-11-01T15:00:00Z", end: "2026-11-01T16:00:00Z", volume: 19_950, rfc: SUPPLIER_RFC });
    const result = imported(await importCfdi(t.db, supervisor, { fileName: "gpa-20000.xml", xml: Buffer.from(fuelCfdi({ uuid: testUuid(1).toLowerCase(), unitPrice: "21.503456", amount: "430069.12" })) }, NOW));
    expect(result.uuid).toBe(testUuid(1));
    expect(result.purpose).toBe("acquisition");
    // A30-CFDI-07: verification reports the broken seal; the import is not blocked by it.
    expect(result.verification.ok).toBe(false);
    expect(result.verification.checks.find((c) => c.id === "sello_cfdi")).toMatchObject({ ok: false });
    expect(result.verification.checks.find((c) => c.id === "sello_cfdi")!.detail).toMatch(/^sello inválido/);

    const detail = (await getCfdiDetail(t.db, result.cfdiId))!;
    expect(detail).toMatchObject({ uuid: testUuid(1), issuerRfc: SUPPLIER_RFC, receiverRfc: DEMO_RFC, total: "430069.12", direction: "received", purpose: "acquisition", issueDate: "2026-10-31" });
    // A30-CFDI-08: the unit price round-trips unchanged.
    expect(detail.concepts).toEqual([
      expect.objectContaining({ productServiceKey: "15101514", quantity: "20000", unitKey: "LTR", unitPrice: "21.503456", amount: "430069.12", volume: 20_000, volumeUnit: "UM03", productKey: "PR07" }),
    ]);
    expect(detail.verificationReport!.checks.find((c) => c.id === "sello_cfdi")!.ok).toBe(false);
    expect(detail.verification).toMatchObject({ ok: false });

    expect(result.links).toEqual([expect.objectContaining({ operationId: receptionId, volumeLinked: 20_000, unit: "UM03" })]);
    expect(result.matching).toMatch(/^vinculado automáticamente: RFC GPA200101NL1 coincide; 1 día/);
    const ofOperation = await cfdiForOperation(t.db, receptionId);
    expect(ofOperation).toEqual([expect.objectContaining({ uuid: testUuid(1), suggested: true, linkedBy: "sistema", volumeLinked: 20_000 })]);
    const [linkEntry] = await t.db.query<{ username: string; description: string }>("select username, description from event_log where id = $1", [result.links[0]!.eventLogId]);
    expect(linkEntry!.username).toBe("sistema");
    expect(linkEntry!.description).toContain(`Vinculación automática del CFDI ${testUuid(1)}`);
    // The link shows in the operation's bitácora history.
    const [linked] = await t.db.query<{ n: number }>("select count(*)::int as n from event_log_links where operation_id = $1 and event_log_id = $2", [receptionId, result.links[0]!.eventLogId]);
    expect(linked!.n).toBe(1);
  });

  it("A30-CFDI-05 acceptance: a CFDI of 21,000 L (5 % over) is not suggested; one outside the ± 3-day window neither", async () => {
    const receptionId = await operation({ start: "2026-11-02T15:00:00Z", end: "2026-11-02T16:00:00Z", volume: 19_950, rfc: SUPPLIER_RFC });
    const far = imported(await importCfdi(t.db, supervisor, { fileName: "a.xml", xml: Buffer.from(fuelCfdi({ uuid: testUuid(2), quantity: "21000", amount: "451500.00", fecha: "2026-11-02T09:00:00" })) }, NOW));
    expect(far.links).toEqual([]);
    expect(far.matching).toMatch(/^ninguna recepción del RFC GPA200101NL1/);
    expect((await getCfdiDetail(t.db, far.cfdiId))!.suggestions).toEqual([]);
    // 2026-11-06 is 4 days after the reception's date: out of the window.
    const late = imported(await importCfdi(t.db, supervisor, { fileName: "b.xml", xml: Buffer.from(fuelCfdi({ uuid: testUuid(3), fecha: "2026-11-06T09:00:00" })) }, NOW));
    expect(late.links).toEqual([]);
    expect(await cfdiForOperation(t.db, receptionId)).toEqual([]);
    // …and 3 days after (2026-11-05) is inside: linked.
    const edge = imported(await importCfdi(t.db, supervisor, { fileName: "c.xml", xml: Buffer.from(fuelCfdi({ uuid: testUuid(4), fecha: "2026-11-05T23:59:59" })) }, NOW));
    expect(edge.links.map((l) => l.operationId)).toEqual([receptionId]);
  });

  it("A30-CFDI-03/04/07: malformed, hostile, unstamped, non-CFDI, nómina, foreign, oversized and duplicate (any case) files are rejected with the reason and nothing is stored", async () => {
    const valid = fuelCfdi({ uuid: testUuid(10), fecha: "2026-09-01T10:00:00" });
    const cases: Array<[string, string | Buffer, RegExp]> = [
      ["malformed", valid.replace("</cfdi:Comprobante>", ""), /./],
      ["hostile", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>${valid.replace(/^<\?xml[^>]*>/, "")}`, /DTD no permitido/],
      ["unstamped", valid.replace(/<tfd:TimbreFiscalDigital[^>]*\/>/, ""), /^CFDI sin timbrar/],
      ["non-CFDI", '<?xml version="1.0"?><factura><total>1</total></factura>', /^no es un CFDI/],
      ["binary", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]), /./],
      ["empty", "", /./],
      ["nómina", fuelCfdi({ uuid: testUuid(11), tipo: "N" }), /^tipo de CFDI no aplicable/],
      ["foreign", fuelCfdi({ uuid: testUuid(12), issuerRfc: "AAA010101AAA", receiverRfc: "MCI7306249Y1" }), /^el CFDI no es del contribuyente/],
      ["oversized", `${valid}${" ".repeat(5 * 1024 * 1024)}`, /demasiado grande|excede|tamaño/i],
      ["bad UUID", fuelCfdi({ uuid: "00000000-0000-0000-0000-000000000000" }), /UUID del TimbreFiscalDigital inválido/],
      ["7 decimals", fuelCfdi({ uuid: testUuid(13), unitPrice: "21.5000001" }), /más de 6 decimales/],
    ];
    const duplicateOf = imported(await importCfdi(t.db, supervisor, { fileName: "first.xml", xml: Buffer.from(valid) }, NOW));
    cases.push(["duplicate", valid, /^UUID duplicado/], ["duplicate lower-case", valid.replace(testUuid(10), testUuid(10).toLowerCase()), /^UUID duplicado/]);
    const before = await counts();
    for (const [label, xml, reason] of cases) {
      const result = await importCfdi(t.db, supervisor, { fileName: `${label}.xml`, xml: typeof xml === "string" ? Buffer.from(xml) : xml }, NOW);
      expect(result.ok, label).toBe(false);
      if (!result.ok) {
        expect(result.reason, label).toMatch(reason);
        expect(result.reason.length, label).toBeGreaterThan(5);
      }
    }
    expect(await counts()).toEqual(before);
    const duplicate = await importCfdi(t.db, supervisor, { fileName: "again.xml", xml: Buffer.from(valid) }, NOW);
    expect(duplicate).toEqual({ ok: false, code: "duplicate_uuid", reason: `UUID duplicado: el CFDI ${duplicateOf.uuid} ya fue importado` });
  });

  it("A30-CFDI-03: two concurrent imports of the same UUID store one CFDI; the other is rejected as duplicate", async () => {
    const xml = Buffer.from(fuelCfdi({ uuid: testUuid(20), fecha: "2026-08-01T10:00:00" }));
    const results = await Promise.all([importCfdi(t.db, supervisor, { fileName: "x.xml", xml }, NOW), importCfdi(t.db, supervisor, { fileName: "y.xml", xml }, NOW)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([expect.objectContaining({ code: "duplicate_uuid" })]);
    const [n] = await t.db.query<{ n: number }>("select count(*)::int as n from cfdi where uuid = $1", [testUuid(20)]);
    expect(n!.n).toBe(1);
  });

  it("A30-CFDI-05: ambiguity (two receptions fit) → no automatic link, the CFDI is listed unmatched with both candidates", async () => {
    const a = await operation({ tankKey: "TQS-EDS-0002", start: "2026-10-10T15:00:00Z", end: "2026-10-10T16:00:00Z", volume: 15_000, rfc: SUPPLIER_RFC });
    const b = await operation({ tankKey: "TQS-EDS-0003", start: "2026-10-11T15:00:00Z", end: "2026-10-11T16:00:00Z", volume: 15_010, rfc: SUPPLIER_RFC });
    const result = imported(await importCfdi(t.db, supervisor, { fileName: "amb.xml", xml: Buffer.from(fuelCfdi({ uuid: testUuid(30), quantity: "15000", amount: "322500.00", fecha: "2026-10-10T12:00:00" })) }, NOW));
    expect(result.links).toEqual([]);
    expect(result.matching).toMatch(/^ambiguo: 2 operaciones de recepción/);
    const detail = (await getCfdiDetail(t.db, result.cfdiId))!;
    expect(detail.suggestions.map((s) => s.operationId)).toEqual([a, b]);
    expect((await listUnmatchedCfdi(t.db)).map((c) => c.uuid)).toContain(testUuid(30));
    const without = (await listOperationsWithoutCfdi(t.db)).map((o) => o.id);
    expect(without).toEqual(expect.arrayContaining([a, b]));
  });

  it("A30-CFDI-05 / A30-LOG-10: manual link and unlink are bitácora events; an unlinked pair is not re-linked automatically; the operation shows its CFDI", async () => {
    const [ambiguous] = await t.db.query<{ id: number }>("select id from cfdi where uuid = $1", [testUuid(30)]);
    const cfdiId = Number(ambiguous!.id);
    const [op] = await t.db.query<{ id: number }>("select o.id from operations o join tanks k on k.id = o.tank_id where k.key = 'TQS-EDS-0002' and o.net_volume = 15000");
    const operationId = Number(op!.id);
    const linked = await linkCfdi(t.db, supervisor, { cfdiId, operationId }, NOW);
    expect(linked).toMatchObject({ action: "link", uuid: testUuid(30), volumeLinked: 15_000, unit: "UM03" });
    const [entry] = await t.db.query<{ username: string; description: string; details: { before: unknown; after: unknown } }>("select username, description, details from event_log where id = $1", [linked.eventLogId]);
    expect(entry!.username).toBe("supervisor");
    expect(entry!.description).toMatch(/^Vinculación manual del CFDI/);
    expect(entry!.details).toMatchObject({ before: { cfdiOfOperation: [] }, after: { cfdiOfOperation: [testUuid(30)] } });
    expect((await cfdiForOperation(t.db, operationId)).map((c) => c.uuid)).toEqual([testUuid(30)]);
    expect((await listUnmatchedCfdi(t.db)).map((c) => c.uuid)).not.toContain(testUuid(30));
    expect((await listOperationsWithoutCfdi(t.db)).map((o) => o.id)).not.toContain(operationId);
    await expect(linkCfdi(t.db, supervisor, { cfdiId, operationId }, NOW)).rejects.toThrow(/ya está vinculado/);

    await expect(unlinkCfdi(t.db, supervisor, { cfdiId, operationId, reason: "no" }, NOW)).rejects.toThrow(/Motivo obligatorio/);
    const unlinked = await unlinkCfdi(t.db, supervisor, { cfdiId, operationId, reason: "La factura corresponde al otro tanque" }, NOW);
    const [unlinkEntry] = await t.db.query<{ description: string }>("select description from event_log where id = $1", [unlinked.eventLogId]);
    expect(unlinkEntry!.description).toContain("Motivo: La factura corresponde al otro tanque");
    expect(await cfdiForOperation(t.db, operationId)).toEqual([]);
    expect(await cfdiForOperation(t.db, operationId, { includeHistory: true })).toEqual([expect.objectContaining({ uuid: testUuid(30), unlinkedBy: "supervisor" })]);
    await expect(unlinkCfdi(t.db, supervisor, { cfdiId, operationId, reason: "otra vez sin vínculo" }, NOW)).rejects.toBeInstanceOf(CfdiError);

    // The automatically linked pair of the acceptance test, unlinked by a user, stays unlinked.
    const [auto] = await t.db.query<{ cfdi_id: number; operation_id: number }>("select l.cfdi_id, l.operation_id from cfdi_operation_links l join cfdi c on c.id = l.cfdi_id where c.uuid = $1", [testUuid(1)]);
    await unlinkCfdi(t.db, supervisor, { cfdiId: Number(auto!.cfdi_id), operationId: Number(auto!.operation_id), reason: "Revisión: la factura es de otra descarga" }, NOW);
    const rerun = await runCfdiMatching(t.db, NOW);
    expect(rerun.links.filter((l) => l.uuid === testUuid(1))).toEqual([]);
    expect(await cfdiForOperation(t.db, Number(auto!.operation_id))).toEqual([]);
  });

  it("A30-CFDI-05: direction and type rules of the manual link (a sale CFDI never links to a reception; a REP never links)", async () => {
    const [sale] = await t.db.query<{ id: number }>("select id from cfdi where uuid = '6F35D3B5-3651-5370-BC2C-14CDBE384CD7'");
    const saleFuel = imported(await importCfdi(t.db, supervisor, { fileName: "venta.xml", xml: Buffer.from(fuelCfdi({ uuid: testUuid(40), issuerRfc: DEMO_RFC, receiverRfc: "MCI7306249Y1", fecha: "2026-07-01T10:00:00" })) }, NOW));
    expect(saleFuel.purpose).toBe("sale");
    const receptionId = await operation({ start: "2026-07-01T15:00:00Z", end: "2026-07-01T16:00:00Z", volume: 20_000 });
    await expect(linkCfdi(t.db, supervisor, { cfdiId: saleFuel.cfdiId, operationId: receptionId }, NOW)).rejects.toThrow(/se vincula a entregas/);
    // A service CFDI may document any operation.
    const service = await linkCfdi(t.db, supervisor, { cfdiId: Number(sale!.id), operationId: receptionId }, NOW);
    expect(service).toMatchObject({ action: "link", volumeLinked: 0 });
    const rep = imported(await importCfdi(t.db, supervisor, { fileName: "rep.xml", xml: Buffer.from(withFakeTimbre(cfdiText("created-cfdi40-pago20-valid.xml"), testUuid(41))) }, NOW));
    expect(rep).toMatchObject({ type: "P", purpose: "payment" });
    await expect(linkCfdi(t.db, supervisor, { cfdiId: rep.cfdiId, operationId: receptionId }, NOW)).rejects.toThrow(/tipo P/);
    await expect(linkCfdi(t.db, supervisor, { cfdiId: 999_999, operationId: receptionId }, NOW)).rejects.toThrow(/CFDI inexistente/);
    await expect(linkCfdi(t.db, supervisor, { cfdiId: saleFuel.cfdiId, operationId: 999_999 }, NOW)).rejects.toThrow(/Operación inexistente/);
  });

  it("A30-CFDI-04: a REP (type P) is stored with its paid documents and zero volume; a CFDI 3.3 imports too", async () => {
    const [rep] = await t.db.query<{ id: number }>("select id from cfdi where uuid = $1", [testUuid(41)]);
    const detail = (await getCfdiDetail(t.db, Number(rep!.id)))!;
    expect(detail.related).toEqual([
      { uuid: "00000000-1111-2222-3333-00000000000A", relation: "pago", amountPaid: "12000.00", storedCfdiId: null },
      { uuid: "00000000-1111-2222-3333-00000000000B", relation: "pago", amountPaid: "3000.00", storedCfdiId: null },
    ]);
    expect(detail.volumes).toEqual([]);
    expect(detail.concepts[0]!.volume).toBeNull();
    expect((await listUnmatchedCfdi(t.db)).map((c) => c.type)).not.toContain("P");

    // CFDI 3.3 (Pagos 1.0) of receptor COSC8001137NA: a second taxpayer makes it "of the taxpayer".
    await t.db.query("insert into taxpayers (rfc, name, character) values ('COSC8001137NA', 'CARLOS CORTES SOTO', 'permisionario')");
    const v33 = imported(await importCfdi(t.db, supervisor, { fileName: "pago33.xml", xml: cfdiBytes("cfdi33-payment-valid.xml") }, NOW));
    expect(v33).toMatchObject({ uuid: "9FB6ED1A-5F37-4FEF-980A-7F8C83B51894", type: "P", purpose: "payment" });
    const stored = (await getCfdiDetail(t.db, v33.cfdiId))!;
    expect(stored.version).toBe("3.3");
    expect(stored.direction).toBe("received");
    expect(stored.related.length).toBeGreaterThan(0);
  });

  it("lists: filters by direction, link state, RFC and dates; deliveries to the general public are not 'sin CFDI'", async () => {
    const all = await listCfdi(t.db, { limit: 1000 });
    expect(all.length).toBeGreaterThan(5);
    expect((await listCfdi(t.db, { direction: "issued" })).every((c) => c.issuerRfc === DEMO_RFC)).toBe(true);
    expect((await listCfdi(t.db, { direction: "received" })).every((c) => c.receiverRfc !== "" && c.issuerRfc !== DEMO_RFC)).toBe(true);
    const matched = await listCfdi(t.db, { link: "matched" });
    expect(matched.length).toBeGreaterThan(0);
    expect(matched.every((c) => c.links.length > 0)).toBe(true);
    expect((await listCfdi(t.db, { rfc: "mci7306249y1" })).every((c) => c.receiverRfc === "MCI7306249Y1")).toBe(true);
    expect((await listCfdi(t.db, { from: "2026-10-31", to: "2026-10-31" })).map((c) => c.uuid)).toEqual([testUuid(1)]);

    const publicSale = await operation({ type: "delivery", hoseKey: "DISP-0001-MGA-0001", start: "2026-10-20T15:00:00Z", end: "2026-10-20T15:02:00Z", volume: 40, rfc: "XAXX010101000" });
    const terminalDelivery = await operation({ type: "delivery", installationKey: "TDA-0001", tankKey: "TQS-TDA-0001", start: "2026-10-20T15:00:00Z", end: "2026-10-20T16:00:00Z", volume: 30_000, rfc: "MCI7306249Y1" });
    const without = (await listOperationsWithoutCfdi(t.db, { limit: 1000 })).map((o) => o.id);
    expect(without).not.toContain(publicSale);
    expect(without).toContain(terminalDelivery);
    expect((await listOperationsWithoutCfdi(t.db, { type: "delivery", installationKey: "TDA-0001" })).map((o) => o.id)).toEqual([terminalDelivery]);
  });

  it("A30-LOG-06: the bitácora chain still verifies after imports, links and unlinks", async () => {
    expect(verifyEventLogChain(await readEventLogRange(t.db, 1, 10_000)).ok).toBe(true);
  });
});
