"use client";

import { apiFetch } from "../../_lib/api-fetch";
import { useRouter } from "next/navigation";
import { useState } from "react";

/**
 * One editable parameter of /configuracion: the user types the new value, the screen asks for
 * confirmation showing the current and the new value, then PUT /api/settings/:key; the result
 * (the bitácora entry with before/after values, A30-LOG-10) or the Spanish error is shown.
 */
export interface SettingEditorProps {
  settingKey: string;
  label: string;
  current: string;
  unit?: string | null;
  help?: string | null;
  installationKey?: string | null;
  /** Thresholds are an object: send { [field]: value }. */
  field?: string | null;
  input: "number" | "text" | "list";
  min?: number | null;
  max?: number | null;
  step?: string;
  listId?: string;
  testId: string;
}

interface ChangeResponse {
  change?: { description: string; eventLogId: number; effectiveFrom: string | null; firstCutAt: string | null };
  error?: string;
}

export function SettingEditor(props: SettingEditorProps) {
  const router = useRouter();
  const [value, setValue] = useState(props.current);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const suffix = props.unit && props.unit !== "HH:MM" ? ` ${props.unit}` : "";

  function payloadValue(): unknown {
    const text = value.trim();
    const typed = props.input === "number" && text !== "" && Number.isFinite(Number(text)) ? Number(text) : props.input === "list" ? text.split(",").map((s) => s.trim()).filter(Boolean) : text;
    return props.field ? { [props.field]: typed } : typed;
  }

  function ask() {
    setResult(null);
    if (value.trim() === props.current) {
      setResult({ ok: false, text: "El valor nuevo es igual al actual." });
      return;
    }
    setConfirming(true);
  }

  async function confirm() {
    setBusy(true);
    try {
      const response = await apiFetch(`/api/settings/${encodeURIComponent(props.settingKey)}`, {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ value: payloadValue(), installationKey: props.installationKey ?? undefined }),
      });
      const body = (await response.json().catch(() => ({}))) as ChangeResponse;
      if (!response.ok || !body.change) {
        setResult({ ok: false, text: body.error ?? `Error ${response.status}` });
      } else {
        const when = body.change.firstCutAt ? ` Primer corte con el nuevo valor: ${new Date(body.change.firstCutAt).toLocaleString("es-MX")}.` : "";
        setResult({ ok: true, text: `Cambio guardado y registrado en la bitácora (núm. ${body.change.eventLogId}): ${body.change.description}.${when}` });
        router.refresh();
      }
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  return (
    <div className="settings-editor" data-testid={props.testId}>
      <label>
        <span className="settings-label">{props.label}</span>
        <span className="settings-current">
          Actual: <strong data-testid="setting-current">{props.current}{suffix}</strong>
        </span>
        <input
          type={props.input === "number" ? "number" : "text"}
          value={value}
          min={props.min ?? undefined}
          max={props.max ?? undefined}
          step={props.step}
          list={props.listId}
          disabled={busy || confirming}
          onChange={(e) => setValue(e.target.value)}
          aria-label={props.label}
        />
      </label>
      {props.help ? <p className="settings-help">{props.help}</p> : null}
      {confirming ? (
        <div className="settings-confirm" role="group" aria-label="Confirmación">
          <p>
            ¿Confirma el cambio de «{props.label}»{props.installationKey ? ` de ${props.installationKey}` : ""} de {props.current}
            {suffix} a {value.trim()}
            {suffix}? Quedará registrado en la bitácora con su usuario.
          </p>
          <button type="button" onClick={confirm} disabled={busy}>
            Confirmar
          </button>{" "}
          <button type="button" className="link-button" onClick={() => setConfirming(false)} disabled={busy}>
            Cancelar
          </button>
        </div>
      ) : (
        <button type="button" onClick={ask} disabled={busy}>
          Cambiar
        </button>
      )}
      {result ? (
        <p role={result.ok ? "status" : "alert"} data-testid="setting-result" className={result.ok ? "settings-ok" : "settings-error"}>
          {result.text}
        </p>
      ) : null}
    </div>
  );
}
