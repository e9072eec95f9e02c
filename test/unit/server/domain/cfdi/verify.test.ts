import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  certificateNumber,
  certificateRfc,
  cfdiCadenaOriginal,
  loadCertificate,
  NOT_VERIFIED_OFFLINE,
  parseCfdi,
  readXml,
  satCertificateMap,
  tfdCadenaOriginal,
  type ParseCfdiResult,
  type VerificationCheck,
} from "../../../../../server/domain/cfdi/index";
import { fixtureBytes } from "../../../../helpers/csd-fixtures";
import { cfdiText, satCertBytes } from "../../../../helpers/cfdi-fixtures";

/**
 * A30-CFDI-07 offline checks: TFD, RFCs, totals (exact decimals), embedded certificate, the
 * comprobante Sello over the CFDI cadena original, and the SelloSAT over the TFD 1.1 cadena.
 */
const REAL = cfdiText("cfdi40-real.xml");
const VALID = cfdiText("cfdi40-valid.xml");
const SAT_CERT = "00001000000708361114";

function checksOf(result: ParseCfdiResult): Map<string, VerificationCheck> {
  if (!result.ok) throw new Error(`rechazado: ${result.reason}`);
  return new Map(result.checks.checks.map((c) => [c.id, c]));
}

describe("SelloSAT (TFD 1.1 cadena original, RSA-SHA256)", () => {
  const sat = satCertificateMap([satCertBytes(SAT_CERT)]);

  it("the SAT certificate file gives its NoCertificado and belongs to the SAT", () => {
    expect([...sat.keys()]).toEqual([SAT_CERT]);
    expect(certificateRfc(sat.get(SAT_CERT)!)).toBe("SAT970701NN3");
  });

  it("builds ||1.1|UUID|FechaTimbrado|RfcProvCertif|SelloCFD|NoCertificadoSAT|| from the attributes as written", () => {
    const doc = readXml(REAL);
    if (!doc.ok) throw new Error(doc.reason);
    const tfd = doc.root.children.find((c) => c.localName === "Complemento")!.children[0]!;
    const cadena = tfdCadenaOriginal(tfd);
    expect(cadena.startsWith("||1.1|C2832671-DA6D-11EF-A83D-00155D012007|2025-01-24T10:10:42|TBN040609RKA|WZzQVFmM/0E21+v4Th3K9K3a8yfN8TPwkarBsD28")).toBe(true);
    expect(cadena.endsWith("|00001000000708361114||")).toBe(true);
    expect(cadena.split("|")).toHaveLength(10);
  });

  it("cfdi40-real.xml verifies with the SAT certificate 00001000000708361114 (DER, PEM or parsed)", () => {
    expect(checksOf(parseCfdi(REAL, { satCertificates: sat })).get("sello_sat")).toMatchObject({ ok: true, detail: expect.stringContaining("SelloSAT válido") });
    const pem = new X509Certificate(satCertBytes(SAT_CERT)).toString();
    expect(checksOf(parseCfdi(REAL, { satCertificates: new Map([[SAT_CERT, pem]]) })).get("sello_sat")?.ok).toBe(true);
    expect(checksOf(parseCfdi(REAL, { satCertificates: new Map([[SAT_CERT, satCertBytes(SAT_CERT)]]) })).get("sello_sat")?.ok).toBe(true);
  });

  it("altering one character of the UUID makes it fail", () => {
    const altered = REAL.replace('UUID="C2832671-DA6D-11EF-A83D-00155D012007"', 'UUID="C2832671-DA6D-11EF-A83D-00155D012008"');
    const checks = checksOf(parseCfdi(altered, { satCertificates: sat }));
    expect(checks.get("sello_sat")).toMatchObject({ ok: false, detail: expect.stringContaining("SelloSAT inválido") });
    // The comprobante itself was not touched: its own Sello still verifies.
    expect(checks.get("sello_cfdi")?.ok).toBe(true);
  });

  it("altering FechaTimbrado also fails; without the certificate it is «no verificado» (null), never true", () => {
    const altered = REAL.replace('FechaTimbrado="2025-01-24T10:10:42"', 'FechaTimbrado="2025-01-24T10:10:43"');
    expect(checksOf(parseCfdi(altered, { satCertificates: sat })).get("sello_sat")?.ok).toBe(false);
    expect(checksOf(parseCfdi(REAL)).get("sello_sat")).toEqual({ id: "sello_sat", ok: null, detail: expect.stringContaining("no verificado") });
  });

  it("a certificate given under the wrong number is not used", () => {
    const wrong = new Map([[SAT_CERT, satCertBytes("30001000000500003456")]]);
    expect(checksOf(parseCfdi(REAL, { satCertificates: wrong })).get("sello_sat")).toMatchObject({ ok: null, detail: expect.stringContaining("30001000000500003456") });
  });
});

