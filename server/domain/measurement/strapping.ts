import { fail, ok, type MeasurementError, type Result } from "./result";
import type { StrappingPoint } from "./tank-geometry";

/**
 * Strapping (capacity) tables — *cartas de calibración / cubicación* (A30-MS-03, A30-MS-12).
 *
 * Level → gross observed volume by linear interpolation between the two bracketing rows
 * (measurement-math.md §7, innage tables):
 *
 *     V = V1 + (h − h1)·(V2 − V1)/(h2 − h1)
 *
 * A level outside the certified table is an ERROR, never an extrapolation: the certificate only
 * vouches for the rows it contains, and a fiscal volume cannot come from outside it.
 *
 * Tables are versioned: a new certificate is a new version with its own `validFrom`, and a
 * reading is computed with the version valid at the reading's time (`selectStrappingTable`).
 *
 * Not applied here (document if a site needs them): the tank-shell temperature correction CTSh
 * (API MPMS 12.1.1) and floating-roof adjustments; certified tables of atmospheric service-station
 * tanks are issued at their reference shell temperature.
 */

export type { StrappingPoint } from "./tank-geometry";

/** A table that passed `validateStrappingTable` (sorted, strictly increasing level, non-decreasing volume). */
export interface ValidStrappingTable {
  readonly points: readonly StrappingPoint[];
  readonly minLevelMm: number;
  readonly maxLevelMm: number;
}

export interface StrappingTableVersion {
  /** Row id of `strapping_tables`, stored with every reading computed from it. */
  id: number;
  version: number;
  /** First instant the certificate applies. */
  validFrom: Date;
  points: StrappingPoint[];
  certificateNumber?: string | null;
}

/**
 * Checks a table: at least two rows, finite non-negative numbers, level strictly increasing
 * and volume non-decreasing row after row (rows must come sorted by level, as certified).
 */
export function validateStrappingTable(points: readonly StrappingPoint[]): Result<ValidStrappingTable> {
  if (points.length < 2) {
    return invalidTable(`la tabla de cubicación necesita al menos 2 renglones y tiene ${points.length}; cargue la tabla completa del certificado`);
  }
  for (let i = 0; i < points.length; i++) {
    const point = points[i]!;
    if (!Number.isFinite(point.levelMm) || !Number.isFinite(point.volumeL) || point.levelMm < 0 || point.volumeL < 0) {
      return invalidTable(`renglón ${i + 1} de la tabla de cubicación inválido (nivel ${point.levelMm} mm, volumen ${point.volumeL} L): nivel y volumen deben ser números no negativos`);
    }
    if (i === 0) continue;
    const previous = points[i - 1]!;
    if (point.levelMm <= previous.levelMm) {
      return invalidTable(
        `tabla de cubicación inválida: el nivel del renglón ${i + 1} (${point.levelMm} mm) no es mayor que el del renglón ${i} (${previous.levelMm} mm); los niveles deben ser estrictamente crecientes`,
      );
    }
    if (point.volumeL < previous.volumeL) {
      return invalidTable(
        `tabla de cubicación inválida: el volumen del renglón ${i + 1} (${point.volumeL} L) es menor que el del renglón ${i} (${previous.volumeL} L); el volumen no puede disminuir al subir el nivel`,
      );
    }
  }
  return ok({ points: [...points], minLevelMm: points[0]!.levelMm, maxLevelMm: points[points.length - 1]!.levelMm });
}

/** Gross observed volume (L) at a level (mm) by linear interpolation; error outside the table. */
export function volumeAtLevel(table: ValidStrappingTable, levelMm: number): Result<number> {
  if (!Number.isFinite(levelMm)) return fail("invalid_input", `nivel no numérico (${levelMm}); revise la lectura del medidor de nivel`);
  if (levelMm < table.minLevelMm || levelMm > table.maxLevelMm) {
    return fail(
      "level_out_of_table",
      `nivel ${levelMm} mm fuera de la tabla de cubicación (${table.minLevelMm}–${table.maxLevelMm} mm): no se extrapola; revise la lectura o cargue una tabla que cubra ese nivel`,
    );
  }
  const points = table.points;
  // Binary search for the last row with level ≤ levelMm.
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.levelMm <= levelMm) lo = mid;
    else hi = mid;
  }
  const p1 = points[lo]!;
  const p2 = points[hi]!;
  if (levelMm === p1.levelMm) return ok(p1.volumeL);
  if (levelMm === p2.levelMm) return ok(p2.volumeL);
  return ok(p1.volumeL + ((levelMm - p1.levelMm) * (p2.volumeL - p1.volumeL)) / (p2.levelMm - p1.levelMm));
}

export interface GrossVolumes {
  /** Volume at the product level (liquid column including water), L. */
  grossVolumeL: number;
  /** Volume at the water-bottom level, L (0 without free water). */
  waterVolumeL: number;
  /** grossVolumeL − waterVolumeL: the product's gross observed volume, L. */
  netGrossL: number;
}

/**
 * Gross volumes with free water at the bottom. The level gauge measures the whole liquid column
 * and the water interface is the bottom part of it, so the product's gross observed volume is
 *
 *     netGross = V(product level) − V(water level)
 *
 * both read from the same strapping table. A water level of 0 (or none) means no free water and
 * needs no table row. Water above the product level is an inconsistent reading (error).
 */
export function grossVolumesWithWater(table: ValidStrappingTable, levelMm: number, waterLevelMm: number | null | undefined): Result<GrossVolumes> {
  const gross = volumeAtLevel(table, levelMm);
  if (!gross.ok) return gross;
  const water = waterLevelMm ?? 0;
  if (!Number.isFinite(water) || water < 0) {
    return fail("invalid_input", `nivel de agua inválido (${waterLevelMm} mm); revise la lectura de la interfaz agua/producto`);
  }
  if (water > levelMm) {
    return fail("invalid_input", `el nivel de agua (${water} mm) es mayor que el nivel de producto (${levelMm} mm); revise las lecturas del medidor`);
  }
  if (water === 0) return ok({ grossVolumeL: gross.value, waterVolumeL: 0, netGrossL: gross.value });
  const waterVolume = volumeAtLevel(table, water);
  if (!waterVolume.ok) return waterVolume;
  return ok({ grossVolumeL: gross.value, waterVolumeL: waterVolume.value, netGrossL: gross.value - waterVolume.value });
}

/**
 * The version valid at `at`: the latest `validFrom ≤ at` (ties: highest version number). Error if
 * no version is valid yet — a reading before the first certificate cannot be computed.
 */
export function selectStrappingTable<T extends Pick<StrappingTableVersion, "validFrom" | "version">>(versions: readonly T[], at: Date): Result<T> {
  let selected: T | undefined;
  for (const candidate of versions) {
    if (candidate.validFrom.getTime() > at.getTime()) continue;
    if (
      !selected ||
      candidate.validFrom.getTime() > selected.validFrom.getTime() ||
      (candidate.validFrom.getTime() === selected.validFrom.getTime() && candidate.version > selected.version)
    ) {
      selected = candidate;
    }
  }
  if (!selected) {
    return fail(
      "no_strapping_table_version",
      `no hay tabla de cubicación vigente al ${at.toISOString()}: registre el certificado de calibración del tanque con su fecha de inicio de vigencia`,
    );
  }
  return ok(selected);
}

function invalidTable(message: string): { ok: false; error: MeasurementError } {
  return fail("invalid_strapping_table", message);
}
