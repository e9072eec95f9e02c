import { renderToStaticMarkup } from "react-dom/server";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CertificateView } from "../../../../../server/services/csd/certificates";

/**
 * /certificados (A30-CSD-03, A30-ACC-03): Administrador only; the table columns of SAT's
 * e-invoicing services; the install form with labelled inputs (Playwright finds them by label).
 */
const state = vi.hoisted(() => ({
  role: "administrador" as string,
  certificates: [] as unknown[],
  notice: { level: "none" } as unknown,
}));

vi.mock("next/navigation", () => ({
  forbidden: () => {
    throw new Error("FORBIDDEN");
  },
  redirect: (to: string) => {
    throw new Error(`REDIRECT ${to}`);
  },
  useRouter: () => ({ refresh: () => undefined }),
}));
vi.mock("../../../../../server/http/auth", () => ({ auth: async () => ({ user: { id: "1", username: "u", role: state.role } }) }));
vi.mock("../../../../../server/http/runtime", () => ({ getRuntime: () => ({ db: {}, clock: { now: () => new Date("2026-12-01T00:00:00Z") } }) }));
vi.mock("../../../../../server/services/csd/index", () => ({
  listCertificates: async () => state.certificates,
  activeCertificateNotice: async () => state.notice,
}));

const { default: CertificatesPage } = await import("../../../../../app/(panel)/certificados/page");

const view = (over: Partial<CertificateView>): CertificateView => ({
  id: 1,
  taxpayerId: 1,
  taxpayerRfc: "EKU9003173C9",
  noCertificado: "30001000000500003416",
  rfc: "EKU9003173C9",
  subjectName: "ESCUELA KEMPER URGATE SA DE CV",
  issuerName: "AC UAT (SERVICIO DE ADMINISTRACION TRIBUTARIA)",
  validFrom: "2023-05-18T11:43:51.000Z",
  validTo: "2027-05-18T11:43:51.000Z",
  type: "CSD",
  status: "active",
  statusLabel: "Activo",
  statusInfo: null,
  statusChangedAt: "2026-12-01T00:00:00.000Z",
  storedStatus: "active",
  installedAt: "2026-12-01T00:00:00.000Z",
  installedBy: "admin",
  isTest: true,
  ...over,
});

async function render(): Promise<string> {
  return renderToStaticMarkup(await CertificatesPage());
}

beforeEach(() => {
  state.role = "administrador";
  state.certificates = [];
  state.notice = { level: "none" };
});

describe("/certificados", () => {
  it.each(["supervisor", "operador", "auditor_fiscal"])("%s gets the 403 page", async (role) => {
    state.role = role;
    await expect(CertificatesPage()).rejects.toThrow("FORBIDDEN");
  });

  it("the install form: labelled inputs cer, key, password and the button «Instalar certificado»", async () => {
    const html = await render();
    for (const [id, name, label] of [
      ["csd-cer", "cer", "Certificado (.cer)"],
      ["csd-key", "key", "Llave privada (.key)"],
      ["csd-password", "password", "Contraseña de la llave privada"],
    ]) {
      expect(html).toContain(`<label for="${id}">${label}</label>`);
      const input = new RegExp(`<input id="${id}"[^>]*>`).exec(html)?.[0] ?? "";
      expect(input).toContain(`name="${name}"`);
      expect(input).toContain(name === "password" ? 'type="password"' : 'type="file"');
      expect(input).toContain('required=""');
    }
    expect(html).toContain(">Instalar certificado</button>");
    expect(html).toContain('data-testid="csd-none-active"');
    expect(html).toContain("Todavía no se ha instalado ningún certificado.");
  });

  it("the list: columns and one row per certificate with state, info and the PRUEBAS badge", async () => {
    state.certificates = [
      view({ id: 2, noCertificado: "30001000000500003317" }),
      view({ id: 1, noCertificado: "30001000000500003316", status: "replaced", statusLabel: "Inactivo", statusInfo: "sustituido por 30001000000500003317", storedStatus: "replaced" }),
    ];
    const html = await render();
    const headers = [...html.matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((m) => m[1]);
    expect(headers).toEqual(["Fecha de alta", "Vigencia desde", "Vigencia hasta", "Sujeto", "Emisor", "No. de certificado", "Tipo", "Estado", "Fecha de estado"]);
    expect(html).toContain('data-certificate="30001000000500003317" data-status="active"');
    expect(html).toContain('data-certificate="30001000000500003316" data-status="replaced"');
    expect(html).toContain("(sustituido por 30001000000500003317)");
    expect(html).toContain(">PRUEBAS</span>");
    expect(html).toContain("<code>30001000000500003316</code>");
    expect(html).toContain("Certificados instalados (2)");
    expect(html).not.toContain('data-testid="csd-none-active"');
  });

  it("A30-CSD-05: shows the expiry warning", async () => {
    state.certificates = [view({})];
    state.notice = { level: "warning", daysLeft: 29, message: "El CSD activo 30001000000500003416 vence en 29 días: tramite uno nuevo" };
    const html = await render();
    expect(html).toContain('data-testid="csd-expiry-notice"');
    expect(html).toContain("vence en 29 días");
  });
});
