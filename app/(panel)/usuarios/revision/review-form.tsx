"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { sendJson } from "../user-api";

/** «Registrar revisión» (A30-SEC-04): records the review with optional notes; one bitácora entry. */
export function ReviewForm() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const notes = String(new FormData(form).get("notes") ?? "").trim();
    setBusy(true);
    setOutcome(null);
    const answer = await sendJson<{ eventLogId: number; review: { usersReviewed: number } }>("/api/access-review", "POST", notes ? { notes } : {});
    setBusy(false);
    if (!answer.ok) {
      setOutcome({ ok: false, text: answer.error });
      return;
    }
    setOutcome({
      ok: true,
      text: `Revisión registrada: ${answer.data.review.usersReviewed} cuentas revisadas; quedó en la bitácora (núm. ${answer.data.eventLogId}).`,
    });
    form.reset();
    router.refresh();
  }

  return (
    <form className="users-form users-review-form" onSubmit={submit}>
      <div className="users-field users-wide">
        <label htmlFor="notas-revision">Notas de la revisión</label>
        <textarea
          id="notas-revision"
          name="notes"
          rows={3}
          maxLength={2000}
          placeholder="Hallazgos y acciones: cuentas desactivadas, perfiles ajustados, accesos de otros activos tecnológicos revisados…"
        />
      </div>
      <button type="submit" disabled={busy}>
        {busy ? "Registrando…" : "Registrar revisión"}
      </button>
      {outcome ? (
        <p role={outcome.ok ? "status" : "alert"} className={outcome.ok ? "settings-ok" : "settings-error"} data-testid="review-result">
          {outcome.text}
        </p>
      ) : null}
    </form>
  );
}
