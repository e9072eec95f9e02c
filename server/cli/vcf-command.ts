import {
  calculateVcf,
  type BaseTemperature,
  type CommoditySelection,
  type DensityInput,
  type PressureInput,
  type TemperatureInput,
  type VcfRequest,
} from "../domain/measurement/index";
import type { Command } from "./commands";
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, printJson } from "./output";

/**
 * `aforo vcf` — API MPMS 11.1-2004 calculator (design.md §3, CLI contract). Parses and checks the
 * flags, calls the pure domain calculation and prints
 * `{"ctl","cpl","ctpl","vcf","baseDensityKgM3","procedure"}`:
 *   - ctl: CTL unrounded (audit);
 *   - cpl, ctpl: rounded to 5 decimals (§11.1.5.4);
 *   - vcf: CTL rounded to 5 decimals as the standard rounds it;
 *   - baseDensityKgM3: density at the base temperature corrected to, unrounded.
 * Bad, missing or contradictory flags and inputs outside the standard's range → exit 2 with
 * `{"error":"…"}`. Mexico (A30-MS-08): petrolíferos `--base 20`, crude and condensates `--base 60F`.
 */

const USAGE =
  "aforo vcf --group crude|refined|transition|lube|alpha|lpg [--alpha60 POR_GRADO_F] " +
  "(--api60 G | --rd60 RD | --density60 KG_M3 | --base-density KG_M3 --base 15|20 | " +
  "--observed-density KG_M3 --base 60F|15|20 | --observed-api G --base 60F|15|20 | --observed-rd RD --base 60F|15|20) " +
  "(--temp-c C | --temp-f F) [--pressure-kpa KPA | --pressure-psig PSI]   " +
  "(grupos refinados también: gasoline|jet|fuel-oil; presión manométrica; valores negativos con '=': --temp-c=-32.8)";

const DENSITY_FLAGS = ["api60", "rd60", "density60", "base-density", "observed-density", "observed-api", "observed-rd"] as const;
type DensityFlag = (typeof DENSITY_FLAGS)[number];

const GROUPS: Record<string, (alpha60: number | undefined) => CommoditySelection> = {
  crude: () => ({ kind: "crude" }),
  refined: () => ({ kind: "refined" }),
  gasoline: () => ({ kind: "refined", subGroup: "gasoline" }),
  transition: () => ({ kind: "refined", subGroup: "transition" }),
  jet: () => ({ kind: "refined", subGroup: "jet" }),
  "fuel-oil": () => ({ kind: "refined", subGroup: "fuel-oil" }),
  lube: () => ({ kind: "lube" }),
  alpha: (alpha60) => ({ kind: "special", alpha60PerF: alpha60 ?? Number.NaN }),
  lpg: () => ({ kind: "lpg" }),
};

class FlagError extends Error {}

export const vcfCommand: Command = {
  name: "vcf",
  summary: "Calculadora API MPMS 11.1-2004 (CTL, CPL, VCF)",
  usage: USAGE,
  options: {
    group: { type: "string" },
    alpha60: { type: "string" },
    api60: { type: "string" },
    rd60: { type: "string" },
    density60: { type: "string" },
    "base-density": { type: "string" },
    base: { type: "string" },
    "observed-density": { type: "string" },
    "observed-api": { type: "string" },
    "observed-rd": { type: "string" },
    "temp-c": { type: "string" },
    "temp-f": { type: "string" },
    "pressure-kpa": { type: "string" },
    "pressure-psig": { type: "string" },
  },
  async run(values) {
    let request: VcfRequest;
    try {
      request = parseVcfFlags(values);
    } catch (error) {
      if (!(error instanceof FlagError)) throw error;
      printJson({ error: error.message });
      return EXIT_BAD_INPUT;
    }
    const result = calculateVcf(request);
    if (!result.ok) {
      printJson({ error: result.error.message });
      return result.error.code === "not_converged" ? EXIT_FAILURE : EXIT_BAD_INPUT;
    }
    const { ctl, rounded, vcf, baseDensityKgM3, procedure } = result.value;
    printJson({ ctl, cpl: rounded.cpl, ctpl: rounded.ctpl, vcf, baseDensityKgM3, procedure });
    return EXIT_OK;
  },
};

