import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CliUsageError, EXIT_BAD_INPUT } from "../../../../server/cli/output";
import { reportVerifyCommand } from "../../../../server/cli/report-verify";
import { openEncryptedPrivateKey, signDetachedCms } from "../../../../server/domain/csd/index";
import { certificatePem, FIXTURE_PASSWORD, pair } from "../../../helpers/csd-fixtures";

/** `aforo report verify <args>` as server/cli/main.ts runs it (CliUsageError → exit 2), capturing stdout. */
async function run(args: string[]): Promise<{ code: number; output: Record<string, unknown> | null }> {
  const parsed = parseArgs({ args, options: reportVerifyCommand.options, allowPositionals: reportVerifyCommand.allowPositionals ?? false, strict: true });
  let stdout = "";
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    const code = await reportVerifyCommand.run!(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
    return { code, output: JSON.parse(stdout) as Record<string, unknown> };
  } catch (error) {
    if (error instanceof CliUsageError) return { code: EXIT_BAD_INPUT, output: { error: error.message } };
    throw error;
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("aforo report verify FILE.zip SIG [--cert FILE.cer] (A30-RPT-03, issue #6 item 10)", () => {
  let dir: string;
  const eku = pair("ekuCsd");
  const file = (name: string) => path.join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "aforo-report-verify-"));
    const opened = openEncryptedPrivateKey(eku.key, FIXTURE_PASSWORD);
    if (!opened.ok) throw new Error(opened.reason);
    const zip = Buffer.from("PK\u0003\u0004 reporte mensual", "latin1");
    writeFileSync(file("reporte.zip"), zip);
    writeFileSync(file("reporte.zip.p7s"), signDetachedCms(zip, eku.cer, opened.key, new Date("2026-12-01T06:00:00Z")));
    const altered = Buffer.from(zip);
    altered[5] = altered[5]! ^ 1;
    writeFileSync(file("alterado.zip"), altered);
    writeFileSync(file("csd.cer"), eku.cer);
    writeFileSync(file("csd.pem"), certificatePem(eku.cer));
    writeFileSync(file("otro.cer"), pair("cacxCsd").cer);
    writeFileSync(file("basura.p7s"), "no es una firma");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("has the Command shape", () => {
    expect(reportVerifyCommand.name).toBe("report verify");
    expect(reportVerifyCommand.usage).toMatch(/^aforo report verify ARCHIVO\.zip FIRMA\.p7s \[--cert CERTIFICADO\.cer\]/);
    expect(reportVerifyCommand.allowPositionals).toBe(true);
  });

  it("valid seal → exit 0 and {ok, noCertificado, signingTime}", async () => {
    const result = await run([file("reporte.zip"), file("reporte.zip.p7s")]);
    expect(result).toEqual({ code: 0, output: { ok: true, noCertificado: "30001000000500003416", signingTime: "2026-12-01T06:00:00.000Z" } });
    expect((await run([file("reporte.zip"), file("reporte.zip.p7s"), "--cert", file("csd.cer")])).code).toBe(0);
    expect((await run([file("reporte.zip"), file("reporte.zip.p7s"), "--cert", file("csd.pem")])).code).toBe(0);
  });

  it("altered package, another certificate or a non-CMS signature → exit 1 with ok:false and a reason", async () => {
    const altered = await run([file("alterado.zip"), file("reporte.zip.p7s")]);
    expect(altered.code).toBe(1);
    expect(altered.output).toMatchObject({ ok: false, noCertificado: "30001000000500003416", reason: expect.stringMatching(/modificado/) });
    expect((await run([file("reporte.zip"), file("reporte.zip.p7s"), "--cert", file("otro.cer")])).code).toBe(1);
    expect(await run([file("reporte.zip"), file("basura.p7s")])).toMatchObject({ code: 1, output: { ok: false, noCertificado: null, signingTime: null } });
  });

  it("bad input → exit 2", async () => {
    expect((await run([file("reporte.zip")])).code).toBe(2);
    expect((await run([file("reporte.zip"), file("reporte.zip.p7s"), file("csd.cer")])).code).toBe(2);
    expect(await run([file("no-existe.zip"), file("reporte.zip.p7s")])).toMatchObject({ code: 2, output: { error: expect.stringMatching(/ENOENT/) } });
    expect(await run([file("reporte.zip"), file("reporte.zip.p7s"), "--cert", file("basura.p7s")])).toMatchObject({ code: 2, output: { error: expect.stringMatching(/no es un certificado/) } });
  });
});
