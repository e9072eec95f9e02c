/**
 * Exact decimal quantities for the inventory balance and the inconsistency rules (A30-INC-01…05).
 * A volume is a `Milli`: a BigInt count of 0.001 units (litres, m³, barrels…), the resolution at
 * which the SAT reports volumes and at which stocks are compared for equality (A30-INC common text).
 * No binary floating point takes part in any comparison: 19,899.980 is 19899980n, and
 * |m − b| · 100 > 0.5 · |b| is decided on integers.
 */
export type Milli = bigint;

export const MILLI_PER_UNIT = 1000n;

const DECIMAL_PATTERN = /^([+-]?)(\d+)(?:\.(\d*))?$/;

/**
 * Parses a decimal string ("18250", "-12.5", "19899.980") or a finite number into 0.001 units.
 * More than three decimals are rounded half away from zero (like PostgreSQL `round(x, 3)`).
 * Numbers are read through their shortest round-trip decimal form (JavaScript `String(n)`), so
 * 19899.98 is exactly 19899.980, not 19899.97999999999956…
 */
export function toMilli(value: number | string): Milli {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`volumen no finito: ${value}`);
    text = String(value);
    if (/e/i.test(text)) text = expandExponent(text);
  } else {
    text = value.trim();
  }
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) throw new RangeError(`número decimal inválido: "${value}"`);
  const negative = match[1] === "-";
  const integer = BigInt(match[2]!);
  const fraction = match[3] ?? "";
  const kept = BigInt((fraction.slice(0, 3) + "000").slice(0, 3));
  const roundUp = fraction.length > 3 && fraction.charCodeAt(3) >= 53; // '5'
  const magnitude = integer * MILLI_PER_UNIT + kept + (roundUp ? 1n : 0n);
  return negative ? -magnitude : magnitude;
}

/** "1.5e-7" → "0.00000015" (exact, digit manipulation only). */
function expandExponent(text: string): string {
  const match = /^([+-]?)(\d+)(?:\.(\d+))?e([+-]?\d+)$/i.exec(text);
  if (!match) throw new RangeError(`número inválido: ${text}`);
  const sign = match[1] === "-" ? "-" : "";
  const digits = match[2]! + (match[3] ?? "");
  const point = match[2]!.length + Number(match[4]);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

export function abs(value: Milli): Milli {
  return value < 0n ? -value : value;
}

/** "18250.000", "-120.000": the fixed three-decimal form stored in numeric(18,3) columns. */
export function milliToString(value: Milli): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const integer = magnitude / MILLI_PER_UNIT;
  const fraction = (magnitude % MILLI_PER_UNIT).toString().padStart(3, "0");
  return `${negative ? "-" : ""}${integer}.${fraction}`;
}

/** The JSON number of a volume (the nearest double to the exact decimal; used for output only). */
export function milliToNumber(value: Milli): number {
  return Number(milliToString(value));
}

/**
 * |difference| / |base| × 100 rounded half-up to `decimals` decimals, as a decimal string, or
 * null when base = 0 (A30-INC-01 decision: the percentage is not defined; reported as null).
 */
export function percentString(difference: Milli, base: Milli, decimals: number): string | null {
  if (base === 0n) return null;
  const scale = 10n ** BigInt(decimals);
  const numerator = abs(difference) * 100n * scale;
  const denominator = abs(base);
  const quotient = numerator / denominator;
  const rounded = (numerator % denominator) * 2n >= denominator ? quotient + 1n : quotient;
  if (decimals === 0) return rounded.toString();
  const text = rounded.toString().padStart(decimals + 1, "0");
  return `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
}

/**
 * Is |difference| / |base| × 100 strictly greater than `limitPct`? Decided exactly on integers:
 * |d| · 100 · 10^k > L · |b| where L = limitPct · 10^k is an integer. A base of 0 makes any non-zero
 * difference exceed the limit (A30-INC-01 decision).
 */
export function exceedsPercent(difference: Milli, base: Milli, limitPct: string): boolean {
  if (base === 0n) return difference !== 0n;
  const match = /^(\d+)(?:\.(\d+))?$/.exec(limitPct);
  if (!match) throw new RangeError(`límite porcentual inválido: ${limitPct}`);
  const fraction = match[2] ?? "";
  const scale = 10n ** BigInt(fraction.length);
  const limitScaled = BigInt(match[1]! + fraction);
  return abs(difference) * 100n * scale > limitScaled * abs(base);
}
