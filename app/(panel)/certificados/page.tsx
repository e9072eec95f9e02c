import type { Metadata } from "next";
import { forbidden, redirect } from "next/navigation";
import { userHasPermission } from "../../../server/contracts/permissions";
import { auth } from "../../../server/http/auth";
import { getRuntime } from "../../../server/http/runtime";
import { activeCertificateNotice, listCertificates } from "../../../server/services/csd/index";
import { InstallCertificateForm } from "./install-form";

export const metadata: Metadata = { title: "Certificados" };
export const dynamic = "force-dynamic";

const dateTime = new Intl.DateTimeFormat("es-MX", { dateStyle: "short", timeStyle: "short", timeZone: "America/Mexico_City", hourCycle: "h23" });
const format = (iso: string) => dateTime.format(new Date(iso));

/**
 * /certificados — Certificados de Sello Digital (A30-CSD-01…05; A30-ACC-03: Administrador only,
 * every other profile gets the 403 page). The list is what SAT's e-invoicing services show:
 * insertion date, validity, subject, issuer, certificate number, type, state and state date.
 */
export default async function CertificatesPage() {
  const session = await auth();
  if (!session?.user) redirect("/login");
  if (!userHasPermission(session.user, "manageCertificates")) forbidden();
  const runtime = getRuntime();
  const now = runtime.clock.now();
  const [certificates, notice] = await Promise.all([listCertificates(runtime.db, now), activeCertificateNotice(runtime.db, now)]);
  const active = certificates.find((c) => c.status === "active");
  return (
    <>
      <h1 className="page-title">Certificados</h1>
      <p className="settings-intro">
        Certificado de Sello Digital (CSD) con el que Aforo sella los reportes del control volumétrico (Anexo 30, 30.6.1.4 III). Solo puede haber un
        certificado activo por contribuyente; cada instalación queda en la bitácora.
      </p>
      {notice.level !== "none" ? (
        <p className={notice.level === "expired" ? "users-review-banner" : "csd-warning"} role="alert" data-testid="csd-expiry-notice">
          {notice.message}
        </p>
      ) : null}
      {!active && notice.level === "none" ? (
        <p className="csd-warning" role="status" data-testid="csd-none-active">
          No hay un CSD activo: los reportes no se pueden sellar hasta instalar uno.
        </p>
      ) : null}

      <InstallCertificateForm />

      <section className="users-section" aria-labelledby="lista-certificados">
        <h2 id="lista-certificados">Certificados instalados ({certificates.length})</h2>
        {certificates.length === 0 ? (
          <p className="users-note">Todavía no se ha instalado ningún certificado.</p>
        ) : (
          <div className="operations-table-wrap">
            <table className="users-table csd-table" data-testid="csd-table">
              <thead>
                <tr>
                  <th scope="col">Fecha de alta</th>
                  <th scope="col">Vigencia desde</th>
                  <th scope="col">Vigencia hasta</th>
                  <th scope="col">Sujeto</th>
                  <th scope="col">Emisor</th>
                  <th scope="col">No. de certificado</th>
                  <th scope="col">Tipo</th>
                  <th scope="col">Estado</th>
                  <th scope="col">Fecha de estado</th>
                </tr>
              </thead>
              <tbody>
                {certificates.map((c) => (
                  <tr key={c.id} data-certificate={c.noCertificado} data-status={c.status} className={c.status === "active" ? undefined : "users-inactive"}>
                    <td>
                      {format(c.installedAt)}
                      {c.installedBy ? <span className="users-help"> por {c.installedBy}</span> : null}
                    </td>
                    <td>{format(c.validFrom)}</td>
                    <td>{format(c.validTo)}</td>
                    <td>
                      {c.subjectName}
                      <br />
                      <span className="users-help">RFC {c.rfc}</span>
                    </td>
                    <td>
                      {c.issuerName}
                      {c.isTest ? <span className="users-badge csd-test-badge">PRUEBAS</span> : null}
                    </td>
                    <td className="num">
                      <code>{c.noCertificado}</code>
                    </td>
                    <td>{c.type}</td>
                    <td>
                      <span className={`csd-state csd-state-${c.statusLabel === "Activo" ? "active" : c.statusLabel === "Erróneo" ? "error" : "inactive"}`}>{c.statusLabel}</span>
                      {c.statusInfo ? <span className="users-help"> ({c.statusInfo})</span> : null}
                    </td>
                    <td>{format(c.statusChangedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
