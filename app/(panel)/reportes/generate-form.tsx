"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiFetch } from "../../_lib/api-fetch";
import { field, postJson } from "../../_lib/post-json";

type Phase = { state: "idle" } | { state: "running"; step: string } | { state: "done"; message: string; warning: string | null } | { state: "error"; messages: string[] };

interface PrecheckItem {
  code: string;
  label: string;
  count: number;
  examples: string[];
}

type Precheck = { state: "idle" } | { state: "loading" } | { state: "error" } | { state: "done"; month: string; items: PrecheckItem[] };

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
  const [installationKey, setInstallationKey] = useState(installations[0]?.key ?? "");
  const [precheck, setPrecheck] = useState<Precheck>({ state: "idle" });

  // A30-RPT-06: the month's pre-check, shown before a monthly report is generated.
  async function loadPrecheck(installation: string, month: string) {
    if (!installation || !/^\d{4}-\d{2}$/.test(month)) return setPrecheck({ state: "idle" });
    setPrecheck({ state: "loading" });
    const response = await apiFetch(`/api/reports/precheck?installation=${encodeURIComponent(installation)}&month=${encodeURIComponent(month)}`).catch(() => null);
    if (!response?.ok) return setPrecheck({ state: "error" });
    const body = (await response.json()) as { month: string; items: PrecheckItem[] };
    setPrecheck({ state: "done", month: body.month, items: body.items });
  }

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
          <select
            id="report-installation"
            name="installationKey"
            required
            value={installationKey}
            onChange={(e) => {
              setInstallationKey(e.target.value);
              setPrecheck({ state: "idle" });
            }}
          >
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
            <input
              id="report-month"
              name="month"
              type="month"
              required
              pattern="\d{4}-\d{2}"
              placeholder="AAAA-MM"
              onChange={(e) => void loadPrecheck(installationKey, e.target.value)}
            />
          </div>
        )}
        <button type="submit" disabled={running}>
          {running ? "Generando…" : "Generar reporte"}
        </button>
      </form>
      {kind === "monthly" && precheck.state !== "idle" ? (
        <div className="reports-precheck" data-testid="report-precheck" aria-live="polite">
          <h3>Verificación previa del mes (A30-RPT-06)</h3>
          {precheck.state === "loading" ? <p className="users-help">Revisando los registros del mes…</p> : null}
          {precheck.state === "error" ? <p className="settings-error">No se pudo hacer la verificación previa.</p> : null}
          {precheck.state === "done" && precheck.items.length === 0 ? <p className="settings-ok">Sin pendientes: el mes {precheck.month} está completo.</p> : null}
          {precheck.state === "done" && precheck.items.length > 0 ? (
            <ul>
              {precheck.items.map((item) => (
                <li key={item.code} data-precheck={item.code}>
                  <strong>{item.label}</strong>: {item.count}
                  {item.examples.length > 0 ? (
                    <span className="users-help">
                      {" "}
                      — {item.examples.join("; ")}
                      {item.count > item.examples.length ? ` y ${item.count - item.examples.length} más` : ""}
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
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
