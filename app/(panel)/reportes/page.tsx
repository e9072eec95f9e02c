import type { Metadata } from "next";
import { forbidden, redirect } from "next/navigation";
import { userHasPermission } from "../../../server/contracts/permissions";
import { auth } from "../../../server/http/auth";
import { getRuntime } from "../../../server/http/runtime";
import { listReports } from "../../../server/services/sat-reports/downloads";
import { GenerateReportForm } from "./generate-form";
import { ReportsTable } from "./reports-table";

export const metadata: Metadata = { title: "Reportes SAT" };
export const dynamic = "force-dynamic";

/**
 * /reportes — Reportes SAT (issue #6 items 9, 10, 12; A30-ACC-03 "Consulta e impresión de
 * informes": Administrador, Supervisor, Auditor Fiscal; the Operador gets the 403 page, A30-ACC-08).
 * The list shows every stored version with its SHA-256, seal state and downloads; the generate form
 * is only for the profiles that may store fiscal records (captureFiscalData).
 */
export default async function ReportsPage() {
  const session = await auth();
  if (!session?.user) redirect("/login");
  if (!userHasPermission(session.user, "reports")) forbidden();
  const mayGenerate = userHasPermission(session.user, "captureFiscalData");
  const runtime = getRuntime();
  const [reports, installations] = await Promise.all([
    listReports(runtime.db),
    runtime.db.query<{ key: string; description: string }>("select key, description from installations order by key"),
  ]);
  return (
    <>
      <h1 className="page-title">Reportes SAT</h1>
      <p className="settings-intro">
        Reportes diarios y mensuales del control volumétrico (Anexo 30). Cada reporte generado se guarda con su SHA-256 y no cambia: volver a generarlo
        crea una nueva versión. Aforo sella cada paquete ZIP con el CSD activo (firma CMS separada, archivo .p7s). Las descargas y los envíos quedan en la
        bitácora.
      </p>
      {mayGenerate ? <GenerateReportForm installations={installations.map((i) => ({ key: i.key, description: i.description }))} /> : null}
      <section className="users-section" aria-labelledby="lista-reportes">
        <h2 id="lista-reportes">Reportes generados ({reports.length})</h2>
        {reports.length === 0 ? <p className="users-note">Todavía no se ha generado ningún reporte.</p> : <ReportsTable reports={reports} mayRecordSending={mayGenerate} />}
      </section>
    </>
  );
}
