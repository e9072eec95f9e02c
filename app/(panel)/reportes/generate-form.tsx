"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { field, postJson } from "../../_lib/post-json";

type Phase = { state: "idle" } | { state: "running"; step: string } | { state: "done"; message: string; warning: string | null } | { state: "error"; messages: string[] };

interface Generated {
  report: { reportId: number; version: number; fileName: string; sealed: boolean; noCertificado: string | null; isTest: boolean };
  warning: string | null;
}

/**
 * «Generar reporte» (issue #6 item 12): kind, installation and the date (daily) or month (monthly).
 * Progress: building/validating → stored and sealed (or stored unsealed with the reason).
 */
export function GenerateReportForm({ installations }: { installations: { key: string; description: string }[] }) {
  const router = useRouter();
  const [kind, setKind] = useState<"daily" | "monthly">("daily");
  const [phase, setPhase] = useState<Phase>({ state: "idle" });

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const body =
      kind === "daily"
        ? { kind, installationKey: field(data, "installationKey"), date: field(data, "date") }
        : { kind, installationKey: field(data, "installationKey"), month: field(data, "month") };
    setPhase({ state: "running", step: "Generando, validando y sellando el reporte…" });
    const result = await postJson<Generated>("/api/reports", body);
    if (!result.ok) {
      setPhase({ state: "error", messages: result.messages });
      return;
    }
    const r = result.data.report;
    setPhase({
      state: "done",
      message: `Reporte guardado (versión ${r.version}): ${r.fileName}. ${r.sealed ? `Sellado con el CSD ${r.noCertificado}${r.isTest ? " (PRUEBAS)" : ""}.` : "Sin sellar."}`,
      warning: result.data.warning,
    });
    router.refresh();
  }

  const running = phase.state === "running";
  return (
    <section className="users-section" aria-labelledby="generar-reporte">
      <h2 id="generar-reporte">Generar reporte</h2>
      <form className="users-form" onSubmit={submit} data-testid="report-generate-form">
        <div className="users-field">
          <label htmlFor="report-kind">Tipo</label>
          <select id="report-kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value === "monthly" ? "monthly" : "daily")}>
            <option value="daily">Diario</option>
            <option value="monthly">Mensual</option>
          </select>
        </div>
        <div className="users-field">
          <label htmlFor="report-installation">Instalación</label>
          <select id="report-installation" name="installationKey" required>
            {installations.map((i) => (
              <option key={i.key} value={i.key}>
                {i.key} — {i.description}
              </option>
            ))}
          </select>
        </div>
        {kind === "daily" ? (
          <div className="users-field">
            <label htmlFor="report-date">Fecha del reporte</label>
            <input id="report-date" name="date" type="date" required />
          </div>
        ) : (
          <div className="users-field">
            <label htmlFor="report-month">Mes</label>
            <input id="report-month" name="month" type="month" required pattern="\d{4}-\d{2}" placeholder="AAAA-MM" />
          </div>
        )}
        <button type="submit" disabled={running}>
          {running ? "Generando…" : "Generar reporte"}
        </button>
      </form>
      {phase.state === "running" ? (
        <p role="status" className="reports-progress" data-testid="report-progress">
          <progress aria-label="Progreso de la generación" /> {phase.step}
        </p>
      ) : null}
      {phase.state === "done" ? (
        <>
          <p role="status" className="csd-installed" data-testid="report-generated">
            {phase.message}
          </p>
          {phase.warning ? (
            <p role="alert" className="csd-warning" data-testid="report-unsealed-warning">
              {phase.warning}
            </p>
          ) : null}
        </>
      ) : null}
      {phase.state === "error" ? (
        <div role="alert" className="settings-error" data-testid="report-generate-error">
          <p>No se generó el reporte:</p>
          <ul>
            {phase.messages.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
