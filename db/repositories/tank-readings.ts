import type { StrappingTableVersion } from "../../server/domain/measurement/index";
import type { SqlExecutor } from "../client";

/** Tank configuration the measurement pipeline needs, and the tank_readings writer. */
export interface TankMeasurementConfigRow {
  tankId: number;
  installationKey: string;
  tankKey: string;
  productKey: string;
  productClass: "hidrocarburo" | "petrolifero";
  referenceTemperatureC: number;
  measurementSystemId: number | null;
  measurementSystemKey: string | null;
  strappingTables: StrappingTableVersion[];
}

export async function loadTankMeasurementConfigs(db: SqlExecutor): Promise<TankMeasurementConfigRow[]> {
  const tanks = await db.query<{
    tank_id: number; installation_key: string; tank_key: string; product_key: string; class: "hidrocarburo" | "petrolifero";
    reference_temperature_c: string; measurement_system_id: number | null; measurement_system_key: string | null;
  }>(
    `select k.id as tank_id, i.key as installation_key, k.key as tank_key, k.product_key, p.class, p.reference_temperature_c,
            ms.id as measurement_system_id, ms.key as measurement_system_key
       from tanks k
       join installations i on i.id = k.installation_id
       join products p on p.key = k.product_key
       left join lateral (
         select id, key from measurement_systems m
          where m.element_type = 'tank' and m.tank_id = k.id and m.kind = 'static' order by id limit 1
       ) ms on true
      order by i.key, k.key`,
  );
  const tables = await db.query<{ id: number; tank_id: number; version: number; valid_from: Date | string; points: { levelMm: number; volumeL: number }[] | string }>(
    "select id, tank_id, version, valid_from, points from strapping_tables order by tank_id, version",
  );
  const byTank = new Map<number, StrappingTableVersion[]>();
  for (const t of tables) {
    const list = byTank.get(Number(t.tank_id)) ?? [];
    list.push({ id: Number(t.id), version: Number(t.version), validFrom: new Date(t.valid_from), points: typeof t.points === "string" ? JSON.parse(t.points) : t.points });
    byTank.set(Number(t.tank_id), list);
  }
  return tanks.map((t) => ({
    tankId: Number(t.tank_id),
    installationKey: t.installation_key,
    tankKey: t.tank_key,
    productKey: t.product_key,
    productClass: t.class,
    referenceTemperatureC: Number(t.reference_temperature_c),
    measurementSystemId: t.measurement_system_id === null ? null : Number(t.measurement_system_id),
    measurementSystemKey: t.measurement_system_key,
    strappingTables: byTank.get(Number(t.tank_id)) ?? [],
  }));
}

export interface NewTankReading {
  tankId: number;
  measurementSystemId: number | null;
  time: Date;
  levelMm: number;
  waterLevelMm: number | null;
  temperatureC: number;
  densityKgM3: number | null;
  baseDensityKgM3: number;
  pressureKpa: number | null;
  grossVolumeL: number;
  waterVolumeL: number;
  netVolumeL: number;
  vcf: number;
  referenceTemperatureC: number;
  strappingTableId: number;
  algorithmId: string;
  algorithmVersion: string;
  source: string;
  raw: Record<string, unknown>;
}

/** Idempotent: a reading already stored for (tank, system, time, origin) is not duplicated. */
export async function insertTankReadings(db: SqlExecutor, rows: readonly NewTankReading[]): Promise<number> {
  let inserted = 0;
  for (const r of rows) {
    const result = await db.query(
      `insert into tank_readings (tank_id, measurement_system_id, time, level_mm, water_level_mm, temperature_c, density_kg_m3, base_density_kg_m3,
                                  pressure_kpa, gross_volume_l, water_volume_l, net_volume_l, vcf, reference_temperature_c, strapping_table_id,
                                  algorithm_id, algorithm_version, source, origin, raw)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 'automatic', $19)
       on conflict on constraint tank_readings_tank_system_time_unique do nothing
       returning 1`,
      [r.tankId, r.measurementSystemId, r.time.toISOString(), r.levelMm, r.waterLevelMm, r.temperatureC, r.densityKgM3, r.baseDensityKgM3, r.pressureKpa,
        r.grossVolumeL, r.waterVolumeL, r.netVolumeL, r.vcf.toFixed(5), r.referenceTemperatureC.toFixed(2), r.strappingTableId, r.algorithmId, r.algorithmVersion,
        r.source, JSON.stringify(r.raw)],
    );
    inserted += result.length;
  }
  return inserted;
}
