"use client";

/** «Imprimir» (A30-ACC-08): the browser's print dialog; the print CSS leaves only the document. */
export function PrintButton({ label = "Imprimir" }: { label?: string }) {
  return (
    <button type="button" className="users-print no-print" onClick={() => window.print()}>
      {label}
    </button>
  );
}
