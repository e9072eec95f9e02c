"use client";

import { apiFetch } from "../../_lib/api-fetch";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

/** A30-REC-08: capture of a process loss (element, date, volume, method, justification). */
export function ProcessLossForm({ tanks }: { tanks: Array<{ installation: string; key: string }> }) {
  const router = useRouter();
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const [installationKey, tankKey] = String(data.get("tank") ?? "").split("|");
    const body = {
      installationKey,
      tankKey,
      reportDate: String(data.get("reportDate") ?? ""),
      volume: String(data.get("volume") ?? ""),
      method: String(data.get("method") ?? ""),
      justification: String(data.get("justification") ?? ""),
    };
    setBusy(true);
    setErrors([]);
    setSaved(null);
    try {
      const response = await apiFetch("/api/process-losses", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const json = (await response.json()) as { processLoss?: { volume: string; tank: string; reportDate: string }; error?: string; messages?: string[] };
      if (!response.ok) {
        setErrors(json.messages ?? [json.error ?? `Error ${response.status}`]);
        return;
      }
      setSaved(`Pérdida de ${json.processLoss!.volume} L registrada para ${json.processLoss!.tank} el ${json.processLoss!.reportDate}.`);
      form.reset();
      router.refresh();
    } catch {
      setErrors(["No se pudo contactar al servidor."]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="operations-loss-form" onSubmit={submit} aria-label="Registrar pérdida por proceso">
      <label>
        Tanque
        <select name="tank" required>
          {tanks.map((t) => (
            <option key={`${t.installation}|${t.key}`} value={`${t.installation}|${t.key}`}>
              {t.installation} · {t.key}
            </option>
          ))}
        </select>
      </label>
      <label>
        Fecha del periodo
        <input type="date" name="reportDate" required />
      </label>
      <label>
        Volumen (L)
        <input type="number" name="volume" min="0.001" step="0.001" required />
      </label>
      <label>
        Método
        <input type="text" name="method" required defaultValue="API MPMS 19" />
      </label>
      <label className="operations-justification">
        Justificación de la pérdida
        <textarea name="justification" required minLength={10} rows={2} />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? "Registrando…" : "Registrar pérdida"}
      </button>
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
    </form>
  );
}
