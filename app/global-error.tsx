"use client";

/** Last-resort error page when the root layout itself fails (A30-SEC-15: no internals shown). */
export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="es-MX">
      <body>
        <main style={{ fontFamily: "system-ui, sans-serif", padding: "2rem" }}>
          <h1>Ocurrió un error</h1>
          <p>No se pudo mostrar la página. Ningún dato registrado se perdió. Intente de nuevo más tarde.</p>
          {error.digest ? <p>Referencia: {error.digest}</p> : null}
        </main>
      </body>
    </html>
  );
}