/** Flags → domain request; throws FlagError (exit 2) for missing, malformed or contradictory flags. */
export function parseVcfFlags(values: Record<string, string | boolean | undefined>): VcfRequest {
  const text = (name: string): string | undefined => {
    const value = values[name];
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw new FlagError(`--${name} requiere un valor`);
    return value;
  };

  const groupName = text("group");
  if (groupName === undefined) throw new FlagError("falta --group crude|refined|transition|lube|alpha|lpg");
  const makeGroup = GROUPS[groupName];
  if (!makeGroup) throw new FlagError(`--group ${groupName} no reconocido; use crude, refined, transition, lube, alpha o lpg (o gasoline, jet, fuel-oil)`);
  const alphaText = text("alpha60");
  if (groupName === "alpha" && alphaText === undefined) throw new FlagError("--group alpha requiere --alpha60 (coeficiente de expansión a 60 °F, 1/°F)");
  if (groupName !== "alpha" && alphaText !== undefined) throw new FlagError("--alpha60 solo se usa con --group alpha");
  const commodity = makeGroup(alphaText === undefined ? undefined : number("alpha60", alphaText));

  const given = DENSITY_FLAGS.filter((flag) => text(flag) !== undefined);
  if (given.length === 0) throw new FlagError(`falta la densidad: indique una de ${DENSITY_FLAGS.map((f) => `--${f}`).join(", ")}`);
  if (given.length > 1) throw new FlagError(`indique una sola densidad; se recibieron ${given.map((f) => `--${f}`).join(" y ")}`);
  const densityFlag = given[0]!;
  const densityValue = number(densityFlag, text(densityFlag)!);
  const baseText = text("base");
  const { density, base } = densityAndBase(densityFlag, densityValue, baseText);

  const tempC = text("temp-c");
  const tempF = text("temp-f");
  if (tempC !== undefined && tempF !== undefined) throw new FlagError("indique solo una temperatura: --temp-c o --temp-f");
  if (tempC === undefined && tempF === undefined) throw new FlagError("falta la temperatura observada: --temp-c C o --temp-f F");
  const temperature: TemperatureInput = tempC !== undefined ? { unit: "C", value: number("temp-c", tempC) } : { unit: "F", value: number("temp-f", tempF!) };

  const kpa = text("pressure-kpa");
  const psig = text("pressure-psig");
  if (kpa !== undefined && psig !== undefined) throw new FlagError("indique solo una presión: --pressure-kpa o --pressure-psig");
  const pressure: PressureInput | undefined =
    kpa !== undefined ? { unit: "kPa", value: number("pressure-kpa", kpa) } : psig !== undefined ? { unit: "psig", value: number("pressure-psig", psig) } : undefined;

  return { commodity, density, temperature, pressure, base };
}

function densityAndBase(flag: DensityFlag, value: number, baseText: string | undefined): { density: DensityInput; base: BaseTemperature } {
  const base = baseText === undefined ? undefined : parseBase(baseText);
  switch (flag) {
    case "api60":
      return { density: { kind: "api60", apiGravity: value }, base: base ?? "60F" };
    case "rd60":
      return { density: { kind: "rd60", relativeDensity: value }, base: base ?? "60F" };
    case "density60":
      return { density: { kind: "density60", densityKgM3: value }, base: base ?? "60F" };
    case "base-density":
      if (base === undefined) throw new FlagError("--base-density requiere --base 15|20 (temperatura a la que está expresada la densidad)");
      if (base === "60F") throw new FlagError("--base-density con --base 60F: para densidad a 60 °F use --density60");
      return { density: { kind: "base-density", densityKgM3: value, base }, base };
    case "observed-density":
    case "observed-api":
    case "observed-rd": {
      if (base === undefined) throw new FlagError(`--${flag} requiere --base 60F|15|20 (base a la que se corrige; México: petrolíferos 20, crudo y condensados 60F)`);
      const density: DensityInput =
        flag === "observed-density"
          ? { kind: "observed-density", densityKgM3: value }
          : flag === "observed-api"
            ? { kind: "observed-api", apiGravity: value }
            : { kind: "observed-rd", relativeDensity: value };
      return { density, base };
    }
  }
}

function parseBase(text: string): BaseTemperature {
  const normalized = text.trim().toUpperCase();
  if (normalized === "60F" || normalized === "60") return "60F";
  if (normalized === "15" || normalized === "15C") return "15C";
  if (normalized === "20" || normalized === "20C") return "20C";
  if (normalized === "15.56" || normalized === "15.56C") {
    throw new FlagError("--base 15.56 no es una base de cálculo: 15.56 °C de Anexo 30 es 60 °F; use --base 60F");
  }
  throw new FlagError(`--base ${text} no reconocida; use 60F, 15 o 20`);
}

/** Strict decimal number (optionally with exponent, e.g. 4.46759e-4); anything else is a flag error. */
function number(flag: string, text: string): number {
  const trimmed = text.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) throw new FlagError(`--${flag} ${text}: se esperaba un número`);
  const value = Number(trimmed);
  if (!Number.isFinite(value)) throw new FlagError(`--${flag} ${text}: se esperaba un número finito`);
  return value;
}
