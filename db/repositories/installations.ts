import type { InstallationView, LatestValue, TankView } from "../../server/contracts/dashboard";
import { DASHBOARD_TANK_VARIABLES, type DashboardTankVariable } from "../../server/contracts/site";
import type { SqlExecutor } from "../client";

/** Read queries over installations, tanks and their tags (raw SQL: these run on every page load). */

export async function installationExists(db: SqlExecutor, key: string): Promise<boolean> {
  const rows = await db.query("select 1 from installations where key = $1", [key]);
  return rows.length > 0;
}

export interface TankTag {
  tag: string;
  sourceAddress: string;
  installationKey: string;
  elementKey: string;
  variable: string;
}

/** Tank tags with their source addresses (OPC UA NodeIds), optionally of one collector. */
export async function listTankTags(db: SqlExecutor, collectorKey?: string): Promise<TankTag[]> {
  const rows = await db.query<{ tag: string; source_address: string | null; installation_key: string; element_key: string; variable: string }>(
    `select t.name as tag, t.source_address, i.key as installation_key, t.element_key, t.variable
       from tags t
       join installations i on i.id = t.installation_id
       left join collectors c on c.id = t.collector_id
      where t.element_type = 'tank' and t.source_address is not null and ($1::text is null or c.key = $1)
      order by t.name`,
    [collectorKey ?? null],
  );
  return rows.map((r) => ({
    tag: r.tag,
    sourceAddress: r.source_address!,
    installationKey: r.installation_key,
    elementKey: r.element_key,
    variable: r.variable,
  }));
}

interface TankRow {
  installation_key: string;
  installation_description: string;
  installation_type: string;
  time_zone: string;
  tank_key: string;
  tank_description: string;
  product_key: string;
  product_name: string;
  sub_product_key: string | null;
  sub_product_name: string | null;
  reference_temperature_c: string | null;
  capacity_total_l: string;
  capacity_operating_l: string | null;
  geometry: { kind: string; diameterMm: number; heightMm?: number } | null;
}

/**
 * Installations with their tanks and each tank variable's latest measurement. The latest value
 * is one index probe per tag (`order by time desc limit 1` on the (tag, time) key) — fast on a
 * hypertable and on plain tables alike, whatever the history size.
 */
export async function listInstallationsWithTanks(db: SqlExecutor): Promise<InstallationView[]> {
  const tanks = await db.query<TankRow>(
    `select i.key as installation_key, i.description as installation_description, i.type as installation_type, i.time_zone,
            k.key as tank_key, k.description as tank_description, k.product_key, p.name as product_name, k.sub_product_key, sp.name as sub_product_name, p.reference_temperature_c,
            k.capacity_total_l, k.capacity_operating_l, k.geometry
       from installations i
       left join tanks k on k.installation_id = i.id
       left join products p on p.key = k.product_key
       left join sub_products sp on sp.key = k.sub_product_key
      order by i.key, k.key`,
  );
  const latest = await db.query<{ tag: string; element_key: string; installation_key: string; variable: string; time: Date; value: number; quality: number }>(
    `select t.name as tag, t.element_key, i.key as installation_key, t.variable, m.time, m.value, m.quality
       from tags t
       join installations i on i.id = t.installation_id
       left join lateral (
         select time, value, quality from measurements where tag = t.name order by time desc limit 1
       ) m on true
      where t.element_type = 'tank'`,
  );
  const byTank = new Map<string, { tags: Partial<Record<DashboardTankVariable, string>>; latest: Partial<Record<DashboardTankVariable, LatestValue>> }>();
  for (const row of latest) {
    if (!(DASHBOARD_TANK_VARIABLES as readonly string[]).includes(row.variable)) continue;
    const variable = row.variable as DashboardTankVariable;
    const id = `${row.installation_key}/${row.element_key}`;
    let entry = byTank.get(id);
    if (!entry) byTank.set(id, (entry = { tags: {}, latest: {} }));
    entry.tags[variable] = row.tag;
    if (row.time !== null && row.value !== null) {
      entry.latest[variable] = { value: Number(row.value), time: new Date(row.time).toISOString(), quality: Number(row.quality) };
    }
  }

  const installations = new Map<string, InstallationView>();
  for (const row of tanks) {
    let installation = installations.get(row.installation_key);
    if (!installation) {
      installation = {
        key: row.installation_key,
        description: row.installation_description,
        type: row.installation_type,
        timeZone: row.time_zone,
        tanks: [],
      };
      installations.set(row.installation_key, installation);
    }
    if (!row.tank_key) continue;
    const entry = byTank.get(`${row.installation_key}/${row.tank_key}`);
    const geometry = row.geometry;
    const tank: TankView = {
      key: row.tank_key,
      description: row.tank_description,
      productKey: row.product_key,
      productName: row.product_name,
      subProductKey: row.sub_product_key,
      subProductName: row.sub_product_name,
      referenceTemperatureC: row.reference_temperature_c === null ? null : Number(row.reference_temperature_c),
      capacityTotalL: Number(row.capacity_total_l),
      capacityOperatingL: row.capacity_operating_l === null ? null : Number(row.capacity_operating_l),
      heightMm: geometry ? (geometry.kind === "vertical-cylinder" ? (geometry.heightMm ?? null) : geometry.diameterMm) : null,
      latest: entry?.latest ?? {},
      tags: entry?.tags ?? {},
      activeAlarms: { count: 0, latest: null }, // filled by the dashboard service
    };
    installation.tanks.push(tank);
  }
  return [...installations.values()];
}
