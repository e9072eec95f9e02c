import type { SqlExecutor } from "../../../db/client";
import { localDate, zonedInstant } from "../../domain/reconciliation/periods";

/** Who imports or links: a user, or the system ('sistema', userId null) for the watched folder and automatic links. */
export interface CfdiActor {
  userId: number | null;
  username: string;
}

export const SYSTEM_ACTOR: CfdiActor = { userId: null, username: "sistema" };

export class CfdiError extends Error {
  constructor(
    readonly code: "invalid" | "not_found" | "conflict",
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_TIME_ZONE = "America/Mexico_City";

export const UNIT_LABEL: Record<string, string> = { UM01: "bbl", UM02: "ft³", UM03: "L", UM04: "m³" };
export const OPERATION_LABEL = { reception: "recepción", delivery: "entrega" } as const;
export const PURPOSE_LABEL = { acquisition: "adquisición", sale: "venta", service: "servicio", payment: "pago" } as const;
export type CfdiPurpose = keyof typeof PURPOSE_LABEL;
/** A30-CFDI-05: the operation type each purpose links to (services: any). */
export const OPERATION_FOR_PURPOSE: Partial<Record<CfdiPurpose, "reception" | "delivery">> = { acquisition: "reception", sale: "delivery" };

/**
 * The zone a taxpayer's CFDI dates are read in: the Fecha of a CFDI has no offset (it is the local
 * time of the LugarExpedicion); Aforo reads it in the zone of the taxpayer's first installation
 * (America/Mexico_City when there is none), and shows and matches it by that local date.
 */
export async function taxpayerTimeZone(db: SqlExecutor, taxpayerId: number): Promise<string> {
  const [row] = await db.query<{ time_zone: string }>("select time_zone from installations where taxpayer_id = $1 order by id limit 1", [taxpayerId]);
  return row?.time_zone ?? DEFAULT_TIME_ZONE;
}

const FECHA = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}):(\d{2})$/;

/** Instant of a CFDI Fecha/FechaTimbrado ("2026-10-31T10:15:00", no offset) read in `timeZone`; null when malformed. */
export function cfdiInstant(fecha: string | null, timeZone: string): Date | null {
  const m = fecha ? FECHA.exec(fecha.trim()) : null;
  if (!m) return null;
  try {
    return new Date(zonedInstant(m[1]!, m[2]!, timeZone).getTime() + Number(m[3]) * 1000);
  } catch {
    return null;
  }
}

export { localDate };

/** Numeric text from the database (pg returns numeric as string) to number, null kept. */
export function num(value: string | number | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/**
 * A numeric column's text (pg pads to the column scale: "21.500000") shown with the CFDI's decimals
 * (A30-CFDI-08): trailing zeros beyond `minDecimals` are dropped, significant digits never are
 * ("21.503456" stays "21.503456"; "21.500000" with 2 → "21.50"; "20000.000000" with 0 → "20000").
 */
export function decimalText(value: string | number | null, minDecimals: number): string | null {
  if (value === null) return null;
  const s = String(value);
  const dot = s.indexOf(".");
  if (dot < 0) return minDecimals > 0 ? `${s}.${"0".repeat(minDecimals)}` : s;
  let fraction = s.slice(dot + 1).replace(/0+$/, "");
  if (fraction.length < minDecimals) fraction = fraction.padEnd(minDecimals, "0");
  return fraction.length > 0 ? `${s.slice(0, dot)}.${fraction}` : s.slice(0, dot);
}
