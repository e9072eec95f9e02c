"use client";

/** «Imprimir» (A30-ACC-08): the browser's print dialog over the print styles of the preview. */
export function PrintReportButton() {
  return (
    <button type="button" className="users-print no-print" onClick={() => window.print()} data-testid="report-print">
      Imprimir
    </button>
  );
}
