import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTankMeasurementConfigs } from "../../../../db/repositories/tank-readings";
import { seedCatalogs } from "../../../../db/seed/catalogs";
import { seedDemo } from "../../../../db/seed/demo";
import { createTankPipeline } from "../../../../collectors/pipeline/tank-pipeline";
import { createPrng } from "../../../../collectors/simulators/prng";
import { createSiteModel, siteModelReadings } from "../../../../collectors/simulators/site-model";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { QUALITY_BAD, QUALITY_GOOD, type Reading } from "../../../../server/contracts/measurement";
import { computeTankReading } from "../../../../server/domain/measurement/index";
import { createLogger } from "../../../../server/platform/logger";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../helpers/test-db";

const T = new Date("2026-11-25T18:00:00.000Z");

describe.each(testEngines)("collector measurement pipeline on %s (A30-MS-08, A30-MS-18)", (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date("2026-11-25T12:00:00Z") });
  });
  afterAll(async () => t?.close());

  function siteReadings(time: Date): Reading[] {
    const model = createSiteModel(DEMO_SITE, { startTimeMs: time.getTime(), rng: createPrng(7) });
    return siteModelReadings(model).map((r) => ({ tag: r.tag, time, value: r.value, quality: QUALITY_GOOD }));
  }

  it("derives gross and net volume at 20 °C for every tank and stores an auditable tank reading", async () => {
    const configs = await loadTankMeasurementConfigs(t.db);
    expect(configs).toHaveLength(9);
    expect(configs.every((c) => c.referenceTemperatureC === 20 && c.strappingTables.length === 1 && c.measurementSystemKey)).toBe(true);
    const pipeline = createTankPipeline({ db: t.db, configs, logger: createLogger("silent"), auditIntervalMs: 60_000 });
    const derived = pipeline.process(siteReadings(T));
    expect(derived).toHaveLength(27);
    expect(derived.every((r) => r.quality === QUALITY_GOOD)).toBe(true);
    await pipeline.close();

    const rows = await t.db.query<{
      tank_key: string; net_volume_l: number; gross_volume_l: number; water_volume_l: number; vcf: string; reference_temperature_c: string;
      algorithm_id: string; algorithm_version: string; strapping_table_id: number; level_mm: number; water_level_mm: number;
      temperature_c: number; density_kg_m3: number; source: string;
    }>(`select k.key as tank_key, r.* from tank_readings r join tanks k on k.id = r.tank_id order by k.key`);
    expect(rows).toHaveLength(9);
    const magna = rows.find((r) => r.tank_key === "TQS-EDS-0001")!;
    expect(Number(magna.reference_temperature_c)).toBe(20);
    expect(magna.algorithm_id).toBe("vcf-api11.1");
    expect(magna.source).toContain("SME-STQ-EDS-0001");
    // net = (gross − water) × VCF, rounded to 0.001 L (A30-MS-08)
    expect(Number(magna.net_volume_l)).toBeCloseTo(Number(((magna.gross_volume_l - magna.water_volume_l) * Number(magna.vcf)).toFixed(3)), 3);

    // An auditor recomputes the stored figure from the stored inputs alone (A30-MS-18, A31-09).
    const config = configs.find((c) => c.tankKey === "TQS-EDS-0001")!;
    const recomputed = computeTankReading({
      tank: { key: config.tankKey, productKey: config.productKey, productClass: config.productClass, referenceTemperatureC: 20 },
      strappingTable: { id: magna.strapping_table_id, points: config.strappingTables[0]!.points },
      reading: { levelMm: magna.level_mm, waterLevelMm: magna.water_level_mm, temperatureC: magna.temperature_c },
      density: { kind: "observed", densityKgM3: magna.density_kg_m3, source: { kind: "online-instrument", reference: "x" } },
    });
    expect(recomputed.ok && recomputed.value.netVolumeL).toBe(Number(magna.net_volume_l));
  });

  it("a BAD level never enters the calculation: the derived tags are stored BAD instead", async () => {
    const configs = await loadTankMeasurementConfigs(t.db);
    const pipeline = createTankPipeline({ db: t.db, configs, logger: createLogger("silent") });
    const readings = siteReadings(new Date(T.getTime() + 1000)).map(
      (r): Reading => (r.tag === "EDS-0001/TQS-EDS-0002/level_mm" ? { ...r, quality: QUALITY_BAD } : r),
    );
    const derived = pipeline.process(readings);
    const premium = derived.filter((r) => r.tag.startsWith("EDS-0001/TQS-EDS-0002/"));
    expect(premium.map((r) => r.quality)).toEqual([QUALITY_BAD, QUALITY_BAD, QUALITY_BAD]);
    expect(pipeline.stats().failed).toBe(1);
    await pipeline.close();
  });

  it("a level outside the strapping table is an error, not an extrapolation (A30-MS-03)", async () => {
    const configs = await loadTankMeasurementConfigs(t.db);
    const pipeline = createTankPipeline({ db: t.db, configs, logger: createLogger("silent") });
    const readings = siteReadings(new Date(T.getTime() + 2000)).map((r) =>
      r.tag === "EDS-0001/TQS-EDS-0003/level_mm" ? { ...r, value: 99_999 } : r,
    );
    const derived = pipeline.process(readings).filter((r) => r.tag.startsWith("EDS-0001/TQS-EDS-0003/"));
    expect(derived.every((r) => r.quality === QUALITY_BAD)).toBe(true);
    await pipeline.close();
  });
});
