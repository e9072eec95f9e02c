import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cfdiParseCommand } from "../../../../server/cli/cfdi";
import { CliUsageError } from "../../../../server/cli/output";
import { cfdiPath, cfdiText, satCertPath } from "../../../helpers/cfdi-fixtures";

/**
 * `aforo cfdi parse FILE` (design.md §3, A30-CFDI-02/07). The command object is exercised directly
 * (argument parsing with its own option spec, stdout captured), and through the real CLI
 * (server/cli/bin.mjs → tsx → main.ts, like the other CLI tests) once it is wired in COMMANDS;
 * until then those cases skip.
 */
const CONTRACT_KEYS = ["version", "uuid", "fecha", "tipo", "emisor", "receptor", "conceptos", "subTotal", "total", "moneda"];
const CONCEPT_KEYS = ["claveProdServ", "cantidad", "claveUnidad", "valorUnitario", "importe", "descripcion"];

const scratch = mkdtempSync(path.join(tmpdir(), "aforo-cfdi-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
function scratchFile(name: string, content: string | Buffer): string {
  const file = path.join(scratch, name);
  writeFileSync(file, content);
  return file;
}

interface Run {
  code: number;
  out: Record<string, any>;
}

/** Runs the command object as main.ts would: parseArgs with its options, CliUsageError → exit 2. */
async function direct(args: string[]): Promise<Run> {
  const parsed = parseArgs({ args, options: cfdiParseCommand.options, allowPositionals: cfdiParseCommand.allowPositionals ?? false, strict: true });
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    const code = await cfdiParseCommand.run!(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
    return { code, out: JSON.parse(chunks.join("")) };
  } catch (error) {
    if (error instanceof CliUsageError) return { code: 2, out: { error: error.message, usage: cfdiParseCommand.usage } };
    throw error;
  } finally {
    spy.mockRestore();
  }
}

const run = promisify(execFile);
const BIN = path.resolve(__dirname, "../../../../server/cli/bin.mjs");
async function spawned(args: string[]): Promise<Run> {
  try {
    const { stdout } = await run(process.execPath, [BIN, ...args], { timeout: 60_000, env: { ...process.env, DATABASE_URL: "", LOG_LEVEL: "warn" } });
    return { code: 0, out: JSON.parse(stdout) };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, out: JSON.parse(e.stdout) };
  }
}

describe("cfdiParseCommand (called directly)", () => {
  it("prints the design.md contract for cfdi40-real.xml, contract keys first and in order, amounts as exact text", async () => {
    const { code, out } = await direct([cfdiPath("cfdi40-real.xml")]);
    expect(code).toBe(0);
    expect(Object.keys(out).slice(0, CONTRACT_KEYS.length)).toEqual(CONTRACT_KEYS);
    expect(Object.keys(out.emisor)).toEqual(["rfc", "nombre"]);
    expect(Object.keys(out.receptor)).toEqual(["rfc", "nombre"]);
    for (const concepto of out.conceptos) expect(Object.keys(concepto)).toEqual(CONCEPT_KEYS);
    expect(out).toMatchObject({
      version: "4.0",
      uuid: "C2832671-DA6D-11EF-A83D-00155D012007",
      fecha: "2025-01-24T10:10:41",
      tipo: "I",
      emisor: { rfc: "ISD950921HE5", nombre: "PASE, SERVICIOS ELECTRONICOS" },
      receptor: { rfc: "COSC8001137NA", nombre: "CARLOS CORTES SOTO" },
      subTotal: "862.07",
      total: "1000.00",
      moneda: "MXN",
    });
    expect(out.conceptos).toEqual([
      { claveProdServ: "80141628", cantidad: "1.000000", claveUnidad: "E48", valorUnitario: "8.620690", importe: "8.620690", descripcion: "COMISION RECARGA IDMX" },
      { claveProdServ: "95111615", cantidad: "1.000000", claveUnidad: "E54", valorUnitario: "853.448276", importe: "853.448276", descripcion: "RECARGA IDMX" },
    ]);
    expect(out.verificacion.ok).toBe(true);
    expect(out.verificacion.checks.find((c: { id: string }) => c.id === "sello_sat").ok).toBeNull();
  });

  it("--sat-cert verifies the SelloSAT", async () => {
    const { code, out } = await direct([cfdiPath("cfdi40-real.xml"), "--sat-cert", satCertPath("00001000000708361114")]);
    expect(code).toBe(0);
    expect(out.verificacion.checks.find((c: { id: string }) => c.id === "sello_sat")).toMatchObject({ ok: true });
  });

  it("a REP lists its payments and related UUIDs after the contract keys", async () => {
    const { code, out } = await direct([cfdiPath("cfdi33-payment-valid.xml")]);
    expect(code).toBe(0);
    expect(out).toMatchObject({ version: "3.3", tipo: "P", uuid: "9FB6ED1A-5F37-4FEF-980A-7F8C83B51894", subTotal: "0", total: "0", moneda: "XXX" });
    expect(out.pagos.pagos[0].doctosRelacionados[0].uuid).toBe("1A3CD882-EB73-484A-6971-1C2D29C9F264");
  });

  it("an edited Total: exit 0 with «sello inválido» reported, exit 1 with --strict", async () => {
    const file = scratchFile("edited.xml", cfdiText("cfdi40-valid.xml").replace('Total="3327.01"', 'Total="3328.01"'));
    const lenient = await direct([file]);
    expect(lenient.code).toBe(0);
    expect(lenient.out.verificacion.ok).toBe(false);
    expect(lenient.out.verificacion.checks.find((c: { id: string }) => c.id === "sello_cfdi").detail).toContain("sello inválido");
    expect((await direct([file, "--strict"])).code).toBe(1);
  });

  it("hostile, malformed, non-CFDI and unstamped files: exit 2 with {error, code}", async () => {
    const cases: Array<[string, string, string]> = [
      ["dtd.xml", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>`, "DTD no permitido"],
      ["malformed.xml", cfdiText("cfdi40-real.xml").slice(0, 500), "XML mal formado"],
      ["other.xml", '<?xml version="1.0"?><factura/>', "no es un CFDI"],
      ["unstamped.xml", cfdiText("created-cfdi40-pago20-valid.xml"), "CFDI sin timbrar"],
    ];
    for (const [name, content, reason] of cases) {
      const { code, out } = await direct([scratchFile(name, content)]);
      expect(code, name).toBe(2);
      expect(out.error, name).toContain(reason);
      expect(typeof out.code).toBe("string");
    }
  });

  it("an oversized file is refused without loading it all: exit 2 «demasiado grande»", async () => {
    const big = scratchFile("big.xml", Buffer.alloc(6 * 1024 * 1024, 0x20));
    const { code, out } = await direct([big]);
    expect(code).toBe(2);
    expect(out).toMatchObject({ code: "too_large", error: expect.stringContaining("demasiado grande") });
  });

  it("missing or unreadable file, missing argument, unreadable --sat-cert: exit 2", async () => {
    const missing = await direct([path.join(scratch, "no-existe.xml")]);
    expect(missing).toMatchObject({ code: 2, out: { code: "unreadable", error: expect.stringContaining("ENOENT") } });
    expect(await direct([])).toMatchObject({ code: 2, out: { error: expect.stringContaining("indique un archivo XML") } });
    const badCert = await direct([cfdiPath("cfdi40-real.xml"), "--sat-cert", cfdiPath("cfdi40-real.xml")]);
    expect(badCert).toMatchObject({ code: 2, out: { code: "bad_certificate" } });
  });
});

describe("aforo cfdi parse (real CLI process, once wired in COMMANDS)", () => {
  let wired = false;
  beforeAll(async () => {
    const probe = await spawned(["cfdi", "parse", cfdiPath("cfdi40-real.xml")]);
    wired = probe.code === 0 && probe.out.uuid === "C2832671-DA6D-11EF-A83D-00155D012007";
  }, 120_000);

  it("prints the contract JSON for a fixture (exit 0)", async (ctx) => {
    if (!wired) ctx.skip();
    const { code, out } = await spawned(["cfdi", "parse", cfdiPath("cfdi33-real.xml")]);
    expect(code).toBe(0);
    expect(Object.keys(out).slice(0, CONTRACT_KEYS.length)).toEqual(CONTRACT_KEYS);
    expect(out).toMatchObject({ version: "3.3", uuid: "CEE4BE01-ADFA-4DEB-8421-ADD60F0BEDAC", emisor: { rfc: "POT9207213D6" }, receptor: { rfc: "DIM8701081LA" }, total: "2010.01" });
  });

  it("exit 2 «DTD no permitido» for a hostile file", async (ctx) => {
    if (!wired) ctx.skip();
    const file = scratchFile("lol.xml", `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>`);
    const { code, out } = await spawned(["cfdi", "parse", file]);
    expect(code).toBe(2);
    expect(out.error).toContain("DTD no permitido");
  });
});
