import { formatNumber } from "../../_lib/format";

/** Display helpers of the CFDI screens (es-MX). Amounts are the stored decimal text, grouped without floats (A30-CFDI-08). */

export const CFDI_TYPE_LABEL: Record<string, string> = { I: "Ingreso", E: "Egreso", T: "Traslado", P: "Pago" };
export const PURPOSE_LABEL: Record<string, string> = { acquisition: "Adquisición", sale: "Venta", service: "Servicio", payment: "Pago" };
export const OPERATION_TYPE_LABEL: Record<string, string> = { reception: "Recepción", delivery: "Entrega" };
export const STATUS_LABEL: Record<string, string> = {
  vigente: "vigente",
  en_proceso_cancelacion: "en proceso de cancelación",
  cancelacion_solicitada: "cancelación solicitada",
  cancelado: "cancelado",
};
export const UNIT_SYMBOL: Record<string, string> = { UM01: "bbl", UM02: "ft³", UM03: "L", UM04: "m³" };

/** "430069.12" → "430,069.12" (the text's own decimals kept). */
export function groupAmount(text: string): string {
  const negative = text.startsWith("-");
  const [integer = "0", fraction] = (negative ? text.slice(1) : text).split(".");
  const grouped = integer.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${fraction !== undefined ? `.${fraction}` : ""}`;
}

export function volumeText(volume: number, unit: string): string {
  return `${formatNumber(volume, 3)} ${UNIT_SYMBOL[unit] ?? unit}`;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function dateTime(iso: string, timeZone = "America/Mexico_City"): string {
  let format = dateTimeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("es-MX", { timeZone, dateStyle: "short", timeStyle: "short", hourCycle: "h23" });
    dateTimeFormats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}
