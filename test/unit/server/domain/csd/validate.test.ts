import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CSD_REJECTION_ORDER, keyMatchesCertificate, openEncryptedPrivateKey, validateCsdInstall, type CsdInstallInput } from "../../../../../server/domain/csd/index";
import { FIXTURE_PASSWORD, pair, type CsdPairName } from "../../../../helpers/csd-fixtures";

const NOW = new Date("2026-12-01T00:00:00Z");

function attempt(name: CsdPairName, overrides: Partial<CsdInstallInput> = {}) {
  const files = pair(name);
  return validateCsdInstall({ certificate: files.cer, privateKeyDer: files.key, password: FIXTURE_PASSWORD, taxpayerRfc: "EKU9003173C9", now: NOW, ...overrides });
}

describe("validateCsdInstall: every fixture pair installs or is refused for the right reason (A30-CSD-02, clock 2026-12-01)", () => {
  it("EKU9003173C9 CSD installs for taxpayer EKU9003173C9", () => {
    const result = attempt("ekuCsd");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.noCertificado).toBe("30001000000500003416");
    expect(result.noCertificado).toMatch(/^\d{20}$/);
    expect(result.rfc).toBe("EKU9003173C9");
    expect(result.certificate.type).toBe("CSD");
    expect(result.privateKey.asymmetricKeyType).toBe("rsa");
  });

  it("accepts the taxpayer RFC in lower case / with spaces", () => {
    expect(attempt("ekuCsd", { taxpayerRfc: "  eku9003173c9 " }).ok).toBe(true);
  });

  it.each([
    ["ekuFiel", "EKU9003173C9", "not_csd", /no es un CSD/],
    ["cacxFiel", "CACX7605101P8", "not_csd", /e\.firma \(FIEL\)/],
    ["aaaFiel", "AAA010101AAA", "not_csd", /no es un CSD/],
    ["cacxCsd", "EKU9003173C9", "rfc_mismatch", /El RFC del certificado \(CACX7605101P8\) no es el del contribuyente \(EKU9003173C9\)/],
    ["cacxExpired", "CACX7605101P8", "expired", /caducado: su vigencia terminó el 17 de junio de 2023/],
    ["nonSat", "EKU9003173C9", "not_sat", /no fue emitido por el SAT \(emisor: «Jhon Doe», autofirmado\)/],
    ["aaaCsd", "AAA010101AAA", "expired", /vigencia terminó el 17 de mayo de 2021/],
  ] as const)("%s with taxpayer %s → %s", (name, rfc, reason, message) => {
    const result = attempt(name, { taxpayerRfc: rfc });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(reason);
    expect(result.message).toMatch(message);
  });

  it("CACX7605101P8 CSDs install for their own taxpayer (both branches)", () => {
    expect(attempt("cacxCsd", { taxpayerRfc: "CACX7605101P8" }).ok).toBe(true);
    expect(attempt("cacxCsd2", { taxpayerRfc: "CACX7605101P8" }).ok).toBe(true);
  });

  it("wrong password → «contraseña incorrecta»", () => {
    const result = attempt("ekuCsd", { password: "12345678b" });
    expect(result).toMatchObject({ ok: false, reason: "wrong_password" });
    if (!result.ok) expect(result.message).toMatch(/contraseña incorrecta/);
    expect(attempt("ekuCsd", { password: "" })).toMatchObject({ ok: false, reason: "wrong_password" });
  });

  it("EKU certificate + CACX key → «la llave no corresponde al certificado»", () => {
    const result = attempt("ekuCsd", { privateKeyDer: pair("cacxCsd").key });
    expect(result).toMatchObject({ ok: false, reason: "key_mismatch" });
    if (!result.ok) expect(result.message).toMatch(/la llave no corresponde al certificado 30001000000500003416/);
  });

  it("clock 2027-06-01: the EKU CSD is expired", () => {
    expect(attempt("ekuCsd", { now: new Date("2027-06-01T00:00:00Z") })).toMatchObject({ ok: false, reason: "expired" });
  });

  it("clock 2023-01-01: the EKU CSD is not yet valid", () => {
    const result = attempt("ekuCsd", { now: new Date("2023-01-01T00:00:00Z") });
    expect(result).toMatchObject({ ok: false, reason: "not_yet_valid" });
    if (!result.ok) expect(result.message).toMatch(/aún no es vigente: su vigencia inicia el 18 de mayo de 2023/);
  });

  it("a .cer that is not a certificate → certificate_unreadable", () => {
    expect(attempt("ekuCsd", { certificate: Buffer.from("hola") })).toMatchObject({ ok: false, reason: "certificate_unreadable", certificate: null });
    expect(attempt("ekuCsd", { certificate: pair("ekuCsd").key })).toMatchObject({ ok: false, reason: "certificate_unreadable" });
  });

  it("a .key that is not an encrypted PKCS#8 key → key_unreadable (garbage, the .cer, or an unencrypted key)", () => {
    expect(attempt("ekuCsd", { privateKeyDer: Buffer.from("hola") })).toMatchObject({ ok: false, reason: "key_unreadable" });
    expect(attempt("ekuCsd", { privateKeyDer: pair("ekuCsd").cer })).toMatchObject({ ok: false, reason: "key_unreadable" });
    const plain = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "der" });
    expect(attempt("ekuCsd", { privateKeyDer: plain })).toMatchObject({ ok: false, reason: "key_unreadable" });
  });

  it("A30-CSD-06: a SAT test certificate is refused when test certificates are refused (production), before any other check", () => {
    const result = attempt("ekuCsd", { refuseTestCertificates: true });
    expect(result).toMatchObject({ ok: false, reason: "test_certificate" });
    if (!result.ok) expect(result.message).toMatch(/certificado de pruebas del SAT/);
  });

  it("reports the FIRST failing rule: FIEL of another RFC, expired, with a wrong password → not_csd", () => {
    expect(attempt("aaaFiel", { password: "x", taxpayerRfc: "EKU9003173C9" })).toMatchObject({ reason: "not_csd" });
    // RFC differs before expiry, expiry before password, password before key match.
    expect(attempt("cacxExpired", { password: "x" })).toMatchObject({ reason: "rfc_mismatch" });
    expect(attempt("cacxExpired", { password: "x", taxpayerRfc: "CACX7605101P8" })).toMatchObject({ reason: "expired" });
    expect(attempt("ekuCsd", { password: "x", privateKeyDer: pair("cacxCsd").key })).toMatchObject({ reason: "wrong_password" });
    expect(CSD_REJECTION_ORDER.indexOf("wrong_password")).toBeLessThan(CSD_REJECTION_ORDER.indexOf("key_mismatch"));
  });

  it("SAT keys (PBES2, des-ede3-cbc) and the non-SAT key (AES) both decrypt with Node's OpenSSL", () => {
    for (const name of ["ekuCsd", "ekuFiel", "cacxCsd", "cacxCsd2", "cacxExpired", "cacxFiel", "nonSat", "aaaCsd", "aaaFiel"] as const) {
      const files = pair(name);
      const opened = openEncryptedPrivateKey(files.key, FIXTURE_PASSWORD);
      expect(opened.ok, name).toBe(true);
      if (opened.ok) expect(keyMatchesCertificate(opened.key, { publicKeySpki: new X509Certificate(files.cer).publicKey.export({ type: "spki", format: "der" }) }), name).toBe(true);
    }
  });

  it("accepts the key as PEM «ENCRYPTED PRIVATE KEY» too", () => {
    const der = pair("ekuCsd").key;
    const pem = `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END ENCRYPTED PRIVATE KEY-----\n`;
    expect(attempt("ekuCsd", { privateKeyDer: Buffer.from(pem) }).ok).toBe(true);
  });
});
