"use client";

import { apiFetch } from "../../_lib/api-fetch";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

interface Props {
  operationId: number;
  number: number;
  version: number;
  counterpartyRfc: string | null;
  counterpartyName: string | null;
  transportMeansKey: string | null;
  netVolume: number;
}

type Result = { kind: "ok"; text: string } | { kind: "error"; messages: string[] } | null;

/** A30-LOG-10 / A30-REC-05: confirm, annotate or correct a record through the operations API (new version + bitácora entry). */
export function OperationActions(props: Props) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result>(null);

  async function post(path: string, body: unknown, ok: (json: Record<string, unknown>) => string, form: HTMLFormElement) {
    setBusy(true);
    setResult(null);
    try {
      const response = await apiFetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const json = (await response.json()) as Record<string, unknown> & { error?: string; messages?: string[] };
      if (!response.ok) {
        setResult({ kind: "error", messages: json.messages ?? [json.error ?? `Error ${response.status}`] });
        return;
      }
      setResult({ kind: "ok", text: ok(json) });
      form.reset();
      router.refresh();
    } catch {
      setResult({ kind: "error", messages: ["No se pudo contactar al servidor."] });
    } finally {
      setBusy(false);
    }
  }

  const text = (form: FormData, name: string) => {
    const value = String(form.get(name) ?? "").trim();
    return value === "" ? undefined : value;
  };

  function confirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    void post(`/api/operations/${props.operationId}/confirm`, { note: text(data, "note") }, (j) => `Operación confirmada (entrada de bitácora ${String(j.eventLogId)}).`, event.currentTarget);
  }

  function annotate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    void post(
      `/api/operations/${props.operationId}/correct`,
      { clarification: text(data, "clarification") ?? null, reason: text(data, "reason") ?? "" },
      (j) => `Aclaración registrada como versión ${String((j.operation as { version?: number } | null)?.version ?? "?")}.`,
      event.currentTarget,
    );
  }

  function correct(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const body: Record<string, unknown> = { reason: text(data, "reason") ?? "" };
    const rfc = text(data, "counterpartyRfc");
    const name = text(data, "counterpartyName");
    const transport = text(data, "transportMeansKey");
    const net = text(data, "netVolume");
    if (rfc !== undefined && rfc !== props.counterpartyRfc) body.counterpartyRfc = rfc.toUpperCase();
    if (name !== undefined && name !== props.counterpartyName) body.counterpartyName = name;
    if (transport !== undefined && transport !== props.transportMeansKey) body.transportMeansKey = transport;
    if (net !== undefined && Number(net) !== props.netVolume) body.netVolume = net;
    void post(
      `/api/operations/${props.operationId}/correct`,
      body,
      (j) => `Corrección guardada: versión ${String((j.operation as { version?: number } | null)?.version ?? "?")} (entrada de bitácora ${String(j.eventLogId)}).`,
      event.currentTarget,
    );
  }

  return (
    <div className="operations-actions" data-testid="operation-actions">
      <form onSubmit={correct} aria-label="Corregir operación">
        <h3>Corregir (nueva versión)</h3>
        <label>
          RFC de la contraparte
          <input type="text" name="counterpartyRfc" maxLength={13} defaultValue={props.counterpartyRfc ?? ""} />
        </label>
        <label>
          Nombre de la contraparte
          <input type="text" name="counterpartyName" maxLength={300} defaultValue={props.counterpartyName ?? ""} />
        </label>
        <label>
          Medio de transporte
          <input type="text" name="transportMeansKey" placeholder="TQS-ATQ-1234" defaultValue={props.transportMeansKey ?? ""} />
        </label>
        <label>
          Volumen a condiciones de referencia (L)
          <input type="number" name="netVolume" min="0" step="0.001" defaultValue={props.netVolume} />
        </label>
        <label className="operations-justification">
          Motivo de la corrección
          <textarea name="reason" required minLength={5} rows={2} />
        </label>
        <button type="submit" disabled={busy}>
          Guardar corrección
        </button>
      </form>
      <form onSubmit={annotate} aria-label="Anotar operación">
        <h3>Anotar (aclaración)</h3>
        <label>
          Aclaración
          <textarea name="clarification" required rows={2} maxLength={1000} />
        </label>
        <label>
          Motivo de la anotación
          <input type="text" name="reason" required minLength={5} />
        </label>
        <button type="submit" disabled={busy}>
          Guardar aclaración
        </button>
      </form>
      <form onSubmit={confirm} aria-label="Confirmar operación">
        <h3>Confirmar revisión</h3>
        <label>
          Nota (opcional)
          <input type="text" name="note" maxLength={1000} />
        </label>
        <button type="submit" disabled={busy}>
          Confirmar operación
        </button>
      </form>
      {result?.kind === "error" ? (
        <ul className="operations-errors" role="alert">
          {result.messages.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
      {result?.kind === "ok" ? (
        <p className="operations-saved" role="status">
          {result.text}
        </p>
      ) : null}
    </div>
  );
}
