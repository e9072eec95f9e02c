/**
 * Tank geometry → gross observed volume. Used to generate the demo site's strapping tables
 * (a real site loads its certified table, A30-MS-03 / A30-MS-12) and by the site simulator to
 * turn the physical model's liquid volume into a level. Pure functions.
 */

export type TankGeometry =
  | { kind: "horizontal-cylinder"; diameterMm: number; lengthMm: number }
  | { kind: "vertical-cylinder"; diameterMm: number; heightMm: number };

/** Total internal volume in litres. */
export function tankCapacityL(geometry: TankGeometry): number {
  return volumeAtLevelL(geometry, geometryHeightMm(geometry));
}

/** Usable height of the shell (diameter for a horizontal cylinder). */
export function geometryHeightMm(geometry: TankGeometry): number {
  return geometry.kind === "horizontal-cylinder" ? geometry.diameterMm : geometry.heightMm;
}

/**
 * Liquid volume (litres) at a given level. Horizontal cylinder: circular-segment area × length
 * (flat heads; real tanks with dished heads are covered by their certified strapping table).
 */
export function volumeAtLevelL(geometry: TankGeometry, levelMm: number): number {
  const height = geometryHeightMm(geometry);
  const h = Math.min(Math.max(levelMm, 0), height);
  if (geometry.kind === "vertical-cylinder") {
    const r = geometry.diameterMm / 2;
    return (Math.PI * r * r * h) / 1e6;
  }
  const r = geometry.diameterMm / 2;
  const segmentAreaMm2 = r * r * Math.acos((r - h) / r) - (r - h) * Math.sqrt(2 * r * h - h * h);
  return (segmentAreaMm2 * geometry.lengthMm) / 1e6;
}

/** Inverse of volumeAtLevelL by bisection (volume is monotonic in level). */
export function levelAtVolumeMm(geometry: TankGeometry, volumeL: number): number {
  const height = geometryHeightMm(geometry);
  if (volumeL <= 0) return 0;
  if (volumeL >= tankCapacityL(geometry)) return height;
  let lo = 0;
  let hi = height;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (volumeAtLevelL(geometry, mid) < volumeL) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface StrappingPoint {
  levelMm: number;
  volumeL: number;
}

/** A strapping table with one point every `stepMm` (last point at full height). */
export function strappingTableFromGeometry(geometry: TankGeometry, stepMm: number): StrappingPoint[] {
  const height = geometryHeightMm(geometry);
  const points: StrappingPoint[] = [];
  for (let level = 0; level < height; level += stepMm) {
    points.push({ levelMm: level, volumeL: round3(volumeAtLevelL(geometry, level)) });
  }
  points.push({ levelMm: height, volumeL: round3(volumeAtLevelL(geometry, height)) });
  return points;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
