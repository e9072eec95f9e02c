"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiFetch } from "../../_lib/api-fetch";

/** Largest request the server accepts for an upload (server/http/front.ts, /api/cfdi). */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

interface FileResult {
  fileName: string;
  ok: boolean;
  uuid?: string;
  reason?: string;
  matching?: string;
  verification?: { ok: boolean; failed: Array<{ id: string; detail: string }> };
  links?: Array<{ operationNumber: number; installationKey: string }>;
}

/**
 * «Importar CFDI» (A30-CFDI-01/07): one or more XML files go as multipart/form-data (field
 * `files`) through apiFetch (CSRF header). Each file gets its own line: the UUID when stored (with
 * the verification outcome and any automatic link) or the reason it was rejected.
 */
export function CfdiUploadForm() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [results, setResults] = useState<FileResult[]>([]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const files = data.getAll("files").filter((f): f is File => typeof f !== "string" && f.size > 0);
    setError(null);
    setResults([]);
    if (files.length === 0) {
      setError("Seleccione al menos un archivo XML de CFDI.");
      return;
    }
    if (files.reduce((sum, f) => sum + f.size, 0) > MAX_REQUEST_BYTES - 64 * 1024) {
      setError("Los archivos seleccionados suman más de 6 MiB: impórtelos en varias partes.");
      return;
    }
    setBusy(true);
    let answer: Response | null = null;
    try {
      answer = await apiFetch("/api/cfdi", { method: "POST", body: data });
    } catch {
      answer = null;
    }
    setBusy(false);
    if (!answer) {
      setError("No se pudo contactar al servidor; intente de nuevo.");
      return;
    }
    const body = (await answer.json().catch(() => null)) as { error?: string; results?: FileResult[] } | null;
    if (body?.results) setResults(body.results);
    if (!answer.ok && !body?.results) setError(body?.error ?? `No se pudo importar (HTTP ${answer.status}).`);
    if (body?.results?.some((r) => r.ok)) {
      form.reset();
      router.refresh();
    }
  }

  return (
    <section className="cfdi-upload" aria-labelledby="cfdi-importar">
      <h2 id="cfdi-importar">Importar CFDI</h2>
      <form onSubmit={submit} encType="multipart/form-data" data-testid="cfdi-upload-form">
        <label htmlFor="cfdi-files">Archivos XML de CFDI</label>
        <input id="cfdi-files" name="files" type="file" multiple accept=".xml" required />
        <button type="submit" disabled={busy}>
          {busy ? "Importando…" : "Importar CFDI"}
        </button>
      </form>
      <p className="cfdi-note">
        CFDI 4.0 y 3.3 timbrados, hasta 5 MiB por archivo. Se rechazan, sin guardar nada, los archivos mal formados, sin timbre, que no son CFDI,
        con UUID ya importado o que no son del contribuyente. También puede dejar los XML en la carpeta <code>cfdi-entrada</code> del servidor.
      </p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {results.length > 0 ? (
        <ul className="cfdi-results" data-testid="cfdi-import-results" aria-live="polite">
          {results.map((r, i) => (
            <li key={`${r.fileName}-${i}`} data-ok={r.ok ? "true" : "false"} className={r.ok ? "cfdi-result-ok" : "cfdi-result-error"}>
              <strong>{r.fileName}</strong>:{" "}
              {r.ok ? (
                <>
                  importado, UUID <code>{r.uuid}</code>
                  {r.verification && !r.verification.ok ? ` · verificación con fallas: ${r.verification.failed.map((f) => f.detail).join("; ")}` : " · verificación sin fallas"}
                  {r.links && r.links.length > 0
                    ? ` · vinculado a ${r.links.map((l) => `la operación ${l.operationNumber} de ${l.installationKey}`).join(", ")}`
                    : r.matching
                      ? ` · ${r.matching}`
                      : ""}
                </>
              ) : (
                <>rechazado: {r.reason}</>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
