"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiFetch } from "../../_lib/api-fetch";
import { postJson } from "../../_lib/post-json";
import type { ReportView } from "../../../server/services/sat-reports/downloads";

const dateTime = new Intl.DateTimeFormat("es-MX", { dateStyle: "short", timeStyle: "short", timeZone: "America/Mexico_City", hourCycle: "h23" });
const KIND_LABEL = { daily: "Diario", monthly: "Mensual" } as const;

export function periodLabel(r: Pick<ReportView, "kind" | "periodStart" | "periodEnd">): string {
  return r.kind === "monthly" ? r.periodStart.slice(0, 7) : r.periodStart;
}

interface Verification {
  ok: boolean;
  sealed: boolean;
  hashOk: boolean;
  signatureOk: boolean | null;
  noCertificado: string | null;
  reason: string | null;
}

/**
 * The stored reports (issue #6 items 9–10, 12): type, installation, period, version, generation,
 * SHA-256 (abbreviated), sealed / unsealed, a verification on demand, and the downloads (each one
 * recorded in the bitácora by the server).
 */
export function ReportsTable({ reports, mayRecordSending }: { reports: ReportView[]; mayRecordSending: boolean }) {
  const router = useRouter();
  const [checks, setChecks] = useState<Record<number, Verification | "checking" | "error">>({});
  const [notices, setNotices] = useState<Record<number, string>>({});

  async function verify(id: number) {
    setChecks((c) => ({ ...c, [id]: "checking" }));
    try {
      const response = await apiFetch(`/api/reports/${id}/verify`);
      const body = (await response.json().catch(() => null)) as { verification?: Verification } | null;
      setChecks((c) => ({ ...c, [id]: response.ok && body?.verification ? body.verification : "error" }));
    } catch {
      setChecks((c) => ({ ...c, [id]: "error" }));
    }
  }

  async function act(id: number, action: "seal" | "sent") {
    const result = await postJson<{ noCertificado?: string }>(`/api/reports/${id}/${action}`, {});
    setNotices((n) => ({
      ...n,
      [id]: result.ok ? (action === "seal" ? `Sellado con el CSD ${result.data.noCertificado ?? ""}` : "Envío al SAT registrado en la bitácora") : result.messages.join(" "),
    }));
    if (result.ok) router.refresh();
  }

  return (
    <div className="operations-table-wrap">
      <table className="users-table reports-table" data-testid="reports-table">
        <thead>
          <tr>
            <th scope="col">Tipo</th>
            <th scope="col">Instalación</th>
            <th scope="col">Periodo</th>
            <th scope="col">Versión</th>
            <th scope="col">Generado</th>
            <th scope="col">SHA-256</th>
            <th scope="col">Estado</th>
            <th scope="col">Verificación</th>
            <th scope="col">Descargas</th>
          </tr>
        </thead>
        <tbody>
          {reports.map((r) => {
            const check = checks[r.id];
            return (
              <tr key={r.id} data-report={r.id} data-status={r.status} className={r.superseded ? "users-inactive" : undefined}>
                <td>{KIND_LABEL[r.kind]}</td>
                <td>{r.installationKey}</td>
                <td>
                  <Link href={`/reportes/${r.id}`}>{periodLabel(r)}</Link>
                </td>
                <td className="num">
                  {r.version}
                  {r.superseded ? <span className="users-help"> (reemplazada)</span> : null}
                </td>
                <td>
                  {dateTime.format(new Date(r.createdAt))}
                  {r.createdBy ? <span className="users-help"> por {r.createdBy}</span> : null}
                </td>
                <td>
                  <code title={r.sha256}>{r.sha256.slice(0, 12)}…</code>
                </td>
                <td>
                  {r.sealed ? (
                    <span className="csd-state csd-state-active" title={r.noCertificado ? `CSD ${r.noCertificado}` : undefined}>
                      Sellado
                    </span>
                  ) : (
                    <span className="csd-state csd-state-inactive">Sin sellar</span>
                  )}
                  {r.isTest ? <span className="users-badge csd-test-badge">PRUEBAS</span> : null}
                  {notices[r.id] ? <span className="users-help"> {notices[r.id]}</span> : null}
                </td>
                <td>
                  <button type="button" className="users-secondary reports-button" onClick={() => void verify(r.id)} disabled={check === "checking"}>
                    Verificar
                  </button>
                  {check === "checking" ? <span className="users-help"> verificando…</span> : null}
                  {check === "error" ? <span className="settings-error"> no se pudo verificar</span> : null}
                  {check && typeof check === "object" ? (
                    <span className={check.ok ? "settings-ok" : "settings-error"} data-testid="report-verification">
                      {" "}
                      {check.ok ? `Íntegro y firma válida (CSD ${check.noCertificado ?? "?"})` : check.reason ?? "No verifica"}
                    </span>
                  ) : null}
                </td>
                <td className="reports-downloads">
                  {r.hasPackage ? (
                    <>
                      <a href={`/api/reports/${r.id}/download?file=json`} download>
                        JSON
                      </a>{" "}
                      <a href={`/api/reports/${r.id}/download?file=zip`} download>
                        ZIP
                      </a>
                    </>
                  ) : (
                    <span className="users-help">sin paquete</span>
                  )}{" "}
                  {r.sealed ? (
                    <a href={`/api/reports/${r.id}/download?file=sig`} download>
                      firma .p7s
                    </a>
                  ) : null}
                  {mayRecordSending ? (
                    <span className="reports-actions">
                      {!r.sealed && r.status === "draft" && r.hasPackage ? (
                        <button type="button" className="users-secondary reports-button" onClick={() => void act(r.id, "seal")}>
                          Sellar
                        </button>
                      ) : null}
                      <button type="button" className="users-secondary reports-button" onClick={() => void act(r.id, "sent")}>
                        Registrar envío al SAT
                      </button>
                    </span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
