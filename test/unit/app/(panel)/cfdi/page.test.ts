import { renderToStaticMarkup } from "react-dom/server";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CfdiDetail, CfdiFilter, CfdiListItem, OperationCfdi, OperationWithoutCfdi } from "../../../../../server/services/cfdi/index";

/**
 * /cfdi (issue #6 items 1 and 3): the upload form for profiles with captureFiscalData, the list
 * with verification badge and linked operations or "sin vincular", the detail with manual
 * link/unlink, and «Operaciones sin CFDI»; plus the operation's CFDI component.
 */
const state = vi.hoisted(() => ({
  role: "supervisor" as string,
  items: [] as unknown[],
  without: [] as unknown[],
  detail: null as unknown,
  filters: [] as unknown[],
  operationCfdi: [] as unknown[],
}));

vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw new Error(`REDIRECT ${to}`);
  },
  useRouter: () => ({ refresh: () => undefined }),
}));
vi.mock("../../../../../server/http/auth", () => ({ auth: async () => (state.role ? { user: { id: "1", username: "u", role: state.role } } : null) }));
vi.mock("../../../../../server/http/runtime", () => ({ getRuntime: () => ({ db: {}, clock: { now: () => new Date("2026-11-05T18:00:00Z") } }) }));
vi.mock("../../../../../server/services/cfdi/index", () => ({
  listCfdi: async (_db: unknown, filter: CfdiFilter) => {
    state.filters.push(filter);
    return state.items;
  },
  listOperationsWithoutCfdi: async () => state.without,
  getCfdiDetail: async () => state.detail,
  cfdiForOperation: async () => state.operationCfdi,
}));

const { default: CfdiPage } = await import("../../../../../app/(panel)/cfdi/page");
const { OperationCfdi } = await import("../../../../../app/(panel)/cfdi/operation-cfdi");

const UUID = "A0000000-0000-4000-8000-000000000001";
const item = (over: Partial<CfdiListItem> = {}): CfdiListItem => ({
  id: 1,
  uuid: UUID,
  version: "4.0",
  type: "I",
  purpose: "acquisition",
  direction: "received",
  issuedAt: "2026-10-31T16:00:00.000Z",
  issueDate: "2026-10-31",
  series: null,
  folio: null,
  issuerRfc: "GPA200101NL1",
  issuerName: "GASOLINERA PROVEEDORA",
  receiverRfc: "EKU9003173C9",
  receiverName: "ESCUELA KEMPER URGATE",
  subtotal: "430069.12",
  total: "430069.12",
  currency: "MXN",
  amountDecimals: 2,
  status: "vigente",
  volumes: [{ unit: "UM03", volume: 20_000 }],
  verification: { ok: false, failed: [{ id: "sello_cfdi", detail: "sello inválido: el Sello no corresponde" }] },
  links: [],
  importedAt: "2026-11-05T18:00:00.000Z",
  importedBy: "supervisor",
  ...over,
});
const link = {
  linkId: 7,
  operationId: 42,
  operationNumber: 12,
  operationType: "reception" as const,
  installationKey: "EDS-0001",
  element: "TQS-EDS-0001",
  operationEndAt: "2026-11-01T16:00:00.000Z",
  volumeLinked: 20_000,
  unit: "UM03",
  suggested: true,
  linkedAt: "2026-11-05T18:00:00.000Z",
  linkedBy: "sistema",
  unlinkedAt: null,
  unlinkedBy: null,
};
const operation: OperationWithoutCfdi = {
  id: 43,
  number: 13,
  version: 1,
  type: "reception",
  installationKey: "EDS-0001",
  element: "TQS-EDS-0002",
  startAt: "2026-11-02T15:00:00.000Z",
  endAt: "2026-11-02T16:00:00.000Z",
  netVolume: 15_000,
  unit: "UM03",
  productKey: "PR07",
  counterpartyRfc: null,
  counterpartyName: null,
  status: "incomplete",
};

async function render(params: Record<string, string> = {}): Promise<string> {
  return renderToStaticMarkup(await CfdiPage({ searchParams: Promise.resolve(params) }));
}

