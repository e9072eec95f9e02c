import { z } from "zod";

/**
 * A site description document: the installations, equipment and OPC UA addresses of one
 * taxpayer. The demo seed, the site simulators and `aforo simulate --site FILE` all read this
 * shape, so the simulated plant and the registered equipment never disagree.
 */

const geometry = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("horizontal-cylinder"), diameterMm: z.number().positive(), lengthMm: z.number().positive() }),
  z.object({ kind: z.literal("vertical-cylinder"), diameterMm: z.number().positive(), heightMm: z.number().positive() }),
]);

export const siteTankSchema = z.object({
  key: z.string(),
  description: z.string(),
  productKey: z.string().regex(/^PR\d{2}$/),
  subProductKey: z.string().regex(/^SP\d{1,2}$/).optional(),
  geometry,
  /** Operating limits as fractions of the shell height (A30-MS-03 capacities). */
  fondajeFraction: z.number().min(0).max(1),
  operatingMaxFraction: z.number().min(0).max(1),
  measurementSystemKey: z.string(),
  /** Density at 15 °C of the stored product, kg/m³. */
  density15KgM3: z.number().positive(),
  initialFillFraction: z.number().min(0).max(1),
  calibrationValidUntil: z.string().date(),
});

export const siteHoseSchema = z.object({ key: z.string(), tankKey: z.string() });
export const siteDispenserSchema = z.object({
  key: z.string(),
  measurementSystemKey: z.string(),
  hoses: z.array(siteHoseSchema).min(1),
});
export const siteDuctSchema = z.object({
  key: z.string(),
  description: z.string(),
  diameterIn: z.number().positive(),
  direction: z.enum(["inlet", "outlet"]),
  measurementSystemKey: z.string(),
  productKey: z.string(),
});

export const siteInstallationSchema = z.object({
  key: z.string(),
  description: z.string(),
  type: z.enum(["service_station", "storage_terminal", "pipeline", "process_station", "distribution", "refinery"]),
  permitModality: z.string(),
  permitNumber: z.string(),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  timeZone: z.string(),
  cutHour: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  tanks: z.array(siteTankSchema),
  dispensers: z.array(siteDispenserSchema),
  ducts: z.array(siteDuctSchema),
});

export const siteSchema = z.object({
  taxpayer: z.object({
    rfc: z.string(),
    name: z.string(),
    legalRepresentativeRfc: z.string(),
    providerRfcs: z.array(z.string()),
    character: z.enum(["contratista", "asignatario", "permisionario", "usuario"]),
  }),
  /** OPC UA endpoint the site simulator serves and the demo collector reads. */
  opcua: z.object({ port: z.number().int().min(1).max(65535), namespaceUri: z.string() }),
  installations: z.array(siteInstallationSchema).min(1),
});

export type Site = z.infer<typeof siteSchema>;
export type SiteInstallation = z.infer<typeof siteInstallationSchema>;
export type SiteTank = z.infer<typeof siteTankSchema>;

/** Tank variables published by the simulator and stored as measurement tags. */
export const TANK_VARIABLES = ["level_mm", "temperature_c", "water_level_mm", "density_kg_m3"] as const;
export type TankVariable = (typeof TANK_VARIABLES)[number];

/**
 * Tank variables the UCC computes from the measured ones (A30-MS-18: level → strapping table →
 * gross volume → VCF → net volume at reference conditions). Stored as tags like the measured ones,
 * with no source address: the collector's measurement pipeline produces them.
 */
export const DERIVED_TANK_VARIABLES = ["gross_volume_l", "net_volume_l", "vcf"] as const;
export type DerivedTankVariable = (typeof DERIVED_TANK_VARIABLES)[number];

export type DashboardTankVariable = TankVariable | DerivedTankVariable;
export const DASHBOARD_TANK_VARIABLES: readonly DashboardTankVariable[] = [...TANK_VARIABLES, ...DERIVED_TANK_VARIABLES];

/** Tag naming convention: `<installationKey>/<elementKey>/<variable>` (keys are unique per installation, A30-MS-01). */
export function tagName(installationKey: string, elementKey: string, variable: string): string {
  return `${installationKey}/${elementKey}/${variable}`;
}

/** OPC UA string NodeId of a tank variable in the simulator's namespace (`ns=<idx>;s=<tag>`). */
export function tankNodeIdentifier(installationKey: string, tankKey: string, variable: TankVariable): string {
  return tagName(installationKey, tankKey, variable);
}
