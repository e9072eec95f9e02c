"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiFetch } from "../../_lib/api-fetch";

const STATUSES = [
  { value: "vigente", label: "Vigente" },
  { value: "en_proceso_cancelacion", label: "En proceso de cancelación" },
  { value: "cancelacion_solicitada", label: "Cancelación solicitada" },
  { value: "cancelado", label: "Cancelado" },
] as const;

/** PAC cancellation answers (A30-CFDI-06); the server keeps the text beside the code. */
const PAC_CODES = ["204", "207", "208", "209", "310", "311", "312"] as const;

/**
 * «Estado del CFDI» (A30-CFDI-06): records the status the PAC or SAT answered — cancelled is final
 * and takes the CFDI out of the totals; a refused cancellation may carry the PAC's code. The reason
 * (the acuse or its reference) goes to the bitácora.
 */
export function CfdiStatusForm({ cfdiId, current }: { cfdiId: number; current: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const code = String(data.get("code") ?? "");
    const body = { status: String(data.get("status") ?? ""), reason: String(data.get("reason") ?? ""), ...(code ? { code } : {}) };
    setBusy(true);
    setMessage(null);
    try {
      const response = await apiFetch(`/api/cfdi/${cfdiId}/status`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const json = (await response.json().catch(() => null)) as { error?: string; messages?: string[]; status?: { eventLogId: number } } | null;
      if (!response.ok) {
        setMessage({ ok: false, text: json?.messages?.join("; ") || json?.error || `Error ${response.status}` });
        return;
      }
      setMessage({ ok: true, text: `Estado registrado (entrada de bitácora ${json?.status?.eventLogId ?? "?"}).` });
      router.refresh();
    } catch {
      setMessage({ ok: false, text: "No se pudo contactar al servidor." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="users-form" onSubmit={submit} data-testid="cfdi-status-form" aria-labelledby="cfdi-status-title">
      <h3 id="cfdi-status-title">Estado del CFDI</h3>
      <div className="users-field">
        <label htmlFor="cfdi-status">Nuevo estado</label>
        <select id="cfdi-status" name="status" defaultValue={current === "vigente" ? "cancelado" : "vigente"}>
          {STATUSES.filter((s) => s.value !== current).map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <div className="users-field">
        <label htmlFor="cfdi-status-code">Código de respuesta del PAC (si lo hay)</label>
        <select id="cfdi-status-code" name="code" defaultValue="">
          <option value="">Sin código</option>
          {PAC_CODES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </div>
      <div className="users-field">
        <label htmlFor="cfdi-status-reason">Motivo o referencia del acuse</label>
        <input id="cfdi-status-reason" name="reason" required minLength={10} maxLength={500} />
      </div>
      <button type="submit" disabled={busy}>
        Registrar estado
      </button>
      {message ? (
        <p className={message.ok ? "operations-saved" : "operations-errors"} role={message.ok ? "status" : "alert"}>
          {message.text}
        </p>
      ) : null}
    </form>
  );
}
