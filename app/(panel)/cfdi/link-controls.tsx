"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiFetch } from "../../_lib/api-fetch";

type Outcome = { kind: "ok"; text: string } | { kind: "error"; text: string } | null;

/** POST /api/cfdi/:id/links through apiFetch (CSRF header); the page refreshes after a change. */
function useLinkAction(cfdiId: number) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  async function send(body: Record<string, unknown>, done: string): Promise<boolean> {
    setBusy(true);
    setOutcome(null);
    try {
      const response = await apiFetch(`/api/cfdi/${cfdiId}/links`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const json = (await response.json().catch(() => null)) as { error?: string; link?: { eventLogId?: number } } | null;
      if (!response.ok) {
        setOutcome({ kind: "error", text: json?.error ?? `Error ${response.status}` });
        return false;
      }
      setOutcome({ kind: "ok", text: `${done} (entrada de bitácora ${json?.link?.eventLogId ?? "?"}).` });
      router.refresh();
      return true;
    } catch {
      setOutcome({ kind: "error", text: "No se pudo contactar al servidor." });
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, outcome, send };
}

function OutcomeText({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  return (
    <span className={outcome.kind === "ok" ? "operations-saved" : "operations-errors"} role={outcome.kind === "error" ? "alert" : "status"}>
      {" "}
      {outcome.text}
    </span>
  );
}

/** «Vincular» one suggested operation (A30-CFDI-05 manual link). */
export function CfdiLinkButton({ cfdiId, operationId, label }: { cfdiId: number; operationId: number; label: string }) {
  const { busy, outcome, send } = useLinkAction(cfdiId);
  return (
    <>
      <button type="button" disabled={busy} aria-label={label} onClick={() => void send({ operationId, action: "link" }, "CFDI vinculado")}>
        Vincular
      </button>
      <OutcomeText outcome={outcome} />
    </>
  );
}

/** Link to any operation by its identifier, with an optional linked volume. */
export function CfdiLinkForm({ cfdiId }: { cfdiId: number }) {
  const { busy, outcome, send } = useLinkAction(cfdiId);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const volume = String(data.get("volume") ?? "").trim();
    const ok = await send({ operationId: String(data.get("operationId") ?? "").trim(), action: "link", ...(volume ? { volume } : {}) }, "CFDI vinculado");
    if (ok) form.reset();
  }
  return (
    <form className="cfdi-link-form" onSubmit={submit} aria-label="Vincular a una operación">
      <label>
        Operación (id)
        <input type="number" name="operationId" min="1" step="1" required />
      </label>
      <label>
        Volumen vinculado (opcional)
        <input type="number" name="volume" min="0" step="0.001" />
      </label>
      <button type="submit" disabled={busy}>
        Vincular CFDI
      </button>
      <OutcomeText outcome={outcome} />
    </form>
  );
}

/** «Desvincular» with its mandatory reason (bitácora, A30-LOG-10). */
export function CfdiUnlinkForm({ cfdiId, operationId, label }: { cfdiId: number; operationId: number; label: string }) {
  const { busy, outcome, send } = useLinkAction(cfdiId);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    await send({ operationId, action: "unlink", reason: String(data.get("reason") ?? "").trim() }, "CFDI desvinculado");
  }
  return (
    <form className="cfdi-unlink-form" onSubmit={submit} aria-label={label}>
      <input type="text" name="reason" required minLength={5} maxLength={1000} placeholder="Motivo de la desvinculación" aria-label="Motivo de la desvinculación" />
      <button type="submit" disabled={busy}>
        Desvincular
      </button>
      <OutcomeText outcome={outcome} />
    </form>
  );
}
