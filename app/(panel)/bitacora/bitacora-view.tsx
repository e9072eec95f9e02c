"use client";

import { apiFetch } from "../../_lib/api-fetch";
import { useCallback, useEffect, useState, type FormEvent } from "react";

interface Entry {
  number: number;
  date: string;
  hour: string;
  username: string;
  category: number | null;
  categoryLabel: string;
  eventType: number;
  eventTypeLabel: string;
  description: string;
  component: string | null;
}

interface Page {
  total: number;
  page: number;
  pageSize: number;
  entries: Entry[];
}

interface Filters {
  from: string;
  to: string;
  category: string;
  user: string;
  q: string;
}

const CATEGORIES: { value: string; label: string }[] = [
  { value: "1", label: "1 · Administración del sistema" },
  { value: "2", label: "2 · Eventos de la UCC" },
  { value: "3", label: "3 · Programas informáticos" },
  { value: "4", label: "4 · Comunicación" },
  { value: "5", label: "5 · Operaciones cotidianas" },
  { value: "6", label: "6 · Verificaciones" },
  { value: "7", label: "7 · Inconsistencias volumétricas" },
];

const PAGE_SIZE = 50;
const EMPTY_FILTERS: Filters = { from: "", to: "", category: "", user: "", q: "" };

async function errorOf(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: string };
    return body.error ?? `Error ${response.status}`;
  } catch {
    return `Error ${response.status}`;
  }
}

