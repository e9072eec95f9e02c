import { renderToStaticMarkup } from "react-dom/server";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ReportDetail, ReportView } from "../../../../../server/services/sat-reports/downloads";

/**
 * /reportes and /reportes/[id] (issue #6 item 12, A30-ACC-08): Administrador, Supervisor and
 * Auditor Fiscal; the Operador gets the 403 page on both. The generate form only for the writers
 * (captureFiscalData); the preview in Spanish with «Imprimir».
 */
const state = vi.hoisted(() => ({ role: "administrador" as string, reports: [] as unknown[], detail: null as unknown }));

vi.mock("next/navigation", () => ({
  forbidden: () => {
    throw new Error("FORBIDDEN");
  },
  notFound: () => {
    throw new Error("NOT_FOUND");
  },
  redirect: (to: string) => {
    throw new Error(`REDIRECT ${to}`);
  },
  useRouter: () => ({ refresh: () => undefined }),
}));
vi.mock("../../../../../server/http/auth", () => ({ auth: async () => ({ user: { id: "1", username: "u", role: state.role } }) }));
vi.mock("../../../../../server/http/runtime", () => ({
  getRuntime: () => ({ db: { query: async () => [{ key: "EDS-0001", description: "Estación" }] }, clock: { now: () => new Date("2026-11-20T18:00:00Z") } }),
}));
vi.mock("../../../../../server/services/sat-reports/downloads", () => ({
  listReports: async () => state.reports,
  getReportDetail: async () => state.detail,
}));

const { default: ReportsPage } = await import("../../../../../app/(panel)/reportes/page");
const { default: ReportPreviewPage } = await import("../../../../../app/(panel)/reportes/[id]/page");

const view: ReportView = {
  id: 7,
  kind: "daily",
  installationKey: "EDS-0001",
  periodStart: "2026-11-19",
  periodEnd: "2026-11-19",
  version: 2,
  superseded: false,
  fileName: "D_x_EKU9003173C9_AFO260101AB1_2026-11-19_EDS-0001_EXO_JSON.zip",
  sha256: "ab".repeat(32),
  status: "sealed",
  sealed: true,
  isTest: true,
  noCertificado: "30001000000500003416",
  createdAt: "2026-11-20T18:04:00.000Z",
  createdBy: "admin",
  hasPackage: true,
};
const detail: ReportDetail = {
  ...view,
  installationDescription: "Estación de servicio",
  preview: {
    installationKey: "EDS-0001",
    installationDescription: "Estación de servicio",
    taxpayerRfc: "EKU9003173C9",
    providerRfc: "AFO260101AB1",
    cutAt: "2026-11-20T00:00:00-06:00",
    products: [
      { productKey: "PR07", subProductKey: "SP16", unit: "UM03", openingStock: 1000, closingStock: 900.5, receptions: { count: 1, volume: 500 }, deliveries: { count: 40, volume: 599.5 }, recordCount: 41, tankCount: 1 },
    ],
    bitacoraCount: 12,
  },
};
const params = { params: Promise.resolve({ id: "7" }) };

beforeEach(() => {
  state.role = "administrador";
  state.reports = [view];
  state.detail = detail;
});

describe("/reportes (A30-ACC-08)", () => {
  it("the Operador gets the 403 page on the list and on the print view", async () => {
    state.role = "operador";
    await expect(ReportsPage()).rejects.toThrow("FORBIDDEN");
    await expect(ReportPreviewPage(params)).rejects.toThrow("FORBIDDEN");
  });

  it("Administrador: the generate form and the list with SHA-256, state and downloads", async () => {
    const html = renderToStaticMarkup(await ReportsPage());
    expect(html).toContain("Reportes SAT");
    expect(html).toContain('data-testid="report-generate-form"');
    expect(html).toContain(`<code title="${view.sha256}">abababababab…</code>`);
    expect(html).toContain(">Sellado</span>");
    expect(html).toContain(">PRUEBAS</span>");
    for (const file of ["json", "zip", "sig"]) expect(html).toContain(`href="/api/reports/7/download?file=${file}"`);
    expect(html).toContain("Registrar envío al SAT");
  });

  it("Auditor Fiscal: the list and downloads, no generate form nor writer actions", async () => {
    state.role = "auditor_fiscal";
    const html = renderToStaticMarkup(await ReportsPage());
    expect(html).not.toContain('data-testid="report-generate-form"');
    expect(html).not.toContain("Registrar envío al SAT");
    expect(html).toContain('href="/api/reports/7/download?file=zip"');
  });

  it.each(["administrador", "supervisor", "auditor_fiscal"])("%s: the Spanish preview with «Imprimir»", async (role) => {
    state.role = role;
    const html = renderToStaticMarkup(await ReportPreviewPage(params));
    expect(html).toContain("Reporte diario 2026-11-19 — EDS-0001");
    expect(html).toContain("Existencia inicial");
    expect(html).toContain("Existencia final");
    expect(html).toContain("Número de registros");
    expect(html).toContain("1,000.000");
    expect(html).toContain("900.500");
    expect(html).toContain('data-testid="report-bitacora-count">12<');
    expect(html).toContain(">Imprimir</button>");
  });

  it("unknown or malformed id → not found", async () => {
    state.detail = null;
    await expect(ReportPreviewPage(params)).rejects.toThrow("NOT_FOUND");
    await expect(ReportPreviewPage({ params: Promise.resolve({ id: "../x" }) })).rejects.toThrow("NOT_FOUND");
  });
});
