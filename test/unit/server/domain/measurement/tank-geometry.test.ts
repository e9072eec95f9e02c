import { describe, expect, it } from "vitest";
import {
  levelAtVolumeMm,
  strappingTableFromGeometry,
  tankCapacityL,
  volumeAtLevelL,
  type TankGeometry,
} from "../../../../../server/domain/measurement/tank-geometry";

const horizontal: TankGeometry = { kind: "horizontal-cylinder", diameterMm: 2900, lengthMm: 9100 };
const vertical: TankGeometry = { kind: "vertical-cylinder", diameterMm: 18000, heightMm: 14000 };

describe("tank geometry (demo strapping tables, A30-MS-03)", () => {
  it("horizontal cylinder capacity is π r² L", () => {
    expect(tankCapacityL(horizontal)).toBeCloseTo((Math.PI * 1450 ** 2 * 9100) / 1e6, 6);
  });

  it("horizontal cylinder is exactly half full at half the diameter", () => {
    expect(volumeAtLevelL(horizontal, 1450)).toBeCloseTo(tankCapacityL(horizontal) / 2, 6);
  });

  it("vertical cylinder volume is linear in level", () => {
    expect(volumeAtLevelL(vertical, 7000)).toBeCloseTo(tankCapacityL(vertical) / 2, 6);
    expect(volumeAtLevelL(vertical, 1000)).toBeCloseTo((Math.PI * 9000 ** 2 * 1000) / 1e6, 6);
  });

  it("clamps levels outside the shell", () => {
    expect(volumeAtLevelL(horizontal, -5)).toBe(0);
    expect(volumeAtLevelL(horizontal, 99_999)).toBeCloseTo(tankCapacityL(horizontal), 6);
  });

  it("levelAtVolumeMm inverts volumeAtLevelL to 0.001 mm", () => {
    for (const level of [0.5, 100, 1234.5, 2899]) {
      expect(levelAtVolumeMm(horizontal, volumeAtLevelL(horizontal, level))).toBeCloseTo(level, 3);
    }
    expect(levelAtVolumeMm(horizontal, 0)).toBe(0);
    expect(levelAtVolumeMm(horizontal, 1e12)).toBe(2900);
  });

  it("strapping table is monotonic, starts at 0 and ends at full height", () => {
    const table = strappingTableFromGeometry(horizontal, 10);
    expect(table[0]).toEqual({ levelMm: 0, volumeL: 0 });
    expect(table.at(-1)?.levelMm).toBe(2900);
    expect(table).toHaveLength(291);
    for (let i = 1; i < table.length; i++) expect(table[i]!.volumeL).toBeGreaterThan(table[i - 1]!.volumeL);
  });
});