export function BitacoraView({ canWrite }: { canWrite: boolean }) {
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  const [applied, setApplied] = useState<Filters>(EMPTY_FILTERS);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [verify, setVerify] = useState<{ text: string; ok: boolean } | null>(null);
  const [verifying, setVerifying] = useState(false);

  const load = useCallback(async (f: Filters, p: number) => {
    const params = new URLSearchParams({ page: String(p), pageSize: String(PAGE_SIZE) });
    for (const [key, value] of Object.entries(f)) if (value.trim()) params.set(key, value.trim());
    const response = await apiFetch(`/api/bitacora?${params.toString()}`, { cache: "no-store" });
    if (!response.ok) {
      setLoadError(await errorOf(response));
      return;
    }
    setLoadError(null);
    setData((await response.json()) as Page);
  }, []);

  useEffect(() => {
    void load(applied, page);
  }, [applied, page, load]);

  const onFilter = (event: FormEvent) => {
    event.preventDefault();
    setPage(1);
    setApplied({ ...filters });
  };

  const onVerify = async () => {
    setVerifying(true);
    try {
      const response = await apiFetch("/api/bitacora/verify", { method: "POST" });
      if (!response.ok) {
        setVerify({ ok: false, text: await errorOf(response) });
        return;
      }
      const result = (await response.json()) as { ok: boolean; entries: number; firstBad: number | null; reason: string | null };
      setVerify(
        result.ok
          ? { ok: true, text: `Bitácora íntegra: ${result.entries} entradas verificadas.` }
          : { ok: false, text: `Integridad comprometida en la entrada ${result.firstBad}: ${result.reason ?? ""}. Se generó una alarma de intento de alteración.` },
      );
      await load(applied, page);
    } finally {
      setVerifying(false);
    }
  };

  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  return (
    <div className="bitacora">
      <form className="bitacora-filters" onSubmit={onFilter} aria-label="Filtros de la bitácora">
        <label>
          Desde
          <input type="date" name="from" value={filters.from} onChange={(e) => setFilters({ ...filters, from: e.target.value })} />
        </label>
        <label>
          Hasta
          <input type="date" name="to" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} />
        </label>
        <label>
          Categoría
          <select name="category" value={filters.category} onChange={(e) => setFilters({ ...filters, category: e.target.value })}>
            <option value="">Todas</option>
            {CATEGORIES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
            <option value="otro">Otro (no clasificado)</option>
          </select>
        </label>
        <label>
          Usuario
          <input name="user" value={filters.user} maxLength={64} onChange={(e) => setFilters({ ...filters, user: e.target.value })} />
        </label>
        <label>
          Texto
          <input name="q" value={filters.q} maxLength={200} onChange={(e) => setFilters({ ...filters, q: e.target.value })} />
        </label>
        <button type="submit">Filtrar</button>
        <button type="button" onClick={() => void onVerify()} disabled={verifying}>
          {verifying ? "Verificando…" : "Verificar integridad"}
        </button>
      </form>
      {verify ? (
        <p role="status" data-testid="verify-result" className={verify.ok ? "bitacora-ok" : "form-error"}>
          {verify.text}
        </p>
      ) : null}

      {canWrite ? <EntryForms onSaved={() => void load(applied, page)} /> : null}

      {loadError ? (
        <p role="alert" className="form-error">
          {loadError}
        </p>
      ) : null}
      <table className="bitacora-table" data-testid="bitacora-table">
        <thead>
          <tr>
            <th>Núm.</th>
            <th>Fecha</th>
            <th>Hora</th>
            <th>Usuario</th>
            <th>Categoría</th>
            <th>Tipo de evento</th>
            <th>Componente</th>
            <th>Descripción</th>
          </tr>
        </thead>
        <tbody>
          {data?.entries.map((e) => (
            <tr key={e.number} data-entry={e.number}>
              <td>{e.number}</td>
              <td>{e.date}</td>
              <td>{e.hour}</td>
              <td>{e.username}</td>
              <td>{e.categoryLabel}</td>
              <td>
                {e.eventType} · {e.eventTypeLabel}
              </td>
              <td>{e.component ?? "—"}</td>
              <td>{e.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="bitacora-pager" aria-label="Páginas">
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          Anterior
        </button>
        <span>
          Página {data?.page ?? page} de {pages} · {data?.total ?? 0} entradas
        </span>
        <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
          Siguiente
        </button>
      </nav>
    </div>
  );
}

function EntryForms({ onSaved }: { onSaved: () => void }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = async (body: Record<string, unknown>, form: HTMLFormElement) => {
    const response = await apiFetch("/api/bitacora", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (response.status !== 201) {
      setMessage({ ok: false, text: await errorOf(response) });
      return;
    }
    const { number } = (await response.json()) as { number: number };
    setMessage({ ok: true, text: `Entrada ${number} registrada.` });
    form.reset();
    onSaved();
  };

  const onManual = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const category = String(data.get("category"));
    void submit({ category: category === "otro" ? "otro" : Number(category), description: String(data.get("description") ?? "") }, event.currentTarget);
  };

  const onVisit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    void submit(
      {
        kind: "verification",
        date: String(data.get("date") ?? ""),
        authority: String(data.get("authority") ?? ""),
        name: String(data.get("name") ?? ""),
        rfc: String(data.get("rfc") ?? ""),
        folio: String(data.get("folio") ?? ""),
        scope: String(data.get("scope") ?? ""),
      },
      event.currentTarget,
    );
  };

  return (
    <section className="bitacora-forms" data-testid="entry-forms">
      <form onSubmit={onManual} aria-label="Registrar evento">
        <h2>Registrar evento</h2>
        <label>
          Categoría
          <select name="category" defaultValue="otro">
            <option value="otro">Otro (no clasificado)</option>
            {CATEGORIES.slice(0, 6).map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Descripción
          <textarea name="description" required minLength={2} maxLength={250} rows={2} />
        </label>
        <button type="submit">Registrar</button>
      </form>
      <details>
        <summary>Registrar visita de verificación</summary>
        <form onSubmit={onVisit} aria-label="Registrar visita de verificación">
          <label>
            Fecha
            <input type="date" name="date" required />
          </label>
          <label>
            Quién verifica
            <select name="authority" defaultValue="proveedor_autorizado">
              <option value="proveedor_autorizado">Proveedor autorizado</option>
              <option value="autoridad_fiscal">Autoridad fiscal</option>
            </select>
          </label>
          <label>
            Nombre
            <input name="name" required maxLength={120} />
          </label>
          <label>
            RFC
            <input name="rfc" required maxLength={13} />
          </label>
          <label>
            Folio
            <input name="folio" required maxLength={60} />
          </label>
          <label>
            Alcance
            <input name="scope" required maxLength={200} />
          </label>
          <button type="submit">Registrar visita</button>
        </form>
      </details>
      {message ? (
        <p role="status" className={message.ok ? "bitacora-ok" : "form-error"}>
          {message.text}
        </p>
      ) : null}
    </section>
  );
}
