import Link from "next/link";

/** 404 in Spanish, without internals. */
export default function NotFound() {
  return (
    <main className="content">
      <section className="settings-forbidden" data-testid="not-found">
        <h1 className="page-title">404 — Página no encontrada</h1>
        <p>La dirección no existe en Aforo.</p>
        <p>
          <Link href="/tablero">Volver al tablero</Link>
        </p>
      </section>
    </main>
  );
}
