import { describe, expect, it } from "vitest";
import { MAX_CERTIFICATE_FILE_BYTES, readCertificateUpload } from "../../../../../server/services/csd/upload";
import { pair } from "../../../../helpers/csd-fixtures";

function formRequest(fields: Array<[string, string | Blob, string?]>): Request {
  const form = new FormData();
  for (const [name, value, filename] of fields) {
    if (typeof value === "string") form.append(name, value);
    else form.append(name, value, filename ?? "archivo");
  }
  return new Request("http://localhost/api/certificates", { method: "POST", body: form });
}

const files = pair("ekuCsd");
const cer = new Blob([new Uint8Array(files.cer)]);
const key = new Blob([new Uint8Array(files.key)]);

describe("POST /api/certificates body: multipart/form-data with cer, key, password (A30-CSD-01)", () => {
  it("reads the three inputs", async () => {
    const result = await readCertificateUpload(formRequest([["cer", cer, "a.cer"], ["key", key, "a.key"], ["password", "12345678a"]]));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.cer.equals(files.cer)).toBe(true);
    expect(result.value.key.equals(files.key)).toBe(true);
    expect(result.value.password).toBe("12345678a");
  });

  it.each([
    [[["key", key], ["password", "x"]], /^Falta el certificado \(\.cer\)/],
    [[["cer", cer], ["password", "x"]], /^Falta la llave privada \(\.key\)/],
    [[["cer", cer], ["key", key]], /^Falta la contraseña de la llave privada/],
    [[["cer", cer], ["key", key], ["password", ""]], /^Falta la contraseña/],
    [[["password", "x"]], /^Faltan el certificado \(\.cer\) y la llave privada \(\.key\)/],
    [[["cer", new Blob([]), ""], ["key", key], ["password", "x"]], /^Falta el certificado/],
  ] as Array<[Array<[string, string | Blob, string?]>, RegExp]>)("missing input → 400 naming it (%#)", async (fields, message) => {
    const result = await readCertificateUpload(formRequest(fields));
    expect(result).toMatchObject({ ok: false, status: 400 });
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it("a file over 64 KiB → 400 with its size", async () => {
    const big = new Blob([new Uint8Array(MAX_CERTIFICATE_FILE_BYTES + 1)]);
    const result = await readCertificateUpload(formRequest([["cer", big], ["key", key], ["password", "x"]]));
    expect(result).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/certificado \(\.cer\) pesa 64,1 KiB; el máximo es 64 KiB/) });
  });

  it("exactly 64 KiB is accepted by the boundary (the content check comes later)", async () => {
    const edge = new Blob([new Uint8Array(MAX_CERTIFICATE_FILE_BYTES)]);
    expect((await readCertificateUpload(formRequest([["cer", edge], ["key", key], ["password", "x"]]))).ok).toBe(true);
  });

  it("a whole body over the limit → 413 before parsing", async () => {
    const huge = new Blob([new Uint8Array(300 * 1024)]);
    expect(await readCertificateUpload(formRequest([["cer", huge], ["key", key], ["password", "x"]]))).toMatchObject({ ok: false, status: 413 });
    const declared = new Request("http://localhost/api/certificates", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=x", "content-length": String(10 * 1024 * 1024) },
      body: "--x--",
    });
    expect(await readCertificateUpload(declared)).toMatchObject({ ok: false, status: 413 });
  });

  it("anything else → 400 with a reason", async () => {
    const json = new Request("http://localhost/api/certificates", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(await readCertificateUpload(json)).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/multipart\/form-data/) });
    expect(await readCertificateUpload(formRequest([["cer", cer], ["key", key], ["password", "x"], ["rfc", "EKU9003173C9"]]))).toMatchObject({
      ok: false,
      status: 400,
      error: expect.stringMatching(/Campo no esperado: «rfc»/),
    });
    expect(await readCertificateUpload(formRequest([["cer", cer], ["cer", cer], ["key", key], ["password", "x"]]))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/«cer» se envió más de una vez/),
    });
    expect(await readCertificateUpload(formRequest([["cer", "texto"], ["key", key], ["password", "x"]]))).toMatchObject({ ok: false, error: expect.stringMatching(/debe ser un archivo/) });
    expect(await readCertificateUpload(formRequest([["cer", cer], ["key", key], ["password", new Blob(["x"])]]))).toMatchObject({ ok: false, error: expect.stringMatching(/como texto/) });
    expect(await readCertificateUpload(formRequest([["cer", cer], ["key", key], ["password", "a\u0000b"]]))).toMatchObject({ ok: false, error: expect.stringMatching(/NUL/) });
    expect(await readCertificateUpload(formRequest([["cer", cer], ["key", key], ["password", "x".repeat(257)]]))).toMatchObject({ ok: false, error: expect.stringMatching(/256/) });
    const broken = new Request("http://localhost/api/certificates", { method: "POST", headers: { "content-type": "multipart/form-data; boundary=zzz" }, body: "esto no es multipart" });
    expect(await readCertificateUpload(broken)).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/mal formado/) });
  });
});
