import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";

vi.mock("next/navigation", () => ({ useRouter: () => ({ refresh() {} }) }));

const { DictamenForm, NonFossilFields } = await import("../../../../../app/(panel)/calidad/dictamen-form");
const { DictamenImportForm } = await import("../../../../../app/(panel)/calidad/dictamen-import-form");
const { PendingOperations } = await import("../../../../../app/(panel)/calidad/pending-operations");
const { NON_FOSSIL_DEFINITION } = await import("../../../../../server/domain/quality/product-data");

const installations = [{ key: "EDS-0001", activityFraction: "VI", tanks: [{ key: "TQS-EDS-0001", productKey: "PR07" }] }];
const products = [
  { key: "PR03", name: "Diésel" },
  { key: "PR07", name: "Gasolina" },
];

/** Every input/select/textarea has an id named by a <label for>, except hidden inputs and checkboxes labelled the same way. */
function unlabelledControls(html: string): string[] {
  const labelled = new Set([...html.matchAll(/<label[^>]*\bfor="([^"]+)"/g)].map((m) => m[1]));
  return [...html.matchAll(/<(input|select|textarea)\b([^>]*)>/g)]
    .filter(([, , attrs]) => !/type="hidden"/.test(attrs!))
    .map(([tag, , attrs]) => ({ tag, id: /\bid="([^"]+)"/.exec(attrs!)?.[1] }))
    .filter((c) => !c.id || !labelled.has(c.id))
    .map((c) => c.tag!);
}

describe("Calidad del producto — capture forms (A30-TYP-09, A32-01)", () => {
  it("A30-TYP-09: the non-fossil fields carry the definition as their help text (aria-describedby)", () => {
    const html = renderToStaticMarkup(createElement(NonFossilFields, { idPrefix: "x", fame: false }));
    expect(html).toContain(NON_FOSSIL_DEFINITION);
    expect(html).toContain('aria-describedby="x-nf-ayuda"');
    expect(html).toMatch(/<p id="x-nf-ayuda"[^>]*>Combustible no fósil: el combustible o el componente de un combustible que no se obtiene o deriva de un proceso de destilación del petróleo crudo o del procesamiento de gas natural/);
  });

  it("A30-STO-02: in correction mode the form says so, asks for the reason and starts on the dictamen's product (diesel here), every control labelled", () => {
    const html = renderToStaticMarkup(
      createElement(DictamenForm, {
        installations,
        products,
        lotKinds: { tank: "Producto en un tanque" },
        correction: { id: 7, version: 1, folio: "EVA9612104R6000072026", initial: { installationKey: "EDS-0001", productKey: "PR03", folio: "EVA9612104R6000072026", containsNonFossil: false } },
      }),
    );
    expect(html).toContain("Corregir el dictamen EVA9612104R6000072026 (versión 1)");
    expect(html).toContain('aria-label="Corregir dictamen"');
    expect(html).toContain("Motivo de la corrección");
    expect(html).toMatch(/<option value="PR03" selected="">/);
    expect(unlabelledControls(html)).toEqual([]);
  });

  it("the dictamen form (gasoline by default) shows the definition and labels every control", () => {
    const html = renderToStaticMarkup(createElement(DictamenForm, { installations, products, lotKinds: { tank: "Producto en un tanque" } }));
    expect(html).toContain(NON_FOSSIL_DEFINITION);
    expect(html).toContain("Datos del producto (XVI): Gasolinas");
    for (const label of ["Número de lote (XII)", "Folio (VII)", "RFC del laboratorio (II)", "Fecha de muestreo (IX)", "Índice de octano (RON + MON)/2"]) expect(html).toContain(label);
    expect(unlabelledControls(html)).toEqual([]);
    // Natural gas: the composition table (A30-TYP-04) with a label per cell; MJ/m³ preselected for fraction VI (A30-TYP-05).
    const gas = renderToStaticMarkup(createElement(DictamenForm, { installations, products: [{ key: "PR09", name: "Gas Natural" }], lotKinds: {} }));
    expect(gas).toContain("Fracción molar de n-Butano");
    expect(gas).toMatch(/<option value="MJ\/m3" selected="">/);
    expect(gas).not.toContain(NON_FOSSIL_DEFINITION);
    expect(unlabelledControls(gas)).toEqual([]);
    const inputs = [...html.matchAll(/<input\b/g)].length;
    expect(inputs).toBeGreaterThan(20);
  });

  it("the DI- import form and the pending list label their controls", () => {
    expect(unlabelledControls(renderToStaticMarkup(createElement(DictamenImportForm, { installations, lotKinds: { tank: "Producto en un tanque" } })))).toEqual([]);
    const pending = renderToStaticMarkup(
      createElement(PendingOperations, {
        rows: [{ id: 7, installation: "EDS-0001", number: 12, type: "reception", element: "TQS-EDS-0001", productKey: "PR07", endLabel: "25/11/26 09:00", volumeLabel: "20,000.000 L", lotKey: null, lotHasQuality: false }],
        total: 1,
        lots: [{ id: 1, key: "L-2026-0001", installation: "EDS-0001", productKey: "PR07", hasQuality: true }],
        canLink: true,
      }),
    );
    expect(pending).toContain("1 operación(es) sin datos de calidad aplicables");
    expect(unlabelledControls(pending)).toEqual([]);
    const readOnly = renderToStaticMarkup(createElement(PendingOperations, { rows: [], total: 0, lots: [], canLink: false }));
    expect(readOnly).toContain("No hay operaciones pendientes de tipo de producto.");
    expect(readOnly).not.toContain("<form");
  });
});
