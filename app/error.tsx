"use client";

/**
 * Generic error page (A30-SEC-15: error handling without leaking internals): the details stay in
 * the server log and the security log; the person sees a reference and what to do.
 */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="content">
      <section className="settings-forbidden" data-testid="error-page">
        <h1 className="page-title">Ocurrió un error</h1>
        <p>No se pudo completar la operación. Ningún dato registrado se perdió. Intente de nuevo; si el problema continúa, avise al administrador.</p>
        {error.digest ? <p className="muted">Referencia: {error.digest}</p> : null}
        <button type="button" onClick={() => reset()}>
          Intentar de nuevo
        </button>
      </section>
    </main>
  );
}