describe("comprobante Sello (CFDI cadena original, embedded certificate)", () => {
  it("builds the CFDI 4.0 cadena original in the SAT's XSLT order", () => {
    const doc = readXml(VALID);
    if (!doc.ok) throw new Error(doc.reason);
    const cadena = cfdiCadenaOriginal(doc.root);
    expect(cadena).toEqual({
      ok: true,
      cadena:
        "||4.0|2025-02-19T08:32:29|01|30001000000500003416|3824.15|956.04|MXN|3327.01|I|01|PUE|86000|EKU9003173C9|ESCUELA KEMPER URGATE|601|MCI7306249Y1|MUNICIPIO DE CUAUTITLAN IZCALLI|54700|603|G03|52161557|GAMEPAD007|4|H87|PIEZA|Portable tetris gamepad pro++ ⏻|956.04|3824.15|956.04|02|2868.11|002|Tasa|0.160000|458.90|2868.11|002|Tasa|0.160000|458.90|458.90||",
    });
  });

  it("a CFDI whose Total was edited: «sello inválido», and the totals check fails too — but it still parses", () => {
    const edited = VALID.replace('Total="3327.01"', 'Total="3328.01"');
    const result = parseCfdi(edited);
    const checks = checksOf(result);
    expect(checks.get("sello_cfdi")).toMatchObject({ ok: false, detail: expect.stringContaining("sello inválido") });
    expect(checks.get("total")).toMatchObject({ ok: false, detail: expect.stringContaining("diferencia 1.00") });
    expect(result.ok && result.cfdi.total).toBe("3328.01");
    expect(result.ok && result.checks.ok).toBe(false);
  });

  it("whitespace around a value does not change the cadena (normalize-space), so the seal still verifies", () => {
    const spaced = VALID.replace('Nombre="ESCUELA KEMPER URGATE"', 'Nombre="  ESCUELA   KEMPER URGATE "');
    expect(checksOf(parseCfdi(spaced)).get("sello_cfdi")?.ok).toBe(true);
  });

  it("an unsupported complement makes the seal «no verificado» (null) instead of guessing", () => {
    const withEcc = REAL.replace(
      "<cfdi:Complemento>",
      '<cfdi:Complemento><ecc12:EstadoDeCuentaCombustible xmlns:ecc12="http://www.sat.gob.mx/EstadoDeCuentaCombustible12" Version="1.2" TipoOperacion="Tarjeta" NumeroDeCuenta="123" SubTotal="100" Total="116"/>',
    );
    const result = parseCfdi(withEcc);
    const checks = checksOf(result);
    expect(checks.get("sello_cfdi")).toMatchObject({ ok: null, detail: expect.stringMatching(/^no verificado: requiere la transformación XSLT del SAT/) });
    // The fuel complement is detected and kept verbatim.
    if (!result.ok) throw new Error();
    expect(result.cfdi.hydrocarbon).toBe(true);
    expect(result.cfdi.complementos[0]).toMatchObject({
      name: "Estado de cuenta de combustibles 1.2",
      category: "combustibles",
      fuelRelated: true,
      version: "1.2",
      contenido: { name: "ecc12:EstadoDeCuentaCombustible", attributes: { NumeroDeCuenta: "123", Total: "116" } },
    });
  });

  it("the embedded certificate: NoCertificado from the serial, issuer RFC, validity at Fecha", () => {
    const certificate = loadCertificate(fixtureBytes("duckylabs-SatCredentialsCore/EKU9003173C9/csd_EKU9003173C9.cer"))!;
    expect(certificateNumber(certificate)).toBe("30001000000500003416");
    expect(certificateRfc(certificate)).toBe("EKU9003173C9");
    expect(certificateNumber(loadCertificate(fixtureBytes("duckylabs-SatCredentialsCore/non_sat_csd.cer"))!)).toBeNull();
    // PEM text in a .cer file is read too.
    expect(certificateNumber(loadCertificate(satCertBytes("00001000000301246267"))!)).toBe("00001000000301246267");
    expect(loadCertificate("no es un certificado")).toBeNull();

    expect(checksOf(parseCfdi(VALID)).get("certificado")?.ok).toBe(true);
    const wrongNumber = checksOf(parseCfdi(VALID.replace('NoCertificado="30001000000500003416"', 'NoCertificado="30001000000500003417"')));
    expect(wrongNumber.get("certificado")).toMatchObject({ ok: false, detail: expect.stringContaining("no corresponde al certificado embebido (30001000000500003416)") });
    const broken = checksOf(parseCfdi(VALID.replace(/Certificado="MIIF/, 'Certificado="XXXX')));
    expect(broken.get("certificado")?.ok).toBe(false);
    expect(broken.get("sello_cfdi")?.ok).toBeNull();
  });
});

describe("totals with exact decimals (A30-CFDI-08)", () => {
  it("Σ Importe ≠ SubTotal beyond one cent is reported but the CFDI still parses", () => {
    const result = parseCfdi(REAL.replace('SubTotal="862.07"', 'SubTotal="862.09"'));
    const checks = checksOf(result);
    expect(checks.get("subtotal")).toMatchObject({ ok: false, detail: expect.stringContaining("diferencia 0.021034") });
    expect(result.ok).toBe(true);
  });

  it("one cent is within the rounding tolerance; two cents are not", () => {
    const oneCent = checksOf(parseCfdi(VALID.replace('Total="3327.01"', 'Total="3327.02"')));
    expect(oneCent.get("total")).toMatchObject({ ok: true, detail: expect.stringContaining("tolerancia de redondeo de ±0.01 (diferencia 0.01)") });
    expect(checksOf(parseCfdi(VALID.replace('Total="3327.01"', 'Total="3327.03"'))).get("total")?.ok).toBe(false);
  });

  it("non-numeric amounts and inconsistent tax totals fail their checks", () => {
    expect(checksOf(parseCfdi(REAL.replace('Total="1000.00"', 'Total="1,000.00"'))).get("total")).toMatchObject({ ok: false, detail: expect.stringContaining("«1,000.00»") });
    const taxes = checksOf(parseCfdi(REAL.replace('TotalImpuestosTrasladados="137.93"', 'TotalImpuestosTrasladados="137.94"')));
    expect(taxes.get("impuestos")).toMatchObject({ ok: false, detail: "TotalImpuestosTrasladados 137.94 ≠ suma de importes 137.93" });
    const discount = checksOf(parseCfdi(VALID.replace('Descuento="956.04">', 'Descuento="956.05">')));
    expect(discount.get("descuento")?.ok).toBe(false);
  });

  it("amounts keep their exact text (21.503456 round-trips unchanged)", () => {
    const result = parseCfdi(REAL.replace('ValorUnitario="853.448276"', 'ValorUnitario="21.503456"'));
    expect(result.ok && result.cfdi.conceptos[1]!.valorUnitario).toBe("21.503456");
  });
});

describe("TFD, RFC and type checks", () => {
  it("TFD well-formedness problems are listed", () => {
    const bad = REAL.replace('Version="1.1" UUID', 'Version="1.0" UUID').replace('FechaTimbrado="2025-01-24T10:10:42"', 'FechaTimbrado="2025-02-30T10:10:42"').replace('RfcProvCertif="TBN040609RKA"', 'RfcProvCertif="TBN04"');
    const tfd = checksOf(parseCfdi(bad)).get("tfd")!;
    expect(tfd.ok).toBe(false);
    expect(tfd.detail).toContain("Version del timbre «1.0»");
    expect(tfd.detail).toContain("FechaTimbrado inválida «2025-02-30T10:10:42»");
    expect(tfd.detail).toContain("RfcProvCertif mal formado «TBN04»");
  });

  it("SelloCFD must equal the comprobante's Sello", () => {
    const other = REAL.replace(/SelloCFD="WZzQ/, 'SelloCFD="AZzQ');
    expect(checksOf(parseCfdi(other)).get("tfd_sello_cfd")?.ok).toBe(false);
  });

  it("RFCs: malformed fails, generic receptor passes, generic emisor fails", () => {
    expect(checksOf(parseCfdi(REAL.replace('Rfc="COSC8001137NA"', 'Rfc="COSC800113"'))).get("rfc_receptor")?.ok).toBe(false);
    expect(checksOf(parseCfdi(REAL.replace('Rfc="COSC8001137NA"', 'Rfc="XAXX010101000"'))).get("rfc_receptor")).toMatchObject({ ok: true, detail: expect.stringContaining("genérico") });
    expect(checksOf(parseCfdi(REAL.replace('Rfc="ISD950921HE5"', 'Rfc="XAXX010101000"'))).get("rfc_emisor")?.ok).toBe(false);
  });

  it("a payroll (N) CFDI parses but is «tipo de CFDI no aplicable» (A30-CFDI-04)", () => {
    const result = parseCfdi(REAL.replace('TipoDeComprobante="I"', 'TipoDeComprobante="N"'));
    expect(result.ok && result.cfdi.tipo).toBe("N");
    expect(checksOf(result).get("tipo_aplicable")).toMatchObject({ ok: false, detail: expect.stringContaining("tipo de CFDI no aplicable") });
  });

  it("the report always says what offline checks cannot cover", () => {
    const result = parseCfdi(REAL);
    expect(result.ok && result.checks.notVerified).toEqual(NOT_VERIFIED_OFFLINE);
    expect(NOT_VERIFIED_OFFLINE.join(" ")).toContain("vigente o cancelado");
  });
});

describe("hydrocarbon concepts", () => {
  it("a fuel ClaveProdServ (15101514 gasolina) marks the concept and the CFDI", () => {
    const result = parseCfdi(REAL.replace('ClaveProdServ="95111615"', 'ClaveProdServ="15101514"'));
    if (!result.ok) throw new Error(result.reason);
    expect(result.cfdi.conceptos.map((c) => c.hydrocarbon)).toEqual([false, true]);
    expect(result.cfdi.hydrocarbon).toBe(true);
  });
});
