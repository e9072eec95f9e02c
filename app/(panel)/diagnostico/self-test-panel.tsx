"use client";

import { apiFetch } from "../../_lib/api-fetch";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import type { DiagnosticsView } from "../../../server/services/diagnostics/read-status";

type Test = DiagnosticsView["selfTests"][number];

const STATUS_LABEL: Record<Test["status"], string> = { running: "en curso", succeeded: "detectada", failed: "no detectada" };

/**
 * Guided self-test (A30-DIAG-04): pick an element, start the simulated interruption, follow it
 * until the diagnostics job detects it (detection time and alarm number) and restores it.
 */
export function SelfTestPanel({ components, initial }: { components: string[]; initial: Test[] }) {
  const router = useRouter();
  const [component, setComponent] = useState(components.includes("SMD-DISP-0004") ? "SMD-DISP-0004" : (components[0] ?? ""));
  const [tests, setTests] = useState<Test[]>(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const running = tests.some((t) => t.status === "running");

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(async () => {
      const response = await apiFetch("/api/diagnostics", { cache: "no-store", background: true });
      if (!response.ok) return;
      const view = (await response.json()) as DiagnosticsView;
      setTests(view.selfTests);
      if (!view.selfTests.some((t) => t.status === "running")) router.refresh();
    }, 3000);
    return () => clearInterval(timer);
  }, [running, router]);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const response = await apiFetch("/api/diagnostics/self-test", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ component }),
      });
      const body = (await response.json()) as { test?: Test; error?: string };
      if (!response.ok || !body.test) setError(body.error ?? `Error ${response.status}`);
      else setTests((previous) => [body.test!, ...previous]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="diag-self-test">
      <p>
        Simula la interrupción de la comunicación de un elemento sin afectar la operación: la recolección continúa y solo el autodiagnóstico deja de ver sus
        lecturas hasta detectar la falla; al detectarla registra el tiempo de detección y el número de alarma en la bitácora y restablece el elemento.
      </p>
      <label>
        Elemento{" "}
        <select value={component} onChange={(e) => setComponent(e.target.value)} disabled={running || busy}>
          {components.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>{" "}
      <button type="button" onClick={start} disabled={running || busy || !component}>
        Iniciar prueba de autodiagnóstico
      </button>
      {error ? (
        <p role="alert" className="diag-error">
          {error}
        </p>
      ) : null}
      {tests.length > 0 ? (
        <table className="diag-table" data-testid="self-tests">
          <thead>
            <tr>
              <th scope="col">Prueba</th>
              <th scope="col">Elemento</th>
              <th scope="col">Inicio</th>
              <th scope="col">Resultado</th>
              <th scope="col">Detección</th>
              <th scope="col">Alarma</th>
            </tr>
          </thead>
          <tbody>
            {tests.map((t) => (
              <tr key={t.id} data-status={t.status}>
                <td>{t.id}</td>
                <td>{t.component}</td>
                <td>{new Date(t.startedAt).toLocaleTimeString("es-MX")}</td>
                <td>{STATUS_LABEL[t.status]}</td>
                <td>{t.detectionS === null ? "—" : `${t.detectionS} s`}</td>
                <td>{t.alarmId ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
