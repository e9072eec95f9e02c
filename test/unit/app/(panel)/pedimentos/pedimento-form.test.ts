import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";

vi.mock("next/navigation", () => ({ useRouter: () => ({ refresh() {} }) }));

const { PedimentoForm } = await import("../../../../../app/(panel)/pedimentos/pedimento-form");
const { PedimentoActions } = await import("../../../../../app/(panel)/pedimentos/pedimento-actions");
const { TRANSPORT_MEANS } = await import("../../../../../server/domain/pedimentos/index");
const { INCOTERMS } = await import("../../../../../db/schema/enums");

function unlabelledControls(html: string): string[] {
  const labelled = new Set([...html.matchAll(/<label[^>]*\bfor="([^"]+)"/g)].map((m) => m[1]));
  return [...html.matchAll(/<(input|select|textarea)\b([^>]*)>/g)]
    .map(([tag, , attrs]) => ({ tag, id: /\bid="([^"]+)"/.exec(attrs!)?.[1] }))
    .filter((c) => !c.id || !labelled.has(c.id))
    .map((c) => c.tag!);
}

describe("Pedimentos — capture, link and correction forms (A30-PED-02…07)", () => {
  it("offers the SAT transport means and Incoterms (DPU reported as DAT) and labels every control", () => {
    const html = renderToStaticMarkup(createElement(PedimentoForm, { installations: ["TDA-0001"], products: [{ key: "PR07", name: "Gasolina" }], transportMeans: TRANSPORT_MEANS, incoterms: INCOTERMS }));
    expect(html).toContain("8 · Tubería");
    expect(html).toContain("DPU (se reporta como DAT)");
    expect(html).toContain("Número de pedimento");
    expect(unlabelledControls(html)).toEqual([]);
  });

  it("the link/correction panel lists what can be linked and labels every control", () => {
    const html = renderToStaticMarkup(
      createElement(PedimentoActions, {
        pedimentoId: 3,
        number: "26  47  3456  6001234",
        unitLabel: "L",
        candidates: [{ id: 9, label: "Recepción 4 · TDA-0001" }],
        linked: [{ operationId: 8, label: "Recepción 3 (20,000.000)" }],
        current: { date: "2026-11-20", incoterm: "FOB", tariffFraction: "2710.12.99-05", volume: 60000, customsValueMxn: null },
        incoterms: INCOTERMS,
      }),
    );
    expect(html).toContain("Recepción 4 · TDA-0001");
    expect(html).toContain("Desvincular");
    expect(html).toContain("Motivo de la corrección");
    expect(unlabelledControls(html)).toEqual([]);
  });
});
