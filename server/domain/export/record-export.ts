/**
 * Export of stored record sets as JSON or XML (Anexo 30, 30.6.1.3 II c); issue #6 item 13). Pure:
 * the caller passes the rows. Formats (documented in README):
 *   JSON {"conjunto","desde","hasta","generado","registros","campos":[…],"datos":[{campo: valor}]}
 *   XML  <exportacion conjunto desde hasta generado registros><registro numero="1"><campo nombre="…">valor</campo>…</registro>…</exportacion>
 * Values: text as is, numbers/numeric as their decimal text, instants as ISO 8601 UTC, JSON columns
 * as JSON text in XML; null as `null` (JSON) or an element with nulo="true" (XML).
 */
export const RECORD_SETS = ["operaciones", "acumulados_diarios", "existencias", "perdidas_proceso", "bitacora", "alarmas", "cfdi", "pedimentos", "dictamenes"] as const;
export type RecordSet = (typeof RECORD_SETS)[number];
export type ExportFormat = "json" | "xml";

export interface RecordExport {
  set: RecordSet;
  from: string;
  to: string;
  generatedAt: Date;
  rows: Record<string, unknown>[];
}

function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return value;
}

function xmlEscape(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped (they never come from Aforo's own writers).
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

export function exportRecords(input: RecordExport, format: ExportFormat): { body: string; contentType: string; fileName: string } {
  const fields = input.rows.length > 0 ? Object.keys(input.rows[0]!) : [];
  const fileName = `aforo_${input.set}_${input.from}_${input.to}.${format}`;
  const generated = input.generatedAt.toISOString();
  if (format === "json") {
    const datos = input.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])));
    const body = JSON.stringify({ conjunto: input.set, desde: input.from, hasta: input.to, generado: generated, registros: input.rows.length, campos: fields, datos });
    return { body, contentType: "application/json; charset=utf-8", fileName };
  }
  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<exportacion conjunto="${input.set}" desde="${input.from}" hasta="${input.to}" generado="${generated}" registros="${input.rows.length}">`,
  ];
  input.rows.forEach((row, index) => {
    parts.push(`<registro numero="${index + 1}">`);
    for (const [name, raw] of Object.entries(row)) {
      const value = plain(raw);
      if (value === null || value === undefined) {
        parts.push(`<campo nombre="${xmlEscape(name)}" nulo="true"/>`);
        continue;
      }
      const text = typeof value === "object" ? JSON.stringify(value) : String(value);
      parts.push(`<campo nombre="${xmlEscape(name)}">${xmlEscape(text)}</campo>`);
    }
    parts.push("</registro>");
  });
  parts.push("</exportacion>");
  return { body: parts.join("\n"), contentType: "application/xml; charset=utf-8", fileName };
}
