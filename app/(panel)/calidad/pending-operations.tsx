"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { postJson } from "../../_lib/post-json";

export interface PendingRow {
  id: number;
  installation: string;
  number: number;
  type: "reception" | "delivery";
  element: string | null;
  productKey: string;
  endLabel: string;
  volumeLabel: string;
  lotKey: string | null;
  lotHasQuality: boolean;
}

interface Props {
  rows: PendingRow[];
  total: number;
  lots: Array<{ id: number; key: string; installation: string; productKey: string; hasQuality: boolean }>;
  canLink: boolean;
}

const TYPE_LABEL = { reception: "Recepción", delivery: "Entrega" } as const;

/**
 * A30-TYP-10 "pendientes de tipo de producto": receptions and deliveries without applicable
 * quality data; Administrador and Supervisor select some and link them to a lot of the same
 * installation and product (each gets a new version with the lot and its quality record).
 */
export function PendingOperations({ rows, total, lots, canLink }: Props) {
  const router = useRouter();
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [messages, setMessages] = useState<{ kind: "error" | "ok"; lines: string[] } | null>(null);
  const [busy, setBusy] = useState(false);

  function toggle(id: number) {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  async function link(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const lotId = Number(data.get("lotId"));
    setBusy(true);
    setMessages(null);
    const answer = await postJson<{ lotKey: string; linked: unknown[] }>(`/api/lots/${lotId}/links`, { operationIds: [...selected] });
    setBusy(false);
    if (!answer.ok) {
      setMessages({ kind: "error", lines: answer.messages });
      return;
    }
    setMessages({ kind: "ok", lines: [`${answer.data.linked.length} operación(es) vinculada(s) al lote ${answer.data.lotKey}.`] });
    setSelected(new Set());
    router.refresh();
  }

  return (
    <>
      <p>
        {total === 0 ? "No hay operaciones pendientes de tipo de producto." : `${total} operación(es) sin datos de calidad aplicables${total > rows.length ? ` (se muestran ${rows.length})` : ""}.`}
      </p>
      {rows.length > 0 ? (
        <div className="fiscal-table-wrap">
          <table className="fiscal-table" data-testid="pending-operations">
            <thead>
              <tr>
                {canLink ? <th scope="col">Vincular</th> : null}
                <th scope="col">Número</th>
                <th scope="col">Tipo</th>
                <th scope="col">Instalación</th>
                <th scope="col">Elemento</th>
                <th scope="col">Producto</th>
                <th scope="col">Fin</th>
                <th scope="col">Volumen</th>
                <th scope="col">Lote</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-operation={r.number}>
                  {canLink ? (
                    <td>
                      <input id={`pendiente-${r.id}`} type="checkbox" checked={selected.has(r.id)} onChange={() => toggle(r.id)} />
                      <label htmlFor={`pendiente-${r.id}`} className="fiscal-sr-only">
                        Seleccionar la {TYPE_LABEL[r.type].toLowerCase()} {r.number}
                      </label>
                    </td>
                  ) : null}
                  <td>{r.number}</td>
                  <td>{TYPE_LABEL[r.type]}</td>
                  <td>{r.installation}</td>
                  <td>{r.element ?? "—"}</td>
                  <td>{r.productKey}</td>
                  <td>{r.endLabel}</td>
                  <td className="num">{r.volumeLabel}</td>
                  <td>{r.lotKey ? `${r.lotKey}${r.lotHasQuality ? " (con datos: vincular)" : " (sin datos de calidad)"}` : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canLink && rows.length > 0 ? (
        <form className="fiscal-form" onSubmit={link} aria-label="Vincular operaciones a un lote">
          <div className="fiscal-field fiscal-wide">
            <label htmlFor="pendientes-lote">Lote</label>
            <select id="pendientes-lote" name="lotId" required defaultValue="">
              <option value="" disabled>
                Seleccione…
              </option>
              {lots.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.key} · {l.installation} · {l.productKey}
                  {l.hasQuality ? "" : " (sin datos de calidad)"}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={busy || selected.size === 0}>
            {busy ? "Vinculando…" : `Vincular ${selected.size} operación(es)`}
          </button>
        </form>
      ) : null}
      {messages ? (
        <ul className={messages.kind === "error" ? "fiscal-errors" : "fiscal-saved"} role={messages.kind === "error" ? "alert" : "status"}>
          {messages.lines.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