beforeEach(() => {
  state.role = "supervisor";
  state.items = [];
  state.without = [];
  state.detail = null;
  state.filters = [];
  state.operationCfdi = [];
});

describe("/cfdi", () => {
  it("Supervisor and Administrador get the upload form: «Archivos XML de CFDI» (file, multiple, .xml) and «Importar CFDI»", async () => {
    for (const role of ["supervisor", "administrador"]) {
      state.role = role;
      const html = await render();
      expect(html).toContain('<label for="cfdi-files">Archivos XML de CFDI</label>');
      const input = /<input id="cfdi-files"[^>]*>/.exec(html)?.[0] ?? "";
      expect(input).toContain('type="file"');
      expect(input).toContain('name="files"');
      expect(input).toContain('multiple=""');
      expect(input).toContain('accept=".xml"');
      expect(html).toContain(">Importar CFDI</button>");
      expect(html).toContain('<h1 class="page-title">CFDI</h1>');
    }
  });

  it.each(["operador", "auditor_fiscal"])("%s reads the list but gets no upload form and no link controls", async (role) => {
    state.role = role;
    state.items = [item({ links: [link] })];
    state.detail = { ...item({ links: [link] }), linkHistory: [link], suggestions: [], concepts: [], related: [], paidBy: [], verificationReport: null, cancellation: { code: null, message: null, changedAt: null } } as unknown as CfdiDetail;
    const html = await render({ detalle: "1" });
    expect(html).not.toContain("cfdi-upload-form");
    expect(html).not.toContain(">Desvincular</button>");
    expect(html).not.toContain(">Vincular CFDI</button>");
    // A30-CFDI-06: only the capture profiles record a CFDI's status.
    expect(html).not.toContain("cfdi-status-form");
    expect(html).toContain(`data-uuid="${UUID}"`);
  });

  it("not signed in → log-in page", async () => {
    state.role = "";
    await expect(render()).rejects.toThrow("REDIRECT /login");
  });

  it("the list: UUID, tipo, fecha, emisor, receptor, total, volumen, verification badge and 'sin vincular' or the linked operation", async () => {
    state.items = [item(), item({ id: 2, uuid: "A0000000-0000-4000-8000-000000000002", links: [link], verification: { ok: true, failed: [] } })];
    const html = await render();
    const headers = [...html.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1]).slice(0, 10);
    expect(headers).toEqual(["UUID", "Tipo", "Fecha", "Emisor", "Receptor", "Total", "Volumen", "Verificación", "Operaciones", "Detalle"]);
    expect(html).toContain(`<code>${UUID}</code>`);
    expect(html).toContain("Ingreso · Adquisición");
    expect(html).toContain("430,069.12 MXN");
    expect(html).toContain("20,000.000 L");
    expect(html).toContain("con fallas (1)");
    expect(html).toContain(">verificado</span>");
    expect(html).toContain('<span class="cfdi-unlinked">sin vincular</span>');
    expect(html).toContain('href="/operaciones?detalle=42"');
    expect(html).toContain("Recepción 12 · EDS-0001");
  });

  it("filters: Spanish query parameters become the service filter; an invalid date is reported", async () => {
    await render({ direccion: "recibidos", vinculacion: "sin-vincular", rfc: "gpa200101nl1", desde: "2026-10-01", hasta: "2026-10-31" });
    expect(state.filters.at(-1)).toEqual({ direction: "received", link: "unmatched", rfc: "GPA200101NL1", from: "2026-10-01", to: "2026-10-31", limit: 300 });
    const html = await render({ desde: "2026-02-30" });
    expect(html).toContain("Filtro inválido");
    expect(state.filters.at(-1)).toEqual({ limit: 300 });
  });

  it("the detail: concepts, verification checks, active link with «Desvincular» (reason) and suggestions with «Vincular»", async () => {
    state.items = [item({ links: [link] })];
    state.detail = {
      ...item({ links: [link] }),
      stampedAt: null,
      exchangeRate: null,
      discount: null,
      serviceDescription: null,
      cancellation: { code: null, message: null, changedAt: null },
      xmlSha256: "a".repeat(64),
      fileName: "gpa.xml",
      concepts: [{ position: 1, productServiceKey: "15101514", description: "Gasolina", quantity: "20000", unitKey: "LTR", unitPrice: "21.503456", amount: "430069.12", discount: null, volume: 20_000, volumeUnit: "UM03", productKey: "PR07" }],
      related: [],
      paidBy: [],
      verificationReport: { ok: false, checks: [{ id: "sello_cfdi", ok: false, detail: "sello inválido: el Sello no corresponde" }], notVerified: ["estado ante el SAT"], verifiedAt: null },
      linkHistory: [link, { ...link, linkId: 6, operationId: 41, operationNumber: 11, unlinkedAt: "2026-11-05T18:00:00.000Z", unlinkedBy: "supervisor" }],
      suggestions: [{ cfdiId: 1, operationId: 43, rfcMatch: false, dayDifference: 2, volumeDifferenceL: 0, volumeDifferencePct: 0, score: 0.7, reason: "la operación no tiene RFC de contraparte", operationNumber: 13, installationKey: "EDS-0001", operationType: "reception", endAt: "2026-11-02T16:00:00.000Z", netVolume: 15_000, unit: "UM03", counterpartyRfc: null }],
    } satisfies CfdiDetail;
    state.without = [operation];
    const html = await render({ detalle: "1" });
    expect(html).toContain('data-testid="cfdi-detail"');
    expect(html).toContain("21.503456");
    expect(html).toContain("sello inválido: el Sello no corresponde");
    expect(html).toContain(">Desvincular</button>");
    expect(html).toContain('placeholder="Motivo de la desvinculación"');
    expect(html).toContain("Vínculos deshechos");
    expect(html).toContain('aria-label="Vincular a la operación 13"');
    expect(html).toContain(">Vincular CFDI</button>");
    // A30-CFDI-06: the status form (PAC codes) for a CFDI that is not cancelled.
    expect(html).toContain('data-testid="cfdi-status-form"');
    expect(html).toContain(">Registrar estado</button>");
    // «Operaciones sin CFDI» offers to link each one to the open CFDI.
    expect(html).toContain('aria-label="Vincular el CFDI A0000000-0000-4000-8000-000000000001 a la operación 13"');
  });

  it("«Operaciones sin CFDI» lists the operations without CFDI", async () => {
    state.without = [operation];
    const html = await render();
    expect(html).toContain('<h2 id="cfdi-sin-cfdi">Operaciones sin CFDI</h2>');
    expect(html).toContain('data-operation="13"');
    expect(html).toContain("TQS-EDS-0002");
    state.without = [];
    expect(await render()).toContain("Todas las operaciones tienen CFDI.");
  });

  it("OperationCfdi shows an operation's CFDI (cancelled ones flagged) or 'Sin CFDI vinculado'", async () => {
    expect(renderToStaticMarkup(await OperationCfdi({ operationId: 42 }))).toContain("Sin CFDI vinculado.");
    const base: OperationCfdi = {
      linkId: 7,
      cfdiId: 1,
      uuid: UUID,
      type: "I",
      purpose: "acquisition",
      issuerRfc: "GPA200101NL1",
      receiverRfc: "EKU9003173C9",
      issuedAt: "2026-10-31T16:00:00.000Z",
      total: "430069.12",
      currency: "MXN",
      status: "cancelado",
      volumeLinked: 20_000,
      unit: "UM03",
      suggested: true,
      linkedAt: "2026-11-05T18:00:00.000Z",
      linkedBy: "sistema",
      unlinkedAt: null,
      unlinkedBy: null,
    };
    state.operationCfdi = [base, { ...base, linkId: 8, uuid: "B0000000-0000-4000-8000-000000000002", status: "vigente", unlinkedAt: "2026-11-05T18:00:00.000Z", unlinkedBy: "supervisor" }];
    const html = renderToStaticMarkup(await OperationCfdi({ operationId: 42 }));
    expect(html).toContain(`href="/cfdi?detalle=1"`);
    expect(html).toContain("CFDI cancelado");
    expect(html).toContain("Vinculado 20,000.000 L (automático, sistema)");
    expect(html).toContain("Desvinculados:");
  });
});
