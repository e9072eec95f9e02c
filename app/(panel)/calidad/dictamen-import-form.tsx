"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { field, postJson } from "../../_lib/post-json";
import type { InstallationOption } from "./dictamen-form";

const MAX_BYTES = 512 * 1024;

/** A32-11: import of a DI-<RFC contribuyente>_<RFC proveedor><consecutivo><año>.json file; every reason of a rejection is listed. */
export function DictamenImportForm({ installations, lotKinds }: { installations: InstallationOption[]; lotKinds: Record<string, string> }) {
  const router = useRouter();
  const [installation, setInstallation] = useState(installations[0]?.key ?? "");
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState<{ text: string; warnings: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const tanks = installations.find((i) => i.key === installation)?.tanks ?? [];

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const file = data.get("file");
    setErrors([]);
    setSaved(null);
    if (!(file instanceof File) || file.size === 0) {
      setErrors(["Seleccione el archivo JSON del dictamen."]);
      return;
    }
    if (file.size > MAX_BYTES) {
      setErrors(["El archivo excede 512 KiB."]);
      return;
    }
    setBusy(true);
    const content = await file.text();
    const body = Object.fromEntries(
      Object.entries({ fileName: file.name, content, installationKey: installation, lotKind: field(data, "lotKind"), tankKey: field(data, "tankKey") }).filter(([, v]) => v !== undefined),
    );
    const answer = await postJson<{ dictamen: { folio: string; lotKey: string }; linked: unknown[]; warnings: string[] }>("/api/dictamenes/import", body);
    setBusy(false);
    if (!answer.ok) {
      setErrors(answer.messages);
      return;
    }
    setSaved({ text: `Dictamen ${answer.data.dictamen.folio} importado en el lote ${answer.data.dictamen.lotKey}; ${answer.data.linked.length} operación(es) vinculada(s).`, warnings: answer.data.warnings });
    form.reset();
    router.refresh();
  }

  return (
    <section className="fiscal-section" aria-labelledby="importar-dictamen">
      <h2 id="importar-dictamen">Importar archivo de dictamen (DI-…json)</h2>
      <p className="fiscal-help">
        El nombre debe ser DI-&lt;RFC del contribuyente&gt;_&lt;RFC del laboratorio&gt;&lt;consecutivo de 5 dígitos&gt;&lt;año&gt;.json y coincidir con el contenido. El archivo se
        conserva como anexo del dictamen.
      </p>
      <form className="fiscal-form" onSubmit={submit} aria-label="Importar archivo de dictamen">
        <div className="fiscal-field">
          <label htmlFor="di-installation">Instalación</label>
          <select id="di-installation" name="installationKey" value={installation} onChange={(e) => setInstallation(e.target.value)}>
            {installations.map((i) => (
              <option key={i.key} value={i.key}>
                {i.key}
              </option>
            ))}
          </select>
        </div>
        <div className="fiscal-field">
          <label htmlFor="di-tank">Tanque muestreado</label>
          <select id="di-tank" name="tankKey" defaultValue="">
            <option value="">—</option>
            {tanks.map((t) => (
              <option key={t.key} value={t.key}>
                {t.key} ({t.productKey})
              </option>
            ))}
          </select>
        </div>
        <div className="fiscal-field">
          <label htmlFor="di-lot-kind">Tipo de lote (si es nuevo)</label>
          <select id="di-lot-kind" name="lotKind" defaultValue="">
            <option value="">Según el tanque o la fracción</option>
            {Object.entries(lotKinds).map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="fiscal-field fiscal-wide">
          <label htmlFor="di-file">Archivo JSON del dictamen</label>
          <input id="di-file" name="file" type="file" accept=".json,application/json" required />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? "Importando…" : "Importar dictamen"}
        </button>
      </form>
      {errors.length > 0 ? (
        <ul className="fiscal-errors" role="alert">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : null}
      {saved ? (
        <div className="fiscal-saved" role="status">
          <p>{saved.text}</p>
          {saved.warnings.length > 0 ? (
            <ul className="fiscal-warnings">
              {saved.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
