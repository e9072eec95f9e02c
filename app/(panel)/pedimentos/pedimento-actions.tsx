"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { field, postJson } from "../../_lib/post-json";

interface Candidate {
  id: number;
  label: string;
}

interface Props {
  pedimentoId: number;
  number: string;
  unitLabel: string;
  /** Receptions (deliveries for an export) of the same installation and product not linked yet. */
  candidates: Candidate[];
  linked: Array<{ operationId: number; label: string }>;
  current: { date: string; incoterm: string; tariffFraction: string; volume: number; customsValueMxn: number | null };
  incoterms: readonly string[];
}

type Answer = { pedimento: { linked: { label: string } }; warnings?: string[] };

/** A30-PED-07 link/unlink of operations, and the correction as a new version with reason (A30-STO-02). */
export function PedimentoActions({ pedimentoId, number, unitLabel, candidates, linked, current, incoterms }: Props) {
  const router = useRouter();
  const [messages, setMessages] = useState<{ kind: "error" | "ok"; lines: string[] } | null>(null);
  const [busy, setBusy] = useState(false);

  async function send(url: string, body: unknown, done: (data: Answer) => string[]) {
    setBusy(true);
    setMessages(null);
    const answer = await postJson<Answer>(url, body);
    setBusy(false);
    if (!answer.ok) {
      setMessages({ kind: "error", lines: answer.messages });
      return false;
    }
    setMessages({ kind: "ok", lines: done(answer.data) });
    router.refresh();
    return true;
  }

  async function link(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const volume = field(data, "volume");
    await send(`/api/pedimentos/${pedimentoId}/links`, { action: "link", operationId: Number(field(data, "operationId")), ...(volume ? { volume } : {}) }, (d) => [d.pedimento.linked.label, ...(d.warnings ?? [])]);
  }

  async function unlink(operationId: number) {
    await send(`/api/pedimentos/${pedimentoId}/links`, { action: "unlink", operationId }, (d) => [d.pedimento.linked.label]);
  }

  async function correct(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const changes: Record<string, unknown> = {};
    const date = field(data, "date");
    if (date && date !== current.date) changes.date = date;
    const incoterm = field(data, "incoterm");
    if (incoterm && incoterm !== current.incoterm) changes.incoterm = incoterm;
    const fraction = field(data, "tariffFraction");
    if (fraction && fraction !== current.tariffFraction) changes.tariffFraction = fraction;
    const volume = field(data, "volume");
    if (volume && Number(volume) !== current.volume) changes.volume = volume;
    const value = field(data, "customsValueMxn");
    if (value !== undefined && Number(value) !== current.customsValueMxn) changes.customsValueMxn = value;
    const num = field(data, "number");
    if (num) changes.number = num;
    if (await send(`/api/pedimentos/${pedimentoId}/correct`, { ...changes, reason: field(data, "reason") ?? "" }, () => ["Corrección registrada como nueva versión."])) form.reset();
  }

  return (
    <div className="fiscal-actions">
      <form className="fiscal-form" onSubmit={link} aria-label={`Vincular operación al pedimento ${number}`}>
        <h3>Vincular recepción</h3>
        <div className="fiscal-field fiscal-wide">
          <label htmlFor={`ped-link-op-${pedimentoId}`}>Operación</label>
          <select id={`ped-link-op-${pedimentoId}`} name="operationId" required defaultValue="">
            <option value="" disabled>
              {candidates.length === 0 ? "No hay operaciones por vincular" : "Seleccione…"}
            </option>
            {candidates.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div className="fiscal-field">
          <label htmlFor={`ped-link-volume-${pedimentoId}`}>Volumen amparado ({unitLabel}, opcional)</label>
          <input id={`ped-link-volume-${pedimentoId}`} name="volume" type="number" min="0.001" step="0.001" aria-describedby={`ped-link-help-${pedimentoId}`} />
          <span id={`ped-link-help-${pedimentoId}`} className="fiscal-help">
            Vacío: el volumen neto de la operación.
          </span>
        </div>
        <button type="submit" disabled={busy || candidates.length === 0}>
          Vincular
        </button>
      </form>
      {linked.length > 0 ? (
        <ul className="fiscal-links">
          {linked.map((l) => (
            <li key={l.operationId}>
              {l.label}{" "}
              <button type="button" className="fiscal-secondary" disabled={busy} onClick={() => void unlink(l.operationId)}>
                Desvincular
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="fiscal-form" onSubmit={correct} aria-label={`Corregir el pedimento ${number}`}>
        <h3>Corregir (nueva versión)</h3>
        <div className="fiscal-field">
          <label htmlFor={`ped-fix-number-${pedimentoId}`}>Número</label>
          <input id={`ped-fix-number-${pedimentoId}`} name="number" maxLength={40} placeholder={number} />
        </div>
        <div className="fiscal-field">
          <label htmlFor={`ped-fix-date-${pedimentoId}`}>Fecha</label>
          <input id={`ped-fix-date-${pedimentoId}`} name="date" type="date" defaultValue={current.date} />
        </div>
        <div className="fiscal-field">
          <label htmlFor={`ped-fix-incoterm-${pedimentoId}`}>Incoterms</label>
          <select id={`ped-fix-incoterm-${pedimentoId}`} name="incoterm" defaultValue={current.incoterm}>
            {incoterms.map((i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
        </div>
        <div className="fiscal-field">
          <label htmlFor={`ped-fix-fraction-${pedimentoId}`}>Fracción y NICO</label>
          <input id={`ped-fix-fraction-${pedimentoId}`} name="tariffFraction" maxLength={20} defaultValue={current.tariffFraction} />
        </div>
        <div className="fiscal-field">
          <label htmlFor={`ped-fix-volume-${pedimentoId}`}>Volumen documentado</label>
          <input id={`ped-fix-volume-${pedimentoId}`} name="volume" type="number" min="0.001" step="0.001" defaultValue={current.volume} />
        </div>
        <div className="fiscal-field">
          <label htmlFor={`ped-fix-value-${pedimentoId}`}>Valor en aduana (MXN)</label>
          <input id={`ped-fix-value-${pedimentoId}`} name="customsValueMxn" type="number" min="0" step="0.01" defaultValue={current.customsValueMxn ?? ""} />
        </div>
        <div className="fiscal-field fiscal-wide">
          <label htmlFor={`ped-fix-reason-${pedimentoId}`}>Motivo de la corrección</label>
          <input id={`ped-fix-reason-${pedimentoId}`} name="reason" required minLength={5} maxLength={1000} />
        </div>
        <button type="submit" disabled={busy}>
          Registrar corrección
        </button>
      </form>
      {messages ? (
        <ul className={messages.kind === "error" ? "fiscal-errors" : "fiscal-saved"} role={messages.kind === "error" ? "alert" : "status"}>
          {messages.lines.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
