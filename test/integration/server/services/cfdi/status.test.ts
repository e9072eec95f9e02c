import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { changeCfdiStatus, cfdiForOperation, cfdiStatusSchema } from "../../../../../server/services/cfdi/index";
import { seedDemoFiscalDocuments } from "../../../../../server/services/demo/fiscal-documents";
import { seedDemoWithHistory } from "../../../../../server/services/demo/index";
import { verifyEventLog } from "../../../../../server/services/event-log/verify-integrity";
import { buildMonthlyReportFromDatabase } from "../../../../../server/services/sat-reports/monthly";
import { monthlyPrecheck } from "../../../../../server/services/sat-reports/precheck";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * A30-CFDI-06: marking a linked CFDI «cancelado» takes it out of the month's documented totals,
 * the reception shows "CFDI cancelado" (the link stays, flagged) and the pre-check lists the
 * reception as lacking its CFDI; the change is one bitácora entry; cancelado is final. Demo history
 * with `now` = 2026-12-01 18:00 Z (29–30 November) and its demo CFDI.
 */
const NOW = new Date("2026-12-01T18:00:00Z");
const LATER = new Date("2026-12-01T19:00:00Z");
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(testEngines)("CFDI status on %s (A30-CFDI-06)", (engine) => {
  let t: TestDatabase;
  let supervisor: { userId: number; username: string };
  let target: { cfdiId: number; uuid: string; operationId: number; number: number; total: number; product: string; sub: string | null };

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    if (!(await seedDemoWithHistory(t.db, DEMO_SITE, { now: NOW }))) throw new Error("a fresh demo database must get a history");
    await seedDemoFiscalDocuments(t.db, { until: NOW, now: NOW });
    const [user] = await t.db.query<{ id: number }>("select id from users where username = 'supervisor'");
    supervisor = { userId: Number(user!.id), username: "supervisor" };
    // A TDA-0001 truck loading of November with its (demo) sale CFDI.
    const [row] = await t.db.query<{ cfdi_id: number; uuid: string; operation_id: string; number: string; total: string; product_key: string; sub_product_key: string | null }>(
      `select c.id as cfdi_id, c.uuid, o.id as operation_id, o.number, c.total, o.product_key, o.sub_product_key
         from cfdi c join cfdi_operation_links l on l.cfdi_id = c.id and l.unlinked_at is null
         join operations v on v.id = l.operation_id
         join operations o on o.installation_id = v.installation_id and o.number = v.number and not exists (select 1 from operations s where s.supersedes_id = o.id)
         join installations i on i.id = o.installation_id
        where i.key = 'TDA-0001' and o.type = 'delivery' and o.end_at >= '2026-11-29T06:00:00Z' and o.end_at < '2026-12-01T06:00:00Z'
        order by o.end_at limit 1`,
    );
    if (!row) throw new Error("the demo month must have a truck loading with its CFDI");
    target = { cfdiId: Number(row.cfdi_id), uuid: row.uuid, operationId: Number(row.operation_id), number: Number(row.number), total: Number(row.total), product: row.product_key, sub: row.sub_product_key };
  }, 240_000);

  afterAll(async () => {
    await t?.close();
  });

  const deliveriesBlock = async () => {
    const report = (await buildMonthlyReportFromDatabase(t.db, "TDA-0001", "2026-11", { now: LATER })).report as Any;
    const producto = (report.Producto as Any[]).find((p) => p.ClaveProducto === target.product && (p.ClaveSubProducto ?? null) === target.sub)!;
    return producto.ReporteDeVolumenMensual.Entregas as Any;
  };

  it("acceptance: «cancelado» leaves the month's documents and amount, flags the link on the operation and puts it in the pre-check", async () => {
    const before = await deliveriesBlock();
    const result = await changeCfdiStatus(t.db, supervisor, target.cfdiId, cfdiStatusSchema.parse({ status: "cancelado", reason: "Acuse de cancelación del SAT recibido" }), LATER);
    expect(result).toMatchObject({ before: "vigente", after: "cancelado", code: null, linkedOperations: 1 });
    const after = await deliveriesBlock();
    expect(after.TotalDocumentosMes).toBe(before.TotalDocumentosMes - 1);
    expect(Math.abs(after.ImporteTotalEntregasMes - (before.ImporteTotalEntregasMes - target.total))).toBeLessThan(0.01);
    const links = await cfdiForOperation(t.db, target.operationId);
    expect(links.find((l) => l.cfdiId === target.cfdiId)).toMatchObject({ status: "cancelado" });
    const precheck = await monthlyPrecheck(t.db, "TDA-0001", "2026-11", LATER);
    expect(precheck.items.find((i) => i.code === "no_cfdi")!.examples.join(" ")).toContain(`Entrega ${target.number}`);
    const [entry] = await t.db.query<{ description: string; username: string }>("select description, username from event_log where id = $1", [result.eventLogId]);
    expect(entry).toMatchObject({ username: "supervisor" });
    expect(entry!.description).toContain(`Estado del CFDI ${target.uuid}: Vigente → Cancelado`);
    expect((await verifyEventLog(t.db)).ok).toBe(true);
  });

  it("cancelado is final (409); unknown PAC codes, a code on «Cancelado» and missing reasons are refused (400)", async () => {
    await expect(changeCfdiStatus(t.db, supervisor, target.cfdiId, { status: "vigente", reason: "Reactivar por error de captura" }, LATER)).rejects.toMatchObject({ code: "conflict" });
    const [other] = await t.db.query<{ id: number }>("select id from cfdi where status = 'vigente' order by id limit 1");
    await expect(changeCfdiStatus(t.db, supervisor, Number(other!.id), { status: "cancelado", code: "204", reason: "Respuesta del PAC recibida hoy" }, LATER)).rejects.toMatchObject({ code: "invalid" });
    expect(cfdiStatusSchema.safeParse({ status: "en_proceso_cancelacion", code: "99", reason: "Respuesta del PAC recibida hoy" }).success).toBe(false);
    expect(cfdiStatusSchema.safeParse({ status: "cancelado", reason: "corto" }).success).toBe(false);
    await expect(changeCfdiStatus(t.db, supervisor, 999_999, { status: "cancelado", reason: "Acuse de cancelación del SAT" }, LATER)).rejects.toMatchObject({ code: "not_found" });
  });

  it("a refused cancellation keeps the PAC's code and text and the CFDI stays in the totals", async () => {
    const [other] = await t.db.query<{ id: number }>("select id from cfdi where status = 'vigente' order by id limit 1");
    await changeCfdiStatus(t.db, supervisor, Number(other!.id), { status: "cancelacion_solicitada", reason: "Solicitud de cancelación enviada al PAC" }, LATER);
    const refused = await changeCfdiStatus(t.db, supervisor, Number(other!.id), { status: "vigente", code: "204", reason: "El PAC rechazó la cancelación" }, LATER);
    expect(refused).toMatchObject({ after: "vigente", code: "204", codeText: "Folio fiscal no aplicable para cancelación" });
    const [row] = await t.db.query<{ status: string; cancellation_code: string; cancellation_message: string }>("select status, cancellation_code, cancellation_message from cfdi where id = $1", [other!.id]);
    expect(row).toEqual({ status: "vigente", cancellation_code: "204", cancellation_message: "Folio fiscal no aplicable para cancelación" });
  });
});
