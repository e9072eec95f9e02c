/**
 * Exact decimal arithmetic for CFDI amounts (A30-CFDI-08): a value is a BigInt count of 10^-scale
 * units, so "8.620690" + "853.448276" is exactly 862.068966 and no binary float takes part in a
 * comparison. (reconciliation/decimal.ts works in fixed 0.001 units and rounds beyond three
 * decimals; CFDI amounts carry up to six, so that helper does not fit here.)
 */
export interface Decimal {
  /** Signed integer count of 10^-scale units. */
  units: bigint;
  scale: number;
}

/** SAT t_Importe-like text: optional sign, digits, optional fraction (no exponent, no grouping). */
const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** Parses "1000.00", "0", "-12.5" exactly; null when the text is not a plain decimal number. */
export function parseDecimal(text: string | null | undefined): Decimal | null {
  if (text === null || text === undefined) return null;
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match) return null;
  const fraction = match[3] ?? "";
  const magnitude = BigInt(match[2]! + fraction);
  return { units: match[1] === "-" ? -magnitude : magnitude, scale: fraction.length };
}

export const ZERO: Decimal = { units: 0n, scale: 0 };

function rescale(value: Decimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

export function add(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  return add(a, { units: -b.units, scale: b.scale });
}

export function sum(values: Decimal[]): Decimal {
  return values.reduce(add, ZERO);
}

/** −1, 0 or 1. */
export function compare(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const d = rescale(a, scale) - rescale(b, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

export function absolute(value: Decimal): Decimal {
  return value.units < 0n ? { units: -value.units, scale: value.scale } : value;
}

/** Exact text with the value's own scale: {units: 862068966n, scale: 6} → "862.068966". */
export function formatDecimal(value: Decimal): string {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, "0");
  const text = value.scale === 0 ? digits : `${digits.slice(0, -value.scale)}.${digits.slice(-value.scale)}`;
  return negative ? `-${text}` : text;
}
