"use client";

import { apiFetch } from "../../_lib/api-fetch";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

interface Props {
  installations: string[];
  tanks: Array<{ installation: string; key: string }>;
}

/** A30-REC-07: manual registration of an operation the equipment could not detect (justification required). */
export function ManualOperationForm({ installations, tanks }: Props) {
  const router = useRouter();
  const [installation, setInstallation] = useState(installations[0] ?? "");
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = String(form.get(name) ?? "").trim();
      return value === "" ? undefined : value;
    };
    const local = (name: string) => {
      const value = text(name);
      return value ? new Date(value).toISOString() : undefined;
    };
    const body = {
      installationKey: installation,
      type: text("type"),
      tankKey: text("tankKey"),
      startAt: local("startAt"),
      endAt: local("endAt"),
      netVolume: text("netVolume"),
      grossVolume: text("grossVolume"),
      temperatureC: text("temperatureC"),
      counterpartyRfc: text("counterpartyRfc"),
      transportMeansKey: text("transportMeansKey"),
      justification: text("justification") ?? "",
    };
    setBusy(true);
    setErrors([]);
    setSaved(null);
    try {
      const response = await apiFetch("/api/operations", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const result = (await response.json()) as { operation?: { number: number }; error?: string; messages?: string[] };
      if (!response.ok) {
        setErrors(result.messages ?? [result.error ?? `Error ${response.status}`]);
        return;
      }
      setSaved(`Operación manual registrada con el número ${result.operation?.number ?? "?"}.`);
      (event.target as HTMLFormElement).reset();
      router.refresh();
    } catch {
      setErrors(["No se pudo contactar al servidor."]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="operations-manual" aria-labelledby="manual-title">
      <h2 id="manual-title">Registrar operación manual</h2>
      <p>Solo cuando el equipo no pudo registrar la operación. Queda marcada como manual, con su usuario, y se registra en la bitácora.</p>
      <form onSubmit={submit}>
        <label>
          Instalación
          <select name="installation" value={installation} onChange={(e) => setInstallation(e.target.value)}>
            {installations.map((key) => (
              <option key={key} value={key}>
                {key}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tipo
          <select name="type" defaultValue="reception">
            <option value="reception">Recepción</option>
            <option value="delivery">Entrega</option>
          </select>
        </label>
        <label>
          Tanque
          <select name="tankKey">
            {tanks
              .filter((t) => t.installation === installation)
              .map((t) => (
                <option key={t.key} value={t.key}>
                  {t.key}
                </option>
              ))}
          </select>
        </label>
        <label>
          Inicio
          <input type="datetime-local" name="startAt" required step={1} />
        </label>
        <label>
          Fin
          <input type="datetime-local" name="endAt" required step={1} />
        </label>
        <label>
          Volumen a 20 °C (L)
          <input type="number" name="netVolume" min="0" step="0.001" required />
        </label>
        <label>
          Volumen bruto (L)
          <input type="number" name="grossVolume" min="0" step="0.001" />
        </label>
        <label>
          Temperatura (°C)
          <input type="number" name="temperatureC" step="0.01" />
        </label>
        <label>
          RFC de la contraparte
          <input type="text" name="counterpartyRfc" maxLength={13} placeholder="GPA200101NL1" />
        </label>
        <label>
          Medio de transporte
          <input type="text" name="transportMeansKey" placeholder="TQS-ATQ-1234" />
        </label>
        <label className="operations-justification">
          Justificación
          <textarea name="justification" required minLength={10} rows={3} />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? "Registrando…" : "Registrar operación manual"}
        </button>
      </form>
      {errors.length > 0 ? (
        <ul className="operations-errors" role="alert">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : null}
      {saved ? (
        <p className="operations-saved" role="status">
          {saved}
        </p>
      ) : null}
    </section>
  );
}
