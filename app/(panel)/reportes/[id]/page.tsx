import type { Metadata } from "next";
import Link from "next/link";
import { forbidden, notFound, redirect } from "next/navigation";
import { userHasPermission } from "../../../../server/contracts/permissions";
import { auth } from "../../../../server/http/auth";
import { getRuntime } from "../../../../server/http/runtime";
import { getReportDetail } from "../../../../server/services/sat-reports/downloads";
import { parseReportId } from "../../../../server/services/sat-reports/http";
import { PrintReportButton } from "../print-button";

export const metadata: Metadata = { title: "Reporte SAT" };
export const dynamic = "force-dynamic";

const dateTime = new Intl.DateTimeFormat("es-MX", { dateStyle: "long", timeStyle: "short", timeZone: "America/Mexico_City", hourCycle: "h23" });
const volume = new Intl.NumberFormat("es-MX", { minimumFractionDigits: 3, maximumFractionDigits: 3 });
const KIND_LABEL = { daily: "Reporte diario", monthly: "Reporte mensual" } as const;
const UNIT_LABEL: Record<string, string> = { UM03: "litros", UM04: "m³", UM01: "m³", UM02: "barriles" };
const fmt = (value: number | null) => (value === null ? "—" : volume.format(value));

/**
 * /reportes/[id] — human-readable preview and print view of a stored SAT report (issue #6 item 12,
 * A30-ACC-08): installation, period and, per product, existencias inicial/final, recepciones,
 * entregas, número de registros, plus the bitácora entry count. Administrador, Supervisor and
 * Auditor Fiscal ("reports"); the Operador gets the 403 page and never sees «Imprimir».
 */
export default async function ReportPreviewPage({ params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user) redirect("/login");
  if (!userHasPermission(session.user, "reports")) forbidden();
  const id = parseReportId((await params).id);
  if (id === null) notFound();
  const report = await getReportDetail(getRuntime().db, id);
  if (!report) notFound();
  const p = report.preview;
  const period = report.kind === "monthly" ? report.periodStart.slice(0, 7) : report.periodStart;
  return (
    <article className="report-print" data-testid="report-preview">
      <p className="no-print">
        <Link href="/reportes">← Reportes SAT</Link>
      </p>
      <h1 className="page-title">
        {KIND_LABEL[report.kind]} {period} — {report.installationKey}
      </h1>
      <dl className="report-meta">
        <dt>Instalación</dt>
        <dd>
          {report.installationKey}
          {report.installationDescription ? ` — ${report.installationDescription}` : ""}
        </dd>
        <dt>Periodo</dt>
        <dd>{report.periodStart === report.periodEnd ? report.periodStart : `${report.periodStart} a ${report.periodEnd}`}</dd>
        {p.cutAt ? (
          <>
            <dt>{report.kind === "monthly" ? "Fecha y hora del reporte" : "Fecha y hora de corte"}</dt>
            <dd>{p.cutAt}</dd>
          </>
        ) : null}
        <dt>RFC del contribuyente</dt>
        <dd>{p.taxpayerRfc ?? "—"}</dd>
        <dt>RFC del proveedor</dt>
        <dd>{p.providerRfc ?? "—"}</dd>
        <dt>Versión</dt>
        <dd>
          {report.version}
          {report.superseded ? " (reemplazada por una versión posterior)" : ""}
        </dd>
        <dt>Generado</dt>
        <dd>
          {dateTime.format(new Date(report.createdAt))}
          {report.createdBy ? ` por ${report.createdBy}` : ""}
        </dd>
        <dt>Archivo</dt>
        <dd>
          <code>{report.fileName}</code>
        </dd>
        <dt>SHA-256 del JSON</dt>
        <dd>
          <code className="report-hash">{report.sha256}</code>
        </dd>
        <dt>Sello</dt>
        <dd>
          {report.sealed ? `Sellado con el CSD ${report.noCertificado ?? ""}` : "Sin sellar"}
          {report.isTest ? " (certificado de PRUEBAS)" : ""}
        </dd>
      </dl>

      <section className="users-section" aria-labelledby="resumen-productos">
        <h2 id="resumen-productos">Resumen por producto</h2>
        {p.products.length === 0 ? (
          <p className="users-note">El reporte no contiene productos.</p>
        ) : (
          <div className="operations-table-wrap">
            <table className="users-table report-products" data-testid="report-products">
              <thead>
                <tr>
                  <th scope="col">Producto</th>
                  <th scope="col">Unidad</th>
                  <th scope="col">Existencia inicial</th>
                  <th scope="col">Existencia final</th>
                  <th scope="col">Recepciones</th>
                  <th scope="col">Volumen recibido</th>
                  <th scope="col">Entregas</th>
                  <th scope="col">Volumen entregado</th>
                  <th scope="col">Número de registros</th>
                </tr>
              </thead>
              <tbody>
                {p.products.map((product) => (
                  <tr key={`${product.productKey}-${product.subProductKey ?? ""}`}>
                    <td>
                      {product.productKey}
                      {product.subProductKey ? ` / ${product.subProductKey}` : ""}
                    </td>
                    <td>{product.unit ? (UNIT_LABEL[product.unit] ?? product.unit) : "—"}</td>
                    <td className="num">{fmt(product.openingStock)}</td>
                    <td className="num">{fmt(product.closingStock)}</td>
                    <td className="num">{product.receptions.count}</td>
                    <td className="num">{fmt(product.receptions.volume)}</td>
                    <td className="num">{product.deliveries.count}</td>
                    <td className="num">{fmt(product.deliveries.volume)}</td>
                    <td className="num">{product.recordCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="users-note">
          Registros de bitácora incluidos en el reporte: <strong data-testid="report-bitacora-count">{p.bitacoraCount}</strong>
        </p>
      </section>
      <p className="no-print">
        <PrintReportButton />
      </p>
    </article>
  );
}
