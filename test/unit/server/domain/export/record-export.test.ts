import { describe, expect, it } from "vitest";
import { exportRecords } from "../../../../../server/domain/export/record-export";

const rows = [
  { id: 1, number: "7", time: new Date("2026-11-02T16:00:00Z"), description: 'Entrega <"A&B">', details: { a: 1 }, user_id: null },
  { id: 2, number: "8", time: new Date("2026-11-02T17:00:00Z"), description: "ok\u0001", details: null, user_id: 3 },
];
const base = { set: "bitacora" as const, from: "2026-11-01", to: "2026-11-30", generatedAt: new Date("2026-12-01T00:00:00Z"), rows };

describe("export of stored record sets (30.6.1.3 II c), issue #6 item 13", () => {
  it("JSON: set, period, count, field list and the rows with ISO instants", () => {
    const out = exportRecords(base, "json");
    expect(out.fileName).toBe("aforo_bitacora_2026-11-01_2026-11-30.json");
    const parsed = JSON.parse(out.body);
    expect(parsed).toMatchObject({ conjunto: "bitacora", desde: "2026-11-01", hasta: "2026-11-30", generado: "2026-12-01T00:00:00.000Z", registros: 2 });
    expect(parsed.campos).toEqual(["id", "number", "time", "description", "details", "user_id"]);
    expect(parsed.datos[0]).toEqual({ id: 1, number: "7", time: "2026-11-02T16:00:00.000Z", description: 'Entrega <"A&B">', details: { a: 1 }, user_id: null });
  });

  it("XML: escaped values, JSON columns as JSON text, nulls marked, control characters dropped", () => {
    const out = exportRecords(base, "xml");
    expect(out.contentType).toBe("application/xml; charset=utf-8");
    expect(out.body).toContain('<exportacion conjunto="bitacora" desde="2026-11-01" hasta="2026-11-30" generado="2026-12-01T00:00:00.000Z" registros="2">');
    expect(out.body).toContain('<campo nombre="description">Entrega &lt;&quot;A&amp;B&quot;&gt;</campo>');
    expect(out.body).toContain('<campo nombre="details">{&quot;a&quot;:1}</campo>');
    expect(out.body).toContain('<campo nombre="user_id" nulo="true"/>');
    expect(out.body).toContain('<campo nombre="description">ok</campo>');
    expect(out.body.trim().endsWith("</exportacion>")).toBe(true);
  });
});
