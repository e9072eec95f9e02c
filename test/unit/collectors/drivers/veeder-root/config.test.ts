import { describe, expect, it } from "vitest";
import {
  effectiveDeliveryPollIntervalMs,
  parseVeederRootConfig,
  veederRootTags,
} from "../../../../../collectors/drivers/veeder-root/config";
import { consoleTimeToDate, dateToConsoleTime, formatConsoleTime } from "../../../../../collectors/drivers/veeder-root/console-time";
import { backoffDelayMs } from "../../../../../collectors/drivers/veeder-root/transport";

const VALID = {
  kind: "veeder-root",
  host: "192.168.1.50",
  pollIntervalMs: 5000,
  timeoutMs: 2000,
  units: "metric",
  tanks: [
    { tankNumber: 1, tagPrefix: "EDS-0001/TQS-EDS-0001" },
    { tankNumber: 2, tagPrefix: "EDS-0001/TQS-EDS-0002" },
  ],
};

describe("A30-MS-13 Veeder-Root link configuration", () => {
  it("accepts a minimal link and defaults the TLS port to 10001", () => {
    const parsed = parseVeederRootConfig(VALID);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.config.port).toBe(10001);
    expect(effectiveDeliveryPollIntervalMs(parsed.config)).toBe(50_000);
    expect(effectiveDeliveryPollIntervalMs({ pollIntervalMs: 1000 })).toBe(30_000);
    expect(veederRootTags(parsed.config)).toEqual([
      "EDS-0001/TQS-EDS-0001/level_mm",
      "EDS-0001/TQS-EDS-0001/temperature_c",
      "EDS-0001/TQS-EDS-0001/water_level_mm",
      "EDS-0001/TQS-EDS-0001/volume_l",
      "EDS-0001/TQS-EDS-0001/tc_volume_l",
      "EDS-0001/TQS-EDS-0001/ullage_l",
      "EDS-0001/TQS-EDS-0001/water_volume_l",
      ...["level_mm", "temperature_c", "water_level_mm", "volume_l", "tc_volume_l", "ullage_l", "water_volume_l"].map(
        (v) => `EDS-0001/TQS-EDS-0002/${v}`,
      ),
    ]);
  });

  it("lists every bad key at once, in Spanish", () => {
    const parsed = parseVeederRootConfig({
      ...VALID,
      port: 70000,
      units: "imperial",
      securityCode: "abc",
      timeZone: "Marte/Olimpo",
      extra: true,
      tanks: [
        { tankNumber: 1, tagPrefix: "EDS-0001/TQS-EDS-0001" },
        { tankNumber: 1, tagPrefix: "sin-barra" },
      ],
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const text = parsed.issues.join("\n");
    expect(text).toContain("port: puerto entre 1 y 65535");
    expect(text).toContain("units: «metric» (L, mm, °C) o «us» (gal, in, °F)");
    expect(text).toContain("securityCode: 6 caracteres ASCII imprimibles");
    expect(text).toContain("timeZone: zona horaria IANA desconocida");
    expect(text).toContain("tanks.1.tagPrefix: debe ser «<instalación>/<tanque>»");
    expect(text).toMatch(/extra/);
  });

  it("refuses repeated tank numbers and tag prefixes, and an empty tank list", () => {
    const repeated = parseVeederRootConfig({
      ...VALID,
      tanks: [
        { tankNumber: 1, tagPrefix: "EDS-0001/TQS-EDS-0001" },
        { tankNumber: 1, tagPrefix: "EDS-0001/TQS-EDS-0001" },
      ],
    });
    expect(repeated.ok ? [] : repeated.issues).toEqual([
      "tanks.1.tankNumber: tanque 1 repetido",
      "tanks.1.tagPrefix: prefijo «EDS-0001/TQS-EDS-0001» repetido",
    ]);
    const empty = parseVeederRootConfig({ ...VALID, tanks: [] });
    expect(empty.ok ? [] : empty.issues).toEqual(["tanks: configure al menos un tanque"]);
  });
});

describe("Veeder-Root console clock (YYMMDDHHmm, local time)", () => {
  it("places a Mexico City stamp at UTC−6 (no DST since 2022)", () => {
    const time = { year: 2026, month: 11, day: 1, hour: 14, minute: 5 };
    expect(consoleTimeToDate(time, "America/Mexico_City")?.toISOString()).toBe("2026-11-01T20:05:00.000Z");
    expect(consoleTimeToDate({ ...time, month: 7 }, "America/Mexico_City")?.toISOString()).toBe("2026-07-01T20:05:00.000Z");
    expect(formatConsoleTime(dateToConsoleTime(new Date("2026-11-01T20:05:59.000Z"), "America/Mexico_City"))).toBe("2611011405");
  });

  it("returns null for impossible dates and for wall times skipped by DST", () => {
    expect(consoleTimeToDate({ year: 2026, month: 2, day: 30, hour: 0, minute: 0 }, "UTC")).toBeNull();
    // 2026-03-08 02:30 does not exist in Tijuana (clocks jump 02:00 → 03:00).
    expect(consoleTimeToDate({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, "America/Tijuana")).toBeNull();
    // 2026-11-01 01:30 happens twice in Tijuana: the earlier (PDT, UTC−7) instant is chosen.
    expect(consoleTimeToDate({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, "America/Tijuana")?.toISOString()).toBe(
      "2026-11-01T08:30:00.000Z",
    );
  });
});

describe("Veeder-Root reconnection backoff", () => {
  it("doubles from the initial delay and stops at the cap", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, 250, 10_000))).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000]);
    expect(backoffDelayMs(1000, 250, 10_000)).toBe(10_000);
  });
});
