import { describe, expect, it } from "vitest";
import { paidDocumentUuids, parseCfdi, satCertificateMap, type ParseCfdiResult, type ParsedCfdi, type VerificationReport } from "../../../../../server/domain/cfdi/index";
import { cfdiBytes, cfdiText, satCertBytes, withFakeTimbre } from "../../../../helpers/cfdi-fixtures";

/**
 * A30-CFDI-02/03/04/08: every sample CFDI in test/fixtures/cfdi parses to the values written in
 * the file itself (hard-coded here per fixture), with amounts as the exact decimal text.
 */
function accepted(result: ParseCfdiResult): { cfdi: ParsedCfdi; checks: VerificationReport } {
  if (!result.ok) throw new Error(`rechazado: ${result.code} ${result.reason}`);
  return result;
}

function check(checks: VerificationReport, id: string) {
  const found = checks.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}

describe("parseCfdi on the sample CFDI (values read from each XML)", () => {
  it("cfdi40-real.xml: real CFDI 4.0 Ingreso, exact 6-decimal amounts, seals verified", () => {
    const { cfdi, checks } = accepted(parseCfdi(cfdiBytes("cfdi40-real.xml")));
    expect(cfdi).toMatchObject({
      version: "4.0",
      uuid: "C2832671-DA6D-11EF-A83D-00155D012007",
      fecha: "2025-01-24T10:10:41",
      tipo: "I",
      serie: "O",
      folio: "52375239",
      emisor: { rfc: "ISD950921HE5", nombre: "PASE, SERVICIOS ELECTRONICOS", regimenFiscal: "601" },
      receptor: { rfc: "COSC8001137NA", nombre: "CARLOS CORTES SOTO", usoCFDI: "G03", domicilioFiscalReceptor: "52176", regimenFiscalReceptor: "612" },
      subTotal: "862.07",
      descuento: null,
      total: "1000.00",
      moneda: "MXN",
      tipoCambio: "1",
      formaPago: "04",
      metodoPago: "PUE",
      lugarExpedicion: "11529",
      exportacion: "01",
      noCertificado: "00001000000510877575",
      impuestos: { totalImpuestosTrasladados: "137.93", totalImpuestosRetenidos: null },
      timbre: {
        version: "1.1",
        uuid: "C2832671-DA6D-11EF-A83D-00155D012007",
        fechaTimbrado: "2025-01-24T10:10:42",
        rfcProvCertif: "TBN040609RKA",
        noCertificadoSAT: "00001000000708361114",
      },
      pagos: null,
      hydrocarbon: false,
    });
    expect(cfdi.conceptos.map((c) => [c.claveProdServ, c.cantidad, c.claveUnidad, c.unidad, c.valorUnitario, c.importe, c.descripcion, c.objetoImp])).toEqual([
      ["80141628", "1.000000", "E48", "NO APLICA", "8.620690", "8.620690", "COMISION RECARGA IDMX", "02"],
      ["95111615", "1.000000", "E54", "NO APLICA", "853.448276", "853.448276", "RECARGA IDMX", "02"],
    ]);
    expect(cfdi.conceptos[1]!.impuestos.traslados).toEqual([{ base: "853.448276", impuesto: "002", tipoFactor: "Tasa", tasaOCuota: "0.160000", importe: "136.551724" }]);
    expect(cfdi.sello).toBe(cfdi.timbre.selloCFD);
    expect(cfdi.certificado).toMatch(/^MIIGOTCCBCGgAwIBAgIUMDAwMDEwMDAwMDA1MTA4/);
    expect(cfdi.namespaces).toEqual(["http://www.sat.gob.mx/cfd/4", "http://www.w3.org/2001/XMLSchema-instance", "http://www.sat.gob.mx/TimbreFiscalDigital"]);
    expect(cfdi.complementos.map((c) => [c.name, c.category])).toEqual([["Timbre fiscal digital", "timbre"]]);
    // Σ Importe = 862.068966 vs SubTotal 862.07: within the one-cent rounding tolerance, said so.
    expect(check(checks, "subtotal")).toMatchObject({ ok: true, detail: expect.stringContaining("862.068966") });
    expect(check(checks, "subtotal").detail).toContain("tolerancia de redondeo");
    expect(check(checks, "total")).toMatchObject({ ok: true, detail: expect.stringContaining("coinciden exactamente") });
    expect(check(checks, "sello_cfdi").ok).toBe(true);
    expect(check(checks, "sello_sat").ok).toBeNull();
    expect(checks.ok).toBe(true);
  });

  it("cfdi40-valid.xml: CFDI 4.0 with Descuento, a non-ASCII description, sealed with the EKU test CSD", () => {
    const { cfdi, checks } = accepted(parseCfdi(cfdiText("cfdi40-valid.xml")));
    expect(cfdi).toMatchObject({
      version: "4.0",
      uuid: "6F35D3B5-3651-5370-BC2C-14CDBE384CD7",
      fecha: "2025-02-19T08:32:29",
      tipo: "I",
      serie: null,
      folio: null,
      emisor: { rfc: "EKU9003173C9", nombre: "ESCUELA KEMPER URGATE" },
      receptor: { rfc: "MCI7306249Y1", nombre: "MUNICIPIO DE CUAUTITLAN IZCALLI" },
      subTotal: "3824.15",
      descuento: "956.04",
      total: "3327.01",
      moneda: "MXN",
      noCertificado: "30001000000500003416",
      timbre: { rfcProvCertif: "CVD110412TF6", noCertificadoSAT: "30001000000500003456" },
    });
    expect(cfdi.conceptos).toHaveLength(1);
    expect(cfdi.conceptos[0]).toMatchObject({
      claveProdServ: "52161557",
      noIdentificacion: "GAMEPAD007",
      cantidad: "4",
      claveUnidad: "H87",
      unidad: "PIEZA",
      valorUnitario: "956.04",
      importe: "3824.15",
      descuento: "956.04",
      descripcion: "Portable tetris gamepad pro++ ⏻",
    });
    expect(check(checks, "descuento").ok).toBe(true);
    expect(check(checks, "total")).toMatchObject({ ok: true, detail: expect.stringContaining("= 3327.01") });
    expect(check(checks, "certificado")).toMatchObject({ ok: true, detail: expect.stringContaining("30001000000500003416") });
    expect(check(checks, "sello_cfdi").ok).toBe(true);
    // Its TFD is signed by the SAT test stamping certificate 30001000000500003456.
    const withSat = accepted(parseCfdi(cfdiText("cfdi40-valid.xml"), { satCertificates: satCertificateMap([satCertBytes("30001000000500003456")]) }));
    expect(check(withSat.checks, "sello_sat").ok).toBe(true);
  });

  it("xiqb891116qe4_ingreso_iva16_stamped.xml: lower-case UUID stored upper-case, retentions in the total", () => {
    const { cfdi, checks } = accepted(parseCfdi(cfdiBytes("xiqb891116qe4_ingreso_iva16_stamped.xml")));
    expect(cfdi.uuid).toBe("6D7434A6-E3F2-47AD-9E4C-08849946AFA0");
    expect(cfdi.timbre.uuidOriginal).toBe("6d7434a6-e3f2-47ad-9e4c-08849946afa0");
    expect(cfdi).toMatchObject({
      version: "4.0",
      tipo: "I",
      fecha: "2020-01-01T22:40:38",
      emisor: { rfc: "XIQB891116QE4", nombre: "BERENICE XIMO QUEZADA" },
      receptor: { rfc: "KIJ0906199R1", nombre: "KIJ, S.A DE C.V." },
      subTotal: "15390.30",
      total: "14672.08",
      moneda: "MXN",
      metodoPago: "PPD",
      impuestos: { totalImpuestosTrasladados: "2462.45", totalImpuestosRetenidos: "3180.67" },
    });
    expect(cfdi.conceptos[0]!.impuestos.retenciones.map((r) => [r.impuesto, r.importe])).toEqual([
      ["001", "1539.03"],
      ["002", "1641.64"],
    ]);
    expect(check(checks, "total")).toMatchObject({ ok: true, detail: expect.stringContaining("retenidos 3180.67") });
    expect(check(checks, "impuestos").ok).toBe(true);
    expect(check(checks, "rfc_emisor").detail).toContain("persona física");
    expect(check(checks, "sello_cfdi").ok).toBe(true);
    // Test-stamped with the issuer's own test certificate: the SelloSAT verifies over the UUID as written (lower-case).
    const withSat = accepted(parseCfdi(cfdiBytes("xiqb891116qe4_ingreso_iva16_stamped.xml"), { satCertificates: new Map([["30001000000400002311", cfdi.certificado!]]) }));
    expect(check(withSat.checks, "sello_sat").ok).toBe(true);
  });

  it("cfdi33-real.xml: real CFDI 3.3 whose Total includes the implocal local taxes", () => {
    const { cfdi, checks } = accepted(parseCfdi(cfdiBytes("cfdi33-real.xml")));
    expect(cfdi).toMatchObject({
      version: "3.3",
      uuid: "CEE4BE01-ADFA-4DEB-8421-ADD60F0BEDAC",
      fecha: "2018-01-12T08:15:01",
      tipo: "I",
      serie: "H",
      folio: "11541",
      emisor: { rfc: "POT9207213D6", nombre: "PROMOTORA OTIR SA DE CV" },
      receptor: { rfc: "DIM8701081LA", nombre: "DAY INTERNATIONAL DE MEXICO SA DE CV", usoCFDI: "G03" },
      subTotal: "1709.12",
      total: "2010.01",
      moneda: "MXN",
      exportacion: null,
      impuestos: { totalImpuestosTrasladados: "273.46" },
      impuestosLocales: { totalDeTraslados: "27.43", totalDeRetenciones: "0.00" },
    });
    expect(cfdi.conceptos.map((c) => [c.claveProdServ, c.cantidad, c.claveUnidad, c.valorUnitario, c.importe, c.descripcion])).toEqual([
      ["90111501", "2.00", "E48", "677.83", "1355.67", "Paquete"],
      ["90101501", "1.00", "E48", "353.45", "353.45", "Restaurante"],
    ]);
    expect(cfdi.complementos.map((c) => c.name)).toEqual(["Impuestos locales", "Timbre fiscal digital"]);
    expect(cfdi.complementos[0]!.contenido?.children[0]?.attributes).toEqual({ ImpLocTrasladado: "IH", Importe: "27.43", TasadeTraslado: "2.50" });
    // 1709.12 + 273.46 + 27.43 = 2010.01
    expect(check(checks, "total")).toMatchObject({ ok: true, detail: expect.stringContaining("traslados locales 27.43") });
    expect(check(checks, "sello_cfdi").ok).toBe(true);
    expect(checks.ok).toBe(true);
  });

  it("cfdv33-signed-tfd.xml: SAT example with a leading-space RFC and totals that do not add up — parsed, checks fail", () => {
    const { cfdi, checks } = accepted(parseCfdi(cfdiBytes("cfdv33-signed-tfd.xml")));
    expect(cfdi).toMatchObject({
      version: "3.3",
      uuid: "EA8152AF-B116-4812-817A-3B4F9617C99C",
      tipo: "I",
      emisor: { rfc: "AAA010101AAA", nombre: "Esta es una demostración" },
      receptor: { rfc: "BASJ600902KL9", nombre: "Juanito Bananas De la Sierra", residenciaFiscal: "MEX", numRegIdTrib: "987654321" },
      subTotal: "1000",
      descuento: "0.00",
      total: "1500",
      tipoCambio: "1.0",
      confirmacion: "Az123",
      cfdiRelacionados: [{ tipoRelacion: "02", uuids: ["ED1752FE-E865-4FF2-BFE1-0F552E770DC9"] }],
    });
    expect(cfdi.conceptos.map((c) => [c.claveProdServ, c.importe])).toEqual([
      ["01010101", "2250000"],
      ["95141904", "2400"],
      ["84101604", "17000"],
    ]);
    expect(check(checks, "rfc_emisor")).toMatchObject({ ok: true, detail: expect.stringContaining("normalizado desde « AAA010101AAA»") });
    expect(check(checks, "subtotal")).toMatchObject({ ok: false, detail: expect.stringContaining("2269400") });
    expect(check(checks, "total")).toMatchObject({ ok: false, detail: expect.stringContaining("113500.00") });
    expect(check(checks, "impuestos").ok).toBe(true);
    // The embedded certificate is someone else's, expired before Fecha; the Sello itself matches it.
    expect(check(checks, "certificado")).toMatchObject({ ok: false, detail: expect.stringContaining("GAMA600504JP1") });
    expect(check(checks, "sello_cfdi").ok).toBe(true);
    expect(checks.ok).toBe(false);
  });

  it("cfdi33-payment-valid.xml: REP with Pagos 1.0 gives its related UUID; its TFD is fabricated and says so", () => {
    const { cfdi, checks } = accepted(parseCfdi(cfdiBytes("cfdi33-payment-valid.xml"), { satCertificates: satCertificateMap([satCertBytes("20001000000300022779")]) }));
    expect(cfdi).toMatchObject({
      version: "3.3",
      uuid: "9FB6ED1A-5F37-4FEF-980A-7F8C83B51894",
      tipo: "P",
      fecha: "2019-11-09T13:29:24",
      emisor: { rfc: "AAA010101AAA", nombre: "ACCEM SERVICIOS EMPRESARIALES SC" },
      receptor: { rfc: "COSC8001137NA", nombre: "CARLOS CORTES SOTO" },
      subTotal: "0",
      total: "0",
      moneda: "XXX",
    });
    expect(cfdi.pagos).toEqual({
      version: "1.0",
      totales: null,
      pagos: [
        {
          fechaPago: "2019-10-29T13:29:00",
          formaDePagoP: "03",
          monedaP: "MXN",
          tipoCambioP: null,
          monto: "4000.00",
          numOperacion: null,
          doctosRelacionados: [
            {
              idDocumento: "1A3CD882-EB73-484A-6971-1C2D29C9F264",
              uuid: "1A3CD882-EB73-484A-6971-1C2D29C9F264",
              serie: "A",
              folio: "1847",
              monedaDR: "USD",
              tipoCambioDR: "0.050522",
              equivalenciaDR: null,
              metodoDePagoDR: "PPD",
              numParcialidad: "1",
              impSaldoAnt: "4000.00",
              impPagado: "4000.00",
              impSaldoInsoluto: "0.00",
              objetoImpDR: null,
            },
          ],
        },
      ],
    });
    expect(paidDocumentUuids(cfdi)).toEqual(["1A3CD882-EB73-484A-6971-1C2D29C9F264"]);
    expect(check(checks, "tipo_aplicable")).toMatchObject({ ok: true, detail: expect.stringContaining("no lleva volumen") });
    // The file's own comment: "El SelloCFD del complemento TimbreFiscalDigital no tiene datos válidos".
    expect(check(checks, "tfd_sello_cfd").ok).toBe(false);
    expect(check(checks, "sello_sat").ok).toBe(false);
    // Pagos 1.0 cadena original is not claimed (not proven by a sample): reported as not verified.
    expect(check(checks, "sello_cfdi")).toMatchObject({ ok: null, detail: expect.stringContaining("pago10:Pagos") });
  });

  it("cfdv40-pagos20.xml and created-cfdi40-pago20-valid.xml are not stamped: rejected, nothing to store", () => {
    for (const name of ["cfdv40-pagos20.xml", "created-cfdi40-pago20-valid.xml"]) {
      expect(parseCfdi(cfdiBytes(name))).toEqual({ ok: false, code: "unstamped", reason: "CFDI sin timbrar: no contiene el complemento tfd:TimbreFiscalDigital" });
    }
  });

  it("cfdv40-pagos20.xml (with a TFD added): Pagos 2.0 with three payments and their related UUIDs", () => {
    const { cfdi } = accepted(parseCfdi(withFakeTimbre(cfdiText("cfdv40-pagos20.xml"))));
    expect(cfdi).toMatchObject({ version: "4.0", tipo: "P", emisor: { rfc: "AAA010101AAA" }, receptor: { rfc: "BASJ600902KL9", usoCFDI: "P01" }, subTotal: "0", total: "0", moneda: "XXX" });
    expect(cfdi.cfdiRelacionados).toEqual([{ tipoRelacion: "09", uuids: ["F4F09AEF-57F2-4BE0-A828-87D1A80ED61C"] }]);
    expect(cfdi.pagos?.version).toBe("2.0");
    expect(cfdi.pagos?.totales).toEqual({ MontoTotalPagos: "15166.65" });
    expect(cfdi.pagos?.pagos.map((p) => [p.fechaPago, p.monto, p.monedaP, p.doctosRelacionados.map((d) => [d.uuid, d.impPagado, d.objetoImpDR])])).toEqual([
      ["2021-12-03T12:37:13", "6066.66", "MXN", [["C1DF8D01-8436-4E7D-BECF-20F31624280D", "6066.66", "01"]]],
      ["2021-12-04T12:38:15", "5055.55", "MXN", [["CB675288-97C8-45C2-9618-27FEF433AD59", "5055.55", "01"]]],
      ["2021-12-05T12:39:43", "4044.44", "MXN", [["CB36554D-AF7B-4EBC-97CB-8C40FDFD9E20", "4044.44", "01"]]],
    ]);
    expect(paidDocumentUuids(cfdi)).toEqual(["C1DF8D01-8436-4E7D-BECF-20F31624280D", "CB675288-97C8-45C2-9618-27FEF433AD59", "CB36554D-AF7B-4EBC-97CB-8C40FDFD9E20"]);
  });

  it("created-cfdi40-pago20-valid.xml (with a TFD added): Pagos 2.0 related UUIDs, and the Sello verifies over the Pagos 2.0 cadena", () => {
    const { cfdi, checks } = accepted(parseCfdi(withFakeTimbre(cfdiText("created-cfdi40-pago20-valid.xml"))));
    expect(cfdi).toMatchObject({ tipo: "P", emisor: { rfc: "EKU9003173C9" }, receptor: { rfc: "COSC8001137NA", usoCFDI: "CP01" } });
    expect(cfdi.pagos?.totales).toEqual({ MontoTotalPagos: "15000.00", TotalTrasladosBaseIVA16: "12931.04", TotalTrasladosImpuestoIVA16: "2068.96" });
    expect(cfdi.pagos?.pagos[0]).toMatchObject({ fechaPago: "2023-06-12T17:18:19", monto: "15000.00", monedaP: "MXN", tipoCambioP: "1", numOperacion: "963852" });
    expect(cfdi.pagos?.pagos[0]?.doctosRelacionados.map((d) => [d.idDocumento, d.equivalenciaDR, d.impSaldoAnt, d.impPagado, d.impSaldoInsoluto])).toEqual([
      ["00000000-1111-2222-3333-00000000000A", "1", "12000.00", "12000.00", "0"],
      ["00000000-1111-2222-3333-00000000000B", "1", "10000.00", "3000.00", "7000.00"],
    ]);
    expect(paidDocumentUuids(cfdi)).toEqual(["00000000-1111-2222-3333-00000000000A", "00000000-1111-2222-3333-00000000000B"]);
    expect(check(checks, "sello_cfdi")).toMatchObject({ ok: true, detail: expect.stringContaining("sello válido") });
    // The added TFD is not the real one: its SelloCFD does not match.
    expect(check(checks, "tfd_sello_cfd").ok).toBe(false);
  });
});
