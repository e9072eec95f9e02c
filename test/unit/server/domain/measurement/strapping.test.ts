import { describe, expect, it } from "vitest";
import {
  grossVolumesWithWater,
  selectStrappingTable,
  strappingTableFromGeometry,
  validateStrappingTable,
  volumeAtLevel,
  volumeAtLevelL,
  type StrappingPoint,
  type StrappingTableVersion,
  type ValidStrappingTable,
} from "../../../../../server/domain/measurement/index";

const POINTS: StrappingPoint[] = [
  { levelMm: 0, volumeL: 0 },
  { levelMm: 100, volumeL: 500 },
  { levelMm: 200, volumeL: 1500 },
  { levelMm: 300, volumeL: 3000 },
  { levelMm: 400, volumeL: 3000 },
];

function table(points: StrappingPoint[] = POINTS): ValidStrappingTable {
  const result = validateStrappingTable(points);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe("A30-MS-03 strapping table validation", () => {
  it("A30-MS-03 accepts a sorted table with strictly increasing level and non-decreasing volume", () => {
    expect(table()).toMatchObject({ minLevelMm: 0, maxLevelMm: 400 });
  });

  it.each<[string, StrappingPoint[], string]>([
    ["fewer than 2 rows", [{ levelMm: 0, volumeL: 0 }], "al menos 2 renglones"],
    ["repeated level", [{ levelMm: 0, volumeL: 0 }, { levelMm: 0, volumeL: 10 }], "estrictamente crecientes"],
    ["decreasing level", [{ levelMm: 10, volumeL: 0 }, { levelMm: 5, volumeL: 10 }], "estrictamente crecientes"],
    ["decreasing volume", [{ levelMm: 0, volumeL: 10 }, { levelMm: 5, volumeL: 9 }], "no puede disminuir"],
    ["negative volume", [{ levelMm: 0, volumeL: -1 }, { levelMm: 5, volumeL: 9 }], "no negativos"],
    ["non-numeric level", [{ levelMm: Number.NaN, volumeL: 0 }, { levelMm: 5, volumeL: 9 }], "no negativos"],
  ])("A30-MS-03 rejects a table with %s", (_name, points, message) => {
    const result = validateStrappingTable(points);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("invalid_strapping_table");
      expect(result.error.message).toContain(message);
    }
  });
});

describe("A30-MS-03 level → gross observed volume (linear interpolation)", () => {
  it("A30-MS-03 returns table rows exactly and interpolates linearly between them", () => {
    const t = table();
    expect(volumeAtLevel(t, 0)).toEqual({ ok: true, value: 0 });
    expect(volumeAtLevel(t, 200)).toEqual({ ok: true, value: 1500 });
    expect(volumeAtLevel(t, 400)).toEqual({ ok: true, value: 3000 });
    expect(volumeAtLevel(t, 150)).toEqual({ ok: true, value: 1000 });
    expect(volumeAtLevel(t, 125)).toEqual({ ok: true, value: 750 });
    expect(volumeAtLevel(t, 350)).toEqual({ ok: true, value: 3000 });
  });

  it("A30-MS-03 readings outside the table are errors, not extrapolations", () => {
    for (const level of [-0.1, 400.01, 10_000]) {
      const result = volumeAtLevel(table(), level);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe("level_out_of_table");
        expect(result.error.message).toContain("no se extrapola");
      }
    }
    expect(volumeAtLevel(table(), Number.NaN).ok).toBe(false);
  });

  it("A30-MS-03 a table starting above 0 mm rejects a 0 mm reading", () => {
    const t = table([{ levelMm: 50, volumeL: 100 }, { levelMm: 150, volumeL: 400 }]);
    expect(volumeAtLevel(t, 0).ok).toBe(false);
    expect(volumeAtLevel(t, 100)).toEqual({ ok: true, value: 250 });
  });

  it("A30-MS-03 a generated table of a horizontal cylinder reproduces the geometry within the chord error", () => {
    const geometry = { kind: "horizontal-cylinder" as const, diameterMm: 2900, lengthMm: 9100 };
    const t = table(strappingTableFromGeometry(geometry, 10));
    for (let level = 0; level <= 2900; level += 37) {
      const result = volumeAtLevel(t, level);
      expect(result.ok).toBe(true);
      if (result.ok) expect(Math.abs(result.value - volumeAtLevelL(geometry, level))).toBeLessThan(5);
    }
  });
});

describe("A30-MS-03 water bottom", () => {
  it("A30-MS-03 net gross = V(level) − V(water level)", () => {
    expect(grossVolumesWithWater(table(), 250, 50)).toEqual({ ok: true, value: { grossVolumeL: 2250, waterVolumeL: 250, netGrossL: 2000 } });
  });

  it("A30-MS-03 no free water (0 or absent) needs no table row", () => {
    const t = table([{ levelMm: 50, volumeL: 100 }, { levelMm: 150, volumeL: 400 }]);
    expect(grossVolumesWithWater(t, 100, 0)).toEqual({ ok: true, value: { grossVolumeL: 250, waterVolumeL: 0, netGrossL: 250 } });
    expect(grossVolumesWithWater(t, 100, null)).toEqual({ ok: true, value: { grossVolumeL: 250, waterVolumeL: 0, netGrossL: 250 } });
  });

  it("A30-MS-03 water above the product level or negative is an inconsistent reading", () => {
    expect(grossVolumesWithWater(table(), 100, 150).ok).toBe(false);
    expect(grossVolumesWithWater(table(), 100, -1).ok).toBe(false);
  });
});

describe("A30-MS-12 versioned strapping tables", () => {
  const versions: StrappingTableVersion[] = [
    { id: 11, version: 1, validFrom: new Date("2025-01-01T06:00:00Z"), points: POINTS },
    { id: 12, version: 2, validFrom: new Date("2026-01-15T06:00:00Z"), points: POINTS },
    { id: 13, version: 3, validFrom: new Date("2026-06-01T06:00:00Z"), points: POINTS },
  ];

  it("A30-MS-12 picks the latest version with validFrom ≤ the reading time", () => {
    const pick = (iso: string) => {
      const result = selectStrappingTable(versions, new Date(iso));
      return result.ok ? result.value.id : null;
    };
    expect(pick("2025-06-01T00:00:00Z")).toBe(11);
    expect(pick("2026-01-15T05:59:59.999Z")).toBe(11);
    expect(pick("2026-01-15T06:00:00Z")).toBe(12);
    expect(pick("2026-12-01T00:00:00Z")).toBe(13);
  });

  it("A30-MS-12 order of the list does not matter; equal validFrom → highest version", () => {
    const shuffled = [versions[2]!, versions[0]!, versions[1]!, { ...versions[1]!, id: 14, version: 4 }];
    const result = selectStrappingTable(shuffled, new Date("2026-03-01T00:00:00Z"));
    expect(result.ok && result.value.id).toBe(14);
  });

  it("A30-MS-12 a reading before the first certificate has no table (error)", () => {
    const result = selectStrappingTable(versions, new Date("2024-12-31T23:59:59Z"));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("no_strapping_table_version");
      expect(result.error.message).toContain("2024-12-31T23:59:59.000Z");
    }
    expect(selectStrappingTable([], new Date()).ok).toBe(false);
  });
});
