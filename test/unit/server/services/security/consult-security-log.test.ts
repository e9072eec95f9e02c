import { describe, expect, it } from "vitest";
import { z } from "zod";
import { csvCell, exportFormatSchema, securityLogFiltersSchema } from "../../../../../server/services/security/consult-security-log";

/** A30-SEC-10 / A30-SEC-15: the boundary schema of the security-log consultation and export. */
function errorOf(input: Record<string, unknown>): string {
  const result = securityLogFiltersSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? "" : z.prettifyError(result.error);
}

describe("securityLogFiltersSchema (query-string filters of the security log)", () => {
  it("defaults: page 1, 100 per page, no filters; blank form fields mean no filter", () => {
    expect(securityLogFiltersSchema.parse({})).toEqual({ page: 1, pageSize: 100 });
    expect(securityLogFiltersSchema.parse({ from: "", to: " ", username: "", event: "", outcome: "", ip: "", page: "", pageSize: "" })).toEqual({
      page: 1,
      pageSize: 100,
    });
  });

  it("accepts dates, instants, a known event and outcome, an IP or CIDR; lower-cases the user; coerces paging", () => {
    expect(
      securityLogFiltersSchema.parse({
        from: "2026-11-01",
        to: "2026-11-05T09:30:00-06:00",
        username: " Operador ",
        event: "login_failed",
        outcome: "denied",
        ip: "10.0.0.0/24",
        page: "3",
        pageSize: "500",
      }),
    ).toEqual({ from: "2026-11-01", to: "2026-11-05T09:30:00-06:00", username: "operador", event: "login_failed", outcome: "denied", ip: "10.0.0.0/24", page: 3, pageSize: 500 });
    expect(securityLogFiltersSchema.parse({ ip: "2001:db8::1" }).ip).toBe("2001:db8::1");
    expect(securityLogFiltersSchema.parse({ pageSize: "1" }).pageSize).toBe(1);
  });

  it("rejects bad dates with an actionable message", () => {
    expect(errorOf({ from: "05/11/2026" })).toContain("fecha AAAA-MM-DD");
    expect(errorOf({ to: "2026-02-30" })).toContain("fecha inválida");
    expect(errorOf({ from: "2026-13-01" })).toContain("fecha inválida");
    expect(errorOf({ from: "2026-11-05", to: "2026-11-01" })).toContain("«desde» debe ser anterior");
  });

  it("rejects page sizes 0 and 501, non-integer and < 1 pages", () => {
    expect(errorOf({ pageSize: "0" })).toContain("registros por página: de 1 a 500");
    expect(errorOf({ pageSize: "501" })).toContain("registros por página: de 1 a 500");
    expect(errorOf({ pageSize: "muchos" })).toContain("registros por página");
    expect(errorOf({ page: "0" })).toContain("página: un número entero ≥ 1");
    expect(errorOf({ page: "1.5" })).toContain("página: un número entero ≥ 1");
  });

  it("rejects an unknown event or outcome, listing the valid ones", () => {
    const message = errorOf({ event: "drop_table" });
    expect(message).toContain("evento desconocido");
    expect(message).toContain("login_failed");
    expect(errorOf({ outcome: "ok" })).toContain("resultado desconocido");
  });

  it("rejects a user name over 64 characters and an IP that is not one (e.g. injection)", () => {
    expect(errorOf({ username: "a".repeat(65) })).toContain("hasta 64 caracteres");
    expect(securityLogFiltersSchema.parse({ username: "a".repeat(64) }).username).toHaveLength(64);
    expect(errorOf({ ip: "10.0.0.1' or '1'='1" })).toContain("dirección IP inválida");
    expect(errorOf({ ip: "300.1.1.1" })).toContain("dirección IP inválida");
  });
});

describe("exportFormatSchema", () => {
  it("accepts exactly csv and json", () => {
    expect(exportFormatSchema.parse("csv")).toBe("csv");
    expect(exportFormatSchema.parse("json")).toBe("json");
  });

  it.each(["../../etc/passwd", "csv/../../x", "/etc/passwd", "CSV", "xlsx", "", "csv\u0000"])("rejects %j", (format) => {
    const result = exportFormatSchema.safeParse(format);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues[0]!.message).toBe("formato de exportación: csv o json");
  });
});

describe("csvCell (RFC 4180 + formula injection, OWASP)", () => {
  it("leaves plain values as they are", () => {
    expect(csvCell("operador")).toBe("operador");
    expect(csvCell("10.0.0.5")).toBe("10.0.0.5");
    expect(csvCell(null)).toBe("");
  });

  it("quotes commas, quotes and newlines, doubling quotes", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('di "hola"')).toBe('"di ""hola"""');
    expect(csvCell("uno\ndos")).toBe('"uno\ndos"');
    expect(csvCell("uno\r\ndos")).toBe('"uno\r\ndos"');
  });

  it.each(["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])("prefixes %j with ' so a spreadsheet does not run it", (value) => {
    expect(csvCell(value).replace(/^"/, "").startsWith(`'${value[0]}`)).toBe(true);
  });

  it("combines both: leading = with a quote, a comma and a newline", () => {
    expect(csvCell('=HYPERLINK("x"),a\nb')).toBe(`"'=HYPERLINK(""x""),a\nb"`);
  });
});
