import { parseArgs } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { vcfCommand } from "../../../../server/cli/vcf-command";

/** Runs `aforo vcf <args>` through the same parseArgs call as server/cli/main.ts, capturing stdout. */
async function runVcf(args: string[]): Promise<{ code: number; output: Record<string, unknown> }> {
  const parsed = parseArgs({ args, options: vcfCommand.options, allowPositionals: false, strict: true });
  let stdout = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    const code = await vcfCommand.run!(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
    return { code, output: JSON.parse(stdout) as Record<string, unknown> };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("aforo vcf (design.md §3 CLI contract)", () => {
  it("has the Command shape: name, summary, usage, options", () => {
    expect(vcfCommand.name).toBe("vcf");
    expect(vcfCommand.summary).toContain("API MPMS 11.1-2004");
    expect(vcfCommand.usage).toContain("--group crude|refined|transition|lube|alpha|lpg");
    expect(Object.keys(vcfCommand.options).sort()).toEqual(
      [
        "group",
        "alpha60",
        "api60",
        "rd60",
        "density60",
        "base-density",
        "base",
        "observed-density",
        "observed-api",
        "observed-rd",
        "temp-c",
        "temp-f",
        "pressure-kpa",
        "pressure-psig",
      ].sort(),
    );
  });

  it("A30-MS-08 crude 772.3 kg/m³ @ 20 °C at −32.8 °C → ctl 1.05331266825, vcf 1.05331 (measurement-math.md check value)", async () => {
    const { code, output } = await runVcf(["--group", "crude", "--base-density", "772.3", "--base", "20", "--temp-c=-32.8"]);
    expect(code).toBe(0);
    expect(Object.keys(output)).toEqual(["ctl", "cpl", "ctpl", "vcf", "baseDensityKgM3", "procedure"]);
    expect(Math.abs((output.ctl as number) - 1.05331266825)).toBeLessThan(1e-11);
    expect(output).toMatchObject({ cpl: 1, ctpl: 1.05331, vcf: 1.05331, baseDensityKgM3: 772.3 });
    expect(output.procedure).toContain("§11.1.7");
  });

  it("§11.1.6.1 Ex 1 with --api60 and --temp-f: ctl 1.033011591958 unrounded, vcf 1.03301", async () => {
    const { code, output } = await runVcf(["--group", "crude", "--api60", "17.785", "--temp-f=-27.7"]);
    expect(code).toBe(0);
    expect(Math.abs((output.ctl as number) - 1.033011591958)).toBeLessThan(1e-10);
    expect(output.vcf).toBe(1.03301);
    expect(output.procedure).toContain("Tabla 6A");
  });

  it("§11.1.6.1 Ex 6 with --density60 and --pressure-psig rounds cpl and ctpl to 5 decimals", async () => {
    const { code, output } = await runVcf(["--group", "refined", "--density60", "657.3", "--temp-f", "27.3", "--pressure-psig", "1234.5"]);
    expect(code).toBe(0);
    expect(output).toMatchObject({ cpl: 1.01242, ctpl: 1.03922, vcf: 1.02648 });
  });

  it("§11.1.6.2 Ex 1 with --observed-density --base 60F gives the base density", async () => {
    const { code, output } = await runVcf(["--group", "crude", "--observed-density", "823.7", "--base", "60F", "--temp-f", "80.3", "--pressure-psig=-5"]);
    expect(code).toBe(0);
    expect(Math.abs((output.baseDensityKgM3 as number) - 832.048516184234)).toBeLessThan(1e-7);
    expect(output.vcf).toBe(0.98997);
  });

  it("§11.1.7.2 Ex 1 with --observed-density --base 15 and --pressure-kpa", async () => {
    const { code, output } = await runVcf(["--group", "refined", "--observed-density", "657.3", "--base", "15", "--temp-c", "27.35", "--pressure-kpa", "1234"]);
    expect(code).toBe(0);
    expect(Math.abs((output.ctl as number) - 0.982192367319)).toBeLessThan(1e-10);
    expect(Math.abs((output.baseDensityKgM3 as number) - 667.718347529613)).toBeLessThan(1e-7);
    expect(output.ctpl).toBe(0.9844);
  });

  it("--observed-api and --observed-rd (§11.1.6.2 Ex 4 and Ex 3)", async () => {
    const api = await runVcf(["--group", "refined", "--observed-api", "41.4", "--base", "60F", "--temp-f", "72", "--pressure-psig", "375"]);
    expect(api.code).toBe(0);
    expect(Math.abs((api.output.baseDensityKgM3 as number) - 820.670624131605)).toBeLessThan(1e-7);
    const rd = await runVcf(["--group", "refined", "--observed-rd", "0.8665", "--base", "60F", "--temp-f", "68", "--pressure-psig", "11"]);
    expect(rd.code).toBe(0);
    expect(Math.abs((rd.output.baseDensityKgM3 as number) - 868.722680008428)).toBeLessThan(1e-7);
  });

  it("--group transition forces the sub-group; --group alpha uses --alpha60 (§11.1.6.1 Ex 7)", async () => {
    const transition = await runVcf(["--group", "transition", "--api60", "48.0015", "--temp-f", "55.9", "--pressure-psig", "350"]);
    expect(transition.code).toBe(0);
    expect(Math.abs((transition.output.ctl as number) - 1.002182725702)).toBeLessThan(1e-10);
    expect(transition.output.procedure).toContain("zona de transición");
    const alpha = await runVcf(["--group", "alpha", "--alpha60", "0.000732185", "--rd60", "1.0537", "--temp-f", "97.7", "--pressure-psig", "287.4"]);
    expect(alpha.code).toBe(0);
    expect(Math.abs((alpha.output.ctl as number) - 0.9721737956968)).toBeLessThan(1e-10);
  });

  it("Mexican petrolífero: gasoline observed density corrected to 20 °C", async () => {
    const { code, output } = await runVcf(["--group", "refined", "--observed-density", "745", "--base", "20", "--temp-c", "30"]);
    expect(code).toBe(0);
    expect(output.vcf as number).toBeLessThan(1);
    expect(output.procedure).toContain("Tablas 59B/60B");
  });

  it.each<[string, string[], string]>([
    ["missing --group", ["--api60", "30", "--temp-c", "20"], "falta --group"],
    ["unknown --group", ["--group", "diesel", "--api60", "30", "--temp-c", "20"], "no reconocido"],
    ["no density", ["--group", "crude", "--temp-c", "20"], "falta la densidad"],
    ["two densities", ["--group", "crude", "--api60", "30", "--density60", "850", "--temp-c", "20"], "una sola densidad"],
    ["no temperature", ["--group", "crude", "--api60", "30"], "falta la temperatura"],
    ["two temperatures", ["--group", "crude", "--api60", "30", "--temp-c", "20", "--temp-f", "68"], "solo una temperatura"],
    ["two pressures", ["--group", "crude", "--api60", "30", "--temp-c", "20", "--pressure-kpa", "5", "--pressure-psig", "1"], "solo una presión"],
    ["--alpha60 without --group alpha", ["--group", "crude", "--alpha60", "0.0005", "--api60", "30", "--temp-c", "20"], "--alpha60"],
    ["--group alpha without --alpha60", ["--group", "alpha", "--api60", "30", "--temp-c", "20"], "--alpha60"],
    ["--base-density without --base", ["--group", "crude", "--base-density", "850", "--temp-c", "20"], "--base 15|20"],
    ["--base-density --base 60F", ["--group", "crude", "--base-density", "850", "--base", "60F", "--temp-c", "20"], "--density60"],
    ["observed without --base", ["--group", "crude", "--observed-density", "850", "--temp-c", "20"], "--base 60F|15|20"],
    ["--base 15.56 (A30-MS-08: that is 60 °F)", ["--group", "crude", "--observed-density", "850", "--base", "15.56", "--temp-c", "20"], "60F"],
    ["not a number", ["--group", "crude", "--api60", "treinta", "--temp-c", "20"], "se esperaba un número"],
    ["temperature outside −50…150 °C", ["--group", "crude", "--api60", "30", "--temp-c", "150.5"], "fuera del intervalo"],
    ["pressure above 1500 psig", ["--group", "crude", "--api60", "30", "--temp-c", "20", "--pressure-psig", "1500.5"], "fuera del intervalo"],
    ["density outside the group", ["--group", "lube", "--density60", "790", "--temp-c", "20"], "fuera del intervalo"],
    ["LPG (API 11.2.4)", ["--group", "lpg", "--rd60", "0.507", "--temp-c", "20"], "LPG (API 11.2.4) no implementado"],
  ])("exit 2 with {error} for %s", async (_name, args, message) => {
    const { code, output } = await runVcf(args);
    expect(code).toBe(2);
    expect(Object.keys(output)).toEqual(["error"]);
    expect(output.error).toContain(message);
  });
});
